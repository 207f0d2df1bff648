package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// tsigSecret2 is the TSIG secret the format-2 tests give through
// $NS1_TSIG_SECRET.
const tsigSecret2 = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI="

// fmt2 is a fake holding the account of API.md's format-2 example, and the
// IDs of what it holds.
type fmt2 struct {
	srv         *secondarydnstest.Server
	env         map[string]string
	bindA, old  string // peer IDs
	acctPath    string
	example, en string // zone IDs: example.com (configured), example.net (by ID in the file)
}

// newFmt2 seeds the fake: peers bind-a and old; zones example.com (bind-a,
// Enabled), example.org (no configuration), old.example (old, Enabled;
// the file wants it absent), other.example (not in the file: unmanaged);
// example.net is zoneE, given by ID.
func newFmt2(t *testing.T) *fmt2 {
	t.Helper()
	srv := newFake(t)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID
	bindA, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "bind-a", IP: "2001:db8::53"})
	require.NoError(t, err)
	old, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "old", IP: "192.0.2.1"})
	require.NoError(t, err)
	srv.AddZone(secondarydns.Zone{ID: zoneA, Name: "example.com"})
	srv.AddZone(secondarydns.Zone{ID: zoneB, Name: "example.org"})
	srv.AddZone(secondarydns.Zone{ID: zoneC, Name: "old.example"})
	srv.AddZone(secondarydns.Zone{ID: zoneD, Name: "other.example"})
	srv.AddZone(secondarydns.Zone{ID: zoneE, Name: "example.net"})
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{bindA.ID}, Status: "Enabled"})
	srv.Seed(zoneC, secondarydnstest.Config{Name: "old.example.", Peers: []string{old.ID}, Status: "Enabled"})
	srv.ResetRequests()
	env := fakeEnv(srv)
	env["NS1_TSIG_SECRET"] = tsigSecret2
	return &fmt2{srv: srv, env: env, bindA: bindA.ID, old: old.ID, acctPath: "/accounts/" + acct + "/secondary_dns/", example: zoneA, en: zoneE}
}

func (f *fmt2) run(t *testing.T, args ...string) result {
	t.Helper()
	return invoke(t, invocation{args: args, env: f.env})
}

// exampleFile2 is API.md's worked example, for the fake's account (the
// zone given by ID is zoneE).
var exampleFile2 = `{
  "account": "` + secondarydnstest.DefaultAccountID + `",
  "tsigs": {"ns1-key": {"algo": "hmac-sha256.", "secret_env": "NS1_TSIG_SECRET"}},
  "peers": {
    "ns1":   {"ip": "192.0.2.53", "port": 53, "tsig": "ns1-key"},
    "bind-a": {"ip": "2001:db8::53"},
    "old":   {"absent": true}
  },
  "acls": {"ns1-xfr": {"ip_range": "192.0.2.0/24"}},
  "defaults": {"peers": ["ns1", "bind-a"], "status": "Enabled"},
  "zones": {
    "example.com.": {},
    "example.org.": {"peers": ["ns1"]},
    "` + zoneE + `": {"name": "example.net.", "peers": ["bind-a"]},
    "old.example.": {"absent": true}
  }
}
`

// lookups are the requests a format-2 plan sends before any zone read: the
// zone list's page and the three account lists.
func lookups() []string {
	p := "/accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns/"
	return []string{"GET /zones", "GET " + p + "tsigs", "GET " + p + "peers", "GET " + p + "acls"}
}

