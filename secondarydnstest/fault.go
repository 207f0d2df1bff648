package secondarydnstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Fault describes requests the server must fail, for tests of retries and
// error handling. A faulted request is logged but never authenticated, routed
// or applied: the zone state stays as it was.
//
// A request matches a Fault when it matches every field of Method, Path, Kind,
// Zone, Account and Action that is set; a Fault with none set matches every
// request. So
// that a test cannot pass without its fault ever firing, Server.Fail refuses
// (panics on) a Fault that no request could match, and Server.PendingFaults
// tells which faults have not fired.
type Fault struct {
	// Method is the HTTP method to match, in any case ("get" is GET); ""
	// matches any. It must be one the API serves: GET, POST, PUT or DELETE.
	Method string
	// Path is the path to match, as Request.Path reports it (without the
	// "/client/v4" prefix) or as APIError.Path reports it (with it), e.g.
	// "/zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing/enable"
	// or "/accounts/01a7362d577a6c3019a474fd6f485823/secondary_dns/peers";
	// "" matches any. It must be one of the API's paths, with well-formed IDs
	// and without a query; percent-encoding in it is decoded before matching.
	Path string
	// Kind is the kind of endpoint to match: "outgoing" (a zone's outgoing
	// configuration, the eight endpoints under
	// /zones/{zone_id}/secondary_dns/outgoing), "peer", "tsig" or "acl" (the
	// account's objects under /accounts/{account_id}/secondary_dns/peers,
	// tsigs or acls, the collection and each object), or "zone" (GET
	// /zones), exactly so; "" matches any.
	Kind string
	// Zone is the zone ID to match (32 lowercase hexadecimal characters, as
	// ZoneID makes); "" matches any. Only the outgoing endpoints have a zone:
	// a Fault with a Zone matches nothing else.
	Zone string
	// Account is the account ID to match (32 lowercase hexadecimal
	// characters, as DefaultAccountID); "" matches any. Only the peer, TSIG
	// and ACL endpoints have an account: a Fault with an Account matches
	// nothing else.
	Account string
	// Action is the endpoint to match, named as the client's methods are:
	// "get", "create", "update", "delete", "enable", "disable",
	// "force_notify", "status" or "list", exactly so; "" matches any.
	// "create" is a POST to the configuration or to a collection of account
	// objects, "get" a GET of the configuration or of one object, "list" a
	// GET of a collection or of /zones, and so on: a request whose method is
	// not the endpoint's matches no action. An Action matches on every kind
	// that has it ("get" fails a GET of a peer as well as of a zone's
	// configuration) unless Kind, Zone, Account or Path narrows it.
	Action string
	// Times is how many matching requests fail; zero or less means one.
	Times int

	// Status is the HTTP status to answer with; zero means 503. The body is
	// a Cloudflare error envelope (code 971 for 429, 1000 otherwise) unless
	// Body is set.
	Status int
	// RetryAfter, when not empty, is sent as the Retry-After header: seconds
	// ("0", "2") or an HTTP date.
	RetryAfter string
	// Body, when not empty, is sent as it is instead of the envelope, with
	// Content-Type application/json if it is valid JSON and a sniffed one
	// otherwise: an HTML error page as Cloudflare's edge serves with a 502,
	// or a 200 whose envelope says "success": false.
	Body string

	// Drop closes the connection without answering, after the whole request,
	// body included, was read: the server may have acted on it, so a client
	// must not assume that repeating it is harmless. Status, RetryAfter and
	// Body are then ignored.
	//
	// Beware that net/http's Transport resends a request it considers
	// replayable (GET, HEAD, OPTIONS, TRACE, or one with an Idempotency-Key
	// header) once, on another connection and without telling the caller, when
	// the dropped connection had already carried an earlier request. The
	// resend is a new request: it counts against Times and appears in
	// Requests. A test that needs a dropped GET to reach the caller every
	// time should use a client whose Transport sets DisableKeepAlives, so no
	// connection is ever reused. POST, PUT and DELETE are not resent once
	// written.
	Drop bool
}

// Fail queues f: the next f.Times requests that match f fail as it says.
// Queued faults are matched in the order they were queued; a request consumes
// at most one, and a request that WithRateLimit refuses, or whose body is over
// 1 MiB (413), consumes none.
//
// Fail panics, saying why, on a Fault that can never match a request or
// cannot be served: a Status neither zero nor in 200..599, an unknown Action
// or Kind, a Zone or Account that is not an ID, a Path that is not one of the
// API's paths, a Method that no endpoint has (for Path, when set), or fields
// that contradict each other (an Action of another method, path or kind, a
// Zone or Account that is not Path's, a Zone with an Account or with a Kind
// other than "outgoing").
func (s *Server) Fail(f Fault) {
	q, why := compile(f)
	if why != "" {
		panic("secondarydnstest: Fail: " + why)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, q)
}

