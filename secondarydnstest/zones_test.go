package secondarydnstest_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

type zonePage struct {
	IDs   []string
	Names []string
	Info  map[string]int
}

// listZones sends GET /zones with query and returns what the page holds.
func listZones(t *testing.T, srv *secondarydnstest.Server, query string) zonePage {
	t.Helper()
	r := send(t, srv, "GET", "/zones"+query, "")
	require.Equal(t, 200, r.Status, r.Raw)
	var env struct {
		Result     []secondarydns.Zone
		ResultInfo map[string]int `json:"result_info"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Raw), &env))
	p := zonePage{IDs: []string{}, Names: []string{}, Info: env.ResultInfo}
	for _, z := range env.Result {
		p.IDs = append(p.IDs, z.ID)
		p.Names = append(p.Names, z.Name)
	}
	return p
}

func info(page, perPage, count, total, pages int) map[string]int {
	return map[string]int{"page": page, "per_page": perPage, "count": count, "total_count": total, "total_pages": pages}
}

// TestZoneListEnvelope: one zone, the whole answer.
func TestZoneListEnvelope(t *testing.T) {
	srv := newServer(t)
	r := send(t, srv, "GET", "/zones", "")
	require.Equal(t, 200, r.Status)
	assert.JSONEq(t, `{"success":true,"errors":[],"messages":[],"result":[],
		"result_info":{"page":1,"per_page":20,"count":0,"total_count":0,"total_pages":0}}`, r.Raw)

	srv.AddZone(secondarydns.Zone{
		ID: zoneA, Name: "example.com.", Status: "pending",
		NameServers: []string{"ada.ns.cloudflare.com", "kai.ns.cloudflare.com"},
		Account:     secondarydns.ZoneAccount{ID: account2, Name: "Example"},
	})
	srv.AddZone(secondarydns.Zone{ID: zoneB, Name: "example.org"})
	r = send(t, srv, "GET", "/zones", "")
	require.Equal(t, 200, r.Status)
	assert.JSONEq(t, `{"success":true,"errors":[],"messages":[],"result":[
		{"id":"`+zoneA+`","name":"example.com","status":"pending",
		 "name_servers":["ada.ns.cloudflare.com","kai.ns.cloudflare.com"],
		 "account":{"id":"`+account2+`","name":"Example"}},
		{"id":"`+zoneB+`","name":"example.org","status":"active",
		 "name_servers":["bob.ns.cloudflare.com","lola.ns.cloudflare.com"],
		 "account":{"id":"`+secondarydnstest.DefaultAccountID+`","name":""}}],
		"result_info":{"page":1,"per_page":20,"count":2,"total_count":2,"total_pages":1}}`, r.Raw)
}

// TestZoneListPaging: pages of per_page (default 20, at least 5, at most
// 50) in name order, the last one partial, later ones empty.
func TestZoneListPaging(t *testing.T) {
	srv := newServer(t)
	var names []string
	for i := 1; i <= 123; i++ {
		name := fmt.Sprintf("zone%03d.example", i)
		names = append(names, name)
		srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(1000 - i), Name: name})
	}

	p := listZones(t, srv, "")
	assert.Equal(t, info(1, 20, 20, 123, 7), p.Info, "default per_page 20")
	assert.Equal(t, names[:20], p.Names, "by name, not by ID")
	assert.Equal(t, secondarydnstest.ZoneID(999), p.IDs[0])

	var all []string
	for page := 1; page <= 3; page++ {
		p := listZones(t, srv, fmt.Sprintf("?per_page=50&page=%d", page))
		want := min(50, 123-(page-1)*50)
		assert.Equal(t, info(page, 50, want, 123, 3), p.Info)
		all = append(all, p.Names...)
	}
	assert.Equal(t, names, all, "every zone once, in order")

	assert.Equal(t, info(4, 50, 0, 123, 3), listZones(t, srv, "?per_page=50&page=4").Info, "past the last page: empty")
	assert.Equal(t, info(1, 50, 50, 123, 3), listZones(t, srv, "?per_page=1000").Info, "per_page is capped at 50")
	assert.Equal(t, info(1, 5, 5, 123, 25), listZones(t, srv, "?per_page=1").Info, "per_page is at least 5")
	p = listZones(t, srv, "?per_page=7&page=18")
	assert.Equal(t, info(18, 7, 4, 123, 18), p.Info, "the last page is partial")
	assert.Equal(t, names[119:], p.Names)
	assert.Equal(t, info(99999999999, 20, 0, 123, 7), listZones(t, srv, "?page=99999999999").Info)

	for _, q := range []string{"?page=0", "?page=-1", "?page=x", "?per_page=0", "?per_page=2.5", "?page=99999999999999999999"} {
		r := send(t, srv, "GET", "/zones"+q, "")
		assert.Equal(t, 400, r.Status, q)
		assert.Equal(t, []string{"1004"}, r.codes(), q)
	}
}

// TestZoneListFilters: account.id exactly; name without regard to case or a
// trailing dot.
func TestZoneListFilters(t *testing.T) {
	srv := newServer(t)
	srv.AddZone(secondarydns.Zone{ID: zoneA, Name: "Example.com"})
	srv.AddZone(secondarydns.Zone{ID: zoneB, Name: "example.com", Account: secondarydns.ZoneAccount{ID: account2}})
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(3), Name: "example.org", Account: secondarydns.ZoneAccount{ID: account2}})
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(4), Name: "sub.example.com"})

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?account.id=" + account2, []string{zoneB, secondarydnstest.ZoneID(3)}},
		{"?account.id=" + account1, []string{zoneA, secondarydnstest.ZoneID(4)}},
		{"?account.id=" + account1[:31], []string{}},
		{"?name=example.com", []string{zoneA, zoneB}},
		{"?name=EXAMPLE.COM.", []string{zoneA, zoneB}},
		{"?name=example.com&account.id=" + account2, []string{zoneB}},
		{"?name=example", []string{}},
		{"?name=sub.example.com.&per_page=5", []string{secondarydnstest.ZoneID(4)}},
		{"?name=&account.id=", []string{zoneA, zoneB, secondarydnstest.ZoneID(3), secondarydnstest.ZoneID(4)}},
	} {
		p := listZones(t, srv, tc.query)
		assert.ElementsMatch(t, tc.want, p.IDs, tc.query)
		assert.Equal(t, len(tc.want), p.Info["total_count"], tc.query)
	}
}

// TestZoneListKnowsSeededZones: a zone seeded or created through the API is
// listed under its configuration's name in DefaultAccountID; AddZone's name
// wins; a zone added without a name is not listed until a configuration
// names it (created through the API, or seeded).
func TestZoneListKnowsSeededZones(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "seeded.example."})
	require.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneB), `{"name":"created.example.","peers":[]}`).Status)
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(3)})
	p := listZones(t, srv, "?account.id="+secondarydnstest.DefaultAccountID)
	assert.Equal(t, []string{"created.example", "seeded.example"}, p.Names)
	assert.Equal(t, []string{zoneB, zoneA}, p.IDs)

	// Renaming the configuration does not rename the zone; seeding again does.
	send(t, srv, "PUT", outgoingPath(zoneB), `{"name":"renamed.example.","peers":[]}`)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "reseeded.example"})
	assert.Equal(t, []string{"created.example", "reseeded.example"}, listZones(t, srv, "").Names)

	// Deleting the configuration leaves the zone.
	send(t, srv, "DELETE", outgoingPath(zoneB), "")
	assert.Equal(t, []string{"created.example", "reseeded.example"}, listZones(t, srv, "").Names)

	// AddZone's name wins over seeding, before or after.
	srv.AddZone(secondarydns.Zone{ID: zoneA, Name: "added.example"})
	srv.Seed(zoneA, secondarydnstest.Config{Name: "ignored.example"})
	assert.Equal(t, []string{"added.example", "created.example"}, listZones(t, srv, "").Names)

	// The zone added without a name: listed once a configuration names
	// it, in its account, and then keeps that name.
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(4), Account: secondarydns.ZoneAccount{ID: secondarydnstest.ZoneID(9)}})
	assert.Empty(t, listZones(t, srv, "?account.id="+secondarydnstest.ZoneID(9)).IDs)
	require.Equal(t, 200, send(t, srv, "POST", outgoingPath(secondarydnstest.ZoneID(4)), `{"name":"later.example.","peers":[]}`).Status)
	send(t, srv, "PUT", outgoingPath(secondarydnstest.ZoneID(4)), `{"name":"renamed.example.","peers":[]}`)
	p = listZones(t, srv, "?account.id="+secondarydnstest.ZoneID(9))
	assert.Equal(t, []string{"later.example"}, p.Names)
	assert.Equal(t, []string{secondarydnstest.ZoneID(4)}, p.IDs)
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(5)})
	srv.Seed(secondarydnstest.ZoneID(5), secondarydnstest.Config{Name: "seeded-later.example."})
	assert.Contains(t, listZones(t, srv, "").Names, "seeded-later.example")
}

func TestAddZonePanics(t *testing.T) {
	srv := newServer(t)
	assert.PanicsWithValue(t, `secondarydnstest: AddZone: zone ID "example.com" is not 32 lowercase hexadecimal characters: pass the zone ID, not the zone name`,
		func() { srv.AddZone(secondarydns.Zone{ID: "example.com"}) })
	assert.PanicsWithValue(t, `secondarydnstest: AddZone: zone ID "" is not 32 lowercase hexadecimal characters`,
		func() { srv.AddZone(secondarydns.Zone{Name: "example.com"}) })
	assert.PanicsWithValue(t, `secondarydnstest: AddZone: account ID "acct" is not 32 lowercase hexadecimal characters`,
		func() { srv.AddZone(secondarydns.Zone{ID: zoneA, Account: secondarydns.ZoneAccount{ID: "acct"}}) })
	assert.Empty(t, listZones(t, srv, "").IDs)
}

// TestStrictZones: with WithStrictZones every zone endpoint answers 404 with
// 7003 and 7000 for a zone neither added nor seeded; added and seeded zones
// are served as usual. Without it, an unknown zone has no configuration.
func TestStrictZones(t *testing.T) {
	all := append([]struct {
		method string
		action []string
		body   string
	}{{"POST", nil, `{"name":"example.com","peers":[]}`}}, endpoints...)

	strict := newServer(t, secondarydnstest.WithStrictZones())
	lenient := newServer(t)
	for _, srv := range []*secondarydnstest.Server{strict, lenient} {
		srv.Seed(zoneA, secondarydnstest.Config{Name: "seeded.example"})
		srv.AddZone(secondarydns.Zone{ID: zoneB, Name: "added.example"})
	}
	unknown := secondarydnstest.ZoneID(7)
	for _, ep := range all {
		path := outgoingPath(unknown, ep.action...)
		r := send(t, strict, ep.method, path, ep.body)
		assert.Equal(t, 404, r.Status, "%s %s", ep.method, path)
		require.Equal(t, []string{"7003", "7000"}, r.codes(), "%s %s", ep.method, path)
		assert.Equal(t, "Could not route to /client/v4"+path+", perhaps your object identifier is invalid?", r.Env.Errors[0].Message)
		assert.Equal(t, "No route for that URI", r.Env.Errors[1].Message)

		if ep.method != "POST" || ep.action != nil {
			r = send(t, lenient, ep.method, path, ep.body)
			assert.Equal(t, []string{"1003"}, r.codes(), "%s %s: no configuration", ep.method, path)
		}

		// A seeded zone is served; an added zone has no configuration.
		assert.NotEqual(t, []string{"7003", "7000"}, send(t, strict, ep.method, outgoingPath(zoneA, ep.action...), ep.body).codes())
		r = send(t, strict, ep.method, outgoingPath(zoneB, ep.action...), ep.body)
		assert.NotEqual(t, []string{"7003", "7000"}, r.codes(), "%s added zone: %s", ep.method, r.Raw)
	}
	assert.Equal(t, 200, send(t, strict, "POST", outgoingPath(zoneB), all[0].body).Status, "an added zone can be given a configuration")
	assert.Equal(t, 200, send(t, lenient, "POST", outgoingPath(unknown), all[0].body).Status, "without strict zones, any zone can")
	_, ok := strict.Config(unknown)
	assert.False(t, ok)
	assert.Empty(t, listZones(t, strict, "?name=example.com").IDs)

	// Authentication comes first.
	r := send(t, strict, "GET", outgoingPath(unknown), "", noAuth)
	assert.Equal(t, 401, r.Status)
	// Account endpoints take any account in either mode.
	r = send(t, strict, "POST", accountPath(account2, "peers"), `{"name":"ns1"}`)
	assert.Equal(t, 200, r.Status, r.Raw)
}

// TestStrictZonesThroughTheClient: the SDK sees a wrong zone ID, not a
// missing configuration.
func TestStrictZonesThroughTheClient(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithStrictZones())
	srv.AddZone(secondarydns.Zone{ID: zoneA, Name: "example.com"})
	c := newClient(t, srv)
	_, err := c.Outgoing.Get(t.Context(), zoneA)
	assert.False(t, apiError(t, err).HasCode(7003), "a known zone without a configuration")
	_, err = c.Outgoing.Get(t.Context(), zoneB)
	e := apiError(t, err)
	assert.True(t, e.HasCode(7003) && e.HasCode(7000), err)
	assert.ErrorIs(t, err, secondarydns.ErrNotFound)
}
