package secondarydnstest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

const (
	zoneA = "023e105f4ecef8ad9ca31a8372d0c353"
	zoneB = "269d8f4853475ca241c4e730be286b20"
	peer1 = "23ff594956f20c2a721606e94745a8aa"
	peer2 = "00920f38ce07c2e2f4df50b1f61d4194"
)

// fixedNow is the fake clock of most tests: 2026-11-27 17:09:42.883908123 +01:00.
var fixedNow = time.Date(2026, 11, 27, 17, 9, 42, 883908123, time.FixedZone("", 3600))

func outgoingPath(zoneID string, action ...string) string {
	return "/zones/" + zoneID + "/secondary_dns/outgoing" + strings.Join(append([]string{""}, action...), "/")
}

type apiErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Source  *struct {
		Pointer string `json:"pointer"`
	} `json:"source"`
	ErrorChain []apiErr `json:"error_chain"`
}

type reply struct {
	Status int
	Header http.Header
	Raw    string
	Env    struct {
		Success  *bool            `json:"success"`
		Errors   []apiErr         `json:"errors"`
		Messages []map[string]any `json:"messages"`
		Result   json.RawMessage  `json:"result"`
	}
}

// codes lists the envelope's error codes, with error_chain entries as
// "outer>inner".
func (r reply) codes() []string {
	var out []string
	for _, e := range r.Env.Errors {
		s := fmt.Sprint(e.Code)
		for _, c := range e.ErrorChain {
			s += fmt.Sprintf(">%d", c.Code)
		}
		out = append(out, s)
	}
	return out
}

func (r reply) pointer() string {
	if len(r.Env.Errors) == 0 || r.Env.Errors[0].Source == nil {
		return ""
	}
	return r.Env.Errors[0].Source.Pointer
}

type reqOpt func(*http.Request)

func header(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func noAuth(r *http.Request) { r.Header.Del("Authorization") }

// send makes one request to the fake with the default token (and a JSON
// Content-Type when there is a body) and decodes the envelope.
func send(t *testing.T, srv *secondarydnstest.Server, method, path, body string, opts ...reqOpt) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secondarydnstest.DefaultToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := reply{Status: resp.StatusCode, Header: resp.Header, Raw: string(b)}
	if len(b) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(b, &r.Env), "body: %s", b)
	}
	return r
}

