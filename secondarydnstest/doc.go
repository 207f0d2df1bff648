// Package secondarydnstest provides an in-memory fake of Cloudflare's Secondary
// DNS outgoing zone transfer API, served over real HTTP, for tests of code that
// uses package secondarydns (or speaks to the API directly).
//
//	srv := secondarydnstest.NewServer()
//	defer srv.Close()
//	client, err := secondarydns.NewClient(
//		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
//		secondarydns.WithBaseURL(srv.URL),
//	)
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
// # Zone IDs
//
// Like Cloudflare's, the fake's zone IDs are 32 lowercase hexadecimal
// characters (e.g. "023e105f4ecef8ad9ca31a8372d0c353"). A path whose zone ID is
// anything else is refused as the real API refuses a malformed identifier
// (400, codes 7003 and 7000), so tests must use realistic IDs.
//
// # Error codes
//
// The real API documents no error codes for these endpoints. The codes below
// are illustrative, borrowed from codes seen elsewhere on Cloudflare's v4 API;
// code that branches on them is testing the fake, not Cloudflare. Branch on the
// HTTP status (secondarydns.ErrNotFound and friends) instead.
//
//	status  code(s)        when
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
// reports invalid request headers. Checks run in the order of the table, after
// any injected fault: a request with a malformed zone ID and no credentials
// gets the 400.
//
// # Fault injection and the request log
//
// Server.Fail makes the next matching requests fail with a status of your
// choice, with a Retry-After header, with a raw non-JSON body, or with a dropped
// connection, for tests of retry handling. Server.Requests returns every request
// the server received, faulted or not, with credentials redacted.
//
// The server is safe for concurrent use.
package secondarydnstest
