package secondarydnstest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the bearer token a Server accepts unless WithToken says
// otherwise. It has the shape of a real Cloudflare API token (40 characters of
// [0-9A-Za-z_-]), so clients that check a token's format before sending it,
// such as Terraform's Cloudflare provider, accept it unchanged.
const DefaultToken = "secondarydnstest_fake_token_0123456789ab"

// basePath is where the fake mounts the API, as api.cloudflare.com does, so a
// client that drops the base URL's path fails every call.
const basePath = "/client/v4"

// maxPeers is the documented limit of linked peers per zone.
const maxPeers = 30

// ServerOption configures a Server; pass it to NewServer.
type ServerOption func(*serverConfig)

type serverConfig struct {
	token string
	email string
	key   string
	now   func() time.Time
	// rateN and rateWindow are WithRateLimit's; rateN 0 means no limit.
	rateN      int
	rateWindow time.Duration
	strict     bool // WithStrictZones
	logSize    int  // WithRequestLogSize
}

// WithToken sets the bearer token the server accepts instead of DefaultToken.
// An empty token makes the server refuse every bearer token, which together
// with WithAPIKey makes it accept only email and key.
func WithToken(token string) ServerOption {
	return func(c *serverConfig) { c.token = token }
}

// WithAPIKey makes the server also accept the legacy X-Auth-Email and
// X-Auth-Key headers with these values. The email is compared without regard
// to case.
func WithAPIKey(email, key string) ServerOption {
	return func(c *serverConfig) { c.email, c.key = email, key }
}

// WithClock sets the clock the server stamps created_time, checked_time,
// last_transferred_time and the SOA serial with, and that WithRateLimit
// measures its windows by, for deterministic tests. Times
// are served in the location of the clock's times, to the microsecond. A nil
// clock keeps the default, time.Now in UTC.
func WithClock(now func() time.Time) ServerOption {
	return func(c *serverConfig) {
		if now != nil {
			c.now = now
		}
	}
}

// Server is a fake of the API for Cloudflare as primary (outgoing zone
// transfers, the account's peers, TSIGs and ACLs, and the zone list)
// listening on a loopback address. Create it with NewServer and stop it with
// Close.
type Server struct {
	// URL is the base URL to give secondarydns.WithBaseURL, e.g.
	// "http://127.0.0.1:43210/client/v4".
	URL string

	srv *httptest.Server
	cfg serverConfig

	mu       sync.Mutex
	zones    map[string]*Config
	known    map[string]*knownZone // zones.go: added, seeded or created zones
	accounts map[string]*account   // accounts.go: peers, TSIGs and ACLs
	ids      map[string]uint64     // accounts.go: objects made so far, per kind
	faults   []queuedFault
	log      requestLog
	limit    *rateLimit // nil without WithRateLimit
	rays     uint64     // answers so far (dropped connections are none)
}

// NewServer starts a Server with no zones configured and no account objects.
// Stop it with Close.
func NewServer(opts ...ServerOption) *Server {
	s := &Server{
		cfg: serverConfig{
			token:   DefaultToken,
			now:     func() time.Time { return time.Now().UTC() },
			logSize: DefaultRequestLogSize,
		},
		zones:    make(map[string]*Config),
		known:    make(map[string]*knownZone),
		accounts: make(map[string]*account),
		ids:      make(map[string]uint64),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&s.cfg)
		}
	}
	if s.cfg.rateN > 0 {
		s.limit = newRateLimit(s.cfg.rateN, s.cfg.rateWindow)
	}
	s.log.size = s.cfg.logSize
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL + basePath
	return s
}

// Close shuts the server down, waiting for requests in flight to finish.
func (s *Server) Close() { s.srv.Close() }

