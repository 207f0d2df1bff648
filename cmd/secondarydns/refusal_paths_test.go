package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestDestroyRefusalEveryPath: the --allow-destroy refusal names each zone
// by ID and name (a rename as "old → new", as the plan shows it) and, when --yes is missing too (no terminal), says so in
// the same line, for apply -f and apply --plan of a format-1 and of a
// format-2 file (whose refusal counts account deletes too). With
// --allow-destroy alone, the --yes refusal follows; nothing is written.
func TestDestroyRefusalEveryPath(t *testing.T) {
	const both = "secondarydns apply: refusing to %sdisable or delete transfers, or remove every peer of a zone, without --allow-destroy; " +
		"standard input is not a terminal, so --yes is needed too (pass --allow-destroy --yes); %s. 2 %s: "

	// Format 1: zone A loses every peer while Enabled, zone C is disabled.
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}, Status: "Enabled"})
	srv.Seed(zoneC, secondarydnstest.Config{Name: "c.example.", Peers: []string{peer1}, Status: "Enabled"})
	f1 := writeFile(t, "dis.json", `{"zones": {
  "`+zoneA+`": {"name": "renamed.example.", "peers": []},
  "`+zoneC+`": {"name": "c.example.", "peers": ["`+peer1+`"], "status": "Disabled"}
}}`)
	plan1 := savePlan(t, srv, f1)
	zones1 := zoneA + " a.example. → renamed.example. (update: removes every peer), " + zoneC + " c.example. (disable)\n"

	// Format 2: example.com loses every peer while Enabled, old.example is
	// disabled.
	f2 := newFmt2(t)
	file2 := writeFile(t, "dis2.json", `{"account": "`+secondarydnstest.DefaultAccountID+`",
  "zones": {"`+zoneA+`": {"name": "renamed.com.", "peers": []}, "old.example.": {"peers": ["old"], "status": "Disabled"}}}`)
	plan2 := filepath.Join(t.TempDir(), "plan2.json")
	r := f2.run(t, "plan", "-f", file2, "--out", plan2)
	require.Equal(t, exitOK, r.code, r.stderr)
	zones2 := zoneC + " old.example. (disable), " + zoneA + " example.com. → renamed.com. (update: removes every peer)\n" // by name, as the plan

	for _, tc := range []struct {
		name    string
		env     map[string]string
		srv     *secondarydnstest.Server
		args    []string
		want    string
		outcome string
	}{
		{"format 1 -f", fakeEnv(srv), srv, []string{"apply", "-f", f1}, fmtRefusal(both, "", "nothing was changed", "zone(s)") + zones1, "nothing was changed"},
		{"format 1 --plan", fakeEnv(srv), srv, []string{"apply", "--plan", plan1}, fmtRefusal(both, "", "nothing was sent", "zone(s)") + zones1, "nothing was sent"},
		{"format 2 -f", f2.env, f2.srv, []string{"apply", "-f", file2}, fmtRefusal(both, "delete account objects, ", "nothing was changed", "change(s)") + zones2, "nothing was changed"},
		{"format 2 --plan", f2.env, f2.srv, []string{"apply", "--plan", plan2}, fmtRefusal(both, "delete account objects, ", "nothing was sent", "change(s)") + zones2, "nothing was sent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.srv.ResetRequests()
			r := invoke(t, invocation{args: tc.args, env: tc.env})
			assert.Equal(t, exitUsage, r.code)
			assert.Equal(t, tc.want, r.stderr)

			r = invoke(t, invocation{args: append(tc.args, "--allow-destroy"), env: tc.env})
			assert.Equal(t, exitUsage, r.code)
			assert.Equal(t, "secondarydns apply: standard input is not a terminal: pass --yes to apply without confirmation; "+tc.outcome+"\n", r.stderr)
			assert.Empty(t, writes(tc.srv))
		})
	}
}

func fmtRefusal(format, what, outcome, unit string) string {
	return fmt.Sprintf(format, what, outcome, unit)
}
