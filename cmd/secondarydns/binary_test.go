package main

import (
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinary builds the real command and drives it as a user's script
// would: fake in the background, apply --yes against it, plan --exit-code
// 0 afterwards, SIGINT during a slow apply (exit 130 with a report), and
// SIGINT to fake (exit 0).
func TestBinary(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	bin := builtBinary(t)

	// Seed two zones; the file then changes one, creates one, deletes one.
	seed := writeFile(t, "seed.json", `{"zones": {
  "`+zoneA+`": {"name": "example.com.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+zoneD+`": {"name": "old.example.", "peers": [], "status": "Enabled"}
}}`)
	fake := startBinaryFake(t, bin, []string{"CLOUDFLARE_BASE_URL=http://127.0.0.1:", "CLOUDFLARE_API_TOKEN=" + secondarydnstest.DefaultToken}, "-f", seed)
	env := fake.env
	cmd := func(args ...string) (int, string, string) { return runBinary(t, bin, env, "", args...) }

	file := writeFile(t, "zones.json", `{"zones": {
  "`+zoneA+`": {"name": "example.com.", "peers": ["`+peer1+`", "`+peer2+`"], "status": "Enabled"},
  "`+zoneB+`": {"name": "new.example.", "peers": ["`+peer2+`"], "status": "Enabled"},
  "`+zoneD+`": {"absent": true}
}}`)
	code, stdout, stderr := cmd("plan", "-f", file, "--exit-code", "--rate", "0")
	assert.Equal(t, exitChanges, code, stdout+stderr)
	code, _, stderr = cmd("apply", "-f", file, "--rate", "0", "--allow-destroy")
	assert.Equal(t, exitUsage, code, "stdin is not a terminal: --yes needed")
	assert.Contains(t, stderr, "pass --yes")
	code, stdout, stderr = cmd("apply", "-f", file, "--yes", "--allow-destroy", "--rate", "0")
	assert.Equal(t, exitOK, code, stdout+stderr)
	assert.Contains(t, stdout, "3 changed, 0 failed, 0 in sync\n")
	code, stdout, stderr = cmd("plan", "-f", file, "--exit-code", "--rate", "0")
	assert.Equal(t, exitOK, code, stdout+stderr)
	assert.Equal(t, "0 to change, 3 in sync\n", stdout)
	code, stdout, _ = cmd("status", zoneB, "-o", "json")
	assert.Equal(t, exitOK, code)
	assert.JSONEq(t, `{"zone_id": "`+zoneB+`", "status": "Enabled"}`, stdout)

	// A slow apply, interrupted: 20 zones to create and enable at 10
	// requests per second take 6 s; SIGINT comes once the writes started.
	slow := zonesFile(t, "slow.json", 300, 20, func(id string) string {
		return `{"name": "z` + id[28:] + `.example.", "peers": [], "status": "Enabled"}`
	})
	// It goes through a proxy that counts the requests, to interrupt it
	// once the writes have started (20 reads, then per zone the SDK's
	// check read before its writes: with 4 zones in flight, 3 writes have
	// left by request 27).
	w := newWatchURL(t, fake.baseURL(), 0)
	c, so, se := startBinary(t, bin, append(append([]string{}, env...), "CLOUDFLARE_BASE_URL="+w.URL), "apply", "-f", slow, "--yes", "--rate", "10")
	require.Eventually(t, func() bool { return w.count() >= 27 }, 30*time.Second, 10*time.Millisecond, "a few writes")
	require.NoError(t, c.Process.Signal(syscall.SIGINT))
	assert.Equal(t, exitInterrupted, exitCode(t, c.Wait()), so.String()+se.String())
	report := so.String()
	assert.Contains(t, report, "interrupted: ")
	assert.Contains(t, report, "not started")
	assert.Regexp(t, `: (interrupted \(done: create\)|done: create, enable)\n`, report, "what finished is reported")

	// What was reported done is done; the zones not started were not touched.
	code, stdout, _ = cmd("plan", "-f", slow, "--rate", "0")
	assert.Equal(t, exitOK, code)
	started := strings.Count(report, "done: create")
	m := regexp.MustCompile(`(\d+) not started`).FindStringSubmatch(report)
	require.NotNil(t, m, report)
	notStarted, _ := strconv.Atoi(m[1])
	assert.Positive(t, started)
	assert.Equal(t, 20, started+notStarted, report)
	assert.Equal(t, notStarted, strings.Count(stdout, "  create "), "the zones not started still need their create:\n%s", stdout)

	// fake stops on SIGINT with exit 0.
	assert.Contains(t, fake.stop(t, syscall.SIGINT), "stopped")

	// And on SIGTERM, with exit 0.
	fake2 := startBinaryFake(t, bin, []string{"CLOUDFLARE_BASE_URL="})
	assert.Contains(t, fake2.stop(t, syscall.SIGTERM), "stopped")
}
