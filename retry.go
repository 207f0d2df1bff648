package secondarydns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Default retry timing; WithBackoff and WithMaxRetryWait change it. Retry n
// (1-based) waits a uniform random time in [0, min(max, base·2^(n-1))] ("full
// jitter"), so clients that failed together do not retry together.
const (
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffMax  = 8 * time.Second
	// DefaultMaxRetryWait is the longest Retry-After a call waits for. A
	// longer one (Cloudflare blocks for 5 minutes after a rate-limit breach)
	// is returned to the caller at once, with APIError.RetryAfter set.
	DefaultMaxRetryWait = 60 * time.Second
)

// decide says whether the failed attempt a is retried, after how long, and why.
func (r *run) decide(a *attempt) (wait time.Duration, retry bool, reason string) {
	switch {
	case a.apiErr != nil:
		if !retryableStatus(a.apiErr.StatusCode, r.ep.createLike) {
			return 0, false, "status " + strconv.Itoa(a.apiErr.StatusCode) + " is not retried"
		}
		if a.hasRetryAfter && a.apiErr.RetryAfter > r.cfg.maxRetryWait {
			return 0, false, "Retry-After " + a.apiErr.RetryAfter.String() + " exceeds the longest wait, " + r.cfg.maxRetryWait.String()
		}
		reason = "status " + strconv.Itoa(a.apiErr.StatusCode)
	case a.err != nil:
		var te *TransportError
		if !errors.As(a.err, &te) {
			return 0, false, "only transport errors and statuses 429 and 5xx are retried"
		}
		if ok, why := retryableError(te.Err, r.ep.createLike); !ok {
			return 0, false, why
		}
		reason = "transport error"
	default:
		return 0, false, "no error"
	}
	if r.attempts > r.cfg.maxRetries {
		return 0, false, reason + "; no retries left"
	}
	if a.hasRetryAfter {
		return a.apiErr.RetryAfter, true, reason + "; waiting as Retry-After asks"
	}
	return r.cfg.jitter(backoffCap(r.cfg.backoffBase, r.cfg.backoffMax, r.attempts)), true, reason
}

// backoffCap is the longest wait before retry n: min(max, base·2^(n-1)).
// It doubles step by step instead of shifting by n-1 so no base and no n can
// overflow, and stops as soon as max is reached (at most 63 doublings).
func backoffCap(base, max time.Duration, n int) time.Duration {
	if base <= 0 {
		return 0 // doubling 0 never reaches max: do not loop n times
	}
	d := base
	for i := 1; i < n && d < max; i++ {
		if d > max/2 {
			return max
		}
		d <<= 1
	}
	return min(d, max)
}

// retryableStatus: 429 means the request was refused before any effect, so
// even a create may be repeated; 5xx may come after the write took effect, so
// only operations that are safe to repeat are retried. Other statuses are the
// caller's to fix (408 and 409 included).
func retryableStatus(status int, createLike bool) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	return !createLike && status >= 500 && status <= 599
}

// retryableError classifies a transport failure. A create is repeated only
// when the request cannot have reached the server: the connection (or the
// proxy's) was never established.
func retryableError(err error, createLike bool) (bool, string) {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalidCert), errors.As(err, &recordErr):
		return false, "TLS errors are not retried"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return true, ""
	}
	if createLike {
		return false, "a create is retried only when the connection could not be made"
	}
	return true, ""
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// A past date or 0 means "no wait". ok is false for an absent or unparsable value.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		// delay-seconds is digits only. Check them all first: ParseUint
		// reports a range error for "18700000000000000000A" before it
		// reaches the letter, and that garbage would then count as a wait
		// too long to make.
		for i := 1; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return 0, false
			}
		}
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			var numErr *strconv.NumError
			if errors.As(err, &numErr) && numErr.Err == strconv.ErrRange {
				return maxDuration, true
			}
			return 0, false
		}
		if secs > uint64(maxDuration/time.Second) {
			return maxDuration, true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d = t.Sub(now); d < 0 {
		d = 0
	}
	return d, true
}

const maxDuration = time.Duration(1<<63 - 1)

// fullJitter returns a uniform random duration in [0, max].
func fullJitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(max) + 1))
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
