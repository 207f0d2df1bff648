package secondarydns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// maxBody is the most of any response body the SDK reads. The largest real
// answer of these endpoints is well under 4 KiB.
const maxBody = 1 << 20

// maxSnippet is how much of a body that is not an envelope APIError keeps.
const maxSnippet = 512

// Client is a Cloudflare API client for the Secondary DNS endpoints of
// Cloudflare as primary: each zone's outgoing transfer configuration, the
// account's peers, TSIG keys and ACLs, and the zone lookup. Its
// configuration is fixed by NewClient; it is safe for concurrent use by
// multiple goroutines, and per-call options never change it.
type Client struct {
	// Outgoing holds the outgoing zone transfer endpoints
	// (/zones/{zone_id}/secondary_dns/outgoing...).
	Outgoing *OutgoingService
	// Peers holds the account's peers
	// (/accounts/{account_id}/secondary_dns/peers).
	Peers *PeersService
	// TSIGs holds the account's TSIG keys
	// (/accounts/{account_id}/secondary_dns/tsigs).
	TSIGs *TSIGsService
	// ACLs holds the account's ACLs
	// (/accounts/{account_id}/secondary_dns/acls).
	ACLs *ACLsService
	// Zones looks zones up by name (GET /zones).
	Zones *ZonesService

	cfg *config // behind a pointer so no fmt verb can reach the credentials
}

// NewClient returns a client configured by opts. Exactly one kind of
// credential is required: WithAPIToken, WithAPIKey or WithEnv. Every invalid
// option fails it with an error wrapping ErrInvalidInput.
func NewClient(opts ...Option) (*Client, error) {
	cfg := &config{
		clientLevel:  true,
		maxRetries:   DefaultMaxRetries,
		backoffBase:  DefaultBackoffBase,
		backoffMax:   DefaultBackoffMax,
		maxRetryWait: DefaultMaxRetryWait,
		sleep:        sleepContext,
		now:          time.Now,
		jitter:       fullJitter,
	}
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	if cfg.cred.kind == credNone {
		return nil, invalid("no credentials: use WithAPIToken, WithAPIKey or WithEnv")
	}
	if cfg.base == nil {
		cfg.base, _ = parseBaseURL(DefaultBaseURL)
	}
	if cfg.hc == nil {
		cfg.hc = &http.Client{CheckRedirect: refuseRedirect}
	}
	cfg.clientLevel = false
	cfg.headersChanged = true
	cfg.finish()
	c := &Client{cfg: cfg}
	c.Outgoing = &OutgoingService{client: c}
	c.Peers = &PeersService{client: c}
	c.TSIGs = &TSIGsService{client: c}
	c.ACLs = &ACLsService{client: c}
	c.Zones = &ZonesService{client: c}
	return c, nil
}

// endpoint describes one API operation; the pipeline needs nothing else.
// Its path is
//
//	root + id + mid + "/" + objectID + suffix
//
// where id is present when idWhat is set and objectID when objWhat is set:
// "/zones/{zone_id}/secondary_dns/outgoing/enable",
// "/accounts/{account_id}/secondary_dns/peers/{peer_id}", "/zones".
type endpoint struct {
	method  string
	root    string // "/zones/", "/accounts/", or a whole path ("/zones")
	idWhat  string // names the ID after root in errors ("zone ID"); "" none
	mid     string // after the ID: "/secondary_dns/outgoing"
	objWhat string // names the object ID after mid ("peer ID"); "" none
	suffix  string // last: "/enable"
	// createLike marks a write that is unsafe to repeat once the server may
	// have received it (see retryableError).
	createLike bool
}

// outgoingEndpoint is an operation under /zones/{zone_id}/secondary_dns/outgoing.
func outgoingEndpoint(method, suffix string, createLike bool) endpoint {
	return endpoint{method: method, root: "/zones/", idWhat: "zone ID", mid: "/secondary_dns/outgoing", suffix: suffix, createLike: createLike}
}

// target is what a call fills into its endpoint: the IDs of the path, a
// query of the endpoint's own, and a secret the body carries (a TSIG's),
// which the call then scrubs from everything it keeps, like a credential.
type target struct {
	id     string
	obj    string
	query  string
	secret string
}

// envelope is Cloudflare's response wrapper, decoded once into the typed result.
type envelope[T any] struct {
	envelopeHead
	Result *T          `json:"result"`
	Info   *resultInfo `json:"result_info"` // list answers only; ZonesService.List reads it
}

