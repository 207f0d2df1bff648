package secondarydns_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// Concurrency, response bodies, goroutines and keep-alive.

// countingTransport wraps a real transport and counts the response bodies it
// hands out and the ones closed.
type countingTransport struct {
	base           http.RoundTripper
	opened, closed atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if resp != nil && resp.Body != nil {
		c.opened.Add(1)
		resp.Body = &countingBody{ReadCloser: resp.Body, t: c}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	t    *countingTransport
	once sync.Once
}

func (b *countingBody) Close() error {
	b.once.Do(func() { b.t.closed.Add(1) })
	return b.ReadCloser.Close()
}

func newCountingTransport(t *testing.T) (*countingTransport, *http.Transport) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &countingTransport{base: tr}, tr
}

// leakDigest names a credential without carrying it, so echoing it back is
// no leak and is not scrubbed.
func leakDigest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// leakEcho is what the concurrency server says it received.
func leakEcho(r *http.Request) string {
	authz, email, key := r.Header.Get("Authorization"), r.Header.Get("X-Auth-Email"), r.Header.Get("X-Auth-Key")
	auth := "mixed"
	switch {
	case authz != "" && email == "" && key == "" && strings.HasPrefix(authz, "Bearer "):
		auth = "bearer:" + leakDigest(strings.TrimPrefix(authz, "Bearer "))
	case authz == "" && email != "" && key != "":
		auth = "key:" + leakDigest(email) + ":" + leakDigest(key)
	}
	return fmt.Sprintf("auth=%s tenant=%s ua=%s q=%s", auth, r.Header.Get("X-Tenant"), r.UserAgent(), r.URL.RawQuery)
}

// leakResult is the result the concurrency server answers a call with, and
// what the method returns for it.
func leakResult(method, path, id string) (string, any) {
	switch {
	case strings.HasSuffix(path, "/status"), strings.HasSuffix(path, "/enable"), strings.HasSuffix(path, "/disable"):
		return `"S-` + id + `"`, secondarydns.TransferStatus("S-" + id)
	case strings.HasSuffix(path, "/force_notify"):
		return `"OK-` + id + `"`, "OK-" + id
	case method == http.MethodDelete:
		return `{"id":"` + id + `"}`, id
	}
	return `{"id":"` + id + `","name":"` + id + `.example."}`, id
}