func newServer(t *testing.T, opts ...secondarydnstest.ServerOption) *secondarydnstest.Server {
	t.Helper()
	srv := secondarydnstest.NewServer(append([]secondarydnstest.ServerOption{
		secondarydnstest.WithClock(func() time.Time { return fixedNow }),
	}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

func TestURL(t *testing.T) {
	srv := newServer(t)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/client/v4$`, srv.URL)
}

func TestLifecycle(t *testing.T) {
	srv := newServer(t)
	p := outgoingPath(zoneA)

	r := send(t, srv, "POST", p, `{"name":"example.com.","peers":["`+peer1+`"]}`)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.JSONEq(t, `{"success":true,"errors":[],"messages":[],"result":{
		"id":"`+zoneA+`","name":"example.com.","peers":["`+peer1+`"],
		"soa_serial":2026112701,"created_time":"2026-11-27T17:09:42.883908+01:00"}}`, r.Raw)

	r = send(t, srv, "GET", p, "")
	require.Equal(t, 200, r.Status, r.Raw)
	assert.JSONEq(t, `{"id":"`+zoneA+`","name":"example.com.","peers":["`+peer1+`"],
		"soa_serial":2026112701,"created_time":"2026-11-27T17:09:42.883908+01:00"}`, string(r.Env.Result))

	r = send(t, srv, "GET", outgoingPath(zoneA, "status"), "")
	assert.Equal(t, `"Disabled"`, string(r.Env.Result))

	r = send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}")
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, `"Enabled"`, string(r.Env.Result))
	r = send(t, srv, "GET", outgoingPath(zoneA, "status"), "")
	assert.Equal(t, `"Enabled"`, string(r.Env.Result))

	r = send(t, srv, "POST", outgoingPath(zoneA, "force_notify"), "{}")
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, `"OK"`, string(r.Env.Result))

	r = send(t, srv, "PUT", p, `{"name":"example.net","peers":["`+peer1+`","`+peer2+`"]}`)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.JSONEq(t, `{"id":"`+zoneA+`","name":"example.net","peers":["`+peer1+`","`+peer2+`"],
		"soa_serial":2026112701,"created_time":"2026-11-27T17:09:42.883908+01:00",
		"checked_time":"2026-11-27T17:09:42.883908+01:00",
		"last_transferred_time":"2026-11-27T17:09:42.883908+01:00"}`, string(r.Env.Result))

	// The status survives an update.
	r = send(t, srv, "GET", outgoingPath(zoneA, "status"), "")
	assert.Equal(t, `"Enabled"`, string(r.Env.Result))

	r = send(t, srv, "POST", outgoingPath(zoneA, "disable"), "{}")
	assert.Equal(t, `"Disabled"`, string(r.Env.Result))
	r = send(t, srv, "GET", outgoingPath(zoneA, "status"), "")
	assert.Equal(t, `"Disabled"`, string(r.Env.Result))

	r = send(t, srv, "DELETE", p, "")
	require.Equal(t, 200, r.Status, r.Raw)
	assert.JSONEq(t, `{"success":true,"errors":[],"messages":[],"result":{"id":"`+zoneA+`"}}`, r.Raw)

	r = send(t, srv, "GET", p, "")
	assert.Equal(t, 404, r.Status)
	_, ok := srv.Config(zoneA)
	assert.False(t, ok)

	// A deleted zone can be created again.
	r = send(t, srv, "POST", p, `{"name":"example.com","peers":[]}`)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.JSONEq(t, `[]`, gjson(t, r.Env.Result, "peers"))
}

// gjson returns one field of a JSON object, re-encoded.
func gjson(t *testing.T, obj json.RawMessage, field string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(obj, &m))
	return string(m[field])
}

func TestResponseHeaders(t *testing.T) {
	srv := newServer(t)
	seen := map[string]bool{}
	for _, path := range []string{outgoingPath(zoneA), outgoingPath(zoneA), "/nowhere"} {
		r := send(t, srv, "GET", path, "")
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		ray := r.Header.Get("cf-ray")
		assert.Regexp(t, `^[0-9a-f]{16}-SJC$`, ray)
		assert.False(t, seen[ray], "ray ID %s repeated", ray)
		seen[ray] = true
	}
}

func TestDefaultClockAndSerial(t *testing.T) {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	before := time.Now().Truncate(time.Microsecond)
	r := send(t, srv, "POST", outgoingPath(zoneA), `{"name":"example.com","peers":[]}`)
	require.Equal(t, 200, r.Status, r.Raw)
	var res struct {
		CreatedTime string `json:"created_time"`
		SOASerial   uint32 `json:"soa_serial"`
	}
	require.NoError(t, json.Unmarshal(r.Env.Result, &res))
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`, res.CreatedTime)
	created, err := time.Parse(time.RFC3339Nano, res.CreatedTime)
	require.NoError(t, err)
	assert.False(t, created.Before(before))
	assert.Equal(t, created.Format("20060102")+"01", fmt.Sprint(res.SOASerial))
}

func TestAuth(t *testing.T) {
	cases := []struct {
		name   string
		server []secondarydnstest.ServerOption
		opts   []reqOpt
		status int
		codes  []string
	}{
		{name: "default token", status: 200},
		{name: "scheme is case-insensitive", opts: []reqOpt{header("Authorization", "bearer "+secondarydnstest.DefaultToken)}, status: 200},
		{name: "no credentials", opts: []reqOpt{noAuth}, status: 401, codes: []string{"9106"}},
		{name: "wrong token", opts: []reqOpt{header("Authorization", "Bearer nope")}, status: 403, codes: []string{"10000"}},
		{name: "not bearer", opts: []reqOpt{header("Authorization", "Basic dXNlcjpwYXNz")}, status: 400, codes: []string{"6003>6111"}},
		{name: "empty bearer", opts: []reqOpt{header("Authorization", "Bearer ")}, status: 400, codes: []string{"6003>6111"}},
		{
			name:   "custom token",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithToken("t0k3n")},
			opts:   []reqOpt{header("Authorization", "Bearer t0k3n")},
			status: 200,
		},
		{
			name:   "default token refused when replaced",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithToken("t0k3n")},
			status: 403, codes: []string{"10000"},
		},
		{
			name:   "api key",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithAPIKey("me@example.com", "k3y")},
			opts:   []reqOpt{noAuth, header("X-Auth-Email", "Me@Example.com"), header("X-Auth-Key", "k3y")},
			status: 200,
		},
		{
			name:   "token still accepted with api key",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithAPIKey("me@example.com", "k3y")},
			status: 200,
		},
		{
			name:   "wrong key",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithAPIKey("me@example.com", "k3y")},
			opts:   []reqOpt{noAuth, header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "nope")},
			status: 403, codes: []string{"9103"},
		},
		{
			name:   "wrong email",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithAPIKey("me@example.com", "k3y")},
			opts:   []reqOpt{noAuth, header("X-Auth-Email", "you@example.com"), header("X-Auth-Key", "k3y")},
			status: 403, codes: []string{"9103"},
		},
		{
			name:   "key not configured",
			opts:   []reqOpt{noAuth, header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "k3y")},
			status: 403, codes: []string{"9103"},
		},
		{name: "key without email", opts: []reqOpt{noAuth, header("X-Auth-Key", "k3y")}, status: 400, codes: []string{"6003>6102"}},
		{name: "email without key", opts: []reqOpt{noAuth, header("X-Auth-Email", "me@example.com")}, status: 400, codes: []string{"6003>6103"}},
		{
			name:   "empty token refuses every bearer",
			server: []secondarydnstest.ServerOption{secondarydnstest.WithToken(""), secondarydnstest.WithAPIKey("me@example.com", "k3y")},
			opts:   []reqOpt{header("Authorization", "Bearer x")},
			status: 403, codes: []string{"10000"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.server...)
			srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
			r := send(t, srv, "GET", outgoingPath(zoneA), "", tc.opts...)
			assert.Equal(t, tc.status, r.Status, r.Raw)
			assert.Equal(t, tc.codes, r.codes())
			require.NotNil(t, r.Env.Success)
			assert.Equal(t, tc.status == 200, *r.Env.Success)
			if tc.status != 200 {
				assert.Equal(t, "null", string(r.Env.Result))
				assert.NotNil(t, r.Env.Messages)
			}
		})
	}
}