// resultInfo is the paging information of a list answer.
type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// envelopeHead is the part of the envelope every response shares.
type envelopeHead struct {
	Success  *bool    `json:"success"`
	Errors   infoList `json:"errors"`
	Messages infoList `json:"messages"`
}

func (h *envelopeHead) head() *envelopeHead { return h }

// isEnvelope tells an envelope from other JSON (a proxy's {"message": ...}).
func (h *envelopeHead) isEnvelope() bool {
	return h.Success != nil || len(h.Errors) > 0
}

func (e *envelope[T]) hasResult() bool { return e.Result != nil }

// decoder is what the non-generic pipeline needs from an envelope[T].
type decoder interface {
	head() *envelopeHead
	hasResult() bool
	decode(b []byte) error // see decode.go
}

// checker is a decoder that also looks at its decoded result before the
// call returns it: a non-empty answer says why the result cannot be used,
// and the call fails with ErrInvalidResponse like any other invalid
// response (HTTP status and ray ID in the text, WithResponse filled, not
// retried).
type checker interface {
	check() string
}

// call runs one operation of the outgoing service and returns its typed
// result. It is the only place those endpoint methods reach the pipeline, so
// it is also where a service that NewClient did not make is refused instead
// of panicking. The account services reach it through accountCall.
func call[T any](ctx context.Context, s *OutgoingService, ep *endpoint, zoneID string, body []byte, opts []Option) (*T, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	return send[T](ctx, s.client, ep, target{id: zoneID}, body, opts)
}

// send runs one operation on a ready client and returns its typed result.
func send[T any](ctx context.Context, c *Client, ep *endpoint, t target, body []byte, opts []Option) (*T, error) {
	env := new(envelope[T])
	if err := c.do(ctx, ep, t, body, opts, env); err != nil {
		return nil, err
	}
	return env.Result, nil
}

// deref turns a pipeline result into a value result.
func deref[T any](p *T, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return *p, nil
}

// refused returns err, the reason a call was refused before anything was
// sent, after clearing the Response of any WithResponse among opts: a
// Response reused from an earlier call must not show that call's status,
// ray ID and attempts as if they were this one's. The options are run again
// on a scratch config because the one that failed may come before
// WithResponse, which then never ran. This happens only on that error path.
func refused(opts []Option, err error) error {
	var scratch config
	for _, o := range opts {
		if o != nil {
			_ = o(&scratch)
		}
	}
	if scratch.response != nil {
		*scratch.response = Response{}
	}
	return err
}

// attempt is the outcome of one request.
type attempt struct {
	status int
	header http.Header
	ray    string
	apiErr *APIError // non-nil for a non-2xx or success=false answer
	// hasRetryAfter is set when the answer carried a valid Retry-After
	// (apiErr.RetryAfter, possibly 0).
	hasRetryAfter bool
	err           error // a *TransportError, or an ErrInvalidResponse for a 2xx
}

// do is the request pipeline: check the input, build the request, send it
// with retries, read the body under a limit and unwrap the envelope into dst.
func (c *Client) do(ctx context.Context, ep *endpoint, t target, body []byte, opts []Option, dst decoder) error {
	if ctx == nil {
		return refused(opts, invalid("the context is nil"))
	}
	cfg, err := c.cfg.forCall(opts)
	if err != nil {
		return refused(opts, err)
	}
	if cfg.response != nil {
		*cfg.response = Response{}
	}
	if ep.idWhat != "" {
		if err := validateZoneID(ep.idWhat, t.id); err != nil {
			return err
		}
	}
	sep := ""
	if ep.objWhat != "" {
		if err := validateZoneID(ep.objWhat, t.obj); err != nil {
			return err
		}
		sep = "/"
	}
	if t.secret != "" {
		// Scrub the secret this call sends like a credential. Only these
		// calls pay for the copy.
		cc := *cfg
		cc.cred = cc.cred.withSecret(t.secret)
		cfg = &cc
	}

	// One string holds the URL; the path APIError reports is a slice of it.
	// Validation leaves nothing to escape; escaping anyway keeps the path
	// safe should the rule ever widen (and costs nothing when unchanged).
	// The endpoint's own query goes into the same string.
	qsep := ""
	if t.query != "" {
		qsep = "?"
	}
	u := cfg.base.prefix + ep.root + url.PathEscape(t.id) + ep.mid + sep + url.PathEscape(t.obj) + ep.suffix + qsep + t.query
	path := u[len(cfg.base.prefix)-len(cfg.base.path) : len(u)-len(qsep)-len(t.query)]
	switch {
	case cfg.rawQuery != "" && t.query != "":
		u += "&" + cfg.rawQuery
	case cfg.rawQuery != "":
		u += "?" + cfg.rawQuery
	}

	r := run{cfg: cfg, ep: ep, url: u, path: path, body: body, dst: dst}
	err = r.loop(ctx)
	if cfg.response != nil {
		resp := cfg.response
		resp.StatusCode, resp.Header, resp.RayID, resp.Attempts = r.last.status, r.last.header, r.last.ray, r.attempts
		resp.Messages = r.messages
		scrubHeader(resp.Header, cfg.cred)
	}
	return err
}

