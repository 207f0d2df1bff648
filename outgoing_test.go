package secondarydns_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// fullOutgoing is a result with every field set, each time different so a
// swapped field cannot pass.
const fullOutgoing = `{
	"id": "` + testZone + `",
	"name": "www.example.com.",
	"peers": ["` + peerA + `", "` + peerB + `"],
	"soa_serial": 2019102400,
	"checked_time": "2019-10-24T17:09:42.883908+01:00",
	"created_time": "2019-10-23T08:00:00Z",
	"last_transferred_time": "2019-10-24T17:10:00.5-07:00"
}`

func wantFullOutgoing() *secondarydns.Outgoing {
	return &secondarydns.Outgoing{
		ID:                  testZone,
		Name:                "www.example.com.",
		Peers:               []string{peerA, peerB},
		SOASerial:           2019102400,
		CheckedTime:         time.Date(2019, 10, 24, 16, 9, 42, 883908000, time.UTC),
		CreatedTime:         time.Date(2019, 10, 23, 8, 0, 0, 0, time.UTC),
		LastTransferredTime: time.Date(2019, 10, 25, 0, 10, 0, 500000000, time.UTC),
	}
}

// assertOutgoing compares every field; times by instant.
func assertOutgoing(t *testing.T, want, got *secondarydns.Outgoing) {
	t.Helper()
	require.NotNil(t, got)
	assert.Equal(t, want.ID, got.ID, "ID")
	assert.Equal(t, want.Name, got.Name, "Name")
	assert.Equal(t, want.Peers, got.Peers, "Peers")
	assert.Equal(t, want.SOASerial, got.SOASerial, "SOASerial")
	assert.True(t, want.CheckedTime.Equal(got.CheckedTime), "CheckedTime: want %v, got %v", want.CheckedTime, got.CheckedTime)
	assert.True(t, want.CreatedTime.Equal(got.CreatedTime), "CreatedTime: want %v, got %v", want.CreatedTime, got.CreatedTime)
	assert.True(t, want.LastTransferredTime.Equal(got.LastTransferredTime), "LastTransferredTime: want %v, got %v", want.LastTransferredTime, got.LastTransferredTime)
}

// endpointCase is one of the eight operations, as the table tests drive it.
type endpointCase struct {
	name   string
	method string
	suffix string // after /zones/{zone_id}/secondary_dns/outgoing
	body   string // exact request body; "" means none is sent
	result string // raw JSON result the server answers with
	call   func(ctx context.Context, c *secondarydns.Client, opts ...secondarydns.Option) (any, error)
	want   any
	// createLike: not safe to repeat once the request may have arrived.
	createLike bool
}

func endpoints() []endpointCase {
	params := secondarydns.OutgoingParams{Name: "www.example.com.", Peers: []string{peerA, peerB}}
	return []endpointCase{
		{
			name: "Get", method: "GET", result: fullOutgoing, want: wantFullOutgoing(),
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Get(ctx, testZone, o...)
			},
		},
		{
			name: "Create", method: "POST", createLike: true, result: fullOutgoing, want: wantFullOutgoing(),
			body: `{"name":"www.example.com.","peers":["` + peerA + `","` + peerB + `"]}`,
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Create(ctx, testZone, params, o...)
			},
		},
		{
			// nil peers go out as [] because the API requires the array.
			name: "Update", method: "PUT", result: fullOutgoing, want: wantFullOutgoing(),
			body: `{"name":"example.com","peers":[]}`,
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Update(ctx, testZone, secondarydns.OutgoingParams{Name: "example.com"}, o...)
			},
		},
		{
			name: "Delete", method: "DELETE", result: `{"id":"` + testZone + `"}`, want: testZone,
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Delete(ctx, testZone, o...)
			},
		},
		{
			name: "Enable", method: "POST", suffix: "/enable", body: `{}`, result: `"Enabled"`, want: secondarydns.StatusEnabled,
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Enable(ctx, testZone, o...)
			},
		},
		{
			name: "Disable", method: "POST", suffix: "/disable", body: `{}`, result: `"Disabled"`, want: secondarydns.StatusDisabled,
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Disable(ctx, testZone, o...)
			},
		},
		{
			name: "ForceNotify", method: "POST", suffix: "/force_notify", body: `{}`, result: `"OK"`, want: "OK",
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.ForceNotify(ctx, testZone, o...)
			},
		},
		{
			name: "Status", method: "GET", suffix: "/status", result: `"Enabled"`, want: secondarydns.StatusEnabled,
			call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
				return c.Outgoing.Status(ctx, testZone, o...)
			},
		},
	}
}

func (e endpointCase) path() string {
	return basePath + "/zones/" + testZone + "/secondary_dns/outgoing" + e.suffix
}

// assertResult checks a decoded result against the case's want.
func (e endpointCase) assertResult(t *testing.T, got any) {
	t.Helper()
	if want, ok := e.want.(*secondarydns.Outgoing); ok {
		o, ok := got.(*secondarydns.Outgoing)
		require.True(t, ok, "result type %T", got)
		assertOutgoing(t, want, o)
		return
	}
	assert.Equal(t, e.want, got)
}

// TestEndpoints drives all eight operations over a real socket, with both
// kinds of credentials, and checks everything on the wire and the result.
func TestEndpoints(t *testing.T) {
	for _, cred := range wireCreds() {
		for _, ep := range endpoints() {
			t.Run(cred.name+"/"+ep.name, func(t *testing.T) {
				srv := newWireServer(t, func(w http.ResponseWriter, r *http.Request) {
					writeBody(w, http.StatusOK, okEnvelope(ep.result))
				})
				c, err := secondarydns.NewClient(cred.opt, secondarydns.WithBaseURL(srv.baseURL()))
				require.NoError(t, err)

				got, err := ep.call(context.Background(), c)
				require.NoError(t, err)
				ep.assertResult(t, got)

				reqs := srv.requests()
				require.Len(t, reqs, 1)
				assertWire(t, reqs[0], ep.method, ep.path(), "", cred, ep.body)
			})
		}
	}
}

// TestBaseURLForms: with or without a trailing slash, the path is the same.
func TestBaseURLForms(t *testing.T) {
	srv := newWireServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeBody(w, http.StatusOK, okEnvelope(`"Enabled"`))
	})
	for _, base := range []string{srv.baseURL(), srv.baseURL() + "/", srv.baseURL() + "//"} {
		c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(base))
		require.NoError(t, err)
		_, err = c.Outgoing.Status(context.Background(), testZone)
		require.NoError(t, err, base)
	}
	for _, r := range srv.requests() {
		assert.Equal(t, basePath+"/zones/"+testZone+"/secondary_dns/outgoing/status", r.Path)
	}
	assert.Len(t, srv.requests(), 3)
}

