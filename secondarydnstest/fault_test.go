package secondarydnstest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// allEndpoints is the API's eight endpoints, by Fault.Action.
var allEndpoints = []struct {
	action, method, suffix, body string
}{
	{"get", "GET", "", ""},
	{"create", "POST", "", `{"name":"example.com","peers":[]}`},
	{"update", "PUT", "", `{"name":"example.com","peers":[]}`},
	{"delete", "DELETE", "", ""},
	{"enable", "POST", "/enable", "{}"},
	{"disable", "POST", "/disable", "{}"},
	{"force_notify", "POST", "/force_notify", "{}"},
	{"status", "GET", "/status", ""},
}

// TestFaultByAction sends every endpoint once for each action and checks
// that exactly the named one fires.
func TestFaultByAction(t *testing.T) {
	for _, want := range allEndpoints {
		t.Run(want.action, func(t *testing.T) {
			srv := newServer(t)
			srv.Fail(secondarydnstest.Fault{Action: want.action, Status: 418})
			var fired []string
			for _, ep := range allEndpoints {
				if send(t, srv, ep.method, outgoingPath(zoneA)+ep.suffix, ep.body).Status == 418 {
					fired = append(fired, ep.action)
				}
			}
			assert.Equal(t, []string{want.action}, fired)
			assert.Empty(t, srv.PendingFaults())
		})
	}
}

func TestFaultByZoneAndAction(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "example.org"})
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "enable", Status: 500})

	assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneB, "enable"), "{}").Status, "another zone")
	assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneA, "disable"), "{}").Status, "another action")
	assert.Equal(t, 405, send(t, srv, "GET", outgoingPath(zoneA, "enable"), "").Status, "the path without the action's method")
	assert.Equal(t, 404, send(t, srv, "GET", "/zones/"+zoneA, "").Status, "not an API path")
	assert.Len(t, srv.PendingFaults(), 1)
	// A percent-encoded zone ID is the same zone.
	r := send(t, srv, "POST", "/zones/%30"+zoneA[1:]+"/secondary_dns/outgoing/enable", "{}")
	assert.Equal(t, 500, r.Status)
	assert.Empty(t, srv.PendingFaults())
	assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}").Status, "used up")

	// Zone alone matches every endpoint of that zone.
	srv.Fail(secondarydnstest.Fault{Zone: zoneB, Times: 8, Status: 502})
	for _, ep := range allEndpoints {
		assert.Equal(t, 200, send(t, srv, "GET", outgoingPath(zoneA, "status"), "").Status)
		assert.Equal(t, 502, send(t, srv, ep.method, outgoingPath(zoneB)+ep.suffix, ep.body).Status, ep.action)
	}
	assert.Empty(t, srv.PendingFaults())
}

func TestFaultMethodAndPath(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})

	// Methods match in any case.
	srv.Fail(secondarydnstest.Fault{Method: "get", Status: 500})
	srv.Fail(secondarydnstest.Fault{Method: "pOsT", Path: outgoingPath(zoneA, "enable"), Status: 501})
	assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneA, "disable"), "{}").Status)
	assert.Equal(t, 501, send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}").Status)
	assert.Equal(t, 500, send(t, srv, "GET", outgoingPath(zoneA), "").Status)

	// A path with the /client/v4 prefix, as APIError.Path has it, matches;
	// so does one with a percent-encoded zone ID.
	srv.Fail(secondarydnstest.Fault{Path: "/client/v4" + outgoingPath(zoneA, "status"), Status: 502})
	srv.Fail(secondarydnstest.Fault{Path: "/zones/%30" + zoneA[1:] + "/secondary_dns/outgoing", Status: 503})
	assert.Equal(t, 502, send(t, srv, "GET", outgoingPath(zoneA, "status")+"?x=1", "").Status, "the query does not matter")
	assert.Equal(t, 200, send(t, srv, "GET", outgoingPath(zoneA, "status"), "").Status)
	assert.Equal(t, 503, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	assert.Empty(t, srv.PendingFaults())
}

