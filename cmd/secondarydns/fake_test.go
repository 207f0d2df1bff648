package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// startFake runs the fake command in-process and returns the environment
// its first two lines give, and a stop function returning its exit code.
func startFake(t *testing.T, args ...string) (map[string]string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr strings.Builder
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"fake"}, args...), func(string) string { return "" }, strings.NewReader(""), pw, &lockedWriter{w: &stderr})
		pw.Close()
	}()
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for i := 0; i < 2; i++ {
		require.True(t, sc.Scan(), "line %d", i+1)
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.True(t, ok, sc.Text())
		env[k] = v
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stopped := false
	stop := func() int {
		if stopped {
			return exitOK
		}
		stopped = true
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("fake did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return env, stop
}

// TestFakeCommand: fake prints the base URL and token as its first two
// lines, serves the zones seeded from -f, and exits 0 when told to stop. The
// README's worked example is its output.
func TestFakeCommand(t *testing.T) {
	env, stop := startFake(t, "-f", "testdata/seed.json")
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/client/v4$`, env["CLOUDFLARE_BASE_URL"])
	assert.Equal(t, secondarydnstest.DefaultToken, env["CLOUDFLARE_API_TOKEN"])

	r := invoke(t, invocation{args: []string{"plan", "-f", "testdata/desired.json"}, env: env})
	assert.Equal(t, exitOK, r.code, r.stderr)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(readme), "$ secondarydns plan -f zones.json\n")
	require.True(t, ok, "the README shows a plan")
	block, _, _ = strings.Cut(block, "```")
	assert.Equal(t, block, r.stdout, "the README's plan is the command's output")
	assert.Contains(t, string(readme), strings.TrimSpace(mustRead(t, "testdata/desired.json")), "the README's file is testdata/desired.json")

	r = invoke(t, invocation{args: []string{"apply", "-f", "testdata/desired.json", "--yes", "--allow-destroy"}, env: env})
	assert.Equal(t, exitOK, r.code, r.stderr)
	r = invoke(t, invocation{args: []string{"plan", "-f", "testdata/desired.json", "--exit-code"}, env: env})
	assert.Equal(t, exitOK, r.code, r.stdout)
	assert.Equal(t, exitOK, stop())
}

// TestFakeRateLimit: --rate-limit makes the fake answer 429 with code 10100
// beyond N requests per window.
func TestFakeRateLimit(t *testing.T) {
	env, stop := startFake(t, "--rate-limit", "3/5m", "--addr", "127.0.0.1:0") // Retry-After 300 s: more than the client waits for
	for i := 0; i < 3; i++ {
		r := invoke(t, invocation{args: []string{"get", zoneA}, env: env})
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stderr, "404")
	}
	r := invoke(t, invocation{args: []string{"get", zoneA, "-o", "json"}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, `"status": 429`)
	assert.Contains(t, r.stdout, "10100")
	assert.Equal(t, exitOK, stop())
}

// TestFakeAddr: --addr HOST:PORT listens there and says so.
func TestFakeAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	env, stop := startFake(t, "--addr", addr)
	assert.Equal(t, "http://"+addr+"/client/v4", env["CLOUDFLARE_BASE_URL"])
	r := invoke(t, invocation{args: []string{"get", zoneA}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "404", "the fake answers on "+addr)
	assert.Equal(t, exitOK, stop())
}

// TestFakeBadInput: a bad seed file, a zone ID the fake cannot serve or an
// address it cannot listen on is exit 2.
func TestFakeBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-f", writeFile(t, "seed.json", `{"zones": {"zone-1": {"name": "a.example.", "peers": []}}}`)}, `zones["zone-1"]: the fake's zone IDs are 32 lowercase hexadecimal characters`},
		{[]string{"-f", writeFile(t, "seed.json", `{"zones": {"`+zoneA+`": {"name": "a.example."}}}`)}, `missing field "peers"`},
		{[]string{"--addr", "256.0.0.1:http"}, "--addr 256.0.0.1:http"},
		{[]string{"--rate-limit", "0/1m"}, "want N/DURATION with N ≥ 1"},
		{[]string{"--rate-limit", "5/0s"}, "a positive duration"},
	} {
		r := invoke(t, invocation{args: append([]string{"fake"}, tc.args...)})
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want)
		assert.Empty(t, r.stdout)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