// requestList is every request as "METHOD PATH".
func requestList(srv *secondarydnstest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// TestFormat2Plan: the text plan shows the account's steps before the
// zones (by name: the file keys zones by name), +ns1 (new) for the peer being created, one summary line counting
// both and the unmanaged zones; the JSON has "account" and "unmanaged";
// the requests are the lookups and one read per zone, nothing written.
func TestFormat2Plan(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)

	r := f.run(t, "plan", "-f", file, "--exit-code")
	require.Equal(t, exitChanges, r.code, r.stderr)
	assert.Equal(t, `tsig ns1-key
  create   algo hmac-sha256., secret from $NS1_TSIG_SECRET
peer ns1
  create   ip 192.0.2.53, port 53, tsig ns1-key
acl ns1-xfr
  create   ip_range 192.0.2.0/24
peer old
  delete   remove the peer (ip 192.0.2.1)
`+zoneA+` example.com.
  update   peers +ns1 (new)
`+zoneE+` example.net.
  create   name example.net., peers bind-a
  enable   status Disabled (new) → Enabled
`+zoneB+` example.org.
  create   name example.org., peers ns1 (new)
  enable   status Disabled (new) → Enabled
`+zoneC+` old.example.
  disable  status Enabled → Disabled
  delete   remove the configuration (name old.example., peers old)
account: 4 to change (3 create, 1 delete); zones: 4 to change (2 create, 1 update, 2 enable, 1 disable, 1 delete), 0 in sync; 1 unmanaged zone(s) (in the account, not in the file)
`, r.stdout)
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret2)
	got := requestList(f.srv)
	require.Len(t, got, 4+4+2, "lookups, four outgoing reads, two status reads: %v", got)
	assert.Equal(t, lookups(), got[:4])
	assert.ElementsMatch(t, []string{
		"GET /zones/" + zoneA + "/secondary_dns/outgoing", "GET /zones/" + zoneA + "/secondary_dns/outgoing/status",
		"GET /zones/" + zoneB + "/secondary_dns/outgoing", "GET /zones/" + zoneC + "/secondary_dns/outgoing", "GET /zones/" + zoneC + "/secondary_dns/outgoing/status",
		"GET /zones/" + zoneE + "/secondary_dns/outgoing",
	}, got[4:])
	assert.Empty(t, writes(f.srv))

	r = f.run(t, "plan", "-f", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var doc struct {
		Account struct {
			ID     string `json:"id"`
			InSync bool   `json:"in_sync"`
			Steps  []struct {
				Kind, Name, Action, ID string
				Done                   bool
				Error                  *jsonError
			} `json:"steps"`
		} `json:"account"`
		Zones     []map[string]any `json:"zones"`
		Summary   jsonSummary      `json:"summary"`
		Unmanaged []string         `json:"unmanaged"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	assert.Equal(t, secondarydnstest.DefaultAccountID, doc.Account.ID)
	assert.False(t, doc.Account.InSync)
	var steps []string
	for _, st := range doc.Account.Steps {
		steps = append(steps, st.Action+" "+st.Kind+" "+st.Name+" "+st.ID)
		assert.False(t, st.Done)
		assert.Nil(t, st.Error)
	}
	assert.Equal(t, []string{"create tsig ns1-key ", "create peer ns1 ", "create acl ns1-xfr ", "delete peer old " + f.old}, steps)
	assert.Len(t, doc.Zones, 4)
	assert.Equal(t, jsonSummary{Zones: 4, Changed: 4}, doc.Summary)
	assert.Equal(t, []string{"other.example"}, doc.Unmanaged)
	assert.NotContains(t, r.stdout, "new-peer-", "placeholders are shown as the peer's name")
	assert.NotContains(t, r.stdout, tsigSecret2)

	// Without "account" in the file (the account from the environment)
	// and no zone by name: no zone list, no "unmanaged".
	f.srv.ResetRequests()
	noList := writeFile(t, "nolist.json", `{"peers": {"bind-a": {"ip": "2001:db8::53"}}, "zones": {"`+zoneE+`": {"name": "example.net.", "peers": ["bind-a"]}}}`)
	r = invoke(t, invocation{args: []string{"plan", "-f", noList, "-o", "json"}, env: acctEnv(f.env, secondarydnstest.DefaultAccountID)})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "unmanaged")
	assert.Equal(t, append(lookups()[1:], "GET /zones/"+zoneE+"/secondary_dns/outgoing"), requestList(f.srv))
}

// TestFormat2Apply: apply runs the account's steps up to the peer delete,
// then the zones with the new peer's ID, then the peer delete, at the fake
// in exactly that order; a second plan is in sync.
func TestFormat2Apply(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)

	// The delete of peer old, and of old.example's configuration, need
	// --allow-destroy: refused after the lookups and reads, nothing
	// written.
	r := f.run(t, "apply", "-f", file, "--yes")
	require.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "without --allow-destroy; nothing was changed. 2 change(s): peer old (delete), "+zoneC+" old.example. (disable, delete)")
	assert.Empty(t, writes(f.srv))

	f.srv.ResetRequests()
	r = f.run(t, "apply", "-f", file, "--yes", "--allow-destroy", "--concurrency", "1")
	require.Equal(t, exitOK, r.code, r.stderr)
	p := f.acctPath
	var ns1 string
	for _, req := range f.srv.Requests() {
		if req.Method == http.MethodPost && req.Path == p+"peers" {
			var body map[string]any
			require.NoError(t, json.Unmarshal([]byte(req.Body), &body))
			assert.Equal(t, "ns1", body["name"])
		}
	}
	c, err := f.srv.Client()
	require.NoError(t, err)
	peers, err := c.Peers.List(context.Background(), secondarydnstest.DefaultAccountID)
	require.NoError(t, err)
	for _, x := range peers {
		if x.Name == "ns1" {
			ns1 = x.ID
		}
	}
	require.NotEmpty(t, ns1)
	assert.Equal(t, []string{
		"POST " + p + "tsigs", "POST " + p + "peers", "POST " + p + "acls",
		"PUT /zones/" + zoneA + "/secondary_dns/outgoing",
		"POST /zones/" + zoneB + "/secondary_dns/outgoing", "POST /zones/" + zoneB + "/secondary_dns/outgoing/enable",
		"POST /zones/" + zoneC + "/secondary_dns/outgoing/disable", "DELETE /zones/" + zoneC + "/secondary_dns/outgoing",
		"POST /zones/" + zoneE + "/secondary_dns/outgoing", "POST /zones/" + zoneE + "/secondary_dns/outgoing/enable",
		"DELETE " + p + "peers/" + f.old,
	}, writes(f.srv))
	cfg, _ := f.srv.Config(zoneA)
	assert.ElementsMatch(t, []string{ns1, f.bindA}, cfg.Peers, "the zone runs with the new peer's ID")
	cfg, _ = f.srv.Config(zoneB)
	assert.Equal(t, []string{ns1}, cfg.Peers)
	assert.Contains(t, r.stdout, "peer ns1: done: create (id "+ns1+")\n")
	assert.Contains(t, r.stdout, "peer old: done: delete (id "+f.old+")\naccount: 4 done, 0 failed\n")
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret2)

	r = f.run(t, "plan", "-f", file, "--exit-code")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, "account: in sync; zones: 0 to change, 4 in sync; 1 unmanaged zone(s) (in the account, not in the file)\n", r.stdout)
}

// TestFormat2ApplyJSON: apply -o json reports each account step done, with
// the ID a create gave.
func TestFormat2ApplyJSON(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)
	r := f.run(t, "apply", "-f", file, "--yes", "--allow-destroy", "-o", "json", "--quiet")
	require.Equal(t, exitOK, r.code, r.stderr)
	var doc jsonPlan2
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	require.Len(t, doc.Account.Steps, 4)
	for _, st := range doc.Account.Steps {
		assert.True(t, st.Done, st.Name)
		assert.NotEmpty(t, st.ID, st.Name)
		assert.Nil(t, st.Error)
	}
	assert.Equal(t, 4, doc.Summary.Changed)
	assert.Empty(t, r.stderr)
}

// TestFormat2AccountFailure: an account step that fails stops the run
// before any zone is written; the zones are reported not applied.
func TestFormat2AccountFailure(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)
	f.srv.Fail(secondarydnstest.Fault{Method: http.MethodPost, Path: f.acctPath + "acls", Status: 400})
	r := f.run(t, "apply", "-f", file, "--yes", "--allow-destroy")
	require.Equal(t, exitFailed, r.code, r.stderr)
	p := f.acctPath
	assert.Equal(t, []string{"POST " + p + "tsigs", "POST " + p + "peers", "POST " + p + "acls"}, writes(f.srv))
	assert.Contains(t, r.stdout, "acl ns1-xfr: failed: create: ")
	assert.Contains(t, r.stdout, "peer old: not run: delete (an earlier account step failed)\naccount: 2 done, 2 failed\n")
	assert.Contains(t, r.stdout, "0 changed, 4 failed")
}

// TestFormat2Errors: each bad file is exit 2 with the line and the field;
// those the decoder finds send nothing, those that need the account's
// lists send only the lookups, never a zone read or a write.
func TestFormat2Errors(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	wrap := func(body string) string { return `{"account": "` + acct + `",` + body + `}` }
	zones := `"zones": {"example.com.": {"peers": ["bind-a"]}}`
	cases := []struct {
		name, file, want string
		lookups          bool // the error comes after the lookups
		env              map[string]string
		args             []string
	}{
		{name: "top-level typo", file: wrap(`"peer": {}, ` + zones), want: `zones.json:1: peer: unknown field (want "account", "tsigs", "peers", "acls", "defaults" or "zones"); did you mean "peers"?`},
		{name: "tsig typo", file: wrap("\n" + `"tsigs": {"k.example.": {"algo": "hmac-sha256.", "secret": "x"}}, ` + zones), want: `zones.json:2: tsigs["k.example."].secret: unknown field (want "algo", "secret_env" or "absent"); did you mean "secret_env"?`},
		{name: "peer typo", file: wrap(`"peers": {"ns1": {"ixfr": true}}, ` + zones), want: `zones.json:1: peers["ns1"].ixfr: unknown field (want "ip", "port", "ixfr_enable", "tsig" or "absent"); did you mean "ixfr_enable"?`},
		{name: "acl typo", file: wrap(`"acls": {"a": {"iprange": "192.0.2.0/24"}}, ` + zones), want: `zones.json:1: acls["a"].iprange: unknown field (want "ip_range" or "absent"); did you mean "ip_range"?`},
		{name: "defaults typo", file: wrap(`"defaults": {"peer": ["ns1"]}, ` + zones), want: `zones.json:1: defaults.peer: unknown field (want "peers" or "status"); did you mean "peers"?`},
		{name: "zone typo", file: wrap(`"zones": {"example.com.": {"peer": ["ns1"]}}`), want: `zones.json:1: zones["example.com."].peer: unknown field (want "name", "peers", "status" or "absent"); did you mean "peers"?`},
		{name: "duplicate peer", file: wrap("\n" + `"peers": {"ns1": {},` + "\n" + `"ns1": {}}, ` + zones), want: `zones.json:3: peers["ns1"]: duplicate peer (first on line 2)`},
		{name: "name differs from key", file: wrap(`"zones": {"example.com.": {"name": "example.org.", "peers": []}}`), want: `zones.json:1: zones["example.com."].name: "example.org." differs from the zone's key "example.com."`},
		{name: "zone twice by name", file: wrap(`"zones": {"example.com.": {"peers": []},` + "\n" + `"` + zoneB + `": {"name": "EXAMPLE.com", "peers": []}}`), want: `zones.json:2: zones["` + zoneB + `"]: the same zone as zones["example.com."] (line 1)`},
		{name: "zone names an absent peer", file: wrap(`"peers": {"old": {"absent": true}}, "zones": {"example.com.": {"peers": ["old"]}}`), want: `zones.json:1: zones["example.com."].peers[0]: names peer "old", which "peers" marks absent`},
		{name: "zone without peers or defaults", file: wrap(`"zones": {"example.com.": {}}`), want: `zones.json:1: zones["example.com."]: missing field "peers", and "defaults" has none`},
		{name: "zone by ID without name", file: wrap(`"zones": {"` + zoneA + `": {"peers": []}}`), want: `zones.json:1: zones["` + zoneA + `"]: missing field "name"`},
		{name: "bad algo", file: wrap(`"tsigs": {"k.example.": {"algo": "sha256", "secret_env": "NS1_TSIG_SECRET"}}, ` + zones), want: `zones.json:1: tsigs["k.example."]: TSIG algorithm "sha256" is not one the API knows; did you mean hmac-sha256.?`},
		{name: "bad ip_range", file: wrap(`"acls": {"a": {"ip_range": "192.0.2.5/24"}}, ` + zones), want: `zones.json:1: acls["a"]: `},
		{name: "bad port", file: wrap(`"peers": {"ns1": {"port": 70000}}, ` + zones), want: `zones.json:1: peers["ns1"].port: 70000 is not a port`},
		{name: "absent tsig with algo", file: wrap(`"tsigs": {"k.example.": {"algo": "hmac-sha256.", "absent": true}}, ` + zones), want: `zones.json:1: tsigs["k.example."]: "absent": true goes alone`},
		{name: "bad secret_env name", file: wrap(`"tsigs": {"k.example.": {"algo": "hmac-sha256.", "secret_env": "c2VjcmV0+/=="}}, ` + zones), want: `zones.json:1: tsigs["k.example."].secret_env: not an environment variable's name`},
		{name: "bad account", file: `{"account": "not an id", ` + zones + `}`, want: `zones.json:1: account: `},
		{name: "secret_env unset", file: wrap(`"tsigs": {"k.example.": {"algo": "hmac-sha256.", "secret_env": "UNSET_SECRET"}}, ` + zones), want: `zones.json:1: tsigs["k.example."].secret_env: $UNSET_SECRET is not set or is empty`},
		{name: "secret_env not base64", file: wrap(`"tsigs": {"k.example.": {"algo": "hmac-sha256.", "secret_env": "BAD_SECRET"}}, ` + zones), env: map[string]string{"BAD_SECRET": "not*base64"}, want: `zones.json:1: tsigs["k.example."].secret_env: $BAD_SECRET: TSIG secret has a byte that is not base64`},
		{name: "--account differs", file: wrap(zones), args: []string{"--account", "0123456789abcdef0123456789abcdef"}, want: `--account 0123456789abcdef0123456789abcdef differs from the file's "account"`},
		{name: "no account", file: `{"peers": {}, "zones": {}}`, want: `the file's peers, TSIGs, ACLs and peer names belong to an account, and none is given`},

		{name: "unknown zone name", file: wrap("\n" + `"zones": {"nope.example.": {"peers": []}}`), lookups: true, want: `zones.json:2: zones["nope.example."]: account ` + acct + ` has no zone named "nope.example."`},
		{name: "unknown peer", file: wrap(`"zones": {"example.com.": {"peers": ["bind-b"]}}`), lookups: true, want: `zones.json:1: zones["example.com."].peers[0]: "bind-b" is neither a peer in "peers" nor a peer of account ` + acct + ` (by name or ID); did you mean "bind-a"?`},
		{name: "unknown default peer", file: wrap(`"defaults": {"peers": ["x"]}, "zones": {"example.com.": {}}`), lookups: true, want: `zones.json:1: defaults.peers[0]: "x" is neither a peer`},
		{name: "ambiguous peer", file: wrap(`"zones": {"example.com.": {"peers": ["twin"]}}`), lookups: true, want: `zones.json:1: zones["example.com."].peers[0]: peer name "twin" is ambiguous: the account has 2 peers of that name`},
		{name: "declared peer ambiguous", file: wrap("\n" + `"peers": {"twin": {"ip": "192.0.2.9"}}, "zones": {"example.com.": {"peers": ["twin"]}}`), lookups: true, want: `zones.json:2: peers["twin"]: name "twin" is ambiguous: the account has 2 of that name (`},
		{name: "zone by name and by ID", file: wrap(`"zones": {"example.com.": {"peers": []},` + "\n" + `"` + zoneA + `": {"name": "alias.example.", "peers": []}}`), lookups: true, want: `zones.json:2: zones["` + zoneA + `"]: the same zone (` + zoneA + `) as zones["example.com."] on line 1`},
		{name: "peer TSIG unknown", file: wrap(`"peers": {"ns1": {"tsig": "nokey.example."}}, ` + zones), lookups: true, want: `zones.json:1: peers["ns1"]: TSIG "nokey.example." is neither in the desired state nor in the account`},
		{name: "TSIG to create without a secret", file: wrap(`"tsigs": {"k.example.": {"algo": "hmac-sha256."}}, ` + zones), lookups: true, want: `zones.json:1: tsigs["k.example."]: does not exist: give it "secret_env" to create it`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFmt2(t)
			c, err := f.srv.Client()
			require.NoError(t, err)
			for range 2 {
				_, err := c.Peers.Create(context.Background(), acct, secondarydns.PeerParams{Name: "twin"})
				require.NoError(t, err)
			}
			f.srv.ResetRequests()
			for k, v := range tc.env {
				f.env[k] = v
			}
			path := writeFile(t, "zones.json", tc.file)
			want := strings.ReplaceAll(tc.want, "zones.json", path)
			for _, cmd := range [][]string{{"plan", "-f", path}, {"apply", "-f", path, "--yes", "--allow-destroy"}} {
				f.srv.ResetRequests()
				r := f.run(t, append(cmd, tc.args...)...)
				assert.Equal(t, exitUsage, r.code, "%v: %s", cmd, r.stderr)
				assert.Contains(t, r.stderr, want)
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %s", r.stderr)
				assert.Empty(t, r.stdout)
				if tc.lookups {
					assert.Equal(t, lookups(), requestList(f.srv), "only the lookups")
				} else {
					assert.Empty(t, f.srv.Requests(), "nothing sent")
				}
			}
		})
	}
}