func TestFaultPathCopiedFromAPIError(t *testing.T) {
	srv := newServer(t)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()

	_, err = c.Outgoing.Enable(ctx, zoneA)
	apiErr := apiError(t, err)
	require.Equal(t, "/client/v4"+outgoingPath(zoneA, "enable"), apiErr.Path)

	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	srv.Fail(secondarydnstest.Fault{Method: apiErr.Method, Path: apiErr.Path, Status: 503, RetryAfter: "0"})
	var resp secondarydns.Response
	st, err := c.Outgoing.Enable(ctx, zoneA, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)
	assert.Equal(t, 2, resp.Attempts, "the fault fired")
	assert.Empty(t, srv.PendingFaults())
}

func TestClientFaultByZoneAndAction(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "example.org"})
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "status", Times: 2, Status: 503, RetryAfter: "0"})

	var resp secondarydns.Response
	_, err = c.Outgoing.Status(ctx, zoneB, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, 1, resp.Attempts)
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, []secondarydnstest.Fault{{Zone: zoneA, Action: "status", Times: 2, Status: 503, RetryAfter: "0"}}, srv.PendingFaults())

	st, err := c.Outgoing.Status(ctx, zoneA, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusDisabled, st)
	assert.Equal(t, 3, resp.Attempts)
	assert.Empty(t, srv.PendingFaults())
}

