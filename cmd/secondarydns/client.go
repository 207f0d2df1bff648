package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dnsxfer/secondarydns"
	"golang.org/x/time/rate"
)

// userAgent is put before the SDK's own product token.
const userAgent = "secondarydns-cli/" + secondarydns.Version

// credentials reads the credentials from the environment with WithEnv's
// rules: CLOUDFLARE_API_TOKEN, else CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY.
// It reads the environment run was given rather than the process's, so tests
// need not change the process's. Never a flag: flags reach shell history and ps.
func (a *app) credentials() (secondarydns.Option, error) {
	if tok := a.env(secondarydns.EnvAPIToken); tok != "" {
		return secondarydns.WithAPIToken(tok), nil
	}
	email, key := a.env(secondarydns.EnvEmail), a.env(secondarydns.EnvAPIKey)
	switch {
	case email == "" && key == "":
		return nil, fmt.Errorf("no credentials: set %s, or %s and %s", secondarydns.EnvAPIToken, secondarydns.EnvEmail, secondarydns.EnvAPIKey)
	case email == "":
		return nil, fmt.Errorf("%s is set but %s is not", secondarydns.EnvAPIKey, secondarydns.EnvEmail)
	case key == "":
		return nil, fmt.Errorf("%s is set but %s is not", secondarydns.EnvEmail, secondarydns.EnvAPIKey)
	}
	return secondarydns.WithAPIKey(email, key), nil
}

// client builds the SDK client for a command that sends requests, and the
// request context it runs under: --timeout (from the start of the command) bounds it, and SIGINT/SIGTERM end
// it only once the requests in flight are done (see tracker). The returned
// cancel must be called.
func (a *app) client() (*secondarydns.Client, context.Context, context.CancelFunc, error) {
	cred, err := a.credentials()
	if err != nil {
		return nil, nil, nil, err
	}
	opts := []secondarydns.Option{cred, secondarydns.WithUserAgent(userAgent)}
	base := a.baseURL
	if base == "" {
		base = a.env(secondarydns.EnvBaseURL)
	}
	if base != "" {
		opts = append(opts, secondarydns.WithBaseURL(base))
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(a.sig))
	if deadline, ok := a.limit.Deadline(); ok {
		// --timeout counts from the start of the command, not from here.
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithDeadline(ctx, deadline)
		prev := cancel
		cancel = func() { cancelTimeout(); prev() }
	}
	a.tracker = &tracker{base: a.transport(), cancel: cancel, onStop: a.onInterrupt}
	stopWatch := context.AfterFunc(a.sig, a.tracker.interrupt)
	opts = append(opts, secondarydns.WithHTTPClient(&http.Client{Transport: a.tracker}))
	if a.rate > 0 {
		opts = append(opts, secondarydns.WithRateLimiter(pacer{rate.NewLimiter(rate.Limit(a.rate), 1), &a.pacedOut}))
	}
	// Always a logger: it announces the SDK's Retry-After waits (see
	// retryWaits), and under --verbose writes the log.
	var next slog.Handler
	if a.log != nil {
		next = a.log.Handler()
	}
	if a.waits == nil {
		a.waits = &retryWaits{a: a, now: time.Now}
	}
	opts = append(opts, secondarydns.WithLogger(a.waits.logger(next)))
	opts = append(opts, a.sdkOptions...)
	c, err := secondarydns.NewClient(opts...)
	if err != nil {
		stopWatch()
		cancel()
		return nil, nil, nil, a.optionError(err)
	}
	return c, ctx, func() { stopWatch(); cancel() }, nil
}

// transport is the HTTP transport under the tracker: it keeps as many idle
// connections to the API as zones are in flight, so a run reuses
// --concurrency connections instead of opening one for most requests (the
// default keeps 2 per host).
func (a *app) transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(a.concurrency, 2)
	t.MaxIdleConns = max(t.MaxIdleConns, t.MaxIdleConnsPerHost)
	return t
}

// optionError names what the user set (an environment variable, a flag)
// instead of the SDK option it became.
func (a *app) optionError(err error) error {
	msg := strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": ")
	baseURL := "--base-url"
	if a.baseURL == "" {
		baseURL = secondarydns.EnvBaseURL
	}
	for _, r := range []struct{ from, to string }{
		{`WithAPIToken: the value starts with "Bearer "; pass the token alone, the SDK adds the scheme`,
			secondarydns.EnvAPIToken + `: the value starts with "Bearer "; set the token alone, without "Bearer "`},
		{"WithAPIToken: ", secondarydns.EnvAPIToken + ": "},
		{"WithAPIKey: the email ", secondarydns.EnvEmail + ": the email "},
		{"WithAPIKey: the key ", secondarydns.EnvAPIKey + ": the key "},
		{"WithAPIKey: ", secondarydns.EnvEmail + " and " + secondarydns.EnvAPIKey + ": "},
		{"WithBaseURL: ", baseURL + ": "},
	} {
		if rest, ok := strings.CutPrefix(msg, r.from); ok {
			return errors.New(r.to + rest)
		}
	}
	return errors.New(msg)
}

