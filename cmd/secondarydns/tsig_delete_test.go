package main

import (
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
