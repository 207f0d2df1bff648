package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// gate is a proxy in front of a fake that holds the requests hold picks
// until release is called, and counts every request that arrives.
type gate struct {
	URL string // the base URL, with /client/v4

	mu       sync.Mutex
	arrivals int
	held     int
	open     chan struct{}
	once     sync.Once
}

func newGate(t *testing.T, srv *secondarydnstest.Server, hold func(*http.Request) bool) *gate {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a request given up on when the test ends
	g := &gate{open: make(chan struct{})}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.arrivals++
		held := hold(r)
		if held {
			g.held++
		}
		g.mu.Unlock()
		if held {
			<-g.open
		}
		// Forwarded even if the client has given up on it, as a
		// server that got the request would act on it.
		proxy.ServeHTTP(w, r.WithContext(context.WithoutCancel(r.Context())))
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(g.release) // before hs.Close: no handler left waiting
	g.URL = hs.URL + "/client/v4"
	return g
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

func (g *gate) counts() (arrivals, held int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.arrivals, g.held
}

func (g *gate) env() map[string]string {
	return map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": g.URL}
}

// TestInterruptInFlight: SIGINT while --concurrency 4 writes are in flight
// (a slow server holds them) lets those four finish and be reported done,
// and starts no request after it: not the next zone's, not a check read.
func TestInterruptInFlight(t *testing.T) {
	srv := newFake(t)
	f := zonesFile(t, "zones.json", 960, 12, func(id string) string {
		return `{"name": "z` + id[28:] + `.example.", "peers": []}`
	})
	g := newGate(t, srv, func(r *http.Request) bool { return r.Method != http.MethodGet })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan struct{})
	var stdout, stderr bytes.Buffer
	env := g.env()
	a := newApp(ctx, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	a.onInterrupt = func() { close(stopped) }
	done := make(chan int)
	go func() { done <- a.main([]string{"apply", "-f", f, "--yes", "--rate", "0", "--concurrency", "4"}) }()

	// 12 plan reads, then per zone a check read and its create: with four
	// creates held, every worker waits on one, and nothing else can start.
	require.Eventually(t, func() bool { _, held := g.counts(); return held == 4 }, 20*time.Second, time.Millisecond)
	atInterrupt, _ := g.counts()
	require.Equal(t, 12+4+4, atInterrupt)
	cancel()
	<-stopped
	g.release()
	code := <-done

	arrivals, _ := g.counts()
	assert.Equal(t, atInterrupt, arrivals, "no request started after SIGINT")
	assert.Equal(t, exitInterrupted, code, stdout.String()+stderr.String())
	assert.Len(t, writes(srv), 4)
	for _, w := range writes(srv) {
		id := strings.Split(w, "/")[2]
		assert.Contains(t, stdout.String(), id+" z"+id[28:]+".example.: done: create\n", "a request in flight finished and is reported")
	}
	assert.Contains(t, stdout.String(), "interrupted: 4 changed, 8 failed (8 not started), 0 in sync\n")
}