func TestAuthIsCheckedOnEveryEndpoint(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	for _, ep := range endpoints {
		r := send(t, srv, ep.method, outgoingPath(zoneA, ep.action...), ep.body, noAuth)
		assert.Equal(t, 401, r.Status, "%s %v", ep.method, ep.action)
	}
	cfg, ok := srv.Config(zoneA)
	require.True(t, ok)
	assert.Equal(t, "Disabled", cfg.Status)
}

var endpoints = []struct {
	method string
	action []string
	body   string
}{
	{"GET", nil, ""},
	{"PUT", nil, `{"name":"example.com","peers":[]}`},
	{"DELETE", nil, ""},
	{"POST", []string{"enable"}, "{}"},
	{"POST", []string{"disable"}, "{}"},
	{"POST", []string{"force_notify"}, "{}"},
	{"GET", []string{"status"}, ""},
}

func TestNoConfiguration(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneB, secondarydnstest.Config{Name: "other.example"})
	for _, ep := range endpoints {
		r := send(t, srv, ep.method, outgoingPath(zoneA, ep.action...), ep.body)
		assert.Equal(t, 404, r.Status, "%s %v: %s", ep.method, ep.action, r.Raw)
		assert.Equal(t, []string{"1003"}, r.codes())
	}
	_, ok := srv.Config(zoneA)
	assert.False(t, ok, "no endpoint but Create makes a configuration")
}