// TestOutgoingJSONRoundTrip: Outgoing encodes with the API's field names,
// omits zero values, and decodes back to the same value.
func TestOutgoingJSONRoundTrip(t *testing.T) {
	want := wantFullOutgoing()
	b, err := json.Marshal(want)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"id": "`+testZone+`", "name": "www.example.com.", "peers": ["`+peerA+`", "`+peerB+`"],
		"soa_serial": 2019102400,
		"checked_time": "2019-10-24T16:09:42.883908Z",
		"created_time": "2019-10-23T08:00:00Z",
		"last_transferred_time": "2019-10-25T00:10:00.5Z"
	}`, string(b))
	var back secondarydns.Outgoing
	require.NoError(t, json.Unmarshal(b, &back))
	assertOutgoing(t, want, &back)

	b, err = json.Marshal(secondarydns.Outgoing{ID: "x"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"x"}`, string(b), "zero times, serial and peers are omitted")

	// A decoded value keeps its offset and re-encodes to the same instant.
	var o secondarydns.Outgoing
	require.NoError(t, json.Unmarshal([]byte(fullOutgoing), &o))
	b, err = json.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"checked_time":"2019-10-24T17:09:42.883908+01:00"`)
}

// TestOutgoingDecoding covers the lenient and the strict parts of decoding.
func TestOutgoingDecoding(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	cases := []struct {
		name    string
		in      string
		want    secondarydns.Outgoing
		wantErr string // substring; the field must be named
	}{
		{name: "empty object", in: `{}`},
		{name: "nulls are zero", in: `{"id":null,"name":null,"peers":null,"soa_serial":null,"checked_time":null,"created_time":null,"last_transferred_time":null}`},
		{name: "empty time strings are zero", in: `{"checked_time":"","created_time":"","last_transferred_time":""}`},
		{name: "unknown fields ignored", in: `{"id":"a","zone_tag":{"x":[1,2,{"y":null}]},"type":null,"ixfr":true}`, want: secondarydns.Outgoing{ID: "a"}},
		{name: "time with Z", in: `{"checked_time":"2024-01-02T03:04:05Z"}`, want: secondarydns.Outgoing{CheckedTime: utc(2024, 1, 2, 3, 4, 5, 0)}},
		{name: "time with offset and micros", in: `{"created_time":"2019-10-24T17:09:42.883908+01:00"}`, want: secondarydns.Outgoing{CreatedTime: utc(2019, 10, 24, 16, 9, 42, 883908000)}},
		{name: "time with one fractional digit", in: `{"created_time":"2019-10-24T17:09:42.5-02:30"}`, want: secondarydns.Outgoing{CreatedTime: utc(2019, 10, 24, 19, 39, 42, 500000000)}},
		{name: "time with nanos", in: `{"last_transferred_time":"2019-10-24T17:09:42.123456789Z"}`, want: secondarydns.Outgoing{LastTransferredTime: utc(2019, 10, 24, 17, 9, 42, 123456789)}},
		{name: "time with twelve fractional digits", in: `{"last_transferred_time":"2019-10-24T17:09:42.123456789999Z"}`, want: secondarydns.Outgoing{LastTransferredTime: utc(2019, 10, 24, 17, 9, 42, 123456789)}},
		{name: "serial integer", in: `{"soa_serial":2019102400}`, want: secondarydns.Outgoing{SOASerial: 2019102400}},
		{name: "serial with .0", in: `{"soa_serial":2019102400.0}`, want: secondarydns.Outgoing{SOASerial: 2019102400}},
		{name: "serial with exponent", in: `{"soa_serial":2.0191024e9}`, want: secondarydns.Outgoing{SOASerial: 2019102400}},
		{name: "serial max uint32", in: `{"soa_serial":4294967295}`, want: secondarydns.Outgoing{SOASerial: 4294967295}},
		{name: "serial zero", in: `{"soa_serial":0}`},
		{name: "peers empty", in: `{"peers":[]}`, want: secondarydns.Outgoing{Peers: []string{}}},

		{name: "serial negative", in: `{"soa_serial":-1}`, wantErr: "soa_serial"},
		{name: "serial fractional", in: `{"soa_serial":2019102400.5}`, wantErr: "soa_serial"},
		{name: "serial tiny fraction", in: `{"soa_serial":4294967295.0000000001}`, wantErr: "soa_serial"},
		{name: "serial too large", in: `{"soa_serial":4294967296}`, wantErr: "soa_serial"},
		{name: "serial huge exponent", in: `{"soa_serial":1e400}`, wantErr: "soa_serial"},
		{name: "serial string", in: `{"soa_serial":"2019102400"}`, wantErr: "soa_serial"},
		{name: "serial bool", in: `{"soa_serial":true}`, wantErr: "soa_serial"},
		{name: "time unknown format", in: `{"checked_time":"24/10/2019 17:09"}`, wantErr: "checked_time"},
		{name: "time without zone", in: `{"created_time":"2019-10-24T17:09:42"}`, wantErr: "created_time"},
		{name: "time as number", in: `{"last_transferred_time":1571933382}`, wantErr: "last_transferred_time"},
		{name: "name as number", in: `{"name":5}`, wantErr: "name"},
		{name: "id as object", in: `{"id":{}}`, wantErr: "id"},
		{name: "peers as string", in: `{"peers":"a,b"}`, wantErr: "peers"},
		{name: "peer as number", in: `{"peers":[1]}`, wantErr: "peers"},
		{name: "not an object", in: `[]`, wantErr: "outgoing configuration: got a JSON array, want object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got secondarydns.Outgoing
			err := json.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assertOutgoing(t, &tc.want, &got)
		})
	}
}

// sentinels are the HTTP-class errors; an *APIError matches at most one.
var sentinels = []error{
	secondarydns.ErrBadRequest, secondarydns.ErrUnauthorized, secondarydns.ErrForbidden,
	secondarydns.ErrNotFound, secondarydns.ErrConflict, secondarydns.ErrRateLimited,
	secondarydns.ErrServerError,
}

// TestAPIErrors covers every error class and body shape: the status is never
// lost, the envelope is kept when there is one, a snippet when there is not.
func TestAPIErrors(t *testing.T) {
	html502 := "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>cloudflare-lb</body></html>"
	long := strings.Repeat("x", 2000)
	cases := []struct {
		name     string
		status   int
		body     string
		headers  []string
		class    error // nil: no HTTP class
		errors   []secondarydns.ResponseInfo
		messages []secondarydns.ResponseInfo
		snippet  string
		retry    time.Duration
		errText  string // exact Error()
	}{
		{
			name: "400 envelope with source pointer", status: 400, class: secondarydns.ErrBadRequest,
			body:     `{"success":false,"errors":[{"code":1004,"message":"Invalid name","source":{"pointer":"/name"},"documentation_url":"https://developers.cloudflare.com/x"}],"messages":[{"code":1,"message":"see docs"}],"result":null}`,
			errors:   []secondarydns.ResponseInfo{{Code: 1004, Message: "Invalid name", Source: &secondarydns.ErrorSource{Pointer: "/name"}, DocumentationURL: "https://developers.cloudflare.com/x"}},
			messages: []secondarydns.ResponseInfo{{Code: 1, Message: "see docs"}},
			errText:  "secondarydns: GET " + basePath + "/zones/" + testZone + "/secondary_dns/outgoing: 400 Bad Request: [1004] Invalid name (ray " + testRay + ")",
		},
		{
			name: "400 error_chain", status: 400, class: secondarydns.ErrBadRequest,
			body:   `{"success":false,"errors":[{"code":6003,"message":"Invalid request headers","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}],"messages":[],"result":null}`,
			errors: []secondarydns.ResponseInfo{{Code: 6003, Message: "Invalid request headers", ErrorChain: []secondarydns.ResponseInfo{{Code: 6111, Message: "Invalid format for Authorization header"}}}},
		},
		{
			name: "401 envelope", status: 401, class: secondarydns.ErrUnauthorized,
			body:   errEnvelope(9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"),
			errors: []secondarydns.ResponseInfo{{Code: 9106, Message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers"}},
		},
		{
			name: "403 two errors", status: 403, class: secondarydns.ErrForbidden,
			body:    `{"success":false,"errors":[{"code":10000,"message":"Authentication\n\terror"},{"code":9109,"message":"Unauthorized"}],"messages":[]}`,
			errors:  []secondarydns.ResponseInfo{{Code: 10000, Message: "Authentication\n\terror"}, {Code: 9109, Message: "Unauthorized"}},
			errText: "secondarydns: GET " + basePath + "/zones/" + testZone + "/secondary_dns/outgoing: 403 Forbidden: [10000] Authentication error (and 1 more) (ray " + testRay + ")",
		},
		{
			name: "404 envelope", status: 404, class: secondarydns.ErrNotFound,
			body:   errEnvelope(1003, "Zone is not configured as primary"),
			errors: []secondarydns.ResponseInfo{{Code: 1003, Message: "Zone is not configured as primary"}},
		},
		{
			name: "405 plain text", status: 405, body: "Method Not Allowed\n", snippet: "Method Not Allowed\n",
			errText: "secondarydns: GET " + basePath + "/zones/" + testZone + "/secondary_dns/outgoing: 405 Method Not Allowed: body: \"Method Not Allowed\" (ray " + testRay + ")",
		},
		{
			name: "409 envelope", status: 409, class: secondarydns.ErrConflict,
			body:   errEnvelope(1002, "already exists"),
			errors: []secondarydns.ResponseInfo{{Code: 1002, Message: "already exists"}},
		},
		{name: "422 JSON that is not an envelope", status: 422, body: `{"message":"Unprocessable"}`, snippet: `{"message":"Unprocessable"}`},
		{
			name: "429 with long Retry-After", status: 429, class: secondarydns.ErrRateLimited, headers: []string{"Retry-After", "300"},
			body: errEnvelope(971, "Please wait and consider throttling your request speed"), retry: 300 * time.Second,
			errors:  []secondarydns.ResponseInfo{{Code: 971, Message: "Please wait and consider throttling your request speed"}},
			errText: "secondarydns: GET " + basePath + "/zones/" + testZone + "/secondary_dns/outgoing: 429 Too Many Requests: [971] Please wait and consider throttling your request speed (retry after 5m0s) (ray " + testRay + ")",
		},
		{name: "500 empty body", status: 500, class: secondarydns.ErrServerError,
			errText: "secondarydns: GET " + basePath + "/zones/" + testZone + "/secondary_dns/outgoing: 500 Internal Server Error (ray " + testRay + ")"},
		{name: "502 HTML", status: 502, class: secondarydns.ErrServerError, body: html502, snippet: html502},
		{name: "503 envelope", status: 503, class: secondarydns.ErrServerError, body: errEnvelope(10001, "service unavailable"),
			errors: []secondarydns.ResponseInfo{{Code: 10001, Message: "service unavailable"}}},
		{name: "504 plain", status: 504, class: secondarydns.ErrServerError, body: "upstream timed out", snippet: "upstream timed out"},
		{name: "520 unknown status", status: 520, class: secondarydns.ErrServerError, body: "error code: 520", snippet: "error code: 520"},
		{name: "long non-envelope body is cut at 512 bytes", status: 500, class: secondarydns.ErrServerError, body: long, snippet: long[:512]},
		{name: "errors as bare strings", status: 400, class: secondarydns.ErrBadRequest,
			body:   `{"success":false,"errors":["zone locked","try later"],"messages":["note"]}`,
			errors: []secondarydns.ResponseInfo{{Message: "zone locked"}, {Message: "try later"}}, messages: []secondarydns.ResponseInfo{{Message: "note"}}},
		{name: "errors as one string", status: 403, class: secondarydns.ErrForbidden,
			body: `{"success":false,"errors":"forbidden zone"}`, errors: []secondarydns.ResponseInfo{{Message: "forbidden zone"}}},
		{name: "unknown fields everywhere", status: 404, class: secondarydns.ErrNotFound,
			body:   `{"success":false,"errors":[{"code":1003,"message":"nope","type":null,"extra":{"a":1}}],"messages":[],"result":null,"result_info":{"page":1},"zzz":[1]}`,
			errors: []secondarydns.ResponseInfo{{Code: 1003, Message: "nope"}}},
		{name: "redirect", status: 301, headers: []string{"Location", "https://elsewhere.example/"}, body: "moved", snippet: "moved"},
		{name: "200 with success false", status: 200, body: errEnvelope(1000, "something failed"),
			errors:  []secondarydns.ResponseInfo{{Code: 1000, Message: "something failed"}},
			errText: "secondarydns: GET " + basePath + "/zones/" + testZone + "/secondary_dns/outgoing: 200 OK with success=false: [1000] something failed (ray " + testRay + ")"},
		{name: "200 success false with a wrong-typed result", status: 200,
			body:   `{"success":false,"errors":[{"code":1000,"message":"bad"}],"messages":[],"result":"oops"}`,
			errors: []secondarydns.ResponseInfo{{Code: 1000, Message: "bad"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, reply(tc.status, tc.body, tc.headers...))
			c := newMockClient(t, m, nil, secondarydns.WithMaxRetries(0))
			var resp secondarydns.Response
			_, err := c.Outgoing.Get(context.Background(), testZone, secondarydns.WithResponse(&resp))

			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, "GET", apiErr.Method)
			assert.Equal(t, basePath+"/zones/"+testZone+"/secondary_dns/outgoing", apiErr.Path)
			assert.Equal(t, testRay, apiErr.RayID)
			assert.Equal(t, tc.retry, apiErr.RetryAfter)
			assert.Equal(t, tc.snippet, apiErr.Body)
			if tc.errors == nil {
				assert.Empty(t, apiErr.Errors)
			} else {
				assert.Equal(t, tc.errors, apiErr.Errors)
			}
			if tc.messages != nil {
				assert.Equal(t, tc.messages, apiErr.Messages)
				assert.Equal(t, tc.messages, resp.Messages)
			}
			for _, s := range sentinels {
				assert.Equal(t, s == tc.class, errors.Is(err, s), "errors.Is(err, %v)", s)
			}
			assert.NotErrorIs(t, err, secondarydns.ErrInvalidResponse)
			assert.NotContains(t, err.Error(), "\n")
			if tc.errText != "" {
				assert.Equal(t, tc.errText, err.Error())
			}
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, testRay, resp.RayID)
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, 1, m.count())
		})
	}
}

func TestAPIErrorHasCode(t *testing.T) {
	e := &secondarydns.APIError{Errors: []secondarydns.ResponseInfo{
		{Code: 6003, ErrorChain: []secondarydns.ResponseInfo{{Code: 6100, ErrorChain: []secondarydns.ResponseInfo{{Code: 6111}}}}},
		{Code: 10000},
	}}
	for _, code := range []int{6003, 6100, 6111, 10000} {
		assert.True(t, e.HasCode(code), code)
	}
	for _, code := range []int{0, 1, 6112} {
		assert.False(t, e.HasCode(code), code)
	}
	assert.False(t, (&secondarydns.APIError{}).HasCode(0))
}

func TestAPIErrorIsEveryStatus(t *testing.T) {
	for status := 100; status <= 599; status++ {
		e := &secondarydns.APIError{StatusCode: status}
		want := map[error]bool{
			secondarydns.ErrBadRequest:   status == 400,
			secondarydns.ErrUnauthorized: status == 401,
			secondarydns.ErrForbidden:    status == 403,
			secondarydns.ErrNotFound:     status == 404,
			secondarydns.ErrConflict:     status == 409,
			secondarydns.ErrRateLimited:  status == 429,
			secondarydns.ErrServerError:  status >= 500,
		}
		for s, w := range want {
			require.Equal(t, w, errors.Is(e, s), "status %d, %v", status, s)
		}
		require.False(t, errors.Is(e, secondarydns.ErrInvalidResponse))
		require.False(t, errors.Is(e, secondarydns.ErrInvalidInput))
	}
}

// TestInvalidResponses: a 2xx that is not a valid envelope or result is
// ErrInvalidResponse for every method, with the status and ray ID in the
// message and WithResponse filled.
func TestInvalidResponses(t *testing.T) {
	bodies := []struct {
		name, body, want string
	}{
		{"empty body", ``, "not valid JSON"},
		{"not JSON", `<html>hello</html>`, "not valid JSON"},
		{"truncated", `{"success":true,"errors":[],"result":{"id":"`, "not valid JSON"},
		{"not an envelope", `{"id":"x"}`, `no "success" field`},
		{"result missing", `{"success":true,"errors":[],"messages":[]}`, "no result"},
		{"result null", `{"success":true,"errors":[],"messages":[],"result":null}`, "no result"},
		{"success not a bool", `{"success":"true"}`, "success: got a JSON string, want boolean"},
		{"result wrong type", `{"success":true,"errors":[],"messages":[],"result":42}`, "result"},
	}
	for _, ep := range endpoints() {
		for _, b := range bodies {
			t.Run(ep.name+"/"+b.name, func(t *testing.T) {
				m := newMock(t, reply(200, b.body, "Cf-Ray", "ray-invalid-1"))
				c := newMockClient(t, m, nil)
				var resp secondarydns.Response
				got, err := ep.call(context.Background(), c, secondarydns.WithResponse(&resp))
				require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
				assert.Contains(t, err.Error(), b.want)
				assert.Contains(t, err.Error(), "HTTP 200")
				assert.Contains(t, err.Error(), "ray ray-invalid-1")
				assert.Contains(t, err.Error(), ep.method+" "+ep.path())
				var apiErr *secondarydns.APIError
				assert.False(t, errors.As(err, &apiErr))
				assert.Equal(t, 1, m.count(), "an invalid response is not retried")
				assert.Equal(t, 200, resp.StatusCode)
				assert.Equal(t, "ray-invalid-1", resp.RayID)
				assert.Equal(t, 1, resp.Attempts)
				switch g := got.(type) {
				case *secondarydns.Outgoing:
					assert.Nil(t, g)
				case string:
					assert.Empty(t, g)
				case secondarydns.TransferStatus:
					assert.Empty(t, g)
				}
			})
		}
	}
}

// TestInvalidResultFields: a value that cannot be represented fails with
// ErrInvalidResponse naming the field.
func TestInvalidResultFields(t *testing.T) {
	cases := map[string]string{
		`{"soa_serial":-5}`:                                "result.soa_serial",
		`{"soa_serial":1.25}`:                              "result.soa_serial",
		`{"soa_serial":"1"}`:                               "result.soa_serial",
		`{"checked_time":"yesterday"}`:                     "result.checked_time",
		`{"created_time":17}`:                              "result.created_time",
		`{"last_transferred_time":"2019-13-45T00:00:00Z"}`: "result.last_transferred_time",
		`{"peers":{"a":1}}`:                                "result.peers",
		`"just a string"`:                                  "result",
	}
	for result, field := range cases {
		m := newMock(t, reply(200, okEnvelope(result)))
		c := newMockClient(t, m, nil)
		_, err := c.Outgoing.Get(context.Background(), testZone)
		require.ErrorIs(t, err, secondarydns.ErrInvalidResponse, result)
		assert.Contains(t, err.Error(), field+":", result)
	}
}

