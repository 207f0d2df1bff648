package main

import (
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinaryOutputWithoutTerminal drives the built command with stdout and
// stderr as pipes, as a CI job runs it: zoneA's result line is on stdout
// while zoneB's writes are still held (and the command still running); then
// zoneB's create meets a 2-minute lockout, said at once on stderr, and
// within 10 s the plain progress line says "paused". SIGINT then ends the
// wait (exit 130). It waits the real 10 s of the progress line's interval.
func TestBinaryOutputWithoutTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, waits 10 s")
	}
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	bin := builtBinary(t)

	srv := newFake(t)
	seedFleet(srv)
	srv.Fail(secondarydnstest.Fault{Zone: zoneB, Action: "create", Status: http.StatusTooManyRequests, RetryAfter: "120"})
	release := make(chan struct{})
	base := holdWrites(t, srv, zoneB, release)
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})
	f := writeFile(t, "safe.json", safeFile)
	c := exec.Command(bin, "apply", "-f", f, "--yes", "--rate", "0")
	c.Env = append(os.Environ(), "CLOUDFLARE_API_TOKEN="+secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL="+base)
	so, se := newLiveOutput(), newLiveOutput()
	c.Stdout, c.Stderr = so, se
	start := time.Now()
	require.NoError(t, c.Start())
	defer func() { _ = c.Process.Kill() }()

	aLine := zoneA + " example.com.: done: update, enable\n"
	so.waitFor(t, aLine)
	assert.Nil(t, c.ProcessState, "the command still runs")
	close(release)
	released = true
	se.waitFor(t, "rate limited by Cloudflare: every request paused until ")
	assert.Regexp(t, `(?m)^rate limited by Cloudflare: every request paused until \d\d:\d\d:\d\d \(Retry-After 120 s\)$`, se.String())
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(se.String(), "req/s, paused until ") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	assert.Regexp(t, `(?m)^applying: 1/2 zones, \d+\.\d req/s, paused until \d\d:\d\d:\d\d$`, se.String())
	assert.GreaterOrEqual(t, time.Since(start), 9*time.Second, "the first progress line comes after 10 s")
	assert.NotContains(t, se.String(), "\r", "no line drawn in place")

	require.NoError(t, c.Process.Signal(syscall.SIGINT))
	assert.Equal(t, exitInterrupted, exitCode(t, c.Wait()), so.String()+se.String())
	assert.Equal(t, 1, strings.Count(so.String(), aLine), "zoneA's line once: %s", so.String())
	assert.Regexp(t, regexp.MustCompile(`(?m)^interrupted: 1 changed, 1 failed .*, 1 in sync$`), so.String())
}