// PendingFaults returns the queued faults that have firings left, in the
// order they were given to Fail, each with Times set to the firings left. A
// test that expects its faults to have fired asserts that this is empty.
func (s *Server) PendingFaults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Fault
	for _, q := range s.faults {
		out = append(out, q.Fault)
	}
	return out
}

// queuedFault is a Fault as Fail checked it, normalised for matching. Its
// Times counts the firings left; at zero it leaves the queue.
type queuedFault struct {
	Fault
	method  string  // upper case; "" for any
	kind    string  // from Kind, Zone, Account or Path; "" for any
	zone    string  // from Zone or Path; "" for any
	account string  // from Account or Path; "" for any
	path    *target // from Path; nil for any
	action  string  // from Action; "" for any
}

// actionKind is an action, its method and the kinds of endpoint that have it.
type actionKind struct {
	action string
	method string
	kinds  []string
}

// actionKinds lists, for each action, the kinds of endpoint that have it, and
// its method.
var actionKinds = []actionKind{
	{"get", http.MethodGet, []string{kindOutgoing, kindPeer, kindTSIG, kindACL}},
	{"create", http.MethodPost, []string{kindOutgoing, kindPeer, kindTSIG, kindACL}},
	{"update", http.MethodPut, []string{kindOutgoing, kindPeer, kindTSIG, kindACL}},
	{"delete", http.MethodDelete, []string{kindOutgoing, kindPeer, kindTSIG, kindACL}},
	{"enable", http.MethodPost, []string{kindOutgoing}},
	{"disable", http.MethodPost, []string{kindOutgoing}},
	{"force_notify", http.MethodPost, []string{kindOutgoing}},
	{"status", http.MethodGet, []string{kindOutgoing}},
	{"list", http.MethodGet, []string{kindPeer, kindTSIG, kindACL, kindZone}},
}

var allKinds = []string{kindOutgoing, kindPeer, kindTSIG, kindACL, kindZone}

// compile checks f and normalises it, or says why no request could match it.
func compile(f Fault) (queuedFault, string) {
	q := queuedFault{Fault: f, method: strings.ToUpper(f.Method)}
	if q.Times <= 0 {
		q.Times = 1
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return q, fmt.Sprintf("status %d out of range 200..599", f.Status)
	}
	if q.method != "" && !slices.ContainsFunc(endpoints, func(ep endpoint) bool { return ep.method == q.method }) {
		return q, fmt.Sprintf("method %q: no endpoint has it; the API's are GET, POST, PUT and DELETE", f.Method)
	}
	kinds := allKinds // those the fields so far allow
	if f.Kind != "" {
		if !slices.Contains(allKinds, f.Kind) {
			return q, fmt.Sprintf("unknown kind %q; want one of %s (lower case)", f.Kind, quoteAll(allKinds))
		}
		q.kind, kinds = f.Kind, []string{f.Kind}
	}
	if f.Action != "" {
		i := slices.IndexFunc(actionKinds, func(a actionKind) bool { return a.action == f.Action })
		if i < 0 {
			return q, fmt.Sprintf("unknown action %q; want one of %s (lower case)", f.Action, actionNames())
		}
		a := actionKinds[i]
		q.action = a.action
		if q.method != "" && q.method != a.method {
			return q, fmt.Sprintf("action %q is a %s, not a %s", f.Action, a.method, q.method)
		}
		if q.kind != "" && !slices.Contains(a.kinds, q.kind) {
			return q, fmt.Sprintf("action %q contradicts kind %q (it is an action of %s)", f.Action, f.Kind, quoteAll(a.kinds))
		}
		kinds = intersect(kinds, a.kinds)
	}
	if f.Zone != "" {
		if !validZoneID(f.Zone) {
			return q, fmt.Sprintf("zone %q is not a zone ID (32 lowercase hexadecimal characters)%s", f.Zone, zoneNameHint(f.Zone))
		}
		if !slices.Contains(kinds, kindOutgoing) {
			return q, fmt.Sprintf("zone %q contradicts %s: only the outgoing endpoints have a zone", f.Zone, narrowedBy(f))
		}
		q.zone, q.kind, kinds = f.Zone, kindOutgoing, []string{kindOutgoing}
	}
	if f.Account != "" {
		if !validZoneID(f.Account) {
			return q, fmt.Sprintf("account %q is not an account ID (32 lowercase hexadecimal characters)", f.Account)
		}
		kinds = intersect(kinds, []string{kindPeer, kindTSIG, kindACL})
		if len(kinds) == 0 {
			return q, fmt.Sprintf("account %q contradicts %s: only the peer, TSIG and ACL endpoints have an account", f.Account, narrowedBy(f))
		}
		q.account = f.Account
	}
	if f.Path != "" {
		return compilePath(q)
	}
	return q, ""
}

