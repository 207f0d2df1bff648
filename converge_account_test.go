package secondarydns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// The account converge runs against secondarydnstest, like the zones',
// so the requests asserted are the ones a socket carried and the final state
// is the fake's.

const (
	acct = secondarydnstest.DefaultAccountID
	// Secrets are distinctive so a leak is easy to grep for.
	secretOld = "b2xkLXNlY3JldC1TRUNSRVQtb2xk"     // base64 of "old-secret-SECRET-old"
	secretNew = "bmV3LXNlY3JldC1TRUNSRVQtbmV3LTk=" // base64 of "new-secret-SECRET-new-9"
)

// The fake's IDs: a kind prefix, then a counter.
func peerID(n int) string { return fmt.Sprintf("70656572%024x", n) }
func tsigID(n int) string { return fmt.Sprintf("74736967%024x", n) }
func aclID(n int) string  { return fmt.Sprintf("61636c%026x", n) }

// accountFake starts a fake, seeds the account's objects through the API
// (left out of the request log) and returns a client without retries.
func accountFake(t testing.TB, seed func(ctx context.Context, c *secondarydns.Client)) (*secondarydnstest.Server, *secondarydns.Client) {
	t.Helper()
	srv, c := fake(t)
	if seed != nil {
		seed(context.Background(), c)
	}
	srv.ResetRequests()
	return srv, c
}

// must fails the test on err, for seeding.
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

// accountSeen lists the requests the fake received as "METHOD path body",
// the path after the account's /secondary_dns (e.g. "PUT /peers/<id>"),
// leaving out those a test sent as someone else (raceHeader).
func accountSeen(t testing.TB, srv *secondarydnstest.Server) []string {
	t.Helper()
	var out []string
	prefix := "/accounts/" + acct + "/secondary_dns"
	for _, r := range srv.Requests() {
		if r.Header.Get(raceHeader) != "" {
			continue
		}
		p, ok := strings.CutPrefix(r.Path, prefix)
		require.True(t, ok, "request %s %s is not for the account", r.Method, r.Path)
		out = append(out, strings.TrimSpace(r.Method+" "+p+" "+r.Body))
	}
	return out
}

func step(kind secondarydns.ObjectKind, name string, action secondarydns.Action, id string) secondarydns.Step {
	return secondarydns.Step{Kind: kind, Name: name, Action: action, ID: id}
}

// seedMix gives the account one object of each case the comparison rules
// have. IDs: TSIGs 1-4, peers 1-5, ACLs 1-4, in the order made here.
func seedMix(t testing.TB) func(context.Context, *secondarydns.Client) {
	return func(ctx context.Context, c *secondarydns.Client) {
		tsig := must[*secondarydns.TSIG](t)
		peer := must[*secondarydns.Peer](t)
		acl := must[*secondarydns.ACL](t)
		keep := tsig(c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "keep.example.", Algo: "hmac-sha256.", Secret: secretOld}))
		tsig(c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "algo.example.", Algo: "HMAC-SHA256", Secret: secretOld}))
		tsig(c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "change.example.", Algo: "hmac-sha256.", Secret: secretOld}))
		tsig(c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "gone.example.", Algo: "hmac-sha1.", Secret: secretOld}))
		peer(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "same", IP: "2001:db8::1"}))
		peer(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "port", IP: "192.0.2.1", Port: 53}))
		peer(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "old", IP: "192.0.2.2"}))
		peer(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "signed", IP: "192.0.2.3", TSIGID: keep.ID}))
		peer(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "unmanaged", IP: "192.0.2.4"}))
		acl(c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "range", IPRange: "192.0.2.0/24"}))
		acl(c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "v6", IPRange: "2001:db8::/64"}))
		acl(c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "moved", IPRange: "198.51.100.0/24"}))
		acl(c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "retired", IPRange: "203.0.113.0/24"}))
	}
}

// mixWant is the desired state for seedMix's account.
func mixWant() secondarydns.AccountDesired {
	return secondarydns.AccountDesired{
		TSIGs: map[string]secondarydns.DesiredTSIG{
			"keep.example.":   {Algo: "hmac-sha256.", Secret: secretOld}, // in sync
			"algo.example.":   {Algo: "hmac-sha256."},                    // in sync: case and dot; no secret, not compared
			"change.example.": {Algo: "hmac-sha512."},                    // update, keeping the secret read
			"gone.example.":   {Absent: true},                            // delete
			"new.example.":    {Algo: "hmac-sha256.", Secret: secretNew}, // create
		},
		Peers: map[string]secondarydns.DesiredPeer{
			"same":   {IP: "2001:DB8:0::1"},                    // in sync: the same address
			"port":   {IP: "192.0.2.1", Port: 5353},            // update
			"old":    {Absent: true},                           // delete
			"signed": {IP: "192.0.2.3", TSIG: "keep.example."}, // in sync: the TSIG by its ID
			"new":    {IP: "192.0.2.9", TSIG: "new.example."},  // create, after its TSIG
		},
		ACLs: map[string]secondarydns.DesiredACL{
			"range":   {IPRange: "192.0.2.0/24"},
			"v6":      {IPRange: "2001:DB8:0:0::/64"}, // in sync: the same prefix
			"moved":   {IPRange: "198.18.1.0/24"},     // update
			"retired": {Absent: true},                 // delete
			"added":   {IPRange: "198.18.0.0/24"},     // create
		},
	}
}

// mixSteps are the steps of mixWant on seedMix, in the contract's order.
var mixSteps = []secondarydns.Step{
	step(secondarydns.KindTSIG, "change.example.", secondarydns.ActionUpdate, tsigID(3)),
	step(secondarydns.KindTSIG, "new.example.", secondarydns.ActionCreate, ""),
	step(secondarydns.KindPeer, "new", secondarydns.ActionCreate, ""),
	step(secondarydns.KindPeer, "port", secondarydns.ActionUpdate, peerID(2)),
	step(secondarydns.KindACL, "added", secondarydns.ActionCreate, ""),
	step(secondarydns.KindACL, "moved", secondarydns.ActionUpdate, aclID(3)),
	step(secondarydns.KindACL, "retired", secondarydns.ActionDelete, aclID(4)),
	step(secondarydns.KindPeer, "old", secondarydns.ActionDelete, peerID(3)),
	step(secondarydns.KindTSIG, "gone.example.", secondarydns.ActionDelete, tsigID(4)),
}

