package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

// TestPlainProgress: without a terminal, a fleet command writes its
// progress as whole lines on stderr every interval (10 s; shortened here),
// never a line drawn in place; --quiet writes none.
func TestPlainProgress(t *testing.T) {
	srv := newFake(t)
	f := absentFile(t, 500, 12)
	inv := invocation{args: []string{"plan", "-f", f, "--rate", "9"}, env: fakeEnv(srv), plainEvery: 150 * time.Millisecond} // 12 reads: over 1 s
	r := invoke(t, inv)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "\r")
	assert.NotContains(t, r.stderr, "\x1b")
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	assert.GreaterOrEqual(t, len(lines), 3, r.stderr)
	for _, l := range lines {
		assert.Regexp(t, `^planning: \d+/12 zones, (-|\d+\.\d) req/s, (-|[0-9hms.]+) left$`, l)
	}
	assert.Regexp(t, `, \d+\.\d req/s, `, r.stderr, "a rate once there is a second of data")
	assert.Equal(t, "0 to change, 12 in sync\n", r.stdout, "stdout holds the plan only")

	inv.args = append(inv.args, "--quiet")
	r = invoke(t, inv)
	assert.Equal(t, exitOK, r.code)
	assert.Empty(t, r.stderr)

	// export reads the same way, and says "reading": it plans nothing.
	seedFleet(srv)
	inv = invocation{args: []string{"export", "--rate", "9", zoneA, zoneC, zoneD}, env: fakeEnv(srv), plainEvery: 150 * time.Millisecond} // 6 reads
	r = invoke(t, inv)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "planning")
	assert.Regexp(t, `(?m)\Areading: \d+/\d+ zones, (-|\d+\.\d) req/s, (-|[0-9hms.]+) left$`, r.stderr)
}

// holdWrites is a proxy in front of srv that holds every write to zone
// until release is closed.
func holdWrites(t *testing.T, srv *secondarydnstest.Server, zone string, release <-chan struct{}) string {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // the requests --timeout cuts
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && strings.Contains(r.URL.Path, zone) {
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		proxy.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL + "/client/v4"
}

// TestApplyStreamsResults: apply writes each zone's result line as the
// zone finishes, not at the end: zoneA's line is out while zoneB's writes
// are still held. Text mode writes them on stdout, -o json on stderr
// (stdout stays one JSON document); the final report does not repeat
// them, and the summary comes last.
func TestApplyStreamsResults(t *testing.T) {
	for _, o := range []string{"text", "json"} {
		t.Run(o, func(t *testing.T) {
			srv := newFake(t)
			seedFleet(srv)
			f := writeFile(t, "safe.json", safeFile)
			release := make(chan struct{})
			env := fakeEnv(srv)
			env["CLOUDFLARE_BASE_URL"] = holdWrites(t, srv, zoneB, release)
			stdout, stderr := newLiveOutput(), newLiveOutput()
			lines := stdout
			if o == "json" {
				lines = stderr
			}
			done := make(chan result, 1)
			go func() {
				done <- invoke(t, invocation{args: []string{"apply", "-f", f, "--yes", "-o", o}, env: env, stdoutW: stdout, stderrW: stderr})
			}()
			aLine := zoneA + " example.com.: done: update, enable\n"
			seen := lines.waitFor(t, aLine)
			select {
			case r := <-done:
				t.Fatalf("apply ended while zoneB was held: %+v", r)
			default:
			}
			assert.True(t, seen, "zoneA's line came before the apply finished")
			_, results, _ := strings.Cut(lines.String(), "1 in sync\n") // after the plan
			assert.NotContains(t, results, zoneB, "zoneB is not done")
			close(release)
			r := <-done
			assert.Equal(t, exitOK, r.code, r.stderr)
			out := lines.String()
			assert.Equal(t, 1, strings.Count(out, aLine), "each zone once: %s", out)
			assert.Equal(t, 1, strings.Count(out, zoneB+" new.example.: done: create, enable\n"), out)
			assert.True(t, strings.HasSuffix(out, aLine+zoneB+" new.example.: done: create, enable\n2 changed, 0 failed, 1 in sync\n"), out)
			if o == "json" {
				doc := oneDocument(t, r.stdout)
				assert.Contains(t, string(doc["summary"]), `"changed": 2`)
			}
		})
	}
}

// TestLockoutAnnounced: a rate-limit lockout is said once on stderr, with
// its end and Retry-After, without a terminal, under -o json and --quiet
// too, however many zones in flight meet it; the progress line says
// "paused" (until its end) instead of a time left. The run is interrupted
// during the pause, so no test waits 5 minutes.
func TestLockoutAnnounced(t *testing.T) {
	for _, o := range []string{"text", "json"} {
		t.Run(o, func(t *testing.T) {
			srv := newFake(t)
			// Every zone in flight meets the 429.
			srv.Fail(secondarydnstest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "300", Times: 3})
			f := absentFile(t, 600, 3)
			args := []string{"plan", "-f", f, "--concurrency", "3", "-o", o}
			if o == "json" {
				args = append(args, "--quiet")
			}
			stderr := newLiveOutput()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan result, 1)
			before := time.Now()
			go func() {
				done <- invoke(t, invocation{args: args, env: fakeEnv(srv), ctx: ctx, stderrW: stderr, plainEvery: 20 * time.Millisecond})
			}()
			stderr.waitFor(t, "rate limited by Cloudflare")
			after := time.Now()
			if o == "text" {
				stderr.waitFor(t, " req/s, paused until ")
			}
			cancel() // SIGINT: the pause ends at once
			r := <-done
			assert.Equal(t, exitInterrupted, r.code, r.stderr)

			re := regexp.MustCompile(`(?m)^rate limited by Cloudflare: every request paused until (\d\d:\d\d:\d\d) \(Retry-After 300 s\)$`)
			m := re.FindAllStringSubmatch(r.stderr, -1)
			require.Len(t, m, 1, "said once: %s", r.stderr)
			ok := false
			for at := before.Add(300 * time.Second).Truncate(time.Second); !at.After(after.Add(300 * time.Second)); at = at.Add(time.Second) {
				ok = ok || at.Format(time.TimeOnly) == m[0][1]
			}
			assert.True(t, ok, "until %s: want 300 s after the 429 (%s)", m[0][1], before.Format(time.TimeOnly))
			if o == "text" {
				assert.Regexp(t, `(?m)^planning: 0/3 zones, (-|\d+\.\d) req/s, paused until `+m[0][1]+`$`, r.stderr)
				assert.NotRegexp(t, `(?m)^planning: .* left$`, r.stderr[strings.Index(r.stderr, "rate limited"):], "no time left while paused")
			} else {
				oneDocument(t, r.stdout)
				assert.NotContains(t, r.stderr, "planning:", "--quiet: no progress line")
			}
		})
	}
}

