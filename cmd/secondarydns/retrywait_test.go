package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// retryLine is the announcement of a Retry-After of 30 s waited in a call.
var retryLine = regexp.MustCompile(`(?m)^rate limited by Cloudflare: retrying in 30 s \(Retry-After 30 s\)$`)

// TestRetryAfterAnnounced: a 429 whose Retry-After (30 s) the SDK waits
// out inside the call is said on stderr, once however many zones in flight
// meet it, without a terminal, under -o json and --quiet too; it is not a
// lockout, so no lockout line; the progress line says "paused". The run is
// interrupted during the wait, so no test waits 30 s.
func TestRetryAfterAnnounced(t *testing.T) {
	for _, o := range []string{"text", "json"} {
		t.Run(o, func(t *testing.T) {
			srv := newFake(t)
			srv.Fail(secondarydnstest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "30", Times: 3})
			args := []string{"plan", "-f", absentFile(t, 600, 3), "--concurrency", "3", "-o", o}
			if o == "json" {
				args = append(args, "--quiet")
			}
			stderr := newLiveOutput()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan result, 1)
			go func() {
				done <- invoke(t, invocation{args: args, env: fakeEnv(srv), ctx: ctx, stderrW: stderr, plainEvery: 20 * time.Millisecond})
			}()
			stderr.waitFor(t, "rate limited by Cloudflare")
			if o == "text" {
				stderr.waitFor(t, " req/s, paused until ")
			}
			require.Eventually(t, func() bool { return len(srv.PendingFaults()) == 0 }, 10*time.Second, time.Millisecond)
			time.Sleep(50 * time.Millisecond) // the other zones' decisions, if any were announced
			cancel()
			r := <-done
			assert.Equal(t, exitInterrupted, r.code, r.stderr)
			assert.Len(t, retryLine.FindAllString(r.stderr, -1), 1, "said once: %s", r.stderr)
			assert.NotContains(t, r.stderr, "every request paused", "not a lockout")
			if o == "text" {
				assert.Regexp(t, `(?m)^planning: 0/3 zones, (-|\d+\.\d) req/s, paused until \d\d:\d\d:\d\d$`, r.stderr)
			} else {
				oneDocument(t, r.stdout)
				assert.NotContains(t, r.stderr, "planning:", "--quiet: no progress line")
			}
		})
	}
}

// TestRetryAfterAnnouncedObjectCommand: a single call (peers list) waiting
// out a Retry-After says so too.
func TestRetryAfterAnnouncedObjectCommand(t *testing.T) {
	srv, env := objFake(t)
	srv.Fail(secondarydnstest.Fault{Method: http.MethodGet, Path: accountPath("peers"), Status: http.StatusTooManyRequests, RetryAfter: "30"})
	stderr := newLiveOutput()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		done <- invoke(t, invocation{args: []string{"peers", "list"}, env: env, ctx: ctx, stderrW: stderr})
	}()
	stderr.waitFor(t, "rate limited by Cloudflare")
	cancel()
	r := <-done
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "rate limited by Cloudflare: retrying in 30 s (Retry-After 30 s)\n"), r.stderr)
}

// TestRetryAfterNotWaitedIsOnlyALockout: a 429 the call does not wait for
// (here no retries are left: WithMaxRetries(0)) is a lockout, said as one,
// and never also as a retry: one line for one 429.
func TestRetryAfterNotWaitedIsOnlyALockout(t *testing.T) {
	srv := newFake(t)
	srv.Fail(secondarydnstest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "30"})
	f := absentFile(t, 600, 1)
	stderr := newLiveOutput()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := fakeEnv(srv)
	var stdout bytes.Buffer
	a := newApp(ctx, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, stderr)
	a.sdkOptions = []secondarydns.Option{secondarydns.WithMaxRetries(0)}
	done := make(chan int, 1)
	go func() { done <- a.main([]string{"--rate=0", "plan", "-f", f}) }()
	stderr.waitFor(t, "rate limited by Cloudflare")
	time.Sleep(50 * time.Millisecond) // a second line, if any
	cancel()
	assert.Equal(t, exitInterrupted, <-done, stderr.String())
	assert.Equal(t, 1, strings.Count(stderr.String(), "rate limited by Cloudflare"), stderr.String())
	assert.Regexp(t, `(?m)^rate limited by Cloudflare: every request paused until \d\d:\d\d:\d\d \(Retry-After 30 s\)$`, stderr.String())
}

// TestRetryWaitsOncePerWait: waits whose ends are within a second of the
// last announced one are not said again; a later one is; a lockout covers
// the waits that end before it does; a Retry-After under a second is not
// said.
func TestRetryWaitsOncePerWait(t *testing.T) {
	var out bytes.Buffer
	t0 := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	now := t0
	w := &retryWaits{a: &app{stderr: &out}, now: func() time.Time { return now }}
	said := func() int { n := strings.Count(out.String(), "\n"); return n }

	w.waited(12 * time.Second) // until 08:00:12
	assert.Equal(t, "rate limited by Cloudflare: retrying in 12 s (Retry-After 12 s)\n", out.String())
	now = t0.Add(900 * time.Millisecond)
	w.waited(12 * time.Second) // 08:00:12.9: the same wait, another zone
	w.waited(11 * time.Second)
	assert.Equal(t, 1, said())
	now = t0.Add(1500 * time.Millisecond)
	w.waited(12 * time.Second) // 08:00:13.5
	assert.Equal(t, 2, said())
	assert.Equal(t, t0.Add(13500*time.Millisecond), w.pausedUntil())

	w.waited(500 * time.Millisecond)
	assert.Equal(t, 2, said(), "under a second")

	w.lockedOut(t0.Add(5 * time.Minute))
	now = t0.Add(4 * time.Minute)
	w.waited(60 * time.Second) // within the lockout
	assert.Equal(t, 2, said())
	w.waited(62 * time.Second) // past it
	assert.Equal(t, 3, said())
	assert.Equal(t, t0.Add(4*time.Minute+62*time.Second), w.pausedUntil())

	var none *retryWaits
	none.lockedOut(t0)
	assert.True(t, none.pausedUntil().IsZero())
}
