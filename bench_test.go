package secondarydns_test

// Benchmarks of the SDK's own cost per call, side by side with the floor: a
// hand-written net/http + encoding/json client (baselineClient below) doing
// the same request against the same local server, which answers with
// precomputed bytes. Each benchmark has two sub-benchmarks, impl=sdk and
// impl=baseline, so benchstat can put them in columns (BenchmarkInterleaved
// reports its own sdk/baseline ratio instead):
//
//	go test -run '^$' -bench . -benchmem -count 6 | tee bench.txt
//	benchstat -col '/impl@(baseline sdk)' -filter '-.name:Interleaved' bench.txt
//	benchstat -filter '.name:Interleaved' bench.txt
//
// See BENCHMARKS.md for the targets and the latest numbers.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dnsxfer/secondarydns"
)

const (
	benchZone    = "023e105f4ecef8ad9ca31a8372d0c353"
	benchMissing = "0000000000000000000000000000dead" // the server answers 404 for it
	benchToken   = "bench-token-6f1e2d3c4b5a69788796a5b4c3d2e1f0"
	benchPath    = "/client/v4"
	benchSerial  = uint32(2019102400)
	// benchUA is what the SDK sends with no WithUserAgent; the baseline sends
	// the same string so both requests carry the same bytes.
	benchUA = "secondarydns-go/" + secondarydns.Version

	benchAccount = "01a7362d577a6c3019a474fd6f485823"
	benchPeerID  = "23ff594956f20c2a721606e94745a8aa"
)

// The responses, byte for byte the examples of the API reference
// (seed/outgoing-api.readable.md), errors and messages entries included.
var (
	benchOutgoingBody = []byte(`{ "errors": [ { "code": 1000, "message": "message", "documentation_url": "documentation_url", "source": { "pointer": "pointer" } } ], "messages": [ { "code": 1000, "message": "message", "documentation_url": "documentation_url", "source": { "pointer": "pointer" } } ], "success": true, "result": { "id": "269d8f4853475ca241c4e730be286b20", "checked_time": "2019-10-24T17:09:42.883908+01:00", "created_time": "2019-10-24T17:09:42.883908+01:00", "last_transferred_time": "2019-10-24T17:09:42.883908+01:00", "name": "www.example.com.", "peers": [ "23ff594956f20c2a721606e94745a8aa", "00920f38ce07c2e2f4df50b1f61d4194" ], "soa_serial": 2019102400 } }`)
	benchStatusBody   = []byte(`{ "errors": [ { "code": 1000, "message": "message", "documentation_url": "documentation_url", "source": { "pointer": "pointer" } } ], "messages": [ { "code": 1000, "message": "message", "documentation_url": "documentation_url", "source": { "pointer": "pointer" } } ], "success": true, "result": "Enabled" }`)
	benchNotFoundBody = []byte(`{"result":null,"success":false,"errors":[{"code":1003,"message":"Zone transfer configuration not found"}],"messages":[]}`)
	benchAuthBody     = []byte(`{"result":null,"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[]}`)
	benchPeerBody     = []byte(`{"errors":[],"messages":[],"success":true,"result":{"id":"23ff594956f20c2a721606e94745a8aa","ip":"192.0.2.53","ixfr_enable":false,"name":"my-peer-1","port":53,"tsig_id":"69cd1e104af3e6ed3cb344f263fd0d5a"}}`)
	benchZonesBody    = []byte(`{"errors":[],"messages":[],"success":true,"result":[` +
		`{"id":"023e105f4ecef8ad9ca31a8372d0c353","name":"example.com","status":"active","paused":false,"type":"full","name_servers":["bob.ns.cloudflare.com","lola.ns.cloudflare.com"],"account":{"id":"01a7362d577a6c3019a474fd6f485823","name":"Example Account"}},` +
		`{"id":"0da42c8d2132a9ddaf714f9e7c920711","name":"example.net","status":"pending","paused":false,"type":"full","name_servers":["bob.ns.cloudflare.com","lola.ns.cloudflare.com"],"account":{"id":"01a7362d577a6c3019a474fd6f485823","name":"Example Account"}}` +
		`],"result_info":{"page":1,"per_page":50,"count":2,"total_count":2,"total_pages":1}}`)

	benchParams = secondarydns.OutgoingParams{
		Name:  "www.example.com.",
		Peers: []string{"23ff594956f20c2a721606e94745a8aa", "00920f38ce07c2e2f4df50b1f61d4194"},
	}
)