// TestAccountConverge plans the account (three reads, nothing else; each
// comparison rule; the steps in order), executes the plan (each update and
// delete after one GET of its object, creates without; the peer created
// after its TSIG with the TSIG's new ID), and plans again: in sync.
func TestAccountConverge(t *testing.T) {
	ctx := context.Background()
	srv, c := accountFake(t, seedMix(t))

	p, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /tsigs", "GET /peers", "GET /acls"}, accountSeen(t, srv), "PlanAccount's reads")
	assert.Equal(t, mixSteps, p.Steps)
	assert.Empty(t, p.Done)
	assert.False(t, p.InSync())
	assert.Equal(t, acct, p.AccountID)
	assert.Len(t, p.TSIGs, 4)
	assert.Len(t, p.Peers, 5)
	assert.Len(t, p.ACLs, 4)
	id, ok := p.PeerID("port")
	assert.True(t, ok)
	assert.Equal(t, peerID(2), id)
	_, ok = p.PeerID("new")
	assert.False(t, ok, "a peer still to create has no ID")

	srv.ResetRequests()
	got, err := c.ExecuteAccount(ctx, p)
	require.NoError(t, err)
	newTSIG, newPeer, newACL := tsigID(5), peerID(6), aclID(5)
	assert.Equal(t, []string{
		"GET /tsigs/" + tsigID(3),
		`PUT /tsigs/` + tsigID(3) + ` {"name":"change.example.","algo":"hmac-sha512.","secret":"[redacted]"}`,
		`POST /tsigs {"name":"new.example.","algo":"hmac-sha256.","secret":"[redacted]"}`,
		`POST /peers {"name":"new","ip":"192.0.2.9","tsig_id":"` + newTSIG + `"}`,
		"GET /peers/" + peerID(2),
		`PUT /peers/` + peerID(2) + ` {"name":"port","ip":"192.0.2.1","port":5353}`,
		`POST /acls {"name":"added","ip_range":"198.18.0.0/24"}`,
		"GET /acls/" + aclID(3),
		`PUT /acls/` + aclID(3) + ` {"name":"moved","ip_range":"198.18.1.0/24"}`,
		"GET /acls/" + aclID(4),
		"DELETE /acls/" + aclID(4),
		"GET /peers/" + peerID(3),
		"DELETE /peers/" + peerID(3),
		"GET /tsigs/" + tsigID(4),
		"DELETE /tsigs/" + tsigID(4),
	}, accountSeen(t, srv), "ExecuteAccount's requests")
	want := append([]secondarydns.Step(nil), mixSteps...)
	want[1].ID, want[2].ID, want[4].ID = newTSIG, newPeer, newACL
	assert.Equal(t, want, got.Done)
	assert.Equal(t, want, got.Steps, "the created IDs are filled in Steps too")
	assert.Equal(t, mixSteps, p.Steps, "ExecuteAccount changed the plan it was given")
	assert.Empty(t, p.Done)
	id, ok = got.PeerID("new")
	assert.True(t, ok)
	assert.Equal(t, newPeer, id)
	_, ok = got.PeerID("old")
	assert.False(t, ok, "a deleted peer has no ID")

	// The secrets reached the fake as sent: the change kept the secret it
	// read, the create sent Want's.
	tsigs := must[[]secondarydns.TSIG](t)(c.TSIGs.List(ctx, acct))
	secrets := map[string]string{}
	for _, k := range tsigs {
		secrets[k.Name] = k.Secret
	}
	assert.Equal(t, map[string]string{"keep.example.": secretOld, "algo.example.": secretOld, "change.example.": secretOld, "new.example.": secretNew}, secrets)
	peers := must[[]secondarydns.Peer](t)(c.Peers.List(ctx, acct))
	assert.Equal(t, []secondarydns.Peer{
		{ID: peerID(1), Name: "same", IP: "2001:db8::1"},
		{ID: peerID(2), Name: "port", IP: "192.0.2.1", Port: 5353},
		{ID: peerID(4), Name: "signed", IP: "192.0.2.3", TSIGID: tsigID(1)},
		{ID: peerID(5), Name: "unmanaged", IP: "192.0.2.4"},
		{ID: newPeer, Name: "new", IP: "192.0.2.9", TSIGID: newTSIG},
	}, peers)

	srv.ResetRequests()
	again, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)
	assert.True(t, again.InSync(), "steps: %v", again.Steps)
	assert.Len(t, srv.Requests(), 3)

	// Nothing left: ExecuteAccount sends nothing.
	srv.ResetRequests()
	done, err := c.ExecuteAccount(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, got.Done, done.Done)
	assert.Empty(t, srv.Requests())
}

// TestAccountPlanComparison: each rule of the comparison, one object at a
// time: in sync or one update.
func TestAccountPlanComparison(t *testing.T) {
	tests := []struct {
		name   string
		seed   func(ctx context.Context, c *secondarydns.Client)
		want   secondarydns.AccountDesired
		inSync bool
	}{
		{"TSIG algo without case and dot", seedTSIG("hmac-sha512."),
			tsigWant(secondarydns.DesiredTSIG{Algo: "HMAC-SHA512"}), true},
		{"TSIG another algo", seedTSIG("hmac-sha512."),
			tsigWant(secondarydns.DesiredTSIG{Algo: "hmac-sha384."}), false},
		{"TSIG the same secret", seedTSIG("hmac-sha512."),
			tsigWant(secondarydns.DesiredTSIG{Algo: "hmac-sha512.", Secret: secretOld}), true},
		{"TSIG another secret", seedTSIG("hmac-sha512."),
			tsigWant(secondarydns.DesiredTSIG{Algo: "hmac-sha512.", Secret: secretNew}), false},
		{"peer IPv6 written another way", seedPeer(secondarydns.PeerParams{IP: "2001:db8::1"}),
			peerWant(secondarydns.DesiredPeer{IP: "2001:DB8:0:0:0:0:0:1"}), true},
		{"peer IPv4-mapped is another address", seedPeer(secondarydns.PeerParams{IP: "192.0.2.1"}),
			peerWant(secondarydns.DesiredPeer{IP: "::ffff:192.0.2.1"}), false},
		{"peer port 0 is unset, not 53", seedPeer(secondarydns.PeerParams{IP: "192.0.2.1"}),
			peerWant(secondarydns.DesiredPeer{IP: "192.0.2.1", Port: 53}), false},
		{"peer IXFR", seedPeer(secondarydns.PeerParams{IP: "192.0.2.1"}),
			peerWant(secondarydns.DesiredPeer{IP: "192.0.2.1", IXFREnable: true}), false},
		{"peer TSIG removed", seedPeer(secondarydns.PeerParams{IP: "192.0.2.1", TSIGID: tsigID(1)}),
			peerWant(secondarydns.DesiredPeer{IP: "192.0.2.1"}), false},
		{"peer another TSIG", seedPeer(secondarydns.PeerParams{IP: "192.0.2.1", TSIGID: tsigID(1)}),
			peerWant(secondarydns.DesiredPeer{IP: "192.0.2.1", TSIG: "other.example."}), false},
		{"peer the same TSIG by name", seedPeer(secondarydns.PeerParams{IP: "192.0.2.1", TSIGID: tsigID(1)}),
			peerWant(secondarydns.DesiredPeer{IP: "192.0.2.1", TSIG: "k.example."}), true},
		{"ACL the same prefix", seedACL("2001:db8:1::/64"),
			aclWant("2001:DB8:1:0::/64"), true},
		{"ACL another prefix", seedACL("192.0.2.0/24"),
			aclWant("192.0.3.0/24"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := accountFake(t, tt.seed)
			p, err := c.PlanAccount(context.Background(), acct, tt.want)
			require.NoError(t, err)
			assert.Len(t, srv.Requests(), 3)
			if tt.inSync {
				assert.Empty(t, p.Steps)
				return
			}
			require.Len(t, p.Steps, 1)
			assert.Equal(t, secondarydns.ActionUpdate, p.Steps[0].Action)
		})
	}
}

// seedTSIG makes TSIG "k.example." (ID 1, secretOld) with algo.
func seedTSIG(algo string) func(context.Context, *secondarydns.Client) {
	return func(ctx context.Context, c *secondarydns.Client) {
		if _, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k.example.", Algo: algo, Secret: secretOld}); err != nil {
			panic(err)
		}
	}
}

// seedPeer makes TSIGs "k.example." and "other.example." (IDs 1, 2), then
// peer "p" from pp.
func seedPeer(pp secondarydns.PeerParams) func(context.Context, *secondarydns.Client) {
	return func(ctx context.Context, c *secondarydns.Client) {
		seedTSIG("hmac-sha256.")(ctx, c)
		if _, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "other.example.", Algo: "hmac-sha256.", Secret: secretOld}); err != nil {
			panic(err)
		}
		pp.Name = "p"
		if _, err := c.Peers.Create(ctx, acct, pp); err != nil {
			panic(err)
		}
	}
}

func seedACL(r string) func(context.Context, *secondarydns.Client) {
	return func(ctx context.Context, c *secondarydns.Client) {
		if _, err := c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "a", IPRange: r}); err != nil {
			panic(err)
		}
	}
}