// TestInvalidResponseMessageIsShort: a huge bad value is cut, so the error
// stays one readable line.
func TestInvalidResponseMessageIsShort(t *testing.T) {
	m := newMock(t, reply(200, okEnvelope(`{"checked_time":"`+strings.Repeat("x", 100000)+`"}`)))
	c := newMockClient(t, m, nil)
	_, err := c.Outgoing.Get(context.Background(), testZone)
	require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
	assert.Contains(t, err.Error(), "result.checked_time")
	assert.Less(t, len(err.Error()), 600)
}

// TestUnknownStatusPassesThrough: the status is an open set.
func TestUnknownStatusPassesThrough(t *testing.T) {
	m := newMock(t, reply(200, okEnvelope(`"Incomplete"`)))
	c := newMockClient(t, m, nil)
	st, err := c.Outgoing.Status(context.Background(), testZone)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.TransferStatus("Incomplete"), st)
}

// TestSuccessMessagesAndResponse: WithResponse reports the last attempt of a
// successful call, with the envelope's messages.
func TestSuccessMessagesAndResponse(t *testing.T) {
	m := newMock(t,
		reply(503, errEnvelope(10001, "busy"), "Cf-Ray", "ray-1"),
		reply(200, `{"success":true,"errors":[],"messages":[{"code":1,"message":"transfer queued"}],"result":"OK"}`, "Cf-Ray", "ray-2", "X-Extra", "yes"),
	)
	c := newMockClient(t, m, nil)
	var resp secondarydns.Response
	got, err := c.Outgoing.ForceNotify(context.Background(), testZone, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, "OK", got)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "ray-2", resp.RayID)
	assert.Equal(t, "yes", resp.Header.Get("X-Extra"))
	assert.Equal(t, []secondarydns.ResponseInfo{{Code: 1, Message: "transfer queued"}}, resp.Messages)
	assert.Equal(t, 2, resp.Attempts)
}

// TestInputValidation: bad arguments fail with ErrInvalidInput saying which
// argument and why, and nothing is sent. Valid edge cases go out, so the
// checks are not stricter than the contract.
func TestInputValidation(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	name253 := strings.Join([]string{label63, label63, label63, strings.Repeat("b", 61)}, ".") // 253 octets
	named := func(name string) secondarydns.OutgoingParams { return secondarydns.OutgoingParams{Name: name} }
	withPeers := func(peers ...string) secondarydns.OutgoingParams {
		return secondarydns.OutgoingParams{Name: "example.com", Peers: peers}
	}
	valid := named("example.com")
	cases := []struct {
		name    string
		zone    string
		params  secondarydns.OutgoingParams
		wantErr string // "" means valid: the request goes out
	}{
		{"empty zone", "", valid, "zone ID is empty"},
		{"zone name instead of ID", "example.com", valid, "pass the zone ID, not the zone name"},
		{"zone too long", strings.Repeat("a", 65), valid, "zone ID is 65 characters long"},
		{"zone with path traversal", "abc/../def", valid, `'/'`},
		{"zone with query", "abc?x=1", valid, `'?'`},
		{"zone with fragment", "abc#x", valid, `'#'`},
		{"zone with percent", "abc%2F", valid, `'%'`},
		{"zone with space", "abc def", valid, `' '`},
		{"zone with newline", "abc\n", valid, `'\n'`},
		{"zone non-ASCII", "zoné", valid, `'é'`},
		{"zone 64 chars ok", strings.Repeat("a", 64), valid, ""},
		{"zone with - and _ ok", "a-b_C9", valid, ""},

		{"empty name", testZone, named(""), "name is empty"},
		{"whitespace name", testZone, named("  \t"), "name is only whitespace"},
		{"name with space", testZone, named("exa mple.com"), "whitespace"},
		{"name with tab", testZone, named("example.com\t"), "whitespace"},
		{"name with NBSP", testZone, named("example\u00a0com"), "whitespace"},
		{"name with control", testZone, named("exam\x00ple.com"), "control character"},
		{"name invalid UTF-8", testZone, named("ex\xffample.com"), "UTF-8"},
		{"name empty label", testZone, named("a..b"), "empty label"},
		{"name leading dot", testZone, named(".example.com"), "empty label"},
		{"name two trailing dots", testZone, named("example.com.."), "empty label"},
		{"name only a dot", testZone, named("."), "empty label"},
		{"name label 64", testZone, named(strings.Repeat("a", 64) + ".com"), "label of 64 octets"},
		{"name 254 octets", testZone, named(name253 + "b"), "254 octets"},
		{"name URL", testZone, named("https://example.com/"), "not a URL"},
		{"name with percent", testZone, named("ex%41mple.com"), "not a URL"},
		{"name 253 octets ok", testZone, named(name253), ""},
		{"name 253 octets plus trailing dot ok", testZone, named(name253 + "."), ""},
		{"name label 63 ok", testZone, named(label63 + ".com"), ""},
		{"name punycode and underscore ok", testZone, named("_dmarc.xn--bcher-kva.example."), ""},
		{"name single label ok", testZone, named("localhost"), ""},

		{"empty peer", testZone, withPeers(peerA, ""), "peers[1] is empty"},
		{"peer with space", testZone, withPeers("bad peer"), "peers[0]"},
		{"peer with slash", testZone, withPeers("a/b"), "peers[0]"},
		{"peer too long", testZone, withPeers(strings.Repeat("p", 65)), "peers[0] is 65 characters long"},
		{"duplicate peers are the API's to judge", testZone, withPeers(peerA, peerA), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, reply(200, okEnvelope(fullOutgoing)))
			c := newMockClient(t, m, nil)
			create := func() error { _, err := c.Outgoing.Create(context.Background(), tc.zone, tc.params); return err }
			update := func() error { _, err := c.Outgoing.Update(context.Background(), tc.zone, tc.params); return err }
			for _, call := range []func() error{create, update} {
				err := call()
				if tc.wantErr == "" {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
				assert.Contains(t, err.Error(), tc.wantErr)
			}
			if tc.wantErr == "" {
				assert.Equal(t, 2, m.count())
			} else {
				assert.Equal(t, 0, m.count(), "nothing may be sent")
			}
		})
	}
}

// TestZoneIDValidatedByEveryMethod: every method refuses a bad zone ID (and a
// nil context) before sending anything.
func TestZoneIDValidatedByEveryMethod(t *testing.T) {
	var nilCtx context.Context
	for _, ep := range endpoints() {
		t.Run(ep.name, func(t *testing.T) {
			m := newMock(t, reply(200, okEnvelope(ep.result)))
			c := newMockClient(t, m, nil)
			for _, zone := range []string{"", "example.com", "../../user", "a%2e%2e", "a b"} {
				err := callWithZone(c, ep.name, context.Background(), zone)
				require.ErrorIs(t, err, secondarydns.ErrInvalidInput, zone)
			}
			_, err := ep.call(nilCtx, c)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), "context is nil")
			assert.Equal(t, 0, m.count())
		})
	}
}

// callWithZone calls the named method with an arbitrary zone ID.
func callWithZone(c *secondarydns.Client, method string, ctx context.Context, zone string) error {
	p := secondarydns.OutgoingParams{Name: "example.com"}
	var err error
	switch method {
	case "Get":
		_, err = c.Outgoing.Get(ctx, zone)
	case "Create":
		_, err = c.Outgoing.Create(ctx, zone, p)
	case "Update":
		_, err = c.Outgoing.Update(ctx, zone, p)
	case "Delete":
		_, err = c.Outgoing.Delete(ctx, zone)
	case "Enable":
		_, err = c.Outgoing.Enable(ctx, zone)
	case "Disable":
		_, err = c.Outgoing.Disable(ctx, zone)
	case "ForceNotify":
		_, err = c.Outgoing.ForceNotify(ctx, zone)
	case "Status":
		_, err = c.Outgoing.Status(ctx, zone)
	}
	return err
}

// Transport failures as net/http reports them.
var (
	errDial      = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	errProxy     = &net.OpError{Op: "proxyconnect", Net: "tcp", Err: syscall.ECONNREFUSED}
	errReset     = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	errWriteFail = &net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}
	errCert      = &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
)

// TestRetryRules: which failures are retried for which method. The default
// of 2 retries means a retried failure is sent 3 times; a failure that is not
// retried is sent once. Create is retried only when the request cannot have
// taken effect: 429 and failures to connect.
func TestRetryRules(t *testing.T) {
	type outcome struct {
		name      string
		responder httpmock.Responder
		retried   bool // for the safe methods
		create    bool // for Create
	}
	outcomes := []outcome{
		{"429", reply(429, errEnvelope(971, "slow down")), true, true},
		{"500", reply(500, errEnvelope(10001, "x")), true, false},
		{"502 HTML", reply(502, "<html>bad gateway</html>"), true, false},
		{"503", reply(503, ""), true, false},
		{"504", reply(504, "timeout"), true, false},
		{"520", reply(520, ""), true, false},
		{"524", reply(524, ""), true, false},
		{"400", reply(400, errEnvelope(1004, "bad")), false, false},
		{"401", reply(401, errEnvelope(9106, "auth")), false, false},
		{"403", reply(403, errEnvelope(10000, "auth")), false, false},
		{"404", reply(404, errEnvelope(1003, "none")), false, false},
		{"405", reply(405, ""), false, false},
		{"408", reply(408, ""), false, false},
		{"409", reply(409, errEnvelope(1002, "exists")), false, false},
		{"422", reply(422, ""), false, false},
		{"307 redirect", reply(307, "", "Location", "https://api.test/elsewhere"), false, false},
		{"dial refused", fail(errDial), true, true},
		{"proxyconnect", fail(errProxy), true, true},
		{"reset after write", fail(errReset), true, false},
		{"write failure", fail(errWriteFail), true, false},
		{"EOF", fail(io.EOF), true, false},
		{"unexpected EOF", fail(io.ErrUnexpectedEOF), true, false},
		{"TLS certificate", fail(errCert), false, false},
		{"200 success false", reply(200, errEnvelope(1000, "no")), false, false},
		{"200 invalid body", reply(200, "{"), false, false},
	}
	for _, ep := range endpoints() {
		for _, o := range outcomes {
			t.Run(ep.name+"/"+o.name, func(t *testing.T) {
				m := newMock(t, o.responder)
				s := &sleeps{}
				c := newMockClient(t, m, s)
				var resp secondarydns.Response
				_, err := ep.call(context.Background(), c, secondarydns.WithResponse(&resp))
				require.Error(t, err)
				retried := o.retried
				if ep.createLike {
					retried = o.create
				}
				want := 1
				if retried {
					want = 3
				}
				assert.Equal(t, want, m.count(), "requests sent")
				assert.Equal(t, want, resp.Attempts)
				assert.Len(t, s.got(), want-1, "waits")
				for _, r := range m.requests() {
					assert.Equal(t, ep.body, r.Body, "the body is complete on every attempt")
				}
			})
		}
	}
}

// TestRetrySucceeds: a retried failure followed by success returns the result.
func TestRetrySucceeds(t *testing.T) {
	for _, ep := range endpoints() {
		t.Run(ep.name, func(t *testing.T) {
			first := reply(503, "")
			if ep.createLike {
				first = fail(errDial)
			}
			m := newMock(t, first, reply(429, ""), reply(200, okEnvelope(ep.result)))
			c := newMockClient(t, m, nil)
			var resp secondarydns.Response
			got, err := ep.call(context.Background(), c, secondarydns.WithResponse(&resp))
			require.NoError(t, err)
			ep.assertResult(t, got)
			assert.Equal(t, 3, resp.Attempts)
			assert.Equal(t, 3, m.count())
		})
	}
}

// TestPerAttemptTimeoutIsRetried: an http.Client timeout ends one attempt,
// not the call; Create is not repeated because its request was sent.
func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	hang := func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	for _, ep := range endpoints() {
		t.Run(ep.name, func(t *testing.T) {
			m := newMock(t, hang, hang, reply(200, okEnvelope(ep.result)))
			m.hc.Timeout = 20 * time.Millisecond
			c := newMockClient(t, m, nil)
			got, err := ep.call(context.Background(), c)
			if ep.createLike {
				var te *secondarydns.TransportError
				require.ErrorAs(t, err, &te, "a transport error, not the caller's context")
				assert.Equal(t, 1, m.count())
				return
			}
			require.NoError(t, err)
			ep.assertResult(t, got)
			assert.Equal(t, 3, m.count())
		})
	}
}

// TestBackoff: wait n is drawn from [0, min(8s, 500ms·2^(n-1))].
func TestBackoff(t *testing.T) {
	var bounds []time.Duration
	s := &sleeps{}
	m := newMock(t, reply(503, ""))
	c := newMockClient(t, m, s, secondarydns.WithMaxRetries(7),
		secondarydns.WithJitterForTest(func(max time.Duration) time.Duration { bounds = append(bounds, max); return max / 2 }))
	_, err := c.Outgoing.Get(context.Background(), testZone)
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{500 * ms, 1000 * ms, 2000 * ms, 4000 * ms, 8000 * ms, 8000 * ms, 8000 * ms}, bounds)
	assert.Equal(t, []time.Duration{250 * ms, 500 * ms, 1000 * ms, 2000 * ms, 4000 * ms, 4000 * ms, 4000 * ms}, s.got())
	assert.Equal(t, 8, m.count())
}

