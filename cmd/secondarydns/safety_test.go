package main

import (
	"fmt"
	"path/filepath"
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
		zoneA + " (update: removes every peer), " + zoneB + " (update: removes every peer)\n"

	r := cli(t, srv, "apply", "-f", f, "--yes")
	assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
	assert.Equal(t, "secondarydns apply: "+fmt.Sprintf(refusal, "nothing was changed"), r.stderr)
	assert.Empty(t, writes(srv))

	// The saved plan says the same before any request.
	planPath := filepath.Join(t.TempDir(), "plan.json")
	r = cli(t, srv, "plan", "-f", f, "--out", planPath)
	require.Equal(t, exitOK, r.code, r.stderr)
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
		assert.Equal(t, "secondarydns apply: refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; nothing was changed. 1 zone(s): "+zoneA+" (disable)\n", r.stderr)
		assert.NotContains(t, r.stderr, "Only 'yes'", "refused before asking")
		assert.Empty(t, writes(srv))
	}
	st, _ := srv.Config(zoneA)
	assert.Equal(t, "Enabled", st.Status)

	r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, []string{"POST /zones/" + zoneA + "/secondary_dns/outgoing/disable"}, writes(srv))
}
