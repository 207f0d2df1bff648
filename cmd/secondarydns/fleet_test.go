package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestPlan: the text plan (per changed zone its ID, name, actions and
// differences, then the summary), the JSON plan, --exit-code, and that plan
// only reads.
func TestPlan(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)

	r := cli(t, srv, "plan", "-f", f)
	assert.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "plan_text", transcript(r))

	r = cli(t, srv, "plan", "-f", f, "-o", "json")
	assert.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "plan_json", transcript(r))

	r = cli(t, srv, "plan", "-f", f, "--exit-code")
	assert.Equal(t, exitChanges, r.code)
	assert.Empty(t, writes(srv), "plan changes nothing")

	// The zone in sync alone: --exit-code 0.
	inSync := writeFile(t, "sync.json", `{"zones": {"`+zoneC+`": {"name": "example.org.", "peers": ["`+peer3+`", "`+peer3+`"]}}}`)
	r = cli(t, srv, "plan", "-f", inSync, "--exit-code")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "0 to change, 1 in sync\n", r.stdout)
}

// TestPlanFailure: a zone that cannot be read is exit 1 (even with
// --exit-code), is listed with its error, and no --out file is written.
func TestPlanFailure(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	srv.Fail(secondarydnstest.Fault{Zone: zoneC, Action: "get", Status: 403})
	f := writeFile(t, "zones.json", fleetFile)
	out := filepath.Join(t.TempDir(), "plan.json")
	r := cli(t, srv, "plan", "-f", f, "--exit-code", "--out", out)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, "\n"+zoneC+" EXAMPLE.org error: zone "+zoneC+": plan: GET ", "named as the file names it; no secondarydns: prefix")
	assert.Contains(t, r.stdout, "3 to change (1 create, 1 update, 2 enable, 1 disable, 1 delete), 0 in sync, 1 failed\n")
	assert.Contains(t, r.stderr, "no plan was written")
	assert.NoFileExists(t, out)

	srv.Fail(secondarydnstest.Fault{Zone: zoneC, Action: "get", Status: 403})
	r = cli(t, srv, "plan", "-f", f, "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, jsonSummary{Zones: 4, InSync: 0, Changed: 3, Failed: 1}, doc.Summary)
	require.NotNil(t, doc.Zones[2].Error)
	assert.Equal(t, 403, doc.Zones[2].Error.Status)
	assert.Equal(t, []int{1000}, doc.Zones[2].Error.Codes)
	assert.NotEmpty(t, doc.Zones[2].Error.RayID)
}

// TestApply: apply plans, shows the plan, runs exactly it, reports each zone
// and the summary; plan --exit-code afterwards is 0.
func TestApply(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)
	r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy")
	assert.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "apply_text", transcript(r))
	assert.Equal(t, []string{
		"PUT /zones/" + zoneA + "/secondary_dns/outgoing",
		"POST /zones/" + zoneA + "/secondary_dns/outgoing/enable",
		"POST /zones/" + zoneB + "/secondary_dns/outgoing",
		"POST /zones/" + zoneB + "/secondary_dns/outgoing/enable",
		"POST /zones/" + zoneD + "/secondary_dns/outgoing/disable",
		"DELETE /zones/" + zoneD + "/secondary_dns/outgoing",
	}, sortedWrites(srv))
	_, ok := srv.Config(zoneD)
	assert.False(t, ok)
	r = cli(t, srv, "plan", "-f", f, "--exit-code")
	assert.Equal(t, exitOK, r.code, r.stdout)

	// JSON: one document; the plan text goes to stderr.
	srv2 := newFake(t)
	seedFleet(srv2)
	r = cli(t, srv2, "apply", "-f", f, "--yes", "--allow-destroy", "-o", "json")
	assert.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "apply_json", transcript(r))
	r = cli(t, srv2, "apply", "-f", f, "--yes", "-o", "json")
	assert.Equal(t, exitOK, r.code, r.stderr)
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, jsonSummary{Zones: 4, InSync: 4}, doc.Summary)
}

func sortedWrites(srv *secondarydnstest.Server) []string {
	w := writes(srv)
	// Zones run concurrently; within a zone the order is kept, so sorting by
	// zone (stable) shows each zone's sequence.
	out := make([]string, 0, len(w))
	for _, z := range []string{zoneA, zoneB, zoneC, zoneD, zoneE} {
		for _, x := range w {
			if strings.Contains(x, "/zones/"+z+"/") {
				out = append(out, x)
			}
		}
	}
	return out
}

// TestApplySafety: without a terminal apply needs --yes; a plan that
// disables or deletes needs --allow-destroy; on a terminal it asks and only
// "yes" goes on. Refusals send no write.
func TestApplySafety(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)
	safe := writeFile(t, "safe.json", safeFile)

	r := cli(t, srv, "apply", "-f", f, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "secondarydns apply: refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; nothing was changed. 1 zone(s): "+zoneD+" old.example. (disable, delete)\n")
	assert.Empty(t, writes(srv))

	r = cli(t, srv, "apply", "-f", f, "--yes", "-o", "json")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stdout, `"message": "refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy`)
	assert.Contains(t, r.stderr, zoneD+" old.example.\n  disable ", "the plan is shown on stderr")

	r = cli(t, srv, "apply", "-f", safe)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "secondarydns apply: standard input is not a terminal: pass --yes to apply without confirmation; nothing was changed\n")
	assert.Empty(t, writes(srv))

	for _, answer := range []string{"no\n", "y\n", "", "YES please\n"} {
		r = invoke(t, invocation{args: []string{"apply", "-f", safe}, env: fakeEnv(srv), stdin: answer, stdinTTY: true})
		assert.Equal(t, exitFailed, r.code, "answer %q", answer)
		assert.Contains(t, r.stderr, "Apply these changes to 2 zone(s)? Only 'yes' is accepted: ")
		assert.Contains(t, r.stderr, "not confirmed: nothing was changed")
		assert.Empty(t, writes(srv))
	}

	r = invoke(t, invocation{args: []string{"apply", "-f", safe}, env: fakeEnv(srv), stdin: "yes\n", stdinTTY: true})
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Len(t, writes(srv), 4)
	assert.Contains(t, r.stdout, "2 changed, 0 failed, 1 in sync\n")
}