// TestVerifyPlainProgress: verify reads through the fleet runner too: a
// lockout during its reads is said on stderr, and its progress line, without
// a terminal, comes as whole lines saying "paused".
func TestVerifyPlainProgress(t *testing.T) {
	r := newVerifyRig(t, 1)
	var args []string
	for i := range 3 {
		id := secondarydnstest.ZoneID(700 + i)
		r.zone(t, id, fmt.Sprintf("z%d.example.", i))
		args = append(args, id)
	}
	r.srv.Fail(secondarydnstest.Fault{Kind: "outgoing", Status: http.StatusTooManyRequests, RetryAfter: "120"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = context.WithValue(ctx, verifyHooksKey{}, verifyHooks{
		querier:  &verify.Querier{Timeout: 2 * time.Second, Tries: 1},
		interval: verify.DefaultInterval,
		now:      r.clock.now,
		sleep:    r.clock.sleep,
	})
	stderr := newLiveOutput()
	done := make(chan result, 1)
	go func() {
		done <- invoke(t, invocation{args: append([]string{"verify", "-o", "json"}, args...), env: r.env, ctx: ctx, stderrW: stderr, plainEvery: 20 * time.Millisecond})
	}()
	stderr.waitFor(t, "rate limited by Cloudflare: every request paused until ")
	stderr.waitFor(t, " req/s, paused until ")
	cancel()
	res := <-done
	assert.Equal(t, exitInterrupted, res.code, res.stderr)
	assert.Equal(t, 1, strings.Count(res.stderr, "(Retry-After 120 s)\n"), res.stderr)
	assert.Regexp(t, `(?m)^verifying: \d+/3 zones, (-|\d+\.\d) req/s, paused until \d\d:\d\d:\d\d$`, res.stderr)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc), res.stdout)
}

