package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestRemoveEveryPeerIsDestructive: "peers": [] on a zone with peers whose
// transfers are Enabled (or whose status was not read) cuts every secondary
// off, so apply -f and apply --plan need --allow-destroy for it (exit 2,
// naming the zone, no write); on a Disabled zone, or a zone that had no
// peers, it does not.
func TestRemoveEveryPeerIsDestructive(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1, peer2}, Status: "Enabled"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "b.example.", Peers: []string{peer1}, Status: "Enabled"})
	srv.Seed(zoneC, secondarydnstest.Config{Name: "c.example.", Peers: []string{peer1}, Status: "Disabled"})
	srv.Seed(zoneE, secondarydnstest.Config{Name: "e.example.", Peers: nil, Status: "Enabled"})
	f := writeFile(t, "zones.json", `{"zones": {
  "`+zoneA+`": {"name": "a.example.", "peers": [], "status": "Enabled"},
  "`+zoneB+`": {"name": "b.example.", "peers": []},
  "`+zoneC+`": {"name": "c.example.", "peers": [], "status": "Disabled"},
  "`+zoneE+`": {"name": "renamed.example.", "peers": [], "status": "Enabled"}
}}`)
	refusal := "refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; %s. 2 zone(s): " +
		zoneA + " a.example. (update: removes every peer), " + zoneB + " b.example. (update: removes every peer)\n"

	r := cli(t, srv, "apply", "-f", f, "--yes")
	assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
	assert.Equal(t, "secondarydns apply: "+fmt.Sprintf(refusal, "nothing was changed"), r.stderr)
	assert.Empty(t, writes(srv))

	// The saved plan says the same before any request.
	planPath := savePlan(t, srv, f)
	srv.ResetRequests()
	r = cli(t, srv, "apply", "--plan", planPath, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "secondarydns apply: "+fmt.Sprintf(refusal, "nothing was sent"), r.stderr)
	assert.Empty(t, srv.Requests(), "nothing sent")

	// Allowed, it runs.
	r = cli(t, srv, "apply", "--plan", planPath, "--yes", "--allow-destroy")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	cfg, _ := srv.Config(zoneA)
	assert.Empty(t, cfg.Peers)

	// A Disabled zone's peers (zone C), and a zone that had none (zone E,
	// renamed), need no --allow-destroy: the refusal above did not list them.
	srv.Seed(zoneC, secondarydnstest.Config{Name: "c.example.", Peers: []string{peer1}, Status: "Disabled"})
	srv.Seed(zoneE, secondarydnstest.Config{Name: "e.example.", Peers: nil, Status: "Enabled"})
	srv.ResetRequests()
	r = cli(t, srv, "apply", "-f", f, "--yes")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, []string{
		"PUT /zones/" + zoneC + "/secondary_dns/outgoing",
		"PUT /zones/" + zoneE + "/secondary_dns/outgoing",
	}, sortedWrites(srv))
}

// TestAllowDestroyDisableOnly: an apply -f plan whose only destructive
// action is a disable (no delete) is refused without --allow-destroy, no
// write sent, and runs with it.
func TestAllowDestroyDisableOnly(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}, Status: "Enabled"})
	srv.Seed(zoneC, secondarydnstest.Config{Name: "c.example.", Peers: []string{peer1}, Status: "Enabled"})
	f := writeFile(t, "zones.json", `{"zones": {
  "`+zoneA+`": {"name": "a.example.", "peers": ["`+peer1+`"], "status": "Disabled"},
  "`+zoneC+`": {"name": "c.example.", "peers": ["`+peer1+`"], "status": "Enabled"}
}}`)
	for _, inv := range []invocation{
		{args: []string{"apply", "-f", f, "--yes"}},
		{args: []string{"apply", "-f", f}, stdin: "yes\n", stdinTTY: true},
	} {
		inv.env = fakeEnv(srv)
		r := invoke(t, inv)
		assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
		assert.Equal(t, "secondarydns apply: refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; nothing was changed. 1 zone(s): "+zoneA+" a.example. (disable)\n", r.stderr)
		assert.NotContains(t, r.stderr, "Only 'yes'", "refused before asking")
		assert.Empty(t, writes(srv))
	}
	st, _ := srv.Config(zoneA)
	assert.Equal(t, "Enabled", st.Status)

	r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, []string{"POST /zones/" + zoneA + "/secondary_dns/outgoing/disable"}, writes(srv))
}