// benchAnswer is a precomputed response.
type benchAnswer struct {
	status int
	header http.Header
	body   []byte
}

func newBenchAnswer(status int, body []byte) benchAnswer {
	return benchAnswer{status, http.Header{
		"Content-Type":   {"application/json; charset=utf-8"},
		"Content-Length": {strconv.Itoa(len(body))},
		"Cf-Ray":         {"8f1c2d3e4a5b6c7d-AMS"},
	}, body}
}

var (
	benchOutgoing = newBenchAnswer(http.StatusOK, benchOutgoingBody)
	benchStatus   = newBenchAnswer(http.StatusOK, benchStatusBody)
	benchNotFound = newBenchAnswer(http.StatusNotFound, benchNotFoundBody)
	benchDenied   = newBenchAnswer(http.StatusForbidden, benchAuthBody)
	benchZonePath = benchPath + "/zones/" + benchZone + "/secondary_dns/outgoing"
	benchPeer     = newBenchAnswer(http.StatusOK, benchPeerBody)
	benchZones    = newBenchAnswer(http.StatusOK, benchZonesBody)
	benchPeerPath = benchPath + "/accounts/" + benchAccount + "/secondary_dns/peers/" + benchPeerID
	benchZonesURL = benchPath + "/zones?account.id=" + benchAccount + "&page=1&per_page=50"
	benchAuth     = "Bearer " + benchToken
)

// benchRoute picks the answer to r, checking the credentials as the API does.
func benchRoute(r *http.Request) benchAnswer {
	switch {
	case r.Header.Get("Authorization") != benchAuth:
		return benchDenied
	case r.URL.Path == benchZonePath && (r.Method == http.MethodGet || r.Method == http.MethodPut):
		return benchOutgoing
	case r.URL.Path == benchZonePath+"/status" && r.Method == http.MethodGet:
		return benchStatus
	case r.URL.Path == benchPeerPath && r.Method == http.MethodGet:
		return benchPeer
	case r.URL.RequestURI() == benchZonesURL && r.Method == http.MethodGet:
		return benchZones
	}
	return benchNotFound
}

// benchServer answers from precomputed bytes and headers, so its own cost is
// the same, and small, for both clients. It counts the connections it accepts.
type benchServer struct {
	*httptest.Server
	base  string // the base URL, with the API's /client/v4 path
	conns atomic.Int64
}

// newBenchServer starts a benchServer. onRequest, when not nil, sees every
// request before it is answered (the equivalence test uses it).
func newBenchServer(tb testing.TB, onRequest func(*http.Request)) *benchServer {
	tb.Helper()
	s := &benchServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if onRequest != nil {
			onRequest(r)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		a := benchRoute(r)
		h := w.Header()
		for k, v := range a.header {
			h[k] = v
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	s.base = s.URL + benchPath
	tb.Cleanup(s.Close)
	return s
}

// memTransport answers like benchServer without a network: with it, what is
// measured is the client side alone (net/http's http.Client, the request
// building, the decoding), where the SDK's own cost is largest relative to
// the whole.
type memTransport struct{}

func (memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	a := benchRoute(r)
	return &http.Response{
		Status:     strconv.Itoa(a.status) + " " + http.StatusText(a.status),
		StatusCode: a.status,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        a.header.Clone(), // a transport makes a header per response
		Body:          io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)),
		Request:       r,
	}, nil
}

