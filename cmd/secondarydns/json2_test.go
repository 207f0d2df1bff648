package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestFormat2JSONPeerNames: in a format-2 document a zone's
// changes.peers keeps the IDs in "add" and "remove" (a peer still to
// create: "", never a display string) and names each in "add_names" and
// "remove_names", in the same order; once apply created the peer, its ID.
// (Format 1's document has no names: TestJSONChanges.)
func TestFormat2JSONPeerNames(t *testing.T) {
	f := newFmt2(t)
	file := writeFile(t, "zones.json", exampleFile2)
	r := f.run(t, "plan", "-f", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "(new)")
	created := `"name":{"from":"","to":"%s"},"peers":{"add":[%s],"add_names":[%s]},"status":{"from":"","to":"Enabled"}`
	want := map[string][2]string{
		zoneA: {"example.com.", `{"peers":{"add":[""],"add_names":["ns1"]}}`},
		zoneE: {"example.net.", "{" + fmt.Sprintf(created, "example.net.", `"`+f.bindA+`"`, `"bind-a"`) + "}"},
		zoneB: {"example.org.", "{" + fmt.Sprintf(created, "example.org.", `""`, `"ns1"`) + "}"},
		zoneC: {"old.example.", `{"name":{"from":"old.example.","to":""},"peers":{"remove":["` + f.old + `"],"remove_names":["old"]},"status":{"from":"Enabled","to":""}}`},
	}
	assert.Equal(t, want, zoneChanges(t, r.stdout))

	r = f.run(t, "apply", "-f", file, "--yes", "--allow-destroy", "-o", "json", "--quiet")
	require.Equal(t, exitOK, r.code, r.stderr)
	ns1, ok := peerNamed(t, f.srv, "ns1")
	require.True(t, ok)
	want[zoneA] = [2]string{"example.com.", `{"peers":{"add":["` + ns1 + `"],"add_names":["ns1"]}}`}
	want[zoneB] = [2]string{"example.org.", "{" + fmt.Sprintf(created, "example.org.", `"`+ns1+`"`, `"ns1"`) + "}"}
	assert.Equal(t, want, zoneChanges(t, r.stdout), "apply: the new peer's ID")
}

// peerNamed is the ID of the fake account's peer of that name.
func peerNamed(t *testing.T, srv *secondarydnstest.Server, name string) (string, bool) {
	t.Helper()
	peers, err := sdkClient(t, srv).Peers.List(context.Background(), secondarydnstest.DefaultAccountID)
	require.NoError(t, err)
	for _, p := range peers {
		if p.Name == name {
			return p.ID, true
		}
	}
	return "", false
}