// TestSingleZoneConfirmation: delete and disable, and update --no-peers,
// ask on a terminal (only "yes" goes on) and need --yes without one (exit
// 2); update without --peer says to pass --peer or --no-peers (exit 2).
// Nothing is sent until the answer is yes.
func TestSingleZoneConfirmation(t *testing.T) {
	srv := newFake(t)
	seed := func() {
		srv.Seed(zoneA, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}, Status: "Enabled"})
		srv.ResetRequests()
	}
	seed()
	for _, tc := range []struct {
		args     []string
		question string
		verb     string
	}{
		{[]string{"delete", zoneA}, "Delete the outgoing transfer configuration of zone " + zoneA + "?", "delete"},
		{[]string{"disable", zoneA}, "Disable outgoing transfers of zone " + zoneA + "? Its secondaries will stop getting updates.", "disable"},
		{[]string{"update", zoneA, "--name", "a.example.", "--no-peers"}, "Remove every peer of zone " + zoneA + "? Its secondaries will no longer get transfers.", "remove every peer"},
	} {
		name := tc.args[0]
		r := cli(t, srv, tc.args...)
		assert.Equal(t, exitUsage, r.code, name)
		assert.Equal(t, "secondarydns "+name+": standard input is not a terminal: pass --yes to "+tc.verb+" without confirmation; nothing was sent\n", r.stderr)
		assert.Empty(t, r.stdout)
		r = cli(t, srv, append(tc.args, "-o", "json")...)
		assert.Equal(t, exitUsage, r.code, name)
		assert.JSONEq(t, `{"error": {"message": "standard input is not a terminal: pass --yes to `+tc.verb+` without confirmation; nothing was sent"}}`, r.stdout)

		for _, answer := range []string{"no\n", "y\n", ""} {
			r = invoke(t, invocation{args: tc.args, env: fakeEnv(srv), stdin: answer, stdinTTY: true})
			assert.Equal(t, exitFailed, r.code, "%s %q", name, answer)
			assert.Equal(t, tc.question+" Only 'yes' is accepted: secondarydns "+name+": not confirmed: nothing was sent\n", r.stderr)
		}
		assert.Empty(t, srv.Requests(), "%s: nothing sent before yes", name)

		r = invoke(t, invocation{args: tc.args, env: fakeEnv(srv), stdin: "yes\n", stdinTTY: true})
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, writes(srv), 1, name)
		seed()
		r = cli(t, srv, append(tc.args, "--yes")...)
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, writes(srv), 1, name)
		seed()
	}
	cfg, _ := srv.Config(zoneA)
	assert.Equal(t, []string{peer1}, cfg.Peers)
	r := cli(t, srv, "update", zoneA, "--name", "a.example.", "--no-peers", "--yes")
	require.Equal(t, exitOK, r.code)
	cfg, _ = srv.Config(zoneA)
	assert.Empty(t, cfg.Peers, "--no-peers sends no peers")
	seed()

	// update must be told what to do with the peers.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"update", zoneA, "--name", "a.example."}, "secondarydns update: update replaces the zone's peers: pass --peer for each peer the zone keeps, or --no-peers to remove every peer (see 'secondarydns update --help')\n"},
		{[]string{"update", zoneA, "--name", "a.example.", "--yes"}, "pass --peer for each peer the zone keeps, or --no-peers"},
		{[]string{"update", zoneA, "--name", "a.example.", "--no-peers", "--peer", peer1}, "secondarydns update: --no-peers removes every peer: give it or --peer, not both (see 'secondarydns update --help')\n"},
	} {
		r := cli(t, srv, tc.args...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, tc.want)
	}
	// With peers, update does not ask; neither do enable, create, get.
	for _, args := range [][]string{
		{"update", zoneA, "--name", "a.example.", "--peer", peer2},
		{"enable", zoneA},
		{"get", zoneA},
		{"create", zoneB, "--name", "b.example."},
	} {
		r := cli(t, srv, args...)
		assert.Equal(t, exitOK, r.code, "%v: %s", args, r.stderr)
	}

	// SIGINT at the prompt is exit 130, --timeout exit 1; nothing sent.
	srv.ResetRequests()
	ctx, in := interruptOnRead(t)
	r = invoke(t, invocation{args: []string{"delete", zoneA}, env: fakeEnv(srv), stdinR: in, stdinTTY: true, ctx: ctx})
	assert.Equal(t, exitInterrupted, r.code)
	assert.Contains(t, r.stderr, "secondarydns delete: interrupted: nothing was sent\n")
	r = invoke(t, invocation{args: []string{"disable", zoneA, "--timeout", "200ms"}, env: fakeEnv(srv), stdinR: blockedStdin(t), stdinTTY: true})
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "secondarydns disable: --timeout 200ms passed while waiting for the confirmation; nothing was sent\n")
	assert.Empty(t, srv.Requests())
}