// TestDefaultJitter: the real draw is uniform in [0, max]: within bounds and
// not constant.
func TestDefaultJitter(t *testing.T) {
	var waits []time.Duration
	m := newMock(t, reply(503, ""))
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithHTTPClient(m.hc),
		secondarydns.WithMaxRetries(1),
		secondarydns.WithSleepForTest(func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }))
	require.NoError(t, err)
	for i := 0; i < 200; i++ {
		_, err := c.Outgoing.Status(context.Background(), testZone)
		require.ErrorIs(t, err, secondarydns.ErrServerError)
	}
	require.Len(t, waits, 200)
	distinct := map[time.Duration]bool{}
	var below, above int
	for _, w := range waits {
		require.GreaterOrEqual(t, w, time.Duration(0))
		require.LessOrEqual(t, w, 500*time.Millisecond)
		distinct[w] = true
		if w < 250*time.Millisecond {
			below++
		} else {
			above++
		}
	}
	assert.Greater(t, len(distinct), 150, "the draw is random")
	assert.Greater(t, below, 40, "both halves of the range are drawn")
	assert.Greater(t, above, 40, "both halves of the range are drawn")
}

// TestRetryAfter: the header replaces the backoff when it is at most 60 s;
// beyond that the call returns at once with RetryAfter set.
func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	cases := []struct {
		name      string
		status    int
		value     string
		create    bool
		wantWaits []time.Duration // nil: not retried
		wantRA    time.Duration   // APIError.RetryAfter of the first answer
	}{
		{"seconds", 429, "3", false, []time.Duration{3 * time.Second}, 3 * time.Second},
		{"zero", 429, "0", false, []time.Duration{0}, 0},
		{"sixty", 503, "60", false, []time.Duration{60 * time.Second}, 60 * time.Second},
		{"sixty-one is not waited for", 429, "61", false, nil, 61 * time.Second},
		{"huge", 429, "99999999999999999999", false, nil, time.Duration(1<<63 - 1)},
		{"HTTP date", 503, date(10 * time.Second), false, []time.Duration{10 * time.Second}, 10 * time.Second},
		{"RFC 850 date", 503, now.Add(5 * time.Second).Format("Monday, 02-Jan-06 15:04:05 GMT"), false, []time.Duration{5 * time.Second}, 5 * time.Second},
		{"past date", 429, date(-time.Hour), false, []time.Duration{0}, 0},
		{"date beyond 60s", 429, date(2 * time.Minute), false, nil, 2 * time.Minute},
		{"garbage falls back to backoff", 429, "soon", false, []time.Duration{500 * time.Millisecond}, 0},
		{"negative is garbage", 503, "-5", false, []time.Duration{500 * time.Millisecond}, 0},
		{"fraction is garbage", 503, "1.5", false, []time.Duration{500 * time.Millisecond}, 0},
		{"create on 429 honours it", 429, "2", true, []time.Duration{2 * time.Second}, 2 * time.Second},
		{"create on 503 is not retried but keeps it", 503, "2", true, nil, 2 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, reply(tc.status, "", "Retry-After", tc.value), reply(200, okEnvelope(fullOutgoing)))
			s := &sleeps{}
			c := newMockClient(t, m, s, secondarydns.WithClockForTest(func() time.Time { return now }))
			var err error
			if tc.create {
				_, err = c.Outgoing.Create(context.Background(), testZone, secondarydns.OutgoingParams{Name: "example.com"})
			} else {
				_, err = c.Outgoing.Get(context.Background(), testZone)
			}
			if tc.wantWaits == nil {
				var apiErr *secondarydns.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.status, apiErr.StatusCode)
				assert.Equal(t, tc.wantRA, apiErr.RetryAfter)
				assert.Equal(t, 1, m.count())
				assert.Empty(t, s.got())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantWaits, s.got())
			assert.Equal(t, 2, m.count())
		})
	}
}

// TestRetryAfterOnLastAttempt: when no retry is left the error still carries
// the server's Retry-After.
func TestRetryAfterOnLastAttempt(t *testing.T) {
	m := newMock(t, reply(429, errEnvelope(971, "slow"), "Retry-After", "7"))
	c := newMockClient(t, m, nil, secondarydns.WithMaxRetries(0))
	_, err := c.Outgoing.Status(context.Background(), testZone)
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
	assert.ErrorIs(t, err, secondarydns.ErrRateLimited)
}

// TestContextEndsDuringWait: the wait ends with the context, and the error
// wraps both the context's error and the last APIError.
func TestContextEndsDuringWait(t *testing.T) {
	for _, kind := range []struct {
		name string
		want error
	}{{"canceled", context.Canceled}, {"deadline", context.DeadlineExceeded}} {
		t.Run(kind.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			var ctxUsed context.Context = ctx
			if kind.want == context.DeadlineExceeded {
				var c2 context.CancelFunc
				ctxUsed, c2 = context.WithDeadline(ctx, time.Now().Add(time.Hour))
				defer c2()
			}
			m := newMock(t, reply(503, errEnvelope(10001, "busy"), "Retry-After", "30"))
			waited := 0
			c := newMockClient(t, m, nil, secondarydns.WithSleepForTest(func(sctx context.Context, d time.Duration) error {
				waited++
				assert.Equal(t, 30*time.Second, d)
				// The context ends while the client waits.
				if kind.want == context.Canceled {
					cancel(nil)
					<-sctx.Done()
					return sctx.Err()
				}
				return context.DeadlineExceeded
			}))
			var resp secondarydns.Response
			_, err := c.Outgoing.Get(ctxUsed, testZone, secondarydns.WithResponse(&resp))
			require.ErrorIs(t, err, kind.want)
			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 503, apiErr.StatusCode)
			assert.ErrorIs(t, err, secondarydns.ErrServerError)
			assert.Equal(t, 1, waited)
			assert.Equal(t, 1, m.count())
			assert.Equal(t, 1, resp.Attempts)
		})
	}
}

// TestContextEndsDuringAttempt: a context that ends while an attempt gets a
// 503 returns the context's error wrapping that 503.
func TestContextEndsDuringAttempt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answer := reply(503, errEnvelope(10001, "busy"))
	sent := 0
	// A plain RoundTripper, not httpmock: httpmock races the responder
	// against the context and may drop the answer.
	hc := &http.Client{Transport: roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		sent++
		cancel()
		return answer(req)
	})}
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.Outgoing.Status(ctx, testZone)
	require.ErrorIs(t, err, context.Canceled)
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 1, sent)
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRealSleepEndsWithContext: the production wait returns as soon as the
// context is done, without sleeping.
func TestRealSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { done <- secondarydns.SleepContextForTest(ctx, time.Hour) }()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("the wait ignored the context")
	}
	assert.NoError(t, secondarydns.SleepContextForTest(context.Background(), 0))
}

// TestCanceledBeforeSend: an ended context sends nothing.
func TestCanceledBeforeSend(t *testing.T) {
	m := newMock(t, reply(200, okEnvelope(`"OK"`)))
	c := newMockClient(t, m, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Outgoing.ForceNotify(ctx, testZone)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, m.count())
}

// countingLimiter records Wait calls and can fail the nth.
type countingLimiter struct {
	calls  int
	failAt int
	err    error
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.calls++
	if l.calls == l.failAt {
		return l.err
	}
	return nil
}

type limiterFunc func(ctx context.Context) error

func (f limiterFunc) Wait(ctx context.Context) error { return f(ctx) }

func TestRateLimiter(t *testing.T) {
	t.Run("waited on before every attempt", func(t *testing.T) {
		l := &countingLimiter{}
		m := newMock(t, reply(503, ""), reply(503, ""), reply(200, okEnvelope(`"Enabled"`)))
		c := newMockClient(t, m, nil, secondarydns.WithRateLimiter(l))
		_, err := c.Outgoing.Enable(context.Background(), testZone)
		require.NoError(t, err)
		assert.Equal(t, 3, l.calls)
		assert.Equal(t, 3, m.count())
	})
	t.Run("its error ends the call", func(t *testing.T) {
		errLimit := errors.New("limiter: budget exhausted")
		l := &countingLimiter{failAt: 2, err: errLimit}
		m := newMock(t, reply(503, ""))
		c := newMockClient(t, m, nil, secondarydns.WithRateLimiter(l))
		var resp secondarydns.Response
		_, err := c.Outgoing.Status(context.Background(), testZone, secondarydns.WithResponse(&resp))
		require.ErrorIs(t, err, errLimit)
		assert.Equal(t, 1, m.count())
		assert.Equal(t, 1, resp.Attempts)
	})
	t.Run("the context ending during its wait is reported as such", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		l := limiterFunc(func(context.Context) error { cancel(); return errors.New("limiter: would exceed deadline") })
		m := newMock(t, reply(200, okEnvelope(`"Enabled"`)))
		c := newMockClient(t, m, nil, secondarydns.WithRateLimiter(l))
		_, err := c.Outgoing.Status(ctx, testZone)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, m.count())
	})
	t.Run("per call overrides, nil disables", func(t *testing.T) {
		client, call := &countingLimiter{}, &countingLimiter{}
		m := newMock(t, reply(200, okEnvelope(`"Enabled"`)))
		c := newMockClient(t, m, nil, secondarydns.WithRateLimiter(client))
		_, err := c.Outgoing.Status(context.Background(), testZone, secondarydns.WithRateLimiter(call))
		require.NoError(t, err)
		_, err = c.Outgoing.Status(context.Background(), testZone, secondarydns.WithRateLimiter(nil))
		require.NoError(t, err)
		var typedNil *countingLimiter
		_, err = c.Outgoing.Status(context.Background(), testZone, secondarydns.WithRateLimiter(typedNil))
		require.NoError(t, err)
		_, err = c.Outgoing.Status(context.Background(), testZone)
		require.NoError(t, err)
		assert.Equal(t, 1, call.calls)
		assert.Equal(t, 1, client.calls)
	})
}

// TestLogger: one debug record per attempt and per retry decision, with the
// documented fields and never a credential, body or query.
func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := newMock(t,
		reply(503, `{"success":false,"errors":[{"code":1,"message":"echo `+testToken+`"}]}`, "Cf-Ray", "ray-a"),
		reply(200, okEnvelope(fullOutgoing), "Cf-Ray", "ray-b"))
	c := newMockClient(t, m, nil, secondarydns.WithLogger(logger))
	_, err := c.Outgoing.Update(context.Background(), testZone,
		secondarydns.OutgoingParams{Name: "secret-body-name.example", Peers: []string{peerA}},
		secondarydns.WithQuery(url.Values{"q": {"query-secret"}}))
	require.NoError(t, err)

	var records []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		records = append(records, rec)
	}
	require.Len(t, records, 3)
	path := basePath + "/zones/" + testZone + "/secondary_dns/outgoing"
	for i, rec := range []map[string]any{records[0], records[2]} {
		assert.Equal(t, "DEBUG", rec["level"])
		assert.Equal(t, "PUT", rec["method"])
		assert.Equal(t, path, rec["path"])
		assert.Equal(t, float64(i+1), rec["attempt"])
		assert.Contains(t, rec, "duration")
	}
	assert.Equal(t, float64(503), records[0]["status"])
	assert.Equal(t, "ray-a", records[0]["ray_id"])
	assert.Equal(t, float64(200), records[2]["status"])
	assert.Equal(t, "ray-b", records[2]["ray_id"])
	assert.Equal(t, true, records[1]["retry"])
	assert.Equal(t, float64(1), records[1]["attempt"])
	for _, secret := range []string{testToken, "secret-body-name", "query-secret", "Bearer"} {
		assert.NotContains(t, buf.String(), secret)
	}

	// A nil logger (the default) and a logger above debug log nothing.
	buf.Reset()
	quiet := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	_, err = c.Outgoing.Get(context.Background(), testZone, secondarydns.WithLogger(quiet))
	require.NoError(t, err)
	_, err = c.Outgoing.Get(context.Background(), testZone, secondarydns.WithLogger(nil))
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