func tsigWant(d secondarydns.DesiredTSIG) secondarydns.AccountDesired {
	return secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{"k.example.": d}}
}

func peerWant(d secondarydns.DesiredPeer) secondarydns.AccountDesired {
	return secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": d}}
}

func aclWant(r string) secondarydns.AccountDesired {
	return secondarydns.AccountDesired{ACLs: map[string]secondarydns.DesiredACL{"a": {IPRange: r}}}
}

// TestAccountPlanSplit: Split cuts before the first peer or TSIG delete;
// running before, then (zones,) then after converges, and each half keeps
// its share of Done.
func TestAccountPlanSplit(t *testing.T) {
	ctx := context.Background()
	srv, c := accountFake(t, seedMix(t))
	p, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)

	before, after := p.Split()
	assert.Equal(t, mixSteps[:7], before.Steps)
	assert.Equal(t, mixSteps[7:], after.Steps)
	for _, half := range []*secondarydns.AccountPlan{before, after} {
		assert.Equal(t, p.AccountID, half.AccountID)
		assert.Equal(t, p.Peers, half.Peers)
		assert.Equal(t, p.TSIGs, half.TSIGs)
		assert.Empty(t, half.Done)
	}

	srv.ResetRequests()
	ranBefore, err := c.ExecuteAccount(ctx, before)
	require.NoError(t, err)
	for _, r := range accountSeen(t, srv) {
		assert.False(t, strings.HasPrefix(r, "DELETE /peers") || strings.HasPrefix(r, "DELETE /tsigs"), "%s before the cut", r)
	}
	assert.Contains(t, accountSeen(t, srv), "DELETE /acls/"+aclID(4), "ACL deletes come before the cut")
	newPeer, ok := ranBefore.PeerID("new")
	require.True(t, ok, "the zones in between can use the new peer")
	assert.Equal(t, peerID(6), newPeer)
	_, err = c.ExecuteAccount(ctx, after)
	require.NoError(t, err)
	again, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)
	assert.True(t, again.InSync())

	// A plan done part-way splits its Done too.
	partly := *p
	partly.Done = ranBefore.Done[:3]
	b, a := partly.Split()
	assert.Equal(t, ranBefore.Done[:3], b.Done)
	assert.Empty(t, a.Done)
	partly.Done = append(append([]secondarydns.Step{}, ranBefore.Done...), mixSteps[7])
	b, a = partly.Split()
	assert.Len(t, b.Done, 7)
	assert.Equal(t, mixSteps[7:8], a.Done)

	// Nothing to delete: after is empty; nil splits into nils.
	in := &secondarydns.AccountPlan{Steps: mixSteps[:2]}
	b, a = in.Split()
	assert.Equal(t, mixSteps[:2], b.Steps)
	assert.Empty(t, a.Steps)
	var none *secondarydns.AccountPlan
	b, a = none.Split()
	assert.Nil(t, b)
	assert.Nil(t, a)
}

// TestAccountPlanValidation: bad input is refused before any request,
// naming the object; what only the reads reveal is refused after them,
// with only the reads sent.
func TestAccountPlanValidation(t *testing.T) {
	tsigs := func(m map[string]secondarydns.DesiredTSIG) secondarydns.AccountDesired {
		return secondarydns.AccountDesired{TSIGs: m}
	}
	peers := func(m map[string]secondarydns.DesiredPeer) secondarydns.AccountDesired {
		return secondarydns.AccountDesired{Peers: m}
	}
	acls := func(m map[string]secondarydns.DesiredACL) secondarydns.AccountDesired {
		return secondarydns.AccountDesired{ACLs: m}
	}
	before := []struct {
		name    string
		account string
		want    secondarydns.AccountDesired
		msg     string
	}{
		{"account ID", "not an id", secondarydns.AccountDesired{}, "account ID"},
		{"TSIG name", acct, tsigs(map[string]secondarydns.DesiredTSIG{"a..b": {Algo: "hmac-sha256.", Secret: secretNew}}), `TSIG "a..b": `},
		{"TSIG algo", acct, tsigs(map[string]secondarydns.DesiredTSIG{"k.example.": {Algo: "hmac-sha3."}}), `TSIG "k.example.": `},
		{"TSIG no algo", acct, tsigs(map[string]secondarydns.DesiredTSIG{"k.example.": {Secret: secretNew}}), `TSIG "k.example.": `},
		{"TSIG secret", acct, tsigs(map[string]secondarydns.DesiredTSIG{"k.example.": {Algo: "hmac-sha256.", Secret: "not base64!"}}), `TSIG "k.example.": `},
		{"TSIG absent with algo", acct, tsigs(map[string]secondarydns.DesiredTSIG{"k.example.": {Absent: true, Algo: "hmac-sha256."}}), "Absent is set together"},
		{"peer name", acct, peers(map[string]secondarydns.DesiredPeer{"": {IP: "192.0.2.1"}}), `peer "": `},
		{"peer IP host name", acct, peers(map[string]secondarydns.DesiredPeer{"p": {IP: "ns1.example.com"}}), `peer "p": `},
		{"peer IP with port", acct, peers(map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.1:53"}}), `peer "p": `},
		{"peer port", acct, peers(map[string]secondarydns.DesiredPeer{"p": {Port: 70000}}), `peer "p": peer port 70000`},
		{"peer absent with IP", acct, peers(map[string]secondarydns.DesiredPeer{"p": {Absent: true, IP: "192.0.2.1"}}), "Absent is set together"},
		{"peer TSIG marked absent", acct, secondarydns.AccountDesired{
			TSIGs: map[string]secondarydns.DesiredTSIG{"k.example.": {Absent: true}},
			Peers: map[string]secondarydns.DesiredPeer{"p": {TSIG: "k.example."}},
		}, `peer "p": its TSIG "k.example." is marked absent`},
		{"ACL host bits", acct, acls(map[string]secondarydns.DesiredACL{"a": {IPRange: "192.0.2.5/24"}}), "did you mean 192.0.2.0/24"},
		{"ACL bare address", acct, acls(map[string]secondarydns.DesiredACL{"a": {IPRange: "192.0.2.5"}}), `ACL "a": `},
		{"ACL absent with range", acct, acls(map[string]secondarydns.DesiredACL{"a": {Absent: true, IPRange: "192.0.2.0/24"}}), "Absent is set together"},
	}
	for _, tt := range before {
		t.Run("before the reads: "+tt.name, func(t *testing.T) {
			srv, c := accountFake(t, nil)
			var resp secondarydns.Response
			p, err := c.PlanAccount(context.Background(), tt.account, tt.want, secondarydns.WithResponse(&resp))
			assert.Nil(t, p)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Empty(t, srv.Requests())
		})
	}

	after := []struct {
		name string
		seed func(ctx context.Context, c *secondarydns.Client)
		want secondarydns.AccountDesired
		msg  string
	}{
		{"two peers of one name", func(ctx context.Context, c *secondarydns.Client) {
			for range 2 {
				must[*secondarydns.Peer](t)(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "dup"}))
			}
		}, peers(map[string]secondarydns.DesiredPeer{"dup": {IP: "192.0.2.1"}}),
			`peer name "dup" is ambiguous: the account has 2 of that name (` + peerID(1) + ` and ` + peerID(2) + `)`},
		{"two ACLs of one name, one to delete", func(ctx context.Context, c *secondarydns.Client) {
			for range 2 {
				must[*secondarydns.ACL](t)(c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "dup", IPRange: "192.0.2.0/24"}))
			}
		}, acls(map[string]secondarydns.DesiredACL{"dup": {Absent: true}}),
			`ACL name "dup" is ambiguous: the account has 2 of that name (` + aclID(1) + ` and ` + aclID(2) + `)`},
		{"a peer's TSIG that two keys share", func(ctx context.Context, c *secondarydns.Client) {
			for range 2 {
				must[*secondarydns.TSIG](t)(c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k.example.", Algo: "hmac-sha256.", Secret: secretOld}))
			}
		}, peers(map[string]secondarydns.DesiredPeer{"p": {TSIG: "k.example."}}),
			`secondarydns: invalid input: peer "p": TSIG name "k.example." is ambiguous: the account has 2 of that name (` + tsigID(1) + ` and ` + tsigID(2) + `)`},
		{"a TSIG to create without a secret", nil,
			tsigs(map[string]secondarydns.DesiredTSIG{"k.example.": {Algo: "hmac-sha256."}}),
			`TSIG "k.example." does not exist: give its Secret to create it`},
		{"a peer's TSIG nobody has", nil,
			peers(map[string]secondarydns.DesiredPeer{"p": {TSIG: "k.example."}}),
			`peer "p": TSIG "k.example." is neither in the desired state nor in the account`},
	}
	for _, tt := range after {
		t.Run("after the reads: "+tt.name, func(t *testing.T) {
			srv, c := accountFake(t, tt.seed)
			p, err := c.PlanAccount(context.Background(), acct, tt.want)
			assert.Nil(t, p)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Equal(t, []string{"GET /tsigs", "GET /peers", "GET /acls"}, accountSeen(t, srv), "only the reads")
		})
	}
}