// scrubHeader removes the credentials from the response headers handed to
// the caller, in place (the map is this call's own): a proxy may echo the
// request's Authorization into a header of its answer.
func scrubHeader(h http.Header, cred credentials) {
	for _, vs := range h {
		for i, v := range vs {
			if s := cred.scrub(v); s != v {
				vs[i] = s
			}
		}
	}
}

// run is the state of one call across its attempts.
type run struct {
	cfg      *config
	ep       *endpoint
	url      string
	path     string
	body     []byte
	dst      decoder
	attempts int
	last     attempt
	messages []ResponseInfo
}

func (r *run) loop(ctx context.Context) error {
	var lastAPIErr *APIError
	for {
		if err := ctx.Err(); err != nil {
			return r.ctxError(err, lastAPIErr)
		}
		if r.cfg.limiter != nil {
			if err := r.cfg.limiter.Wait(ctx); err != nil {
				if ctx.Err() != nil {
					// The context ended while waiting: report that, whatever
					// the limiter made of it.
					return r.ctxError(ctx.Err(), lastAPIErr)
				}
				return fmt.Errorf("secondarydns: %s %s: rate limiter: %w", r.ep.method, r.path, err)
			}
		}
		r.attempts++
		r.messages = nil // WithResponse reports the last attempt's only
		// The clock is read only for the log record's duration.
		var start time.Time
		if r.cfg.logger != nil {
			start = r.cfg.now()
		}
		a := r.send(ctx)
		r.last = a
		if r.cfg.lockedOut != nil {
			r.reportLockout(&a)
		}
		if r.cfg.logger != nil {
			r.logAttempt(ctx, &a, r.cfg.now().Sub(start))
		}
		if a.err == nil && a.apiErr == nil {
			return nil
		}
		if a.apiErr != nil {
			lastAPIErr = a.apiErr
		}
		if ctx.Err() != nil {
			return r.ctxError(ctx.Err(), lastAPIErr)
		}
		wait, retry, reason := r.decide(&a)
		r.logDecision(ctx, retry, wait, reason)
		if !retry {
			if a.apiErr != nil {
				a.apiErr.Attempts = r.attempts
				return a.apiErr
			}
			return a.err
		}
		if err := r.cfg.sleep(ctx, wait); err != nil {
			return r.ctxError(err, lastAPIErr)
		}
	}
}

// reportLockout tells the fleet runner of a 429 whose Retry-After this call
// will not wait for, before the log record, the retry decision and the
// error's way up the stack give other zones time to send.
func (r *run) reportLockout(a *attempt) {
	e := a.apiErr
	if e == nil || e.StatusCode != http.StatusTooManyRequests || e.RetryAfter <= 0 {
		return
	}
	if _, retry, _ := r.decide(a); !retry {
		r.cfg.lockedOut(r.cfg.now().Add(e.RetryAfter), e.RetryAfter)
	}
}

// ctxError reports the end of the context, wrapping the last API error so a
// caller can still see why the call was retrying.
func (r *run) ctxError(err error, last *APIError) error {
	if last != nil {
		// The count is of the whole call; last says "after N attempts".
		last.Attempts = r.attempts
		return fmt.Errorf("secondarydns: %s %s: %w (last error: %w)", r.ep.method, r.path, err, last)
	}
	return fmt.Errorf("secondarydns: %s %s: %w", r.ep.method, r.path, err)
}