func TestFailPanics(t *testing.T) {
	enable := outgoingPath(zoneA, "enable")
	cases := []struct {
		fault secondarydnstest.Fault
		why   string
	}{
		{secondarydnstest.Fault{Status: 600}, "status 600 out of range 200..599"},
		{secondarydnstest.Fault{Status: 199}, "status 199 out of range 200..599"},
		{secondarydnstest.Fault{Action: "Enable"}, `unknown action "Enable"; want one of "get", "create", "update", "delete", "enable", "disable", "force_notify", "status", "list" (lower case)`},
		{secondarydnstest.Fault{Action: "notify"}, `unknown action "notify"; want one of "get", "create", "update", "delete", "enable", "disable", "force_notify", "status", "list" (lower case)`},
		{secondarydnstest.Fault{Zone: "example.com"}, `zone "example.com" is not a zone ID (32 lowercase hexadecimal characters): pass the zone ID, not the zone name`},
		{secondarydnstest.Fault{Zone: strings.ToUpper(zoneA)}, `zone "` + strings.ToUpper(zoneA) + `" is not a zone ID (32 lowercase hexadecimal characters)`},
		{secondarydnstest.Fault{Method: "PATCH"}, `method "PATCH": no endpoint has it; the API's are GET, POST, PUT and DELETE`},
		{secondarydnstest.Fault{Method: "head"}, `method "head": no endpoint has it; the API's are GET, POST, PUT and DELETE`},
		{secondarydnstest.Fault{Method: "get", Action: "create"}, `action "create" is a POST, not a GET`},
		{secondarydnstest.Fault{Method: "POST", Action: "status"}, `action "status" is a GET, not a POST`},
		{secondarydnstest.Fault{Path: "/never"}, `path "/never" is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4`},
		{secondarydnstest.Fault{Path: "/client/v4"}, `path "/client/v4" is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4`},
		{secondarydnstest.Fault{Path: enable[1:]}, `path "` + enable[1:] + `" is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4`},
		{secondarydnstest.Fault{Path: outgoingPath(zoneA) + "/"}, `path "` + outgoingPath(zoneA) + `/" is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4`},
		{secondarydnstest.Fault{Path: outgoingPath(zoneA, "notify")}, `path "` + outgoingPath(zoneA, "notify") + `" is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4`},
		{secondarydnstest.Fault{Path: "https://api.cloudflare.com/client/v4" + enable}, `path "https://api.cloudflare.com/client/v4` + enable + `" is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4`},
		{secondarydnstest.Fault{Path: enable + "?x=1"}, `path "` + enable + `?x=1" has a query or fragment; faults match the path alone`},
		{secondarydnstest.Fault{Path: "/zones/example.com/secondary_dns/outgoing"}, `path "/zones/example.com/secondary_dns/outgoing": its zone ID "example.com" is not 32 lowercase hexadecimal characters: pass the zone ID, not the zone name`},
		{secondarydnstest.Fault{Method: "GET", Path: enable}, `no endpoint answers GET on path "` + enable + `" (it takes POST)`},
		{secondarydnstest.Fault{Method: "POST", Path: outgoingPath(zoneA, "status")}, `no endpoint answers POST on path "` + outgoingPath(zoneA, "status") + `" (it takes GET)`},
		{secondarydnstest.Fault{Action: "status", Path: outgoingPath(zoneA)}, `action "status" contradicts path "` + outgoingPath(zoneA) + `"`},
		{secondarydnstest.Fault{Action: "get", Path: "/client/v4" + enable}, `action "get" contradicts path "/client/v4` + enable + `"`},
		{secondarydnstest.Fault{Zone: zoneB, Path: enable}, `zone "` + zoneB + `" contradicts path "` + enable + `"`},
		{secondarydnstest.Fault{Kind: "peers"}, `unknown kind "peers"; want one of "outgoing", "peer", "tsig", "acl", "zone" (lower case)`},
		{secondarydnstest.Fault{Kind: "zone", Action: "get"}, `action "get" contradicts kind "zone" (it is an action of "outgoing", "peer", "tsig", "acl")`},
		{secondarydnstest.Fault{Kind: "peer", Action: "enable"}, `action "enable" contradicts kind "peer" (it is an action of "outgoing")`},
		{secondarydnstest.Fault{Kind: "outgoing", Action: "list"}, `action "list" contradicts kind "outgoing" (it is an action of "peer", "tsig", "acl", "zone")`},
		{secondarydnstest.Fault{Kind: "peer", Zone: zoneA}, `zone "` + zoneA + `" contradicts kind "peer": only the outgoing endpoints have a zone`},
		{secondarydnstest.Fault{Action: "list", Zone: zoneA}, `zone "` + zoneA + `" contradicts action "list": only the outgoing endpoints have a zone`},
		{secondarydnstest.Fault{Account: "acct"}, `account "acct" is not an account ID (32 lowercase hexadecimal characters)`},
		{secondarydnstest.Fault{Account: account1, Kind: "zone"}, `account "` + account1 + `" contradicts kind "zone": only the peer, TSIG and ACL endpoints have an account`},
		{secondarydnstest.Fault{Account: account1, Action: "status"}, `account "` + account1 + `" contradicts action "status": only the peer, TSIG and ACL endpoints have an account`},
		{secondarydnstest.Fault{Account: account1, Zone: zoneA}, `account "` + account1 + `" contradicts zone "` + zoneA + `": only the peer, TSIG and ACL endpoints have an account`},
		{secondarydnstest.Fault{Path: accountPath("acct", "peers")}, `path "` + accountPath("acct", "peers") + `": its IDs are not 32 lowercase hexadecimal characters`},
		{secondarydnstest.Fault{Path: accountPath(account1, "peers"), Action: "get"}, `action "get" contradicts path "` + accountPath(account1, "peers") + `"`},
		{secondarydnstest.Fault{Path: accountPath(account1, "peers", peer1), Action: "list"}, `action "list" contradicts path "` + accountPath(account1, "peers", peer1) + `"`},
		{secondarydnstest.Fault{Path: "/zones", Action: "create"}, `action "create" contradicts path "/zones"`},
		{secondarydnstest.Fault{Path: "/zones", Method: "PUT"}, `no endpoint answers PUT on path "/zones" (it takes GET)`},
		{secondarydnstest.Fault{Path: accountPath(account1, "tsigs"), Kind: "peer"}, `kind "peer" contradicts path "` + accountPath(account1, "tsigs") + `"`},
		{secondarydnstest.Fault{Path: accountPath(account1, "tsigs"), Account: account2}, `account "` + account2 + `" contradicts path "` + accountPath(account1, "tsigs") + `"`},
		{secondarydnstest.Fault{Path: accountPath(account1, "acls"), Zone: zoneA}, `zone "` + zoneA + `" contradicts path "` + accountPath(account1, "acls") + `"`},
	}
	srv := newServer(t)
	for _, tc := range cases {
		assert.PanicsWithValue(t, "secondarydnstest: Fail: "+tc.why, func() { srv.Fail(tc.fault) }, "%+v", tc.fault)
	}
	assert.Empty(t, srv.PendingFaults(), "a refused fault is not queued")

	// Faults that agree with themselves are accepted.
	for _, f := range []secondarydnstest.Fault{
		{},
		{Method: "delete", Action: "delete", Zone: zoneA, Path: "/client/v4" + outgoingPath(zoneA)},
		{Method: "Get", Path: outgoingPath(zoneA)},
		{Method: "PUT", Zone: zoneA},
		{Action: "force_notify", Path: outgoingPath(zoneA, "force_notify"), Status: 200, Body: "{}"},
		{Kind: "zone", Action: "list", Method: "get", Path: "/client/v4/zones"},
		{Kind: "tsig", Account: account2, Action: "update", Path: accountPath(account2, "tsigs", peer1)},
		{Kind: "acl", Action: "create", Method: "POST"},
		{Action: "list", Account: account1},
	} {
		assert.NotPanics(t, func() { srv.Fail(f) }, "%+v", f)
	}
	assert.Len(t, srv.PendingFaults(), 9)
}

