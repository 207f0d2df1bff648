package secondarydns_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// Fuzz targets. Each states properties, not just "does not panic"; the seed
// corpus (f.Add) runs in the normal test command. Run one target at a time:
//
//	go test -run '^$' -fuzz '^FuzzGetResponse$' -fuzztime 2m .

// fuzzRT is an in-memory RoundTripper: every request gets the same answer.
type fuzzRT struct {
	status int
	header http.Header
	body   []byte
	calls  atomic.Int32
	last   atomic.Pointer[http.Request]
	reqBod atomic.Pointer[[]byte]
}

func (rt *fuzzRT) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.calls.Add(1)
	rt.last.Store(req)
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		rt.reqBod.Store(&b)
	}
	return &http.Response{
		StatusCode: rt.status, Status: strconv.Itoa(rt.status) + " " + http.StatusText(rt.status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rt.header.Clone(), Body: io.NopCloser(bytes.NewReader(rt.body)),
		ContentLength: int64(len(rt.body)), Request: req,
	}, nil
}

func fuzzClient(t *testing.T, rt http.RoundTripper, opts ...secondarydns.Option) *secondarydns.Client {
	c, err := secondarydns.NewClient(append([]secondarydns.Option{
		secondarydns.WithAPIToken(testToken),
		secondarydns.WithBaseURL(faultMockBase),
		secondarydns.WithHTTPClient(&http.Client{Transport: rt}),
		secondarydns.WithSleepForTest(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

// fuzzStatus maps any number onto 200..599.
func fuzzStatus(s uint16) int { return 200 + int(s)%400 }

// fuzzEnvelopeSeeds are bodies every response target starts from.
func fuzzEnvelopeSeeds(result string) []string {
	return []string{
		okEnvelope(result),
		`{"success":true,"errors":[],"messages":[{"code":1,"message":"m"}],"result":` + result + `,"x":{}}`,
		`{"success":false,"errors":[{"code":1003,"message":"not found","error_chain":[{"code":7,"message":"c"}]}],"result":null}`,
		`{"success":false,"errors":["bare"],"messages":"one","result":` + result + `}`,
		`{"success":true,"result":null}`,
		`{"success":true}`,
		`{"result":` + result + `}`,
		`{"success":"yes","result":` + result + `}`,
		`{"success":true,"result":` + result + `,"result":null}`,
		`{"Success":true,"RESULT":` + result + `}`,
		`{"success":true,"errors":17,"result":` + result + `}`,
		`{"success":false,"errors":[{"code":1,"message":"echo Bearer ` + testToken + `"}]}`,
		`<html>` + testToken + `</html>`,
		`{"success":true,"result":[` + result + `]}`,
		`{"success":true,"result":{"id":"a","soa_serial":"` + testToken + `","checked_time":"` + testToken + `"}}`,
		`{"success":true,"result":{"soa_serial":1e-999999}}`,
		`{"success":true,"result":{"soa_serial":4294967295.0,"created_time":"2019-10-24T17:09:42.883908+01:00"}}`,
		`{"success":true,"result":{"peers":[null,1]}}`,
		`{"success":true,"result":{"last_transferred_time":null,"checked_time":""}}`,
		`{"success":true,"result":` + result,
		``,
		`null`,
		`[]`,
		`"` + strings.Repeat("x", 600) + `"`,
	}
}

// fuzzResponse sends one call through the real pipeline against an answer
// of any status and body, and checks what any answer must give.
func fuzzResponse(t *testing.T, statusSeed uint16, body []byte, call func(*secondarydns.Client, ...secondarydns.Option) (any, error), checkResult func(t *testing.T, result json.RawMessage, got any)) {
	status := fuzzStatus(statusSeed)
	rt := &fuzzRT{status: status, header: http.Header{"Cf-Ray": {"ray-fuzz"}, "Retry-After": {"1"}}, body: body}
	c := fuzzClient(t, rt, secondarydns.WithMaxRetries(0))
	var resp secondarydns.Response
	got, err := call(c, secondarydns.WithResponse(&resp))

	require.Equal(t, int32(1), rt.calls.Load(), "requests sent")
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, status, resp.StatusCode)
	assert.Equal(t, "ray-fuzz", resp.RayID)
	for _, m := range resp.Messages {
		faultNoSecret(t, "Response.Messages", fmt.Sprintf("%+v", m))
	}
	ok2xx := status >= 200 && status <= 299

	if err == nil {
		require.True(t, ok2xx, "success on HTTP %d", status)
		// The body is an envelope with success true and a result, and the
		// result alone decodes to the same value (unless the envelope
		// repeats a member, which the decoders resolve differently).
		var env struct {
			Success *bool           `json:"success"`
			Result  json.RawMessage `json:"result"`
		}
		require.NoError(t, json.Unmarshal(body, &env), "a body the SDK accepted is not JSON")
		require.NotNil(t, env.Success)
		require.True(t, *env.Success)
		if !fuzzRepeatsMember(body) {
			require.NotEqual(t, "null", string(env.Result))
			checkResult(t, env.Result, got)
		}
		return
	}

	msg := err.Error()
	assert.NotContains(t, msg, "\n")
	assert.NotContains(t, msg, "\r")
	faultNoSecret(t, "error", msg)
	faultNoSecret(t, "error", fmt.Sprintf("%+v %#v", err, err))
	var apiErr *secondarydns.APIError
	isAPI := errors.As(err, &apiErr)
	isInvalid := errors.Is(err, secondarydns.ErrInvalidResponse)
	require.True(t, isAPI != isInvalid, "the error is neither or both of *APIError and ErrInvalidResponse: %v", err)
	var te *secondarydns.TransportError
	assert.False(t, errors.As(err, &te))
	assert.NotErrorIs(t, err, secondarydns.ErrInvalidInput)
	if isInvalid {
		require.True(t, ok2xx, "ErrInvalidResponse for HTTP %d", status)
		assert.Contains(t, msg, "HTTP "+strconv.Itoa(status))
		assert.Contains(t, msg, "ray-fuzz")
		return
	}
	assert.Equal(t, status, apiErr.StatusCode)
	assert.Equal(t, "ray-fuzz", apiErr.RayID)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	assert.LessOrEqual(t, len(apiErr.Body), 512)
	if apiErr.Body != "" {
		assert.Empty(t, apiErr.Errors, "Body is only kept when the body was not an envelope")
	}
	faultNoSecret(t, "APIError", fmt.Sprintf("%+v %+v %s", apiErr.Errors, apiErr.Messages, apiErr.Body))
	for _, class := range faultClasses {
		want := false
		for _, c := range faultClass(status) {
			want = want || c == class
		}
		assert.Equal(t, want, errors.Is(err, class), "errors.Is(err, %v) for HTTP %d", class, status)
	}
	if ok2xx {
		// success:false on a 2xx.
		var env struct {
			Success *bool `json:"success"`
		}
		if json.Unmarshal(body, &env) == nil && env.Success != nil {
			assert.False(t, *env.Success)
		}
	}
}

// fuzzRepeatsMember reports whether the top-level object names a member
// twice, the names compared as encoding/json does (case-insensitively).
func fuzzRepeatsMember(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	var seen []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := tok.(string)
		for _, k := range seen {
			if strings.EqualFold(k, key) {
				return true
			}
		}
		seen = append(seen, key)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

func FuzzGetResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(fullOutgoing) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.Outgoing.Get(context.Background(), testZone, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want secondarydns.Outgoing
			require.NoError(t, json.Unmarshal(result, &want), "the result alone does not decode")
			o, ok := got.(*secondarydns.Outgoing)
			require.True(t, ok)
			fuzzSameOutgoing(t, &want, o)
		})
	})
}

func FuzzDeleteResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(`{"id":"` + testZone + `"}`) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.Outgoing.Delete(context.Background(), testZone, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want struct {
				ID string `json:"id"`
			}
			require.NoError(t, json.Unmarshal(result, &want))
			assert.Equal(t, want.ID, got)
		})
	})
}

func FuzzStatusResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(`"Enabled"`) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Add(uint16(0), []byte(okEnvelope(`"Pending \u00e9"`)))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.Outgoing.Status(context.Background(), testZone, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want string
			require.NoError(t, json.Unmarshal(result, &want))
			assert.Equal(t, secondarydns.TransferStatus(want), got, "unknown values are returned as they are")
		})
	})
}

func FuzzForceNotifyResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(`"OK"`) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.Outgoing.ForceNotify(context.Background(), testZone, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want string
			require.NoError(t, json.Unmarshal(result, &want))
			assert.Equal(t, want, got)
		})
	})
}

// fuzzSameOutgoing compares two values field by field, times by instant and
// an empty peer list equal to nil.
func fuzzSameOutgoing(t *testing.T, want, got *secondarydns.Outgoing) {
	t.Helper()
	require.NotNil(t, got)
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.Name, got.Name)
	if len(want.Peers) > 0 || len(got.Peers) > 0 {
		assert.Equal(t, want.Peers, got.Peers)
	}
	assert.Equal(t, want.SOASerial, got.SOASerial)
	assert.True(t, want.CheckedTime.Equal(got.CheckedTime), "checked_time %v != %v", want.CheckedTime, got.CheckedTime)
	assert.True(t, want.CreatedTime.Equal(got.CreatedTime), "created_time %v != %v", want.CreatedTime, got.CreatedTime)
	assert.True(t, want.LastTransferredTime.Equal(got.LastTransferredTime), "last_transferred_time %v != %v", want.LastTransferredTime, got.LastTransferredTime)
}

