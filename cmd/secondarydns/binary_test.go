package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
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
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "secondarydns")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	// Seed two zones; the file then changes one, creates one, deletes one.
	seed := writeFile(t, "seed.json", `{"zones": {
  "`+zoneA+`": {"name": "example.com.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+zoneD+`": {"name": "old.example.", "peers": [], "status": "Enabled"}
}}`)
	fake := exec.Command(bin, "fake", "-f", seed)
	fakeOut, err := fake.StdoutPipe()
	require.NoError(t, err)
	var fakeErr bytes.Buffer
	fake.Stderr = &fakeErr
	require.NoError(t, fake.Start())
	defer func() { _ = fake.Process.Kill() }()
	lines := bufio.NewScanner(fakeOut)
	env := os.Environ()
	for i, prefix := range []string{"CLOUDFLARE_BASE_URL=http://127.0.0.1:", "CLOUDFLARE_API_TOKEN=" + secondarydnstest.DefaultToken} {
		require.True(t, lines.Scan(), "line %d of fake's output", i+1)
		require.True(t, strings.HasPrefix(lines.Text(), prefix), lines.Text())
		env = append(env, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, fakeOut) }()

	cmd := func(args ...string) (int, string, string) {
		c := exec.Command(bin, args...)
		c.Env = env
		var o, e bytes.Buffer
		c.Stdout, c.Stderr = &o, &e
		err := c.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), o.String(), e.String()
		}
		require.NoError(t, err)
		return 0, o.String(), e.String()
	}

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
	var base string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "CLOUDFLARE_BASE_URL="); ok {
			base = v
		}
	}
	w := newWatchURL(t, base, 0)
	c := exec.Command(bin, "apply", "-f", slow, "--yes", "--rate", "10")
	c.Env = append(append([]string{}, env...), "CLOUDFLARE_BASE_URL="+w.URL)
	var se bytes.Buffer
	c.Stderr = &se
	so := &syncBuffer{}
	c.Stdout = so
	require.NoError(t, c.Start())
	require.Eventually(t, func() bool { return w.count() >= 27 }, 30*time.Second, 10*time.Millisecond, "a few writes")
	require.NoError(t, c.Process.Signal(syscall.SIGINT))
	err = c.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, so.String()+se.String())
	assert.Equal(t, exitInterrupted, ee.ExitCode(), so.String()+se.String())
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
	require.NoError(t, fake.Process.Signal(syscall.SIGINT))
	require.NoError(t, fake.Wait(), fakeErr.String())
	assert.Contains(t, fakeErr.String(), "stopped")

	// And on SIGTERM, with exit 0.
	fake2 := exec.Command(bin, "fake")
	out2, err := fake2.StdoutPipe()
	require.NoError(t, err)
	var err2 bytes.Buffer
	fake2.Stderr = &err2
	require.NoError(t, fake2.Start())
	defer func() { _ = fake2.Process.Kill() }()
	sc := bufio.NewScanner(out2)
	require.True(t, sc.Scan(), "fake's first line")
	require.True(t, strings.HasPrefix(sc.Text(), "CLOUDFLARE_BASE_URL="), sc.Text())
	go func() { _, _ = io.Copy(io.Discard, out2) }()
	require.NoError(t, fake2.Process.Signal(syscall.SIGTERM))
	require.NoError(t, fake2.Wait(), "fake exits 0 on SIGTERM: %s", err2.String())
	assert.Contains(t, err2.String(), "stopped")
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