// newBenchTransport is the transport both clients use, one each: the
// defaults of http.DefaultTransport, with room for the parallel benchmark's
// connections whatever -cpu says.
func newBenchTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// newBenchSDK returns an SDK client for s, with its own transport.
func newBenchSDK(tb testing.TB, s *benchServer, opts ...secondarydns.Option) *secondarydns.Client {
	tb.Helper()
	tr := newBenchTransport()
	tb.Cleanup(tr.CloseIdleConnections)
	opts = append([]secondarydns.Option{
		secondarydns.WithBaseURL(s.base),
		secondarydns.WithAPIToken(benchToken),
		secondarydns.WithHTTPClient(&http.Client{Transport: tr}),
	}, opts...)
	c, err := secondarydns.NewClient(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// ---------------------------------------------------------------------------
// The baseline: what a careful developer writes by hand with net/http and
// encoding/json for the same calls. It sends the same headers, decodes the
// whole envelope into typed structs (time.Time times, uint32 serial), checks
// the status and success, drains and closes the body, and reuses one
// http.Client on the same transport settings as the SDK. It validates
// nothing, retries nothing and keeps no metadata unless asked: it is the floor.

type baselineClient struct {
	hc   *http.Client
	base string // e.g. "http://127.0.0.1:43210/client/v4"
	auth string // "Bearer <token>", built once
	ua   string
}

func newBaseline(tb testing.TB, s *benchServer) *baselineClient {
	tr := newBenchTransport()
	tb.Cleanup(tr.CloseIdleConnections)
	return newBaselineClient(tr, s.base)
}

func newBaselineClient(rt http.RoundTripper, base string) *baselineClient {
	return &baselineClient{
		hc: &http.Client{
			Transport:     rt,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		base: base,
		auth: "Bearer " + benchToken,
		ua:   benchUA,
	}
}

type baseInfo struct {
	Code             int    `json:"code"`
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
	Source           *struct {
		Pointer string `json:"pointer"`
	} `json:"source"`
}

type baseEnvelope[T any] struct {
	Success  bool       `json:"success"`
	Errors   []baseInfo `json:"errors"`
	Messages []baseInfo `json:"messages"`
	Result   *T         `json:"result"`
}

type baseOutgoing struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	Peers               []string  `json:"peers"`
	SOASerial           uint32    `json:"soa_serial"`
	CheckedTime         time.Time `json:"checked_time"`
	CreatedTime         time.Time `json:"created_time"`
	LastTransferredTime time.Time `json:"last_transferred_time"`
}

type baseParams struct {
	Name  string   `json:"name"`
	Peers []string `json:"peers"`
}

// baseMeta is what the baseline keeps when asked, to match WithResponse.
type baseMeta struct {
	StatusCode int
	Header     http.Header
	RayID      string
	Messages   []baseInfo
}

type baseAPIError struct {
	StatusCode int
	Errors     []baseInfo
}

func (e *baseAPIError) Error() string {
	msg := "HTTP " + strconv.Itoa(e.StatusCode)
	if len(e.Errors) > 0 {
		msg += ": [" + strconv.Itoa(e.Errors[0].Code) + "] " + e.Errors[0].Message
	}
	return msg
}

func baselineDo[T any](ctx context.Context, c *baselineClient, method, path string, in any, meta *baseMeta) (*T, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Authorization", c.auth)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	var env baseEnvelope[T]
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, err
	}
	if meta != nil {
		*meta = baseMeta{resp.StatusCode, resp.Header, resp.Header.Get("Cf-Ray"), env.Messages}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || !env.Success {
		return nil, &baseAPIError{StatusCode: resp.StatusCode, Errors: env.Errors}
	}
	if env.Result == nil {
		return nil, errors.New("no result")
	}
	return env.Result, nil
}

func (c *baselineClient) path(zoneID, suffix string) string {
	return "/zones/" + url.PathEscape(zoneID) + "/secondary_dns/outgoing" + suffix
}

func (c *baselineClient) get(ctx context.Context, zoneID string, meta *baseMeta) (*baseOutgoing, error) {
	return baselineDo[baseOutgoing](ctx, c, http.MethodGet, c.path(zoneID, ""), nil, meta)
}

func (c *baselineClient) update(ctx context.Context, zoneID string, p baseParams) (*baseOutgoing, error) {
	return baselineDo[baseOutgoing](ctx, c, http.MethodPut, c.path(zoneID, ""), p, nil)
}

func (c *baselineClient) status(ctx context.Context, zoneID string) (string, error) {
	s, err := baselineDo[string](ctx, c, http.MethodGet, c.path(zoneID, "/status"), nil, nil)
	if err != nil {
		return "", err
	}
	return *s, nil
}

var benchBaseParams = baseParams{Name: benchParams.Name, Peers: benchParams.Peers}

type basePeer struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	IP         string `json:"ip"`
	Port       int    `json:"port"`
	IXFREnable bool   `json:"ixfr_enable"`
	TSIGID     string `json:"tsig_id"`
}

func (c *baselineClient) peer(ctx context.Context, accountID, peerID string) (*basePeer, error) {
	return baselineDo[basePeer](ctx, c, http.MethodGet, "/accounts/"+url.PathEscape(accountID)+"/secondary_dns/peers/"+url.PathEscape(peerID), nil, nil)
}

type baseZone struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Status      string   `json:"status"`
	NameServers []string `json:"name_servers"`
	Account     struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"account"`
}

// zonesPage reads one page of GET /zones and its paging information, as a
// hand-written client that pages needs to.
func (c *baselineClient) zonesPage(ctx context.Context, accountID string, page int) ([]baseZone, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/zones?account.id="+url.QueryEscape(accountID)+"&page="+strconv.Itoa(page)+"&per_page=50", nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Authorization", c.auth)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	var env struct {
		baseEnvelope[[]baseZone]
		ResultInfo struct {
			Page       int `json:"page"`
			TotalPages int `json:"total_pages"`
		} `json:"result_info"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK || !env.Success || env.Result == nil || env.ResultInfo.Page != page {
		return nil, 0, &baseAPIError{StatusCode: resp.StatusCode, Errors: env.Errors}
	}
	return *env.Result, env.ResultInfo.TotalPages, nil
}

