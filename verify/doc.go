// Package verify proves that secondary nameservers serve each zone at the
// SOA serial Cloudflare reports for it.
//
// Cloudflare, as primary, reports one soa_serial per zone and nothing per
// secondary, and ForceNotify answers "OK" whether or not any secondary
// pulled the zone afterwards. The only proof is to ask each secondary, over
// DNS, which serial it serves. This package asks.
//
// Querier.SOA is one question to one server: an SOA query over UDP without
// recursion, matched to its answer by a random ID, the question and the
// source address (anything else is ignored, as the standard library's
// resolver ignores it), tried again on timeout and asked again over TCP when
// truncated. Its errors tell apart a server that answered without serving
// the zone (ErrNotServing) from one that did not answer (ErrNoAnswer) or
// whose network refused the query (ErrRefused); both of the latter match
// ErrUnreachable.
//
// CompareSerial orders serials by RFC 1982, wrap-around included, and says
// when two serials have no order.
//
// A Checker asks many targets about many zones, at most MaxConcurrency (64)
// queries in flight, and gives each target a State: InSync, Behind,
// NotServing, Unreachable or NoAddress (and OrderUndefined when a serial is
// exactly 2^31 from Cloudflare's). A Waiter asks the targets that are not in
// sync again every two seconds until they are or a deadline passes, for use
// after ForceNotify.
//
// A check of an account's zones costs one Peers.List per run and one
// Outgoing.Get per zone from the API (NewZone turns their answers into a
// Zone), then only DNS:
//
//	peers, err := client.Peers.List(ctx, accountID)
//	...
//	var zones []verify.Zone
//	for _, id := range zoneIDs { // paced like any other run of API calls
//		o, err := client.Outgoing.Get(ctx, id)
//		...
//		zones = append(zones, verify.NewZone(id, o, peers))
//	}
//	results, err := (&verify.Checker{}).Check(ctx, zones)
//
// Nameservers the user names besides the peers (HOST[:PORT]) become targets
// through ResolveNS, resolved once per run and passed to NewZone as extra
// targets.
//
// Package secondarydnstest's Secondary is a real nameserver on loopback for
// tests of all this, and its fake API sends it real NOTIFY messages.
//
// Every error for a bad argument (a nil context, a negative Concurrency, a
// zone name DNS cannot carry, a server address or target with port 0, a
// nameserver ResolveNS cannot parse) matches secondarydns.ErrInvalidInput,
// as the SDK's own do; its text stays the package's ("verify: …").
//
// Only this package (with the test kit and the command) speaks DNS, through
// golang.org/x/net/dns/dnsmessage; package secondarydns stays HTTPS only.
package verify
