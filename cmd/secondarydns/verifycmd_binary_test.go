package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

// TestBinaryVerify builds the real command and drives verify as a
// monitoring script would, against fake --secondaries 2: in sync (0),
// not serving (3), --wait alone (3), --notify until the secondaries take the
// zone (0), unreachable and behind through --ns (3), a zone the API cannot
// read (1, over 3), usage (2), and SIGINT during a paced run (130, with what
// was checked).
func TestBinaryVerify(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	bin := builtBinary(t)

	var seed strings.Builder
	seed.WriteString(`{"zones": {"` + zoneA + `": {"name": "example.com.", "peers": [], "status": "Enabled"}`)
	for i := range 11 {
		fmt.Fprintf(&seed, `, "%s": {"name": "z%d.example.", "peers": [], "status": "Enabled"}`, secondarydnstest.ZoneID(200+i), i)
	}
	seed.WriteString("}}")
	seedFile := writeFile(t, "seed.json", seed.String())

	fake := startBinaryFake(t, bin, []string{"CLOUDFLARE_BASE_URL=", "CLOUDFLARE_API_TOKEN=", "CLOUDFLARE_ACCOUNT_ID=" + secondarydnstest.DefaultAccountID}, "-f", seedFile, "--secondaries", "2")
	env := fake.env
	cmd := func(args ...string) (int, string, string) {
		t.Helper()
		return runBinary(t, bin, env, "", append(args, "--rate", "0")...)
	}

	// The seed is in sync at once.
	code, stdout, stderr := cmd("verify", "-f", seedFile)
	assert.Equal(t, exitOK, code, stdout+stderr)
	assert.Equal(t, "12 zones: 12 in sync on every secondary, 0 behind, 0 failed\n", stdout)

	// A zone enabled before the secondaries were its peers: they never got
	// a NOTIFY for it, so they refuse it.
	code, stdout, stderr = cmd("peers", "list", "-o", "json")
	require.Equal(t, exitOK, code, stderr)
	var peers []secondarydns.Peer
	require.NoError(t, json.Unmarshal([]byte(stdout), &peers))
	require.Len(t, peers, 2)
	for _, args := range [][]string{
		{"create", zoneC, "--name", "new.example."},
		{"enable", zoneC},
		{"update", zoneC, "--name", "new.example.", "--peer", peers[0].ID, "--peer", peers[1].ID},
	} {
		code, stdout, stderr = cmd(args...)
		require.Equal(t, exitOK, code, "%v: %s%s", args, stdout, stderr)
	}
	code, stdout, _ = cmd("verify", zoneC)
	assert.Equal(t, exitChanges, code, stdout)
	assert.Regexp(t, `secondary-1 +127\.0\.0\.1:\d+ +not_serving +- +not serving the zone: REFUSED\n`, stdout)
	assert.Contains(t, stdout, "1 zone: 0 in sync on every secondary, 0 behind, 1 unreachable or not serving, 0 failed\n", "not behind: a NOTIFY would not help")

	// --wait alone sends nothing: still not serving.
	code, stdout, _ = cmd("verify", zoneC, "--wait", "300ms")
	assert.Equal(t, exitChanges, code, stdout)

	// --notify: one force_notify, the fake's NOTIFY reaches the
	// secondaries, they take the zone, and the next round finds it in sync.
	code, stdout, stderr = cmd("verify", "new.example", "--notify", "--wait", "300ms", "-o", "json")
	assert.Equal(t, exitOK, code, stdout+stderr)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	require.Len(t, doc.Zones, 1)
	assert.True(t, doc.Zones[0].Notified)
	assert.Nil(t, doc.Zones[0].LastTransferredTime, "as read before the notification: never")
	for _, tg := range doc.Zones[0].Targets {
		assert.Equal(t, verify.InSync, tg.State)
	}
	assert.Equal(t, jsonVerifySummary{Zones: 1, InSync: 1}, doc.Summary)

	// --ns: a closed port is unreachable, a nameserver with an old serial
	// is behind.
	closed := fmt.Sprintf("127.0.0.1:%d", closedPort(t))
	code, stdout, _ = cmd("verify", zoneA, "--ns", closed)
	assert.Equal(t, exitChanges, code, stdout)
	assert.Regexp(t, regexp.QuoteMeta(closed)+` +`+regexp.QuoteMeta(closed)+` +unreachable +- +the network refused the query \(connection refused\)\n`, stdout)
	old := secondarydnstest.NewSecondary()
	defer old.Close()
	old.Serve("example.com.", 1)
	code, stdout, _ = cmd("verify", zoneA, "--ns", old.Addr.String())
	assert.Equal(t, exitChanges, code, stdout)
	assert.Regexp(t, `behind +1\n`, stdout)

	// A zone the API cannot read (no configuration) is 1, over the 3 of
	// the unreachable target.
	code, stdout, _ = cmd("verify", zoneA, zoneB, "--ns", closed)
	assert.Equal(t, exitFailed, code, stdout)
	assert.Contains(t, stdout, "2 zones: 0 in sync on every secondary, 0 behind, 1 unreachable or not serving, 1 failed\n")

	// Usage.
	code, _, stderr = cmd("verify")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "give the zones to check")

	// SIGINT during a paced run: the zones read by then are checked and
	// reported, the rest are not read.
	w := newWatchURL(t, fake.baseURL(), 0)
	c, so, se := startBinary(t, bin, append(append([]string{}, env...), "CLOUDFLARE_BASE_URL="+w.URL), "verify", "-f", seedFile, "--rate", "4", "--concurrency", "1")
	require.Eventually(t, func() bool { return w.count() >= 3 }, 30*time.Second, 10*time.Millisecond, "the peers list and two zones")
	require.NoError(t, c.Process.Signal(syscall.SIGINT))
	assert.Equal(t, exitInterrupted, exitCode(t, c.Wait()), so.String()+se.String())
	m := regexp.MustCompile(`^(\d+) zones?: (\d+) in sync on every secondary, 0 behind, 0 failed\n$`).FindStringSubmatch(so.String())
	require.NotNil(t, m, so.String())
	assert.Equal(t, m[1], m[2])
	assert.NotEqual(t, "12", m[1], "interrupted before the end")
	assert.Regexp(t, `interrupted: \d+ of 12 zone\(s\) not checked\n`, se.String())

	fake.stop(t, syscall.SIGINT)
}