// Config is the fake's state for one zone's outgoing configuration, as
// Server.Seed takes it and Server.Config returns it. The zone ID is its id.
type Config struct {
	Name      string
	Peers     []string
	SOASerial uint32
	// Status is what the status endpoint reports: "Enabled" or "Disabled"
	// (the empty string when seeding). Another value is served as it is, to
	// test code that meets a status it does not know.
	Status string
	// The times are zero, and left out of responses, until they are set.
	CreatedTime         time.Time
	CheckedTime         time.Time
	LastTransferredTime time.Time
}

// Seed stores cfg as the outgoing configuration of zoneID, replacing any, as
// if it had been created through the API. An empty Status means "Disabled", a
// zero CreatedTime means now and a zero SOASerial one derived from the date.
// Seed panics if zoneID is not 32 lowercase hexadecimal characters, since the
// server could never serve such a zone.
func (s *Server) Seed(zoneID string, cfg Config) {
	if !validZoneID(zoneID) {
		panic(fmt.Sprintf("secondarydnstest: Seed: zone ID %q is not 32 lowercase hexadecimal characters", zoneID))
	}
	now := s.now()
	if cfg.Status == "" {
		cfg.Status = statusDisabled
	}
	if cfg.CreatedTime.IsZero() {
		cfg.CreatedTime = now
	}
	if cfg.SOASerial == 0 {
		cfg.SOASerial = serialFor(now)
	}
	cfg.Peers = cloneStrings(cfg.Peers)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zones[zoneID] = &cfg
	s.knowZone(zoneID, cfg.Name, true)
}

// Config returns a copy of zoneID's outgoing configuration, and false if the
// zone has none.
func (s *Server) Config(zoneID string) (Config, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.zones[zoneID]
	if !ok {
		return Config{}, false
	}
	cfg := *c
	cfg.Peers = cloneStrings(c.Peers)
	return cfg, true
}

// Request is one request the server received, as Server.Requests reports it.
type Request struct {
	Method string
	// Path is the escaped path as sent, without the URL's "/client/v4"
	// prefix, e.g. "/zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing".
	// A path outside the URL is kept whole.
	Path  string
	Query string // the raw query, without "?"
	// Header holds the request headers with the Authorization credentials
	// (the scheme is kept, as in "Bearer [redacted]") and X-Auth-Key replaced
	// by "[redacted]".
	Header http.Header
	// Body is the request body, at most its first 16 KiB (16,384
	// bytes). A TSIG's secret in a body sent to the TSIG endpoints (or to
	// a path under them that the API does not serve) is replaced by
	// "[redacted]", the rest of the body kept as sent; such a body that is
	// not a JSON object is replaced whole.
	Body string
	// Status is the HTTP status the server answered with, or 0 when a Fault
	// dropped the connection.
	Status int
}

// Requests returns the requests received so far, oldest first, including those
// that failed or were faulted. A request is logged before its response is
// written, so a caller that has its response sees it here. The log keeps the
// last DefaultRequestLogSize requests (see WithRequestLogSize), so a
// long-running server does not grow without bound.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.all()
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.reset()
}

const redacted = "[redacted]"

func redactHeader(h http.Header) http.Header {
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	for i, v := range h.Values("Authorization") {
		if scheme, _, ok := strings.Cut(v, " "); ok {
			h["Authorization"][i] = scheme + " " + redacted
		} else {
			h["Authorization"][i] = redacted
		}
	}
	for i := range h.Values("X-Auth-Key") {
		h["X-Auth-Key"][i] = redacted
	}
	return h
}