// TestApplyFailures: a zone that cannot be planned means nothing is changed
// (exit 1); a write that fails, or a zone found stale while executing, is
// exit 1 with the other zones done.
func TestApplyFailures(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)

	srv.Fail(secondarydnstest.Fault{Zone: zoneB, Action: "get", Status: 500, Times: 3, RetryAfter: "0"})
	r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "not every zone could be read: nothing was changed")
	assert.Empty(t, writes(srv))

	// Update answered 404: the zone went away after the plan: stale.
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "update", Status: 404})
	// Create answered 400: a plain failure.
	srv.Fail(secondarydnstest.Fault{Zone: zoneB, Action: "create", Status: 400})
	r = cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, zoneA+" example.com.: stale (nothing done): ")
	assert.Contains(t, r.stdout, zoneB+" new.example.: failed (nothing done): ")
	assert.Contains(t, r.stdout, zoneD+" old.example.: done: disable, delete\n")
	assert.Contains(t, r.stdout, "1 changed, 2 failed (1 stale), 1 in sync\n")

	seedFleet(srv)
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "enable", Status: 403})
	r = cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy", "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	a := doc.Zones[0]
	assert.Equal(t, zoneA, a.ZoneID)
	assert.Equal(t, []string{"update", "enable"}, actions(a.Actions))
	assert.Equal(t, []string{"update"}, actions(a.Done))
	require.NotNil(t, a.Error)
	assert.Equal(t, 403, a.Error.Status)
	assert.Equal(t, jsonSummary{Zones: 4, InSync: 1, Changed: 2, Failed: 1}, doc.Summary)
}

func actions[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, a := range in {
		out[i] = string(a)
	}
	return out
}

// TestSavedPlan: plan --out writes the plan and what it read; apply --plan
// runs it for zones still as read, reports the others stale and leaves them
// alone (exit 1); the same --yes and --allow-destroy rules hold.
func TestSavedPlan(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	dir := t.TempDir()
	f := writeFile(t, "zones.json", fleetFile)
	planPath := filepath.Join(dir, "plan.json")

	r := cli(t, srv, "plan", "-f", f, "--out", planPath)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "plan saved to "+planPath)
	saved, err := os.ReadFile(planPath)
	require.NoError(t, err)
	golden(t, "saved_plan", string(saved))

	srv.ResetRequests()
	r = cli(t, srv, "apply", "--plan", planPath)
	assert.Equal(t, exitUsage, r.code, "no --yes")
	r = cli(t, srv, "apply", "--plan", planPath, "--yes")
	assert.Equal(t, exitUsage, r.code, "no --allow-destroy")
	assert.Empty(t, writes(srv))

	// Someone changes zone A's peers and creates zone B after the plan.
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{peer3}, Status: "Disabled"})
	srv.Seed(zoneB, secondarydnstest.Config{Name: "new.example.", Peers: []string{peer2}})
	// Zone D is as planned (TestSavedPlanStaleness covers the rest).
	srv.ResetRequests()
	r = cli(t, srv, "apply", "--plan", planPath, "--yes", "--allow-destroy")
	assert.Equal(t, exitFailed, r.code)
	golden(t, "saved_plan_stale", transcript(r, planPath, "PLAN"))
	assert.Equal(t, []string{
		"POST /zones/" + zoneD + "/secondary_dns/outgoing/disable",
		"DELETE /zones/" + zoneD + "/secondary_dns/outgoing",
	}, sortedWrites(srv), "only the zone still as planned is touched")
	cfg, _ := srv.Config(zoneA)
	assert.Equal(t, []string{peer3}, cfg.Peers, "a stale zone is left alone")

	// A zone that cannot be re-read: nothing is changed.
	srv2 := newFake(t)
	seedFleet(srv2)
	r = cli(t, srv2, "plan", "-f", f, "--out", planPath)
	require.Equal(t, exitOK, r.code)
	srv2.Fail(secondarydnstest.Fault{Zone: zoneD, Action: "status", Status: 403})
	srv2.ResetRequests()
	r = cli(t, srv2, "apply", "--plan", planPath, "--yes", "--allow-destroy", "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	assert.Empty(t, writes(srv2))
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	// Nothing ran: the zone that could not be read and the two that were
	// not applied are failed, none is changed.
	assert.Equal(t, jsonSummary{Zones: 4, InSync: 1, Changed: 0, Failed: 3}, doc.Summary)
	assert.Contains(t, doc.Zones[0].Error.Message, "not applied: nothing was changed: not every zone could be read")

	// Unchanged: the whole plan runs, then nothing is left to do.
	r = cli(t, srv2, "apply", "--plan", planPath, "--yes", "--allow-destroy")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "3 changed, 0 failed, 1 in sync\n")
	r = cli(t, srv2, "plan", "-f", f, "--exit-code")
	assert.Equal(t, exitOK, r.code)
}