// TestNewClientRejects: every invalid option or credential mix fails
// NewClient with ErrInvalidInput saying what is wrong, and never echoes a
// secret.
func TestNewClientRejects(t *testing.T) {
	tok := secondarydns.WithAPIToken(testToken)
	cases := []struct {
		name string
		opts []secondarydns.Option
		want string
	}{
		{"no credentials", nil, "no credentials"},
		{"only a base URL", []secondarydns.Option{secondarydns.WithBaseURL("https://x.example")}, "no credentials"},
		{"token and key", []secondarydns.Option{tok, secondarydns.WithAPIKey(testEmail, testKey)}, "one kind of credential"},
		{"key and token", []secondarydns.Option{secondarydns.WithAPIKey(testEmail, testKey), tok}, "one kind of credential"},
		{"empty token", []secondarydns.Option{secondarydns.WithAPIToken("")}, "token is empty"},
		{"token with trailing space", []secondarydns.Option{secondarydns.WithAPIToken(testToken + " ")}, "whitespace"},
		{"token with leading newline", []secondarydns.Option{secondarydns.WithAPIToken("\n" + testToken)}, "whitespace"},
		{"token with control", []secondarydns.Option{secondarydns.WithAPIToken("tok\x7fen-SECRET")}, "control character"},
		{"empty email", []secondarydns.Option{secondarydns.WithAPIKey("", testKey)}, "both the email and the key"},
		{"empty key", []secondarydns.Option{secondarydns.WithAPIKey(testEmail, "")}, "both the email and the key"},
		{"email with space", []secondarydns.Option{secondarydns.WithAPIKey(" "+testEmail, testKey)}, "email has whitespace"},
		{"key with CR", []secondarydns.Option{secondarydns.WithAPIKey(testEmail, testKey+"\r")}, "key has whitespace"},
		{"key with NUL", []secondarydns.Option{secondarydns.WithAPIKey(testEmail, "k\x00"+testKey)}, "key contains a control character"},
		{"http for a remote host", []secondarydns.Option{tok, secondarydns.WithBaseURL("http://api.cloudflare.com/client/v4")}, "http is allowed only for loopback"},
		{"other scheme", []secondarydns.Option{tok, secondarydns.WithBaseURL("ftp://api.example/")}, `scheme "ftp"`},
		{"user info", []secondarydns.Option{tok, secondarydns.WithBaseURL("https://admin:hunter2-SECRET@api.example/")}, "user info"},
		{"query", []secondarydns.Option{tok, secondarydns.WithBaseURL("https://api.example/v4?x=1")}, "query"},
		{"empty query", []secondarydns.Option{tok, secondarydns.WithBaseURL("https://api.example/v4?")}, "query"},
		{"fragment", []secondarydns.Option{tok, secondarydns.WithBaseURL("https://api.example/v4#top")}, "fragment"},
		{"relative", []secondarydns.Option{tok, secondarydns.WithBaseURL("/client/v4")}, "absolute"},
		{"unparsable", []secondarydns.Option{tok, secondarydns.WithBaseURL("https://hunter2-SECRET@[::1")}, "not a valid URL"},
		{"empty base", []secondarydns.Option{tok, secondarydns.WithBaseURL("")}, "not a valid URL"},
		{"nil http client", []secondarydns.Option{tok, secondarydns.WithHTTPClient(nil)}, "nil"},
		{"negative retries", []secondarydns.Option{tok, secondarydns.WithMaxRetries(-1)}, "negative"},
		{"nil option", []secondarydns.Option{tok, nil}, "option 2 is nil"},
		{"WithResponse on the client", []secondarydns.Option{tok, secondarydns.WithResponse(&secondarydns.Response{})}, "per-call option"},
		{"WithQuery on the client", []secondarydns.Option{tok, secondarydns.WithQuery(url.Values{"a": {"b"}})}, "per-call option"},
		{"header Authorization", []secondarydns.Option{tok, secondarydns.WithHeader("authorization", "Bearer x")}, "Authorization is managed"},
		{"header X-Auth-Key", []secondarydns.Option{tok, secondarydns.WithHeader("X-Auth-Key", "x")}, "managed"},
		{"header X-Auth-Email", []secondarydns.Option{tok, secondarydns.WithHeader("x-auth-email", "x")}, "managed"},
		{"header User-Agent", []secondarydns.Option{tok, secondarydns.WithHeader("User-Agent", "x")}, "managed"},
		{"header Content-Type", []secondarydns.Option{tok, secondarydns.WithHeader("Content-Type", "x")}, "managed"},
		{"header Accept", []secondarydns.Option{tok, secondarydns.WithHeader("ACCEPT", "x")}, "managed"},
		{"header bad name", []secondarydns.Option{tok, secondarydns.WithHeader("X Bad", "x")}, "not a valid header name"},
		{"header empty name", []secondarydns.Option{tok, secondarydns.WithHeader("", "x")}, "not a valid header name"},
		{"header value with newline", []secondarydns.Option{tok, secondarydns.WithHeader("X-Custom", "v\r\nX-Injected: SECRET")}, "control character"},
		{"header value with spaces", []secondarydns.Option{tok, secondarydns.WithHeader("X-Custom", " v ")}, "whitespace"},
		{"user agent with control", []secondarydns.Option{tok, secondarydns.WithUserAgent("app\n")}, "whitespace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := secondarydns.NewClient(tc.opts...)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
			for _, s := range []string{testToken, testKey, "SECRET", "hunter2"} {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

// TestNewClientAccepts: loopback http, trailing slashes, and the same kind of
// credential twice (the last wins).
func TestNewClientAccepts(t *testing.T) {
	for _, base := range []string{
		"http://localhost:8080/v4", "http://LOCALHOST/", "http://127.0.0.1:1", "http://127.9.9.9", "http://[::1]:443/a/b/",
		"https://api.cloudflare.com/client/v4/", "HTTPS://api.example",
	} {
		_, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(base))
		assert.NoError(t, err, base)
	}
	srv := newWireServer(t, func(w http.ResponseWriter, r *http.Request) { writeBody(w, 200, okEnvelope(`"OK"`)) })
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken("first"), secondarydns.WithAPIToken(testToken),
		secondarydns.WithAPIKey(testEmail, "k1"), secondarydns.WithBaseURL(srv.baseURL()))
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "token and key at one level")
	assert.Nil(t, c)
	c, err = secondarydns.NewClient(secondarydns.WithAPIToken("first"), secondarydns.WithAPIToken(testToken),
		secondarydns.WithBaseURL("https://unused.example"), secondarydns.WithBaseURL(srv.baseURL()),
		secondarydns.WithHeader("X-Team", "a"), secondarydns.WithHeader("x-team", "b"),
		secondarydns.WithUserAgent("one/1"), secondarydns.WithUserAgent("two/2"))
	require.NoError(t, err)
	_, err = c.Outgoing.ForceNotify(context.Background(), testZone)
	require.NoError(t, err)
	r := srv.requests()[0]
	assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
	assert.Equal(t, []string{"b"}, r.Header.Values("X-Team"))
	assert.Equal(t, "two/2 secondarydns-go/"+secondarydns.Version, r.Header.Get("User-Agent"))
}

// TestPerCallOptions: a per-call option applies to that call only and
// overrides the client's value; the next call sees the client unchanged.
func TestPerCallOptions(t *testing.T) {
	other := newWireServer(t, func(w http.ResponseWriter, r *http.Request) { writeBody(w, 200, okEnvelope(`"Disabled"`)) })
	type query struct {
		Verbose bool   `url:"verbose"`
		Tag     string `url:"tag,omitempty"`
	}
	cases := []struct {
		name   string
		opts   []secondarydns.Option
		server *wireServer // nil: the client's own
		check  func(t *testing.T, r seenRequest)
	}{
		{"token over key", []secondarydns.Option{secondarydns.WithAPIToken("call-token")}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, "Bearer call-token", r.Header.Get("Authorization"))
			assert.Empty(t, r.Header.Values("X-Auth-Email"))
			assert.Empty(t, r.Header.Values("X-Auth-Key"))
		}},
		{"key over key", []secondarydns.Option{secondarydns.WithAPIKey("call@example.com", "call-key")}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, "call@example.com", r.Header.Get("X-Auth-Email"))
			assert.Equal(t, "call-key", r.Header.Get("X-Auth-Key"))
			assert.Empty(t, r.Header.Values("Authorization"))
		}},
		{"headers merge per key", []secondarydns.Option{secondarydns.WithHeader("X-B", "call"), secondarydns.WithHeader("X-C", "call")}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, []string{"client"}, r.Header.Values("X-A"))
			assert.Equal(t, []string{"call"}, r.Header.Values("X-B"))
			assert.Equal(t, []string{"call"}, r.Header.Values("X-C"))
		}},
		{"user agent", []secondarydns.Option{secondarydns.WithUserAgent("job/7")}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, "job/7 secondarydns-go/"+secondarydns.Version, r.Header.Get("User-Agent"))
		}},
		{"empty user agent drops the prefix", []secondarydns.Option{secondarydns.WithUserAgent("")}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, "secondarydns-go/"+secondarydns.Version, r.Header.Get("User-Agent"))
		}},
		{"query struct", []secondarydns.Option{secondarydns.WithQuery(query{Verbose: true, Tag: "a b"})}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, "tag=a+b&verbose=true", r.RawQuery)
		}},
		{"query pointer, last wins", []secondarydns.Option{secondarydns.WithQuery(url.Values{"x": {"1"}}), secondarydns.WithQuery(&query{})}, nil, func(t *testing.T, r seenRequest) {
			assert.Equal(t, "verbose=false", r.RawQuery)
		}},
		{"base URL", []secondarydns.Option{secondarydns.WithBaseURL(other.baseURL())}, other, func(t *testing.T, r seenRequest) {
			assert.Equal(t, basePath+"/zones/"+testZone+"/secondary_dns/outgoing/status", r.Path)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			own := newWireServer(t, func(w http.ResponseWriter, r *http.Request) { writeBody(w, 200, okEnvelope(`"Enabled"`)) })
			c, err := secondarydns.NewClient(secondarydns.WithAPIKey(testEmail, testKey), secondarydns.WithBaseURL(own.baseURL()),
				secondarydns.WithHeader("X-A", "client"), secondarydns.WithHeader("X-B", "client"), secondarydns.WithUserAgent("app/1"))
			require.NoError(t, err)
			before := len(other.requests())
			_, err = c.Outgoing.Status(context.Background(), testZone, tc.opts...)
			require.NoError(t, err)
			srv := own
			if tc.server != nil {
				srv = tc.server
			}
			reqs := srv.requests()
			require.NotEmpty(t, reqs)
			tc.check(t, reqs[len(reqs)-1])

			// The next call without options is back to the client's values.
			_, err = c.Outgoing.Status(context.Background(), testZone)
			require.NoError(t, err)
			reqs = own.requests()
			r := reqs[len(reqs)-1]
			assert.Equal(t, testEmail, r.Header.Get("X-Auth-Email"))
			assert.Equal(t, testKey, r.Header.Get("X-Auth-Key"))
			assert.Empty(t, r.Header.Values("Authorization"))
			assert.Equal(t, []string{"client"}, r.Header.Values("X-A"))
			assert.Equal(t, []string{"client"}, r.Header.Values("X-B"))
			assert.Empty(t, r.Header.Values("X-C"))
			assert.Equal(t, "app/1 secondarydns-go/"+secondarydns.Version, r.Header.Get("User-Agent"))
			assert.Empty(t, r.RawQuery)
			if tc.server == nil {
				assert.Len(t, other.requests(), before, "the other server saw nothing")
			}
		})
	}
}

// TestPerCallRetriesAndInvalidOptions: per-call retries override the
// client's; an invalid per-call option fails that call before sending.
func TestPerCallRetriesAndInvalidOptions(t *testing.T) {
	m := newMock(t, reply(503, ""))
	c := newMockClient(t, m, nil, secondarydns.WithMaxRetries(4))
	_, err := c.Outgoing.Get(context.Background(), testZone, secondarydns.WithMaxRetries(0))
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Equal(t, 1, m.count())
	_, err = c.Outgoing.Get(context.Background(), testZone)
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Equal(t, 1+5, m.count(), "the client's 4 retries still apply")

	bad := map[string][]secondarydns.Option{
		"nil option":             {nil},
		"WithResponse(nil)":      {secondarydns.WithResponse(nil)},
		"WithQuery(nil)":         {secondarydns.WithQuery(nil)},
		"WithQuery(not struct)":  {secondarydns.WithQuery(42)},
		"token and key per call": {secondarydns.WithAPIToken("a"), secondarydns.WithAPIKey("e@x", "k")},
		"negative retries":       {secondarydns.WithMaxRetries(-2)},
		"managed header":         {secondarydns.WithHeader("Authorization", "Bearer z")},
		"bad base URL":           {secondarydns.WithBaseURL("http://example.com")},
		"nil http client":        {secondarydns.WithHTTPClient(nil)},
	}
	for name, opts := range bad {
		before := m.count()
		var resp secondarydns.Response
		_, err := c.Outgoing.Delete(context.Background(), testZone, append(opts, secondarydns.WithResponse(&resp))...)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, name)
		assert.Equal(t, before, m.count(), "%s: nothing sent", name)
	}
}

