package secondarydns_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// Shared test vocabulary. Credentials are distinctive so a leak is easy to
// grep for.
const (
	testZone  = "023e105f4ecef8ad9ca31a8372d0c353"
	testToken = "tok-SECRET-7f3a9c"
	testEmail = "ops@secret-mail.example"
	testKey   = "key-SECRET-51be02"
	peerA     = "23ff594956f20c2a721606e94745a8aa"
	peerB     = "00920f38ce07c2e2f4df50b1f61d4194"
	// basePath is non-empty so a client that builds absolute paths, or drops
	// the base URL's path, fails the tests.
	basePath = "/api/client/v4"
	testRay  = "8c1f2d3e4a5b6c7d-SJC"
)

// seenRequest is what a test server or transport received.
type seenRequest struct {
	Method   string
	Path     string // escaped
	RawQuery string
	Header   http.Header
	Body     string
	HasBody  bool
}

func record(t testing.TB, r *http.Request) seenRequest {
	t.Helper()
	s := seenRequest{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone()}
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		s.Body, s.HasBody = string(b), len(b) > 0 || r.ContentLength > 0
	}
	return s
}

// okEnvelope wraps a raw JSON result in a successful Cloudflare envelope.
func okEnvelope(result string) string {
	return `{"success":true,"errors":[],"messages":[],"result":` + result + `}`
}

// errEnvelope is a failed Cloudflare envelope with one error.
func errEnvelope(code int, msg string) string {
	return `{"success":false,"errors":[{"code":` + strconv.Itoa(code) + `,"message":"` + msg + `"}],"messages":[],"result":null}`
}

// reply builds a responder with a status, a body and header pairs. A cf-ray
// header is always set, as Cloudflare does.
func reply(status int, body string, headerPairs ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("Cf-Ray", testRay)
		for i := 0; i+1 < len(headerPairs); i += 2 {
			resp.Header.Set(headerPairs[i], headerPairs[i+1])
		}
		resp.Request = req
		return resp, nil
	}
}

// fail is a responder that fails at the transport level.
func fail(err error) httpmock.Responder { return httpmock.NewErrorResponder(err) }

// mockAPI is an httpmock transport that answers request n with steps[n] (the
// last step repeats) and records every request it saw.
type mockAPI struct {
	t     testing.TB
	mu    sync.Mutex
	steps []httpmock.Responder
	seen  []seenRequest
	hc    *http.Client
}

func newMock(t testing.TB, steps ...httpmock.Responder) *mockAPI {
	t.Helper()
	m := &mockAPI{t: t, steps: steps}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		s := record(t, req)
		m.mu.Lock()
		n := len(m.seen)
		m.seen = append(m.seen, s)
		step := m.steps[min(n, len(m.steps)-1)]
		m.mu.Unlock()
		return step(req)
	})
	m.hc = &http.Client{Transport: mt}
	return m
}

func (m *mockAPI) requests() []seenRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]seenRequest(nil), m.seen...)
}

func (m *mockAPI) count() int { return len(m.requests()) }

// sleeps records the waits the client asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// noWait switches real waiting off and makes the jitter draw its upper bound,
// so backoff waits are deterministic.
func noWait(s *sleeps) []secondarydns.Option {
	return []secondarydns.Option{
		secondarydns.WithSleepForTest(s.sleep),
		secondarydns.WithJitterForTest(func(max time.Duration) time.Duration { return max }),
	}
}

// newMockClient returns a client wired to m with a token, the base path and
// no real waiting; extra options come last so they win.
func newMockClient(t testing.TB, m *mockAPI, s *sleeps, extra ...secondarydns.Option) *secondarydns.Client {
	t.Helper()
	if s == nil {
		s = &sleeps{}
	}
	opts := append([]secondarydns.Option{
		secondarydns.WithAPIToken(testToken),
		secondarydns.WithBaseURL("https://api.test" + basePath),
		secondarydns.WithHTTPClient(m.hc),
	}, noWait(s)...)
	c, err := secondarydns.NewClient(append(opts, extra...)...)
	require.NoError(t, err)
	return c
}

// wireServer is a real HTTP server mounted under basePath, for tests where
// the bytes on the socket matter.
type wireServer struct {
	*httptest.Server
	mu      sync.Mutex
	seen    []seenRequest
	handler http.HandlerFunc
}

func newWireServer(t testing.TB, h http.HandlerFunc) *wireServer {
	t.Helper()
	ws := &wireServer{handler: h}
	mux := http.NewServeMux()
	mux.HandleFunc(basePath+"/", func(w http.ResponseWriter, r *http.Request) {
		s := record(t, r)
		ws.mu.Lock()
		ws.seen = append(ws.seen, s)
		ws.mu.Unlock()
		w.Header().Set("Cf-Ray", testRay)
		ws.handler(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
	})
	ws.Server = httptest.NewServer(mux)
	t.Cleanup(ws.Close)
	return ws
}

func (ws *wireServer) requests() []seenRequest {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return append([]seenRequest(nil), ws.seen...)
}

func (ws *wireServer) baseURL() string { return ws.URL + basePath }

func writeBody(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// wireCred is a kind of credentials and the headers it sends ("" means the
// header is absent).
type wireCred struct {
	name string
	opt  secondarydns.Option
	want map[string]string
}

// wireCreds are both kinds, for tests that run every call with each.
func wireCreds() []wireCred {
	return []wireCred{
		{"token", secondarydns.WithAPIToken(testToken), map[string]string{
			"Authorization": "Bearer " + testToken, "X-Auth-Email": "", "X-Auth-Key": "",
		}},
		{"email+key", secondarydns.WithAPIKey(testEmail, testKey), map[string]string{
			"Authorization": "", "X-Auth-Email": testEmail, "X-Auth-Key": testKey,
		}},
	}
}

// assertWire checks a request as the SDK must send it: method, path (with
// basePath), query, Accept, User-Agent, cred's headers, and the exact body
// with its Content-Type, or no body and no Content-Type when body is "".
func assertWire(t *testing.T, r seenRequest, method, path, query string, cred wireCred, body string) {
	t.Helper()
	assert.Equal(t, method, r.Method)
	assert.Equal(t, path, r.Path)
	assert.Equal(t, query, r.RawQuery)
	assert.Equal(t, []string{"application/json"}, r.Header.Values("Accept"))
	assert.Equal(t, []string{"secondarydns-go/" + secondarydns.Version}, r.Header.Values("User-Agent"))
	for h, v := range cred.want {
		if v == "" {
			assert.Empty(t, r.Header.Values(h), h)
		} else {
			assert.Equal(t, []string{v}, r.Header.Values(h), h)
		}
	}
	if body == "" {
		assert.False(t, r.HasBody, "no body expected, got %q", r.Body)
		assert.Empty(t, r.Header.Values("Content-Type"))
		return
	}
	assert.Equal(t, body, r.Body, "the exact bytes")
	assert.Equal(t, []string{"application/json"}, r.Header.Values("Content-Type"))
}