// TestSavedPlanErrors: a saved plan is read strictly and versioned.
func TestSavedPlanErrors(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	good := `{"format": "secondarydns-plan", "version": 1, "zones": [{"zone_id": "` + zoneB + `", "want": {"name": "b.example.", "peers": []}, "read": {"configured": false}, "actions": ["create"]}]}`
	cases := map[string]struct{ plan, want string }{
		"version":        {strings.Replace(good, `"version": 1`, `"version": 3`, 1), "saved-plan version 3 is not supported (this secondarydns reads versions 1 and 2); plan again"},
		"format":         {strings.Replace(good, `secondarydns-plan`, `terraform`, 1), `not a saved plan (its "format" is "terraform", want "secondarydns-plan")`},
		"unknown field":  {strings.Replace(good, `"actions"`, `"action"`, 1), `plan.json:1: zones[0].action: unknown field (want "zone_id", "want", "read" or "actions")`},
		"unknown action": {strings.Replace(good, `["create"]`, `["recreate"]`, 1), `unknown action "recreate"`},
		"invalid want":   {strings.Replace(good, `b.example.`, `b..example`, 1), `want: name "b..example" has an empty label`},
		"missing peers":  {strings.Replace(good, `, "peers": []`, ``, 1), `want: missing "peers"`},
		"trailing":       {good + " {}", "trailing data after the plan"},
		"duplicate zone": {strings.Replace(good, `"zones": [`, `"zones": [{"zone_id": "`+zoneB+`", "want": {"absent": true}, "read": {"configured": false}, "actions": []}, `, 1), "the zone appears twice"},
		"not json":       {"plan", "not a saved plan: invalid character"},
	}
	for name, tc := range cases {
		p := writeFile(t, "plan.json", tc.plan)
		r := cli(t, srv, "apply", "--plan", p, "--yes", "--allow-destroy")
		assert.Equal(t, exitUsage, r.code, name)
		assert.Contains(t, r.stderr, tc.want, name)
	}
	assert.Empty(t, srv.Requests())
	p := writeFile(t, "plan.json", good)
	r := cli(t, srv, "apply", "--plan", p, "--yes")
	assert.Equal(t, exitOK, r.code, r.stderr)
	_, ok := srv.Config(zoneB)
	assert.True(t, ok)
}

// TestExportThenPlanInSync: export writes the desired-state format, one zone
// per line, and plan --exit-code on it finds nothing to change.
func TestExportThenPlanInSync(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	srv.Seed(zoneE, secondarydnstest.Config{Name: "Mixed.Example", Peers: []string{peer2, peer1}, Status: "Enabled"})
	r := cli(t, srv, "export", zoneA, zoneB, zoneC, zoneD, zoneE)
	require.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "export", transcript(r))
	assert.Empty(t, writes(srv))

	f := writeFile(t, "export.json", r.stdout)
	r2 := cli(t, srv, "plan", "-f", f, "--exit-code")
	assert.Equal(t, exitOK, r2.code, r2.stdout)
	assert.Equal(t, "0 to change, 5 in sync\n", r2.stdout)

	// -o json writes the same document; plan reads it from standard input.
	rj := cli(t, srv, "export", zoneA, zoneB, zoneC, zoneD, zoneE, "-o", "json", "--quiet")
	assert.Equal(t, r.stdout, rj.stdout)
	assert.Empty(t, rj.stderr)
	r3 := invoke(t, invocation{args: []string{"plan", "-f", "-", "--exit-code"}, env: fakeEnv(srv), stdin: rj.stdout})
	assert.Equal(t, exitOK, r3.code, r3.stdout+r3.stderr)

	// Bad zone IDs: exit 2, nothing sent (a name needs the account: see
	// TestExportNames). A failed read: exit 1, nothing on stdout.
	srv.ResetRequests()
	r = cli(t, srv, "export", zoneA, "zone/a")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `zone ID "zone/a" contains '/'`)
	assert.Empty(t, srv.Requests())
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "get", Status: 403})
	r = cli(t, srv, "export", zoneA, zoneB)
	assert.Equal(t, exitFailed, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "1 of 2 zones could not be read; nothing was written")
	assert.True(t, strings.HasPrefix(r.stderr, "secondarydns export: zone "+zoneA+": "), "the prefix once: %s", r.stderr)
	assert.NotContains(t, r.stderr, "secondarydns: ")
}

// TestExportInterrupted: SIGINT during export exits 130, writes nothing on
// stdout and says which zones were read and which were not.
func TestExportInterrupted(t *testing.T) {
	srv := newFake(t)
	w := newWatch(t, srv, 0)
	ids := make([]string, 30)
	for i := range ids {
		ids[i] = secondarydnstest.ZoneID(900 + i)
	}
	for _, o := range []string{"text", "json"} {
		w.reset()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan result, 1)
		go func() {
			done <- invoke(t, invocation{ctx: ctx, args: append([]string{"export", "--rate", "20", "-o", o}, ids...), env: w.env()})
		}()
		require.Eventually(t, func() bool { return w.count() >= 3 }, 20*time.Second, 5*time.Millisecond)
		cancel()
		r := <-done
		assert.Equal(t, exitInterrupted, r.code, r.stderr)
		m := regexp.MustCompile(`^secondarydns export: interrupted: (\d+) of 30 zones read \(([0-9a-f ]+)\), (\d+) not read \(([0-9a-f ]+)\); nothing was written\n$`).FindStringSubmatch(r.stderr)
		require.NotNil(t, m, r.stderr)
		read, _ := strconv.Atoi(m[1])
		unread, _ := strconv.Atoi(m[3])
		assert.Equal(t, 30, read+unread)
		assert.Positive(t, read)
		assert.Len(t, strings.Fields(m[2]), read)
		assert.Len(t, strings.Fields(m[4]), unread)
		if o == "json" {
			assert.Contains(t, string(oneDocument(t, r.stdout)["error"]), "interrupted: ")
		} else {
			assert.Empty(t, r.stdout)
		}
		assert.Less(t, w.count(), 30, "no new request after the interrupt")
	}
}