// TestHTTPClientNotMutated: the caller's client keeps its redirect policy,
// and its transport is used.
func TestHTTPClientNotMutated(t *testing.T) {
	m := newMock(t, reply(200, okEnvelope(`"OK"`)))
	calledRedirect := false
	check := func(*http.Request, []*http.Request) error { calledRedirect = true; return nil }
	m.hc.CheckRedirect = check
	m.hc.Timeout = time.Minute
	before := *m.hc
	c := newMockClient(t, m, nil)
	_, err := c.Outgoing.ForceNotify(context.Background(), testZone)
	require.NoError(t, err)
	_, err = c.Outgoing.ForceNotify(context.Background(), testZone, secondarydns.WithHTTPClient(m.hc))
	require.NoError(t, err)
	assert.Equal(t, before.Transport, m.hc.Transport)
	assert.Equal(t, before.Timeout, m.hc.Timeout)
	assert.Equal(t, before.Jar, m.hc.Jar)
	assert.Equal(t, reflectPointer(check), reflectPointer(m.hc.CheckRedirect), "CheckRedirect untouched")
	assert.False(t, calledRedirect)
	assert.Equal(t, 2, m.count())
}

func reflectPointer(f any) uintptr { return reflect.ValueOf(f).Pointer() }

// TestWithEnv: token first, else email+key; the base URL when set; missing or
// half-set variables are errors. It counts as the kind it found.
func TestWithEnv(t *testing.T) {
	srv := newWireServer(t, func(w http.ResponseWriter, r *http.Request) { writeBody(w, 200, okEnvelope(`"OK"`)) })
	cases := []struct {
		name    string
		env     map[string]string
		extra   []secondarydns.Option
		wantErr string
		check   func(t *testing.T, r seenRequest)
	}{
		{name: "nothing set", wantErr: "set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY"},
		{name: "email only", env: map[string]string{"CLOUDFLARE_EMAIL": testEmail}, wantErr: "CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not"},
		{name: "key only", env: map[string]string{"CLOUDFLARE_API_KEY": testKey}, wantErr: "CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not"},
		{name: "bad base URL", env: map[string]string{"CLOUDFLARE_API_TOKEN": testToken, "CLOUDFLARE_BASE_URL": "http://remote.example"}, wantErr: "CLOUDFLARE_BASE_URL"},
		{name: "token with newline", env: map[string]string{"CLOUDFLARE_API_TOKEN": testToken + "\n"}, wantErr: "CLOUDFLARE_API_TOKEN"},
		{name: "env token and key option", env: map[string]string{"CLOUDFLARE_API_TOKEN": testToken},
			extra: []secondarydns.Option{secondarydns.WithAPIKey(testEmail, testKey)}, wantErr: "one kind of credential"},
		{name: "token", env: map[string]string{"CLOUDFLARE_API_TOKEN": testToken, "CLOUDFLARE_EMAIL": testEmail, "CLOUDFLARE_API_KEY": testKey},
			check: func(t *testing.T, r seenRequest) {
				assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
				assert.Empty(t, r.Header.Values("X-Auth-Key"))
			}},
		{name: "email and key", env: map[string]string{"CLOUDFLARE_EMAIL": testEmail, "CLOUDFLARE_API_KEY": testKey},
			check: func(t *testing.T, r seenRequest) {
				assert.Equal(t, testEmail, r.Header.Get("X-Auth-Email"))
				assert.Equal(t, testKey, r.Header.Get("X-Auth-Key"))
				assert.Empty(t, r.Header.Values("Authorization"))
			}},
		{name: "env token then option token: last wins", env: map[string]string{"CLOUDFLARE_API_TOKEN": "env-token"},
			extra: []secondarydns.Option{secondarydns.WithAPIToken(testToken)},
			check: func(t *testing.T, r seenRequest) { assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization")) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"} {
				t.Setenv(k, tc.env[k])
			}
			base := tc.env["CLOUDFLARE_BASE_URL"]
			if base == "" {
				base = srv.baseURL()
			}
			t.Setenv("CLOUDFLARE_BASE_URL", base)
			c, err := secondarydns.NewClient(append([]secondarydns.Option{secondarydns.WithEnv()}, tc.extra...)...)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotContains(t, err.Error(), testToken)
				return
			}
			require.NoError(t, err)
			_, err = c.Outgoing.ForceNotify(context.Background(), testZone)
			require.NoError(t, err, "the base URL came from CLOUDFLARE_BASE_URL")
			reqs := srv.requests()
			tc.check(t, reqs[len(reqs)-1])
		})
	}
}

// TestSecretsNeverRendered: no fmt verb on the client, an option, an error or
// a log record shows a credential, and credentials echoed by a server are
// scrubbed from what the error keeps.
func TestSecretsNeverRendered(t *testing.T) {
	echo := `{"success":false,"errors":[{"code":9103,"message":"bad key ` + testKey + ` for ` + testEmail + `","error_chain":[{"code":1,"message":"Bearer ` + testToken + `"}]}],"messages":[{"code":2,"message":"` + testKey + `"}]}`
	plain := "proxy saw Authorization: Bearer " + testToken + " and X-Auth-Key: " + testKey
	token, key := secondarydns.WithAPIToken(testToken), secondarydns.WithAPIKey(testEmail, testKey)
	for _, tc := range []struct {
		name    string
		opts    []secondarydns.Option
		body    string
		secrets []string // the credentials this client sends
	}{
		{"token, envelope echo", []secondarydns.Option{token}, echo, []string{testToken}},
		{"key, envelope echo", []secondarydns.Option{key}, echo, []string{testKey, testEmail}},
		{"token, plain echo", []secondarydns.Option{token}, plain, []string{testToken}},
		{"key, plain echo", []secondarydns.Option{key}, plain, []string{testKey}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			m := newMock(t, reply(502, tc.body))
			c, err := secondarydns.NewClient(append(tc.opts, secondarydns.WithHTTPClient(m.hc), secondarydns.WithMaxRetries(1),
				secondarydns.WithSleepForTest(func(context.Context, time.Duration) error { return nil }),
				secondarydns.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))...)
			require.NoError(t, err)
			var resp secondarydns.Response
			_, err = c.Outgoing.Get(context.Background(), testZone, append(tc.opts, secondarydns.WithResponse(&resp))...)
			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)

			var rendered []string
			type holder struct {
				client  *secondarydns.Client
				service *secondarydns.OutgoingService
			}
			for _, v := range []any{c, *c, c.Outgoing, *c.Outgoing, holder{c, c.Outgoing}, &holder{c, c.Outgoing},
				err, apiErr, *apiErr, tc.opts[0], resp, secondarydns.WithAPIToken(testToken)} {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
					rendered = append(rendered, fmt.Sprintf(verb, v))
				}
			}
			rendered = append(rendered, err.Error(), logs.String())
			for _, out := range rendered {
				for _, s := range tc.secrets {
					require.NotContains(t, out, s)
				}
			}
			assert.Equal(t, 502, apiErr.StatusCode, "the status survives scrubbing")
			switch tc.name {
			case "token, envelope echo":
				assert.Equal(t, "Bearer [redacted]", apiErr.Errors[0].ErrorChain[0].Message)
			case "key, envelope echo":
				assert.Equal(t, "bad key [redacted] for [redacted]", apiErr.Errors[0].Message)
				assert.Equal(t, "[redacted]", resp.Messages[0].Message)
			case "token, plain echo":
				assert.Equal(t, "proxy saw Authorization: Bearer [redacted] and X-Auth-Key: "+testKey, apiErr.Body)
			case "key, plain echo":
				assert.Equal(t, "proxy saw Authorization: Bearer "+testToken+" and X-Auth-Key: [redacted]", apiErr.Body)
			}
		})
	}
}

// Version 2 options: retry timing, attempts in errors, the token prefix, and
// services NewClient did not make.

// TestWithBackoff: the wait before retry n is drawn from
// [0, min(max, base·2^(n-1))] with the configured bounds, at either level,
// and no bound overflows however many retries there are.
func TestWithBackoff(t *testing.T) {
	ms := time.Millisecond
	const maxDur = time.Duration(1<<63 - 1)
	var doubling []time.Duration // 1ns doubling up to the longest duration
	for d := time.Duration(1); len(doubling) < 70; d *= 2 {
		if d <= 0 || d > maxDur/2+1 {
			d = maxDur
		}
		doubling = append(doubling, d)
		if d == maxDur {
			for len(doubling) < 70 {
				doubling = append(doubling, maxDur)
			}
		}
	}
	cases := []struct {
		name         string
		client, call []secondarydns.Option
		want         []time.Duration // the bounds, which the test jitter also waits
	}{
		{"default", nil, nil, []time.Duration{500 * ms, 1000 * ms, 2000 * ms, 4000 * ms, 8000 * ms}},
		{"client level", []secondarydns.Option{secondarydns.WithBackoff(100*ms, 300*ms)}, nil,
			[]time.Duration{100 * ms, 200 * ms, 300 * ms, 300 * ms, 300 * ms}},
		{"per call overrides the client", []secondarydns.Option{secondarydns.WithBackoff(100*ms, 300*ms)},
			[]secondarydns.Option{secondarydns.WithBackoff(time.Second, time.Second)},
			[]time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second}},
		{"the last at one level wins", nil,
			[]secondarydns.Option{secondarydns.WithBackoff(time.Second, time.Second), secondarydns.WithBackoff(ms, 2*ms)},
			[]time.Duration{ms, 2 * ms, 2 * ms, 2 * ms, 2 * ms}},
		{"zero retries at once", nil, []secondarydns.Option{secondarydns.WithBackoff(0, 0)}, []time.Duration{0, 0, 0, 0, 0}},
		{"zero base", []secondarydns.Option{secondarydns.WithBackoff(0, time.Hour)}, nil, []time.Duration{0, 0, 0, 0, 0}},
		{"base equal to max", []secondarydns.Option{secondarydns.WithBackoff(time.Minute, time.Minute)}, nil,
			[]time.Duration{time.Minute, time.Minute, time.Minute, time.Minute, time.Minute}},
		{"doubling never overflows", []secondarydns.Option{secondarydns.WithBackoff(1, maxDur), secondarydns.WithMaxRetries(70)}, nil, doubling},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, reply(503, ""))
			s := &sleeps{}
			var bounds []time.Duration
			c := newMockClient(t, m, s, append([]secondarydns.Option{secondarydns.WithMaxRetries(5),
				secondarydns.WithJitterForTest(func(max time.Duration) time.Duration { bounds = append(bounds, max); return max })},
				tc.client...)...)
			_, err := c.Outgoing.Get(context.Background(), testZone, tc.call...)
			require.ErrorIs(t, err, secondarydns.ErrServerError)
			assert.Equal(t, tc.want, bounds, "upper bounds of the draws")
			assert.Equal(t, tc.want, s.got(), "waits")
			assert.Equal(t, len(tc.want)+1, m.count())
		})
	}
}

// TestRetryOptionsInvalid: negative durations and base > max fail NewClient,
// and fail a call before anything is sent.
func TestRetryOptionsInvalid(t *testing.T) {
	cases := []struct {
		name string
		opt  secondarydns.Option
		want string
	}{
		{"negative base", secondarydns.WithBackoff(-time.Second, time.Second), "WithBackoff: negative"},
		{"negative max", secondarydns.WithBackoff(0, -1), "WithBackoff: negative"},
		{"both negative", secondarydns.WithBackoff(-2, -1), "WithBackoff: negative"},
		{"base above max", secondarydns.WithBackoff(2*time.Second, time.Second), "WithBackoff: base 2s is greater than max 1s"},
		{"base above a zero max", secondarydns.WithBackoff(1, 0), "greater than max"},
		{"negative retry wait", secondarydns.WithMaxRetryWait(-time.Nanosecond), "WithMaxRetryWait: -1ns is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), tc.opt)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tc.want)
			assert.Nil(t, c)

			m := newMock(t, reply(200, okEnvelope(`"OK"`)))
			c = newMockClient(t, m, nil)
			_, err = c.Outgoing.ForceNotify(context.Background(), testZone, tc.opt)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tc.want)
			assert.Zero(t, m.count(), "nothing is sent")
		})
	}
}