// TestFormat2SavedPlan: a saved plan of a format-2 file holds the account's
// steps and reads and never a secret (its SHA-256 instead); apply --plan
// refuses it, before any request, when the secret's variable is unset or
// holds another secret, and (after the three lists, nothing written) when
// an account object changed; otherwise it runs exactly the saved steps.
func TestFormat2SavedPlan(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)
	out := filepath.Join(t.TempDir(), "plan.json")
	r := f.run(t, "plan", "-f", file, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	saved := string(data)
	assert.NotContains(t, saved, tsigSecret2, "no secret in a saved plan")
	assert.NotContains(t, saved, `"secret"`)
	assert.Contains(t, saved, `"version": 2`)
	assert.Contains(t, saved, `"secret_env": "NS1_TSIG_SECRET"`)
	assert.Contains(t, saved, `"secret_sha256": "`+secretSum(tsigSecret2)+`"`)
	assert.Contains(t, saved, `"steps": [`)
	m := regexp.MustCompile(`SHA-256 ([0-9a-f]{64})`).FindStringSubmatch(r.stderr)
	require.NotNil(t, m, r.stderr)
	sum := m[1]

	// The secret's variable changed, or is unset: exit 2, nothing sent.
	for _, secret := range []string{"b3RoZXJzZWNyZXRvdGhlcnNlY3JldG90aGVyc2VjcmV0", ""} {
		f.srv.ResetRequests()
		env := acctEnv(f.env, "")
		env["NS1_TSIG_SECRET"] = secret
		r = invoke(t, invocation{args: []string{"apply", "--plan", out, "--yes", "--allow-destroy"}, env: env})
		assert.Equal(t, exitUsage, r.code, r.stderr)
		if secret == "" {
			assert.Contains(t, r.stderr, "$NS1_TSIG_SECRET is not set or is empty")
		} else {
			assert.Contains(t, r.stderr, "$NS1_TSIG_SECRET no longer holds the secret the plan was made with")
			assert.NotContains(t, r.stderr, secret)
		}
		assert.Empty(t, f.srv.Requests())
	}

	// Peer deletes need --allow-destroy, before any request.
	r = f.run(t, "apply", "--plan", out, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "peer old (delete)")
	assert.Empty(t, f.srv.Requests())

	// An account object changed since the plan: see
	// TestFormat2SavedPlanStale (per object, the rest runs).

	// Edited steps are refused (exit 2), after the three lists only.
	edited := strings.Replace(saved, `"action": "delete"`, `"action": "update"`, 1)
	ep := writeFile(t, "edited.json", edited)
	f.srv.ResetRequests()
	r = f.run(t, "apply", "--plan", ep, "--yes", "--allow-destroy")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "the account's steps [create tsig ns1-key, create peer ns1, create acl ns1-xfr, update peer old] are not what")
	assert.Equal(t, lookups()[1:], requestList(f.srv))

	// Every step taken out: the same refusal, the empty list said as one.
	emptied := regexp.MustCompile(`(?s)"steps": \[.*?\]`).ReplaceAllString(saved, `"steps": []`)
	require.NotEqual(t, saved, emptied)
	f.srv.ResetRequests()
	r = f.run(t, "apply", "--plan", writeFile(t, "emptied.json", emptied), "--yes", "--allow-destroy")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "the account's steps [] are not what its \"want\" and \"read\" give ([create tsig ns1-key, create peer ns1, create acl ns1-xfr, delete peer old]): the file was edited")
	assert.Equal(t, lookups()[1:], requestList(f.srv))

	f.srv.ResetRequests()
	r = f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy", "--checksum", sum, "--concurrency", "1")
	require.Equal(t, exitOK, r.code, r.stderr)
	p := f.acctPath
	w := writes(f.srv)
	require.Len(t, w, 11, "%v", w)
	assert.Equal(t, []string{"POST " + p + "tsigs", "POST " + p + "peers", "POST " + p + "acls"}, w[:3])
	assert.Equal(t, "DELETE "+p+"peers/"+f.old, w[10])
	r = f.run(t, "plan", "-f", file, "--exit-code")
	assert.Equal(t, exitOK, r.code, r.stdout)

}

