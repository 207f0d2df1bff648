package secondarydns

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/google/go-querystring/query"
)

// Option configures a Client when given to NewClient, or a single request when
// given to an endpoint method. A per-call option applies to that call only and
// overrides the client's value; the client itself never changes.
//
// Every option validates its input: an invalid option fails NewClient, or the
// call before anything is sent, with an error wrapping ErrInvalidInput.
type Option func(*config) error

// RateLimiter paces requests. Wait is called before every attempt, retries
// included; an error from it ends the call and is returned wrapped as it is.
// *rate.Limiter from golang.org/x/time/rate satisfies it.
type RateLimiter interface {
	Wait(ctx context.Context) error
}

// Response carries metadata about the last attempt of a call. Ask for it with
// WithResponse; it is filled on success and on failure.
type Response struct {
	StatusCode int            // HTTP status of the last response; 0 when none arrived
	Header     http.Header    // headers of the last response
	RayID      string         // the cf-ray response header
	Messages   []ResponseInfo // the envelope's informational messages
	Attempts   int            // requests sent: 1 + retries made
}

// DefaultBaseURL is the Cloudflare API v4 endpoint used unless WithBaseURL or
// CLOUDFLARE_BASE_URL (through WithEnv) says otherwise.
const DefaultBaseURL = "https://api.cloudflare.com/client/v4"

// DefaultMaxRetries is how many times a failed attempt is retried unless
// WithMaxRetries says otherwise.
const DefaultMaxRetries = 2

// Environment variables read by WithEnv (and only by it).
const (
	EnvAPIToken = "CLOUDFLARE_API_TOKEN"
	EnvEmail    = "CLOUDFLARE_EMAIL"
	EnvAPIKey   = "CLOUDFLARE_API_KEY"
	EnvBaseURL  = "CLOUDFLARE_BASE_URL"
)

// WithAPIToken authenticates with an API token, sent as
// "Authorization: Bearer <token>". Prefer it to WithAPIKey. Pass the token
// alone: a value that starts with "Bearer " (in any case) is an error, since
// the SDK adds the scheme itself and the API would refuse "Bearer Bearer …".
//
// Response text the SDK keeps (error messages, body snippets, the ray ID) is
// scrubbed of the token when it is 8 bytes or more; a real token has 40
// characters. A shorter value is left alone so it cannot corrupt other text;
// see the package documentation ("Credentials").
func WithAPIToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return invalid("WithAPIToken: the token is empty")
		}
		if err := checkValue(token); err != nil {
			return invalid("WithAPIToken: the token %s", err)
		}
		if len(token) >= len("bearer ") && strings.EqualFold(token[:len("bearer ")], "bearer ") {
			// Never echo the value: it is the credential.
			return invalid(`WithAPIToken: the value starts with "Bearer "; pass the token alone, the SDK adds the scheme`)
		}
		c.setCredentials(credentials{kind: credToken, token: secret(token)})
		return nil
	}
}

// WithAPIKey authenticates with an account email and the legacy Global API
// key, sent as X-Auth-Email and X-Auth-Key.
//
// The user service key (X-Auth-User-Service-Key) is not offered: the API does
// not accept it for these endpoints.
//
// Response text the SDK keeps is scrubbed of the key when it is 8 bytes or
// more (a real Global API key has 37 characters) and of the email as a whole
// address; see the package documentation ("Credentials").
func WithAPIKey(email, key string) Option {
	return func(c *config) error {
		if email == "" || key == "" {
			return invalid("WithAPIKey: both the email and the key are required")
		}
		if err := checkValue(email); err != nil {
			return invalid("WithAPIKey: the email %s", err)
		}
		if err := checkValue(key); err != nil {
			return invalid("WithAPIKey: the key %s", err)
		}
		c.setCredentials(credentials{kind: credKey, email: secret(email), key: secret(key)})
		return nil
	}
}

