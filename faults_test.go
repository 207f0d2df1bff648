package secondarydns_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// The fault matrix: one table, one row per fault, each with the endpoints it
// hits and the exact outcome: which error classes hold (every other one must
// not), the *APIError field by field, whether a *TransportError is in the
// chain, the attempts made, the requests the server saw, the waits asked
// for, and what WithResponse reports. httpmock serves the rows where only
// the exact response or transport error matters; real listeners serve the
// rows where bytes on a socket, timing, redirects or TLS matter.

const (
	// faultMockBase is the base URL of the httpmock rows.
	faultMockBase = "https://api.test" + basePath
	// faultMsg has whitespace to collapse: Error() must stay on one line.
	faultMsg = "request\n  failed"
	// faultRedirectBody is what the redirecting listener answers with.
	faultRedirectBody = "<html><body>moved</body></html>"
	faultHTML         = "<!DOCTYPE html>\n<html><head><title>Bad gateway</title></head><body><h1>cloudflare</h1></body></html>"
)

// faultNow is the clock of every row, for Retry-After dates.
var faultNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// faultClasses are the error classes a row's error is checked against: the
// ones listed in the row must hold, every other one must not.
var faultClasses = []error{
	secondarydns.ErrInvalidInput, secondarydns.ErrInvalidResponse,
	secondarydns.ErrBadRequest, secondarydns.ErrUnauthorized, secondarydns.ErrForbidden,
	secondarydns.ErrNotFound, secondarydns.ErrConflict, secondarydns.ErrRateLimited,
	secondarydns.ErrServerError, context.Canceled, context.DeadlineExceeded,
}

// Endpoint groups.
var (
	faultAll  = []string{"Get", "Create", "Update", "Delete", "Enable", "Disable", "ForceNotify", "Status"}
	faultIdem = []string{"Get", "Update", "Delete", "Enable", "Disable", "ForceNotify", "Status"}
	faultPOST = []string{"Create"}
)

// faultStep is one answer of a mock: a response, or a transport error.
type faultStep struct {
	status  int
	body    string
	size    int                          // when > len(body), filler bytes make the body this long
	hdr     []string                     // header pairs; a pair with an empty value deletes the header
	err     error                        // fails RoundTrip with this error instead
	readErr error                        // the body fails with this error after its bytes
	ok      bool                         // the endpoint's valid envelope, status 200
	bodyFor func(ep endpointCase) string // a body that depends on the endpoint (status 200 unless set)
}

// faultEnv is what a row's setup gives the harness.
type faultEnv struct {
	opts  []secondarydns.Option
	seen  func() int // requests the server saw
	other func() int // requests a second listener saw (must stay 0); nil if none
	// bodies reports, for each response body handed out, how many bytes were
	// read and whether it was closed; nil when not observable.
	bodies func() []faultBodyStat
	after  func(t *testing.T) // extra checks after the call
}

type faultBodyStat struct {
	read   int64
	closed bool
}

// faultWant is the exact outcome of a row.
type faultWant struct {
	ok        bool    // no error; the result is the endpoint's valid answer
	is        []error // the classes of faultClasses that hold
	api       *secondarydns.APIError
	transport bool  // a *secondarydns.TransportError is in the chain
	cause     error // errors.Is(err, cause) holds too (errno, io.EOF...)
	tlsCert   bool  // a *tls.CertificateVerificationError is in the chain
	msg       []string
	hasCode   []int
	attempts  int
	requests  int // requests the server saw
	status    int // Response.StatusCode
	ray       string
	messages  []secondarydns.ResponseInfo // Response.Messages when api is nil
	sleeps    []time.Duration
	capped    bool          // every body read stopped at the 1 MiB cap
	within    time.Duration // the call returned in less than this
}

type faultRow struct {
	name    string
	eps     []string
	setup   func(t *testing.T, ep endpointCase) faultEnv
	retries int // 0: the default; -1: WithMaxRetries(0); n: WithMaxRetries(n)
	timeout time.Duration
	apiKey  bool // authenticate with email+key instead of a token
	// cancelInWait cancels the context during the first retry wait.
	cancelInWait bool
	want         faultWant
}

// TestFaultMatrix runs every row of faultRows against each endpoint it names,
// with a fresh client and server, no real waiting and a fixed clock.
func TestFaultMatrix(t *testing.T) {
	rows := faultRows()
	require.GreaterOrEqual(t, len(rows), 30)
	names := map[string]bool{}
	for _, row := range rows {
		require.False(t, names[row.name], "duplicate row %q", row.name)
		names[row.name] = true
		require.NotEmpty(t, row.eps, row.name)
		t.Run(row.name, func(t *testing.T) {
			for _, name := range row.eps {
				ep := faultEndpoint(t, name)
				t.Run(name, func(t *testing.T) { runFaultRow(t, row, ep) })
			}
		})
	}
}

func faultEndpoint(t *testing.T, name string) endpointCase {
	for _, ep := range endpoints() {
		if ep.name == name {
			return ep
		}
	}
	t.Fatalf("no endpoint %q", name)
	return endpointCase{}
}

func runFaultRow(t *testing.T, row faultRow, ep endpointCase) {
	env := row.setup(t, ep)
	var mu sync.Mutex
	var slept []time.Duration
	timeout := row.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	opts := []secondarydns.Option{
		secondarydns.WithSleepForTest(func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			if row.cancelInWait {
				cancel()
			}
			return ctx.Err()
		}),
		secondarydns.WithJitterForTest(func(max time.Duration) time.Duration { return max }),
		secondarydns.WithClockForTest(func() time.Time { return faultNow }),
	}
	if row.apiKey {
		opts = append(opts, secondarydns.WithAPIKey(testEmail, testKey))
	} else {
		opts = append(opts, secondarydns.WithAPIToken(testToken))
	}
	switch {
	case row.retries < 0:
		opts = append(opts, secondarydns.WithMaxRetries(0))
	case row.retries > 0:
		opts = append(opts, secondarydns.WithMaxRetries(row.retries))
	}
	c, err := secondarydns.NewClient(append(opts, env.opts...)...)
	require.NoError(t, err)

	var resp secondarydns.Response
	start := time.Now()
	got, err := ep.call(ctx, c, secondarydns.WithResponse(&resp))
	elapsed := time.Since(start)

	w := row.want
	if w.ok {
		require.NoError(t, err)
		ep.assertResult(t, got)
	} else {
		require.Error(t, err)
		faultCheckError(t, w, ep, err)
	}

	assert.Equal(t, w.attempts, resp.Attempts, "attempts (Response.Attempts)")
	assert.Equal(t, w.requests, env.seen(), "requests the server saw")
	if env.other != nil {
		assert.Zero(t, env.other(), "requests the redirect target saw")
	}
	assert.Equal(t, w.status, resp.StatusCode, "Response.StatusCode (last attempt)")
	assert.Equal(t, w.ray, resp.RayID, "Response.RayID (last attempt)")
	wantMessages := w.messages
	if w.api != nil {
		wantMessages = w.api.Messages
	}
	assert.Equal(t, faultNormInfos(wantMessages), faultNormInfos(resp.Messages), "Response.Messages (last attempt)")
	assert.Equal(t, w.sleeps, slept, "waits asked for")
	if w.within > 0 {
		assert.Less(t, elapsed, w.within, "the call took too long")
	}
	for _, m := range resp.Messages {
		faultNoSecret(t, "Response.Messages", fmt.Sprintf("%+v", m))
	}
	faultNoSecret(t, "Response.RayID", resp.RayID)

	if env.bodies != nil {
		stats := env.bodies()
		for i, s := range stats {
			assert.True(t, s.closed, "response body %d was not closed", i+1)
			if w.capped {
				assert.LessOrEqual(t, s.read, int64(secondarydns.MaxBodyForTest)+1, "response body %d was read past the cap", i+1)
			}
		}
		if w.capped {
			require.NotEmpty(t, stats)
		}
	}
	if env.after != nil {
		env.after(t)
	}
}