// TestFormat2SavedPlanStrict: the saved-plan reader's rules apply to the
// new keys: a duplicate or wrongly cased key is exit 2, nothing sent.
func TestFormat2SavedPlanStrict(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)
	out := filepath.Join(t.TempDir(), "plan.json")
	r := f.run(t, "plan", "-f", file, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	for name, tc := range map[string]struct{ from, to, want string }{
		"wrong case":      {`"secret_sha256"`, `"Secret_SHA256"`, `account.want.tsigs[0].Secret_SHA256: field in the wrong case; want "secret_sha256"`},
		"duplicate key":   {`"account_id": "`, `"account_id": "x", "account_id": "`, `account.account_id: duplicate field`},
		"unknown key":     {`"secret_env"`, `"secret"`, `unknown field (want "name", "algo", "secret_env", "secret_sha256" or "absent")`},
		"bad sha":         {`"secret_sha256": "`, `"secret_sha256": "zz`, `secret_sha256 is not a SHA-256 in hex`},
		"unknown kind":    {`"kind": "acl"`, `"kind": "zone"`, `unknown kind "zone"`},
		"v1 with account": {`"version": 2`, `"version": 1`, `a version-1 plan has no "account"`},
	} {
		t.Run(name, func(t *testing.T) {
			f.srv.ResetRequests()
			p := writeFile(t, "plan.json", strings.Replace(string(data), tc.from, tc.to, 1))
			r := f.run(t, "apply", "--plan", p, "--yes", "--allow-destroy")
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, f.srv.Requests())
		})
	}
}