// pacer spaces requests evenly: a limiter with a burst of 1 lets one
// request through every 1/rate seconds, never a burst. early is set when
// it refuses a turn that would come after --timeout, so the timeout line
// says the run stopped early however long the run then takes to end.
type pacer struct {
	l     *rate.Limiter
	early *atomic.Bool
}

// Wait waits for the next request's turn. The limiter refuses at once when
// that turn comes after the context's deadline; this says so in terms of
// --timeout, and the error matches context.DeadlineExceeded.
func (p pacer) Wait(ctx context.Context) error {
	err := p.l.Wait(ctx)
	if err != nil && ctx.Err() == nil {
		if _, ok := ctx.Deadline(); ok {
			p.early.Store(true)
			return fmt.Errorf("--timeout would pass before the next request's turn under --rate: %w", context.DeadlineExceeded)
		}
	}
	return err
}

// interrupted reports whether SIGINT or SIGTERM arrived.
func (a *app) interrupted() bool { return a.sig.Err() != nil }

// errInterrupted is what a request gets that would start after SIGINT or
// SIGTERM. It wraps context.Canceled, so nobody retries it.
var errInterrupted = fmt.Errorf("interrupted, no new request is sent: %w", context.Canceled)

// tracker is the command's HTTP transport. It counts requests (for the
// progress line) and implements the interrupt rule: after SIGINT/SIGTERM no
// request starts, those in flight finish, body included, and only then the
// request context ends, so retry waits and rate-limit pauses stop at once
// but no answer already on its way is thrown away.
type tracker struct {
	base   http.RoundTripper
	cancel context.CancelFunc
	sent   atomic.Int64

	// onStop, when set, is called once the interrupt rule is in force
	// (tests wait on it instead of sleeping).
	onStop func()

	mu       sync.Mutex
	inflight int
	stopped  bool
	writes   map[string][]*writeAttempt // by zone ID, in the order sent (see unknownAction)

	// lastKey ("METHOD /escaped/path") and lastTries are the attempts of
	// the most recent request, for a single-request command's --timeout
	// line (see cutLine): its requests come one after the other, so the
	// request --timeout cut is this one or one never sent. Only the last
	// is kept, so a long apply holds no more.
	lastKey   string
	lastTries []*writeAttempt
}

// RoundTrip sends req unless the command was interrupted.
func (t *tracker) RoundTrip(req *http.Request) (*http.Response, error) {
	zone, act, isWrite := zoneWrite(req)
	w := &writeAttempt{action: act}
	key := req.Method + " " + req.URL.EscapedPath()
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return nil, errInterrupted
	}
	t.inflight++
	if isWrite {
		if t.writes == nil {
			t.writes = map[string][]*writeAttempt{}
		}
		t.writes[zone] = append(t.writes[zone], w)
	}
	if key != t.lastKey {
		t.lastKey, t.lastTries = key, nil
	}
	t.lastTries = append(t.lastTries, w)
	t.mu.Unlock()
	// Whether the request left is what tells "not started" from "outcome
	// unknown": a connection never made sent nothing.
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { w.sent.Store(true) },
	}))
	t.sent.Add(1)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.finished()
		return nil, err
	}
	w.status.Store(int32(resp.StatusCode))
	resp.Body = &trackedBody{ReadCloser: resp.Body, done: sync.OnceFunc(t.finished), eof: func() { w.answered.Store(true) }}
	return resp, nil
}

// triesOf returns the attempts of the request method path (as the SDK's
// errors write it) if it is the most recent request, else nil: it was
// never sent.
func (t *tracker) triesOf(method, path string) []*writeAttempt {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastKey != method+" "+path {
		return nil
	}
	return append([]*writeAttempt(nil), t.lastTries...)
}

// writeAttempt is one attempt of a request: of a write for a zone's
// outgoing configuration (action says which) in unknownAction, of any
// request in triesOf.
type writeAttempt struct {
	action   secondarydns.Action
	sent     atomic.Bool  // written to the connection, in whole or in part
	status   atomic.Int32 // the answer's status; 0 when none came
	answered atomic.Bool  // the answer's body was read to its end
}

// refused reports an attempt the server answered, in whole, with a 4xx: it
// changed nothing. A 2xx the SDK still failed on (a body it could not
// decode) did change something, and a 5xx may come after the change.
func (w *writeAttempt) refused() bool {
	st := w.status.Load()
	return w.answered.Load() && st >= 400 && st < 500
}

