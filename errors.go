package secondarydns

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. Compare with errors.Is; every error the SDK returns for one
// of these conditions wraps the matching sentinel.
var (
	// ErrInvalidInput reports a bad argument or option. Nothing was sent.
	ErrInvalidInput = errors.New("secondarydns: invalid input")
	// ErrInvalidResponse reports a 2xx response whose body is not a valid
	// Cloudflare envelope or whose result cannot be represented in Go types
	// without losing data. Its message carries the HTTP status and ray ID.
	ErrInvalidResponse = errors.New("secondarydns: invalid response")

	// ErrBadRequest matches an *APIError with HTTP status 400.
	ErrBadRequest = errors.New("secondarydns: bad request")
	// ErrUnauthorized matches an *APIError with HTTP status 401.
	ErrUnauthorized = errors.New("secondarydns: unauthorized")
	// ErrForbidden matches an *APIError with HTTP status 403.
	ErrForbidden = errors.New("secondarydns: forbidden")
	// ErrNotFound matches an *APIError with HTTP status 404 (for example a
	// zone that has no outgoing configuration).
	ErrNotFound = errors.New("secondarydns: not found")
	// ErrConflict matches an *APIError with HTTP status 409.
	ErrConflict = errors.New("secondarydns: conflict")
	// ErrRateLimited matches an *APIError with HTTP status 429.
	ErrRateLimited = errors.New("secondarydns: rate limited")
	// ErrServerError matches an *APIError with any 5xx status.
	ErrServerError = errors.New("secondarydns: server error")

	// ErrUnknownID matches an *APIError whose envelope carries code 7003 or
	// 7000 at its top level ("Could not route to …, perhaps your object
	// identifier is invalid?"), whatever its status: the zone, account or
	// object ID is wrong. Such a 404 is not "no configuration"; it still
	// matches ErrNotFound.
	ErrUnknownID = errors.New("secondarydns: unknown ID")
)

// ResponseInfo is one entry of the envelope's errors or messages arrays.
//
// Decoding is lenient: a bare JSON string becomes an entry with only Message
// set, because some Cloudflare edges answer with "errors": ["text"].
type ResponseInfo struct {
	Code             int            `json:"code"`
	Message          string         `json:"message"`
	DocumentationURL string         `json:"documentation_url,omitempty"`
	Source           *ErrorSource   `json:"source,omitempty"`
	ErrorChain       []ResponseInfo `json:"error_chain,omitempty"`
}

// ErrorSource points at the part of the request an error is about.
type ErrorSource struct {
	Pointer string `json:"pointer,omitempty"`
}

// APIError is returned for every non-2xx response, whatever its body, and for
// a 2xx response whose envelope says "success": false.
//
// Use errors.As to reach it and errors.Is with the HTTP-class sentinels
// (ErrNotFound, ErrServerError, ...) to branch on the status.
type APIError struct {
	StatusCode int            // HTTP status
	Method     string         // e.g. "GET"
	Path       string         // escaped request path as sent, no host, no query
	Errors     []ResponseInfo // from the envelope (empty when the body was not one)
	Messages   []ResponseInfo // informational messages from the envelope
	RayID      string         // the cf-ray response header; quote it to Cloudflare support
	RetryAfter time.Duration  // from the Retry-After header, when present and valid
	Body       string         // at most the first 512 bytes of a body that was not an envelope
	Attempts   int            // requests sent for the call, retries included
}