// send makes one attempt.
func (r *run) send(ctx context.Context) attempt {
	var rd io.Reader
	if r.body != nil {
		// A fresh reader over the encoded body for every attempt: a reader
		// consumed by a failed attempt must never be sent again.
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.ep.method, r.url, rd)
	if err != nil {
		return attempt{err: fmt.Errorf("%w: building the request: %v", ErrInvalidInput, err)}
	}
	req.Header = r.cfg.header.Clone()
	if r.body != nil {
		req.Header["Content-Type"] = jsonContentType
	}
	resp, err := r.cfg.hc.Do(req)
	if err != nil {
		return attempt{err: r.transportError(err)}
	}
	// The ray ID goes into error strings: scrub it like any echoed bytes.
	a := attempt{status: resp.StatusCode, header: resp.Header, ray: r.cfg.cred.scrub(resp.Header.Get("Cf-Ray"))}

	buf := getBuffer()
	defer putBuffer(buf)
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, maxBody+1))
	resp.Body.Close()
	if err != nil {
		a.err = r.transportError(fmt.Errorf("reading the %d response body: %w", resp.StatusCode, err))
		return a
	}
	r.readResponse(&a, buf.Bytes())
	return a
}

var jsonContentType = []string{"application/json"}

// readResponse turns a complete response into the call's result or error.
func (r *run) readResponse(a *attempt, b []byte) {
	ok := a.status >= 200 && a.status <= 299
	tooLarge := len(b) > maxBody
	if tooLarge {
		b = b[:maxBody]
	}
	if ok && !tooLarge {
		err := r.dst.decode(b)
		h := r.dst.head()
		r.messages = scrubInfos(h.Messages, r.cfg.cred)
		switch {
		case err == nil && h.Success != nil && *h.Success && r.dst.hasResult():
			if c, ok := r.dst.(checker); ok {
				if why := c.check(); why != "" {
					a.err = r.invalidResponse(a, why)
				}
			}
			return
		case err == nil && h.Success == nil:
			a.err = r.invalidResponse(a, "the body is not a Cloudflare envelope (no \"success\" field)")
			return
		case err == nil && *h.Success && !r.dst.hasResult():
			a.err = r.invalidResponse(a, "the envelope has no result")
			return
		case err == nil:
			// success=false on a 2xx: an API error of no HTTP class.
		default:
			// The result did not decode. If the envelope still says
			// success=false, the API error is the better answer.
			var head envelopeHead
			if decodeHead(b, &head) != nil || head.Success == nil || *head.Success {
				a.err = r.invalidResponse(a, describeDecodeError(err))
				return
			}
			*h = head
			r.messages = h.Messages
		}
	}
	if ok && tooLarge {
		a.err = r.invalidResponse(a, "the body exceeds 1 MiB")
		return
	}
	a.apiErr = r.apiError(a, b, ok)
}

// apiError builds the *APIError for a non-2xx answer or a 2xx success=false.
func (r *run) apiError(a *attempt, b []byte, decoded bool) *APIError {
	e := &APIError{
		StatusCode: a.status,
		Method:     r.ep.method,
		Path:       r.path,
		RayID:      a.ray,
	}
	e.RetryAfter, a.hasRetryAfter = parseRetryAfter(a.header.Get("Retry-After"), r.cfg.now())
	var head *envelopeHead
	if decoded {
		head = r.dst.head()
	} else {
		var h envelopeHead
		if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' && decodeHead(trimmed, &h) == nil && h.isEnvelope() {
			head = &h
			r.messages = h.Messages
		}
	}
	cred := r.cfg.cred
	if head != nil {
		e.Errors = scrubInfos(head.Errors, cred)
		e.Messages = scrubInfos(head.Messages, cred)
		r.messages = e.Messages
		return e
	}
	// Scrub the whole body, then cut: cutting first could leave part of a
	// credential at the cut, and every echo replaced before it shortens the
	// text, pulling later bytes under the cut. This is the error path only,
	// and the body is at most 1 MiB.
	e.Body = cred.scrub(string(b))
	if len(e.Body) > maxSnippet {
		e.Body = e.Body[:maxSnippet]
	}
	return e
}

// scrubInfos removes the client's credentials from API-supplied text: a proxy
// or misconfigured edge may echo request headers back.
func scrubInfos(list infoList, cred credentials) []ResponseInfo {
	for i := range list {
		list[i].Message = cred.scrub(list[i].Message)
		list[i].DocumentationURL = cred.scrub(list[i].DocumentationURL)
		if list[i].Source != nil {
			list[i].Source.Pointer = cred.scrub(list[i].Source.Pointer)
		}
		list[i].ErrorChain = scrubInfos(list[i].ErrorChain, cred)
	}
	return list
}

