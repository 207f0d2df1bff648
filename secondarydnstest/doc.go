// Package secondarydnstest provides an in-memory fake of Cloudflare's Secondary
// DNS API for Cloudflare as primary (the outgoing zone transfer configuration,
// the account's peers, TSIGs and ACLs, and the zone list), served over real
// HTTP, for tests of code that uses package secondarydns (or speaks to the API
// directly).
//
//	srv := secondarydnstest.NewServer()
//	defer srv.Close()
//	client, err := srv.Client() // base URL and credentials set
//
// The server answers the eight endpoints under
// {URL}/zones/{zone_id}/secondary_dns/outgoing with the Cloudflare envelope
// ({"success", "errors", "messages", "result"}), a Content-Type of
// application/json and a cf-ray header. It keeps one outgoing configuration per
// zone: Create makes it (id = the zone ID, status "Disabled"), Get returns it,
// Update replaces its name and peers, Delete removes it, Enable and Disable set
// the status that Status reports, and ForceNotify answers "OK" and records the
// time as checked_time and, when the zone's transfers are enabled (a disabled
// zone is transferred to nobody), as last_transferred_time.
//
// # Account objects
//
// The server keeps peers, TSIGs and ACLs per account under
// {URL}/accounts/{account_id}/secondary_dns/{peers,tsigs,acls}: GET lists the
// collection (in the order the objects were made, with a result_info of one
// page), POST creates, and GET, PUT (the whole object: fields left out are
// cleared) and DELETE (answering {"id": …}) act on {…}/{id}. Every account ID
// of 32 lowercase hexadecimal characters is served, DefaultAccountID and any
// other, each with its own objects: an object of one account is not found
// (404) under another. IDs are deterministic: a hexadecimal spelling of the
// kind ("70656572" for peers, "74736967" for TSIGs, "61636c" for ACLs) and a
// per-server counter, e.g. "70656572000000000000000000000001" for the first
// peer. A peer create keeps and answers every field it was given (the real API
// documents only name for it). Bodies are checked as the API describes them:
// a name is required (at most 255 bytes), a peer's ip is an IPv4 or IPv6
// address, its port 0 to 65535, its tsig_id a TSIG of the same account when
// the peer is written (deleting a TSIG that a peer uses is allowed: nothing
// documents otherwise); a TSIG needs an algo the API documents (any case,
// trailing dot optional) and a secret; an ACL's ip_range is a CIDR prefix no
// wider than /24 (IPv4) or /64 (IPv6), host bits allowed as in the API's own
// example. Names need not be unique, as the API does not ask it. A missing
// object is a plain 404 (code 1005), never 7003/7000: its ID is well formed.
//
// # Zones
//
// GET {URL}/zones lists the zones the server knows: those given to
// Server.AddZone, and those seeded (Server.Seed) or created through the API,
// which belong to DefaultAccountID and are named as their configuration was
// when they became known (a later Seed renames, an Update does not, a Delete
// of the configuration leaves the zone). Zones are sorted by name, then ID, and
// paged by page (from 1) and per_page (default 20; below 5 counts as 5, above
// 50 as 50, as Cloudflare documents), with a result_info of page, per_page,
// count, total_count and total_pages (0 when nothing matches). The filters are
// account.id (exact) and name (without regard to ASCII case or one trailing
// dot; names are served without one, as Cloudflare serves them). Other
// parameters are ignored.
//
// WithStrictZones makes every zone endpoint answer a zone ID that was neither
// added nor seeded as Cloudflare answers an unknown ID: 404 with codes 7003
// and 7000, the error secondarydns.ErrUnknownID tells from a missing
// configuration. Without it, any well-formed zone ID is a zone.
//
// Server.Client makes a secondarydns client with the server's URL and
// credentials; credentials passed to it replace the server's, so a test of a
// wrong token is srv.Client(secondarydns.WithAPIToken("wrong")).
//
// # Zone IDs
//
// Like Cloudflare's, the fake's zone IDs are 32 lowercase hexadecimal
// characters (e.g. "023e105f4ecef8ad9ca31a8372d0c353"). A path whose zone ID is
// anything else is refused as the real API refuses a malformed identifier
// (400, codes 7003 and 7000), so tests must use realistic IDs: ZoneID(i) makes
// one per number, in the order of the numbers.
//
// # Ray IDs
//
// The cf-ray header counts the server's answers: the first is
// "0000000000000001-SJC", the next "0000000000000002-SJC", and so on (a
// dropped connection has none). So Examples and golden files can show errors
// with their ray IDs, and a test can tell which answer an error came from.
//
// # Error codes
//
// The real API documents no error codes for these endpoints. The codes below
// are illustrative, borrowed from codes seen elsewhere on Cloudflare's v4 API;
// code that branches on them is testing the fake, not Cloudflare. Branch on the
// HTTP status (secondarydns.ErrNotFound and friends) instead.
//
//	status  code(s)        when
//	429     10100          the rate limit (WithRateLimit)
//	413     1004           a request body over 1 MiB
//	404     7003 + 7000    no such path
//	400     7003 + 7000    a zone, account or object ID in the path is malformed
//	405     7001           known path, wrong method (with an Allow header)
//	400     6003 > 6111    Authorization header that is not "Bearer <token>"
//	400     6003 > 6102    X-Auth-Key without X-Auth-Email
//	400     6003 > 6103    X-Auth-Email without X-Auth-Key
//	400     6003 > 6105    a request body whose Content-Type is not application/json
//	401     9106           no credentials
//	403     10000          unknown bearer token
//	403     9103           unknown email and key
//	404     7003 + 7000    WithStrictZones: a zone neither added nor seeded
//	400     1004           invalid body; source.pointer is "/" or the field, e.g. "/name", "/peers/<i>", "/ip_range"
//	400     1004           GET /zones: page or per_page not a whole number of at least 1 (no pointer)
//	404     1003           the zone has no outgoing configuration
//	409     1002           Create on a zone that has one
//	404     1005           no peer, TSIG or ACL with that ID in that account
//	429     971            an injected 429 (see Fault)
//	other   1000           any other injected status
//
// "6003 > 6111" means error 6003 with 6111 in its error_chain, as Cloudflare
// reports invalid request headers. The rate limit comes first, then the body
// size, then any injected fault, then the other checks in the order of the
// table: a request
// with a malformed zone ID and no credentials gets the 400, one for a zone
// that WithStrictZones refuses and no credentials the 401.
//
// # Rate limit
//
// WithRateLimit(1200, 5*time.Minute) limits each credential as Cloudflare
// limits each user: a fixed window and, from the request over the limit on,
// a block of one window in which every request gets a 429 with Retry-After;
// every answer carries Ratelimit and Ratelimit-Policy headers. It runs on the server's clock (WithClock), so
// tests of pacing and lockouts need not sleep. See WithRateLimit.
//
// # Fault injection and the request log
//
// Server.Fail makes the next matching requests fail with a status of your
// choice, with a Retry-After header, with a raw non-JSON body, or with a dropped
// connection, for tests of retry handling. A Fault matches by zone and action
// (Fault{Zone: id, Action: "enable"}), by kind of endpoint, account and action
// (Fault{Kind: "peer", Action: "create"}, Fault{Account: id, Action: "list"}),
// or by method and path (a path copied from an APIError works). Fail panics on
// a fault that no request could match, and Server.PendingFaults lists those
// that have not fired, so a test can assert that its faults were really
// exercised. Server.Requests returns the requests the server received, faulted
// or not, with credentials and TSIG secrets redacted.
//
// # A long-running server
//
// So that a server can run for days (secondarydns fake does), what it keeps
// is bounded: Server.Requests holds the last DefaultRequestLogSize (10,000)
// requests (WithRequestLogSize changes it), each with at most the first 16 KiB
// of its body; a request body over 1 MiB is answered 413 without being read
// further; and WithRateLimit forgets a credential once its window and any
// block have passed.
//
// # Secondaries and NOTIFY
//
// A Secondary is a real secondary nameserver on loopback, for tests of code
// that checks secondaries (such as package verify): NewSecondary listens on
// 127.0.0.1, UDP and TCP on one port (Secondary.Addr), answers SOA queries
// authoritatively for the zones given to Serve, and REFUSED for those given
// to Refuse and for any zone it does not know. It serves at most
// MaxSecondaryConns TCP connections at once, so one that runs for days stays
// small too.
//
//	sec := secondarydnstest.NewSecondary()
//	defer sec.Close()
//	sec.Follow(srv) // take srv's serial on each NOTIFY
//	// a peer with ip 127.0.0.1 and port sec.Addr.Port(), linked to the zone
//
// The fake's NOTIFY is real: Enable and ForceNotify send a DNS NOTIFY over UDP
// for the zone to each of its peers (peers of the zone's account) that has an
// IP, at the peer's port (53 when unset). A Secondary that follows the server
// answers it and takes the zone's current soa_serial when the zone's transfers
// are enabled, as a real secondary would after its transfer. For a peer on a
// loopback address the server waits (at most a second) for that answer
// before it answers Enable or ForceNotify, so a test can ask the Secondary
// right after, without sleeping.
//
// Each zone's soa_serial starts at a fixed value on Create (a date-based
// serial, YYYYMMDD01) and only Server.BumpSerial changes it, as an edit of the
// zone's records would, without any NOTIFY: the secondaries are behind until
// Enable or ForceNotify tells them. So a test of monitoring runs end to end:
// bump a serial, see "behind", notify, see "in sync".
//
// The server is safe for concurrent use.
package secondarydnstest