// seedOne gives the account TSIG "k.example." (ID 1, secretOld), peer "p"
// (ID 1, 192.0.2.1, TSIG 1) and ACL "a" (ID 1, 192.0.2.0/24).
func seedOne(ctx context.Context, c *secondarydns.Client) {
	k, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k.example.", Algo: "hmac-sha256.", Secret: secretOld})
	if err == nil {
		_, err = c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "p", IP: "192.0.2.1", TSIGID: k.ID})
	}
	if err == nil {
		_, err = c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "a", IPRange: "192.0.2.0/24"})
	}
	if err != nil {
		panic(err)
	}
}

// other is a client of srv whose requests the test makes as someone else
// (left out of the log by ResetRequests before the run).
func other(t testing.TB, srv *secondarydnstest.Server) *secondarydns.Client {
	t.Helper()
	c, err := srv.Client(secondarydns.WithHeader(raceHeader, "1"))
	require.NoError(t, err)
	return c
}

// TestExecuteAccountChecksEachObject: someone changes an object between the
// plan and ExecuteAccount. The GET before its update or delete finds what
// differs: ErrStale naming it, nothing written. The secret is not compared,
// and a secret changed meanwhile is kept by an update that does not set it.
// An object already gone makes a delete done and an update stale.
func TestExecuteAccountChecksEachObject(t *testing.T) {
	peerUpdate := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.1", Port: 5353, TSIG: "k.example."}}}
	peerDelete := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {Absent: true}}}
	tsigUpdate := secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{"k.example.": {Algo: "hmac-sha512."}}}
	tsigDelete := secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{"k.example.": {Absent: true}}}
	aclUpdate := secondarydns.AccountDesired{ACLs: map[string]secondarydns.DesiredACL{"a": {IPRange: "198.18.0.0/24"}}}
	ctx := context.Background()
	tests := []struct {
		name   string
		want   secondarydns.AccountDesired
		change func(c *secondarydns.Client) // as someone else, after the plan
		sent   []string
		stale  string // "" means it succeeds
	}{
		{"peer IP changed", peerUpdate, func(c *secondarydns.Client) {
			must[*secondarydns.Peer](t)(c.Peers.Update(ctx, acct, peerID(1), secondarydns.PeerParams{Name: "p", IP: "192.0.2.7", TSIGID: tsigID(1)}))
		}, []string{"GET /peers/" + peerID(1)},
			`peer "p": update: the peer changed since it was planned: the ip is "192.0.2.7", not "192.0.2.1"`},
		{"peer port set and IXFR on: numbers and booleans unquoted, port 0 unset", peerUpdate, func(c *secondarydns.Client) {
			must[*secondarydns.Peer](t)(c.Peers.Update(ctx, acct, peerID(1), secondarydns.PeerParams{Name: "p", IP: "192.0.2.1", Port: 53, IXFREnable: true, TSIGID: tsigID(1)}))
		}, []string{"GET /peers/" + peerID(1)},
			`peer "p": update: the peer changed since it was planned: the port is 53, not unset; the ixfr_enable is true, not false`},
		{"peer renamed and its TSIG dropped", peerDelete, func(c *secondarydns.Client) {
			must[*secondarydns.Peer](t)(c.Peers.Update(ctx, acct, peerID(1), secondarydns.PeerParams{Name: "p2", IP: "192.0.2.1"}))
		}, []string{"GET /peers/" + peerID(1)},
			`peer "p": delete: the peer changed since it was planned: the name is "p2", not "p"; the tsig_id is "", not "` + tsigID(1) + `"`},
		{"peer gone before an update", peerUpdate, func(c *secondarydns.Client) {
			must[string](t)(c.Peers.Delete(ctx, acct, peerID(1)))
		}, []string{"GET /peers/" + peerID(1)},
			`peer "p": update: the peer changed since it was planned: it is gone`},
		{"peer gone before a delete: done", peerDelete, func(c *secondarydns.Client) {
			must[string](t)(c.Peers.Delete(ctx, acct, peerID(1)))
		}, []string{"GET /peers/" + peerID(1)}, ""},
		{"TSIG algo changed", tsigDelete, func(c *secondarydns.Client) {
			must[*secondarydns.TSIG](t)(c.TSIGs.Update(ctx, acct, tsigID(1), secondarydns.TSIGParams{Name: "k.example.", Algo: "hmac-sha1.", Secret: secretOld}))
		}, []string{"GET /tsigs/" + tsigID(1)},
			`TSIG "k.example.": delete: the TSIG changed since it was planned: the algo is "hmac-sha1.", not "hmac-sha256."`},
		{"TSIG secret changed: not compared, and kept", tsigUpdate, func(c *secondarydns.Client) {
			must[*secondarydns.TSIG](t)(c.TSIGs.Update(ctx, acct, tsigID(1), secondarydns.TSIGParams{Name: "k.example.", Algo: "hmac-sha256.", Secret: secretNew}))
		}, []string{"GET /tsigs/" + tsigID(1), `PUT /tsigs/` + tsigID(1) + ` {"name":"k.example.","algo":"hmac-sha512.","secret":"[redacted]"}`}, ""},
		{"ACL range changed", aclUpdate, func(c *secondarydns.Client) {
			must[*secondarydns.ACL](t)(c.ACLs.Update(ctx, acct, aclID(1), secondarydns.ACLParams{Name: "a", IPRange: "192.0.3.0/24"}))
		}, []string{"GET /acls/" + aclID(1)},
			`ACL "a": update: the ACL changed since it was planned: the ip_range is "192.0.3.0/24", not "192.0.2.0/24"`},
		{"unchanged", peerUpdate, func(*secondarydns.Client) {},
			[]string{"GET /peers/" + peerID(1), `PUT /peers/` + peerID(1) + ` {"name":"p","ip":"192.0.2.1","port":5353,"tsig_id":"` + tsigID(1) + `"}`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := accountFake(t, seedOne)
			p, err := c.PlanAccount(ctx, acct, tt.want)
			require.NoError(t, err)
			require.Len(t, p.Steps, 1)
			tt.change(other(t, srv))
			srv.ResetRequests()
			beforeTSIGs := must[[]secondarydns.TSIG](t)(c.TSIGs.List(ctx, acct))
			beforePeers := must[[]secondarydns.Peer](t)(c.Peers.List(ctx, acct))
			srv.ResetRequests()

			got, err := c.ExecuteAccount(ctx, p)
			assert.Equal(t, tt.sent, accountSeen(t, srv))
			require.NotNil(t, got)
			if tt.stale == "" {
				require.NoError(t, err)
				assert.Equal(t, p.Steps, got.Done)
				if tt.name == "TSIG secret changed: not compared, and kept" {
					k := must[*secondarydns.TSIG](t)(c.TSIGs.Get(ctx, acct, tsigID(1)))
					assert.Equal(t, secretNew, k.Secret, "the secret set meanwhile was overwritten")
					assert.Equal(t, "hmac-sha512.", k.Algo)
				}
				return
			}
			require.ErrorIs(t, err, secondarydns.ErrStale)
			assert.Equal(t, "secondarydns: account "+acct+": "+tt.stale, err.Error())
			assert.Empty(t, got.Done)
			assert.Equal(t, beforeTSIGs, must[[]secondarydns.TSIG](t)(c.TSIGs.List(ctx, acct)), "written to")
			assert.Equal(t, beforePeers, must[[]secondarydns.Peer](t)(c.Peers.List(ctx, acct)), "written to")
		})
	}
}