func (r *run) invalidResponse(a *attempt, why string) error {
	ray := ""
	if a.ray != "" {
		ray = ", ray " + oneLine(a.ray, 64)
	}
	// why may quote a result field, which a proxy may have filled with an
	// echoed credential; scrub it whole, then cut it to one short line.
	return fmt.Errorf("%w: %s %s: HTTP %d%s: %s", ErrInvalidResponse, r.ep.method, r.path, a.status, ray, oneLine(r.cfg.cred.scrub(why), 300))
}

// transportError wraps a failure to get a complete response. The *url.Error
// is unwrapped because its text repeats the URL, query included.
func (r *run) transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	// net/http quotes a malformed answer's bytes in its errors, and an echo
	// server sends our own request line (query included) and headers back.
	msg := err.Error()
	clean := r.cfg.cred.scrub(msg)
	if q := r.cfg.rawQuery; q != "" {
		clean = strings.ReplaceAll(clean, q, "[query]")
	}
	if clean != msg {
		err = &scrubbedError{msg: clean, err: err}
	}
	return &TransportError{Method: r.ep.method, Path: r.path, Err: err}
}

// scrubbedError is an error whose text was cleaned of credentials and the
// query; errors.Is and errors.As still reach the original.
type scrubbedError struct {
	msg string
	err error
}

// Error returns the cleaned text.
func (e *scrubbedError) Error() string { return e.msg }

// Unwrap returns the original error.
func (e *scrubbedError) Unwrap() error { return e.err }

func (r *run) logAttempt(ctx context.Context, a *attempt, d time.Duration) {
	l := r.cfg.logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.ep.method),
		slog.String("path", r.path),
		slog.Int("status", a.status),
		slog.Int("attempt", r.attempts),
		slog.Duration("duration", d),
		slog.String("ray_id", a.ray),
	}
	// Only a transport error's text is logged: an invalid response's text
	// quotes values from the body, which logs must never carry.
	var te *TransportError
	if errors.As(a.err, &te) {
		attrs = append(attrs, slog.String("error", te.Err.Error()))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "secondarydns: request", attrs...)
}

// logDecision logs a retry decision, before any wait. cmd/secondarydns
// reads this record (its message, and the reason decide gives a 429 whose
// Retry-After is waited out) to announce the wait: keep them in step with
// its retrywait.go.
func (r *run) logDecision(ctx context.Context, retry bool, wait time.Duration, reason string) {
	l := r.cfg.logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	l.LogAttrs(ctx, slog.LevelDebug, "secondarydns: retry decision",
		slog.String("method", r.ep.method),
		slog.String("path", r.path),
		slog.Int("attempt", r.attempts),
		slog.Bool("retry", retry),
		slog.Duration("wait", wait),
		slog.String("reason", reason),
	)
}

// Bodies are read into pooled buffers: every call reads one, and the decoded
// result copies what it keeps.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 {
		return // let an unusually large buffer go rather than pin it
	}
	b.Reset()
	bufPool.Put(b)
}

// Format prints the client's base URL and the kind of credential it uses,
// whatever the verb, e.g.
//
//	secondarydns.Client{base: https://api.cloudflare.com/client/v4, credentials: API token [redacted]}
//
// and nothing else of its configuration, so no rendering of a Client (or of
// a struct holding one) can show a credential. The base URL is safe to show:
// WithBaseURL refuses one with user info or a query. A zero Client prints
// "secondarydns.Client{not made by NewClient}".
func (c Client) Format(f fmt.State, _ rune) {
	if c.cfg == nil {
		_, _ = io.WriteString(f, "secondarydns.Client{not made by NewClient}")
		return
	}
	kind := "none"
	switch c.cfg.cred.kind {
	case credToken:
		kind = "API token " + redacted
	case credKey:
		kind = "email+key " + redacted
	}
	_, _ = io.WriteString(f, "secondarydns.Client{base: "+c.cfg.base.prefix+", credentials: "+kind+"}")
}

// Format prints the service like its Client, for the same reason.
func (s OutgoingService) Format(f fmt.State, verb rune) {
	if s.client == nil {
		_, _ = io.WriteString(f, "secondarydns.OutgoingService{}")
		return
	}
	_, _ = io.WriteString(f, "secondarydns.OutgoingService{")
	s.client.Format(f, verb)
	_, _ = io.WriteString(f, "}")
}
