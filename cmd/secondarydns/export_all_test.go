package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// seeded is what seedAccount made: the objects' IDs by name.
type seeded struct {
	tsigs, peers, acls map[string]string
}

// seedAccount creates account objects through the API (the fake has no
// other way), then forgets those requests.
func seedAccount(t *testing.T, srv *secondarydnstest.Server, tsigs []secondarydns.TSIGParams, peers []secondarydns.PeerParams, acls []secondarydns.ACLParams) seeded {
	t.Helper()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID
	s := seeded{map[string]string{}, map[string]string{}, map[string]string{}}
	for _, p := range tsigs {
		o, err := c.TSIGs.Create(ctx, acct, p)
		require.NoError(t, err)
		s.tsigs[p.Name] = o.ID
	}
	for _, p := range peers {
		if p.TSIGID != "" && s.tsigs[p.TSIGID] != "" {
			p.TSIGID = s.tsigs[p.TSIGID] // given by name
		}
		o, err := c.Peers.Create(ctx, acct, p)
		require.NoError(t, err)
		s.peers[p.Name] = o.ID
	}
	for _, p := range acls {
		o, err := c.ACLs.Create(ctx, acct, p)
		require.NoError(t, err)
		s.acls[p.Name] = o.ID
	}
	srv.ResetRequests()
	return s
}