// TestConcurrentPerCallOptions: 64 goroutines share one client, each call
// with its own per-call options; every call gets exactly its own values (on
// the wire and back), none leaks into another call or into the client.
func TestConcurrentPerCallOptions(t *testing.T) {
	const goroutines, callsEach = 64, 8
	var (
		mu       sync.Mutex
		attempts = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		id := r.URL.Query().Get("call")
		mu.Lock()
		attempts[id]++
		n := attempts[id]
		mu.Unlock()
		w.Header().Set("Cf-Ray", "ray-"+id+"-"+strconv.Itoa(n))
		if strings.HasSuffix(id, "-retry") && n == 1 {
			busy := http.StatusServiceUnavailable
			if faultEndpointByPath(r).createLike {
				busy = http.StatusTooManyRequests // Create repeats only what cannot have taken effect
			}
			writeBody(w, busy, `{"success":false,"errors":[{"code":1,"message":"busy"}]}`)
			return
		}
		result, _ := leakResult(r.Method, r.URL.Path, id)
		writeBody(w, http.StatusOK, `{"success":true,"errors":[],"messages":[{"code":1,"message":"`+leakEcho(r)+`"}],"result":`+result+`}`)
	}))
	defer srv.Close()

	ct, _ := newCountingTransport(t)
	const clientToken = "client-token-0001"
	baseUA := "base/1 secondarydns-go/" + secondarydns.Version
	c, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(clientToken),
		secondarydns.WithHeader("X-Tenant", "client"),
		secondarydns.WithUserAgent("base/1"),
		secondarydns.WithBaseURL(srv.URL+basePath),
		secondarydns.WithHTTPClient(&http.Client{Transport: ct}),
		secondarydns.WithSleepForTest(func(ctx context.Context, d time.Duration) error {
			t.Errorf("the client's sleep hook ran; a per-call one was expected")
			return nil
		}),
	)
	require.NoError(t, err)
	eps := endpoints()

	var wg sync.WaitGroup
	var calls, retried atomic.Int32
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range callsEach {
				ep := eps[(g+j)%len(eps)]
				id := fmt.Sprintf("g%02d-c%d", g, j)
				kind := (g + j) % 5
				if kind == 4 {
					id += "-retry"
				}
				var resp secondarydns.Response
				opts := []secondarydns.Option{secondarydns.WithQuery(url.Values{"call": {id}}), secondarydns.WithResponse(&resp)}
				auth, tenant, ua := "bearer:"+leakDigest(clientToken), "client", baseUA
				var slept []time.Duration
				wantAttempts := 1
				switch kind {
				case 0:
					opts = append(opts, secondarydns.WithHeader("X-Tenant", id), secondarydns.WithUserAgent("ua-"+id))
					tenant, ua = id, "ua-"+id+" secondarydns-go/"+secondarydns.Version
				case 1:
					opts = append(opts, secondarydns.WithAPIToken("tok-"+id))
					auth = "bearer:" + leakDigest("tok-"+id)
				case 2:
					opts = append(opts, secondarydns.WithAPIKey("e-"+id+"@example.com", "key-"+id))
					auth = "key:" + leakDigest("e-"+id+"@example.com") + ":" + leakDigest("key-"+id)
				case 4:
					opts = append(opts, secondarydns.WithMaxRetries(1),
						secondarydns.WithSleepForTest(func(ctx context.Context, d time.Duration) error {
							slept = append(slept, d)
							return nil
						}))
					wantAttempts = 2
				}
				got, err := ep.call(context.Background(), c, opts...)
				calls.Add(1)
				if !assert.NoError(t, err, "call %s", id) {
					continue
				}
				_, want := leakResult(ep.method, ep.path(), id)
				if o, ok := got.(*secondarydns.Outgoing); ok {
					assert.Equal(t, want, o.ID, "call %s got another call's result", id)
				} else {
					assert.Equal(t, want, got, "call %s got another call's result", id)
				}
				assert.Equal(t, wantAttempts, resp.Attempts, "call %s", id)
				assert.Equal(t, http.StatusOK, resp.StatusCode, "call %s", id)
				assert.Equal(t, "ray-"+id+"-"+strconv.Itoa(wantAttempts), resp.RayID, "call %s", id)
				echo := fmt.Sprintf("auth=%s tenant=%s ua=%s q=%s", auth, tenant, ua, url.Values{"call": {id}}.Encode())
				if assert.Len(t, resp.Messages, 1, "call %s", id) {
					assert.Equal(t, echo, resp.Messages[0].Message, "call %s: what the server received", id)
				}
				if kind == 4 {
					retried.Add(1)
					assert.Len(t, slept, 1, "call %s: its own sleep hook", id)
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(goroutines*callsEach), calls.Load())

	mu.Lock()
	total := 0
	for id, n := range attempts {
		want := 1
		if strings.HasSuffix(id, "-retry") {
			want = 2
		}
		assert.Equal(t, want, n, "requests for call %s", id)
		total += n
	}
	mu.Unlock()
	assert.Equal(t, goroutines*callsEach+int(retried.Load()), total)

	// The client itself is unchanged: a call without options sends its own
	// values only.
	var resp secondarydns.Response
	_, err = c.Outgoing.Status(context.Background(), testZone, secondarydns.WithQuery(url.Values{"call": {"final"}}), secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	require.Len(t, resp.Messages, 1)
	assert.Equal(t, fmt.Sprintf("auth=bearer:%s tenant=client ua=%s q=call=final", leakDigest(clientToken), baseUA), resp.Messages[0].Message)

	// Every response body opened was closed.
	assert.Equal(t, int64(total+1), ct.opened.Load(), "response bodies handed out")
	assert.Equal(t, ct.opened.Load(), ct.closed.Load(), "response bodies closed")
}

// leakModes are the answers of the mixed server used by the body and
// goroutine checks: every outcome the pipeline has.
var leakModes = []string{"ok", "404", "503html", "invalid", "big2xx", "big5xx", "redirect", "successfalse", "ra120", "stall", "hang", "cut", "wait"}

func newMixedServer(t *testing.T) *httptest.Server {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep := faultEndpointByPath(r)
		switch r.URL.Query().Get("mode") {
		case "ok":
			writeBody(w, 200, okEnvelope(ep.result))
		case "404":
			writeBody(w, 404, `{"success":false,"errors":[{"code":1003,"message":"nope"}]}`)
		case "503html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(503)
			_, _ = io.WriteString(w, faultHTML)
		case "invalid":
			writeBody(w, 200, `{"success":true,"result":[1]}`)
		case "big2xx":
			writeBody(w, 200, okEnvelope(ep.result)+strings.Repeat(" ", 2<<20))
		case "big5xx":
			writeBody(w, 502, strings.Repeat("x", 2<<20))
		case "redirect":
			w.Header().Set("Location", "http://127.0.0.1:1/elsewhere")
			w.WriteHeader(http.StatusFound)
		case "successfalse":
			writeBody(w, 200, `{"success":false,"errors":[{"code":1,"message":"no"}]}`)
		case "ra120":
			w.Header().Set("Retry-After", "120")
			writeBody(w, 429, `{"success":false,"errors":[]}`)
		case "wait":
			w.Header().Set("Retry-After", "30") // the real wait, cut short by the context
			writeBody(w, 503, `{"success":false,"errors":[]}`)
		case "stall":
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"success":true,`)
			w.(http.Flusher).Flush()
			faultStall(r)
		case "hang":
			faultStall(r)
		case "cut":
			_, _ = io.Copy(io.Discard, r.Body)
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"success\":tr")
			_ = buf.Flush()
			conn.Close()
		default:
			t.Errorf("unknown mode %q", r.URL.Query().Get("mode"))
		}
		n.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// faultEndpointByPath finds the endpoint a request is for.
func faultEndpointByPath(r *http.Request) endpointCase {
	for _, ep := range endpoints() {
		if ep.method == r.Method && ep.path() == r.URL.Path {
			return ep
		}
	}
	return endpointCase{result: `"?"`}
}

// leakCall runs one call of the given mode, using the real sleep for "wait"
// and no sleeping otherwise. Only the modes that wait for the context get a
// deadline: cancelling a context makes net/http clean up after the call,
// which would hide a body the SDK left open.
func leakCall(c *secondarydns.Client, ep endpointCase, mode string) error {
	ctx := context.Background()
	if mode == "stall" || mode == "hang" || mode == "wait" {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 150*time.Millisecond)
		defer cancel()
	}
	opts := []secondarydns.Option{secondarydns.WithQuery(url.Values{"mode": {mode}})}
	if mode != "wait" {
		opts = append(opts, secondarydns.WithSleepForTest(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	}
	_, err := ep.call(ctx, c, opts...)
	return err
}

// TestResponseBodiesClosed: whatever the outcome, every response body the
// transport handed out is closed by the time the call returns.
func TestResponseBodiesClosed(t *testing.T) {
	srv := newMixedServer(t)
	ct, _ := newCountingTransport(t)
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(srv.URL+basePath),
		secondarydns.WithHTTPClient(&http.Client{Transport: ct}))
	require.NoError(t, err)
	for _, ep := range endpoints() {
		for _, mode := range leakModes {
			if (mode == "stall" || mode == "hang" || mode == "wait") && ep.name != "Get" && ep.name != "Create" {
				continue // each takes the whole deadline; two endpoints show it
			}
			before := ct.opened.Load()
			err := leakCall(c, ep, mode)
			if mode == "ok" {
				require.NoError(t, err, "%s %s", ep.name, mode)
			} else {
				require.Error(t, err, "%s %s", ep.name, mode)
			}
			if mode != "hang" {
				assert.Greater(t, ct.opened.Load(), before, "%s %s: no response body was handed out", ep.name, mode)
			}
			assert.Equal(t, ct.opened.Load(), ct.closed.Load(), "%s %s: a response body was left open", ep.name, mode)
		}
	}
}

// TestNoGoroutineOutlivesACall: once the calls have returned and the
// transport's idle connections are closed, no goroutine is left over from
// them (retry waits, body reads, hung connections included).
func TestNoGoroutineOutlivesACall(t *testing.T) {
	srv := newMixedServer(t)
	ct, tr := newCountingTransport(t)
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(srv.URL+basePath),
		secondarydns.WithHTTPClient(&http.Client{Transport: ct}))
	require.NoError(t, err)
	base := leakSettle(0, time.Second) // let earlier tests' goroutines go
	eps := endpoints()
	start := time.Now()
	for i, mode := range leakModes {
		_ = leakCall(c, eps[i%len(eps)], mode)
	}
	// The real retry wait ("wait": Retry-After 30 s) ended with the context.
	assert.Less(t, time.Since(start), 5*time.Second)
	tr.CloseIdleConnections()
	if n := leakSettle(base, 5*time.Second); n > base {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%d goroutines before the calls, %d after:\n%s", base, n, buf)
	}
}

// leakSettle waits until at most want goroutines run (want 0: until the
// count stops falling) and returns the count.
func leakSettle(want int, limit time.Duration) int {
	deadline := time.Now().Add(limit)
	n := runtime.NumGoroutine()
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if want > 0 && m <= want || want == 0 && m == n {
			return m
		}
		n = m
	}
	return n
}

// TestKeepAliveOneConnection: 100 sequential calls through the default
// http.Client, mixing successes, 404s and 503-then-200 retries (429 for
// Create, which does not repeat after a 5xx), with and without bodies, all
// travel over a single connection: every body is drained and closed.
func TestKeepAliveOneConnection(t *testing.T) {
	var newConns, requests atomic.Int32
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		requests.Add(1)
		id := r.URL.Query().Get("call")
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		ep := faultEndpointByPath(r)
		busy := 503
		if ep.createLike {
			busy = 429 // Create repeats only what cannot have taken effect
		}
		i, _ := strconv.Atoi(id)
		switch i % 5 {
		case 1:
			writeBody(w, 404, `{"success":false,"errors":[{"code":1003,"message":"no config"}],"messages":[],"result":null}`)
		case 2:
			if n == 1 {
				writeBody(w, busy, `{"success":false,"errors":[{"code":1000,"message":"busy"}]}`)
				return
			}
			writeBody(w, 200, okEnvelope(ep.result))
		case 3:
			w.WriteHeader(404) // no body at all
		case 4:
			if n == 1 {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(busy)
				_, _ = io.WriteString(w, faultHTML)
				return
			}
			writeBody(w, 200, okEnvelope(ep.result))
		default:
			writeBody(w, 200, okEnvelope(ep.result))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(srv.URL+basePath),
		secondarydns.WithSleepForTest(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	require.NoError(t, err)
	eps := endpoints()
	for i := range 100 {
		ep := eps[i%len(eps)]
		var resp secondarydns.Response
		_, err := ep.call(context.Background(), c, secondarydns.WithQuery(url.Values{"call": {strconv.Itoa(i)}}), secondarydns.WithResponse(&resp))
		switch i % 5 {
		case 1, 3:
			require.ErrorIs(t, err, secondarydns.ErrNotFound, "call %d", i)
			require.Equal(t, 1, resp.Attempts)
		case 2, 4:
			require.NoError(t, err, "call %d", i)
			require.Equal(t, 2, resp.Attempts)
		default:
			require.NoError(t, err, "call %d", i)
			require.Equal(t, 1, resp.Attempts)
		}
	}
	assert.Equal(t, int32(140), requests.Load(), "100 calls, 40 of them retried once")
	assert.Equal(t, int32(1), newConns.Load(), "connections opened")
}