// Error returns one line: method, path, status, the number of attempts when
// there was more than one, the first error's code and message, and the ray
// ID, e.g.
//
//	secondarydns: GET /client/v4/zones/…/secondary_dns/outgoing: 503 Service Unavailable after 3 attempts: [10001] busy (ray 8c1f…-SJC)
func (e *APIError) Error() string {
	var b strings.Builder
	b.Grow(160) // the usual line fits: one allocation
	b.WriteString("secondarydns: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.StatusCode >= 200 && e.StatusCode < 300 {
		b.WriteString(" with success=false")
	}
	// The count qualifies the status: it is what the last of them answered.
	if e.Attempts > 1 {
		b.WriteString(" after ")
		b.WriteString(strconv.Itoa(e.Attempts))
		b.WriteString(" attempts")
	}
	switch {
	case len(e.Errors) > 0:
		b.WriteString(": ")
		first := e.Errors[0]
		if first.Code != 0 {
			b.WriteString("[")
			b.WriteString(strconv.Itoa(first.Code))
			b.WriteString("] ")
		}
		b.WriteString(oneLine(first.Message, 200))
		if n := len(e.Errors) - 1; n > 0 {
			b.WriteString(" (and ")
			b.WriteString(strconv.Itoa(n))
			b.WriteString(" more)")
		}
	case e.Body != "":
		b.WriteString(": body: ")
		b.WriteString(strconv.Quote(oneLine(e.Body, 80)))
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteByte(')')
	}
	if e.RayID != "" {
		b.WriteString(" (ray ")
		b.WriteString(oneLine(e.RayID, 64))
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the HTTP-class sentinel for e's status, or
// ErrUnknownID when a top-level error carries code 7003 or 7000.
// A 2xx response with success=false belongs to no class.
func (e *APIError) Is(target error) bool {
	if target == ErrUnknownID {
		for i := range e.Errors {
			if c := e.Errors[i].Code; c == 7003 || c == 7000 {
				return true
			}
		}
		return false
	}
	for _, c := range httpClasses {
		if c.sentinel == target {
			return e.StatusCode >= c.lo && e.StatusCode <= c.hi
		}
	}
	return false
}

// httpClasses gives each HTTP-class sentinel the statuses it matches, lo to
// hi inclusive: one table, so a class cannot be documented in one place and
// matched differently in another.
var httpClasses = [...]struct {
	sentinel error
	lo, hi   int
}{
	{ErrBadRequest, http.StatusBadRequest, http.StatusBadRequest},
	{ErrUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized},
	{ErrForbidden, http.StatusForbidden, http.StatusForbidden},
	{ErrNotFound, http.StatusNotFound, http.StatusNotFound},
	{ErrConflict, http.StatusConflict, http.StatusConflict},
	{ErrRateLimited, http.StatusTooManyRequests, http.StatusTooManyRequests},
	{ErrServerError, 500, 599},
}

// HasCode reports whether any error in the envelope, or any entry nested in
// an error's error_chain, carries the Cloudflare error code.
func (e *APIError) HasCode(code int) bool {
	return hasCode(e.Errors, code)
}

func hasCode(list []ResponseInfo, code int) bool {
	for i := range list {
		if list[i].Code == code || hasCode(list[i].ErrorChain, code) {
			return true
		}
	}
	return false
}

// oneLine collapses every run of whitespace and control characters (newlines
// included) to one space and cuts the result to at most max bytes, so an API
// message can never break a log line or an Error() string.
func oneLine(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		// A control character counts as whitespace and broken UTF-8 stays
		// as U+FFFD: deleting either could join the halves of a credential
		// that scrubbing did not recognise while they were apart.
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TransportError reports a request that got no complete response: the
// connection could not be made, broke, or timed out. Err is the underlying
// cause (a *net.OpError, io.ErrUnexpectedEOF, a TLS error...).
type TransportError struct {
	Method string
	Path   string
	Err    error
}

// Error describes the failure on one line.
func (e *TransportError) Error() string {
	return "secondarydns: " + e.Method + " " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *TransportError) Unwrap() error { return e.Err }

// errorString is a constant error text, for reasons that need no formatting.
type errorString string

// Error returns the text.
func (e errorString) Error() string { return string(e) }

// invalid builds an error wrapping ErrInvalidInput. Callers never pass a
// credential among args.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}