func TestPendingFaults(t *testing.T) {
	srv := newServer(t)
	assert.Empty(t, srv.PendingFaults())

	first := secondarydnstest.Fault{Method: "get", Path: "/client/v4" + outgoingPath(zoneA), Times: 3, Status: 500}
	second := secondarydnstest.Fault{Action: "enable", Times: -1}
	third := secondarydnstest.Fault{Zone: zoneB, Status: 502, RetryAfter: "1"}
	srv.Fail(first)
	srv.Fail(second)
	srv.Fail(third)

	// As given, with Times the firings left (at least one).
	second.Times, third.Times = 1, 1
	assert.Equal(t, []secondarydnstest.Fault{first, second, third}, srv.PendingFaults())

	assert.Equal(t, 500, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	assert.Equal(t, 502, send(t, srv, "GET", outgoingPath(zoneB), "").Status)
	pending := srv.PendingFaults()
	first.Times = 2
	assert.Equal(t, []secondarydnstest.Fault{first, second}, pending)
	pending[0].Times = 99 // a copy
	assert.Equal(t, 2, srv.PendingFaults()[0].Times)

	assert.Equal(t, 503, send(t, srv, "POST", outgoingPath(zoneB, "enable"), "{}").Status)
	assert.Equal(t, 500, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	assert.Equal(t, 500, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	assert.Empty(t, srv.PendingFaults())
}

func TestDeterministicRayIDs(t *testing.T) {
	srv := newServer(t)
	srv.Fail(secondarydnstest.Fault{Action: "status", Status: 503})
	srv.Fail(secondarydnstest.Fault{Action: "create", Drop: true})
	var rays []string
	for _, path := range []string{outgoingPath(zoneA), outgoingPath(zoneA, "status"), "/nowhere"} {
		rays = append(rays, send(t, srv, "GET", path, "").Header.Get("Cf-Ray"))
	}
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.Outgoing.Create(context.Background(), zoneA, secondarydns.OutgoingParams{Name: "example.com"})
	require.Error(t, err, "dropped: no answer, no ray ID")
	_, err = c.Outgoing.Get(context.Background(), zoneB)
	rays = append(rays, apiError(t, err).RayID)
	assert.Equal(t, []string{"0000000000000001-SJC", "0000000000000002-SJC", "0000000000000003-SJC", "0000000000000004-SJC"}, rays)

	// Each server counts from one.
	other := newServer(t)
	assert.Equal(t, "0000000000000001-SJC", send(t, other, "GET", outgoingPath(zoneA), "").Header.Get("Cf-Ray"))
}

// TestFaultByKindAndAction sends one request to each kind of endpoint for
// each fault and checks exactly which the fault fails.
func TestFaultByKindAndAction(t *testing.T) {
	peerID := "70656572000000000000000000000001" // the first peer a server makes
	requests := []struct{ name, method, path, body string }{
		{"outgoing get", "GET", outgoingPath(zoneA), ""},
		{"outgoing create", "POST", outgoingPath(zoneB), `{"name":"example.org","peers":[]}`},
		{"zones list", "GET", "/zones", ""},
		{"peers list", "GET", accountPath(account1, "peers"), ""},
		{"peers create", "POST", accountPath(account1, "peers"), `{"name":"ns2"}`},
		{"peer get", "GET", accountPath(account1, "peers", peerID), ""},
		{"peer update", "PUT", accountPath(account1, "peers", peerID), `{"name":"ns1"}`},
		{"tsigs list", "GET", accountPath(account1, "tsigs"), ""},
		{"tsigs create", "POST", accountPath(account1, "tsigs"), `{"name":"k.","algo":"hmac-sha256.","secret":"eA=="}`},
		{"acls list", "GET", accountPath(account1, "acls"), ""},
		{"acls list, other account", "GET", accountPath(account2, "acls"), ""},
		{"acl delete, other account", "DELETE", accountPath(account2, "acls", "61636c00000000000000000000000001"), ""},
		{"peer delete", "DELETE", accountPath(account1, "peers", peerID), ""},
	}
	cases := []struct {
		fault secondarydnstest.Fault
		fired []string
	}{
		{secondarydnstest.Fault{Action: "list", Times: 99}, []string{"zones list", "peers list", "tsigs list", "acls list", "acls list, other account"}},
		{secondarydnstest.Fault{Action: "get", Times: 99}, []string{"outgoing get", "peer get"}},
		{secondarydnstest.Fault{Action: "create", Times: 99}, []string{"outgoing create", "peers create", "tsigs create"}},
		{secondarydnstest.Fault{Kind: "peer", Times: 99}, []string{"peers list", "peers create", "peer get", "peer update", "peer delete"}},
		{secondarydnstest.Fault{Kind: "peer", Action: "create", Times: 99}, []string{"peers create"}},
		{secondarydnstest.Fault{Kind: "tsig", Action: "list", Times: 99}, []string{"tsigs list"}},
		{secondarydnstest.Fault{Kind: "acl", Times: 99}, []string{"acls list", "acls list, other account", "acl delete, other account"}},
		{secondarydnstest.Fault{Kind: "zone", Times: 99}, []string{"zones list"}},
		{secondarydnstest.Fault{Kind: "outgoing", Times: 99}, []string{"outgoing get", "outgoing create"}},
		{secondarydnstest.Fault{Account: account2, Times: 99}, []string{"acls list, other account", "acl delete, other account"}},
		{secondarydnstest.Fault{Account: account1, Action: "delete", Times: 99}, []string{"peer delete"}},
		{secondarydnstest.Fault{Method: "put", Times: 99}, []string{"peer update"}},
		{secondarydnstest.Fault{Path: accountPath(account1, "peers", peerID), Times: 99}, []string{"peer get", "peer update", "peer delete"}},
		{secondarydnstest.Fault{Path: "/client/v4" + accountPath(account1, "peers"), Action: "list", Times: 99}, []string{"peers list"}},
		{secondarydnstest.Fault{Path: "/zones", Times: 99}, []string{"zones list"}},
		{secondarydnstest.Fault{Zone: zoneA, Times: 99}, []string{"outgoing get"}},
		{secondarydnstest.Fault{Times: 99}, nil}, // every one: checked below
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc.fault), func(t *testing.T) {
			srv := newServer(t)
			srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
			created(t, srv, account1, "peers", `{"name":"ns1"}`)
			created(t, srv, account2, "acls", `{"name":"x","ip_range":"192.0.2.0/24"}`)
			srv.Fail(tc.fault)
			var fired, all []string
			for _, rq := range requests {
				all = append(all, rq.name)
				r := send(t, srv, rq.method, rq.path, rq.body)
				if r.Status == 503 {
					fired = append(fired, rq.name)
				} else {
					assert.Less(t, r.Status, 300, "%s: %s", rq.name, r.Raw)
				}
			}
			if tc.fired == nil {
				tc.fired = all
			}
			assert.Equal(t, tc.fired, fired)
		})
	}
}