// TestWithMaxRetryWait: a Retry-After of at most the limit is waited for; a
// longer one returns the *APIError at once with RetryAfter set; 0 waits only
// for "Retry-After: 0". A per-call value overrides the client's.
func TestWithMaxRetryWait(t *testing.T) {
	cases := []struct {
		name         string
		client, call []secondarydns.Option
		retryAfter   string
		wantWaits    []time.Duration // nil: not retried
		wantRA       time.Duration
	}{
		{"at the client's limit", []secondarydns.Option{secondarydns.WithMaxRetryWait(5 * time.Second)}, nil, "5", []time.Duration{5 * time.Second}, 5 * time.Second},
		{"over the client's limit", []secondarydns.Option{secondarydns.WithMaxRetryWait(5 * time.Second)}, nil, "6", nil, 6 * time.Second},
		{"zero waits for zero", nil, []secondarydns.Option{secondarydns.WithMaxRetryWait(0)}, "0", []time.Duration{0}, 0},
		{"zero refuses one second", nil, []secondarydns.Option{secondarydns.WithMaxRetryWait(0)}, "1", nil, time.Second},
		{"per call raises the client's", []secondarydns.Option{secondarydns.WithMaxRetryWait(0)},
			[]secondarydns.Option{secondarydns.WithMaxRetryWait(5 * time.Minute)}, "300", []time.Duration{5 * time.Minute}, 5 * time.Minute},
		{"per call lowers the default", nil, []secondarydns.Option{secondarydns.WithMaxRetryWait(time.Second)}, "2", nil, 2 * time.Second},
		{"default is 60 s", nil, nil, "60", []time.Duration{time.Minute}, time.Minute},
		{"no Retry-After: backoff whatever the limit", nil, []secondarydns.Option{secondarydns.WithMaxRetryWait(0)}, "", []time.Duration{500 * time.Millisecond}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.retryAfter != "" {
				hdr = []string{"Retry-After", tc.retryAfter}
			}
			m := newMock(t, reply(429, errEnvelope(971, "slow down"), hdr...), reply(200, okEnvelope(`"Enabled"`)))
			s := &sleeps{}
			c := newMockClient(t, m, s, tc.client...)
			var resp secondarydns.Response
			_, err := c.Outgoing.Status(context.Background(), testZone, append(tc.call, secondarydns.WithResponse(&resp))...)
			if tc.wantWaits == nil {
				var apiErr *secondarydns.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.wantRA, apiErr.RetryAfter)
				assert.Equal(t, 1, apiErr.Attempts)
				assert.Contains(t, err.Error(), "(retry after "+tc.wantRA.String()+")")
				assert.Equal(t, 1, m.count(), "returned at once")
				assert.Empty(t, s.got())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantWaits, s.got())
			assert.Equal(t, 2, resp.Attempts)
		})
	}
}

// TestAPIErrorAttempts: APIError.Attempts counts every request of the call,
// and Error() says "after N attempts" right after the status when N > 1.
func TestAPIErrorAttempts(t *testing.T) {
	path := basePath + "/zones/" + testZone + "/secondary_dns/outgoing"
	cases := []struct {
		name     string
		steps    []httpmock.Responder
		create   bool
		attempts int
		text     string // exact Error()
	}{
		{"one attempt says nothing", []httpmock.Responder{reply(404, errEnvelope(1003, "none"))}, false, 1,
			"secondarydns: GET " + path + ": 404 Not Found: [1003] none (ray " + testRay + ")"},
		{"retries exhausted", []httpmock.Responder{reply(503, errEnvelope(10001, "busy"))}, false, 3,
			"secondarydns: GET " + path + ": 503 Service Unavailable after 3 attempts: [10001] busy (ray " + testRay + ")"},
		{"a retry ends in an error that is not retried", []httpmock.Responder{reply(503, ""), reply(404, errEnvelope(1003, "gone"))}, false, 2,
			"secondarydns: GET " + path + ": 404 Not Found after 2 attempts: [1003] gone (ray " + testRay + ")"},
		{"success=false after a retry", []httpmock.Responder{reply(502, "<html>"), reply(200, errEnvelope(1000, "no"))}, false, 2,
			"secondarydns: GET " + path + ": 200 OK with success=false after 2 attempts: [1000] no (ray " + testRay + ")"},
		{"a body and a Retry-After", []httpmock.Responder{reply(429, "slow", "Retry-After", "1"), reply(429, "slow", "Retry-After", "90")}, false, 2,
			"secondarydns: GET " + path + ": 429 Too Many Requests after 2 attempts: body: \"slow\" (retry after 1m30s) (ray " + testRay + ")"},
		{"a create that is not retried", []httpmock.Responder{reply(503, "")}, true, 1,
			"secondarydns: POST " + path + ": 503 Service Unavailable (ray " + testRay + ")"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, tc.steps...)
			c := newMockClient(t, m, nil)
			var err error
			if tc.create {
				_, err = c.Outgoing.Create(context.Background(), testZone, secondarydns.OutgoingParams{Name: "example.com"})
			} else {
				_, err = c.Outgoing.Get(context.Background(), testZone)
			}
			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.attempts, apiErr.Attempts)
			assert.Equal(t, tc.attempts, m.count())
			assert.Equal(t, tc.text, err.Error())
		})
	}

	t.Run("the context ends during a wait", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		m := newMock(t, reply(503, errEnvelope(10001, "busy")))
		waits := 0
		c := newMockClient(t, m, nil, secondarydns.WithSleepForTest(func(ctx context.Context, _ time.Duration) error {
			if waits++; waits == 2 {
				cancel()
			}
			return ctx.Err()
		}))
		_, err := c.Outgoing.Get(ctx, testZone)
		require.ErrorIs(t, err, context.Canceled)
		var apiErr *secondarydns.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 2, apiErr.Attempts)
		assert.Equal(t, 1, strings.Count(err.Error(), "after 2 attempts"), "the count is said once: %s", err)
	})

	t.Run("a zero value prints as before", func(t *testing.T) {
		for _, n := range []int{0, 1} {
			e := &secondarydns.APIError{StatusCode: 500, Method: "GET", Path: "/p", Attempts: n}
			assert.Equal(t, "secondarydns: GET /p: 500 Internal Server Error", e.Error())
		}
	})
}

// TestAPITokenWithBearerPrefix: a token pasted with its scheme is refused at
// either level and through WithEnv, with a hint and without echoing it.
func TestAPITokenWithBearerPrefix(t *testing.T) {
	for _, v := range []string{"Bearer " + testToken, "bearer " + testToken, "BEARER " + testToken, "bEaReR " + testToken} {
		t.Run(v[:6], func(t *testing.T) {
			check := func(err error) {
				t.Helper()
				require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
				assert.Contains(t, err.Error(), "pass the token alone")
				assert.NotContains(t, err.Error(), testToken)
			}
			_, err := secondarydns.NewClient(secondarydns.WithAPIToken(v))
			check(err)

			m := newMock(t, reply(200, okEnvelope(`"OK"`)))
			c := newMockClient(t, m, nil)
			_, err = c.Outgoing.ForceNotify(context.Background(), testZone, secondarydns.WithAPIToken(v))
			check(err)
			assert.Zero(t, m.count(), "nothing is sent")

			t.Setenv(secondarydns.EnvAPIToken, v)
			_, err = secondarydns.NewClient(secondarydns.WithEnv())
			check(err)
			assert.Contains(t, err.Error(), secondarydns.EnvAPIToken)
		})
	}
	// Only the scheme and its space are refused.
	for _, v := range []string{"Bearerish-token", "Bearer", "my-Bearer token"} {
		_, err := secondarydns.NewClient(secondarydns.WithAPIToken(v))
		assert.NoError(t, err, v)
	}
}

// TestServiceNotMadeByNewClient: every method of a nil OutgoingService, a
// zero one, or a zero Client's returns ErrInvalidInput instead of panicking.
func TestServiceNotMadeByNewClient(t *testing.T) {
	ctx := context.Background()
	params := secondarydns.OutgoingParams{Name: "example.com", Peers: []string{peerA}}
	methods := map[string]func(s *secondarydns.OutgoingService) error{
		"Get":         func(s *secondarydns.OutgoingService) error { _, err := s.Get(ctx, testZone); return err },
		"Create":      func(s *secondarydns.OutgoingService) error { _, err := s.Create(ctx, testZone, params); return err },
		"Update":      func(s *secondarydns.OutgoingService) error { _, err := s.Update(ctx, testZone, params); return err },
		"Delete":      func(s *secondarydns.OutgoingService) error { _, err := s.Delete(ctx, testZone); return err },
		"Enable":      func(s *secondarydns.OutgoingService) error { _, err := s.Enable(ctx, testZone); return err },
		"Disable":     func(s *secondarydns.OutgoingService) error { _, err := s.Disable(ctx, testZone); return err },
		"ForceNotify": func(s *secondarydns.OutgoingService) error { _, err := s.ForceNotify(ctx, testZone); return err },
		"Status":      func(s *secondarydns.OutgoingService) error { _, err := s.Status(ctx, testZone); return err },
		// Bad arguments too: the missing client is the mistake to report.
		"Create with bad params": func(s *secondarydns.OutgoingService) error {
			_, err := s.Create(ctx, "", secondarydns.OutgoingParams{})
			return err
		},
		"Get with a nil context": func(s *secondarydns.OutgoingService) error {
			var nilCtx context.Context // a variable, so vet and staticcheck let it through
			_, err := s.Get(nilCtx, testZone)
			return err
		},
	}
	var zeroClient secondarydns.Client
	services := map[string]*secondarydns.OutgoingService{
		"nil":                  nil,
		"zero OutgoingService": {},
		"zero Client's":        zeroClient.Outgoing,
		"new(Client)'s":        new(secondarydns.Client).Outgoing,
	}
	for sname, s := range services {
		for mname, call := range methods {
			t.Run(sname+"/"+mname, func(t *testing.T) {
				var err error
				require.NotPanics(t, func() { err = call(s) })
				require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
				assert.Contains(t, err.Error(), "use NewClient")
			})
		}
	}
	// A copy of a real service works: it refers to the same client.
	m := newMock(t, reply(200, okEnvelope(`"Enabled"`)))
	c := newMockClient(t, m, nil)
	cp := *c.Outgoing
	st, err := cp.Status(ctx, testZone)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)
}

// Mutation audit: each test below fails if the guarantee it names is broken
// (each was checked by breaking the code on purpose).

// TestSuccessFalseWithAResultIsAnError: a 2xx whose envelope says
// success:false is an *APIError of no HTTP class even when its result decodes
// perfectly, for every endpoint; the result is never returned.
func TestSuccessFalseWithAResultIsAnError(t *testing.T) {
	for _, ep := range endpoints() {
		for _, status := range []int{200, 201} {
			t.Run(ep.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				body := `{"success":false,"errors":[{"code":1000,"message":"refused"}],"messages":[],"result":` + ep.result + `}`
				m := newMock(t, reply(status, body))
				c := newMockClient(t, m, nil)
				got, err := ep.call(context.Background(), c)
				var apiErr *secondarydns.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.StatusCode)
				assert.True(t, apiErr.HasCode(1000))
				assert.Contains(t, err.Error(), "with success=false: [1000] refused")
				for _, s := range sentinels {
					assert.NotErrorIs(t, err, s)
				}
				assert.NotErrorIs(t, err, secondarydns.ErrInvalidResponse)
				assert.True(t, reflect.ValueOf(got).IsZero(), "no result with the error: %#v", got)
				assert.Equal(t, 1, m.count(), "success=false is not retried")
			})
		}
	}
}

// TestResponseResetWhenACallIsRefused: a Response reused from an earlier
// call is cleared by a call that fails validation, whatever failed and
// wherever WithResponse stands among the options, so it never shows the
// earlier call's status, ray ID or attempts.
func TestResponseResetWhenACallIsRefused(t *testing.T) {
	var nilCtx context.Context
	ctx := context.Background()
	bad := secondarydns.WithMaxRetries(-1)
	cases := []struct {
		name string
		call func(c *secondarydns.Client, resp *secondarydns.Response) error
	}{
		{"invalid zone ID", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Get(ctx, "example.com", secondarydns.WithResponse(r))
			return err
		}},
		{"invalid option after WithResponse", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Status(ctx, testZone, secondarydns.WithResponse(r), bad)
			return err
		}},
		{"invalid option before WithResponse", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Status(ctx, testZone, bad, secondarydns.WithResponse(r))
			return err
		}},
		{"nil option before WithResponse", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Enable(ctx, testZone, nil, secondarydns.WithResponse(r))
			return err
		}},
		{"nil context", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Delete(nilCtx, testZone, secondarydns.WithResponse(r))
			return err
		}},
		{"invalid Create params", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Create(ctx, testZone, secondarydns.OutgoingParams{Name: "a..b"}, secondarydns.WithResponse(r))
			return err
		}},
		{"invalid Update peer", func(c *secondarydns.Client, r *secondarydns.Response) error {
			_, err := c.Outgoing.Update(ctx, testZone, secondarydns.OutgoingParams{Name: "example.com", Peers: []string{"192.0.2.1"}}, secondarydns.WithResponse(r))
			return err
		}},
		{"service not made by NewClient", func(_ *secondarydns.Client, r *secondarydns.Response) error {
			_, err := new(secondarydns.OutgoingService).ForceNotify(ctx, testZone, secondarydns.WithResponse(r))
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, reply(200, okEnvelope(`"Enabled"`), "X-Mark", "earlier"))
			c := newMockClient(t, m, nil)
			var resp secondarydns.Response
			_, err := c.Outgoing.Status(ctx, testZone, secondarydns.WithResponse(&resp))
			require.NoError(t, err)
			require.Equal(t, 200, resp.StatusCode, "the earlier call filled it")

			err = tc.call(c, &resp)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Equal(t, secondarydns.Response{}, resp, "nothing of the earlier call is left")
			assert.Equal(t, 1, m.count(), "the refused call sent nothing")
		})
	}
}

