package secondarydnstest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// WithRateLimit makes the server limit each credential to n requests per
// window, as Cloudflare limits each user (1,200 requests per 5 minutes:
// WithRateLimit(1200, 5*time.Minute)), so that tests can see how code paces
// itself and what it does on a 429.
//
// Requests count per credential: one bucket per bearer token, one per email
// and key pair (the email without regard to case), and one shared by every
// request without credentials. Whether the credential is one the server
// accepts does not matter: the limit sits in front of everything else, as
// Cloudflare's edge does, so every request counts, faulted, malformed and
// refused ones included, and a request the limit refuses consumes no Fault.
//
// A bucket's window is fixed, not sliding: it starts with the bucket's first
// request and lasts window. Once n requests have counted in it, the next
// request within it starts a block of length window: that request and every
// request until the block ends get 429 with code 10100 ("More than 1200
// requests per 300 seconds reached") and a Retry-After of the whole seconds
// left in the block, rounded up. Requests during the block count for nothing
// and do not make it longer. The first request after the block (or after a
// window that ended without a block) starts a fresh window.
//
// Every answer, 429s included, carries the headers Cloudflare sends:
//
//	Ratelimit: "default";r=<requests left in the window after this one>;t=<seconds until a request is allowed again>
//	Ratelimit-Policy: "default";q=<n>;w=<window in seconds>
//
// where t is 0 while requests are left and seconds are whole, rounded up.
// Time is the server's clock (WithClock), so a test can move through windows
// and blocks without sleeping. WithRateLimit panics if n < 1 or window <= 0.
func WithRateLimit(n int, window time.Duration) ServerOption {
	if n < 1 {
		panic(fmt.Sprintf("secondarydnstest: WithRateLimit: n is %d; it must be at least 1", n))
	}
	if window <= 0 {
		panic(fmt.Sprintf("secondarydnstest: WithRateLimit: window is %v; it must be positive", window))
	}
	return func(c *serverConfig) { c.rateN, c.rateWindow = n, window }
}

// rateLimit is WithRateLimit's state. The server's mutex guards it.
type rateLimit struct {
	n       int
	window  time.Duration
	policy  string // the Ratelimit-Policy header, the same on every answer
	message string // the 429's error message
	buckets map[string]*bucket
	swept   time.Time // when take last dropped expired buckets
}

type bucket struct {
	start        time.Time // when the current window began
	count        int       // requests counted in it; 0 before the first
	blockedUntil time.Time // the end of the current or last block; zero if none
}

func newRateLimit(n int, window time.Duration) *rateLimit {
	w := wholeSeconds(window)
	return &rateLimit{
		n:       n,
		window:  window,
		policy:  fmt.Sprintf(`"default";q=%d;w=%d`, n, w),
		message: fmt.Sprintf("More than %d requests per %d seconds reached", n, w),
		buckets: make(map[string]*bucket),
	}
}

// verdict is what the limit says of one request.
type verdict struct {
	refused bool
	left    int           // requests left in the window after this one
	wait    time.Duration // until a request is allowed again
}

// take counts a request with credential key at now.
func (l *rateLimit) take(key string, now time.Time) verdict {
	if now.Sub(l.swept) >= l.window {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{}
		l.buckets[key] = b
	}
	if now.Before(b.blockedUntil) {
		return verdict{refused: true, wait: b.blockedUntil.Sub(now)}
	}
	if b.count == 0 || !b.blockedUntil.IsZero() || !now.Before(b.start.Add(l.window)) {
		*b = bucket{start: now}
	}
	if b.count == l.n {
		b.blockedUntil = now.Add(l.window)
		return verdict{refused: true, wait: l.window}
	}
	b.count++
	v := verdict{left: l.n - b.count}
	if v.left == 0 {
		v.wait = b.start.Add(l.window).Sub(now)
	}
	return v
}

// sweep drops the buckets whose window and block have both ended by now: the
// next request of their credential would start afresh anyway, so forgetting
// them changes no answer, and a server that sees many credentials (a
// long-running fake) does not keep them all. Once per window, so its cost is
// spread over the requests of that window.
func (l *rateLimit) sweep(now time.Time) {
	for key, b := range l.buckets {
		if !now.Before(b.start.Add(l.window)) && !now.Before(b.blockedUntil) {
			delete(l.buckets, key)
		}
	}
	l.swept = now
}

// header is the Ratelimit and Ratelimit-Policy headers of an answer.
func (l *rateLimit) header(v verdict) http.Header {
	return http.Header{
		"Ratelimit":        {fmt.Sprintf(`"default";r=%d;t=%d`, v.left, wholeSeconds(v.wait))},
		"Ratelimit-Policy": {l.policy},
	}
}

// refusal is the answer to a request the limit refused.
func (l *rateLimit) refusal(v verdict) response {
	resp := failure(http.StatusTooManyRequests, apiError{Code: 10100, Message: l.message})
	resp.header = http.Header{"Retry-After": {fmt.Sprint(wholeSeconds(v.wait))}}
	return resp
}

// wholeSeconds rounds d up to whole seconds, and a negative d to 0.
func wholeSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return s
}

// bucketKey names the credential a request counts against, read as the
// server reads credentials: Authorization first, then the email and key.
func bucketKey(h http.Header) string {
	if authz := h.Get("Authorization"); authz != "" {
		if scheme, token, ok := strings.Cut(authz, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return "token\x00" + token
		}
		return "authorization\x00" + authz
	}
	email, key := h.Get("X-Auth-Email"), h.Get("X-Auth-Key")
	if email == "" && key == "" {
		return ""
	}
	return "key\x00" + strings.ToLower(email) + "\x00" + key
}