// narrowedBy names the fields that narrowed a Fault to kinds without a zone
// or account, for compile's messages.
func narrowedBy(f Fault) string {
	var out []string
	if f.Kind != "" {
		out = append(out, fmt.Sprintf("kind %q", f.Kind))
	}
	if f.Action != "" {
		out = append(out, fmt.Sprintf("action %q", f.Action))
	}
	if f.Zone != "" && f.Account != "" {
		out = append(out, fmt.Sprintf("zone %q", f.Zone))
	}
	return strings.Join(out, " and ")
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// compilePath adds the checks and normalisation of q.Path to compile's.
func compilePath(q queuedFault) (queuedFault, string) {
	p := q.Path
	if rest, ok := strings.CutPrefix(p, basePath); ok && strings.HasPrefix(rest, "/") {
		p = rest
	}
	if strings.ContainsAny(p, "?#") {
		return q, fmt.Sprintf("path %q has a query or fragment; faults match the path alone", q.Path)
	}
	t := route("", basePath+p)
	if !t.routed {
		return q, fmt.Sprintf("path %q is not one of the API's paths: /zones/{zone_id}/secondary_dns/outgoing[/enable|/disable|/force_notify|/status], /accounts/{account_id}/secondary_dns/{peers|tsigs|acls}[/{id}] or /zones, optionally after /client/v4", q.Path)
	}
	if !t.wellFormed() {
		if t.kind == kindOutgoing {
			return q, fmt.Sprintf("path %q: its zone ID %q is not 32 lowercase hexadecimal characters%s", q.Path, t.zone, zoneNameHint(t.zone))
		}
		return q, fmt.Sprintf("path %q: its IDs are not 32 lowercase hexadecimal characters", q.Path)
	}
	if q.zone != "" && q.zone != t.zone {
		return q, fmt.Sprintf("zone %q contradicts path %q", q.zone, q.Path)
	}
	if q.account != "" && q.account != t.account {
		return q, fmt.Sprintf("account %q contradicts path %q", q.account, q.Path)
	}
	if q.kind != "" && q.kind != t.kind {
		return q, fmt.Sprintf("kind %q contradicts path %q", q.kind, q.Path)
	}
	allow := t.methods()
	if q.method != "" && !slices.Contains(allow, q.method) {
		return q, fmt.Sprintf("no endpoint answers %s on path %q (it takes %s)", q.method, q.Path, strings.Join(allow, ", "))
	}
	if q.action != "" && !slices.ContainsFunc(allow, func(m string) bool { return route(m, basePath+p).action == q.action }) {
		return q, fmt.Sprintf("action %q contradicts path %q", q.action, q.Path)
	}
	q.path = &t
	return q, ""
}

func actionNames() string {
	names := make([]string, len(actionKinds))
	for i, a := range actionKinds {
		names[i] = a.action
	}
	return quoteAll(names)
}

// zoneNameHint helps the common mistake of a zone name where a zone ID goes.
func zoneNameHint(id string) string {
	if strings.Contains(id, ".") {
		return ": pass the zone ID, not the zone name"
	}
	return ""
}

func (q *queuedFault) matches(method string, t target) bool {
	if !t.routed && (q.kind != "" || q.path != nil) {
		return false
	}
	return (q.method == "" || strings.EqualFold(q.method, method)) &&
		(q.kind == "" || q.kind == t.kind) &&
		(q.zone == "" || q.zone == t.zone && t.kind == kindOutgoing) &&
		(q.account == "" || q.account == t.account && t.kind != kindOutgoing) &&
		(q.path == nil || samePath(*q.path, t)) &&
		(q.action == "" || q.action == t.action)
}

// samePath reports whether t is a request to the path p was made from.
func samePath(p, t target) bool {
	return p.kind == t.kind && p.zone == t.zone && p.suffix == t.suffix &&
		p.account == t.account && p.object == t.object && p.item == t.item
}

// takeFault consumes one firing of the first fault matching the request. The
// caller holds s.mu.
func (s *Server) takeFault(method string, t target) (Fault, bool) {
	for i := range s.faults {
		q := &s.faults[i]
		if q.matches(method, t) {
			f := q.Fault
			if q.Times--; q.Times == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
			return f, true
		}
	}
	return Fault{}, false
}

func (f Fault) response() response {
	if f.Drop {
		return response{drop: true}
	}
	status := f.Status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	var resp response
	if f.Body != "" {
		ct := "application/json"
		if !json.Valid([]byte(f.Body)) {
			ct = http.DetectContentType([]byte(f.Body))
		}
		resp = response{status: status, body: []byte(f.Body), header: http.Header{"Content-Type": {ct}}}
	} else {
		code, msg := 1000, http.StatusText(status)
		if status == http.StatusTooManyRequests {
			code, msg = 971, "Please wait and consider throttling your request speed"
		}
		if msg == "" {
			msg = "Injected fault"
		}
		resp = failure(status, apiError{Code: code, Message: msg})
	}
	if f.RetryAfter != "" {
		if resp.header == nil {
			resp.header = http.Header{}
		}
		resp.header.Set("Retry-After", f.RetryAfter)
	}
	return resp
}