// TestFormat2StepChanges: each account step of plan and apply under -o
// json has "changes", as a zone has: for an update only the fields that
// differ, from and to (ns3's IP 198.51.100.99 → 198.51.100.54, its port,
// ixfr_enable and TSIG by name; a TSIG's algo, and its secret as
// "[redacted]", never the value); a create "to" only; a delete "from"
// only. The text plan says the same.
func TestFormat2StepChanges(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	ctx := context.Background()
	oldSecret := base64.StdEncoding.EncodeToString([]byte("the old secret of ns1-key, 32 b."))
	// setup seeds a fake with the objects the file changes; it returns
	// ns3's and ACL x's IDs.
	setup := func() (*fmt2, string, string) {
		f := newFmt2(t)
		sdk := sdkClient(t, f.srv)
		_, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "ns1-key", Algo: "hmac-sha512.", Secret: oldSecret})
		require.NoError(t, err)
		_, err = sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "gone", Algo: "hmac-sha256.", Secret: oldSecret})
		require.NoError(t, err)
		ns3, err := sdk.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns3", IP: "198.51.100.99", Port: 53})
		require.NoError(t, err)
		x, err := sdk.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "x", IPRange: "198.51.100.0/24"})
		require.NoError(t, err)
		return f, ns3.ID, x.ID
	}
	f, ns3, x := setup()
	sdk := sdkClient(t, f.srv)
	file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "tsigs": {"ns1-key": {"algo": "hmac-sha256.", "secret_env": "NS1_TSIG_SECRET"}, "gone": {"absent": true}},
  "peers": {"ns3": {"ip": "198.51.100.54", "port": 5353, "ixfr_enable": true, "tsig": "ns1-key"},
            "ns4": {"ip": "192.0.2.4"}, "old": {"absent": true}},
  "acls": {"x": {"ip_range": "198.51.101.0/24"}, "y": {"ip_range": "192.0.2.0/24"}},
  "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`)

	want := []string{
		`update tsig ns1-key {"algo":{"from":"hmac-sha512.","to":"hmac-sha256."},"secret":{"from":"[redacted]","to":"[redacted]"}}`,
		`update peer ns3 {"ip":{"from":"198.51.100.99","to":"198.51.100.54"},"ixfr_enable":{"from":false,"to":true},"port":{"from":53,"to":5353},"tsig":{"from":"","to":"ns1-key"}}`,
		`create peer ns4 {"ip":{"to":"192.0.2.4"}}`,
		`update acl x {"ip_range":{"from":"198.51.100.0/24","to":"198.51.101.0/24"}}`,
		`create acl y {"ip_range":{"to":"192.0.2.0/24"}}`,
		`delete peer old {"ip":{"from":"192.0.2.1"}}`,
		`delete tsig gone {"algo":{"from":"hmac-sha256."}}`,
	}
	steps := func(stdout string) []string {
		t.Helper()
		var doc struct {
			Account struct {
				Steps []struct {
					Kind, Name, Action string
					Changes            json.RawMessage `json:"changes"`
				} `json:"steps"`
			} `json:"account"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
		var out []string
		for _, st := range doc.Account.Steps {
			var buf bytes.Buffer
			require.NoError(t, json.Compact(&buf, st.Changes))
			out = append(out, st.Action+" "+st.Kind+" "+st.Name+" "+buf.String())
		}
		return out
	}
	text := `tsig ns1-key
  update   algo hmac-sha512. → hmac-sha256.; secret from $NS1_TSIG_SECRET
peer ns3
  update   ip 198.51.100.99 → 198.51.100.54; port 53 → 5353; ixfr no → yes; tsig (none) → ns1-key
peer ns4
  create   ip 192.0.2.4
acl x
  update   ip_range 198.51.100.0/24 → 198.51.101.0/24
acl y
  create   ip_range 192.0.2.0/24
peer old
  delete   remove the peer (ip 192.0.2.1)
tsig gone
  delete   remove the TSIG (algo hmac-sha256.)
account: 7 to change (2 create, 3 update, 2 delete); zones: 0 to change, 1 in sync`

	r := f.run(t, "plan", "-f", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, text+"; 4 unmanaged zone(s) (in the account, not in the file)\n", r.stdout)
	r = f.run(t, "plan", "-f", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want, steps(r.stdout))
	assert.NotContains(t, r.stdout, oldSecret)
	assert.NotContains(t, r.stdout, tsigSecret2)

	// A saved plan, applied: the same changes, each step done.
	out := filepath.Join(t.TempDir(), "plan.json")
	r = f.run(t, "plan", "-f", file, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	r = f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want, steps(r.stdout))
	assert.Contains(t, r.stderr, text+"\n", "the plan shown")
	assert.NotContains(t, r.stdout+r.stderr, oldSecret)
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret2)
	got, err := sdk.Peers.Get(ctx, acct, ns3)
	require.NoError(t, err)
	assert.Equal(t, "198.51.100.54", got.IP)
	gotACL, err := sdk.ACLs.Get(ctx, acct, x)
	require.NoError(t, err)
	assert.Equal(t, "198.51.101.0/24", gotACL.IPRange)

	// apply -f: the same.
	f, _, _ = setup()
	r = f.run(t, "apply", "-f", file, "--yes", "--allow-destroy", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want, steps(r.stdout))
	assert.Contains(t, r.stderr, text+"; 4 unmanaged zone(s) (in the account, not in the file)\n", "the plan shown")
	assert.NotContains(t, r.stdout+r.stderr, oldSecret)
	assert.NotContains(t, r.stdout+r.stderr, tsigSecret2)
}