// ---------------------------------------------------------------------------
// The benchmarks. Every call checks its result, on both sides.

// benchOp is one operation done by both clients.
type benchOp struct {
	name string
	sdk  func(*secondarydns.Client) error
	base func(*baselineClient) error
}

// benchOps are the operations with targets: Get, Update and Status, and
// since version 3 Peers.Get and one page of Zones.List.
var benchOps = []benchOp{
	{"Get", sdkGet, baseGet},
	{"Update", func(c *secondarydns.Client) error {
		o, err := c.Outgoing.Update(context.Background(), benchZone, benchParams)
		if err != nil {
			return err
		}
		return checkOutgoing(o.SOASerial, o.CreatedTime)
	}, func(c *baselineClient) error {
		o, err := c.update(context.Background(), benchZone, benchBaseParams)
		if err != nil {
			return err
		}
		return checkOutgoing(o.SOASerial, o.CreatedTime)
	}},
	{"Status", func(c *secondarydns.Client) error {
		st, err := c.Outgoing.Status(context.Background(), benchZone)
		if err == nil && st != secondarydns.StatusEnabled {
			err = errBadResult
		}
		return err
	}, func(c *baselineClient) error {
		st, err := c.status(context.Background(), benchZone)
		if err == nil && st != "Enabled" {
			err = errBadResult
		}
		return err
	}},
	{"PeersGet", func(c *secondarydns.Client) error {
		p, err := c.Peers.Get(context.Background(), benchAccount, benchPeerID)
		if err == nil && (p.Port != 53 || p.IP == "") {
			err = errBadResult
		}
		return err
	}, func(c *baselineClient) error {
		p, err := c.peer(context.Background(), benchAccount, benchPeerID)
		if err == nil && (p.Port != 53 || p.IP == "") {
			err = errBadResult
		}
		return err
	}},
	{"ZonesList", func(c *secondarydns.Client) error {
		zs, err := c.Zones.List(context.Background(), secondarydns.ZoneListOptions{AccountID: benchAccount})
		if err == nil && (len(zs) != 2 || zs[1].Name != "example.net") {
			err = errBadResult
		}
		return err
	}, func(c *baselineClient) error {
		zs, pages, err := c.zonesPage(context.Background(), benchAccount, 1)
		if err == nil && (len(zs) != 2 || zs[1].Name != "example.net" || pages != 1) {
			err = errBadResult
		}
		return err
	}},
}

var errBadResult = errors.New("unexpected result")

func checkOutgoing(serial uint32, created time.Time) error {
	if serial != benchSerial || created.IsZero() {
		return errBadResult
	}
	return nil
}

func sdkGet(c *secondarydns.Client) error {
	o, err := c.Outgoing.Get(context.Background(), benchZone)
	if err != nil {
		return err
	}
	return checkOutgoing(o.SOASerial, o.CreatedTime)
}

func baseGet(c *baselineClient) error {
	o, err := c.get(context.Background(), benchZone, nil)
	if err != nil {
		return err
	}
	return checkOutgoing(o.SOASerial, o.CreatedTime)
}