// TestFormat2Cost: plan of a format-2 file naming N zones by name sends
// ceil(N/50) zone-list pages, the three account lists and one read per
// zone (no status read: no zone has a configuration), nothing else.
func TestFormat2Cost(t *testing.T) {
	const n = 120
	srv := newFake(t)
	var b strings.Builder
	b.WriteString(`{"account": "` + secondarydnstest.DefaultAccountID + `", "peers": {"ns1": {"ip": "192.0.2.53"}}, "defaults": {"peers": ["ns1"], "status": "Enabled"}, "zones": {`)
	for i := range n {
		name := fmt.Sprintf("z%03d.example", i)
		srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(100 + i), Name: name})
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + name + `.": {}`)
	}
	b.WriteString("}}")
	file := writeFile(t, "zones.json", b.String())
	r := cli(t, srv, "plan", "-f", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	counts := map[string]int{}
	for _, req := range srv.Requests() {
		switch {
		case req.Path == "/zones":
			counts["list"]++
		case strings.HasPrefix(req.Path, "/accounts/"):
			counts["account"]++
		case strings.HasSuffix(req.Path, "/outgoing"):
			counts["zone"]++
		default:
			counts["other"]++
		}
	}
	assert.Equal(t, map[string]int{"list": (n + 49) / 50, "account": 3, "zone": n}, counts)
	assert.Contains(t, r.stdout, "zones: 120 to change (120 create, 120 enable), 0 in sync; 0 unmanaged zone(s)")
}