// WithEnv reads credentials from the environment: CLOUDFLARE_API_TOKEN, or
// else CLOUDFLARE_EMAIL together with CLOUDFLARE_API_KEY; and the base URL
// from CLOUDFLARE_BASE_URL when it is set. It counts as the kind of credential
// it found. Nothing set, or only half of an email+key pair, is an error.
func WithEnv() Option {
	return func(c *config) error {
		if tok := os.Getenv(EnvAPIToken); tok != "" {
			if err := WithAPIToken(tok)(c); err != nil {
				return fmt.Errorf("WithEnv: %s: %w", EnvAPIToken, err)
			}
		} else {
			email, key := os.Getenv(EnvEmail), os.Getenv(EnvAPIKey)
			switch {
			case email == "" && key == "":
				return invalid("WithEnv: set %s, or %s and %s", EnvAPIToken, EnvEmail, EnvAPIKey)
			case email == "":
				return invalid("WithEnv: %s is set but %s is not", EnvAPIKey, EnvEmail)
			case key == "":
				return invalid("WithEnv: %s is set but %s is not", EnvEmail, EnvAPIKey)
			}
			if err := WithAPIKey(email, key)(c); err != nil {
				return fmt.Errorf("WithEnv: %s/%s: %w", EnvEmail, EnvAPIKey, err)
			}
		}
		if raw := os.Getenv(EnvBaseURL); raw != "" {
			if err := WithBaseURL(raw)(c); err != nil {
				return fmt.Errorf("WithEnv: %s: %w", EnvBaseURL, err)
			}
		}
		return nil
	}
}

// WithHTTPClient sends requests through hc, for its transport, timeouts,
// proxy or TLS settings. hc is never modified: the SDK works on a copy whose
// redirect policy refuses to follow redirects, so credentials never travel to
// another host. hc.Timeout, when set, bounds each attempt, and an attempt that
// times out is retried like any transport error.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("WithHTTPClient: the *http.Client is nil")
		}
		cp := *hc
		cp.CheckRedirect = refuseRedirect
		c.hc = &cp
		return nil
	}
}

// refuseRedirect makes the http.Client hand the 3xx response back instead of
// following it; the pipeline turns it into an *APIError.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// WithBaseURL sets the API root, for a proxy or a test server such as
// secondarydnstest. The default is DefaultBaseURL. The URL must be https, or
// http for a loopback host (127.0.0.0/8, ::1, localhost), and must not carry
// user info, a query or a fragment. A trailing slash does not matter.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		b, err := parseBaseURL(rawURL)
		if err != nil {
			return err
		}
		c.base = b
		return nil
	}
}

// WithUserAgent puts ua before the SDK's own product token in the User-Agent
// header: "<ua> secondarydns-go/<Version>". An empty ua leaves only the SDK's token.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if err := checkValue(ua); err != nil {
			return invalid("WithUserAgent: the value %s", err)
		}
		c.userAgent = ua
		c.headersChanged = true
		return nil
	}
}

// managedHeaders are set by the SDK itself (or by net/http) and cannot be
// overridden with WithHeader: credentials go through WithAPIToken/WithAPIKey
// so they are always redacted, and the rest describe the SDK's own request.
var managedHeaders = map[string]bool{
	"Authorization":     true,
	"X-Auth-Email":      true,
	"X-Auth-Key":        true,
	"User-Agent":        true,
	"Content-Type":      true,
	"Accept":            true,
	"Host":              true,
	"Content-Length":    true,
	"Transfer-Encoding": true,
}

// WithHeader adds a header to every request (at the client level) or to one
// request (per call). Headers merge per key, a per-call value replacing the
// client's; the same key twice at one level keeps the last value. The headers
// the SDK manages (Authorization, X-Auth-Email, X-Auth-Key, User-Agent,
// Content-Type, Accept, and net/http's Host, Content-Length and
// Transfer-Encoding) are refused.
func WithHeader(key, value string) Option {
	return func(c *config) error {
		if !validHeaderKey(key) {
			return invalid("WithHeader: %q is not a valid header name", key)
		}
		ck := http.CanonicalHeaderKey(key)
		if managedHeaders[ck] {
			return invalid("WithHeader: %s is managed by the SDK; use the dedicated option", ck)
		}
		if err := checkValue(value); err != nil {
			// The value is not echoed: custom headers often carry secrets.
			return invalid("WithHeader: the value of %s %s", ck, err)
		}
		if !c.ownHeaders {
			c.headers = c.headers.Clone()
			if c.headers == nil {
				c.headers = http.Header{}
			}
			c.ownHeaders = true
		}
		c.headers[ck] = []string{value}
		c.headersChanged = true
		return nil
	}
}