func TestCreateConflict(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com", Peers: []string{peer1}})
	r := send(t, srv, "POST", outgoingPath(zoneA), `{"name":"other.example","peers":[]}`)
	assert.Equal(t, 409, r.Status)
	assert.Equal(t, []string{"1002"}, r.codes())
	cfg, _ := srv.Config(zoneA)
	assert.Equal(t, "example.com", cfg.Name)
}

func TestInvalidBody(t *testing.T) {
	many := make([]string, 31)
	for i := range many {
		many[i] = fmt.Sprintf(`"%032x"`, i)
	}
	cases := []struct {
		body, pointer string
	}{
		{`{`, "/"},
		{`[]`, "/"},
		{`null`, "/"},
		{`"x"`, "/"},
		{`{"name":"a","peers":[]} trailing`, "/"},
		{`{"peers":[]}`, "/name"},
		{`{"name":"","peers":[]}`, "/name"},
		{`{"name":"  ","peers":[]}`, "/name"},
		{`{"name":null,"peers":[]}`, "/name"},
		{`{"name":7,"peers":[]}`, "/name"},
		{`{"name":"example.com"}`, "/peers"},
		{`{"name":"example.com","peers":null}`, "/peers"},
		{`{"name":"example.com","peers":"` + peer1 + `"}`, "/peers"},
		{`{"name":"example.com","peers":["` + peer1 + `",7]}`, "/peers/1"},
		{`{"name":"example.com","peers":[null]}`, "/peers/0"},
		{`{"name":"example.com","peers":[` + strings.Join(many, ",") + `]}`, "/peers"},
	}
	srv := newServer(t)
	srv.Seed(zoneB, secondarydnstest.Config{Name: "example.org"})
	for _, tc := range cases {
		for _, target := range []struct{ method, zone string }{{"POST", zoneA}, {"PUT", zoneB}} {
			r := send(t, srv, target.method, outgoingPath(target.zone), tc.body)
			assert.Equal(t, 400, r.Status, "%s %s", target.method, tc.body)
			assert.Equal(t, []string{"1004"}, r.codes(), "%s %s", target.method, tc.body)
			assert.Equal(t, tc.pointer, r.pointer(), "%s %s", target.method, tc.body)
		}
	}
	// An empty body is not JSON either.
	r := send(t, srv, "POST", outgoingPath(zoneA), "")
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "/", r.pointer())

	// Thirty peers are fine; unknown fields are ignored.
	r = send(t, srv, "POST", outgoingPath(zoneA), `{"id":"x","name":"example.com","peers":[`+strings.Join(many[:30], ",")+`]}`)
	assert.Equal(t, 200, r.Status, r.Raw)

	// Actions take any JSON body, or none, but not broken JSON.
	r = send(t, srv, "POST", outgoingPath(zoneA, "enable"), "")
	assert.Equal(t, 200, r.Status, r.Raw)
	r = send(t, srv, "POST", outgoingPath(zoneA, "enable"), `{"x":1}`)
	assert.Equal(t, 200, r.Status, r.Raw)
	r = send(t, srv, "POST", outgoingPath(zoneA, "disable"), `{`)
	assert.Equal(t, 400, r.Status, r.Raw)
	assert.Equal(t, "/", r.pointer())
	cfg, _ := srv.Config(zoneA)
	assert.Equal(t, "Enabled", cfg.Status, "a refused request changes nothing")

	_, ok := srv.Config(zoneB)
	assert.True(t, ok)
	cfg, _ = srv.Config(zoneB)
	assert.Equal(t, "example.org", cfg.Name, "a refused update changes nothing")
}

func TestContentType(t *testing.T) {
	srv := newServer(t)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json-patch+json"} {
		r := send(t, srv, "POST", outgoingPath(zoneA), `{"name":"example.com","peers":[]}`, header("Content-Type", ct))
		assert.Equal(t, 400, r.Status, ct)
		assert.Equal(t, []string{"6003>6105"}, r.codes(), ct)
	}
	r := send(t, srv, "POST", outgoingPath(zoneA), `{"name":"example.com","peers":[]}`, header("Content-Type", "application/json; charset=utf-8"))
	assert.Equal(t, 200, r.Status, r.Raw)
}

