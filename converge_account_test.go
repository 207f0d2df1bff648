package secondarydns_test

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
// the path after the account's /secondary_dns (e.g. "PUT /peers/<id>").
func accountSeen(t testing.TB, srv *secondarydnstest.Server) []string {
	t.Helper()
	var out []string
	prefix := "/accounts/" + acct + "/secondary_dns"
	for _, r := range srv.Requests() {
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
			`peer "p": secondarydns: invalid input: TSIG name "k.example." is ambiguous: the account has 2 of that name (` + tsigID(1) + ` and ` + tsigID(2) + `)`},
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
