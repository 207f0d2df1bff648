package secondarydns_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// Servers that echo the request back, in the places a careless proxy or a
// broken server puts it, must not get a credential or the query into
// anything the SDK returns or logs.

// echoClient is a client with the shared test token for baseURL.
func echoClient(t *testing.T, baseURL string, opts ...secondarydns.Option) *secondarydns.Client {
	t.Helper()
	c, err := secondarydns.NewClient(append([]secondarydns.Option{
		secondarydns.WithBaseURL(baseURL), secondarydns.WithMaxRetries(0),
	}, opts...)...)
	if err != nil { // no credentials among opts: the shared token
		c, err = secondarydns.NewClient(append([]secondarydns.Option{
			secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(baseURL), secondarydns.WithMaxRetries(0),
		}, opts...)...)
	}
	require.NoError(t, err)
	return c
}

// noPartOf fails if text holds any 8 bytes or more of secret.
func noPartOf(t *testing.T, text, secret, what string) {
	t.Helper()
	for n := len(secret); n >= 8; n-- {
		for i := 0; i+n <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+n]) {
				t.Fatalf("%s holds %q, part of a credential: %q", what, secret[i:i+n], text)
			}
		}
	}
}

// TestBodySnippetNeverKeepsPartOfACredential: echoes before the 512-byte
// cut shorten the text as they are replaced; a later one must not slide
// under the cut in part.
func TestBodySnippetNeverKeepsPartOfACredential(t *testing.T) {
	keyAuth := secondarydns.WithAPIKey(testEmail, testKey)
	tests := []struct {
		name string
		auth secondarydns.Option // nil: the token
		body string
	}{
		// Three echoes replaced before the cut shorten the text; a fourth
		// that straddled a window of 512 + the token's length would slide
		// under the cut in part.
		{"echoes before the cut", nil, strings.Repeat(testToken, 3) + strings.Repeat("x", 520-3*len(testToken)) + testToken + strings.Repeat("y", 100)},
		{"an echo at the cut", nil, strings.Repeat("z", 512-4) + testToken},
		{"many echoes, spaced", nil, strings.Repeat(testToken+" ", 60)},
		{"key and email after two keys", keyAuth, testKey + testKey + strings.Repeat("x", 512-2*len(testKey)-3) + " " + testEmail + " " + testKey + " trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			var opts []secondarydns.Option
			if tt.auth != nil {
				opts = append(opts, tt.auth)
			}
			c := echoClient(t, srv.URL+basePath, opts...)
			_, err := c.Outgoing.Get(context.Background(), testZone)
			var apiErr *secondarydns.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.LessOrEqual(t, len(apiErr.Body), 512)
			assert.Contains(t, apiErr.Body, "[red", "the echo was replaced (the marker may be cut)")
			for _, text := range []string{apiErr.Body, err.Error(), fmt.Sprintf("%+v", apiErr), fmt.Sprintf("%#v", apiErr)} {
				if tt.auth == nil {
					noPartOf(t, text, testToken, "the error")
				} else {
					noPartOf(t, text, testKey, "the error")
					noPartOf(t, text, testEmail, "the error")
				}
			}
		})
	}
}

// rawServer answers every connection with reply, whatever was asked, or
// with the request's own bytes when reply is "".
func rawServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				var req bytes.Buffer
				for {
					line, err := br.ReadString('\n')
					req.WriteString(line)
					if err != nil || line == "\r\n" {
						break
					}
				}
				if reply == "" {
					_, _ = conn.Write(req.Bytes())
					return
				}
				_, _ = io.WriteString(conn, reply)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + basePath
}

