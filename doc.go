// Package secondarydns is a typed client for Cloudflare's Secondary DNS
// outgoing zone transfer API ("Cloudflare as primary"): the configuration
// that says which secondary nameservers may pull a zone, whether transfers
// are enabled, and a forced DNS NOTIFY.
//
//	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(token))
//	cfg, err := c.Outgoing.Get(ctx, zoneID)
//
// All eight endpoints under /zones/{zone_id}/secondary_dns/outgoing are
// methods of Client.Outgoing: Get, Create, Update, Delete, Enable, Disable,
// ForceNotify and Status. Each returns a typed result, never the raw
// envelope. The package depends only on the standard library and
// github.com/google/go-querystring.
//
// # Peers, TSIGs and ACLs
//
// The account's objects that outgoing transfers point at have the same five
// methods each, List, Get, Create, Update (a PUT of the whole object) and
// Delete, on Client.Peers, Client.TSIGs and Client.ACLs
// (/accounts/{account_id}/secondary_dns/{peers,tsigs,acls}). Create and Update
// bodies hold exactly the params' set fields; Create is never repeated once
// it may have reached the server. The API documents only a name for a peer
// create, so PeersService.Create sends one PUT with the same fields when the
// answer lacks one it sent. Arguments are checked first: a peer's IP is one
// address (a host name or an address with a port gets a hint), an ACL's range
// a prefix without host bits ("did you mean 192.0.2.0/24?"), a TSIG's
// algorithm one of the TSIG constants and its secret standard base64.
//
// A TSIG secret is treated like a credential: TSIG and TSIGParams print
// "[redacted]" under every fmt verb and in slog, and a call that sends one
// scrubs it from everything it keeps. The TSIG value still holds it.
//
// # Zones
//
// ZonesService.List (GET /zones) turns zone names into IDs, reading every
// page and refusing (ErrInvalidResponse) pages that would make the list
// incomplete or endless.
//
// # Credentials
//
// Use an API token (WithAPIToken, sent as "Authorization: Bearer") or the
// legacy email and Global API key (WithAPIKey). WithEnv reads
// CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, only when
// asked. Pass a token alone: one starting with "Bearer " is refused. The
// user service key (X-Auth-User-Service-Key) is not offered: the API does not
// accept it for these endpoints. Credentials never appear in an error, a log
// record, or any fmt rendering of an SDK value, and the SDK scrubs them from
// response text it keeps (error and message text, a body snippet, the ray
// ID, the headers WithResponse reports, a transport error's text), because a
// proxy or a broken server may echo them. Scrubbing changes nothing else: a token
// or key of 8 bytes or more is replaced by "[redacted]" wherever it occurs
// (every real one is longer: API tokens have 40 characters, Global API keys
// 37); a shorter one is no real credential and is left alone, since
// replacing it would corrupt ordinary words and ray IDs; the email is
// replaced in any ASCII case but only as a whole address, never inside a
// longer one. Echoes a proxy transformed are caught too: the token and key in
// any ASCII case, the percent-encoded email, and the base64 (standard and URL
// alphabets, padded or not) of each credential and of "email:key", when that
// encoding is 8 bytes or more. Arbitrary transforms (hex, hashes, other
// encodings, cut or reordered values) cannot be recognised and are not
// caught.
//
// # Arguments
//
// Arguments are checked before anything is sent, and a bad one is an
// ErrInvalidInput that says which and why. The checks are syntactic: a zone
// ID (and each peer ID) is 1 to 64 of [A-Za-z0-9_-]; one containing a dot
// gets the hint "pass the zone ID, not the zone name" (an IP address gets a
// hint of its own), but a single-label
// name such as "localhost" fits the rule and is sent (the API then answers
// with an error). Peer IDs name the account's Secondary DNS peers
// (Client.Peers), not nameserver addresses: an IP address or a host name
// gets a hint saying so.
// A zone name is checked the way DNS does (labels of 1 to 63 octets, at most
// 253 octets, no whitespace or control characters), and refused when it
// holds a character that suggests a URL was pasted (/ ? # % \).
//
// # Options
//
// The same Option type configures the client (given to NewClient) and a
// single call (given to a method). A per-call option overrides the client's
// value for that call only; the client never changes and is safe for
// concurrent use. WithResponse and WithQuery are per call only. The same
// option twice at one level: the last wins (two WithQuery in one call keep
// only the second's parameters; WithHeader calls for different header
// names add up).
//
// # Errors
//
// Every non-2xx response, whatever its body (a Cloudflare envelope, an HTML
// page from the edge, plain text, nothing), and every 2xx whose envelope says
// "success": false, is an *APIError carrying the status, Cloudflare's errors
// and messages, the cf-ray ID and Retry-After. Branch with errors.Is on
// ErrNotFound, ErrConflict, ErrRateLimited, ErrServerError and the other
// HTTP-class sentinels, or errors.As for the details. ErrUnknownID matches
// an *APIError whose envelope carries code 7003 or 7000 ("Could not route to
// …, perhaps your object identifier is invalid?"): the zone, account or object
// ID is wrong, so such a 404 is not "no configuration" (it still matches
// ErrNotFound). ErrInvalidInput means
// an argument or option was wrong and nothing was sent; ErrInvalidResponse
// means a 2xx whose body could not be decoded without losing data. A request
// that got no complete response is a *TransportError. When the context ends,
// errors.Is(err, context.Canceled) (or context.DeadlineExceeded) holds.
//
// # Retries
//
// 429 and 5xx responses and transport errors are retried, by default twice
// (WithMaxRetries), with full-jitter exponential backoff: retry n waits a
// random time in [0, min(max, base·2^(n-1))], 500 ms doubling up to 8 s unless
// WithBackoff says otherwise (WithBackoff(0, 0) retries at once). A
// Retry-After from the server replaces that wait when it is at most 60 s (or
// the WithMaxRetryWait limit); a longer one is not waited for: the call
// returns the *APIError at once with RetryAfter set, so the caller decides.
// Create is the exception: a repeated create is not safe, so it is retried
// only on 429 and when the connection could not be made at all. Other 4xx
// statuses (408 and 409 included), TLS certificate errors, redirects and an
// ended context are never retried. Redirects are never followed, so
// credentials never travel to another host. Every wait ends as soon as the
// context does. APIError.Attempts (and Response.Attempts) count the requests
// a call sent, and the error's text says "after N attempts" when there was
// more than one.
//
// # Desired state
//
// OutgoingService.Plan reads a zone and returns the actions (create, update,
// enable, disable, delete) that would bring it to a Desired state; Execute
// checks the zone again and performs exactly a plan's actions, ending with
// ErrStale, untouched, if the zone changed since it was planned; Apply does
// both at once, planning again once when the zone changed in between. Names
// compare without ASCII case and trailing dot, peers as sets. ApplyAll and
// ExecuteAll do the same for a fleet with bounded concurrency, one
// ZoneResult per zone in zone-ID order, and a shared pause when the API
// locks the user out (a 429 whose Retry-After the call did not wait for).
//
// Client.PlanAccount and Client.ExecuteAccount do the same for the
// account's peers, TSIG keys and ACLs, matched by name (AccountDesired);
// AccountPlan.Split runs the peer and TSIG deletes after the zones have
// dropped them.
//
// Cloudflare allows 1,200 requests per 5 minutes per user, shared with the
// dashboard and every other tool of that user; over it, every call is
// blocked for 5 minutes. Pace fleets with WithRateLimiter, e.g.
// rate.NewLimiter(4, 1) from golang.org/x/time/rate (four requests a second).
//
// # Testing
//
// Package secondarydnstest serves an in-memory fake of the API over real
// HTTP, with fault injection, for tests of code that uses this package.
package secondarydns
