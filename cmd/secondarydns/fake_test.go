package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
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

// TestFakeSeedZone: a zone of the file is seeded with its configuration; an
// absent one is known to the fake without one, so a strict fake answers it
// 1003 (no configuration), not 7003 (unknown ID).
func TestFakeSeedZone(t *testing.T) {
	srv := newFake(t, secondarydnstest.WithStrictZones())
	require.NoError(t, seedZone(srv, zoneA, secondarydns.Desired{Name: "example.com.", Peers: []string{peer1}, Status: secondarydns.StatusEnabled}))
	require.NoError(t, seedZone(srv, zoneB, secondarydns.Desired{Absent: true}))
	cfg, ok := srv.Config(zoneA)
	require.True(t, ok)
	assert.Equal(t, []string{"example.com.", peer1, "Enabled"}, []string{cfg.Name, cfg.Peers[0], cfg.Status})
	_, ok = srv.Config(zoneB)
	assert.False(t, ok, "absent: no configuration")

	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.Outgoing.Get(t.Context(), zoneB)
	require.ErrorIs(t, err, secondarydns.ErrNotFound)
	assert.NotErrorIs(t, err, secondarydns.ErrUnknownID, "the absent zone is known")
	_, err = c.Outgoing.Get(t.Context(), secondarydnstest.ZoneID(9))
	assert.ErrorIs(t, err, secondarydns.ErrUnknownID, "a zone not in the file is not")

	assert.EqualError(t, seedZone(srv, "zone-1", secondarydns.Desired{Absent: true}), "the fake's zone IDs are 32 lowercase hexadecimal characters")
}

// TestFakeListsSeededZones: the zones fake -f seeds are listed by GET /zones.
func TestFakeListsSeededZones(t *testing.T) {
	file := writeFile(t, "seed.json", `{"zones": {
		"`+zoneA+`": {"name": "example.com.", "peers": []},
		"`+zoneB+`": {"absent": true}}}`)
	env, stop := startFake(t, "-f", file)
	req, err := http.NewRequest("GET", env["CLOUDFLARE_BASE_URL"]+"/zones?name=example.com", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+env["CLOUDFLARE_API_TOKEN"])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page struct{ Result []secondarydns.Zone }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	require.Len(t, page.Result, 1)
	assert.Equal(t, zoneA, page.Result[0].ID)
	assert.Equal(t, "example.com", page.Result[0].Name)
	assert.Equal(t, exitOK, stop())
}

// countdownContext is a context that ends by itself after its Err has been
// asked a number of times: a signal that arrives while the fake is seeding.
type countdownContext struct {
	context.Context
	mu   sync.Mutex
	left int
	done chan struct{}
}

// newCountdownContext ends after n calls of Err, or after 5 s, whichever
// comes first (so a command that never asks does not hang its test).
func newCountdownContext(t *testing.T, n int) *countdownContext {
	c := &countdownContext{Context: context.Background(), left: n, done: make(chan struct{})}
	timer := time.AfterFunc(5*time.Second, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.count(c.left)
	})
	t.Cleanup(func() { timer.Stop() })
	return c
}

// count takes n from the calls left, ending the context at 0. The caller
// holds c.mu.
func (c *countdownContext) count(n int) {
	if c.left > 0 {
		if c.left -= n; c.left <= 0 {
			c.left = 0
			close(c.done)
		}
	}
}

func (c *countdownContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	if c.left == 0 {
		return context.Canceled
	}
	return nil
}

func (c *countdownContext) Done() <-chan struct{} { return c.done }

// TestFakeSeedingStopsOnSignal: SIGINT while seeding a large file ends the
// fake there (exit 0, as fake always exits on a signal), without seeding the
// rest or serving.
func TestFakeSeedingStopsOnSignal(t *testing.T) {
	const n = 2000
	file := zonesFile(t, "big.json", 1, n, func(string) string { return `{"name": "example.com.", "peers": []}` })
	ctx := newCountdownContext(t, 50)
	var stdout, stderr strings.Builder
	code := run(ctx, []string{"fake", "-f", file}, func(string) string { return "" }, strings.NewReader(""), &stdout, &lockedWriter{w: &stderr})
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stdout.String(), "never served")
	assert.Regexp(t, `secondarydns fake: stopped while seeding \(\d+ of 2000 zone\(s\) seeded\)`, stderr.String())
	var seeded int
	_, err := fmt.Sscanf(stderr.String()[strings.Index(stderr.String(), "(")+1:], "%d", &seeded)
	require.NoError(t, err)
	assert.Less(t, seeded, n)
}

// TestFakeProxyKeepsConnections: the fake's proxy keeps its connections to
// the server behind it across bursts of concurrent requests, instead of
// opening (and closing) one for nearly every request.
func TestFakeProxyKeepsConnections(t *testing.T) {
	const concurrency, rounds = 16, 10
	var opened atomic.Int64
	backend := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // so each round's requests overlap
		w.WriteHeader(http.StatusNoContent)
	}))
	backend.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	backend.Start()
	defer backend.Close()
	target, err := url.Parse(backend.URL)
	require.NoError(t, err)
	front := httptest.NewServer(newFakeProxy(target))
	defer front.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	defer client.CloseIdleConnections()

	for range rounds {
		var wg sync.WaitGroup
		for range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get(front.URL + "/client/v4/zones")
				if assert.NoError(t, err) {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
		wg.Wait()
	}
	// net/http's default transport keeps 2 idle connections per host: about
	// 2 + 14 per round would be opened.
	assert.LessOrEqual(t, opened.Load(), int64(2*concurrency), "connections opened for %d requests", concurrency*rounds)
}