func TestRouting(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	cases := []struct {
		method, path string
		status       int
		codes        []string
		allow        string
	}{
		{"GET", "/zones/" + strings.ToUpper(zoneA) + "/secondary_dns/outgoing", 400, []string{"7003", "7000"}, ""},
		{"GET", "/zones/example.com/secondary_dns/outgoing", 400, []string{"7003", "7000"}, ""},
		{"GET", "/zones/abc/secondary_dns/outgoing/status", 400, []string{"7003", "7000"}, ""},
		{"GET", "/zones/" + zoneA + "0/secondary_dns/outgoing", 400, []string{"7003", "7000"}, ""},
		{"GET", "/zones//secondary_dns/outgoing", 400, []string{"7003", "7000"}, ""},
		{"GET", "/zones/" + zoneA[:31] + "%2F/secondary_dns/outgoing", 400, []string{"7003", "7000"}, ""},
		{"GET", "/zones/" + zoneA + "/secondary_dns/incoming", 404, []string{"7003", "7000"}, ""},
		{"GET", "/zones/" + zoneA + "/secondary_dns/outgoing/", 404, []string{"7003", "7000"}, ""},
		{"GET", "/zones/" + zoneA + "/secondary_dns/outgoing/status/x", 404, []string{"7003", "7000"}, ""},
		{"POST", "/zones/" + zoneA + "/secondary_dns/outgoing/notify", 404, []string{"7003", "7000"}, ""},
		{"GET", "/zones/", 404, []string{"7003", "7000"}, ""},
		{"GET", "/zones/" + zoneA, 404, []string{"7003", "7000"}, ""},
		{"POST", "/zones", 405, []string{"7001"}, "GET"},
		{"GET", "", 404, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/" + account1 + "/secondary_dns", 404, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/" + account1 + "/secondary_dns/incoming", 404, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/" + account1 + "/secondary_dns/peers/", 404, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/" + account1 + "/secondary_dns/peers/" + peer1 + "/x", 404, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/" + account1 + "/secondary_dns/peers/x", 400, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/x/secondary_dns/tsigs", 400, []string{"7003", "7000"}, ""},
		{"GET", "/accounts/" + strings.ToUpper(account1) + "/secondary_dns/acls", 400, []string{"7003", "7000"}, ""},
		{"PUT", "/accounts/" + account1 + "/secondary_dns/acls", 405, []string{"7001"}, "GET, POST"},
		{"POST", "/accounts/" + account1 + "/secondary_dns/acls/" + peer1, 405, []string{"7001"}, "GET, PUT, DELETE"},
		{"PATCH", outgoingPath(zoneA), 405, []string{"7001"}, "GET, POST, PUT, DELETE"},
		{"GET", outgoingPath(zoneA, "enable"), 405, []string{"7001"}, "POST"},
		{"PUT", outgoingPath(zoneA, "disable"), 405, []string{"7001"}, "POST"},
		{"DELETE", outgoingPath(zoneA, "force_notify"), 405, []string{"7001"}, "POST"},
		{"POST", outgoingPath(zoneA, "status"), 405, []string{"7001"}, "GET"},
		{"HEAD", outgoingPath(zoneA, "status"), 405, nil, "GET"}, // no body for HEAD
	}
	for _, tc := range cases {
		r := send(t, srv, tc.method, tc.path, "")
		assert.Equal(t, tc.status, r.Status, "%s %s: %s", tc.method, tc.path, r.Raw)
		assert.Equal(t, tc.codes, r.codes(), "%s %s", tc.method, tc.path)
		assert.Equal(t, tc.allow, r.Header.Get("Allow"), "%s %s", tc.method, tc.path)
	}

	// Routing comes before authentication.
	r := send(t, srv, "GET", "/zones/abc/secondary_dns/outgoing", "", noAuth)
	assert.Equal(t, 400, r.Status)
	assert.Contains(t, r.Env.Errors[0].Message, "/client/v4/zones/abc/secondary_dns/outgoing")

	// A zone ID may be percent-encoded.
	r = send(t, srv, "GET", "/zones/%30"+zoneA[1:]+"/secondary_dns/outgoing", "")
	assert.Equal(t, 200, r.Status, r.Raw)

	// Outside /client/v4 nothing is served.
	resp, err := http.Get(strings.TrimSuffix(srv.URL, "/client/v4") + outgoingPath(zoneA))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	reqs := srv.Requests()
	assert.Equal(t, "/zones/"+zoneA+"/secondary_dns/outgoing", reqs[len(reqs)-1].Path, "kept whole")
}

