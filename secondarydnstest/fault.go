package secondarydnstest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Fault describes requests the server must fail, for tests of retries and
// error handling. A faulted request is logged but never authenticated, routed
// or applied: the zone state stays as it was.
type Fault struct {
	// Method is the HTTP method to match; "" matches any.
	Method string
	// Path is the path to match exactly, written as Request.Path reports it
	// (escaped, without the "/client/v4" prefix), e.g.
	// "/zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing/enable";
	// "" matches any.
	Path string
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
// at most one. Fail panics if f.Status is neither zero nor in 200..599.
func (s *Server) Fail(f Fault) {
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		panic(fmt.Sprintf("secondarydnstest: Fail: status %d out of range 200..599", f.Status))
	}
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault consumes one use of the first fault matching the request. The
// caller holds s.mu.
func (s *Server) takeFault(method, path string) (Fault, bool) {
	for i := range s.faults {
		f := &s.faults[i]
		if (f.Method == "" || f.Method == method) && (f.Path == "" || f.Path == path) {
			taken := *f
			if f.Times--; f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return taken, true
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
