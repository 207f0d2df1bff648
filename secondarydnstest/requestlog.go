package secondarydnstest

import (
	"fmt"
	"net/http"
	"strings"
)

// DefaultRequestLogSize is how many requests Server.Requests keeps unless
// WithRequestLogSize says otherwise: the last 10,000, so that a server that
// runs for days (secondarydns fake) stays small while a test sees every
// request it sent.
const DefaultRequestLogSize = 10000

// WithRequestLogSize makes Server.Requests keep the last n requests instead of
// DefaultRequestLogSize; 0 keeps none. It panics if n is negative.
func WithRequestLogSize(n int) ServerOption {
	if n < 0 {
		panic(fmt.Sprintf("secondarydnstest: WithRequestLogSize: n is %d; it must not be negative", n))
	}
	return func(c *serverConfig) { c.logSize = n }
}

// maxBody is the largest request body the server takes, as the SDK's limit
// on response bodies: 1 MiB. A larger one is answered 413.
const maxBody = 1 << 20

// maxLoggedBody is how much of a request body the log keeps: every body the
// API takes is far smaller, and 10,000 bodies of 1 MiB would not be.
const maxLoggedBody = 16 << 10

// requestLog is a ring of the last size requests. The server's mutex guards it.
type requestLog struct {
	size    int
	entries []Request // grows to size, then wraps
	next    int       // where the next entry goes once entries is full
}

func (l *requestLog) add(r Request) {
	switch {
	case l.size == 0:
	case len(l.entries) < l.size:
		l.entries = append(l.entries, r)
	default:
		l.entries[l.next] = r
		l.next = (l.next + 1) % l.size
	}
}

// all returns the entries oldest first, with headers cloned.
func (l *requestLog) all() []Request {
	out := make([]Request, 0, len(l.entries))
	out = append(out, l.entries[l.next:]...)
	out = append(out, l.entries[:l.next]...)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

func (l *requestLog) reset() {
	l.entries, l.next = nil, 0
}

// logBody is the body as the log keeps it: a TSIG's secret redacted, cut to
// maxLoggedBody. A body sent to a path under the TSIGs that the API does not
// serve (a trailing slash, an extra segment) is redacted too: it was meant
// for them, and may hold a secret all the same.
func logBody(t target, path string, body []byte) string {
	s := string(body)
	if (t.kind == kindTSIG || strings.Contains(path, "/secondary_dns/tsigs")) && len(body) > 0 {
		s = redactSecrets(body)
	}
	if len(s) > maxLoggedBody {
		s = s[:maxLoggedBody]
	}
	return s
}

func bodyTooLarge() response {
	resp := failure(http.StatusRequestEntityTooLarge, apiError{
		Code:    1004,
		Message: fmt.Sprintf("Request body is larger than %d bytes", maxBody),
	})
	// The rest of the body is not read: the connection cannot carry another
	// request.
	resp.header = http.Header{"Connection": {"close"}}
	return resp
}
