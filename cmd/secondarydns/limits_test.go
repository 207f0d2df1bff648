package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestLimitRefusals: --concurrency above 64 and --rate below 0.001/s are
// exit 2 with one line saying why, nothing sent; the limits themselves pass.
func TestLimitRefusals(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com."})
	f := absentFile(t, 100, 2)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-f", f, "--concurrency", "65"}, "secondarydns plan: --concurrency 65: at most 64; Cloudflare allows 4 requests per second, so 64 zones in flight already wait on that budget and more would only open sockets (see 'secondarydns plan --help')\n"},
		{[]string{"--concurrency=10000", "get", zoneA}, "secondarydns get: --concurrency 10000: at most 64;"},
		{[]string{"get", zoneA, "--rate", "1e-300"}, "secondarydns get: --rate 1e-300: want 0 (unpaced) or at least 0.001 request per second (one every 1000 s) (see 'secondarydns get --help')\n"},
		{[]string{"plan", "-f", f, "--rate", "0.0009"}, "--rate 0.0009: want 0 (unpaced) or at least 0.001"},
	} {
		r := cli(t, srv, tc.args...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")

	// The limits themselves are fine. At 0.001/s the first request goes at once.
	r := cli(t, srv, "plan", "-f", f, "--concurrency", "64")
	assert.Equal(t, exitOK, r.code, r.stderr)
	r = cli(t, srv, "get", zoneA, "--rate", "0.001")
	assert.Equal(t, exitOK, r.code, r.stderr)
}

// TestDefaultRate: without --rate the run is paced at 3 requests per second
// (900 per 5 minutes, not Cloudflare's whole 1,200), and --help says why.
func TestDefaultRate(t *testing.T) {
	srv := newFake(t)
	w := newWatch(t, srv, 0)
	f := absentFile(t, 100, 6)
	// run directly: invoke adds --rate=0 when the arguments have no --rate.
	var out, errb strings.Builder
	env := w.env()
	code := run(t.Context(), []string{"plan", "-f", f}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	require.Equal(t, exitOK, code, errb.String())
	require.Equal(t, 6, w.count())
	// 3/s is one request every 333 ms; 4/s would be 250 ms. The mean gap
	// over five, as one gap alone moves with the machine's load.
	var sum time.Duration
	for _, g := range w.gaps() {
		sum += g
	}
	assert.GreaterOrEqual(t, sum/5, 310*time.Millisecond, "paced at 3/s: %v", w.gaps())

	help := cli(t, srv, "plan", "--help").stdout
	assert.Contains(t, help, "(default 3: 900 per 5 minutes, leaving a quarter of Cloudflare's 1,200 per 5 minutes per user to the dashboard and other tools")
	assert.Contains(t, help, "--concurrency N     work on N zones at once, at most 64 (default 4)")
}

// TestIdleConnections: the command keeps as many idle connections per host
// as zones in flight (the default transport keeps 2, and a run at 64 churned
// through 1,470 connections for 2,000 requests), and a run at --concurrency
// 32 opens at most 32 connections.
func TestIdleConnections(t *testing.T) {
	for _, n := range []int{1, 4, 64} {
		tr := (&app{concurrency: n}).transport()
		assert.Equal(t, max(n, 2), tr.MaxIdleConnsPerHost, "--concurrency %d", n)
		assert.GreaterOrEqual(t, tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}

	srv := newFake(t)
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var conns atomic.Int64
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // keep the workers overlapping
		proxy.ServeHTTP(rw, r)
	}))
	hs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	hs.Start()
	t.Cleanup(hs.Close)
	env := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": hs.URL + "/client/v4"}
	f := absentFile(t, 100, 320)
	r := invoke(t, invocation{args: []string{"plan", "-f", f, "--concurrency", "32"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.LessOrEqual(t, conns.Load(), int64(32), "connections opened for 320 requests at --concurrency 32")
}