func faultCheckError(t *testing.T, w faultWant, ep endpointCase, err error) {
	t.Helper()
	for _, class := range faultClasses {
		want := false
		for _, is := range w.is {
			want = want || is == class
		}
		assert.Equal(t, want, errors.Is(err, class), "errors.Is(err, %v) for %v", class, err)
	}

	var apiErr *secondarydns.APIError
	if w.api != nil {
		require.True(t, errors.As(err, &apiErr), "want an *APIError in %v", err)
		want := *w.api
		want.Method, want.Path = ep.method, ep.path()
		if want.Attempts == 0 {
			// The error counts every request of the call, as Response does.
			want.Attempts = w.attempts
		}
		got := *apiErr
		want.Errors, got.Errors = faultNormInfos(want.Errors), faultNormInfos(got.Errors)
		want.Messages, got.Messages = faultNormInfos(want.Messages), faultNormInfos(got.Messages)
		assert.Equal(t, want, got)
		for _, code := range w.hasCode {
			assert.True(t, apiErr.HasCode(code), "HasCode(%d)", code)
		}
		assert.False(t, apiErr.HasCode(424242), "HasCode of an absent code")
	} else {
		assert.False(t, errors.As(err, &apiErr), "unexpected *APIError in %v", err)
	}

	var te *secondarydns.TransportError
	assert.Equal(t, w.transport, errors.As(err, &te), "*TransportError in %v", err)
	if w.transport && te != nil {
		assert.Equal(t, ep.method, te.Method)
		assert.Equal(t, ep.path(), te.Path)
	}
	if w.cause != nil {
		assert.ErrorIs(t, err, w.cause)
	}
	var certErr *tls.CertificateVerificationError
	assert.Equal(t, w.tlsCert, errors.As(err, &certErr), "TLS certificate error in %v", err)

	msg := err.Error()
	for _, m := range w.msg {
		assert.Contains(t, msg, m)
	}
	assert.NotContains(t, msg, "\n", "Error() must be one line")
	for _, rendering := range []string{msg, fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		faultNoSecret(t, "error rendering", rendering)
	}
	if apiErr != nil {
		faultNoSecret(t, "APIError fields", fmt.Sprintf("%+v %+v %q", apiErr.Errors, apiErr.Messages, apiErr.Body))
	}
}

func faultNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testToken, testKey, testEmail} {
		assert.NotContains(t, s, secret, "%s leaks a credential", what)
	}
}

// faultNormInfos makes nil and empty lists compare equal.
func faultNormInfos(l []secondarydns.ResponseInfo) []secondarydns.ResponseInfo {
	if len(l) == 0 {
		return nil
	}
	out := make([]secondarydns.ResponseInfo, len(l))
	for i, ri := range l {
		ri.ErrorChain = faultNormInfos(ri.ErrorChain)
		out[i] = ri
	}
	return out
}

// faultBody is a mock response body that counts what is read of it.
type faultBody struct {
	r       io.Reader
	readErr error
	mu      sync.Mutex
	read    int64
	closed  bool
}

func (b *faultBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.mu.Lock()
	b.read += int64(n)
	b.mu.Unlock()
	if err == io.EOF && b.readErr != nil {
		err = b.readErr
	}
	return n, err
}

func (b *faultBody) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

// faultFiller is an endless run of one byte, cut to length by the caller.
type faultFiller byte

func (f faultFiller) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// mockSteps answers request n with steps[n-1] (the last step repeats) through
// an httpmock transport that has a responder for the endpoint's method and
// URL only; anything else fails the row. Every response has cf-ray "ray-<n>".
func mockSteps(steps ...faultStep) func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
			t.Errorf("request to an unexpected route: %s %s", req.Method, req.URL)
			return nil, errors.New("unexpected route")
		})
		var (
			mu     sync.Mutex
			n      int
			bodies []*faultBody
		)
		mt.RegisterResponder(ep.method, "https://api.test"+ep.path(), func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			n++
			i := n
			mu.Unlock()
			s := steps[min(i, len(steps))-1]
			if s.err != nil {
				return nil, s.err
			}
			status, body := s.status, s.body
			if s.ok {
				status, body = http.StatusOK, okEnvelope(ep.result)
			}
			if s.bodyFor != nil {
				body = s.bodyFor(ep)
				if status == 0 {
					status = http.StatusOK
				}
			}
			var r io.Reader = strings.NewReader(body)
			if s.size > len(body) {
				r = io.MultiReader(r, io.LimitReader(faultFiller(' '), int64(s.size-len(body))))
			}
			fb := &faultBody{r: r, readErr: s.readErr}
			mu.Lock()
			bodies = append(bodies, fb)
			mu.Unlock()
			h := http.Header{}
			h.Set("Content-Type", "application/json")
			h.Set("Cf-Ray", "ray-"+strconv.Itoa(i))
			for j := 0; j+1 < len(s.hdr); j += 2 {
				if s.hdr[j+1] == "" {
					h.Del(s.hdr[j])
				} else {
					h.Set(s.hdr[j], s.hdr[j+1])
				}
			}
			return &http.Response{
				Status: strconv.Itoa(status) + " " + http.StatusText(status), StatusCode: status,
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: h, Body: fb, ContentLength: -1, Request: req,
			}, nil
		})
		return faultEnv{
			opts: []secondarydns.Option{
				secondarydns.WithBaseURL(faultMockBase),
				secondarydns.WithHTTPClient(&http.Client{Transport: mt}),
			},
			seen: mt.GetTotalCallCount,
			bodies: func() []faultBodyStat {
				mu.Lock()
				defer mu.Unlock()
				out := make([]faultBodyStat, len(bodies))
				for i, b := range bodies {
					b.mu.Lock()
					out[i] = faultBodyStat{read: b.read, closed: b.closed}
					b.mu.Unlock()
				}
				return out
			},
		}
	}
}

