package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestTSIGDeleteInUse: tsigs delete lists the account's peers first (one
// request) and names those that use the key: in the question on a
// terminal, on stderr under --yes. Without a terminal and --yes it still
// refuses before sending anything.
func TestTSIGDeleteInUse(t *testing.T) {
	srv, env := objFake(t)
	ctx := t.Context()
	c := sdkClient(t, srv)
	acct := secondarydnstest.DefaultAccountID
	key, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k.example.", Algo: secondarydns.TSIGHMACSHA256, Secret: tsigSecret})
	require.NoError(t, err)
	ns1, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns1", IP: "192.0.2.53", TSIGID: key.ID})
	require.NoError(t, err)
	_, err = c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns2", IP: "192.0.2.54"})
	require.NoError(t, err)
	peers, tsig := accountPath("peers"), accountPath("tsigs")+"/"+key.ID
	question := "Delete TSIG key " + key.ID + " of account " + acct + "? Only 'yes' is accepted: "
	warning := "peer ns1 (" + ns1.ID + ") uses this key; its transfers will fail"

	// On a terminal: the warning, then the question; declined, only the
	// peers list was sent.
	n := len(srv.Requests())
	r := invoke(t, invocation{args: []string{"tsigs", "delete", key.ID}, env: env, stdin: "no\n", stdinTTY: true})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Equal(t, warning+".\n"+question+"secondarydns tsigs delete: not confirmed: nothing was deleted\n", r.stderr)
	assert.Equal(t, []sent{{http.MethodGet, peers, ""}}, sentSince(srv, n))

	// Without a terminal and --yes: refused, nothing sent.
	n = len(srv.Requests())
	r = invoke(t, invocation{args: []string{"tsigs", "delete", key.ID}, env: env})
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Equal(t, "secondarydns tsigs delete: standard input is not a terminal: pass --yes to delete without confirmation; nothing was sent\n", r.stderr)
	assert.Empty(t, sentSince(srv, n))

	// The list fails: exit 1, nothing deleted.
	srv.Fail(secondarydnstest.Fault{Method: http.MethodGet, Path: peers, Status: http.StatusForbidden})
	n = len(srv.Requests())
	r = invoke(t, invocation{args: []string{"tsigs", "delete", key.ID, "--yes"}, env: env})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stderr, "secondarydns tsigs delete: checking what uses the TSIG key first: ")
	assert.Contains(t, r.stderr, "; nothing was deleted\n")
	assert.Empty(t, r.stdout)
	assert.Equal(t, []sent{{http.MethodGet, peers, ""}}, sentSince(srv, n))
	assert.Empty(t, srv.PendingFaults())

	// --yes: the warning on stderr (under --quiet and -o json too), and the
	// delete.
	n = len(srv.Requests())
	r = invoke(t, invocation{args: []string{"tsigs", "delete", key.ID, "--yes", "--quiet", "-o", "json"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "secondarydns tsigs delete: warning: "+warning+"\n", r.stderr)
	assert.JSONEq(t, `{"id": "`+key.ID+`"}`, r.stdout)
	assert.Equal(t, []sent{{http.MethodGet, peers, ""}, {http.MethodDelete, tsig, ""}}, sentSince(srv, n))

	// A key no peer uses: the plain question, then the delete.
	other, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k2.example.", Algo: secondarydns.TSIGHMACSHA256, Secret: tsigSecret})
	require.NoError(t, err)
	n = len(srv.Requests())
	r = invoke(t, invocation{args: []string{"tsigs", "delete", other.ID}, env: env, stdin: "yes\n", stdinTTY: true})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "Delete TSIG key "+other.ID+" of account "+acct+"? Only 'yes' is accepted: ", r.stderr)
	assert.Equal(t, "TSIG key "+other.ID+" deleted\n", r.stdout)
	assert.Equal(t, []sent{{http.MethodGet, peers, ""}, {http.MethodDelete, accountPath("tsigs") + "/" + other.ID, ""}}, sentSince(srv, n))
}

// TestTSIGUsersNamesAFew: several peers using the key are named, up to
// five, the rest counted.
func TestTSIGUsersNamesAFew(t *testing.T) {
	srv, _ := objFake(t)
	ctx := t.Context()
	c := sdkClient(t, srv)
	acct := secondarydnstest.DefaultAccountID
	key, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k.example.", Algo: secondarydns.TSIGHMACSHA256, Secret: tsigSecret})
	require.NoError(t, err)
	var named []string
	for i := range 7 {
		p, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: fmt.Sprintf("ns%d", i), TSIGID: key.ID})
		require.NoError(t, err)
		named = append(named, fmt.Sprintf("ns%d (%s)", i, p.ID))
		got, err := tsigUsers(ctx, c, acct, key.ID)
		require.NoError(t, err)
		switch {
		case i == 1:
			assert.Equal(t, "peers "+named[0]+" and "+named[1]+" use this key; their transfers will fail", got)
		case i == 6:
			assert.Equal(t, "peers "+strings.Join(named[:5], ", ")+" and 2 more use this key; their transfers will fail", got)
		}
	}
}

// TestFormat2TSIGDeleteInUse: a format-2 plan that deletes a TSIG key a
// peer outside the file still uses warns under the step, in text and in
// JSON (from the peers list the plan read: no extra request); a key only
// the file's own peers used, and which they drop, gets no warning.
func TestFormat2TSIGDeleteInUse(t *testing.T) {
	f := newFmt2(t)
	c := sdkClient(t, f.srv)
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID
	key, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "lab-key.", Algo: "hmac-sha256.", Secret: tsigSecret})
	require.NoError(t, err)
	lab, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "lab", IP: "192.0.2.77", TSIGID: key.ID})
	require.NoError(t, err)
	file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "tsigs": {"lab-key.": {"absent": true}},
  "zones": {"example.com.": {"peers": ["bind-a"]}}}`)
	f.srv.ResetRequests()

	r := f.run(t, "plan", "-f", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "tsig lab-key.\n  delete   remove the TSIG (algo hmac-sha256.)\n"+
		"  warning: peer lab ("+lab.ID+"), which the file does not manage, still uses this key: their transfers fail once it is gone (add them to \"peers\" without it, or keep the key)\n"+
		"account: 1 to change (1 delete); zones: 0 to change, 1 in sync; 4 unmanaged zone(s) (in the account, not in the file)\n", r.stdout)
	assert.Equal(t, append(lookups(), "GET /zones/"+zoneA+"/secondary_dns/outgoing"), requestList(f.srv), "no extra request")

	r = f.run(t, "plan", "-f", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var doc struct {
		Account struct {
			Steps []jsonStep `json:"steps"`
		} `json:"account"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	require.Len(t, doc.Account.Steps, 1)
	assert.Contains(t, doc.Account.Steps[0].Warning, "peer lab ("+lab.ID+"), which the file does not manage")

	// The file manages lab and moves it off the key: no warning.
	file = writeFile(t, "zones2.json", `{"account": "`+acct+`",
  "tsigs": {"lab-key.": {"absent": true}},
  "peers": {"lab": {"ip": "192.0.2.77"}},
  "zones": {"example.com.": {"peers": ["bind-a"]}}}`)
	r = f.run(t, "plan", "-f", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "warning")
	assert.Contains(t, r.stdout, "peer lab\n  update   ")
}