// TestFormat1Unchanged: a format-1 file is not format 2: no account is
// needed, nothing but the zones is read.
func TestFormat1Unchanged(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	r := cli(t, srv, "plan", "-f", writeFile(t, "zones.json", fleetFile))
	require.Equal(t, exitOK, r.code, r.stderr)
	for _, req := range srv.Requests() {
		assert.True(t, strings.HasPrefix(req.Path, "/zones/"), req.Path)
	}
	assert.NotContains(t, r.stdout, "account:")
}

// TestFormat2READMEError: the README's example of an unknown peer entry is
// what the command says for it.
func TestFormat2READMEError(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", strings.Replace(exampleFile2, `"example.org.": {"peers": ["ns1"]}`, `"example.org.": {"peers": ["ns2"]}`, 1))
	r := f.run(t, "plan", "-f", file)
	require.Equal(t, exitUsage, r.code, r.stderr)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), strings.ReplaceAll(r.stderr, file, "zones.json"))
	assert.Equal(t, lookups(), requestList(f.srv))
}

// TestFormat2Confirm: on a terminal, apply asks about the account's steps
// and the zones; anything but "yes" changes nothing.
func TestFormat2Confirm(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)
	r := invoke(t, invocation{args: []string{"apply", "-f", file, "--allow-destroy"}, env: f.env, stdin: "no\n", stdinTTY: true})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Apply these changes to the account (4 step(s)) and to 4 zone(s)? Only 'yes' is accepted: ")
	assert.Contains(t, r.stderr, "not confirmed: nothing was changed")
	assert.Empty(t, writes(f.srv))

	r = invoke(t, invocation{args: []string{"apply", "-f", file, "--allow-destroy"}, env: f.env})
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "pass --yes")
	assert.Empty(t, writes(f.srv))
}