// faultServer is a real listener whose handler gets the request number; it
// counts requests and sets cf-ray "ray-<n>".
func faultServer(t *testing.T, tlsServer bool, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, func() int) {
	var n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		w.Header().Set("Cf-Ray", "ray-"+strconv.Itoa(i))
		h(w, r, i)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS handshake failures are expected
	if tlsServer {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, func() int { return int(n.Load()) }
}

// faultStall blocks a handler until the client hangs up. The request body is
// read first: the server notices a closed connection only after that.
func faultStall(r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second): // a safety net; the client hangs up long before
	}
}

// realOK serves the endpoint's valid answer on a real listener, over TLS or not.
func realOK(tlsServer, withPool bool) func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		srv, seen := faultServer(t, tlsServer, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.Method != ep.method || r.URL.Path != ep.path() {
				w.WriteHeader(http.StatusTeapot)
				return
			}
			writeBody(w, http.StatusOK, okEnvelope(ep.result))
		})
		opts := []secondarydns.Option{secondarydns.WithBaseURL(srv.URL + basePath)}
		if withPool {
			opts = append(opts, secondarydns.WithHTTPClient(srv.Client()))
		}
		return faultEnv{opts: opts, seen: seen}
	}
}

// realHang accepts connections and never answers.
func realHang() func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		var accepted atomic.Int32
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _ = io.Copy(io.Discard, conn) // until the client hangs up
					conn.Close()
				}()
			}
		}()
		t.Cleanup(func() { ln.Close(); wg.Wait() })
		return faultEnv{
			opts: []secondarydns.Option{secondarydns.WithBaseURL("http://" + ln.Addr().String() + basePath)},
			seen: func() int { return int(accepted.Load()) },
		}
	}
}

// realStallBody sends the status and headers and part of the body, then
// stalls until the client hangs up.
func realStallBody() func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		srv, seen := faultServer(t, false, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"success":true,"result":`)
			w.(http.Flusher).Flush()
			faultStall(r)
		})
		return faultEnv{opts: []secondarydns.Option{secondarydns.WithBaseURL(srv.URL + basePath)}, seen: seen}
	}
}

// realStallHeaders never sends the status line; with the http.Client's own
// Timeout each attempt times out.
func realStallHeaders(clientTimeout time.Duration) func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		srv, seen := faultServer(t, false, func(w http.ResponseWriter, r *http.Request, _ int) {
			faultStall(r)
		})
		return faultEnv{opts: []secondarydns.Option{
			secondarydns.WithBaseURL(srv.URL + basePath),
			secondarydns.WithHTTPClient(&http.Client{Timeout: clientTimeout}),
		}, seen: seen}
	}
}

// realCut promises a longer body than it sends and closes the connection in
// the middle of the JSON.
func realCut() func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		srv, seen := faultServer(t, false, func(w http.ResponseWriter, r *http.Request, n int) {
			_, _ = io.Copy(io.Discard, r.Body)
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			body := `{"success":true,"errors":[],"result":{"id":"` + testZone
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCf-Ray: ray-%d\r\nContent-Length: %d\r\n\r\n%s", n, len(body)+100, body)
			_ = buf.Flush()
		})
		return faultEnv{opts: []secondarydns.Option{secondarydns.WithBaseURL(srv.URL + basePath)}, seen: seen}
	}
}

// realRefused points at a port nothing listens on.
func realRefused() func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		return faultEnv{
			opts: []secondarydns.Option{secondarydns.WithBaseURL("http://" + addr + basePath)},
			seen: func() int { return 0 },
		}
	}
}

// realRedirect answers every request with a redirect to a second listener
// that must never be reached. supplied gives the SDK a caller's http.Client
// that would follow every redirect on its own.
func realRedirect(status int, supplied bool) func(t *testing.T, ep endpointCase) faultEnv {
	return func(t *testing.T, ep endpointCase) faultEnv {
		target, targetSeen := faultServer(t, false, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeBody(w, http.StatusOK, okEnvelope(ep.result))
		})
		srv, seen := faultServer(t, false, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Location", target.URL+r.URL.Path)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, faultRedirectBody)
		})
		env := faultEnv{opts: []secondarydns.Option{secondarydns.WithBaseURL(srv.URL + basePath)}, seen: seen, other: targetSeen}
		if supplied {
			follow := func(*http.Request, []*http.Request) error { return nil }
			hc := &http.Client{CheckRedirect: follow}
			env.opts = append(env.opts, secondarydns.WithHTTPClient(hc))
			env.after = func(t *testing.T) {
				// The caller's client is never mutated.
				require.NotNil(t, hc.CheckRedirect)
				assert.NoError(t, hc.CheckRedirect(nil, nil))
				assert.Nil(t, hc.Transport)
			}
		}
		return env
	}
}

// Builders of expected outcomes.

func faultClass(status int) []error {
	switch {
	case status == 400:
		return []error{secondarydns.ErrBadRequest}
	case status == 401:
		return []error{secondarydns.ErrUnauthorized}
	case status == 403:
		return []error{secondarydns.ErrForbidden}
	case status == 404:
		return []error{secondarydns.ErrNotFound}
	case status == 409:
		return []error{secondarydns.ErrConflict}
	case status == 429:
		return []error{secondarydns.ErrRateLimited}
	case status >= 500 && status <= 599:
		return []error{secondarydns.ErrServerError}
	}
	return nil
}

// faultBodyKind is a shape of error body.
type faultBodyKind struct {
	name string
	body func(status int) string
	api  func(status, attempt int) *secondarydns.APIError
	ct   string
}

