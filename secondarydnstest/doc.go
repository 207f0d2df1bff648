// Package secondarydnstest provides an in-memory fake of Cloudflare's Secondary
// DNS outgoing zone transfer API, served over real HTTP, for tests of code that
// uses package secondarydns (or speaks to the API directly).
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
// time as checked_time and last_transferred_time.
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
//	404     7003 + 7000    no such path
//	400     7003 + 7000    the zone ID in the path is malformed
//	405     7001           known path, wrong method (with an Allow header)
//	400     6003 > 6111    Authorization header that is not "Bearer <token>"
//	400     6003 > 6102    X-Auth-Key without X-Auth-Email
//	400     6003 > 6103    X-Auth-Email without X-Auth-Key
//	400     6003 > 6105    a request body whose Content-Type is not application/json
//	401     9106           no credentials
//	403     10000          unknown bearer token
//	403     9103           unknown email and key
//	400     1004           invalid body; source.pointer is "/", "/name", "/peers" or "/peers/<i>"
//	404     1003           the zone has no outgoing configuration
//	409     1002           Create on a zone that has one
//	429     971            an injected 429 (see Fault)
//	other   1000           any other injected status
//
// "6003 > 6111" means error 6003 with 6111 in its error_chain, as Cloudflare
// reports invalid request headers. The rate limit comes first, then any
// injected fault, then the other checks in the order of the table: a request
// with a malformed zone ID and no credentials gets the 400.
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
// (Fault{Zone: id, Action: "enable"}) or by method and path (a path copied from
// an APIError works). Fail panics on a fault that no request could match, and
// Server.PendingFaults lists those that have not fired, so a test can assert
// that its faults were really exercised. Server.Requests returns every request
// the server received, faulted or not, with credentials redacted.
//
// The server is safe for concurrent use.
package secondarydnstest