// unknownObjectBody is Cloudflare's answer for an ID that routes nowhere.
const unknownObjectBody = `{"success":false,"errors":[{"code":7003,"message":"Could not route to /accounts/x/secondary_dns/peers/y, perhaps your object identifier is invalid?"},{"code":7000,"message":"No route for that URI"}],"messages":[],"result":null}`

// TestExecuteAccountNotFound: 404s around a step. An ID that routes nowhere
// (7003/7000) is stale for a delete too, never done; an update answered a
// plain 404 after its check is stale; a delete answered one is done.
func TestExecuteAccountNotFound(t *testing.T) {
	ctx := context.Background()
	peerUpdate := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.9", TSIG: "k.example."}}}
	peerDelete := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {Absent: true}}}
	tests := []struct {
		name    string
		want    secondarydns.AccountDesired
		fault   secondarydnstest.Fault
		sent    []string
		stale   bool
		unknown bool
		done    bool
	}{
		{"the check's GET: unknown ID", peerDelete,
			secondarydnstest.Fault{Kind: "peer", Action: "get", Status: 404, Body: unknownObjectBody},
			[]string{"GET /peers/" + peerID(1)}, true, true, false},
		{"a delete: unknown ID", peerDelete,
			secondarydnstest.Fault{Kind: "peer", Action: "delete", Status: 404, Body: unknownObjectBody},
			[]string{"GET /peers/" + peerID(1), "DELETE /peers/" + peerID(1)}, true, true, false},
		{"a delete: plain 404", peerDelete,
			secondarydnstest.Fault{Kind: "peer", Action: "delete", Status: 404},
			[]string{"GET /peers/" + peerID(1), "DELETE /peers/" + peerID(1)}, false, false, true},
		{"an update: plain 404", peerUpdate,
			secondarydnstest.Fault{Kind: "peer", Action: "update", Status: 404},
			[]string{"GET /peers/" + peerID(1), `PUT /peers/` + peerID(1) + ` {"name":"p","ip":"192.0.2.9","tsig_id":"` + tsigID(1) + `"}`}, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := accountFake(t, seedOne)
			p, err := c.PlanAccount(ctx, acct, tt.want)
			require.NoError(t, err)
			srv.ResetRequests()
			srv.Fail(tt.fault)
			got, err := c.ExecuteAccount(ctx, p)
			assert.Equal(t, tt.sent, accountSeen(t, srv))
			if tt.done {
				require.NoError(t, err)
				assert.Equal(t, p.Steps, got.Done)
				return
			}
			assert.Empty(t, got.Done)
			assert.Equal(t, tt.stale, errors.Is(err, secondarydns.ErrStale), "%v", err)
			assert.Equal(t, tt.unknown, errors.Is(err, secondarydns.ErrUnknownID), "%v", err)
			require.ErrorIs(t, err, secondarydns.ErrNotFound)
			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)
		})
	}

	t.Run("the plan's reads: unknown account", func(t *testing.T) {
		srv, c := accountFake(t, nil)
		srv.Fail(secondarydnstest.Fault{Kind: "tsig", Action: "list", Status: 404, Body: unknownObjectBody})
		p, err := c.PlanAccount(ctx, acct, peerDelete)
		assert.Nil(t, p)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		assert.Contains(t, err.Error(), "secondarydns: account "+acct+": plan: GET /client/v4/accounts/"+acct+"/secondary_dns/tsigs: 404")
		assert.Equal(t, []string{"GET /tsigs"}, accountSeen(t, srv))
	})
}

// forwardWithBody sends r to the fake with another body, as if the API had
// received that: a create that ignored fields.
func forwardWithBody(r *http.Request, body string) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(strings.NewReader(body))
	r2.ContentLength = int64(len(body))
	return http.DefaultTransport.RoundTrip(r2)
}