var faultBodyKinds = []faultBodyKind{
	{
		name: "json",
		body: func(status int) string {
			return `{"success":false,"errors":[{"code":` + strconv.Itoa(status*10) + `,"message":"request\n  failed"}],` +
				`"messages":[{"code":10000,"message":"see the docs"}],"result":null}`
		},
		api: func(status, attempt int) *secondarydns.APIError {
			return &secondarydns.APIError{
				StatusCode: status,
				Errors:     []secondarydns.ResponseInfo{{Code: status * 10, Message: faultMsg}},
				Messages:   []secondarydns.ResponseInfo{{Code: 10000, Message: "see the docs"}},
				RayID:      "ray-" + strconv.Itoa(attempt),
			}
		},
		ct: "application/json",
	},
	{
		name: "html",
		body: func(int) string { return faultHTML },
		api: func(status, attempt int) *secondarydns.APIError {
			return &secondarydns.APIError{StatusCode: status, Body: faultHTML, RayID: "ray-" + strconv.Itoa(attempt)}
		},
		ct: "text/html",
	},
	{
		name: "empty",
		body: func(int) string { return "" },
		api: func(status, attempt int) *secondarydns.APIError {
			return &secondarydns.APIError{StatusCode: status, RayID: "ray-" + strconv.Itoa(attempt)}
		},
		ct: "text/plain",
	},
}

func faultStatusStep(status int, k faultBodyKind, hdr ...string) faultStep {
	return faultStep{status: status, body: k.body(status), hdr: append([]string{"Content-Type", k.ct}, hdr...)}
}

// faultRetried is the outcome of a retried error that never clears.
func faultRetried(status int, k faultBodyKind, attempts int, sleeps ...time.Duration) faultWant {
	return faultWant{
		is: faultClass(status), api: k.api(status, attempts), attempts: attempts, requests: attempts,
		status: status, ray: "ray-" + strconv.Itoa(attempts), sleeps: sleeps,
	}
}

var faultBackoff = []time.Duration{500 * time.Millisecond, time.Second}

// faultOK is the outcome of a success at the given attempt.
func faultOK(attempts int, sleeps ...time.Duration) faultWant {
	return faultWant{ok: true, attempts: attempts, requests: attempts, status: 200, ray: "ray-" + strconv.Itoa(attempts), sleeps: sleeps}
}

// faultInvalid is the outcome of a 2xx that is not a valid answer.
func faultInvalid(msg ...string) faultWant {
	return faultWant{
		is: []error{secondarydns.ErrInvalidResponse}, attempts: 1, requests: 1, status: 200, ray: "ray-1",
		msg: append([]string{"HTTP 200", "ray-1"}, msg...),
	}
}

func faultTransport(attempts int, cause error, sleeps ...time.Duration) faultWant {
	return faultWant{transport: true, cause: cause, attempts: attempts, requests: attempts, sleeps: sleeps}
}

func faultJSONStep(status int, body string, hdr ...string) faultStep {
	return faultStep{status: status, body: body, hdr: hdr}
}