// FuzzOutgoingJSON: whatever Outgoing decodes re-encodes, decodes again to the
// same value, and encodes again to the same bytes.
func FuzzOutgoingJSON(f *testing.F) {
	for _, s := range []string{
		fullOutgoing,
		`{}`,
		`null`,
		`{"peers":[],"soa_serial":0,"checked_time":"","created_time":null}`,
		`{"soa_serial":2019102400.0,"checked_time":"2019-10-24T17:09:42.883908123456+01:00"}`,
		`{"soa_serial":2.0191024e9,"created_time":"0001-01-01T00:00:00Z"}`,
		`{"soa_serial":4294967296}`,
		`{"soa_serial":-0}`,
		`{"soa_serial":"1"}`,
		`{"created_time":"0000-01-01T00:30:00+01:00"}`,
		`{"created_time":"9999-12-31T23:59:59-23:59"}`,
		`{"last_transferred_time":"2019-10-24T17:09:42z"}`,
		`{"id":"\ud800","name":"\u00e9.example.","peers":["a",""],"unknown":{"x":[1]}}`,
		`{"ID":"upper","Peers":null}`,
		`{"id":"a","id":"b"}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var o secondarydns.Outgoing
		if json.Unmarshal(data, &o) != nil {
			return
		}
		b, err := json.Marshal(o)
		require.NoError(t, err, "a decoded Outgoing does not encode: %+v", o)
		var o2 secondarydns.Outgoing
		require.NoError(t, json.Unmarshal(b, &o2), "the SDK's own encoding does not decode: %s", b)
		fuzzSameOutgoing(t, &o, &o2)
		b2, err := json.Marshal(o2)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(b2), "encoding is not stable")
	})
}

// FuzzSOASerial: soa_serial accepts exactly the integral JSON numbers in
// uint32 range, compared with an exact rational oracle.
func FuzzSOASerial(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "1", "2019102400", "2019102400.0", "2.0191024e9", "2.0191024E+9", "4294967295", "4294967295.5",
		"4294967296", "42949672950e-1", "1e-999999", "0e999999", "0.0000", "-1", "1.5", "10e-1", "100e-2",
		"0.1e1", "1e9", "1e10", "00", "01", "1e", "\"1\"", "true", "null", "{}", "[1]",
		"429496729500000000000000000000000000000000000000e-40",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		if len(lit) > 200 {
			return // keep the oracle cheap
		}
		if !json.Valid([]byte(lit)) {
			return // not one JSON value
		}
		var o secondarydns.Outgoing
		err := json.Unmarshal([]byte(`{"soa_serial":`+lit+`}`), &o)
		lit = strings.TrimSpace(lit)
		var want uint64
		valid := false
		switch {
		case lit == "null":
			valid = true
		case lit[0] == '-' || lit[0] >= '0' && lit[0] <= '9':
			mant, exp, _ := strings.Cut(strings.ToLower(lit), "e")
			zero := strings.Trim(mant, "-0.") == ""
			if e, err := strconv.Atoi(exp); zero || exp != "" && (err != nil || e > 1000 || e < -1000) {
				// Zero whatever the exponent; or an exponent no 200-byte
				// literal can bring back into range (math/big would be
				// slow or refuse it).
				valid = zero
				break
			}
			r, ok := new(big.Rat).SetString(lit)
			require.True(t, ok, "oracle: %s", lit)
			if r.IsInt() && r.Sign() >= 0 && r.Num().IsUint64() && r.Num().Uint64() <= 1<<32-1 {
				valid, want = true, r.Num().Uint64()
			}
		}
		if !valid {
			require.Error(t, err, "soa_serial %s accepted as %d", lit, o.SOASerial)
			assert.Contains(t, err.Error(), "soa_serial")
			return
		}
		require.NoError(t, err, "soa_serial %s", lit)
		assert.Equal(t, uint32(want), o.SOASerial, "soa_serial %s", lit)
	})
}

// FuzzRetryAfter: a 429's Retry-After, whatever its text, is waited for when
// it is understood and at most 60 s, makes the call return at once when it
// is longer, and is otherwise ignored for the backoff; canonical forms mean
// exactly what they say.
func FuzzRetryAfter(f *testing.F) {
	now := faultNow
	for _, s := range []string{
		"0", "1", "60", "61", "300", " 30 ", "030", "-1", "1.5", "+5", "soon", "",
		"99999999999999999999999", "9223372036", "9223372037",
		now.Add(30 * time.Second).Format(http.TimeFormat),
		now.Add(61 * time.Second).Format(http.TimeFormat),
		now.Add(-time.Hour).Format(http.TimeFormat),
		"Sunday, 02-Mar-25 12:00:30 GMT", "Sat Mar  1 12:00:45 2025", "Sat, 01 Mar 2025 12:00:10 UTC",
		"0000000000000000000000000005",
	} {
		f.Add(s)
	}
	const jitter = 1234567 * time.Nanosecond // marks a backoff wait
	f.Fuzz(func(t *testing.T, v string) {
		rt := &fuzzRT{status: 429, header: http.Header{"Retry-After": {v}}, body: []byte(`{"success":false,"errors":[]}`)}
		var slept []time.Duration
		c := fuzzClient(t, rt,
			secondarydns.WithMaxRetries(1),
			secondarydns.WithClockForTest(func() time.Time { return now }),
			secondarydns.WithJitterForTest(func(time.Duration) time.Duration { return jitter }),
			secondarydns.WithSleepForTest(func(ctx context.Context, d time.Duration) error {
				slept = append(slept, d)
				return nil
			}))
		var resp secondarydns.Response
		_, err := c.Outgoing.Status(context.Background(), testZone, secondarydns.WithResponse(&resp))
		var apiErr *secondarydns.APIError
		require.ErrorAs(t, err, &apiErr)
		require.ErrorIs(t, err, secondarydns.ErrRateLimited)
		ra := apiErr.RetryAfter
		require.GreaterOrEqual(t, ra, time.Duration(0))
		require.Equal(t, int32(resp.Attempts), rt.calls.Load())

		switch {
		case ra > time.Minute: // understood, too long: not waited for
			assert.Equal(t, 1, resp.Attempts)
			assert.Empty(t, slept)
		case len(slept) == 1 && slept[0] == jitter && ra == 0: // not understood: backoff
			assert.Equal(t, 2, resp.Attempts)
		default: // understood: waited for exactly
			assert.Equal(t, 2, resp.Attempts)
			assert.Equal(t, []time.Duration{ra}, slept)
		}
		for _, d := range slept {
			assert.LessOrEqual(t, d, time.Minute, "waited longer than 60 s")
		}

		// What the value means by RFC 9110: delay-seconds or an HTTP date
		// (surrounding whitespace aside); anything else is ignored.
		tv := strings.TrimSpace(v)
		var want time.Duration
		understood := true
		if at, err := http.ParseTime(tv); err == nil {
			want = max(0, at.Sub(now))
		} else if tv != "" && strings.Trim(tv, "0123456789") == "" {
			n, ok := new(big.Int).SetString(tv, 10)
			require.True(t, ok)
			want = time.Duration(1<<63 - 1) // beyond any wait: never waited for
			if n.Cmp(big.NewInt(int64(want/time.Second))) <= 0 {
				want = time.Duration(n.Int64()) * time.Second
			}
		} else {
			understood = false
		}
		switch {
		case !understood:
			assert.Zero(t, ra, "Retry-After %q", v)
			assert.Equal(t, []time.Duration{jitter}, slept, "Retry-After %q", v)
		case want > time.Minute:
			assert.Equal(t, want, ra, "Retry-After %q", v)
			assert.Empty(t, slept, "Retry-After %q", v)
		default:
			assert.Equal(t, want, ra, "Retry-After %q", v)
			assert.Equal(t, []time.Duration{want}, slept, "Retry-After %q", v)
		}
	})
}

// FuzzZoneID: the zone ID rule is exact ([A-Za-z0-9_-]{1,64}); nothing is
// sent for a rejected one; an accepted one goes into the path unchanged, so
// nothing can ever escape the path segment.
func FuzzZoneID(f *testing.F) {
	for _, s := range []string{
		testZone, "", "a", strings.Repeat("a", 64), strings.Repeat("a", 65), "example.com", "..", "a/b", "a?b",
		"a#b", "a%2Fb", "a b", "a\tb", "a\n", " a", "é", "a\x00", "../../user", "A-Z_0-9",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		rt := &fuzzRT{status: 200, header: http.Header{}, body: []byte(okEnvelope(`"Enabled"`))}
		c := fuzzClient(t, rt)
		_, err := c.Outgoing.Status(context.Background(), id)
		valid := len(id) >= 1 && len(id) <= 64 && strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == ""
		if !valid {
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "zone ID %q accepted", id)
			assert.Zero(t, rt.calls.Load(), "a request was sent for an invalid zone ID")
			assert.Contains(t, err.Error(), "zone ID")
			return
		}
		require.NoError(t, err, "zone ID %q", id)
		fuzzNeverUnsafe(t, id)
		req := rt.last.Load()
		require.NotNil(t, req)
		assert.Equal(t, basePath+"/zones/"+id+"/secondary_dns/outgoing/status", req.URL.EscapedPath())
		assert.Equal(t, req.URL.EscapedPath(), req.URL.Path)
		assert.Empty(t, req.URL.RawQuery)
		assert.Empty(t, req.URL.Fragment)
	})
}

// fuzzNeverUnsafe: what validation accepts never holds a character with a
// meaning in a URL, whitespace, or a path traversal.
func fuzzNeverUnsafe(t *testing.T, s string) {
	t.Helper()
	assert.False(t, strings.ContainsAny(s, "/?#%\\"), "%q accepted", s)
	assert.False(t, strings.Contains(s, ".."), "%q accepted", s)
	assert.False(t, strings.IndexFunc(s, unicode.IsSpace) >= 0, "%q accepted", s)
	assert.False(t, strings.IndexFunc(s, unicode.IsControl) >= 0, "%q accepted", s)
	assert.True(t, utf8.ValidString(s), "%q accepted", s)
}

// FuzzNameAndPeer: Create's name and peer ID. Anything accepted is safe and
// sent exactly as given; every name the DNS rules allow in LDH form is
// accepted; every name the documented rules refuse is refused, with nothing
// sent.
func FuzzNameAndPeer(f *testing.F) {
	for _, s := range [][2]string{
		{"example.com.", peerA}, {"example.com", peerB}, {"_acme-challenge.xn--bcher-kva.example.", "p"},
		{"", peerA}, {" ", peerA}, {"a..b", peerA}, {".", peerA}, {"a.", "p/q"}, {"a b", peerA},
		{"https://example.com/", peerA}, {"example.com?", peerA}, {"ex%41mple.com", peerA}, {"a#b", peerA},
		{strings.Repeat("a", 63) + ".com", peerA}, {strings.Repeat("a", 64) + ".com", peerA},
		{strings.Repeat("a.", 126) + "a", peerA}, {strings.Repeat("a.", 127) + "a", peerA},
		{"\u00e9xample.com.", peerA}, {"a\u00a0b", peerA}, {"a\u2028b", peerA}, {"a\x7fb", peerA},
		{"a.b.", ""}, {"a.b", "..."}, {"\xff", peerA}, {"a\\b", peerA}, {"a..", peerA}, {"..a", peerA},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, peer string) {
		rt := &fuzzRT{status: 200, header: http.Header{}, body: []byte(okEnvelope(fullOutgoing))}
		c := fuzzClient(t, rt)
		_, err := c.Outgoing.Create(context.Background(), testZone, secondarydns.OutgoingParams{Name: name, Peers: []string{peer}})

		peerOK := len(peer) >= 1 && len(peer) <= 64 && strings.Trim(peer, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == ""
		bare := strings.TrimSuffix(name, ".")
		labels := strings.Split(bare, ".")
		ldh := len(bare) >= 1 && len(bare) <= 253
		// The documented rules, and the SDK's own: characters with a
		// meaning in URLs (/?#%\) and U+FFFD, which marks broken text.
		refused := bare == "" || len(bare) > 253 || strings.TrimSpace(name) == "" ||
			strings.ContainsAny(name, "/?#%\\\ufffd") || strings.IndexFunc(name, unicode.IsSpace) >= 0 ||
			strings.IndexFunc(name, unicode.IsControl) >= 0 || !utf8.ValidString(name)
		for _, l := range labels {
			ldh = ldh && len(l) >= 1 && len(l) <= 63 &&
				strings.Trim(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == ""
			refused = refused || l == "" || len(l) > 63
		}

		if err != nil {
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "name %q peer %q", name, peer)
			assert.Zero(t, rt.calls.Load(), "a request was sent for invalid parameters")
			assert.False(t, ldh && peerOK, "name %q and peer %q refused: %v", name, peer, err)
			assert.True(t, strings.Contains(err.Error(), "name") || strings.Contains(err.Error(), "peers[0]"), "%v", err)
			if !refused && !peerOK {
				assert.Contains(t, err.Error(), "peers[0]")
			}
			return
		}
		assert.False(t, refused, "name %q accepted", name)
		assert.True(t, peerOK, "peer %q accepted", peer)
		fuzzNeverUnsafe(t, name)
		fuzzNeverUnsafe(t, peer)
		require.Equal(t, int32(1), rt.calls.Load())
		body := rt.reqBod.Load()
		require.NotNil(t, body)
		var sent struct {
			Name  string   `json:"name"`
			Peers []string `json:"peers"`
		}
		require.NoError(t, json.Unmarshal(*body, &sent))
		assert.Equal(t, name, sent.Name)
		assert.Equal(t, []string{peer}, sent.Peers)
	})
}

// FuzzScrub: scrubbing keeps every real-length token out of the text, in
// any ASCII case and in base64, and changes nothing else. A token shorter
// than the minimum, or one the text holds in none of those forms, leaves the
// text exactly as it was; otherwise none is left afterwards, and each
// "[redacted]" stands where the input held one of them. The email is
// replaced in any ASCII case (and percent-encoded) but only where the text
// holds it as a whole address, and putting it back where "[redacted]"
// stands restores the input.
func FuzzScrub(f *testing.F) {
	f.Add("a", "Authentication error (ray 8c1f2d3e4a5b6c7d-SJC)")
	f.Add("tok-SECRET-7f3a9c", "echo Bearer tok-SECRET-7f3a9c and xtok-SECRET-7f3a9cy")
	f.Add("tok-SECRET-7f3a9c", "TOK-secret-7F3A9C dG9rLVNFQ1JFVC03ZjNhOWM=")
	f.Add("12345678", "1234567812345678")
	f.Add("aaaaaaaa", "aaaaaaaaaaaaaaaaa")
	f.Add("ops@example.com", "ask devops@example.com or ops@example.com.")
	f.Add("ops+x@example.com", "email=ops%2Bx%40example.com or OPS%2bX%40EXAMPLE.COM")
	f.Add("a", "0 aa")
	f.Add("aa", "aa aa")
	f.Add("AA", "Aa")
	f.Fuzz(func(t *testing.T, cred, text string) {
		// Only what WithAPIToken and WithAPIKey accept, in a text that
		// holds no marker of its own.
		if cred == "" || strings.TrimSpace(cred) != cred || strings.ContainsFunc(cred, unicode.IsControl) ||
			strings.Contains(text, "[redacted]") || strings.ContainsRune(text, 0) {
			return
		}
		const red = "[redacted]"
		// A credential that "[redacted]" itself could spell, in part or
		// with its neighbours, cannot be proven gone.
		spellable := strings.ContainsAny(cred, "[]") || indexFold(red, cred) >= 0

		// As a token.
		out := secondarydns.ScrubForTest(cred, "", "", text)
		forms := fuzzBase64Forms(cred)
		held := indexFold(text, cred) >= 0
		for _, f := range forms {
			held = held || strings.Contains(text, f)
		}
		switch {
		case len(cred) < secondarydns.MinScrubLenForTest || !held:
			require.Equal(t, text, out, "nothing to scrub, nothing changed")
		case !spellable:
			require.Negative(t, indexFold(out, cred), "the token is left in some case")
			for _, f := range forms {
				require.NotContains(t, out, f, "its base64 is left")
			}
			fuzzWalkMarkers(t, text, out, func(at int) int {
				if rest := text[at:]; len(rest) >= len(cred) && isASCIIFold(rest[:len(cred)], cred) {
					return len(cred)
				}
				for _, f := range forms {
					if strings.HasPrefix(text[at:], f) {
						return len(f)
					}
				}
				return 0
			})
		}

		// As an email, with a key the text never holds.
		const key = "key-SECRET-51be02"
		if indexFold(text, key) >= 0 {
			return
		}
		out = secondarydns.ScrubForTest("", cred, key, text)
		escaped := url.QueryEscape(cred)
		emailForms := fuzzBase64Forms(cred) // the email's base64, at any length of at least 8
		if len(cred) < secondarydns.MinScrubLenForTest {
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				if e := enc.EncodeToString([]byte(cred)); len(e) >= secondarydns.MinScrubLenForTest {
					emailForms = append(emailForms, e)
				}
			}
		}
		keyForms := append(fuzzBase64Forms(key), fuzzBase64Forms(cred+":"+key)...)
		for _, f := range append(emailForms, keyForms...) {
			if strings.Contains(text, f) {
				// An encoded form replaced first changes what the address
				// is next to; the token case above covers the replacing.
				return
			}
		}
		if indexFold(text, cred) < 0 && (escaped == cred || indexFold(text, escaped) < 0) {
			require.Equal(t, text, out)
			return
		}
		if text == cred {
			require.Equal(t, red, out, "the whole text is the address")
		}
		if spellable || escaped != cred && (strings.ContainsAny(escaped, "[]") || indexFold(red, escaped) >= 0) {
			return
		}
		// Walk the output: every byte but a marker is the input's, and each
		// marker stands where the input holds the address, or its
		// percent-encoded form, as a whole one, in any ASCII case.
		fuzzWalkMarkers(t, text, out, func(at int) int {
			for _, addr := range []string{cred, escaped} {
				rest := text[at:]
				if len(rest) < len(addr) || !isASCIIFold(rest[:len(addr)], addr) {
					continue
				}
				tail := rest[len(addr):]
				require.False(t, at > 0 && isAddressByteForTest(text[at-1]), "replaced inside a longer local part: %q", text)
				require.False(t, tail != "" && (isDomainByteForTest(tail[0]) || tail[0] == '.' && len(tail) > 1 && isDomainByteForTest(tail[1])),
					"replaced inside a longer domain: %q", text)
				return len(addr)
			}
			return 0
		})
	})
}

// fuzzWalkMarkers checks that out is text with some parts replaced by
// "[redacted]", each where match(at) says text holds one (its length).
func fuzzWalkMarkers(t *testing.T, text, out string, match func(at int) int) {
	t.Helper()
	const red = "[redacted]"
	in, rest := 0, out
	for {
		k := strings.Index(rest, red)
		if k < 0 {
			break
		}
		require.LessOrEqual(t, in+k, len(text), "the output is longer than the input allows")
		require.Equal(t, text[in:in+k], rest[:k], "a byte changed that no marker stands for")
		at := in + k
		n := match(at)
		require.Positive(t, n, "a marker where the input has nothing to scrub: %q -> %q", text, out)
		in, rest = at+n, rest[k+len(red):]
	}
	require.Equal(t, text[in:], rest, "a byte changed that no marker stands for")
}

// fuzzBase64Forms are the unpadded base64 encodings, standard and URL, of a
// credential scrubbing looks for (those of at least 8 bytes).
func fuzzBase64Forms(v string) []string {
	if len(v) < secondarydns.MinScrubLenForTest {
		return nil
	}
	return []string{base64.RawStdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v))}
}

// indexFold is strings.Index ignoring ASCII case only.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if isASCIIFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// isASCIIFold reports whether a and b are equal ignoring ASCII case only.
func isASCIIFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isDomainByteForTest(ch byte) bool {
	return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-'
}

func isAddressByteForTest(ch byte) bool {
	return isDomainByteForTest(ch) || strings.IndexByte("._+%", ch) >= 0
}