// zoneWrite reports a request that performs one of the converge actions on
// a zone (…/zones/{id}/secondary_dns/outgoing[/enable|/disable]), and which.
func zoneWrite(req *http.Request) (zone string, act secondarydns.Action, ok bool) {
	if req.Method == http.MethodGet {
		return "", "", false
	}
	i := strings.LastIndex(req.URL.Path, "/zones/")
	if i < 0 {
		return "", "", false
	}
	zone, rest, _ := strings.Cut(req.URL.Path[i+len("/zones/"):], "/")
	const base = "secondary_dns/outgoing"
	switch {
	case rest == base && req.Method == http.MethodPost:
		act = secondarydns.ActionCreate
	case rest == base && req.Method == http.MethodPut:
		act = secondarydns.ActionUpdate
	case rest == base && req.Method == http.MethodDelete:
		act = secondarydns.ActionDelete
	case rest == base+"/enable" && req.Method == http.MethodPost:
		act = secondarydns.ActionEnable
	case rest == base+"/disable" && req.Method == http.MethodPost:
		act = secondarydns.ActionDisable
	default:
		return "", "", false
	}
	return zone, act, true
}

// unknownAction returns the action of a failed zone whose outcome is
// unknown: the action the zone stopped at (ExecuteAll returns the plan with
// Done so far, so it is the next one) was sent, and no complete answer
// says it was refused. Its request may have been cut by --timeout, its
// connection reset after it was written, or its answers were all 5xx
// (which may come after the change). It returns "" when that action was
// never sent (the zone was not started, or stopped before it) or was
// refused, or when the zone did not fail.
//
// A later complete 4xx to the same action settles it (a 409 or 404 is the
// SDK's ErrStale, a 400 a refusal); a 429 does not, since it refuses the
// retry, not the attempt before it.
func (t *tracker) unknownAction(r secondarydns.ZoneResult) secondarydns.Action {
	if t == nil || r.Err == nil || r.Plan == nil || len(r.Plan.Done) >= len(r.Plan.Actions) {
		return ""
	}
	act := r.Plan.Actions[len(r.Plan.Done)]
	t.mu.Lock()
	attempts := t.writes[r.ZoneID]
	t.mu.Unlock()
	var same []*writeAttempt
	for _, w := range attempts {
		if w.action == act {
			same = append(same, w)
		}
	}
	if unknownAfter(same) {
		return act
	}
	return ""
}

// unknownAfter reports that a write's attempts leave its outcome unknown:
// one was sent, and no complete answer after it says it was refused.
func unknownAfter(attempts []*writeAttempt) bool {
	unknown := false
	for _, w := range attempts {
		switch {
		case !w.sent.Load():
		case w.refused() && w.status.Load() == http.StatusTooManyRequests:
		case w.refused():
			unknown = false
		default:
			unknown = true
		}
	}
	return unknown
}

func (t *tracker) finished() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inflight--
	if t.stopped && t.inflight == 0 {
		t.cancel()
	}
}

// interrupt stops new requests and ends the request context once none is in
// flight.
func (t *tracker) interrupt() {
	t.mu.Lock()
	t.stopped = true
	if t.inflight == 0 {
		t.cancel()
	}
	t.mu.Unlock()
	if t.onStop != nil {
		t.onStop()
	}
}

// trackedBody tells the tracker when a response has been read and closed,
// and a write's attempt when its answer was read to the end.
type trackedBody struct {
	io.ReadCloser
	done func()
	eof  func()
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof()
	}
	return n, err
}

func (b *trackedBody) Close() error {
	err := b.ReadCloser.Close()
	b.done()
	return err
}

// validator checks desired states with the SDK's own rules (those of Plan
// and ApplyAll) and can never send anything: its limiter refuses every
// attempt, and its transport would too.
type validator struct{ c *secondarydns.Client }

var errValidOnly = errors.New("validation only")

type refuseLimiter struct{}

func (refuseLimiter) Wait(context.Context) error { return errValidOnly }

type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, errValidOnly }

func newValidator() (*validator, error) {
	c, err := secondarydns.NewClient(
		secondarydns.WithAPIToken("validation-only"),
		secondarydns.WithBaseURL("http://127.0.0.1"),
		secondarydns.WithHTTPClient(&http.Client{Transport: refuseTransport{}}),
		secondarydns.WithRateLimiter(refuseLimiter{}),
		secondarydns.WithMaxRetries(0),
	)
	if err != nil {
		return nil, err
	}
	return &validator{c}, nil
}

// check returns the SDK's ErrInvalidInput error for an invalid desired
// state, nil for a valid one.
//
// It asks Execute, with a plan that has nothing to do: Execute checks the
// plan with Plan's rules and, with no action, sends nothing; Plan would go
// on to build a request (which the limiter then refuses), a cost that a
// million-zone file felt.
func (v *validator) check(zoneID string, want secondarydns.Desired) error {
	_, err := v.c.Outgoing.Execute(context.Background(), &secondarydns.Plan{ZoneID: zoneID, Want: want})
	if errors.Is(err, secondarydns.ErrInvalidInput) {
		return err
	}
	return nil
}