// zoneReads are the zone requests (paths under /zones/{id}/) that were sent.
func zoneReads(srv *secondarydnstest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/zones/") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func outgoingPath(zoneID string) string { return "/zones/" + zoneID + "/secondary_dns/outgoing" }

// TestExportAll: export --all on a small account writes exactly this
// format-2 document: zones by name (the one without a configuration left
// out), peers by name, the most common peer set and status as defaults
// (zones equal to them are {}), the account's peers, TSIG keys (algorithm
// only: the secret is nowhere) and ACLs. It sends the zone list, the three
// account lists, then one GET per zone and the status of each configured
// one; nothing else.
func TestExportAll(t *testing.T) {
	srv, env := objFake(t)
	ids := seedAccount(t, srv,
		[]secondarydns.TSIGParams{{Name: "ns1-key.", Algo: "hmac-sha256.", Secret: tsigSecret}},
		[]secondarydns.PeerParams{
			{Name: "ns1", IP: "192.0.2.53", Port: 53, TSIGID: "ns1-key."},
			{Name: "bind-a", IP: "2001:db8::53"},
			{Name: "lab", IXFREnable: true},
		},
		[]secondarydns.ACLParams{{Name: "ns1-xfr", IPRange: "192.0.2.0/24"}},
	)
	ns1, bindA, lab := ids.peers["ns1"], ids.peers["bind-a"], ids.peers["lab"]
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{ns1, bindA}, Status: "Enabled"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "example.org", Peers: []string{bindA, ns1}, Status: "Enabled"})
	srv.Seed(zoneC, secondarydnstest.Config{Name: "example.net.", Peers: []string{lab}, Status: "Enabled"})
	srv.Seed(zoneE, secondarydnstest.Config{Name: "quiet.example.", Peers: []string{ns1, bindA}, Status: "Disabled"})
	srv.AddZone(secondarydns.Zone{ID: zoneD, Name: "plain.example"}) // no outgoing configuration

	r := invoke(t, invocation{args: []string{"export", "--all"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, `{
  "account": "`+secondarydnstest.DefaultAccountID+`",
  "acls": {
    "ns1-xfr": {
      "ip_range": "192.0.2.0/24"
    }
  },
  "defaults": {
    "peers": [
      "bind-a",
      "ns1"
    ],
    "status": "Enabled"
  },
  "peers": {
    "bind-a": {
      "ip": "2001:db8::53"
    },
    "lab": {
      "ixfr_enable": true
    },
    "ns1": {
      "ip": "192.0.2.53",
      "port": 53,
      "tsig": "ns1-key."
    }
  },
  "tsigs": {
    "ns1-key.": {
      "algo": "hmac-sha256."
    }
  },
  "zones": {
    "example.com.": {},
    "example.net.": {
      "peers": [
        "lab"
      ]
    },
    "example.org.": {},
    "quiet.example.": {
      "status": "Disabled"
    }
  }
}
`, r.stdout)
	assert.Equal(t, "exported 4 of the account's 5 zone(s) (1 without an outgoing configuration left out), 3 peer(s), 1 TSIG key(s), 1 ACL(s)\n", r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret)
	assert.NotContains(t, r.stdout, "secret")

	// The requests: the lookups first, in this order, then the zone reads.
	reqs := srv.Requests()
	require.GreaterOrEqual(t, len(reqs), 4)
	var head []string
	for _, q := range reqs[:4] {
		head = append(head, q.Method+" "+q.Path+"?"+q.Query)
	}
	assert.Equal(t, []string{
		"GET /zones?account.id=" + secondarydnstest.DefaultAccountID + "&page=1&per_page=50",
		"GET " + accountPath("tsigs") + "?",
		"GET " + accountPath("peers") + "?",
		"GET " + accountPath("acls") + "?",
	}, head)
	var zoneGets []string
	for _, z := range []string{zoneA, zoneB, zoneC, zoneE} {
		zoneGets = append(zoneGets, "GET "+outgoingPath(z), "GET "+outgoingPath(z)+"/status")
	}
	zoneGets = append(zoneGets, "GET "+outgoingPath(zoneD))
	assert.ElementsMatch(t, zoneGets, zoneReads(srv))
	assert.Len(t, reqs, 4+len(zoneGets))
	assert.Empty(t, writes(srv))

	// -o json writes the same document, and --quiet drops the note.
	rj := invoke(t, invocation{args: []string{"export", "--all", "-o", "json", "--quiet"}, env: env})
	assert.Equal(t, exitOK, rj.code, rj.stderr)
	assert.Equal(t, r.stdout, rj.stdout)
	assert.Empty(t, rj.stderr)
}

// TestExportAllDuplicateNames: an ambiguous name is never written as a
// name. Two peers sharing one are left out of "peers" and named by ID in
// zones (a unique one stays a name); TSIG keys and ACLs sharing a name are
// left out; a peer whose key cannot be named is left out. Each is said on
// stderr.
func TestExportAllDuplicateNames(t *testing.T) {
	srv, env := objFake(t)
	ids := seedAccount(t, srv,
		[]secondarydns.TSIGParams{
			{Name: "twin.", Algo: "hmac-sha256.", Secret: tsigSecret},
			{Name: "twin.", Algo: "hmac-sha512.", Secret: tsigSecret},
			{Name: "solo.", Algo: "hmac-sha1.", Secret: tsigSecret},
		},
		[]secondarydns.PeerParams{{Name: "dup", IP: "192.0.2.1"}, {Name: "uniq", IP: "192.0.2.3"}, {Name: "keyed", TSIGID: "solo."}},
		[]secondarydns.ACLParams{{Name: "same", IPRange: "192.0.2.0/24"}, {Name: "same", IPRange: "198.51.100.0/24"}, {Name: "one", IPRange: "203.0.113.0/24"}},
	)
	// A second "dup" peer, and a peer whose key is one of the twins.
	c, err := srv.Client()
	require.NoError(t, err)
	acct := secondarydnstest.DefaultAccountID
	dup2, err := c.Peers.Create(context.Background(), acct, secondarydns.PeerParams{Name: "dup", IP: "192.0.2.2"})
	require.NoError(t, err)
	tsigs, err := c.TSIGs.List(context.Background(), acct)
	require.NoError(t, err)
	var twin string
	for _, k := range tsigs {
		if k.Name == "twin." {
			twin = k.ID
		}
	}
	twinPeer, err := c.Peers.Create(context.Background(), acct, secondarydns.PeerParams{Name: "twin-keyed", TSIGID: twin})
	require.NoError(t, err)
	dup1, uniq := ids.peers["dup"], ids.peers["uniq"]
	srv.Seed(zoneA, secondarydnstest.Config{Name: "a.example.", Peers: []string{dup1, uniq}, Status: "Enabled"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "b.example.", Peers: []string{dup2.ID, twinPeer.ID}, Status: "Enabled"})
	srv.ResetRequests()

	r := invoke(t, invocation{args: []string{"export", "--all"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	doc := decode[exportDoc](t, r.stdout)
	assert.Equal(t, map[string]exportPeer{
		"uniq":  {IP: "192.0.2.3"},
		"keyed": {TSIG: "solo."},
	}, doc.Peers)
	assert.Equal(t, map[string]exportTSIG{"solo.": {Algo: "hmac-sha1."}}, doc.TSIGs)
	assert.Equal(t, map[string]exportACL{"one": {IPRange: "203.0.113.0/24"}}, doc.ACLs)
	peersOf := func(key string) []string {
		z, ok := doc.Zones[key]
		require.True(t, ok, key)
		if z.Peers == nil {
			return *doc.Defaults.Peers
		}
		return *z.Peers
	}
	assert.ElementsMatch(t, []string{dup1, "uniq"}, peersOf("a.example."))
	assert.ElementsMatch(t, []string{dup2.ID, "twin-keyed"}, peersOf("b.example."), "a peer left out of \"peers\" is still named by its unique name")
	for _, w := range []string{
		"peer " + dup1 + `: its name "dup" is not unique`,
		"peer " + dup2.ID + `: its name "dup" is not unique`,
		"peer " + twinPeer.ID + ` (twin-keyed): its TSIG key ` + twin + " cannot be named",
		"TSIG key " + twin + `: its name "twin." is not unique`,
		"ACL " + ids.acls["same"] + `: its name "same" is not unique`,
	} {
		assert.Contains(t, r.stderr, "secondarydns export: "+w)
	}
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret)
}

// TestExportAllDefaults: the defaults are the most common peer set and
// status; between equally common ones, the one that sorts first, so the
// same account always gives the same file. A zone with "no peers" when the
// default has some writes "peers": []; a zone whose status cannot be
// written leaves the default status out altogether.
func TestExportAllDefaults(t *testing.T) {
	zone := func(id, name string, peers []string, status secondarydns.TransferStatus) outcome {
		return outcome{id: id, plan: &secondarydns.Plan{ZoneID: id, Current: &secondarydns.Outgoing{Name: name, Peers: peers}, Status: status}}
	}
	peers := []secondarydns.Peer{{ID: peer1, Name: "p1"}, {ID: peer2, Name: "p2"}, {ID: peer3, Name: "p3"}}
	listed := []secondarydns.Zone{{ID: zoneA, Name: "a.example"}, {ID: zoneB, Name: "b.example"}, {ID: zoneC, Name: "c.example"}, {ID: zoneD, Name: "d.example"}}

	// The most common: {p1, p2} (twice) and Disabled (three times).
	doc, warns := buildExport("acct", listed, []outcome{
		zone(zoneA, "a.example.", []string{peer2, peer1}, "Disabled"),
		zone(zoneB, "b.example.", []string{peer1, peer2}, "Disabled"),
		zone(zoneC, "c.example.", []string{peer3}, "Enabled"),
		zone(zoneD, "d.example.", []string{}, "Disabled"),
	}, nil, peers, nil)
	assert.Empty(t, warns)
	assert.Equal(t, &[]string{"p1", "p2"}, doc.Defaults.Peers)
	assert.Equal(t, "Disabled", doc.Defaults.Status)
	assert.Equal(t, map[string]exportZone{
		"a.example.": {},
		"b.example.": {},
		"c.example.": {Peers: &[]string{"p3"}, Status: "Enabled"},
		"d.example.": {Peers: &[]string{}},
	}, doc.Zones)

	// A tie: {p3} and {p1, p2} once each, Enabled and Disabled once each:
	// the ones that sort first, whatever the order read.
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		outs := []outcome{
			zone(zoneA, "a.example.", []string{peer3}, "Enabled"),
			zone(zoneB, "b.example.", []string{peer2, peer1}, "Disabled"),
		}
		doc, _ := buildExport("acct", listed, []outcome{outs[order[0]], outs[order[1]]}, nil, peers, nil)
		assert.Equal(t, &[]string{"p1", "p2"}, doc.Defaults.Peers)
		assert.Equal(t, "Disabled", doc.Defaults.Status)
	}

	// An unknown status: no default status, every other zone gives its own.
	doc, warns = buildExport("acct", listed, []outcome{
		zone(zoneA, "a.example.", []string{peer1}, "Enabled"),
		zone(zoneB, "b.example.", []string{peer1}, "Enabled"),
		zone(zoneC, "c.example.", []string{peer1}, "Pending"),
	}, nil, peers, nil)
	assert.Equal(t, []string{`zone ` + zoneC + `: status "Pending" cannot be written in a desired-state file; left out`}, warns)
	assert.Equal(t, &exportZone{Peers: &[]string{"p1"}}, doc.Defaults)
	assert.Equal(t, map[string]exportZone{
		"a.example.": {Status: "Enabled"},
		"b.example.": {Status: "Enabled"},
		"c.example.": {},
	}, doc.Zones)

	// A zone whose configuration bears another name, and two zones sharing
	// a name, are keyed by ID with their name; a peer not in the account is
	// named by ID, with a warning.
	doc, warns = buildExport("acct", []secondarydns.Zone{{ID: zoneA, Name: "a.example"}, {ID: zoneB, Name: "twin.example"}, {ID: zoneC, Name: "TWIN.example."}}, []outcome{
		zone(zoneA, "other.example.", []string{peer1}, "Enabled"),
		zone(zoneB, "twin.example.", []string{peer1}, "Enabled"),
		zone(zoneC, "twin.example.", []string{"ffffffffffffffffffffffffffffffff"}, "Enabled"),
	}, nil, peers, nil)
	assert.Equal(t, map[string]exportZone{
		zoneA: {Name: "other.example."},
		zoneB: {Name: "twin.example."},
		zoneC: {Name: "twin.example.", Peers: &[]string{"ffffffffffffffffffffffffffffffff"}},
	}, doc.Zones)
	assert.Equal(t, []string{"zone " + zoneC + ": peer ffffffffffffffffffffffffffffffff is not one of the account's peers; plan refuses the file until it is"}, warns)

	// No zone: no defaults.
	doc, _ = buildExport("acct", nil, nil, nil, nil, nil)
	assert.Nil(t, doc.Defaults)
	var b strings.Builder
	require.NoError(t, writeExport(&b, doc))
	assert.Equal(t, "{\n  \"account\": \"acct\",\n  \"acls\": {},\n  \"peers\": {},\n  \"tsigs\": {},\n  \"zones\": {}\n}\n", b.String())
}

// TestExportAllUsage: --all with zones or --ids, or without an account, is
// exit 2 with nothing sent; a zone list that fails is exit 1 with nothing
// written.
func TestExportAllUsage(t *testing.T) {
	srv, env := objFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{peer1}, Status: "Enabled"})
	srv.ResetRequests()
	ids := writeFile(t, "ids", zoneA+"\n")
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"export", "--all", zoneA}, env, "--all exports every zone of the account: give no zone and no --ids"},
		{[]string{"export", "--all", "example.com"}, env, "--all exports every zone of the account: give no zone and no --ids"},
		{[]string{"export", "--all", "--ids", ids}, env, "--all exports every zone of the account: give no zone and no --ids"},
		{[]string{"export", "--all"}, fakeEnv(srv), "no account: pass --account ACCOUNT_ID or set CLOUDFLARE_ACCOUNT_ID"},
	} {
		r := invoke(t, invocation{args: tc.args, env: tc.env})
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Contains(t, r.stderr, "secondarydns export: "+tc.want, tc.args)
		assert.Empty(t, r.stdout)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")

	// --account works as the environment does.
	r := invoke(t, invocation{args: []string{"export", "--all", "--account", secondarydnstest.DefaultAccountID, "--quiet"}, env: fakeEnv(srv)})
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"example.com.": {}`)

	srv.Fail(secondarydnstest.Fault{Kind: "zone", Status: 403})
	r = invoke(t, invocation{args: []string{"export", "--all"}, env: env})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "secondarydns export: listing the account's zones: ")
	assert.Contains(t, r.stderr, "nothing was written")
}

// TestExportNames: export takes zone names (with a dot) beside IDs, on the
// command line and in --ids, looked up in the account's zone list before any
// zone is read; the file stays format 1, keyed by ID. A name the account
// does not have is exit 2 after the lookups only; a name needs the account.
func TestExportNames(t *testing.T) {
	srv, env := objFake(t)
	seedFleet(srv)
	want := invoke(t, invocation{args: []string{"export", zoneA, zoneC}, env: env})
	require.Equal(t, exitOK, want.code, want.stderr)

	srv.ResetRequests()
	r := invoke(t, invocation{args: []string{"export", "example.com.", zoneC}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want.stdout, r.stdout)
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, "/zones", reqs[0].Path, "the lookup comes first")
	assert.Equal(t, "account.id="+secondarydnstest.DefaultAccountID+"&name=example.com&page=1&per_page=50", reqs[0].Query)
	assert.ElementsMatch(t, []string{
		"GET " + outgoingPath(zoneA), "GET " + outgoingPath(zoneA) + "/status",
		"GET " + outgoingPath(zoneC), "GET " + outgoingPath(zoneC) + "/status",
	}, zoneReads(srv))

	// In --ids, with IDs and a name given twice.
	r = invoke(t, invocation{args: []string{"export", "--ids", "-"}, env: env, stdin: "EXAMPLE.com\n" + zoneC + "\nexample.org.\n"})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want.stdout, r.stdout)

	// Unknown names: exit 2 naming each, no zone read.
	srv.ResetRequests()
	r = invoke(t, invocation{args: []string{"export", zoneA, "nope.example", "example.com", "gone.example."}, env: env})
	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "secondarydns export: nope.example: the account "+secondarydnstest.DefaultAccountID+" has no such zone; gone.example.: the account "+secondarydnstest.DefaultAccountID+" has no such zone; no zone was read and nothing was written\n", r.stderr)
	assert.Empty(t, zoneReads(srv), "no zone read")
	for _, q := range srv.Requests() {
		assert.Equal(t, "/zones", q.Path)
	}

	// Without an account, or with a name that is not one: exit 2, nothing sent.
	srv.ResetRequests()
	r = cli(t, srv, "export", zoneA, "example.com")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "secondarydns export: no account: pass --account ACCOUNT_ID")
	r = invoke(t, invocation{args: []string{"export", "exa mple.com"}, env: env})
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `secondarydns export: "exa mple.com" is neither a zone ID nor a zone name`)
	assert.Empty(t, srv.Requests())
}

// TestExportAllThenPlanInSync: adoption in one command. A fake holding
// peers, TSIG keys, ACLs and 200 zones (some without a configuration):
// export --all reads it with ceil(200/50) zone-list pages, the three
// account lists and one GET per zone plus the status of each configured
// one, and writes a document whose every zone and object matches the
// account; plan --exit-code on it gives 0.
func TestExportAllThenPlanInSync(t *testing.T) {
	srv, env := objFake(t)
	ids := seedAccount(t, srv,
		[]secondarydns.TSIGParams{{Name: "k1.", Algo: "hmac-sha256.", Secret: tsigSecret}, {Name: "k2.", Algo: "HMAC-SHA512", Secret: tsigSecret}},
		[]secondarydns.PeerParams{
			{Name: "ns1", IP: "192.0.2.53", Port: 53, TSIGID: "k1."},
			{Name: "ns2", IP: "2001:db8::53", Port: 5353, TSIGID: "k2."},
			{Name: "ns3", IP: "198.51.100.7", IXFREnable: true},
		},
		[]secondarydns.ACLParams{{Name: "xfr-v4", IPRange: "192.0.2.0/24"}, {Name: "xfr-v6", IPRange: "2001:db8:1::/64"}},
	)
	ns1, ns2, ns3 := ids.peers["ns1"], ids.peers["ns2"], ids.peers["ns3"]
	sets := [][]string{{ns1, ns2}, {ns1, ns2}, {ns1, ns2}, {ns3}, {}, {ns2, ns3, ns1}}
	configured := 0
	for i := range 200 {
		id := secondarydnstest.ZoneID(1000 + i)
		name := fmt.Sprintf("zone%03d.example", i)
		if i%10 == 9 {
			srv.AddZone(secondarydns.Zone{ID: id, Name: name}) // no outgoing configuration
			continue
		}
		status := "Enabled"
		if i%7 == 0 {
			status = "Disabled"
		}
		srv.Seed(id, secondarydnstest.Config{Name: name + ".", Peers: sets[i%len(sets)], Status: status})
		configured++
	}
	srv.ResetRequests()

	r := invoke(t, invocation{args: []string{"export", "--all", "--concurrency", "8"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret)

	// The cost.
	pages, lists, gets, statuses, other := 0, 0, 0, 0, 0
	for _, q := range srv.Requests() {
		switch {
		case q.Method != http.MethodGet:
			other++
		case q.Path == "/zones":
			pages++
		case strings.HasPrefix(q.Path, "/accounts/"):
			lists++
		case strings.HasSuffix(q.Path, "/outgoing"):
			gets++
		case strings.HasSuffix(q.Path, "/outgoing/status"):
			statuses++
		default:
			other++
		}
	}
	assert.Equal(t, []int{4, 3, 200, configured, 0}, []int{pages, lists, gets, statuses, other})

	// The document, decoded.
	doc := decode[exportDoc](t, r.stdout)
	assert.Equal(t, secondarydnstest.DefaultAccountID, doc.Account)
	assert.Equal(t, map[string]exportTSIG{"k1.": {Algo: "hmac-sha256."}, "k2.": {Algo: "HMAC-SHA512"}}, doc.TSIGs)
	assert.Equal(t, map[string]exportPeer{
		"ns1": {IP: "192.0.2.53", Port: 53, TSIG: "k1."},
		"ns2": {IP: "2001:db8::53", Port: 5353, TSIG: "k2."},
		"ns3": {IP: "198.51.100.7", IXFREnable: true},
	}, doc.Peers)
	assert.Equal(t, map[string]exportACL{"xfr-v4": {IPRange: "192.0.2.0/24"}, "xfr-v6": {IPRange: "2001:db8:1::/64"}}, doc.ACLs)
	require.NotNil(t, doc.Defaults)
	assert.Equal(t, exportZone{Peers: &[]string{"ns1", "ns2"}, Status: "Enabled"}, *doc.Defaults)
	require.Len(t, doc.Zones, configured)
	byID := map[string]string{ns1: "ns1", ns2: "ns2", ns3: "ns3"}
	for i := range 200 {
		key := fmt.Sprintf("zone%03d.example.", i)
		z, ok := doc.Zones[key]
		if i%10 == 9 {
			assert.False(t, ok, key)
			continue
		}
		require.True(t, ok, key)
		cfg, _ := srv.Config(secondarydnstest.ZoneID(1000 + i))
		peers, status := *doc.Defaults.Peers, doc.Defaults.Status
		if z.Peers != nil {
			peers = *z.Peers
		}
		if z.Status != "" {
			status = z.Status
		}
		var names []string
		for _, p := range cfg.Peers {
			names = append(names, byID[p])
		}
		assert.ElementsMatch(t, names, peers, key)
		assert.Equal(t, cfg.Status, status, key)
		assert.Empty(t, z.Name, key)
	}
	assert.Contains(t, r.stdout, "\n    \"zone000.example.\": {\n      \"status\": \"Disabled\"\n    },\n    \"zone001.example.\": {},\n")

	// Plan on it: in sync, nothing written.
	// Un-skip once format-2 decoding (branch format2) is merged: against
	// that branch this half passes.
	f := writeFile(t, "exported.json", r.stdout)
	srv.ResetRequests()
	rp := invoke(t, invocation{args: []string{"plan", "--exit-code", "-f", f}, env: env})
	assert.Equal(t, exitOK, rp.code, rp.stdout+rp.stderr)
	assert.Empty(t, writes(srv))
}