// TestTransportErrorTextIsScrubbed: net/http quotes a malformed answer's
// bytes in its error; an echo server sends the request line (query and all)
// and the Authorization header back. Neither reaches the error or the log.
func TestTransportErrorTextIsScrubbed(t *testing.T) {
	keyAuth := secondarydns.WithAPIKey(testEmail, testKey)
	tests := []struct {
		name  string
		auth  secondarydns.Option // nil: the token
		reply string              // "": the request echoed back
	}{
		{"header line without a colon", nil, "HTTP/1.1 502 Bad Gateway\r\nBearer " + testToken + "\r\n\r\n"},
		{"token as the status", nil, "HTTP/1.1 " + testToken + "\r\n\r\n"},
		{"email in a bad header, another case", keyAuth, "HTTP/1.1 502 Bad Gateway\r\n" + strings.ToUpper(testEmail) + "\r\n\r\n"},
		{"key in a bad header", keyAuth, "HTTP/1.1 502 Bad Gateway\r\n" + testKey + "\r\n\r\n"},
		{"the request echoed back", nil, ""},
		{"the request echoed back, key", keyAuth, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			opts := []secondarydns.Option{secondarydns.WithLogger(logger)}
			if tt.auth != nil {
				opts = append(opts, tt.auth)
			}
			c := echoClient(t, rawServer(t, tt.reply), opts...)
			_, err := c.Outgoing.Get(context.Background(), testZone, secondarydns.WithQuery(url.Values{"secret": {"hunter2"}}))
			require.Error(t, err)
			var te *secondarydns.TransportError
			require.ErrorAs(t, err, &te, "%v", err)
			for what, text := range map[string]string{"error": err.Error(), "%+v": fmt.Sprintf("%+v", err), "log": logs.String()} {
				if tt.auth == nil {
					noPartOf(t, text, testToken, what)
				} else {
					noPartOf(t, text, testKey, what)
					assert.NotContains(t, strings.ToLower(text), testEmail, what)
				}
				assert.NotContains(t, text, "hunter2", what+": the query")
			}
			if tt.reply != "" {
				assert.Contains(t, err.Error(), "[redacted]")
			}
		})
	}
}

// TestResponseHeaderIsScrubbed: a proxy that echoes the Authorization into
// its answer's headers must not put the token into a Response.
func TestResponseHeaderIsScrubbed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Cf-Ray", "ray-"+testToken)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, okEnvelope(`"Enabled"`))
	}))
	defer srv.Close()
	var resp secondarydns.Response
	st, err := echoClient(t, srv.URL+basePath).Outgoing.Status(context.Background(), testZone, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)
	assert.Equal(t, "Bearer [redacted]", resp.Header.Get("X-Echo"))
	for _, text := range []string{fmt.Sprintf("%v", resp), fmt.Sprintf("%+v", resp), fmt.Sprintf("%#v", resp)} {
		noPartOf(t, text, testToken, "the Response")
	}
}

// TestEmailScrubbedInAnyCase: mail systems change an address's case; the
// echo is still the user's address.
func TestEmailScrubbedInAnyCase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, errEnvelope(9103, "Unknown X-Auth-Key or X-Auth-Email "+strings.ToUpper(testEmail)))
	}))
	defer srv.Close()
	c, err := secondarydns.NewClient(secondarydns.WithAPIKey(testEmail, testKey), secondarydns.WithBaseURL(srv.URL+basePath))
	require.NoError(t, err)
	_, err = c.Outgoing.Get(context.Background(), testZone)
	require.Error(t, err)
	assert.NotContains(t, strings.ToLower(err.Error()), testEmail)
	assert.Contains(t, err.Error(), "X-Auth-Email [redacted]")
	assert.True(t, errors.Is(err, secondarydns.ErrForbidden))
}