// TestFormat2TopTypo: a format-1 file with a near miss of a format-2 key
// is told so.
func TestFormat2TopTypo(t *testing.T) {
	r := invoke(t, invocation{args: []string{"plan", "-f", "-"}, stdin: `{"zones": {}, "tsig": {}}`})
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, `secondarydns plan: <stdin>:1: unknown field "tsig"; did you mean "tsigs"? (a file's fields are "zones" and, in format 2, "account", "tsigs", "peers", "acls" or "defaults")`+"\n", r.stderr)
}

// TestFormat2RemoveEveryPeer: a format-2 zone that would lose every peer
// while enabled needs --allow-destroy, like any other.
func TestFormat2RemoveEveryPeer(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", `{"account": "`+secondarydnstest.DefaultAccountID+`", "zones": {"example.com.": {"peers": []}}}`)
	r := f.run(t, "apply", "-f", file, "--yes")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, zoneA+" example.com. (update: removes every peer)")
	assert.Empty(t, writes(f.srv))
	r = f.run(t, "apply", "-f", file, "--yes", "--allow-destroy")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"PUT /zones/" + zoneA + "/secondary_dns/outgoing"}, writes(f.srv))
}

// TestFormat2Keys: ixfr_enable and port update a peer, an absent TSIG and
// ACL are deleted (the ACL before the zones, the TSIG after), a changed
// secret updates its TSIG; the plan says each, the fake gets each.
func TestFormat2Keys(t *testing.T) {
	f := newFmt2(t)
	c, err := f.srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID
	oldKey, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "old-key.", Algo: "hmac-sha256.", Secret: tsigSecret2})
	require.NoError(t, err)
	key, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "key.", Algo: "hmac-sha256.", Secret: "b3RoZXJzZWNyZXRvdGhlcnNlY3JldG90aGVyc2VjcmV0"})
	require.NoError(t, err)
	acl, err := c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "old-acl", IPRange: "198.51.100.0/24"})
	require.NoError(t, err)
	f.srv.ResetRequests()
	file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "tsigs": {"old-key.": {"absent": true}, "key.": {"algo": "HMAC-SHA256", "secret_env": "NS1_TSIG_SECRET"}},
  "peers": {"bind-a": {"ip": "2001:DB8::53", "port": 5353, "ixfr_enable": true}},
  "acls": {"old-acl": {"absent": true}},
  "zones": {}}`)
	r := f.run(t, "plan", "-f", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, `tsig key.
  update   secret from $NS1_TSIG_SECRET
