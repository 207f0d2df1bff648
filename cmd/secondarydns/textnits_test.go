package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestPlanRenameHeader: a zone that an update renames is headed "old → new"
// in the plan (the wanted name alone read as if the zone were already
// called so); a name that differs only as the converge rules ignore (case,
// trailing dot) is no rename and keeps the plain header.
func TestPlanRenameHeader(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "old.example.", Peers: []string{peer1}, Status: "Enabled"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "b.example.", Peers: []string{peer1}, Status: "Enabled"})
	f := writeFile(t, "zones.json", `{"zones": {
  "`+zoneA+`": {"name": "new.example.", "peers": ["`+peer1+`"]},
  "`+zoneB+`": {"name": "B.EXAMPLE", "peers": ["`+peer2+`"]}
}}`)
	r := cli(t, srv, "plan", "-f", f)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, zoneA+" old.example. → new.example.\n"+
		"  update   name old.example. → new.example.\n"+
		zoneB+" B.EXAMPLE\n"+
		"  update   peers +"+peer2+" -"+peer1+"\n"+
		"2 to change (2 update), 0 in sync\n", r.stdout)

	// apply prints the same plan before it runs it.
	r = cli(t, srv, "apply", "-f", f, "--yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, zoneA+" old.example. → new.example.\n  update ")
}

// TestRefusalSaysBoth: without --allow-destroy and without --yes (and no
// terminal to ask on), apply -f and apply --plan say both in one line, so
// that a second run does not find the second flag missing; on a terminal
// only --allow-destroy is missing. The refusal names each zone.
func TestRefusalSaysBoth(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)
	both := "secondarydns apply: refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; " +
		"standard input is not a terminal, so --yes is needed too (pass --allow-destroy --yes); %s. 1 zone(s): " + zoneD + " old.example. (disable, delete)\n"

	r := cli(t, srv, "apply", "-f", f)
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, strings.Replace(both, "%s", "nothing was changed", 1), r.stderr)
	assert.Empty(t, writes(srv))

	planPath := savePlan(t, srv, f)
	srv.ResetRequests()
	r = cli(t, srv, "apply", "--plan", planPath)
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, strings.Replace(both, "%s", "nothing was sent", 1), r.stderr)
	assert.Empty(t, srv.Requests())

	// On a terminal --yes is not needed: only --allow-destroy is said.
	r = invoke(t, invocation{args: []string{"apply", "--plan", planPath}, env: fakeEnv(srv), stdin: "yes\n", stdinTTY: true})
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "secondarydns apply: refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; nothing was sent. 1 zone(s): "+zoneD+" old.example. (disable, delete)\n", r.stderr)
	assert.Empty(t, writes(srv))
}

// TestSavedPlanEditedWording: an edited saved plan whose zone has no action
// (or that gives one no action) is refused in a sentence that reads right.
func TestSavedPlanEditedWording(t *testing.T) {
	srv, _, planPath := savedFleetPlan(t)
	saved, err := os.ReadFile(planPath)
	require.NoError(t, err)
	for _, tc := range []struct{ from, to, want string }{
		{"\"update\",\n        \"enable\"", ``, "(" + zoneA + "): it has no action, but its \"want\" and \"read\" give [update, enable]: the file was edited"},
		{"\"actions\": []", `"actions": ["update"]`, "(" + zoneC + "): it has the actions [update], but its \"want\" and \"read\" give no action: the file was edited"},
		{"\"update\",\n        \"enable\"", `"delete"`, "(" + zoneA + "): the actions [delete] are not what its \"want\" and \"read\" give ([update, enable]): the file was edited"},
	} {
		edited := strings.Replace(string(saved), tc.from, tc.to, 1)
		require.NotEqual(t, string(saved), edited)
		r := cli(t, srv, "apply", "--plan", writeFile(t, "plan.json", edited), "--yes", "--allow-destroy")
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, tc.want)
		assert.NotContains(t, r.stderr, "no action are")
	}
}