// TestApplyTimeout: --timeout that passes while apply runs is said in one
// line (not one per zone left); the zone it cut, whose create was in
// flight (sent, its answer never came), is reported unknown, not "not
// started", and listed as unfinished under -o json.
func TestApplyTimeout(t *testing.T) {
	for _, o := range []string{"text", "json"} {
		t.Run(o, func(t *testing.T) {
			srv := newFake(t)
			seedFleet(srv)
			f := writeFile(t, "safe.json", safeFile)
			release := make(chan struct{})
			env := fakeEnv(srv)
			env["CLOUDFLARE_BASE_URL"] = holdWrites(t, srv, zoneB, release)
			t.Cleanup(func() { close(release) }) // before the proxy closes
			r := invoke(t, invocation{args: []string{"apply", "-f", f, "--yes", "--timeout", "1s", "-o", o}, env: env})
			assert.Equal(t, exitFailed, r.code, r.stderr)
			report := r.stdout
			if o == "json" {
				report = strings.Replace(r.stderr, "secondarydns apply: --timeout 1s passed; 1 of 3 zone(s) unfinished\n", "", 1)
				var doc struct {
					Unfinished []string `json:"unfinished"`
				}
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
				assert.Equal(t, []string{zoneB}, doc.Unfinished)
			}
			assert.Equal(t, 1, strings.Count(r.stderr, "--timeout"), r.stderr)
			assert.Contains(t, r.stderr, "secondarydns apply: --timeout 1s passed; 1 of 3 zone(s) unfinished\n")
			_, results, _ := strings.Cut(report, "1 in sync\n") // after the plan
			lines := strings.SplitAfter(results, "\n")
			require.Len(t, lines, 5, results)
			assert.Equal(t, zoneA+" example.com.: done: update, enable\n", lines[0])
			assert.True(t, strings.HasPrefix(lines[1], zoneB+" new.example.: unknown: create was sent, its answer was lost: "), lines[1])
			assert.Equal(t, "1 changed, 1 failed (1 unknown), 1 in sync\n"+
				"run plan again to see what is left to do\n", lines[2]+lines[3])
		})
	}
}

// TestExportTimeout: export cut by --timeout says so in one line, and one
// more that nothing was written with the unfinished zones counted: no line
// per zone.
func TestExportTimeout(t *testing.T) {
	srv := newFake(t)
	var ids []string
	for i := range 10 {
		ids = append(ids, secondarydnstest.ZoneID(800+i))
	}
	r := cli(t, srv, append([]string{"export", "--rate", "5", "--timeout", "500ms"}, ids...)...)
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	require.Len(t, lines, 2, r.stderr)
	assert.Regexp(t, `^secondarydns export: stopped early: --timeout 500ms would pass before the remaining requests' turns under --rate 5; (\d+) of 10 zone\(s\) unfinished$`, lines[0])
	n := regexp.MustCompile(`(\d+) of 10`).FindStringSubmatch(lines[0])[1]
	assert.Equal(t, "secondarydns export: "+n+" of 10 zones could not be read ("+n+" unfinished: --timeout); nothing was written", lines[1])
}

// TestAppliedLine: each state's result line. A zone --timeout cut gets one
// only if it had done something (the summary counts the others); so does a
// zone interrupted part way.
func TestAppliedLine(t *testing.T) {
	plan := func(done ...secondarydns.Action) *secondarydns.Plan {
		return &secondarydns.Plan{ZoneID: zoneA, Want: secondarydns.Desired{Name: "example.com."},
			Actions: []secondarydns.Action{secondarydns.ActionUpdate, secondarydns.ActionEnable}, Done: done}
	}
	cut := fmt.Errorf("secondarydns: zone %s: enable: %w", zoneA, context.DeadlineExceeded)
	for _, tc := range []struct {
		o           outcome
		interrupted bool
		want        string
	}{
		{outcome{id: zoneA, plan: plan(secondarydns.ActionUpdate, secondarydns.ActionEnable), err: nil}, false, zoneA + " example.com.: done: update, enable"},
		{outcome{id: zoneA, plan: plan(secondarydns.ActionUpdate), err: cut}, false, zoneA + " example.com.: unfinished (done: update): --timeout"},
		{outcome{id: zoneA, plan: plan(), err: cut}, false, ""},
		{outcome{id: zoneA, plan: plan(secondarydns.ActionUpdate), err: errInterrupted}, true, zoneA + " example.com.: interrupted (done: update)"},
		{outcome{id: zoneA, plan: plan(), err: errInterrupted}, true, ""},
		{outcome{id: zoneA, plan: plan(), err: errors.New("boom")}, false, zoneA + " example.com.: failed (nothing done): boom"},
	} {
		assert.Equal(t, tc.want, appliedLine(tc.o, tc.interrupted))
	}
}