// WithMaxRetries sets how many times a failed attempt may be retried (only
// failures that are safe to retry are; see the package documentation).
// 0 disables retries; the default is DefaultMaxRetries.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("WithMaxRetries: %d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithBackoff sets the wait before each retry: retry n (1-based) waits a
// uniform random time in [0, min(max, base·2^(n-1))]. The default is
// DefaultBackoffBase and DefaultBackoffMax (500 ms doubling, at most 8 s).
// WithBackoff(0, 0) retries at once, which suits tests. A Retry-After from
// the server replaces this wait (see WithMaxRetryWait). Negative values, or
// base greater than max, are an error.
func WithBackoff(base, max time.Duration) Option {
	return func(c *config) error {
		switch {
		case base < 0 || max < 0:
			return invalid("WithBackoff: negative duration (base %v, max %v)", base, max)
		case base > max:
			return invalid("WithBackoff: base %v is greater than max %v", base, max)
		}
		c.backoffBase, c.backoffMax = base, max
		return nil
	}
}

// WithMaxRetryWait sets the longest Retry-After a call waits for before
// retrying; the default is DefaultMaxRetryWait (60 s). A longer Retry-After
// is not waited for: the call returns the *APIError at once, with RetryAfter
// set, so the caller decides (Cloudflare's rate-limit block lasts 5 minutes).
// WithMaxRetryWait(0) waits only for "Retry-After: 0". A negative d is an
// error.
func WithMaxRetryWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalid("WithMaxRetryWait: %v is negative", d)
		}
		c.maxRetryWait = d
		return nil
	}
}

// WithLogger writes one debug record per attempt (method, path, status,
// attempt, duration, ray ID) and one per retry decision. Header values,
// bodies and query strings are never logged. nil, the default, disables logging.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithRateLimiter waits on l before every attempt, retries included. nil
// means no limiter.
func WithRateLimiter(l RateLimiter) Option {
	return func(c *config) error {
		if l != nil {
			if v := reflect.ValueOf(l); v.Kind() == reflect.Pointer && v.IsNil() {
				l = nil // a typed nil would panic on the first call
			}
		}
		c.limiter = l
		return nil
	}
}

// WithResponse fills dst with metadata about the call's last attempt (status,
// headers, ray ID, messages, attempts), on success and on failure. Per call
// only: given to NewClient it is an error.
func WithResponse(dst *Response) Option {
	return func(c *config) error {
		if c.clientLevel {
			return invalid("WithResponse is a per-call option; pass it to a method, not NewClient")
		}
		if dst == nil {
			return invalid("WithResponse: dst is nil")
		}
		c.response = dst
		return nil
	}
}

// WithQuery adds query parameters to one request. v is a struct (or pointer
// to one) encoded with github.com/google/go-querystring (`url:"name"` tags),
// or a url.Values. Per call only: given to NewClient it is an error. Like
// any option given twice at one level, the last WithQuery wins: it replaces
// the earlier one's parameters entirely; they are not merged. The endpoints
// take no documented parameters; this exists for ones Cloudflare adds before
// the SDK does.
func WithQuery(v any) Option {
	return func(c *config) error {
		if c.clientLevel {
			return invalid("WithQuery is a per-call option; pass it to a method, not NewClient")
		}
		var vals url.Values
		switch q := v.(type) {
		case nil:
			return invalid("WithQuery: the value is nil")
		case url.Values:
			vals = q
		default:
			var err error
			if vals, err = query.Values(v); err != nil {
				return invalid("WithQuery: %v", err)
			}
		}
		c.rawQuery = vals.Encode()
		return nil
	}
}

// baseURL is a parsed, validated API root, split the way the pipeline uses it.
type baseURL struct {
	prefix string // scheme://host + escaped path, no trailing slash
	host   string
	path   string // escaped path, no trailing slash (e.g. "/client/v4")
}

func parseBaseURL(raw string) (*baseURL, error) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		// url.Parse's error repeats the input, which may hold a password.
		return nil, invalid("WithBaseURL: not a valid URL")
	}
	if u.User != nil {
		return nil, invalid("WithBaseURL: the URL must not carry user info; use the credential options")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, invalid("WithBaseURL: the URL must not have a query")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, invalid("WithBaseURL: the URL must not have a fragment")
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, invalid("WithBaseURL: %q is not an absolute URL with a host", u.Redacted())
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, invalid("WithBaseURL: http is allowed only for loopback hosts; use https for %s", u.Hostname())
		}
	default:
		return nil, invalid("WithBaseURL: scheme %q is not https", u.Scheme)
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	origin := strings.ToLower(u.Scheme) + "://" + u.Host
	return &baseURL{prefix: origin + p, host: u.Host, path: p}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// config is the resolved configuration of a client or of one call. A Client