func TestSeedAndConfig(t *testing.T) {
	srv := newServer(t)
	peers := []string{peer1}
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com", Peers: peers})
	peers[0] = "changed"

	cfg, ok := srv.Config(zoneA)
	require.True(t, ok)
	assert.Equal(t, secondarydnstest.Config{
		Name:        "example.com",
		Peers:       []string{peer1},
		SOASerial:   2026112701,
		Status:      "Disabled",
		CreatedTime: fixedNow.Truncate(time.Microsecond),
	}, cfg)
	cfg.Peers[0] = "changed"
	cfg, _ = srv.Config(zoneA)
	assert.Equal(t, []string{peer1}, cfg.Peers, "Config returns a copy")

	checked := time.Date(2019, 10, 24, 16, 9, 42, 883908000, time.UTC)
	srv.Seed(zoneB, secondarydnstest.Config{
		Name:        "example.org.",
		SOASerial:   2019102400,
		Status:      "Incomplete",
		CreatedTime: checked,
		CheckedTime: checked,
	})
	r := send(t, srv, "GET", outgoingPath(zoneB), "")
	assert.JSONEq(t, `{"id":"`+zoneB+`","name":"example.org.","peers":[],"soa_serial":2019102400,
		"created_time":"2019-10-24T16:09:42.883908Z","checked_time":"2019-10-24T16:09:42.883908Z"}`, string(r.Env.Result))
	r = send(t, srv, "GET", outgoingPath(zoneB, "status"), "")
	assert.Equal(t, `"Incomplete"`, string(r.Env.Result), "unknown statuses are served as they are")

	_, ok = srv.Config(peer2)
	assert.False(t, ok)

	assert.PanicsWithValue(t,
		`secondarydnstest: Seed: zone ID "example.com" is not 32 lowercase hexadecimal characters`,
		func() { srv.Seed("example.com", secondarydnstest.Config{}) })
}

func TestForceNotifyStampsTimes(t *testing.T) {
	now := fixedNow
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := newServer(t, secondarydnstest.WithClock(clock))
	send(t, srv, "POST", outgoingPath(zoneA), `{"name":"example.com","peers":[]}`)
	send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}") // a disabled zone transfers nothing
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	send(t, srv, "POST", outgoingPath(zoneA, "force_notify"), "{}")
	cfg, _ := srv.Config(zoneA)
	assert.True(t, cfg.CreatedTime.Equal(fixedNow.Truncate(time.Microsecond)))
	assert.True(t, cfg.CheckedTime.Equal(fixedNow.Add(time.Hour).Truncate(time.Microsecond)))
	assert.True(t, cfg.LastTransferredTime.Equal(cfg.CheckedTime))
	assert.Equal(t, uint32(2026112701), cfg.SOASerial, "a NOTIFY does not change the zone")
}

func TestFaultStatus(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	srv.Fail(secondarydnstest.Fault{Method: "POST", Path: outgoingPath(zoneA, "enable"), Times: 2, RetryAfter: "0"})

	// Not matching: another path, another method.
	assert.Equal(t, 200, send(t, srv, "GET", outgoingPath(zoneA, "status"), "").Status)
	assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneA, "disable"), "{}").Status)

	for range 2 {
		r := send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}")
		assert.Equal(t, 503, r.Status)
		assert.Equal(t, "0", r.Header.Get("Retry-After"))
		assert.Equal(t, []string{"1000"}, r.codes())
		assert.Equal(t, "Service Unavailable", r.Env.Errors[0].Message)
		assert.Regexp(t, `^[0-9a-f]{16}-SJC$`, r.Header.Get("Cf-Ray"))
		cfg, _ := srv.Config(zoneA)
		assert.Equal(t, "Disabled", cfg.Status, "a faulted request changes nothing")
	}
	r := send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}")
	assert.Equal(t, 200, r.Status)
	assert.Empty(t, r.Header.Get("Retry-After"))

	var statuses []int
	for _, req := range srv.Requests() {
		statuses = append(statuses, req.Status)
	}
	assert.Equal(t, []int{200, 200, 503, 503, 200}, statuses)
}