// TestTransformedEchoesScrubbed: a proxy that echoes credentials
// base64-encoded (Basic authentication's "email:key" among them), in another
// case, or percent-encoded must not get them into an error, a body snippet,
// a message or the headers WithResponse reports.
func TestTransformedEchoesScrubbed(t *testing.T) {
	b64 := func(s string) map[string]string {
		return map[string]string{
			"std": base64.StdEncoding.EncodeToString([]byte(s)), "std raw": base64.RawStdEncoding.EncodeToString([]byte(s)),
			"url": base64.URLEncoding.EncodeToString([]byte(s)), "url raw": base64.RawURLEncoding.EncodeToString([]byte(s)),
		}
	}
	type echo struct {
		name, text string
		secrets    []string // none of which may remain, in part
	}
	var tokenEchoes, keyEchoes []echo
	for enc, v := range b64(testToken) {
		tokenEchoes = append(tokenEchoes, echo{"token, base64 " + enc, v, []string{v}})
	}
	tokenEchoes = append(tokenEchoes,
		echo{"token, upper case", strings.ToUpper(testToken), []string{strings.ToUpper(testToken)}},
		echo{"token, lower case", strings.ToLower(testToken), []string{strings.ToLower(testToken)}},
		echo{"Bearer, base64", "Basic " + base64.StdEncoding.EncodeToString([]byte(testToken)), []string{base64.StdEncoding.EncodeToString([]byte(testToken))}},
	)
	for enc, v := range b64(testKey) {
		keyEchoes = append(keyEchoes, echo{"key, base64 " + enc, v, []string{v}})
	}
	for enc, v := range b64(testEmail + ":" + testKey) {
		keyEchoes = append(keyEchoes, echo{"email:key, base64 " + enc, "Authorization: Basic " + v, []string{v}})
	}
	for enc, v := range b64(testEmail) {
		keyEchoes = append(keyEchoes, echo{"email, base64 " + enc, v, []string{v}})
	}
	escaped := url.QueryEscape(testEmail)
	keyEchoes = append(keyEchoes,
		echo{"email, percent-encoded", "?email=" + escaped + "&x=1", []string{escaped}},
		echo{"email, percent-encoded, upper case", "email=" + strings.ToUpper(escaped), []string{strings.ToUpper(escaped)}},
		echo{"key, upper case", strings.ToUpper(testKey), []string{strings.ToUpper(testKey)}},
	)
	run := func(t *testing.T, auth secondarydns.Option, e echo) {
		for _, where := range []string{"body", "envelope", "header"} {
			t.Run(where, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("X-Echo", e.text)
					switch where {
					case "body":
						w.WriteHeader(http.StatusBadGateway)
						_, _ = io.WriteString(w, "<html>proxy saw "+e.text+"</html>")
					case "envelope":
						w.WriteHeader(http.StatusForbidden)
						_, _ = io.WriteString(w, errEnvelope(10000, "bad credentials "+e.text))
					case "header":
						w.Header().Set("Content-Type", "application/json")
						_, _ = io.WriteString(w, okEnvelope(`"Enabled"`))
					}
				}))
				defer srv.Close()
				var opts []secondarydns.Option
				if auth != nil {
					opts = append(opts, auth)
				}
				var resp secondarydns.Response
				_, err := echoClient(t, srv.URL+basePath, opts...).Outgoing.Status(context.Background(), testZone, secondarydns.WithResponse(&resp))
				texts := map[string]string{"Response": fmt.Sprintf("%#v", resp)}
				if where != "header" {
					require.Error(t, err)
					texts["error"] = err.Error()
					texts["%#v"] = fmt.Sprintf("%#v", err)
				} else {
					require.NoError(t, err)
					assert.Contains(t, resp.Header.Get("X-Echo"), "[redacted]")
				}
				for what, text := range texts {
					for _, s := range e.secrets {
						noPartOf(t, text, s, what)
					}
				}
			})
		}
	}
	for _, e := range tokenEchoes {
		t.Run(e.name, func(t *testing.T) { run(t, nil, e) })
	}
	for _, e := range keyEchoes {
		t.Run(e.name, func(t *testing.T) { run(t, secondarydns.WithAPIKey(testEmail, testKey), e) })
	}

	// The shared credentials encode without '+' or '/', so the standard and
	// URL alphabets agree, and "email:" is 24 bytes, so the key's part of
	// base64("email:key") is base64(key) itself: scrubbing the key alone
	// would pass. These differ in both alphabets, and the key starts in the
	// middle of a base64 group.
	const email, key = "ab@x.example", "k3y~~~??SECRET>>>~~~??"
	for enc, v := range b64(key) {
		e := echo{"unaligned key, base64 " + enc, v, []string{v}}
		t.Run(e.name, func(t *testing.T) { run(t, secondarydns.WithAPIKey(email, key), e) })
	}
	for enc, v := range b64(email + ":" + key) {
		e := echo{"unaligned email:key, base64 " + enc, "Authorization: Basic " + v, []string{v}}
		t.Run(e.name, func(t *testing.T) { run(t, secondarydns.WithAPIKey(email, key), e) })
	}
}

// TestTransformedEchoesNeverCorruptText: the forms scrub looks for are long
// and specific: ordinary text, a ray ID and a colleague's escaped address
// are left alone.
func TestTransformedEchoesNeverCorruptText(t *testing.T) {
	text := "Authentication error (ray 8c1f2d3e4a5b6c7d-SJC) for dev" + url.QueryEscape(testEmail) + " and " + url.QueryEscape(testEmail) + ".org"
	got := secondarydns.ScrubForTest(testToken, testEmail, testKey, text)
	assert.Equal(t, text, got)
}