// TestProgressLine: on a terminal stderr, fleet commands draw a progress
// line (zones done/total, req/s, time left) on stderr, never on stdout;
// --quiet and a non-terminal stderr draw none.
func TestProgressLine(t *testing.T) {
	srv := newFake(t)
	ids := map[string]string{}
	var b strings.Builder
	b.WriteString(`{"zones": {`)
	for i := 0; i < 12; i++ {
		id := secondarydnstest.ZoneID(100 + i)
		ids[id] = id
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + id + `": {"name": "z` + id[28:] + `.example.", "peers": []}`)
	}
	b.WriteString("}}")
	f := writeFile(t, "zones.json", b.String())
	r := invoke(t, invocation{args: []string{"plan", "-f", f, "--rate", "9"}, env: fakeEnv(srv), stderrTTY: true}) // 12 reads: over 1 s
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stderr, "\r\x1b[Kplanning: ")
	assert.Contains(t, r.stderr, "/12 zones, ")
	assert.Contains(t, r.stderr, " req/s, ")
	assert.Contains(t, r.stderr, " left")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "the line is cleared at the end")
	assert.NotContains(t, r.stdout, "\r")

	// No rate before a second of data: the first frame has none.
	first, _, _ := strings.Cut(strings.TrimPrefix(r.stderr, "\r\x1b[K"), "\r")
	assert.Regexp(t, `^planning: \d+/12 zones, - req/s, `, first)
	assert.Regexp(t, `, \d+\.\d req/s, `, r.stderr, "a rate once there is a second of data")

	// --verbose keeps the line; each log line clears it first, so none
	// starts after the progress line's text.
	r = invoke(t, invocation{args: []string{"plan", "-f", f, "--rate", "30", "--verbose"}, env: fakeEnv(srv), stderrTTY: true})
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stderr, "\r\x1b[Kplanning: ")
	assert.Contains(t, r.stderr, "level=DEBUG")
	for i := strings.Index(r.stderr, "time="); i >= 0; {
		before := r.stderr[:i]
		assert.True(t, before == "" || strings.HasSuffix(before, "\n") || strings.HasSuffix(before, "\r\x1b[K"), "a log line starts a line: %q", r.stderr[max(0, i-60):i+5])
		j := strings.Index(r.stderr[i+1:], "time=")
		if j < 0 {
			break
		}
		i += 1 + j
	}

	r = invoke(t, invocation{args: []string{"plan", "-f", f, "--quiet"}, env: fakeEnv(srv), stderrTTY: true})
	assert.Empty(t, r.stderr)
	r = invoke(t, invocation{args: []string{"plan", "-f", f}, env: fakeEnv(srv)})
	assert.Empty(t, r.stderr)
}

// TestRateIsPaced: --rate spreads requests evenly, one every 1/rate
// seconds, never a burst: no two requests arrive at the fake closer than
// 0.8/rate, even with several zones at once; 0 is unpaced.
func TestRateIsPaced(t *testing.T) {
	srv := newFake(t)
	w := newWatch(t, srv, 0)
	f := absentFile(t, 1000, 6)
	r := invoke(t, invocation{args: []string{"plan", "-f", f, "--rate", "10", "--concurrency", "5"}, env: w.env()})
	assert.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, 6, w.count())
	for i, g := range w.gaps() {
		assert.GreaterOrEqual(t, g, 80*time.Millisecond, "request %d came %s after the one before: a burst", i+1, g)
	}

	// Unpaced: the 5 zones at once arrive together.
	w = newWatch(t, srv, 50*time.Millisecond)
	r = invoke(t, invocation{args: []string{"plan", "-f", f, "--rate", "0", "--concurrency", "5"}, env: w.env()})
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 5, w.maxInflight(), "--rate 0 does not pace")
}

// TestConcurrency: --concurrency N works on N zones at once, never more.
func TestConcurrency(t *testing.T) {
	srv := newFake(t)
	f := absentFile(t, 1100, 8)
	for _, n := range []int{1, 2, 5} {
		w := newWatch(t, srv, 40*time.Millisecond)
		r := invoke(t, invocation{args: []string{"plan", "-f", f, "--concurrency", strconv.Itoa(n)}, env: w.env()})
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, n, w.maxInflight(), "--concurrency %d", n)
	}
}

// TestInterruptAtPrompt: SIGINT while apply waits for the confirmation
// exits 130 and changes nothing.
func TestInterruptAtPrompt(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	safe := writeFile(t, "safe.json", safeFile)
	for _, o := range []string{"text", "json"} {
		ctx, in := interruptOnRead(t)
		r := invoke(t, invocation{ctx: ctx, args: []string{"apply", "-f", safe, "-o", o}, env: fakeEnv(srv), stdinR: in, stdinTTY: true})
		assert.Equal(t, exitInterrupted, r.code, r.stderr)
		assert.Contains(t, r.stderr, "Apply these changes to 2 zone(s)? ")
		assert.True(t, strings.HasSuffix(r.stderr, "\ninterrupted: nothing was changed\n"), r.stderr)
		if o == "json" {
			assert.Contains(t, string(oneDocument(t, r.stdout)["error"]), "interrupted")
		}
		assert.Empty(t, writes(srv))
	}
}

// TestInterruptZoneCommand: SIGINT while a single-zone command's request
// is in flight lets it finish, prints its result and exits 130.
func TestInterruptZoneCommand(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Status: "Disabled"})
	w := newWatch(t, srv, 300*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() { done <- invoke(t, invocation{ctx: ctx, args: []string{"enable", zoneA}, env: w.env()}) }()
	require.Eventually(t, func() bool { return w.count() >= 1 }, 20*time.Second, 5*time.Millisecond)
	cancel()
	r := <-done
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Equal(t, zoneA+" Enabled\n", r.stdout, "the request in flight finished and is reported")
	cfg, _ := srv.Config(zoneA)
	assert.Equal(t, "Enabled", cfg.Status)
	assert.Equal(t, 1, w.count())
}