func TestFaultKinds(t *testing.T) {
	srv := newServer(t)

	// A fault fires before authentication and routing, and Times <= 0 means once.
	srv.Fail(secondarydnstest.Fault{Status: 429, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT", Times: -3})
	r := send(t, srv, "GET", "/anything", "", noAuth)
	assert.Equal(t, 429, r.Status)
	assert.Equal(t, []string{"971"}, r.codes())
	assert.Equal(t, "Wed, 21 Oct 2026 07:28:00 GMT", r.Header.Get("Retry-After"))
	assert.Equal(t, 404, send(t, srv, "GET", "/anything", "", noAuth).Status, "only once")

	srv.Fail(secondarydnstest.Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	r = send(t, srv, "GET", outgoingPath(zoneA), "")
	assert.Equal(t, 502, r.Status)
	assert.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
	assert.Equal(t, "<html><body>502 Bad Gateway</body></html>", r.Raw)
	assert.NotEmpty(t, r.Header.Get("Cf-Ray"))

	srv.Fail(secondarydnstest.Fault{Status: 200, Body: `{"success":false,"errors":[{"code":1234,"message":"nope"}],"messages":[],"result":null}`})
	r = send(t, srv, "GET", outgoingPath(zoneA), "")
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, []string{"1234"}, r.codes())

	// Faults queue in order; each request consumes at most one.
	srv.Fail(secondarydnstest.Fault{Status: 500})
	srv.Fail(secondarydnstest.Fault{Status: 504})
	assert.Equal(t, 500, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	assert.Equal(t, 504, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	assert.Equal(t, 404, send(t, srv, "GET", outgoingPath(zoneA), "").Status)

	for _, bad := range []int{99, 100, 199, 600, -1} {
		assert.Panics(t, func() { srv.Fail(secondarydnstest.Fault{Status: bad}) }, "%d", bad)
	}
}

func TestFaultDrop(t *testing.T) {
	srv := newServer(t)
	body := `{"name":"example.com","peers":[]}`
	srv.Fail(secondarydnstest.Fault{Method: "POST", Drop: true})

	req, err := http.NewRequest("POST", srv.URL+outgoingPath(zoneA), strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secondarydnstest.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.ErrorIs(t, err, io.EOF)

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, body, reqs[0].Body, "the body was read before the drop")
	assert.Equal(t, 0, reqs[0].Status)
	_, ok := srv.Config(zoneA)
	assert.False(t, ok, "a dropped request changes nothing")

	// The next request is answered.
	assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zoneA), body).Status)
}

// TestFaultDropReplay pins down the net/http behaviour Fault.Drop documents:
// a GET on a reused keep-alive connection is resent once by the Transport.
func TestFaultDropReplay(t *testing.T) {
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	get := func(c *http.Client) error {
		req, _ := http.NewRequest("GET", srv.URL+outgoingPath(zoneA), nil)
		req.Header.Set("Authorization", "Bearer "+secondarydnstest.DefaultToken)
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}

	keepAlive := &http.Client{Transport: &http.Transport{}}
	defer keepAlive.CloseIdleConnections()
	require.NoError(t, get(keepAlive)) // leaves an idle connection to reuse
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Method: "GET", Drop: true})
	assert.NoError(t, get(keepAlive), "the Transport resent the GET by itself")
	assert.Len(t, srv.Requests(), 2)

	noKeepAlive := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	require.NoError(t, get(noKeepAlive))
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Method: "GET", Drop: true})
	assert.Error(t, get(noKeepAlive), "without keep-alive the drop reaches the caller")
	assert.Len(t, srv.Requests(), 1)
}