// benchPair runs op as the impl=sdk and impl=baseline sub-benchmarks, one
// after the other, against one server.
func benchPair(b *testing.B, op benchOp) {
	s := newBenchServer(b, nil)
	c := newBenchSDK(b, s)
	bc := newBaseline(b, s)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := op.sdk(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := op.base(bc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGet(b *testing.B)    { benchPair(b, benchOps[0]) }
func BenchmarkUpdate(b *testing.B) { benchPair(b, benchOps[1]) }
func BenchmarkStatus(b *testing.B) { benchPair(b, benchOps[2]) }

func BenchmarkPeersGet(b *testing.B)  { benchPair(b, benchOps[3]) }
func BenchmarkZonesList(b *testing.B) { benchPair(b, benchOps[4]) }

// BenchmarkGetWithResponse asks for the call's metadata; the baseline keeps
// the same (status, headers, ray ID, messages).
func BenchmarkGetWithResponse(b *testing.B) {
	benchPair(b, benchOp{"GetWithResponse", func(c *secondarydns.Client) error {
		var resp secondarydns.Response
		o, err := c.Outgoing.Get(context.Background(), benchZone, secondarydns.WithResponse(&resp))
		if err != nil {
			return err
		}
		if resp.RayID == "" || len(resp.Messages) != 1 {
			return errBadResult
		}
		return checkOutgoing(o.SOASerial, o.CreatedTime)
	}, func(c *baselineClient) error {
		var meta baseMeta
		o, err := c.get(context.Background(), benchZone, &meta)
		if err != nil {
			return err
		}
		if meta.RayID == "" || len(meta.Messages) != 1 {
			return errBadResult
		}
		return checkOutgoing(o.SOASerial, o.CreatedTime)
	}})
}

// BenchmarkGetNotFound is the error path: a 404 envelope, not retried, turned
// into an error the caller can branch on and print.
func BenchmarkGetNotFound(b *testing.B) {
	benchPair(b, benchOp{"GetNotFound", func(c *secondarydns.Client) error {
		_, err := c.Outgoing.Get(context.Background(), benchMissing)
		if !errors.Is(err, secondarydns.ErrNotFound) || err.Error() == "" {
			return errBadResult
		}
		return nil
	}, func(c *baselineClient) error {
		_, err := c.get(context.Background(), benchMissing, nil)
		var apiErr *baseAPIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || err.Error() == "" {
			return errBadResult
		}
		return nil
	}})
}

// BenchmarkGetParallel shares one client between GOMAXPROCS goroutines.
func BenchmarkGetParallel(b *testing.B) {
	s := newBenchServer(b, nil)
	c := newBenchSDK(b, s)
	bc := newBaseline(b, s)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := sdkGet(c); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("impl=baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := baseGet(bc); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkInterleaved times the SDK and the baseline call by call, in
// alternating order, and reports the ratio of their total times
// ("sdk/baseline"), over the local server (net=loopback) and over
// memTransport (net=memory, the clients' own cost alone). On a shared
// machine, load that comes and goes between two separate benchmarks skews
// their ratio; here it falls on both sides alike. Its ns/op is that of one
// call of each.
func BenchmarkInterleaved(b *testing.B) {
	s := newBenchServer(b, nil)
	mc, mbc := newMemClients(b)
	setups := []struct {
		name string
		c    *secondarydns.Client
		bc   *baselineClient
	}{
		{"loopback", newBenchSDK(b, s), newBaseline(b, s)},
		{"memory", mc, mbc},
	}
	for _, st := range setups {
		for _, op := range benchOps {
			b.Run("net="+st.name+"/op="+op.name, func(b *testing.B) {
				var sdk, base time.Duration
				for i := 0; b.Loop(); i++ {
					t0 := time.Now()
					var errA, errB error
					if i%2 == 0 {
						errA = op.sdk(st.c)
						t1 := time.Now()
						errB = op.base(st.bc)
						sdk, base = sdk+t1.Sub(t0), base+time.Since(t1)
					} else {
						errB = op.base(st.bc)
						t1 := time.Now()
						errA = op.sdk(st.c)
						base, sdk = base+t1.Sub(t0), sdk+time.Since(t1)
					}
					if err := errors.Join(errA, errB); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(sdk)/float64(base), "sdk/baseline")
			})
		}
	}
}

// newMemClients returns an SDK client and a baseline client on memTransport.
func newMemClients(tb testing.TB) (*secondarydns.Client, *baselineClient) {
	tb.Helper()
	const base = "http://127.0.0.1:9" + benchPath // never dialled
	c, err := secondarydns.NewClient(secondarydns.WithBaseURL(base), secondarydns.WithAPIToken(benchToken),
		secondarydns.WithHTTPClient(&http.Client{Transport: memTransport{}}))
	if err != nil {
		tb.Fatal(err)
	}
	return c, newBaselineClient(memTransport{}, base)
}

// BenchmarkOwnCost is Get, Update and Status over memTransport: no sockets,
// no server, so it isolates the clients' own CPU and allocations (see
// BenchmarkInterleaved/net=memory for a time ratio that resists load).
func BenchmarkOwnCost(b *testing.B) {
	c, bc := newMemClients(b)
	for _, op := range benchOps {
		b.Run("op="+op.name+"/impl=sdk", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := op.sdk(c); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op="+op.name+"/impl=baseline", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := op.base(bc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