// response is an answer computed under the lock and written after it.
type response struct {
	status int
	header http.Header // extra headers, e.g. Allow or Retry-After
	body   []byte
	drop   bool
	notify *notice // NOTIFY to send once the answer is decided (notify.go)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the whole body first: a Fault that drops the connection must do it
	// only after the request was read (see Fault.Drop). A body over the limit
	// is not read further: it is answered 413.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return // the client went away
	}
	tooLarge := len(body) > maxBody
	path := r.URL.EscapedPath()
	rel := path
	if p, ok := strings.CutPrefix(path, basePath); ok && (p == "" || p[0] == '/') {
		rel = p
	}
	entry := Request{
		Method: r.Method,
		Path:   rel,
		Query:  r.URL.RawQuery,
		Header: redactHeader(r.Header),
	}
	t := route(r.Method, path)
	entry.Body = logBody(t, path, body)

	s.mu.Lock()
	var resp response
	var limitHeader http.Header
	if s.limit != nil {
		// In front of everything, as Cloudflare's edge is: a request the
		// limit refuses consumes no fault.
		v := s.limit.take(bucketKey(r.Header), s.cfg.now())
		limitHeader = s.limit.header(v)
		if v.refused {
			resp = s.limit.refusal(v)
		}
	}
	if resp.status == 0 && tooLarge {
		resp = bodyTooLarge()
	}
	if resp.status == 0 {
		if f, ok := s.takeFault(r.Method, t); ok {
			resp = f.response()
		} else {
			resp = s.handle(r, path, t, body)
		}
	}
	entry.Status = resp.status
	s.log.add(entry)
	var ray string
	if !resp.drop {
		// A counter, not random: the n-th answer of a server is always ray n,
		// so Examples and golden files can show ray IDs.
		s.rays++
		ray = fmt.Sprintf("%016x-SJC", s.rays)
	}
	s.mu.Unlock()
	sendNotify(resp.notify) // after the unlock: a following Secondary asks s back

	if resp.drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // cannot hijack (HTTP/2): abort the stream
	}
	h := w.Header()
	for _, extra := range []http.Header{resp.header, limitHeader} {
		for k, v := range extra {
			h[k] = v
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("CF-RAY", ray)
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// handle authenticates and serves one request that t routed. The caller
// holds s.mu.
func (s *Server) handle(r *http.Request, path string, t target, body []byte) response {
	if !t.routed {
		return failure(http.StatusNotFound, notRouted(path)...)
	}
	if !t.wellFormed() {
		return failure(http.StatusBadRequest, notRouted(path)...)
	}
	if t.action == "" {
		allow := t.methods()
		resp := failure(http.StatusMethodNotAllowed, apiError{Code: 7001, Message: fmt.Sprintf("Method %s not available for that URI.", r.Method)})
		resp.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
		return resp
	}
	if resp, bad := s.checkHeaders(r.Header, r.Method, len(body) > 0); bad {
		return resp
	}
	switch t.kind {
	case kindZone:
		return s.listZones(r.URL.Query())
	case kindPeer, kindTSIG, kindACL:
		return s.handleObject(t, body)
	}
	if s.cfg.strict && s.known[t.zone] == nil {
		return failure(http.StatusNotFound, notRouted(path)...)
	}

	switch t.action {
	case "get":
		return s.get(t.zone)
	case "create":
		return s.create(t.zone, body)
	case "update":
		return s.update(t.zone, body)
	case "delete":
		return s.delete(t.zone)
	case "status":
		return s.status(t.zone)
	default: // enable, disable, force_notify
		return s.action(t.zone, t.action, body)
	}
}

// endpoint is one of the API's eight operations, under the name Fault.Action
// gives it.
type endpoint struct {
	action string
	method string
	suffix string // after /zones/{zone_id}/secondary_dns/outgoing: "", "enable", ...
}

// endpoints is the API, in the order of its reference (and of Allow headers).
var endpoints = []endpoint{
	{"get", http.MethodGet, ""},
	{"create", http.MethodPost, ""},
	{"update", http.MethodPut, ""},
	{"delete", http.MethodDelete, ""},
	{"enable", http.MethodPost, "enable"},
	{"disable", http.MethodPost, "disable"},
	{"force_notify", http.MethodPost, "force_notify"},
	{"status", http.MethodGet, "status"},
}

// methodsFor lists the methods the API serves under suffix; none for a
// suffix that is not one of its paths.
func methodsFor(suffix string) []string {
	var out []string
	for _, ep := range endpoints {
		if ep.suffix == suffix {
			out = append(out, ep.method)
		}
	}
	return out
}

// target is what a request's method and path ask for.
type target struct {
	routed bool   // the path is one of the API's (its IDs may still be malformed)
	kind   string // kindOutgoing, kindPeer, kindTSIG, kindACL or kindZone
	zone   string // the zone ID, unescaped; "" if it does not unescape
	suffix string
	action string // the endpoint's action; "" when it has none for the method
	// For the account objects (accounts.go):
	account string // the account ID, unescaped
	object  string // the object's ID, unescaped; "" for the collection
	item    bool   // the path names one object
}

// route reads /client/v4/zones/{zone_id}/secondary_dns/outgoing[/suffix],
// and the paths of accounts.go and zones.go.
func route(method, path string) target {
	rest, ok := strings.CutPrefix(path, basePath+"/zones/")
	if !ok {
		return routeOther(method, path)
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 3 || len(parts) > 4 || parts[1] != "secondary_dns" || parts[2] != "outgoing" {
		return target{}
	}
	t := target{routed: true, kind: kindOutgoing}
	if len(parts) == 4 {
		t.suffix = parts[3]
		if t.suffix == "" || methodsFor(t.suffix) == nil {
			return target{}
		}
	}
	if zone, err := url.PathUnescape(parts[0]); err == nil {
		t.zone = zone
	}
	for _, ep := range endpoints {
		if ep.suffix == t.suffix && ep.method == method {
			t.action = ep.action
		}
	}
	return t
}

func validZoneID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range []byte(id) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkHeaders validates the credentials and, for a request with a body, its
// Content-Type. It reports whether the request must be refused, and how.
func (s *Server) checkHeaders(h http.Header, method string, hasBody bool) (response, bool) {
	authz := h.Get("Authorization")
	email, key := h.Get("X-Auth-Email"), h.Get("X-Auth-Key")
	var scheme, token string
	if authz != "" {
		var ok bool
		scheme, token, ok = strings.Cut(authz, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return invalidHeaders(6111, "Invalid format for Authorization header"), true
		}
	} else if key != "" && email == "" {
		return invalidHeaders(6102, "Invalid format for X-Auth-Email header"), true
	} else if email != "" && key == "" {
		return invalidHeaders(6103, "Invalid format for X-Auth-Key header"), true
	}
	if hasBody && (method == http.MethodPost || method == http.MethodPut) {
		if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "application/json" {
			return invalidHeaders(6105, "Invalid Content-Type header, valid values are application/json"), true
		}
	}
	switch {
	case authz != "":
		if s.cfg.token == "" || token != s.cfg.token {
			return failure(http.StatusForbidden, apiError{Code: 10000, Message: "Authentication error"}), true
		}
	case key != "":
		if s.cfg.key == "" || key != s.cfg.key || !strings.EqualFold(email, s.cfg.email) {
			return failure(http.StatusForbidden, apiError{Code: 9103, Message: "Unknown X-Auth-Key or X-Auth-Email"}), true
		}
	default:
		return failure(http.StatusUnauthorized, apiError{Code: 9106, Message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers"}), true
	}
	return response{}, false
}

func (s *Server) get(zoneID string) response {
	c, ok := s.zones[zoneID]
	if !ok {
		return noConfig()
	}
	return success(outgoingResult(zoneID, c))
}

func (s *Server) create(zoneID string, body []byte) response {
	p, bad := parseParams(body)
	if bad != nil {
		return failure(http.StatusBadRequest, *bad)
	}
	if _, ok := s.zones[zoneID]; ok {
		return failure(http.StatusConflict, apiError{Code: 1002, Message: "Primary zone configuration already exists"})
	}
	now := s.now()
	c := &Config{
		Name:        p.name,
		Peers:       p.peers,
		SOASerial:   serialFor(now),
		Status:      statusDisabled,
		CreatedTime: now,
	}
	s.zones[zoneID] = c
	s.knowZone(zoneID, p.name, false)
	return success(outgoingResult(zoneID, c))
}

func (s *Server) update(zoneID string, body []byte) response {
	p, bad := parseParams(body)
	if bad != nil {
		return failure(http.StatusBadRequest, *bad)
	}
	c, ok := s.zones[zoneID]
	if !ok {
		return noConfig()
	}
	c.Name, c.Peers = p.name, p.peers
	return success(outgoingResult(zoneID, c))
}

func (s *Server) delete(zoneID string) response {
	if _, ok := s.zones[zoneID]; !ok {
		return noConfig()
	}
	delete(s.zones, zoneID)
	return success(struct {
		ID string `json:"id"`
	}{zoneID})
}

func (s *Server) status(zoneID string) response {
	c, ok := s.zones[zoneID]
	if !ok {
		return noConfig()
	}
	return success(c.Status)
}

func (s *Server) action(zoneID, action string, body []byte) response {
	// The API wants a JSON body ({} in its examples) but gives it no schema.
	if len(body) > 0 && !json.Valid(body) {
		return failure(http.StatusBadRequest, invalidBody("/", "Request body is not valid JSON"))
	}
	c, ok := s.zones[zoneID]
	if !ok {
		return noConfig()
	}
	switch action {
	case "enable":
		c.Status = statusEnabled
		resp := success(c.Status)
		resp.notify = s.noticeFor(zoneID, c)
		return resp
	case "disable":
		c.Status = statusDisabled
		return success(c.Status)
	default: // force_notify: the secondaries are told, and (in this fake) transfer at once.
		now := s.now()
		c.CheckedTime = now
		// A zone whose transfers are disabled is refused to the
		// secondaries (transferSerial): none transferred it.
		if c.Status == statusEnabled {
			c.LastTransferredTime = now
		}
		resp := success("OK")
		resp.notify = s.noticeFor(zoneID, c)
		return resp
	}
}

const (
	statusEnabled  = "Enabled"
	statusDisabled = "Disabled"
)

type params struct {
	name  string
	peers []string
}

// parseParams validates a create or update body the way the fake's API does,
// returning the first problem with a JSON pointer to it.
func parseParams(body []byte) (params, *apiError) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		e := invalidBody("/", "Request body must be a JSON object")
		return params{}, &e
	}
	var p params
	if err := json.Unmarshal(fields["name"], &p.name); err != nil || strings.TrimSpace(p.name) == "" {
		e := invalidBody("/name", "name is required and must be a non-empty string")
		return params{}, &e
	}
	var peers []json.RawMessage
	if err := json.Unmarshal(fields["peers"], &peers); err != nil || peers == nil {
		e := invalidBody("/peers", "peers is required and must be an array of peer IDs")
		return params{}, &e
	}
	if len(peers) > maxPeers {
		e := invalidBody("/peers", fmt.Sprintf("a zone can have at most %d linked peers", maxPeers))
		return params{}, &e
	}
	p.peers = make([]string, len(peers))
	for i, raw := range peers {
		if err := json.Unmarshal(raw, &p.peers[i]); err != nil || raw[0] != '"' {
			e := invalidBody(fmt.Sprintf("/peers/%d", i), "a peer ID must be a string")
			return params{}, &e
		}
	}
	return p, nil
}

// now reads the clock, to the microsecond the API shows.
func (s *Server) now() time.Time {
	return s.cfg.now().Truncate(time.Microsecond)
}

// serialFor makes a date-based SOA serial such as 2026112701, the common
// YYYYMMDDnn convention.
func serialFor(t time.Time) uint32 {
	v := (uint64(t.Year())*10000+uint64(t.Month())*100+uint64(t.Day()))*100 + 1
	if t.Year() < 0 || v > math.MaxUint32 {
		return 1
	}
	return uint32(v)
}

func cloneStrings(s []string) []string {
	return append([]string{}, s...)
}