// holds one behind a pointer and never changes it; a call with options works
// on a copy.
type config struct {
	clientLevel bool // options are being applied by NewClient

	cred     credentials
	credSeen credKind // kinds given at the level being applied

	hc         *http.Client
	base       *baseURL
	userAgent  string
	headers    http.Header // extra headers from WithHeader
	ownHeaders bool        // headers may be modified in place (not shared with the client)
	maxRetries int
	// Retry timing: see WithBackoff and WithMaxRetryWait.
	backoffBase  time.Duration
	backoffMax   time.Duration
	maxRetryWait time.Duration
	logger       *slog.Logger
	limiter      RateLimiter
	response     *Response
	rawQuery     string

	// Test hooks, set through unexported options so no test waits for real.
	sleep  func(ctx context.Context, d time.Duration) error
	now    func() time.Time
	jitter func(max time.Duration) time.Duration

	// lockedOut, set by the fleet runner, hears at once of a 429 whose
	// Retry-After the call will not wait for, so that the whole run stops
	// sending before this call has even returned.
	lockedOut func(until time.Time, retryAfter time.Duration)

	// Derived by finish.
	headersChanged bool        // header needs rebuilding
	header         http.Header // complete constant headers for every request
}

// Format keeps a config from ever printing its contents.
func (c *config) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprint(f, "secondarydns.config("+redacted+")")
}

func (c *config) setCredentials(cr credentials) {
	c.cred = cr.derive()
	c.credSeen |= cr.kind
	c.headersChanged = true
}

// apply runs opts in order, then checks what only the whole level can tell.
func (c *config) apply(opts []Option) error {
	for i, o := range opts {
		if o == nil {
			return invalid("option %d is nil", i+1)
		}
		if err := o(c); err != nil {
			return err
		}
	}
	if c.credSeen == credToken|credKey {
		return invalid("both an API token and an email+key were given; use one kind of credential")
	}
	return nil
}

// finish rebuilds the constant request headers when an option changed them.
func (c *config) finish() {
	if !c.headersChanged {
		return
	}
	c.headersChanged = false
	h := make(http.Header, len(c.headers)+4)
	for k, v := range c.headers {
		h[k] = v
	}
	h["Accept"] = []string{"application/json"}
	ua := "secondarydns-go/" + Version
	if c.userAgent != "" {
		ua = c.userAgent + " " + ua
	}
	h["User-Agent"] = []string{ua}
	switch c.cred.kind {
	case credToken:
		h["Authorization"] = []string{"Bearer " + c.cred.token.reveal()}
	case credKey:
		h["X-Auth-Email"] = []string{c.cred.email.reveal()}
		h["X-Auth-Key"] = []string{c.cred.key.reveal()}
	}
	c.header = h
}

// forCall returns the configuration of one call: the client's own when there
// are no options (the hot path allocates nothing here), else a copy with the
// options applied over it.
func (c *config) forCall(opts []Option) (*config, error) {
	if len(opts) == 0 {
		return c, nil
	}
	cc := *c
	cc.credSeen = credNone
	cc.ownHeaders = false
	if err := cc.apply(opts); err != nil {
		return nil, err
	}
	cc.finish()
	return &cc, nil
}

// checkValue rejects what would corrupt a header or hide a copy-paste mistake:
// whitespace at either end and control characters. It never echoes the value.
func checkValue(v string) error {
	if strings.TrimSpace(v) != v {
		return errorString("has whitespace at the start or end")
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return errorString("contains a control character")
		}
	}
	return nil
}

// validHeaderKey reports whether k is an RFC 9110 token.
func validHeaderKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		ch := k[i]
		if ch >= 0x80 || ch <= ' ' || strings.IndexByte(`"(),/:;<=>?@[\]{}`, ch) >= 0 || ch == 0x7f {
			return false
		}
	}
	return true
}

// withSleep replaces the wait between attempts. Tests use it so no test
// waits for real; it is unexported on purpose.
func withSleep(fn func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) error { c.sleep = fn; return nil }
}

// withClock replaces the clock used for Retry-After dates and durations.
func withClock(now func() time.Time) Option {
	return func(c *config) error { c.now = now; return nil }
}

// withJitter replaces the random draw of the backoff wait; it receives the
// upper bound of the wait.
func withJitter(fn func(max time.Duration) time.Duration) Option {
	return func(c *config) error { c.jitter = fn; return nil }
}

// withLockout sets config.lockedOut; only the fleet runner uses it.
func withLockout(fn func(until time.Time, retryAfter time.Duration)) Option {
	return func(c *config) error { c.lockedOut = fn; return nil }
}