// TestExecuteAccountSettlesCreates: a create that may have reached the
// server is settled by one list read of its kind, never repeated blindly.
func TestExecuteAccountSettlesCreates(t *testing.T) {
	ctx := context.Background()
	wantPeer := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.1", Port: 5353}}}
	const peerBody = `{"name":"p","ip":"192.0.2.1","port":5353}`
	isCreate := func(r *http.Request, kind string) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/secondary_dns/"+kind)
	}
	tests := []struct {
		name   string
		want   secondarydns.AccountDesired
		stage  func(t *testing.T, srv *secondarydnstest.Server, h *hook)
		sent   []string
		id     string // the created object's ID; "" when it fails
		errIs  []error
		errMsg string
	}{
		{
			name: "503, nothing made: one list, then sent once more", want: wantPeer,
			stage: func(_ *testing.T, srv *secondarydnstest.Server, _ *hook) {
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: 503})
			},
			sent: []string{"POST /peers " + peerBody, "GET /peers", "POST /peers " + peerBody},
			id:   peerID(1),
		},
		{
			name: "made, the answer lost: the list finds it, no second create", want: wantPeer,
			stage: func(_ *testing.T, _ *secondarydnstest.Server, h *hook) {
				h.after = func(_ int, r *http.Request) error {
					if isCreate(r, "peers") {
						return errors.New("connection reset after the request was written")
					}
					return nil
				}
			},
			sent: []string{"POST /peers " + peerBody, "GET /peers"},
			id:   peerID(1),
		},
		{
			name: "a TSIG made, the answer lost", want: secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{"k.example.": {Algo: "hmac-sha256.", Secret: secretNew}}},
			stage: func(_ *testing.T, _ *secondarydnstest.Server, h *hook) {
				h.after = func(_ int, r *http.Request) error {
					if isCreate(r, "tsigs") {
						return errors.New("connection reset after the request was written")
					}
					return nil
				}
			},
			sent: []string{`POST /tsigs {"name":"k.example.","algo":"hmac-sha256.","secret":"[redacted]"}`, "GET /tsigs"},
			id:   tsigID(1),
		},
		{
			name: "made with its name only, then 502: the list finds it, the create's PUT sets the rest", want: wantPeer,
			stage: func(_ *testing.T, _ *secondarydnstest.Server, h *hook) {
				h.before = func(_ int, r *http.Request) (*http.Response, error) {
					if isCreate(r, "peers") {
						resp, err := forwardWithBody(r, `{"name":"p"}`)
						if err != nil {
							return nil, err
						}
						resp.Body.Close()
						return answer(r, http.StatusBadGateway, ""), nil
					}
					return nil, nil
				}
			},
			sent: []string{`POST /peers {"name":"p"}`, "GET /peers", "PUT /peers/" + peerID(1) + " " + peerBody},
			id:   peerID(1),
		},
		{
			name: "someone else's peer of that name appeared: stale", want: wantPeer,
			stage: func(t *testing.T, srv *secondarydnstest.Server, h *hook) {
				h.before = func(_ int, r *http.Request) (*http.Response, error) {
					if isCreate(r, "peers") {
						must[*secondarydns.Peer](t)(other(t, srv).Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "p", IP: "192.0.2.77"}))
						return answer(r, http.StatusServiceUnavailable, ""), nil
					}
					return nil, nil
				}
			},
			sent:   []string{"GET /peers"},
			errIs:  []error{secondarydns.ErrStale, secondarydns.ErrServerError},
			errMsg: `peer "p": create: the peer changed since it was planned: a peer of that name appeared that is not the one wanted (` + peerID(1) + `)`,
		},
		{
			name: "two of that name: stale", want: wantPeer,
			stage: func(t *testing.T, srv *secondarydnstest.Server, h *hook) {
				h.before = func(_ int, r *http.Request) (*http.Response, error) {
					if isCreate(r, "peers") {
						for range 2 {
							must[*secondarydns.Peer](t)(other(t, srv).Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "p", IP: "192.0.2.1", Port: 5353}))
						}
						return answer(r, http.StatusServiceUnavailable, ""), nil
					}
					return nil, nil
				}
			},
			sent:   []string{"GET /peers"},
			errIs:  []error{secondarydns.ErrStale},
			errMsg: `peer "p": create: the peer changed since it was planned: 2 peers of that name exist`,
		},
		{
			name: "the list read fails: the outcome is unknown", want: wantPeer,
			stage: func(_ *testing.T, srv *secondarydnstest.Server, _ *hook) {
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: 500})
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 403})
			},
			sent:   []string{"POST /peers " + peerBody, "GET /peers"},
			errIs:  []error{secondarydns.ErrServerError, secondarydns.ErrForbidden},
			errMsg: `peer "p": create: the create may have happened`,
		},
		{
			name: "a 400 changed nothing: no list read", want: wantPeer,
			stage: func(_ *testing.T, srv *secondarydnstest.Server, _ *hook) {
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: 400})
			},
			sent:  []string{"POST /peers " + peerBody},
			errIs: []error{secondarydns.ErrBadRequest},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hook{}
			srv, c := hooked(t, h)
			p, err := c.PlanAccount(ctx, acct, tt.want)
			require.NoError(t, err)
			require.Len(t, p.Steps, 1)
			require.Equal(t, secondarydns.ActionCreate, p.Steps[0].Action)
			srv.ResetRequests()
			tt.stage(t, srv, h)
			got, err := c.ExecuteAccount(ctx, p)
			assert.Equal(t, tt.sent, accountSeen(t, srv))
			require.NotNil(t, got)
			if tt.id != "" {
				require.NoError(t, err)
				require.Len(t, got.Done, 1)
				assert.Equal(t, tt.id, got.Done[0].ID)
				h.before, h.after = nil, nil
				again, err := c.PlanAccount(ctx, acct, tt.want)
				require.NoError(t, err)
				assert.True(t, again.InSync(), "steps: %v", again.Steps)
				return
			}
			require.Error(t, err)
			for _, target := range tt.errIs {
				assert.ErrorIs(t, err, target)
			}
			assert.Contains(t, err.Error(), "secondarydns: account "+acct+": "+tt.errMsg)
			assert.Empty(t, got.Done)
		})
	}
}

// TestExecuteAccountResumes: a run that fails part-way returns the plan so
// far; a later call resumes after Done, and the peer it creates gets the
// TSIG made by the first call.
func TestExecuteAccountResumes(t *testing.T) {
	ctx := context.Background()
	srv, c := accountFake(t, seedMix(t))
	p, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: http.StatusForbidden})
	got, err := c.ExecuteAccount(ctx, p)
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	assert.True(t, strings.HasPrefix(err.Error(), `secondarydns: account `+acct+`: peer "new": create: POST /client/v4/accounts/`+acct+`/secondary_dns/peers: 403 Forbidden`), err.Error())
	require.Len(t, got.Done, 2)
	assert.Equal(t, tsigID(5), got.Done[1].ID)
	assert.Equal(t, mixSteps, p.Steps)

	srv.ResetRequests()
	got, err = c.ExecuteAccount(ctx, got)
	require.NoError(t, err)
	sent := accountSeen(t, srv)
	require.NotEmpty(t, sent)
	assert.Equal(t, `POST /peers {"name":"new","ip":"192.0.2.9","tsig_id":"`+tsigID(5)+`"}`, sent[0], "resumed at the failed step, with the TSIG made before")
	assert.Len(t, sent, 15-3)
	assert.Len(t, got.Done, len(mixSteps))
}

// TestExecuteAccountPeerCreateHalfDone: a peer create whose answer lacked
// the fields and whose PUT then failed leaves the peer with its name only.
// The step is not done but keeps the peer's ID, so the next call sends
// only the PUT, never a second create.
func TestExecuteAccountPeerCreateHalfDone(t *testing.T) {
	ctx := context.Background()
	h := &hook{}
	srv, c := hooked(t, h)
	want := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.1"}}}
	p, err := c.PlanAccount(ctx, acct, want)
	require.NoError(t, err)
	srv.ResetRequests()
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		switch r.Method {
		case http.MethodPost:
			return forwardWithBody(r, `{"name":"p"}`) // the create ignores the IP
		case http.MethodPut:
			return answer(r, http.StatusForbidden, errEnvelope(10000, "not now")), nil
		}
		return nil, nil
	}
	got, err := c.ExecuteAccount(ctx, p)
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	assert.Contains(t, err.Error(), `secondarydns: account `+acct+`: peer "p": create: `)
	assert.Empty(t, got.Done)
	assert.Equal(t, peerID(1), got.Steps[0].ID, "the step keeps the created peer's ID")
	assert.Equal(t, []string{`POST /peers {"name":"p"}`}, accountSeen(t, srv), "the failed PUT was answered by the test")

	h.before = nil
	srv.ResetRequests()
	got, err = c.ExecuteAccount(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, []string{`PUT /peers/` + peerID(1) + ` {"name":"p","ip":"192.0.2.1"}`}, accountSeen(t, srv))
	assert.Equal(t, peerID(1), got.Done[0].ID)
	peers := must[[]secondarydns.Peer](t)(c.Peers.List(ctx, acct))
	assert.Equal(t, []secondarydns.Peer{{ID: peerID(1), Name: "p", IP: "192.0.2.1"}}, peers)
}