// TestLogNeverCarriesBodyBytes: whatever a response body holds (an HTML
// page, envelope messages, a result value quoted by an ErrInvalidResponse,
// a cut body), no debug record carries any byte of it.
func TestLogNeverCarriesBodyBytes(t *testing.T) {
	const mark = "BODYMARK"
	cases := []struct {
		name  string
		steps []httpmock.Responder
	}{
		{"HTML 502 then envelope 400", []httpmock.Responder{
			reply(502, "<html><title>"+mark+"-html</title></html>"),
			reply(400, `{"success":false,"errors":[{"code":1004,"message":"`+mark+`-error","source":{"pointer":"/`+mark+`"}}],"messages":[{"code":1,"message":"`+mark+`-msg"}]}`)}},
		{"invalid result value", []httpmock.Responder{
			reply(200, okEnvelope(`{"id":"x","checked_time":"`+mark+`-time"}`))}},
		{"wrong-typed result", []httpmock.Responder{
			reply(200, okEnvelope(`{"id":"x","soa_serial":"`+mark+`-serial"}`))}},
		{"not an envelope", []httpmock.Responder{
			reply(200, `{"message":"`+mark+`-proxy"}`)}},
		{"invalid JSON", []httpmock.Responder{
			reply(200, `{"success":true,"result":`+mark+`-json`)}},
		{"success with messages", []httpmock.Responder{
			reply(200, `{"success":true,"errors":[],"messages":[{"code":1,"message":"`+mark+`-ok"}],"result":`+fullOutgoing+`}`)}},
		{"429 body with a long Retry-After", []httpmock.Responder{
			reply(429, mark+"-429", "Retry-After", "600")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			m := newMock(t, tc.steps...)
			c := newMockClient(t, m, nil, secondarydns.WithLogger(logger))
			_, _ = c.Outgoing.Get(context.Background(), testZone)
			require.NotEmpty(t, buf.String(), "records were written")
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				assert.NotContains(t, line, mark, "a log record carries body bytes")
			}
		})
	}
}

// TestTransportErrorOmitsURLAndQuery: a transport error's text (and its log
// record) names the method and the path, never the URL's scheme and host
// again, nor the query, which may carry anything a caller put there.
func TestTransportErrorOmitsURLAndQuery(t *testing.T) {
	const qmark = "QUERYMARK"
	query := secondarydns.WithQuery(url.Values{"token": {qmark}})
	cut := newWireServer(t, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"success\":true")
		_ = buf.Flush()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedURL := "http://" + ln.Addr().String() + basePath
	require.NoError(t, ln.Close())

	cases := []struct {
		name string
		opts []secondarydns.Option
	}{
		{"mocked dial failure", []secondarydns.Option{secondarydns.WithHTTPClient(newMock(t, fail(errDial)).hc)}},
		{"mocked reset", []secondarydns.Option{secondarydns.WithHTTPClient(newMock(t, fail(errReset)).hc)}},
		{"real connection refused", []secondarydns.Option{secondarydns.WithBaseURL(refusedURL), secondarydns.WithHTTPClient(&http.Client{})}},
		{"real body cut short", []secondarydns.Option{secondarydns.WithBaseURL(cut.baseURL()), secondarydns.WithHTTPClient(&http.Client{})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := newMockClient(t, newMock(t, reply(200, okEnvelope(`"OK"`))), nil,
				append([]secondarydns.Option{secondarydns.WithLogger(logger), secondarydns.WithMaxRetries(0)}, tc.opts...)...)
			_, err := c.Outgoing.ForceNotify(context.Background(), testZone, query)
			var te *secondarydns.TransportError
			require.ErrorAs(t, err, &te)
			msg := err.Error()
			assert.Equal(t, "POST", te.Method)
			assert.Equal(t, basePath+"/zones/"+testZone+"/secondary_dns/outgoing/force_notify", te.Path)
			assert.Contains(t, msg, "POST "+te.Path+": ")
			for _, s := range []string{qmark, "?", "http://", "https://", "api.test/"} {
				assert.NotContains(t, msg, s, "the error repeats the URL or query")
				assert.NotContains(t, buf.String(), s, "the log repeats the URL or query")
			}
			assert.Equal(t, 1, strings.Count(msg, te.Path), "the path is said once: %s", msg)
		})
	}
}

// Rough edges a new user found (issue 10).

// TestScrubNeverCorruptsText: credentials too short to be real are not
// scrubbed, so they cannot mangle words, ray IDs or bodies; real-length ones
// are scrubbed wherever they occur; the email only as a whole address.
func TestScrubNeverCorruptsText(t *testing.T) {
	const ray = "8c1f2d3e4a5b6c7d-SJC"
	envelope := func(msg string) string {
		return `{"success":false,"errors":[{"code":10000,"message":"` + msg + `"}],"messages":[{"code":1,"message":"` + msg + `"}]}`
	}
	cases := []struct {
		name       string
		cred       secondarydns.Option
		status     int
		body       string
		wantMsg    string // the first error's message ("" for a body that is not an envelope)
		wantBody   string
		wantRay    string
		mustNotSee string // a credential that must be gone from every output
	}{
		{"one-byte token leaves words and the ray alone", secondarydns.WithAPIToken("a"), 403,
			envelope("Authentication error"), "Authentication error", "", ray, ""},
		{"seven-byte token is not scrubbed", secondarydns.WithAPIToken("Authent"), 403,
			envelope("Authentication error"), "Authentication error", "", ray, ""},
		{"short token leaves an HTML body alone", secondarydns.WithAPIToken("d-S"), 502,
			"<html>bad gateway d-SJC</html>", "", "<html>bad gateway d-SJC</html>", ray, ""},
		{"short key leaves the ray alone", secondarydns.WithAPIKey("ops@example.com", "4a5b"), 500,
			"", "", "", ray, ""},
		{"eight-byte token is scrubbed, even inside a word", secondarydns.WithAPIToken("tok12345"), 403,
			envelope("echo Bearer tok12345 and xtok12345y"), "echo Bearer [redacted] and x[redacted]y", "", ray, "tok12345"},
		{"real-length key in a body", secondarydns.WithAPIKey("ops@example.com", strings.Repeat("0123456789abcdef", 2)+"01234"), 502,
			"saw X-Auth-Key: " + strings.Repeat("0123456789abcdef", 2) + "01234", "", "saw X-Auth-Key: [redacted]", ray, strings.Repeat("0123456789abcdef", 2)},
		{"email as a whole address", secondarydns.WithAPIKey("ops@example.com", "key-SECRET-51be02"), 403,
			envelope("unknown user ops@example.com. Contact <ops@example.com>"), "unknown user [redacted]. Contact <[redacted]>", "", ray, ""},
		{"email inside other addresses is left alone", secondarydns.WithAPIKey("ops@example.com", "key-SECRET-51be02"), 403,
			envelope("ask devops@example.com or ops@example.com.au"), "ask devops@example.com or ops@example.com.au", "", ray, ""},
		{"short email as a whole address", secondarydns.WithAPIKey("a@b.io", "key-SECRET-51be02"), 403,
			envelope("user=a@b.io, not ba@b.io"), "user=[redacted], not ba@b.io", "", ray, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t, reply(tc.status, tc.body, "Cf-Ray", ray))
			c, err := secondarydns.NewClient(tc.cred, secondarydns.WithHTTPClient(m.hc), secondarydns.WithMaxRetries(0))
			require.NoError(t, err)
			var resp secondarydns.Response
			_, err = c.Outgoing.Get(context.Background(), testZone, secondarydns.WithResponse(&resp))
			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantRay, apiErr.RayID)
			assert.Equal(t, tc.wantRay, resp.RayID)
			assert.Equal(t, tc.wantBody, apiErr.Body)
			if tc.wantMsg != "" {
				require.NotEmpty(t, apiErr.Errors)
				assert.Equal(t, tc.wantMsg, apiErr.Errors[0].Message)
				assert.Equal(t, tc.wantMsg, resp.Messages[0].Message)
				assert.Contains(t, err.Error(), tc.wantMsg)
			}
			assert.Contains(t, err.Error(), "(ray "+tc.wantRay+")")
			if tc.mustNotSee != "" {
				assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, *apiErr, resp), tc.mustNotSee)
			}
		})
	}
}

// TestPeerIDHints: a peer given as an IP address or a host name is refused
// with a hint saying what a peer ID is; other bad peer IDs get the plain rule.
func TestPeerIDHints(t *testing.T) {
	cases := []struct {
		peer, want string
	}{
		{"192.0.2.1", `peers[1] "192.0.2.1" looks like an IP address: pass the ID of a Secondary DNS peer`},
		{"192.0.2.1:53", "looks like an IP address"},
		{"192.0.2.0/24", "looks like an IP address"},
		{"fe80::1%eth0", "looks like an IP address"},
		{"2001:db8::53", "looks like an IP address"},
		{"[2001:db8::53]:53", "looks like an IP address"},
		{"::1", "looks like an IP address"},
		{"ns1.example.net", `peers[1] "ns1.example.net" looks like a host name: pass the ID of a Secondary DNS peer`},
		{"ns1.example.net.", "looks like a host name"},
		{"ns1.example.net:53", "looks like a host name"},
		{"peer id", `contains ' ' at byte 4`},
		{"peer/1", `contains '/' at byte 4`},
	}
	m := newMock(t, reply(200, okEnvelope(fullOutgoing)))
	c := newMockClient(t, m, nil)
	for _, tc := range cases {
		t.Run(tc.peer, func(t *testing.T) {
			for _, write := range []func(context.Context, string, secondarydns.OutgoingParams, ...secondarydns.Option) (*secondarydns.Outgoing, error){
				c.Outgoing.Create, c.Outgoing.Update,
			} {
				_, err := write(context.Background(), testZone, secondarydns.OutgoingParams{Name: "example.com", Peers: []string{peerA, tc.peer}})
				require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
				assert.Contains(t, err.Error(), tc.want)
				if strings.Contains(tc.want, "looks like") {
					assert.Contains(t, err.Error(), "/accounts/{account_id}/secondary_dns/peers")
				}
			}
		})
	}
	// The zone-ID hint is unchanged, and only a dot triggers it: the check is
	// syntactic, so a single-label name is sent like any well-formed ID.
	_, err := c.Outgoing.Get(context.Background(), "example.com")
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	assert.Contains(t, err.Error(), `zone ID "example.com" looks like a zone name: pass the zone ID, not the zone name`)
	_, err = c.Outgoing.Get(context.Background(), "192.0.2.1")
	assert.Contains(t, err.Error(), `zone ID "192.0.2.1" looks like an IP address: pass the zone ID, not an address`)
	_, err = c.Outgoing.Get(context.Background(), "localhost")
	require.NoError(t, err, "a single label fits the zone-ID rule and is sent")
	assert.Equal(t, 1, m.count(), "only the well-formed request was sent")
}

// TestWithQueryLastWins: WithQuery twice in one call keeps only the last
// one's parameters, as for any option given twice at one level.
func TestWithQueryLastWins(t *testing.T) {
	m := newMock(t, reply(200, okEnvelope(`"Enabled"`)))
	c := newMockClient(t, m, nil)
	_, err := c.Outgoing.Status(context.Background(), testZone,
		secondarydns.WithQuery(url.Values{"first": {"1"}, "both": {"a"}}),
		secondarydns.WithQuery(url.Values{"second": {"2"}, "both": {"b"}}))
	require.NoError(t, err)
	assert.Equal(t, "both=b&second=2", m.requests()[0].RawQuery)
}

// TestClientFormat: a Client prints its base URL and the kind of credential,
// exactly as its doc says, and never a credential.
func TestClientFormat(t *testing.T) {
	tok, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken))
	require.NoError(t, err)
	key, err := secondarydns.NewClient(secondarydns.WithAPIKey(testEmail, testKey), secondarydns.WithBaseURL("http://127.0.0.1:8080/client/v4/"))
	require.NoError(t, err)
	cases := []struct {
		v    any
		want string
	}{
		{tok, "secondarydns.Client{base: https://api.cloudflare.com/client/v4, credentials: API token [redacted]}"},
		{*tok, "secondarydns.Client{base: https://api.cloudflare.com/client/v4, credentials: API token [redacted]}"},
		{key, "secondarydns.Client{base: http://127.0.0.1:8080/client/v4, credentials: email+key [redacted]}"},
		{key.Outgoing, "secondarydns.OutgoingService{secondarydns.Client{base: http://127.0.0.1:8080/client/v4, credentials: email+key [redacted]}}"},
		{secondarydns.Client{}, "secondarydns.Client{not made by NewClient}"},
		{secondarydns.OutgoingService{}, "secondarydns.OutgoingService{}"},
	}
	for _, tc := range cases {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.Equal(t, tc.want, fmt.Sprintf(verb, tc.v), verb)
		}
	}
}