// TestInterrupt: a cancelled context (SIGINT/SIGTERM in main) during apply
// starts no new request, lets the one in flight finish, reports what was
// done and exits 130.
func TestInterrupt(t *testing.T) {
	srv := newFake(t)
	var b strings.Builder
	b.WriteString(`{"zones": {`)
	for i := 0; i < 40; i++ {
		id := secondarydnstest.ZoneID(200 + i)
		srv.Seed(id, secondarydnstest.Config{Name: "z" + id[28:] + ".example."})
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + id + `": {"name": "z` + id[28:] + `.example.", "peers": [], "status": "Enabled"}`)
	}
	b.WriteString("}}")
	f := writeFile(t, "zones.json", b.String())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result)
	go func() {
		done <- invoke(t, invocation{ctx: ctx, args: []string{"apply", "-f", f, "--yes", "--rate", "100", "--concurrency", "2"}, env: fakeEnv(srv)})
	}()
	// Wait until apply is writing, then interrupt.
	require.Eventually(t, func() bool { return len(writes(srv)) >= 3 }, 20*time.Second, 5*time.Millisecond)
	cancel()
	r := <-done
	assert.Equal(t, exitInterrupted, r.code, r.stdout+r.stderr)
	n := len(writes(srv))
	assert.Less(t, n, 40, "no new request after the interrupt")
	assert.Contains(t, r.stdout, "interrupted: ")
	assert.Contains(t, r.stdout, "not started")
	assert.Contains(t, r.stdout, "run plan again to see what is left to do")
	// Every enable that was sent is reported done.
	for _, w := range writes(srv) {
		id := strings.Split(w, "/")[2]
		assert.Contains(t, r.stdout, id+" z"+id[28:]+".example.: done: enable", "a finished request is reported")
	}
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, n, len(writes(srv)), "nothing is sent after run returns")
}

// TestApplyNothingToDo: a fleet in sync needs no confirmation: exit 0.
func TestApplyNothingToDo(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", `{"zones": {"`+zoneC+`": {"name": "example.org.", "peers": ["`+peer3+`"]}}}`)
	r := cli(t, srv, "apply", "-f", f)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "0 to change, 1 in sync\n0 changed, 0 failed, 1 in sync\n", r.stdout)
	assert.Empty(t, writes(srv))
}