func TestRequestLog(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithAPIKey("me@example.com", "s3cret-key"))
	send(t, srv, "POST", outgoingPath(zoneA)+"?a=1&b=x%20y", `{"name":"example.com","peers":[]}`,
		header("User-Agent", "test/1"))
	send(t, srv, "GET", outgoingPath(zoneA), "", noAuth,
		header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "s3cret-key"))
	send(t, srv, "GET", "/zones/"+zoneA+"%2F/secondary_dns/outgoing", "", header("Authorization", "s3cret"))

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, outgoingPath(zoneA), reqs[0].Path)
	assert.Equal(t, "a=1&b=x%20y", reqs[0].Query)
	assert.Equal(t, `{"name":"example.com","peers":[]}`, reqs[0].Body)
	assert.Equal(t, "Bearer [redacted]", reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "test/1", reqs[0].Header.Get("User-Agent"))
	assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))
	assert.Equal(t, 200, reqs[0].Status)

	assert.Equal(t, "me@example.com", reqs[1].Header.Get("X-Auth-Email"))
	assert.Equal(t, "[redacted]", reqs[1].Header.Get("X-Auth-Key"))
	assert.Empty(t, reqs[1].Body)
	assert.Equal(t, 200, reqs[1].Status)

	assert.Equal(t, "/zones/"+zoneA+"%2F/secondary_dns/outgoing", reqs[2].Path, "escaped as sent")
	assert.Equal(t, "[redacted]", reqs[2].Header.Get("Authorization"))
	assert.Equal(t, 400, reqs[2].Status)

	for _, r := range reqs {
		for k, vs := range r.Header {
			for _, v := range vs {
				assert.NotContains(t, v, "s3cret", k)
				assert.NotContains(t, v, secondarydnstest.DefaultToken, k)
			}
		}
	}

	reqs[0].Header.Set("Authorization", "mutated")
	reqs[0].Method = "mutated"
	again := srv.Requests()
	assert.Equal(t, "Bearer [redacted]", again[0].Header.Get("Authorization"), "Requests returns a copy")
	assert.Equal(t, "POST", again[0].Method)

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
}

func TestConcurrentUse(t *testing.T) {
	srv := newServer(t)
	const n = 16
	never := secondarydnstest.Fault{Method: "GET", Path: outgoingPath(zoneB), Times: 1}
	srv.Fail(never)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			zone := fmt.Sprintf("%032x", i+1)
			p := outgoingPath(zone)
			assert.Equal(t, 200, send(t, srv, "POST", p, `{"name":"example.com","peers":[]}`).Status)
			assert.Equal(t, 200, send(t, srv, "POST", outgoingPath(zone, "enable"), "{}").Status)
			assert.Equal(t, `"Enabled"`, string(send(t, srv, "GET", outgoingPath(zone, "status"), "").Env.Result))
			srv.Fail(secondarydnstest.Fault{Method: "PUT", Path: p})
			assert.Equal(t, 503, send(t, srv, "PUT", p, `{"name":"example.net","peers":[]}`).Status)
			assert.Equal(t, 200, send(t, srv, "PUT", p, `{"name":"example.net","peers":[]}`).Status)
			srv.Seed(fmt.Sprintf("%032x", i+1000), secondarydnstest.Config{Name: "seeded"})
			_, _ = srv.Config(zone)
			_ = srv.Requests()
		}()
	}
	wg.Wait()
	assert.Equal(t, n*5, len(srv.Requests()))
	assert.Equal(t, []secondarydnstest.Fault{never}, srv.PendingFaults())
	for i := range n {
		cfg, ok := srv.Config(fmt.Sprintf("%032x", i+1))
		require.True(t, ok)
		assert.Equal(t, "example.net", cfg.Name)
		assert.Equal(t, "Enabled", cfg.Status)
	}
}

func TestCloseStopsServing(t *testing.T) {
	srv := secondarydnstest.NewServer()
	url := srv.URL
	srv.Close()
	_, err := http.Get(url + outgoingPath(zoneA))
	assert.Error(t, err)
}