// TestAccountPlanSecrets: no fmt verb and no slog record of a plan shows a
// secret, whether Want's or one the plan read; "[redacted]" stands in.
func TestAccountPlanSecrets(t *testing.T) {
	ctx := context.Background()
	_, c := accountFake(t, seedMix(t))
	p, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)
	require.Equal(t, secretOld, p.TSIGs[0].Secret, "the plan keeps what it read")
	require.Equal(t, secretNew, p.Want.TSIGs["new.example."].Secret)

	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("plan", "plan", p, "want", p.Want.TSIGs["new.example."], "read", p.TSIGs[0], "tsigs", p.Want.TSIGs, "desired", p.Want)
	asJSON, err := json.Marshal(p)
	require.NoError(t, err)
	asJSONValue, err := json.Marshal(*p)
	require.NoError(t, err)
	for name, text := range map[string]string{
		"json":        string(asJSON),
		"json value":  string(asJSONValue),
		"%v":          fmt.Sprintf("%v", p),
		"%+v":         fmt.Sprintf("%+v", p),
		"%#v":         fmt.Sprintf("%#v", p),
		"%v value":    fmt.Sprintf("%v", *p),
		"%+v value":   fmt.Sprintf("%+v", *p),
		"%#v value":   fmt.Sprintf("%#v", *p),
		"%s":          fmt.Sprintf("%s", p.Want.TSIGs),
		"%v Want":     fmt.Sprintf("%v", p.Want),
		"%#v Desired": fmt.Sprintf("%#v", p.Want.TSIGs["new.example."]),
		"String":      p.Want.TSIGs["new.example."].String(),
		"GoString":    p.Want.TSIGs["new.example."].GoString(),
		"slog":        logged.String(),
	} {
		for _, s := range []string{secretOld, secretNew, "SECRET"} {
			assert.NotContains(t, text, s, name)
		}
		assert.Contains(t, text, "[redacted]", name)
	}
	assert.Equal(t, `secondarydns.DesiredTSIG{Algo:"hmac-sha256.", Secret:"[redacted]", Absent:false}`, fmt.Sprintf("%#v", p.Want.TSIGs["new.example."]))
	assert.Equal(t, `{Algo:hmac-sha512. Secret: Absent:false}`, fmt.Sprintf("%+v", p.Want.TSIGs["change.example."]), "no secret set: nothing to redact")
	assert.Equal(t, `{hmac-sha256. [redacted] false}`, fmt.Sprintf("%v", p.Want.TSIGs["new.example."]))
	// JSON keeps everything else: a plan written to a file still says what
	// was read and planned.
	var back secondarydns.AccountPlan
	require.NoError(t, json.Unmarshal(asJSON, &back))
	assert.Equal(t, p.Steps, back.Steps)
	assert.Equal(t, len(p.TSIGs), len(back.TSIGs))
	assert.Equal(t, p.TSIGs[0].ID, back.TSIGs[0].ID)
	assert.Equal(t, "[redacted]", back.TSIGs[0].Secret)
	assert.Equal(t, secretOld, p.TSIGs[0].Secret, "marshalling leaves the plan's own copy alone")
}

// TestExecuteAccountValidation: a plan that does not follow from its Want
// and reads is refused before any request, as are a zero Client and a nil
// plan.
func TestExecuteAccountValidation(t *testing.T) {
	ctx := context.Background()
	srv, c := accountFake(t, seedMix(t))
	p, err := c.PlanAccount(ctx, acct, mixWant())
	require.NoError(t, err)
	srv.ResetRequests()
	edit := func(f func(q *secondarydns.AccountPlan)) *secondarydns.AccountPlan {
		q := *p
		q.Steps = append([]secondarydns.Step(nil), p.Steps...)
		f(&q)
		return &q
	}
	for name, tt := range map[string]struct {
		p   *secondarydns.AccountPlan
		msg string
	}{
		"nil":            {nil, "the account plan is nil"},
		"account ID":     {edit(func(q *secondarydns.AccountPlan) { q.AccountID = "x y" }), "account ID"},
		"unknown kind":   {edit(func(q *secondarydns.AccountPlan) { q.Steps[0].Kind = "zone" }), `kind "zone" is not a known kind`},
		"unknown action": {edit(func(q *secondarydns.AccountPlan) { q.Steps[0].Action = "enable" }), `action "enable" is not create, update or delete`},
		"a name Want does not have": {edit(func(q *secondarydns.AccountPlan) { q.Steps[0].Name = "unmanaged" }),
			"the desired state does not name it"},
		"delete of a wanted object": {edit(func(q *secondarydns.AccountPlan) { q.Steps[3].Action = secondarydns.ActionDelete }),
			"the desired state does not mark it absent"},
		"create of an absent object": {edit(func(q *secondarydns.AccountPlan) { q.Steps[7].Action = secondarydns.ActionCreate }),
			"the desired state marks it absent"},
		"an ID it did not read": {edit(func(q *secondarydns.AccountPlan) { q.Steps[3].ID = peerID(1) }),
			"the plan read no peer with ID " + `"` + peerID(1) + `"`},
		"a TSIG create with an ID": {edit(func(q *secondarydns.AccountPlan) { q.Steps[1].ID = tsigID(9) }),
			"a TSIG create has no ID before it is done"},
		"Done not a prefix": {edit(func(q *secondarydns.AccountPlan) { q.Done = q.Steps[1:2] }), "Done is not a prefix of Steps"},
		"Done too long": {edit(func(q *secondarydns.AccountPlan) {
			q.Done = append(append([]secondarydns.Step(nil), q.Steps...), q.Steps[0])
		}), "Done is not a prefix of Steps"},
		"invalid Want": {edit(func(q *secondarydns.AccountPlan) {
			q.Want = secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {Port: -1}}}
		}), `peer "p"`},
	} {
		_, err := c.ExecuteAccount(ctx, tt.p)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, name)
		assert.Contains(t, err.Error(), tt.msg, name)
	}
	assert.Empty(t, srv.Requests())

	for _, zero := range []*secondarydns.Client{nil, {}} {
		_, err := zero.PlanAccount(ctx, acct, mixWant())
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
		assert.Contains(t, err.Error(), "use NewClient")
		_, err = zero.ExecuteAccount(ctx, p)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	}
}