// TestTimeout: --timeout bounds the whole command; what it cut is a failure
// (exit 1), not an interruption. The pacing gives up as soon as it sees the
// next request's turn would come after the deadline: one line on stderr
// says so (not one per zone), the summary counts the zones left
// unfinished, and -o json lists them.
func TestTimeout(t *testing.T) {
	srv := newFake(t)
	f := absentFile(t, 400, 10)
	for _, o := range []string{"text", "json"} {
		start := time.Now()
		r := cli(t, srv, "plan", "-f", f, "--rate", "5", "--timeout", "500ms", "-o", o)
		assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
		assert.Less(t, time.Since(start), 5*time.Second)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		require.Len(t, lines, 1, "one line for the timeout: %s", r.stderr)
		assert.Regexp(t, `^secondarydns plan: stopped early: --timeout 500ms would pass before the remaining requests' turns under --rate 5; (\d+) of 10 zone\(s\) unfinished$`, lines[0])
		left, _ := strconv.Atoi(regexp.MustCompile(`(\d+) of 10`).FindStringSubmatch(lines[0])[1])
		assert.Positive(t, left)
		if o == "text" {
			assert.NotContains(t, r.stdout, "deadline", "no line per unfinished zone")
			assert.Equal(t, fmt.Sprintf("0 to change, %d in sync, %d failed (%d unfinished)\n", 10-left, left, left), r.stdout)
		} else {
			var doc struct {
				Unfinished []string `json:"unfinished"`
				Zones      []struct {
					ZoneID string `json:"zone_id"`
					Error  *struct {
						Message string `json:"message"`
					} `json:"error"`
				} `json:"zones"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
			var want []string
			for _, z := range doc.Zones {
				if z.Error != nil {
					assert.Contains(t, z.Error.Message, "--timeout would pass")
					want = append(want, z.ZoneID)
				}
			}
			assert.Len(t, want, left)
			assert.Equal(t, want, doc.Unfinished)
		}
	}
	assert.Less(t, len(srv.Requests()), 20)

	// --timeout that passes (a fake that answers slowly; unpaced): said as
	// passed.
	w := newWatch(t, srv, 300*time.Millisecond)
	r := invoke(t, invocation{args: []string{"plan", "-f", f, "--timeout", "500ms", "--concurrency", "2"}, env: w.env()})
	assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `^secondarydns plan: --timeout 500ms passed; (\d+) of 10 zone\(s\) unfinished\n$`, r.stderr)
	assert.Regexp(t, `, \d+ failed \(\d+ unfinished\)\n$`, r.stdout)
}

// TestTimeoutWholeCommand: --timeout counts from the start of the command
// and also ends the confirmation prompt and reading -f - from standard
// input: exit 1, one line saying the timeout ended it, a JSON error under
// -o json, nothing written.
func TestTimeoutWholeCommand(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	safe := writeFile(t, "safe.json", safeFile)
	for _, tc := range []struct {
		name string
		inv  invocation
		want string
	}{
		{"confirmation", invocation{args: []string{"apply", "-f", safe, "--timeout", "400ms"}, stdinTTY: true}, "secondarydns apply: --timeout 400ms passed while waiting for the confirmation; nothing was changed\n"},
		{"plan -f -", invocation{args: []string{"plan", "-f", "-", "--timeout", "400ms"}}, "secondarydns plan: --timeout 400ms passed while reading standard input; nothing was sent\n"},
		{"apply -f -", invocation{args: []string{"apply", "-f", "-", "--yes", "--timeout", "400ms"}}, "secondarydns apply: --timeout 400ms passed while reading standard input; nothing was sent\n"},
		{"apply --plan -", invocation{args: []string{"apply", "--plan", "-", "--yes", "--timeout", "400ms"}}, "secondarydns apply: --timeout 400ms passed while reading standard input; nothing was sent\n"},
	} {
		for _, o := range []string{"text", "json"} {
			t.Run(tc.name+" "+o, func(t *testing.T) {
				t.Parallel() // each waits out its --timeout
				inv := tc.inv
				inv.args = append(append([]string{}, inv.args...), "-o", o)
				inv.env = fakeEnv(srv)
				inv.stdinR = blockedStdin(t)
				start := time.Now()
				r := invoke(t, inv)
				assert.Less(t, time.Since(start), 10*time.Second)
				assert.Equal(t, exitFailed, r.code, r.stderr)
				assert.True(t, strings.HasSuffix(r.stderr, tc.want), r.stderr)
				if o == "json" {
					doc := oneDocument(t, r.stdout)
					assert.Contains(t, string(doc["error"]), "--timeout 400ms passed while")
				} else {
					assert.Equal(t, 1, strings.Count(r.stderr, "--timeout"), r.stderr)
				}
				assert.Empty(t, writes(srv))
			})
		}
	}
}

// TestInterruptWhilePlanning: SIGINT before apply has planned every zone
// changes nothing and exits 130.
func TestInterruptWhilePlanning(t *testing.T) {
	srv := newFake(t)
	f := zonesFile(t, "zones.json", 500, 20, func(string) string { return `{"name": "z.example.", "peers": []}` })
	w := newWatch(t, srv, 0)
	// interruptAfter runs the command and interrupts it once 3 requests
	// have reached the fake.
	interruptAfter := func(args ...string) result {
		w.reset()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for w.count() < 3 && ctx.Err() == nil {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
		}()
		return invoke(t, invocation{ctx: ctx, args: args, env: w.env()})
	}
	r := interruptAfter("apply", "-f", f, "--yes", "--rate", "20", "-o", "json")
	assert.Equal(t, exitInterrupted, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "interrupted while planning: nothing was changed")
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	assert.Equal(t, jsonSummary{Zones: 20, Failed: 20}, doc.Summary, "nothing ran: nothing changed")
	for _, z := range doc.Zones {
		assert.Empty(t, z.Done)
		require.NotNil(t, z.Error, z.ZoneID)
	}
	assert.Empty(t, writes(srv))

	// plan interrupted: the zones it read are planned as usual, the others
	// are listed as not read, never as errors.
	r = interruptAfter("plan", "-f", f, "--rate", "20")
	assert.Equal(t, exitInterrupted, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, " z.example.\n  create   name z.example., peers (none)\n", "a zone read is planned")
	assert.Regexp(t, `(?m)^[0-9a-f]{32} z\.example\. not read \(interrupted\)$`, r.stdout, "named as the file names it")
	assert.NotContains(t, r.stdout, " error: ")
	assert.Regexp(t, `\n\d+ to change \(\d+ create\), 0 in sync, \d+ not read \(interrupted\)\n$`, r.stdout)
	assert.Equal(t, "interrupted: no further zone was read\n", r.stderr)
}

// TestExportUnknownStatus: a status the desired-state format cannot hold is
// left out, with a warning, so the export still plans in sync.
func TestExportUnknownStatus(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{peer1}, Status: "Pending"})
	r := cli(t, srv, "export", zoneA)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "{\"zones\": {\n  \""+zoneA+"\": {\"name\": \"example.com.\", \"peers\": [\""+peer1+"\"]}\n}}\n", r.stdout)
	assert.Contains(t, r.stderr, `status "Pending" cannot be written in a desired-state file; left out`)
	f := writeFile(t, "export.json", r.stdout)
	assert.Equal(t, exitOK, cli(t, srv, "plan", "-f", f, "--exit-code").code)
}

// TestSavedPlanEdited: a saved plan whose actions are not what its own
// "want" and "read" give was edited by hand: the whole file is refused
// (exit 2) before any request, naming the zone.
func TestSavedPlanEdited(t *testing.T) {
	srv, _, planPath := savedFleetPlan(t)
	saved, err := os.ReadFile(planPath)
	require.NoError(t, err)

	edits := map[string]struct{ from, to, zone string }{
		// Zone A wants a name and reads configured: delete contradicts both.
		"delete instead of update":  {"\"update\",\n        \"enable\"", `"delete"`, zoneA},
		"enable dropped":            {"\"update\",\n        \"enable\"", `"update"`, zoneA},
		"in-sync zone given work":   {"\"actions\": []", `"actions": ["update"]`, zoneC},
		"disable dropped":           {"\"disable\",\n        \"delete\"", `"delete"`, zoneD},
		"want changed, not actions": {`"name": "EXAMPLE.org"`, `"name": "other.org"`, zoneC},
	}
	for name, e := range edits {
		t.Run(name, func(t *testing.T) {
			edited := strings.Replace(string(saved), e.from, e.to, 1)
			require.NotEqual(t, string(saved), edited)
			p := writeFile(t, "plan.json", edited)
			srv.ResetRequests()
			r := cli(t, srv, "apply", "--plan", p, "--yes", "--allow-destroy")
			assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
			if e.zone != "" {
				assert.Contains(t, r.stderr, "("+e.zone+"): ")
				assert.Contains(t, r.stderr, "the file was edited; nothing was sent")
			}
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
			assert.Empty(t, srv.Requests(), "refused from the file alone")
		})
	}
	// The status of a zone read as configured changed by hand: the
	// actions no longer follow.
	p := writeFile(t, "plan.json", strings.Replace(string(saved), `"status": "Disabled"`, `"status": "Enabled"`, 1))
	r := cli(t, srv, "apply", "--plan", p, "--yes", "--allow-destroy", "-o", "json")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, oneDocument(t, r.stdout), "error")
	assert.Contains(t, r.stderr, "("+zoneA+"): the actions [update, enable] are not what its \"want\" and \"read\" give ([update])")

	// "configured": false with a name is not something plan writes.
	p = writeFile(t, "plan.json", `{"format": "secondarydns-plan", "version": 1, "zones": [{"zone_id": "`+zoneB+`", "want": {"name": "b.example.", "peers": []}, "read": {"configured": false, "name": "b.example."}, "actions": ["create"]}]}`)
	srv.ResetRequests()
	r = cli(t, srv, "apply", "--plan", p, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `read: "configured" is false`)
	assert.Empty(t, srv.Requests())
}

// TestExpectedActions: the file-only check gives what the SDK's Plan gives,
// for the states a zone can be in: plan --out then apply --plan loads every
// saved zone (each is checked), and runs it.
func TestExpectedActions(t *testing.T) {
	srv := newFake(t)
	seeds := []*secondarydnstest.Config{
		nil,
		{Name: "a.example.", Peers: []string{peer1}, Status: "Enabled"},
		{Name: "A.EXAMPLE", Peers: []string{peer1, peer1}, Status: "Disabled"},
		{Name: "b.example.", Peers: nil, Status: "Disabled"},
	}
	wants := []string{
		`{"absent": true}`,
		`{"name": "a.example.", "peers": ["` + peer1 + `"]}`,
		`{"name": "a.example", "peers": ["` + peer1 + `"], "status": "Enabled"}`,
		`{"name": "a.example.", "peers": [], "status": "Disabled"}`,
		`{"name": "c.example.", "peers": ["` + peer2 + `", "` + peer1 + `"], "status": "Disabled"}`,
	}
	var b strings.Builder
	b.WriteString(`{"zones": {`)
	n := 0
	for _, seed := range seeds {
		for _, want := range wants {
			id := secondarydnstest.ZoneID(600 + n)
			if seed != nil {
				srv.Seed(id, *seed)
			}
			if n > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`"` + id + `": ` + want)
			n++
		}
	}
	b.WriteString("}}")
	f := writeFile(t, "zones.json", b.String())
	planPath := savePlan(t, srv, f)
	r := cli(t, srv, "apply", "--plan", planPath, "--yes", "--allow-destroy")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	r = cli(t, srv, "plan", "-f", f, "--exit-code")
	assert.Equal(t, exitOK, r.code, r.stdout)
}

// TestSavedPlanRefusedFromFile: a saved plan that disables or deletes
// without --allow-destroy, or has work without --yes and no terminal, is
// refused before any request: the file says what it would do.
func TestSavedPlanRefusedFromFile(t *testing.T) {
	srv, _, planPath := savedFleetPlan(t)

	srv.ResetRequests()
	r := cli(t, srv, "apply", "--plan", planPath, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "secondarydns apply: refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy; nothing was sent. 1 zone(s): "+zoneD+" old.example. (disable, delete)\n", r.stderr)
	r = cli(t, srv, "apply", "--plan", planPath, "--allow-destroy", "-o", "json")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, oneDocument(t, r.stdout), "error")
	assert.Contains(t, r.stderr, "standard input is not a terminal: pass --yes")
	assert.Empty(t, srv.Requests(), "nothing is read either")

	// Without credentials the refusal is the same: it comes first.
	r = invoke(t, invocation{args: []string{"apply", "--plan", planPath, "--yes"}})
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "without --allow-destroy")
}

// TestWrongKindOfFile: a saved plan given to -f, a desired-state file given
// to --plan, and a file with a byte-order mark say what is wrong and what
// to do.
func TestWrongKindOfFile(t *testing.T) {
	srv, f, planPath := savedFleetPlan(t)
	srv.ResetRequests()

	r := cli(t, srv, "apply", "--plan", f, "--yes")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "secondarydns apply: "+f+" is a desired-state file, not a saved plan: apply it with 'secondarydns apply -f "+f+"', or save a plan of it with 'secondarydns plan -f "+f+" --out PLAN'\n", r.stderr)
	for _, cmd := range []string{"apply", "plan"} {
		r = cli(t, srv, cmd, "-f", planPath, "--yes")
		if cmd == "plan" {
			r = cli(t, srv, cmd, "-f", planPath)
		}
		assert.Equal(t, exitUsage, r.code)
		assert.Equal(t, "secondarydns "+cmd+": "+planPath+" is a saved plan (made by 'plan --out'), not a desired-state file: apply it with 'secondarydns apply --plan "+planPath+"'\n", r.stderr)
	}
	bom := writeFile(t, "bom.json", "\ufeff"+fleetFile)
	r = cli(t, srv, "plan", "-f", bom)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, bom+": the file starts with a UTF-8 byte-order mark (BOM)")
	saved, err := os.ReadFile(planPath)
	require.NoError(t, err)
	bomPlan := writeFile(t, "bomplan.json", "\ufeff"+string(saved))
	r = cli(t, srv, "apply", "--plan", bomPlan, "--yes", "--allow-destroy")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "byte-order mark")
	assert.Empty(t, srv.Requests())
}

// TestSavedPlanStaleness: between plan --out and apply --plan, what makes a
// zone stale (and untouched) and what does not: peers compare as a set and
// names as the converge rules do (case, trailing dot), so a reorder or a
// case change is not stale; a new name, a status that was read and changed,
// and a zone that was in sync and drifted are. apply --plan re-reads every
// zone, those in sync included.
func TestSavedPlanStaleness(t *testing.T) {
	srv := newFake(t)
	var (
		reordered = secondarydnstest.ZoneID(800) // peers reordered: not stale
		recased   = secondarydnstest.ZoneID(801) // name's case and dot: not stale
		renamed   = secondarydnstest.ZoneID(802) // new name: stale
		status    = secondarydnstest.ZoneID(803) // status read, then changed: stale
		driftPeer = secondarydnstest.ZoneID(804) // in sync, then peers changed: stale
		driftStat = secondarydnstest.ZoneID(805) // in sync, then disabled: stale
		steady    = secondarydnstest.ZoneID(806) // in sync, unchanged
	)
	seed := func(id, name string, status string, peers ...string) {
		srv.Seed(id, secondarydnstest.Config{Name: name, Peers: peers, Status: status})
	}
	seed(reordered, "p.example.", "Disabled", peer1, peer2)
	seed(recased, "n.example.", "Disabled", peer1)
	seed(renamed, "r.example.", "Disabled", peer1)
	seed(status, "s.example.", "Enabled", peer1)
	seed(driftPeer, "i.example.", "Enabled", peer1)
	seed(driftStat, "j.example.", "Enabled", peer1)
	seed(steady, "k.example.", "Enabled", peer1)
	f := writeFile(t, "zones.json", `{"zones": {
  "`+reordered+`": {"name": "p.example.", "peers": ["`+peer1+`", "`+peer2+`"], "status": "Enabled"},
  "`+recased+`": {"name": "n.example.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+renamed+`": {"name": "r.example.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+status+`": {"name": "s.example.", "peers": ["`+peer1+`", "`+peer2+`"], "status": "Enabled"},
  "`+driftPeer+`": {"name": "i.example.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+driftStat+`": {"name": "j.example.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+steady+`": {"name": "k.example.", "peers": ["`+peer1+`"], "status": "Enabled"}
}}`)
	planPath := filepath.Join(t.TempDir(), "plan.json")
	r := cli(t, srv, "plan", "-f", f, "--out", planPath)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "4 to change (1 update, 3 enable), 3 in sync\n")

	seed(reordered, "p.example.", "Disabled", peer2, peer1)
	seed(recased, "N.EXAMPLE", "Disabled", peer1)
	seed(renamed, "other.example.", "Disabled", peer1)
	seed(status, "s.example.", "Disabled", peer1)
	seed(driftPeer, "i.example.", "Enabled", peer3)
	seed(driftStat, "j.example.", "Disabled", peer1)
	srv.ResetRequests()

	r = cli(t, srv, "apply", "--plan", planPath, "--yes")
	assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
	assert.ElementsMatch(t, []string{
		"POST /zones/" + reordered + "/secondary_dns/outgoing/enable",
		"POST /zones/" + recased + "/secondary_dns/outgoing/enable",
	}, writes(srv), "only the zones still as planned are written to")
	for _, id := range []string{reordered, recased, renamed, status, driftPeer, driftStat, steady} {
		read := false
		for _, q := range srv.Requests() {
			read = read || (q.Method == "GET" && q.Path == "/zones/"+id+"/secondary_dns/outgoing")
		}
		assert.True(t, read, "zone %s is re-read", id)
	}
	// The plan section's stale line names the zone (as the plan saw it).
	for id, why := range map[string][2]string{
		renamed:   {"r.example.", "name r.example. → other.example."},
		status:    {"s.example.", "status Enabled → Disabled"},
		driftPeer: {"i.example.", "peers +" + peer3 + " -" + peer1},
		driftStat: {"j.example.", "status Enabled → Disabled"},
	} {
		assert.Contains(t, r.stdout, id+" "+why[0]+" stale: secondarydns: the zone changed since it was planned ("+why[1]+"); not touched\n")
	}
	assert.Contains(t, r.stdout, reordered+" p.example.: done: enable\n")
	assert.Contains(t, r.stdout, recased+" n.example.: done: enable\n")
	assert.Contains(t, r.stdout, "2 changed, 4 failed (4 stale), 1 in sync\n")
	for id, st := range map[string]string{renamed: "Disabled", status: "Disabled", driftStat: "Disabled", driftPeer: "Enabled"} {
		cfg, _ := srv.Config(id)
		assert.Equal(t, st, cfg.Status, "stale zone %s left alone", id)
	}

	// Under -o json, a stale zone that was in sync counts as failed.
	seed(reordered, "p.example.", "Disabled", peer1, peer2)
	seed(recased, "n.example.", "Disabled", peer1)
	r = cli(t, srv, "apply", "--plan", planPath, "--yes", "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	assert.Equal(t, jsonSummary{Zones: 7, InSync: 1, Changed: 2, Failed: 4}, doc.Summary)
}

// TestInterruptReadingStdin: SIGINT while -f - waits on standard input
// exits 130 and sends nothing.
func TestInterruptReadingStdin(t *testing.T) {
	srv := newFake(t)
	ctx, in := interruptOnRead(t)
	r := invoke(t, invocation{ctx: ctx, args: []string{"plan", "-f", "-"}, env: fakeEnv(srv), stdinR: in})
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Equal(t, "secondarydns plan: interrupted while reading standard input; nothing was sent\n", r.stderr)
	assert.Empty(t, srv.Requests())
}