func faultRows() []faultRow {
	json, html, empty := faultBodyKinds[0], faultBodyKinds[1], faultBodyKinds[2]
	dial := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "read", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443},
		Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	httpDate := func(d time.Duration) string { return faultNow.Add(d).Format(http.TimeFormat) }
	var rows []faultRow

	// Statuses that are never retried, with each body shape, on all eight
	// endpoints: one attempt, the status and body kept.
	for _, status := range []int{400, 401, 403, 404, 405, 408, 409, 422} {
		for _, k := range faultBodyKinds {
			w := faultRetried(status, k, 1)
			if k.name == "json" {
				w.hasCode = []int{status * 10}
			}
			rows = append(rows, faultRow{
				name: fmt.Sprintf("%d %s", status, k.name), eps: faultAll,
				setup: mockSteps(faultStatusStep(status, k)),
				want:  w,
			})
		}
	}

	// 5xx: retried twice (the default) with backoff by every endpoint that
	// is safe to repeat; once by Create.
	for _, status := range []int{500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526} {
		for _, k := range faultBodyKinds {
			rows = append(rows,
				faultRow{
					name: fmt.Sprintf("%d %s idempotent", status, k.name), eps: faultIdem,
					setup: mockSteps(faultStatusStep(status, k)),
					want:  faultRetried(status, k, 3, faultBackoff...),
				},
				faultRow{
					name: fmt.Sprintf("%d %s create", status, k.name), eps: faultPOST,
					setup: mockSteps(faultStatusStep(status, k)),
					want:  faultRetried(status, k, 1),
				})
		}
	}

	// 429: retried by every endpoint, Create included; Retry-After replaces
	// the backoff up to 60 s, a longer one is returned at once.
	ra := func(v string) []string { return []string{"Retry-After", v} }
	withRetryAfter := func(w faultWant, d time.Duration) faultWant { w.api.RetryAfter = d; return w }
	rows = append(rows,
		faultRow{name: "429 json no Retry-After", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json)), want: faultRetried(429, json, 3, faultBackoff...)},
		faultRow{name: "429 html no Retry-After", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, html)), want: faultRetried(429, html, 3, faultBackoff...)},
		faultRow{name: "429 empty no Retry-After", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, empty)), want: faultRetried(429, empty, 3, faultBackoff...)},
		faultRow{name: "429 Retry-After 0", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("0")...)), want: faultRetried(429, json, 3, 0, 0)},
		faultRow{name: "429 Retry-After 60", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("60")...)),
			want:  withRetryAfter(faultRetried(429, json, 3, time.Minute, time.Minute), time.Minute)},
		faultRow{name: "429 Retry-After 61 is not waited for", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("61")...)),
			want:  withRetryAfter(faultRetried(429, json, 1), 61*time.Second)},
		faultRow{name: "429 html Retry-After 7", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, html, ra("7")...)),
			want:  withRetryAfter(faultRetried(429, html, 3, 7*time.Second, 7*time.Second), 7*time.Second)},
		faultRow{name: "429 empty Retry-After 300", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, empty, ra("300")...)),
			want:  withRetryAfter(faultRetried(429, empty, 1), 5*time.Minute)},
		faultRow{name: "429 Retry-After HTTP date in 30s", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra(httpDate(30*time.Second))...)),
			want:  withRetryAfter(faultRetried(429, json, 3, 30*time.Second, 30*time.Second), 30*time.Second)},
		faultRow{name: "429 Retry-After HTTP date in 60s", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra(httpDate(time.Minute))...)),
			want:  withRetryAfter(faultRetried(429, json, 3, time.Minute, time.Minute), time.Minute)},
		faultRow{name: "429 Retry-After HTTP date in 61s", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra(httpDate(61*time.Second))...)),
			want:  withRetryAfter(faultRetried(429, json, 1), 61*time.Second)},
		faultRow{name: "429 Retry-After HTTP date in the past", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra(httpDate(-time.Hour))...)),
			want:  faultRetried(429, json, 3, 0, 0)},
		faultRow{name: "429 Retry-After garbage", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("soon")...)),
			want:  faultRetried(429, json, 3, faultBackoff...)},
		faultRow{name: "429 Retry-After negative", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("-5")...)),
			want:  faultRetried(429, json, 3, faultBackoff...)},
		faultRow{name: "429 Retry-After fractional", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("1.5")...)),
			want:  faultRetried(429, json, 3, faultBackoff...)},
		faultRow{name: "429 Retry-After beyond int64", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("99999999999999999999999")...)),
			want:  withRetryAfter(faultRetried(429, json, 1), time.Duration(1<<63-1))},
		faultRow{name: "429 Retry-After long digits then garbage", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("18700000000000000000A")...)),
			want:  faultRetried(429, json, 3, faultBackoff...)},
		faultRow{name: "429 Retry-After 2 then 200", eps: faultAll,
			setup: mockSteps(faultStatusStep(429, json, ra("2")...), faultStep{ok: true}),
			want:  faultOK(2, 2*time.Second)},
		faultRow{name: "429 with retries off", eps: faultAll, retries: -1,
			setup: mockSteps(faultStatusStep(429, json, ra("1")...)),
			want:  withRetryAfter(faultRetried(429, json, 1), time.Second)},
		faultRow{name: "429 with 4 retries", eps: []string{"Create", "Get"}, retries: 4,
			setup: mockSteps(faultStatusStep(429, json)),
			want:  faultRetried(429, json, 5, 500*time.Millisecond, time.Second, 2*time.Second, 4*time.Second)},
	)

	// Retry-After on a 5xx, and 5xx that clears.
	rows = append(rows,
		faultRow{name: "503 Retry-After 3", eps: faultIdem,
			setup: mockSteps(faultStatusStep(503, json, ra("3")...)),
			want:  withRetryAfter(faultRetried(503, json, 3, 3*time.Second, 3*time.Second), 3*time.Second)},
		faultRow{name: "503 Retry-After 120", eps: faultIdem,
			setup: mockSteps(faultStatusStep(503, html, ra("120")...)),
			want:  withRetryAfter(faultRetried(503, html, 1), 2*time.Minute)},
		faultRow{name: "503 Retry-After 3 on create", eps: faultPOST,
			setup: mockSteps(faultStatusStep(503, json, ra("3")...)),
			want:  withRetryAfter(faultRetried(503, json, 1), 3*time.Second)},
		faultRow{name: "503 then 200", eps: faultIdem,
			setup: mockSteps(faultStatusStep(503, html), faultStep{ok: true}),
			want:  faultOK(2, 500*time.Millisecond)},
		faultRow{name: "502 then 500 then 200", eps: faultIdem,
			setup: mockSteps(faultStatusStep(502, empty), faultStatusStep(500, json), faultStep{ok: true}),
			want:  faultOK(3, faultBackoff...)},
		faultRow{name: "500 with a JSON body that is not an envelope", eps: faultIdem,
			setup: mockSteps(faultJSONStep(500, `{"message":"internal"}`)),
			want: faultWant{is: faultClass(500), attempts: 3, requests: 3, status: 500, ray: "ray-3", sleeps: faultBackoff,
				api: &secondarydns.APIError{StatusCode: 500, Body: `{"message":"internal"}`, RayID: "ray-3"}}},
		faultRow{name: "503 envelope then 503 html: messages are the last attempt's", eps: faultIdem,
			setup: mockSteps(faultStatusStep(503, json), faultStatusStep(503, html)),
			want:  faultRetried(503, html, 3, faultBackoff...)},
		faultRow{name: "503 envelope then EOF: messages are the last attempt's", eps: faultIdem,
			setup: mockSteps(faultStatusStep(503, json), faultStep{err: io.EOF}),
			want:  faultTransport(3, io.EOF, faultBackoff...)},
		faultRow{name: "context canceled in the retry wait wraps the last APIError", eps: faultIdem, cancelInWait: true,
			setup: mockSteps(faultStatusStep(503, json)),
			want: faultWant{is: []error{context.Canceled, secondarydns.ErrServerError}, api: json.api(503, 1),
				attempts: 1, requests: 1, status: 503, ray: "ray-1", sleeps: faultBackoff[:1]}},
		faultRow{name: "3xx from the API itself", eps: faultAll,
			setup: mockSteps(faultStep{status: 304, body: ""}),
			want:  faultWant{api: &secondarydns.APIError{StatusCode: 304, RayID: "ray-1"}, attempts: 1, requests: 1, status: 304, ray: "ray-1"}},
	)

	// 2xx answers that are API errors or not valid answers: never retried.
	chain := `{"success":false,"errors":[{"code":1000,"message":"outer","error_chain":[{"code":1001,"message":"inner",` +
		`"error_chain":[{"code":1002,"message":"innermost"}]}]}],"messages":[],"result":null}`
	rows = append(rows,
		faultRow{name: "200 success false", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, json.body(409))),
			want: faultWant{api: &secondarydns.APIError{StatusCode: 200, RayID: "ray-1",
				Errors:   []secondarydns.ResponseInfo{{Code: 4090, Message: faultMsg}},
				Messages: []secondarydns.ResponseInfo{{Code: 10000, Message: "see the docs"}}},
				hasCode: []int{4090}, msg: []string{"success=false"}, attempts: 1, requests: 1, status: 200, ray: "ray-1"}},
		faultRow{name: "200 success false with error_chain", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, chain)),
			want: faultWant{api: &secondarydns.APIError{StatusCode: 200, RayID: "ray-1",
				Errors: []secondarydns.ResponseInfo{{Code: 1000, Message: "outer", ErrorChain: []secondarydns.ResponseInfo{
					{Code: 1001, Message: "inner", ErrorChain: []secondarydns.ResponseInfo{{Code: 1002, Message: "innermost"}}}}}}},
				hasCode: []int{1000, 1001, 1002}, attempts: 1, requests: 1, status: 200, ray: "ray-1"}},
		faultRow{name: "200 success false with a wrong-typed result", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `{"success":false,"errors":[{"code":7,"message":"no"}],"result":[1,2]}`)),
			want: faultWant{api: &secondarydns.APIError{StatusCode: 200, RayID: "ray-1", Errors: []secondarydns.ResponseInfo{{Code: 7, Message: "no"}}},
				hasCode: []int{7}, attempts: 1, requests: 1, status: 200, ray: "ray-1"}},
		faultRow{name: "200 success false with errors as bare strings", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `{"success":false,"errors":["first","second"],"messages":["note"],"result":null}`)),
			want: faultWant{api: &secondarydns.APIError{StatusCode: 200, RayID: "ray-1",
				Errors:   []secondarydns.ResponseInfo{{Message: "first"}, {Message: "second"}},
				Messages: []secondarydns.ResponseInfo{{Message: "note"}}},
				msg: []string{"first (and 1 more)"}, attempts: 1, requests: 1, status: 200, ray: "ray-1"}},
		faultRow{name: "404 errors as one bare string", eps: faultAll,
			setup: mockSteps(faultJSONStep(404, `{"success":false,"errors":"zone not found","result":null}`)),
			want: faultWant{is: faultClass(404), api: &secondarydns.APIError{StatusCode: 404, RayID: "ray-1",
				Errors: []secondarydns.ResponseInfo{{Message: "zone not found"}}},
				attempts: 1, requests: 1, status: 404, ray: "ray-1"}},
		faultRow{name: "400 errors as one object with source and unknown fields", eps: faultAll,
			setup: mockSteps(faultJSONStep(400, `{"success":false,"x":1,"errors":{"code":1004,"message":"bad","source":{"pointer":"/name","y":2},"z":[]},"result":null}`)),
			want: faultWant{is: faultClass(400), api: &secondarydns.APIError{StatusCode: 400, RayID: "ray-1",
				Errors: []secondarydns.ResponseInfo{{Code: 1004, Message: "bad", Source: &secondarydns.ErrorSource{Pointer: "/name"}}}},
				hasCode: []int{1004}, attempts: 1, requests: 1, status: 400, ray: "ray-1"}},
		faultRow{name: "200 empty body", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, "")), want: faultInvalid("not valid JSON")},
		faultRow{name: "200 truncated JSON", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `{"success":true,"errors":[],"result":{"id":"abc`)), want: faultInvalid("not valid JSON")},
		faultRow{name: "200 HTML", eps: faultAll,
			setup: mockSteps(faultStep{status: 200, body: faultHTML, hdr: []string{"Content-Type", "text/html"}}), want: faultInvalid("not valid JSON")},
		faultRow{name: "200 JSON that is not an envelope", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `{"id":"abc"}`)), want: faultInvalid("not a Cloudflare envelope")},
		faultRow{name: "200 JSON array", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `[]`)), want: faultInvalid()},
		faultRow{name: "200 JSON null", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `null`)), want: faultInvalid("not a Cloudflare envelope")},
		faultRow{name: "200 success as a string", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `{"success":"true","result":{}}`)), want: faultInvalid()},
		faultRow{name: "200 result missing", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, `{"success":true,"errors":[],"messages":[]}`)), want: faultInvalid("no result")},
		faultRow{name: "200 result null", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, okEnvelope("null"))), want: faultInvalid("no result")},
		faultRow{name: "200 result of the wrong type", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, okEnvelope("[1]"))), want: faultInvalid("result", "array")},
		faultRow{name: "200 result a number", eps: faultAll,
			setup: mockSteps(faultJSONStep(200, okEnvelope("12"))), want: faultInvalid("result", "number")},
		faultRow{name: "200 trailing garbage", eps: faultAll,
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				return okEnvelope(ep.result) + "}"
			})), want: faultInvalid("not valid JSON")},
		faultRow{name: "200 wrong-typed peers", eps: []string{"Get", "Create", "Update"},
			setup: mockSteps(faultJSONStep(200, okEnvelope(`{"id":"a","peers":"p"}`))), want: faultInvalid("peers")},
		faultRow{name: "200 negative soa_serial", eps: []string{"Get", "Create", "Update"},
			setup: mockSteps(faultJSONStep(200, okEnvelope(`{"id":"a","soa_serial":-1}`))), want: faultInvalid("soa_serial")},
		faultRow{name: "200 unknown time format", eps: []string{"Get", "Create", "Update"},
			setup: mockSteps(faultJSONStep(200, okEnvelope(`{"id":"a","created_time":"24/10/2019"}`))), want: faultInvalid("created_time")},
		faultRow{name: "200 soa_serial spelt with 900000 digits decodes in linear time", eps: []string{"Get", "Create", "Update"},
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				long := `"soa_serial": 2019102400` + strings.Repeat("0", 900000) + `e-900000`
				return okEnvelope(strings.Replace(ep.result, `"soa_serial": 2019102400`, long, 1))
			})),
			want: func() faultWant { w := faultOK(1); w.within = time.Second; return w }()},
		faultRow{name: "200 wrong-typed delete id", eps: []string{"Delete"},
			setup: mockSteps(faultJSONStep(200, okEnvelope(`{"id":5}`))), want: faultInvalid("id")},
		faultRow{name: "200 errors and messages of unexpected shapes are ignored", eps: faultAll,
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				return `{"success":true,"errors":17,"messages":true,"result":` + ep.result + `}`
			})), want: faultOK(1)},
		faultRow{name: "200 unknown fields everywhere", eps: faultAll,
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				return `{"success":true,"new":{"a":[1,2]},"errors":[],"messages":[{"code":1,"message":"m","extra":true,` +
					`"source":{"pointer":"/x","more":1},"error_chain":[{"code":2,"message":"c","k":null}]}],` +
					`"result_info":{"page":1},"result":` + faultWithUnknown(ep.result) + `}`
			})),
			want: func() faultWant {
				w := faultOK(1)
				w.messages = []secondarydns.ResponseInfo{{Code: 1, Message: "m", Source: &secondarydns.ErrorSource{Pointer: "/x"},
					ErrorChain: []secondarydns.ResponseInfo{{Code: 2, Message: "c"}}}}
				return w
			}()},
		faultRow{name: "201 with a valid envelope", eps: faultAll,
			setup: mockSteps(faultStep{status: 201}.withBody(func(ep endpointCase) string { return okEnvelope(ep.result) })),
			want:  func() faultWant { w := faultOK(1); w.status = 201; return w }()},
		faultRow{name: "204 no content", eps: faultAll,
			setup: mockSteps(faultStep{status: 204}), want: func() faultWant {
				w := faultInvalid("not valid JSON")
				w.status, w.msg[0] = 204, "HTTP 204"
				return w
			}()},
	)

	// Credentials echoed back by a proxy never reach an error, a field or
	// WithResponse.
	echo := strings.Repeat("x", 500) + "Bearer " + testToken + " " + strings.Repeat("y", 40)
	rows = append(rows,
		faultRow{name: "502 html echoing the token across the snippet cut", eps: faultIdem, retries: -1,
			setup: mockSteps(faultStep{status: 502, body: echo, hdr: []string{"Content-Type", "text/html"}}),
			want: faultWant{is: faultClass(502), attempts: 1, requests: 1, status: 502, ray: "ray-1",
				api: &secondarydns.APIError{StatusCode: 502, RayID: "ray-1",
					Body: (strings.Repeat("x", 500) + "Bearer [redacted] " + strings.Repeat("y", 40))[:512]}}},
		faultRow{name: "403 envelope echoing the key and email", eps: faultAll, apiKey: true,
			setup: mockSteps(faultJSONStep(403, `{"success":false,"errors":[{"code":9103,"message":"bad key `+testKey+` for `+testEmail+`",`+
				`"error_chain":[{"code":1,"message":"`+testKey+`"}]}],"messages":[{"code":2,"message":"`+testEmail+`"}]}`)),
			want: faultWant{is: faultClass(403), attempts: 1, requests: 1, status: 403, ray: "ray-1", hasCode: []int{9103, 1},
				api: &secondarydns.APIError{StatusCode: 403, RayID: "ray-1",
					Errors: []secondarydns.ResponseInfo{{Code: 9103, Message: "bad key [redacted] for [redacted]",
						ErrorChain: []secondarydns.ResponseInfo{{Code: 1, Message: "[redacted]"}}}},
					Messages: []secondarydns.ResponseInfo{{Code: 2, Message: "[redacted]"}}}}},
		faultRow{name: "200 messages echoing the token", eps: faultAll,
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				return `{"success":true,"errors":[],"messages":[{"code":1,"message":"hi ` + testToken + `"}],"result":` + ep.result + `}`
			})),
			want: func() faultWant {
				w := faultOK(1)
				w.messages = []secondarydns.ResponseInfo{{Code: 1, Message: "hi [redacted]"}}
				return w
			}()},
		faultRow{name: "502 body with the token split by a broken byte", eps: faultIdem, retries: -1,
			setup: mockSteps(faultStep{status: 502, body: testToken[:6] + "\xe7" + testToken[6:], hdr: []string{"Content-Type", "text/plain"}}),
			want: faultWant{is: faultClass(502), attempts: 1, requests: 1, status: 502, ray: "ray-1",
				api: &secondarydns.APIError{StatusCode: 502, RayID: "ray-1", Body: testToken[:6] + "\xe7" + testToken[6:]}}},
		faultRow{name: "404 message with the token split by control characters", eps: faultAll,
			setup: mockSteps(faultJSONStep(404, `{"success":false,"errors":[{"code":1,"message":"`+testToken[:4]+`\u0000`+testToken[4:10]+`\u007f\ufffd`+testToken[10:]+`"}]}`)),
			want: faultWant{is: faultClass(404), attempts: 1, requests: 1, status: 404, ray: "ray-1", hasCode: []int{1},
				msg: []string{testToken[:4] + " " + testToken[4:10] + " \ufffd" + testToken[10:]},
				api: &secondarydns.APIError{StatusCode: 404, RayID: "ray-1",
					Errors: []secondarydns.ResponseInfo{{Code: 1, Message: testToken[:4] + "\x00" + testToken[4:10] + "\x7f\ufffd" + testToken[10:]}}}}},
		faultRow{name: "cf-ray echoing the token", eps: faultAll, retries: -1,
			setup: mockSteps(faultStep{status: 500, body: "", hdr: []string{"Cf-Ray", "ray " + testToken}}),
			want: faultWant{is: faultClass(500), attempts: 1, requests: 1, status: 500, ray: "ray [redacted]",
				api: &secondarydns.APIError{StatusCode: 500, RayID: "ray [redacted]"}}},
		faultRow{name: "200 time field echoing the token", eps: []string{"Get", "Create", "Update"},
			setup: mockSteps(faultJSONStep(200, okEnvelope(`{"id":"a","checked_time":"`+testToken+`"}`))),
			want:  faultInvalid("checked_time")},
		faultRow{name: "200 soa_serial echoing the token", eps: []string{"Get", "Create", "Update"},
			setup: mockSteps(faultJSONStep(200, okEnvelope(`{"id":"a","soa_serial":"`+testToken+`"}`))),
			want:  faultInvalid("soa_serial")},
	)

	// Bodies over 1 MiB: the read stops at the cap.
	big := func(prefix string) faultStep {
		return faultStep{status: 200, body: prefix, size: 3 << 20}
	}
	rows = append(rows,
		faultRow{name: "200 body over 1 MiB", eps: faultAll,
			setup: mockSteps(big(`{"success":true,"result":null,"pad":"`)),
			want:  func() faultWant { w := faultInvalid("exceeds 1 MiB"); w.capped = true; return w }()},
		faultRow{name: "200 body of exactly 1 MiB is read whole", eps: faultAll,
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				return okEnvelope(ep.result) + strings.Repeat(" ", secondarydns.MaxBodyForTest-len(okEnvelope(ep.result)))
			})),
			want: faultOK(1)},
		faultRow{name: "200 body one byte over 1 MiB", eps: faultAll,
			setup: mockSteps(faultStep{}.withBody(func(ep endpointCase) string {
				return okEnvelope(ep.result) + strings.Repeat(" ", secondarydns.MaxBodyForTest+1-len(okEnvelope(ep.result)))
			})),
			want: func() faultWant { w := faultInvalid("exceeds 1 MiB"); w.capped = true; return w }()},
		faultRow{name: "503 html body over 1 MiB", eps: faultIdem,
			setup: mockSteps(faultStep{status: 503, body: faultHTML, size: 3 << 20, hdr: []string{"Content-Type", "text/html"}}),
			want: func() faultWant {
				w := faultRetried(503, html, 3, faultBackoff...)
				w.api.Body = faultHTML + strings.Repeat(" ", 512-len(faultHTML))
				w.capped = true
				return w
			}()},
		faultRow{name: "503 json body over 1 MiB on create", eps: faultPOST,
			setup: mockSteps(faultStep{status: 503, body: `{"success":false,"errors":[{"code":1,"message":"x"}],"pad":"`, size: 2 << 20}),
			want: func() faultWant {
				w := faultRetried(503, empty, 1)
				w.api.Body = (`{"success":false,"errors":[{"code":1,"message":"x"}],"pad":"` + strings.Repeat(" ", 512))[:512]
				w.capped = true
				return w
			}()},
	)

	// Transport faults through httpmock: what may have reached the server
	// is retried only by endpoints that are safe to repeat.
	rows = append(rows,
		faultRow{name: "connection refused at dial", eps: faultAll,
			setup: mockSteps(faultStep{err: dial}), want: faultTransport(3, syscall.ECONNREFUSED, faultBackoff...)},
		faultRow{name: "connection refused at dial then 200", eps: faultAll,
			setup: mockSteps(faultStep{err: dial}, faultStep{ok: true}), want: faultOK(2, 500*time.Millisecond)},
		faultRow{name: "proxyconnect failure", eps: faultPOST,
			setup: mockSteps(faultStep{err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}),
			want:  faultTransport(3, syscall.ECONNREFUSED, faultBackoff...)},
		faultRow{name: "reset after the request was written", eps: faultIdem,
			setup: mockSteps(faultStep{err: reset}), want: faultTransport(3, syscall.ECONNRESET, faultBackoff...)},
		faultRow{name: "reset after the request was written on create", eps: faultPOST,
			setup: mockSteps(faultStep{err: reset}), want: faultTransport(1, syscall.ECONNRESET)},
		faultRow{name: "reset then 200", eps: faultIdem,
			setup: mockSteps(faultStep{err: reset}, faultStep{ok: true}), want: faultOK(2, 500*time.Millisecond)},
		faultRow{name: "EOF before the response", eps: faultIdem,
			setup: mockSteps(faultStep{err: io.EOF}), want: faultTransport(3, io.EOF, faultBackoff...)},
		faultRow{name: "EOF before the response on create", eps: faultPOST,
			setup: mockSteps(faultStep{err: io.EOF}), want: faultTransport(1, io.EOF)},
		faultRow{name: "EOF with retries off", eps: faultIdem, retries: -1,
			setup: mockSteps(faultStep{err: io.EOF}), want: faultTransport(1, io.EOF)},
		faultRow{name: "body read fails after the status", eps: faultIdem,
			setup: mockSteps(faultStep{status: 200, body: `{"success":true,"res`, readErr: reset}),
			want: func() faultWant {
				w := faultTransport(3, syscall.ECONNRESET, faultBackoff...)
				w.status, w.ray = 200, "ray-3"
				return w
			}()},
		faultRow{name: "body read fails after the status on create", eps: faultPOST,
			setup: mockSteps(faultStep{status: 200, body: `{"success":true,"res`, readErr: io.ErrUnexpectedEOF}),
			want: func() faultWant {
				w := faultTransport(1, io.ErrUnexpectedEOF)
				w.status, w.ray = 200, "ray-1"
				return w
			}()},
	)

	// Real sockets: hangs end with the context, quickly; a cut body is a
	// transport error.
	rows = append(rows,
		faultRow{name: "server accepts and never answers", eps: []string{"Get", "Create", "ForceNotify"},
			setup: realHang(), timeout: 300 * time.Millisecond,
			want: faultWant{is: []error{context.DeadlineExceeded}, attempts: 1, requests: 1, within: 2 * time.Second}},
		faultRow{name: "server sends headers then stalls the body", eps: []string{"Get", "Create", "Status"},
			setup: realStallBody(), timeout: 300 * time.Millisecond,
			want: faultWant{is: []error{context.DeadlineExceeded}, attempts: 1, requests: 1, status: 200, ray: "ray-1", within: 2 * time.Second}},
		faultRow{name: "http.Client timeout per attempt", eps: []string{"Get", "Disable"},
			setup: realStallHeaders(100 * time.Millisecond),
			want: faultWant{is: []error{context.DeadlineExceeded}, transport: true, attempts: 3, requests: 3,
				sleeps: faultBackoff, msg: []string{"Client.Timeout"}, within: 3 * time.Second}},
		faultRow{name: "http.Client timeout per attempt on create", eps: faultPOST,
			setup: realStallHeaders(100 * time.Millisecond),
			want: faultWant{is: []error{context.DeadlineExceeded}, transport: true, attempts: 1, requests: 1,
				msg: []string{"Client.Timeout"}, within: 2 * time.Second}},
		faultRow{name: "body cut off mid-JSON by a closed connection", eps: faultIdem,
			setup: realCut(),
			want:  faultWant{transport: true, cause: io.ErrUnexpectedEOF, attempts: 3, requests: 3, status: 200, ray: "ray-3", sleeps: faultBackoff}},
		faultRow{name: "body cut off mid-JSON by a closed connection on create", eps: faultPOST,
			setup: realCut(),
			want:  faultWant{transport: true, cause: io.ErrUnexpectedEOF, attempts: 1, requests: 1, status: 200, ray: "ray-1"}},
		faultRow{name: "connection refused by a real port", eps: []string{"Create", "Status"},
			setup: realRefused(),
			want:  faultWant{transport: true, cause: syscall.ECONNREFUSED, attempts: 3, requests: 0, sleeps: faultBackoff}},
	)

	// Redirects are never followed, whoever's http.Client is used.
	for _, status := range []int{301, 302, 307, 308} {
		for _, key := range []bool{false, true} {
			for _, supplied := range []bool{false, true} {
				auth, hc := "token", "default client"
				if key {
					auth = "email+key"
				}
				if supplied {
					hc = "caller's client"
				}
				rows = append(rows, faultRow{
					name: fmt.Sprintf("%d redirect, %s, %s", status, auth, hc), eps: []string{"Get", "Create", "Enable"},
					setup: realRedirect(status, supplied), apiKey: key,
					want: faultWant{attempts: 1, requests: 1, status: status, ray: "ray-1",
						api: &secondarydns.APIError{StatusCode: status, RayID: "ray-1", Body: faultRedirectBody}},
				})
			}
		}
	}

	// TLS: a test server's certificate is trusted only through the caller's
	// http.Client; a certificate error is not retried.
	rows = append(rows,
		faultRow{name: "TLS server through WithHTTPClient with its pool", eps: faultAll,
			setup: realOK(true, true),
			want:  faultWant{ok: true, attempts: 1, requests: 1, status: 200, ray: "ray-1"}},
		faultRow{name: "TLS server rejected without its pool", eps: faultAll,
			setup: realOK(true, false),
			want:  faultWant{transport: true, tlsCert: true, attempts: 1, requests: 0}},
	)
	return rows
}

// withBody sets a body that depends on the endpoint, with status 200 unless
// the step has one.
func (s faultStep) withBody(body func(ep endpointCase) string) faultStep {
	s.bodyFor = body
	return s
}

// faultWithUnknown adds unknown fields to an object result.
func faultWithUnknown(result string) string {
	if strings.HasPrefix(result, "{") {
		return `{"future_field":{"nested":[true]},` + result[1:]
	}
	return result
}