// TestExecuteAccountResumesUnsettledCreate: a create that may have reached
// the server and that no read settled (the list read failed, or the context
// ended first) is marked in the returned plan. The next call settles it by
// one list read before sending anything: the object made is done (no second
// create, which would make a duplicate name), a name-only peer gets its
// PUT, none means the create is sent once, anything else is stale.
func TestExecuteAccountResumesUnsettledCreate(t *testing.T) {
	wantPeer := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.1", Port: 5353}}}
	wantACL := secondarydns.AccountDesired{ACLs: map[string]secondarydns.DesiredACL{"a": {IPRange: "192.0.2.0/24"}}}
	const peerBody = `{"name":"p","ip":"192.0.2.1","port":5353}`
	const aclBody = `{"name":"a","ip_range":"192.0.2.0/24"}`
	isPost := func(r *http.Request) bool { return r.Method == http.MethodPost }
	// reached forwards a create to the fake with body, then answers 502.
	reached := func(body string) func(int, *http.Request) (*http.Response, error) {
		return func(_ int, r *http.Request) (*http.Response, error) {
			if !isPost(r) {
				return nil, nil
			}
			resp, err := forwardWithBody(r, body)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
			return answer(r, http.StatusBadGateway, ""), nil
		}
	}
	// lost lets the fake make the object, then loses the answer.
	lost := func(_ int, r *http.Request) error {
		if isPost(r) {
			return errors.New("connection reset after the request was written")
		}
		return nil
	}
	tests := []struct {
		name string
		want secondarydns.AccountDesired
		// first stages the first call's failure; cancel ends its context.
		first      func(t *testing.T, srv *secondarydnstest.Server, h *hook, cancel context.CancelFunc)
		firstSent  []string
		firstErrIs []error
		// between runs as someone else before the resumed call.
		between    func(t *testing.T, srv *secondarydnstest.Server)
		resumeSent []string
		id         string // the object's ID after the resumed call; "" when it fails
		resumeErr  string
	}{
		{
			name: "502 after the peer was made, the list read fails: resumed, one list read finds it, no POST", want: wantPeer,
			first: func(_ *testing.T, srv *secondarydnstest.Server, h *hook, _ context.CancelFunc) {
				h.before = reached(peerBody)
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 500})
			},
			firstSent:  []string{"POST /peers " + peerBody, "GET /peers"},
			firstErrIs: []error{secondarydns.ErrServerError},
			resumeSent: []string{"GET /peers"},
			id:         peerID(1),
		},
		{
			name: "the answer lost after the ACL was made, the list read fails: resumed, found", want: wantACL,
			first: func(_ *testing.T, srv *secondarydnstest.Server, h *hook, _ context.CancelFunc) {
				h.after = lost
				srv.Fail(secondarydnstest.Fault{Kind: "acl", Action: "list", Status: 503})
			},
			firstSent:  []string{"POST /acls " + aclBody, "GET /acls"},
			firstErrIs: []error{secondarydns.ErrServerError},
			resumeSent: []string{"GET /acls"},
			id:         aclID(1),
		},
		{
			name: "made with its name only: resumed, the list finds it, the create's PUT sets the rest", want: wantPeer,
			first: func(_ *testing.T, srv *secondarydnstest.Server, h *hook, _ context.CancelFunc) {
				h.before = reached(`{"name":"p"}`)
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 500})
			},
			firstSent:  []string{`POST /peers {"name":"p"}`, "GET /peers"},
			firstErrIs: []error{secondarydns.ErrServerError},
			resumeSent: []string{"GET /peers", "PUT /peers/" + peerID(1) + " " + peerBody},
			id:         peerID(1),
		},
		{
			name: "503 that made nothing, the list read fails: resumed, the list finds none, one POST", want: wantPeer,
			first: func(_ *testing.T, srv *secondarydnstest.Server, _ *hook, _ context.CancelFunc) {
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: 503})
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 500})
			},
			firstSent:  []string{"POST /peers " + peerBody, "GET /peers"},
			firstErrIs: []error{secondarydns.ErrServerError},
			resumeSent: []string{"GET /peers", "POST /peers " + peerBody},
			id:         peerID(1),
		},
		{
			name: "the context ends after the peer was made, before the list read: resumed, found", want: wantPeer,
			first: func(_ *testing.T, _ *secondarydnstest.Server, h *hook, cancel context.CancelFunc) {
				h.after = func(n int, r *http.Request) error {
					if isPost(r) {
						cancel()
					}
					return lost(n, r)
				}
			},
			firstSent:  []string{"POST /peers " + peerBody},
			firstErrIs: []error{context.Canceled},
			resumeSent: []string{"GET /peers"},
			id:         peerID(1),
		},
		{
			name: "the resend after an empty list may have happened: resumed, found", want: wantPeer,
			first: func(_ *testing.T, srv *secondarydnstest.Server, h *hook, _ context.CancelFunc) {
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: 503})
				posts := 0
				h.before = func(n int, r *http.Request) (*http.Response, error) {
					if isPost(r) {
						if posts++; posts == 2 {
							return reached(peerBody)(n, r)
						}
					}
					return nil, nil
				}
			},
			firstSent:  []string{"POST /peers " + peerBody, "GET /peers", "POST /peers " + peerBody},
			firstErrIs: []error{secondarydns.ErrServerError},
			resumeSent: []string{"GET /peers"},
			id:         peerID(1),
		},
		{
			name: "someone else's peer of that name appeared meanwhile: resumed, stale, no POST", want: wantPeer,
			first: func(_ *testing.T, srv *secondarydnstest.Server, _ *hook, _ context.CancelFunc) {
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "create", Status: 503})
				srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 500})
			},
			firstSent:  []string{"POST /peers " + peerBody, "GET /peers"},
			firstErrIs: []error{secondarydns.ErrServerError},
			between: func(t *testing.T, srv *secondarydnstest.Server) {
				must[*secondarydns.Peer](t)(other(t, srv).Peers.Create(context.Background(), acct, secondarydns.PeerParams{Name: "p", IP: "192.0.2.77"}))
			},
			resumeSent: []string{"GET /peers"},
			resumeErr:  `peer "p": create: the peer changed since it was planned: a peer of that name appeared that is not the one wanted (` + peerID(1) + `)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hook{}
			srv, c := hooked(t, h)
			p, err := c.PlanAccount(context.Background(), acct, tt.want)
			require.NoError(t, err)
			require.Len(t, p.Steps, 1)
			srv.ResetRequests()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.first(t, srv, h, cancel)

			got, err := c.ExecuteAccount(ctx, p)
			assert.Equal(t, tt.firstSent, accountSeen(t, srv), "the first call's requests")
			require.Error(t, err)
			for _, target := range tt.firstErrIs {
				assert.ErrorIs(t, err, target)
			}
			assert.Contains(t, err.Error(), "create: ")
			require.NotNil(t, got)
			assert.Empty(t, got.Done)
			assert.Empty(t, got.Steps[0].ID)
			assert.Empty(t, srv.PendingFaults())

			h.before, h.after = nil, nil
			if tt.between != nil {
				tt.between(t, srv)
			}
			srv.ResetRequests()
			again, err := c.ExecuteAccount(context.Background(), got)
			assert.Equal(t, tt.resumeSent, accountSeen(t, srv), "the resumed call's requests")
			require.NotNil(t, again)
			if tt.id == "" {
				require.ErrorIs(t, err, secondarydns.ErrStale)
				assert.Equal(t, "secondarydns: account "+acct+": "+tt.resumeErr, err.Error())
				assert.Empty(t, again.Done)
				return
			}
			require.NoError(t, err)
			require.Len(t, again.Done, 1)
			assert.Equal(t, tt.id, again.Done[0].ID)
			assert.Equal(t, tt.id, again.Steps[0].ID)
			fresh, err := c.PlanAccount(context.Background(), acct, tt.want)
			require.NoError(t, err, "a duplicate name makes the plan refuse it")
			assert.True(t, fresh.InSync(), "steps: %v", fresh.Steps)
		})
	}
}

// TestExecuteAccountUnsettledCreateKept: the mark outlives a resumed call
// whose settling read fails again and a Split, and goes once the create is
// settled.
func TestExecuteAccountUnsettledCreateKept(t *testing.T) {
	ctx := context.Background()
	h := &hook{}
	srv, c := hooked(t, h)
	want := secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{"p": {IP: "192.0.2.1"}, "gone": {Absent: true}}}
	must[*secondarydns.Peer](t)(c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "gone"}))
	p, err := c.PlanAccount(ctx, acct, want)
	require.NoError(t, err)
	require.Len(t, p.Steps, 2)
	srv.ResetRequests()
	h.after = func(_ int, r *http.Request) error {
		if r.Method == http.MethodPost {
			return errors.New("connection reset after the request was written")
		}
		return nil
	}
	srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 500, Times: 2})
	got, err := c.ExecuteAccount(ctx, p)
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	h.after = nil

	got, err = c.ExecuteAccount(ctx, got)
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Contains(t, err.Error(), `peer "p": create: the create may have happened (an earlier call sent it), and the read to find out failed: `)
	before, after := got.Split()
	require.Len(t, before.Steps, 1)

	srv.ResetRequests()
	done, err := c.ExecuteAccount(ctx, before)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /peers"}, accountSeen(t, srv), "resumed twice, then settled: one create in all")
	assert.Equal(t, peerID(2), done.Done[0].ID)

	srv.ResetRequests()
	_, err = c.ExecuteAccount(ctx, after)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /peers/" + peerID(1), "DELETE /peers/" + peerID(1)}, accountSeen(t, srv), "the after half carries no mark")
	peers := must[[]secondarydns.Peer](t)(c.Peers.List(ctx, acct))
	assert.Equal(t, []secondarydns.Peer{{ID: peerID(2), Name: "p", IP: "192.0.2.1"}}, peers)
}

// TestNilPlans: a nil plan (a zone that could not be planned, a failed
// PlanAccount) answers instead of panicking: not in sync, no peer ID, and
// Split gives two nils.
func TestNilPlans(t *testing.T) {
	var p *secondarydns.Plan
	assert.False(t, p.InSync())
	var ap *secondarydns.AccountPlan
	assert.False(t, ap.InSync())
	id, ok := ap.PeerID("ns1")
	assert.Equal(t, "", id)
	assert.False(t, ok)
	before, after := ap.Split()
	assert.Nil(t, before)
	assert.Nil(t, after)
}