peer bind-a
  update   port (none) → 5353; ixfr no → yes
acl old-acl
  delete   remove the ACL (ip_range 198.51.100.0/24)
tsig old-key.
  delete   remove the TSIG (algo hmac-sha256.)
account: 4 to change (2 update, 2 delete); zones: 0 to change, 0 in sync; 5 unmanaged zone(s) (in the account, not in the file)
`, r.stdout)

	r = f.run(t, "apply", "-f", file, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "2 change(s): acl old-acl (delete), tsig old-key. (delete)")
	r = f.run(t, "apply", "-f", file, "--yes", "--allow-destroy")
	require.Equal(t, exitOK, r.code, r.stderr)
	p := f.acctPath
	assert.Equal(t, []string{"PUT " + p + "tsigs/" + key.ID, "PUT " + p + "peers/" + f.bindA, "DELETE " + p + "acls/" + acl.ID, "DELETE " + p + "tsigs/" + oldKey.ID}, writes(f.srv))
	for _, req := range f.srv.Requests() {
		if req.Method == http.MethodPut && strings.Contains(req.Path, "/peers/") {
			assert.JSONEq(t, `{"name": "bind-a", "ip": "2001:DB8::53", "port": 5353, "ixfr_enable": true}`, req.Body)
		}
	}
	got, err := c.TSIGs.Get(ctx, acct, key.ID)
	require.NoError(t, err)
	assert.Equal(t, tsigSecret2, got.Secret, "the secret from the environment was sent")
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret2)
	r = f.run(t, "plan", "-f", file, "--exit-code")
	assert.Equal(t, exitOK, r.code, r.stdout)
}
