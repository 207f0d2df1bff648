package secondarydns_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// TestTSIGSecretInTheAlgoField: a secret given as the algorithm (fields
// swapped, or a positional literal in the wrong order) is refused without
// being quoted, as a secret in its own field is; a mistyped algorithm is
// still quoted, since seeing it is the hint.
func TestTSIGSecretInTheAlgoField(t *testing.T) {
	m := newMock(t)
	c := newMockClient(t, m, nil)
	for _, algo := range []string{testSecret, strings.TrimRight(testSecret, "="), base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))} {
		_, err := c.TSIGs.Create(context.Background(), testAccount, secondarydns.TSIGParams{Name: "tsig.example.com.", Algo: algo, Secret: "hmac-sha256."})
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
		assert.NotContains(t, err.Error(), algo)
		assert.Contains(t, err.Error(), "TSIG algorithm")
	}
	_, err := c.TSIGs.Create(context.Background(), testAccount, secondarydns.TSIGParams{Name: "tsig.example.com.", Algo: "hmac-sha257", Secret: testSecret})
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	assert.Contains(t, err.Error(), `"hmac-sha257"`)
	assert.Zero(t, m.count(), "nothing sent")
}

// TestTSIGFormatsWithoutSecret: no fmt verb shows a TSIG's or TSIGParams'
// secret, alone, behind a pointer, in a slice or in a struct.
func TestTSIGFormatsWithoutSecret(t *testing.T) {
	tsig := fullTSIG
	params := fullTSIGParams
	type holder struct {
		Key    secondarydns.TSIG
		Params secondarydns.TSIGParams
	}
	values := map[string]any{
		"TSIG": tsig, "*TSIG": &tsig, "[]TSIG": []secondarydns.TSIG{tsig},
		"TSIGParams": params, "*TSIGParams": &params, "struct": holder{tsig, params}, "*struct": &holder{tsig, params},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10v"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testSecret, "%s %s", name, verb)
			assert.NotContains(t, out, testSecret[:16], "%s %s", name, verb)
			if verb != "%x" && verb != "%d" {
				assert.Contains(t, out, "[redacted]", "%s %s: %s", name, verb, out)
			}
		}
		assert.NotContains(t, fmt.Sprint(v), testSecret, name)
		assert.NotContains(t, fmt.Sprintln(v), testSecret, name)
	}
	assert.Equal(t, "{"+testTSIGID+" tsig.example.com. hmac-sha512. [redacted]}", fmt.Sprintf("%v", tsig))
	assert.Equal(t, "{ID:"+testTSIGID+" Name:tsig.example.com. Algo:hmac-sha512. Secret:[redacted]}", fmt.Sprintf("%+v", tsig))
	assert.Equal(t, `secondarydns.TSIG{ID:"`+testTSIGID+`", Name:"tsig.example.com.", Algo:"hmac-sha512.", Secret:"[redacted]"}`, fmt.Sprintf("%#v", tsig))
	assert.Equal(t, `secondarydns.TSIGParams{Name:"tsig.example.com.", Algo:"hmac-sha512.", Secret:"[redacted]"}`, params.GoString())
	assert.Equal(t, "{tsig.example.com. hmac-sha512. [redacted]}", params.String())
	assert.Equal(t, "{  }", fmt.Sprintf("%v", secondarydns.TSIGParams{}), "an unset secret shows as unset, as fmt shows empty strings")

}

// TestTSIGMarshalsWithoutSecret: encoding/json writes a TSIG (the API's
// field names), TSIGParams and DesiredTSIG with "[redacted]" for a set
// secret and "" for an unset one; the API's JSON, secret included, still
// decodes into a TSIG, so the value keeps what the API returned.
func TestTSIGMarshalsWithoutSecret(t *testing.T) {
	tsig := fullTSIG
	b, err := json.Marshal(tsig)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"`+testTSIGID+`","name":"tsig.example.com.","algo":"hmac-sha512.","secret":"[redacted]"}`, string(b))
	b, err = json.Marshal(&tsig)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"secret":"[redacted]"`)
	b, err = json.Marshal(secondarydns.TSIG{ID: testTSIGID})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"secret":""`, "no secret: nothing to redact")

	b, err = json.Marshal(fullTSIGParams)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Name":"tsig.example.com.","Algo":"hmac-sha512.","Secret":"[redacted]"}`, string(b))
	b, err = json.Marshal(secondarydns.DesiredTSIG{Algo: secondarydns.TSIGHMACSHA512, Secret: testSecret})
	require.NoError(t, err)
	assert.JSONEq(t, `{"algo":"hmac-sha512.","secret":"[redacted]"}`, string(b))

	var decoded secondarydns.TSIG
	require.NoError(t, json.Unmarshal([]byte(fullTSIGJSON), &decoded))
	assert.Equal(t, fullTSIG, decoded, "decoding keeps the secret")
}

// TestTSIGLogsWithoutSecret: slog, through its text and JSON handlers, never
// records the secret of a TSIG or TSIGParams value (or pointer), nor of a
// slice, a map or a struct holding them: those are no LogValuer, and the
// JSON handler encodes them with encoding/json.
func TestTSIGLogsWithoutSecret(t *testing.T) {
	tsig := fullTSIG
	params := fullTSIGParams
	type holder struct {
		Key    secondarydns.TSIG
		Ptr    *secondarydns.TSIG
		Params secondarydns.TSIGParams
		Want   secondarydns.AccountDesired
	}
	want := secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{"k": {Algo: secondarydns.TSIGHMACSHA512, Secret: testSecret}}}
	held := map[string]any{
		"slice":        []secondarydns.TSIG{tsig},
		"pointers":     []*secondarydns.TSIG{&tsig},
		"params slice": []secondarydns.TSIGParams{params},
		"map":          map[string]secondarydns.TSIG{tsig.Name: tsig},
		"struct":       holder{tsig, &tsig, params, want},
		"*struct":      &holder{tsig, &tsig, params, want},
		"desired":      want,
	}
	for name, v := range held {
		for hname, mk := range map[string]func(io.Writer) slog.Handler{
			"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
			"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		} {
			var buf bytes.Buffer
			slog.New(mk(&buf)).Info("keys", "held", v)
			assert.NotContains(t, buf.String(), testSecret, "%s, %s handler", name, hname)
			assert.NotContains(t, buf.String(), testSecret[:16], "%s, %s handler", name, hname)
			assert.Contains(t, buf.String(), "[redacted]", "%s, %s handler: %s", name, hname, buf.String())
		}
	}
	for _, mk := range []func(io.Writer) slog.Handler{
		func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
	} {
		var buf bytes.Buffer
		l := slog.New(mk(&buf))
		l.Info("keys", "tsig", tsig, "ptr", &tsig, "params", params, "pptr", &params)
		assert.NotContains(t, buf.String(), testSecret)
		assert.NotContains(t, buf.String(), testSecret[:16])
		assert.Contains(t, buf.String(), "[redacted]")
		assert.Contains(t, buf.String(), testTSIGID)
	}
}

// echoSecretServer answers every request with its own body echoed in the
// place where, and the form in which, a broken server or proxy might.
func echoSecretServer(t *testing.T, where string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var sent struct{ Secret string }
		_ = json.Unmarshal(body, &sent)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cf-Ray", "ray-"+sent.Secret)
		switch where {
		case "body snippet":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(append([]byte("bad request: "), body...))
		case "base64 body snippet":
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "upstream said "+base64.StdEncoding.EncodeToString([]byte(sent.Secret))+" and "+base64.RawURLEncoding.EncodeToString([]byte(sent.Secret)))
		case "escaped slash":
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, strings.ReplaceAll(string(body), "/", `\/`))
		case "error message":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"success":false,"errors":[{"code":1001,"message":"secret `+sent.Secret+` is weak","error_chain":[{"code":2,"message":"`+sent.Secret+`"}]}],"messages":[{"code":1,"message":"`+sent.Secret+`"}],"result":null}`)
		case "header and messages":
			w.Header().Set("X-Echo", sent.Secret)
			_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[{"code":1,"message":"stored `+sent.Secret+`"}],"result":`+fullTSIGJSON+`}`)
		case "invalid result":
			_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"x","name":"n","algo":"a","secret":["`+sent.Secret+`"]}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + basePath
}

// TestTSIGSecretScrubbedFromEchoes: a call that sends a secret keeps none of
// it, whatever the server echoes back and wherever: error text, body snippet,
// messages, headers, the ray ID, the debug log. The secret sent is
// testSecret, which contains no '/'; "escaped slash" sends one that does.
func TestTSIGSecretScrubbedFromEchoes(t *testing.T) {
	const slashSecret = "ab/cd+ef/gh/ij/k" // 16 bytes of base64 with slashes
	for _, where := range []string{"body snippet", "base64 body snippet", "escaped slash", "error message", "header and messages", "invalid result"} {
		for _, op := range []string{"create", "update"} {
			t.Run(where+"/"+op, func(t *testing.T) {
				var logs bytes.Buffer
				logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				c := echoClient(t, echoSecretServer(t, where), secondarydns.WithLogger(logger))
				p := fullTSIGParams
				if where == "escaped slash" {
					p.Secret = slashSecret
				}
				var resp secondarydns.Response
				var got *secondarydns.TSIG
				var err error
				if op == "create" {
					got, err = c.TSIGs.Create(context.Background(), testAccount, p, secondarydns.WithResponse(&resp))
				} else {
					got, err = c.TSIGs.Update(context.Background(), testAccount, testTSIGID, p, secondarydns.WithResponse(&resp))
				}
				texts := map[string]string{
					"Response": fmt.Sprintf("%#v", resp), "log": logs.String(),
				}
				if err != nil {
					texts["error"] = err.Error()
					texts["%+v"] = fmt.Sprintf("%+v", err)
					var apiErr *secondarydns.APIError
					if errors.As(err, &apiErr) {
						texts["APIError"] = fmt.Sprintf("%#v", apiErr)
					} else {
						require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
					}
				} else {
					require.Equal(t, where, "header and messages")
					assert.Equal(t, testSecret, got.Secret, "the result keeps the secret the API returned")
					assert.Equal(t, "[redacted]", resp.Header.Get("X-Echo"))
					require.Len(t, resp.Messages, 1)
					assert.Equal(t, "stored [redacted]", resp.Messages[0].Message)
				}
				for what, text := range texts {
					noPartOf(t, text, p.Secret, what)
					for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
						noPartOf(t, text, enc.EncodeToString([]byte(p.Secret)), what+" (base64)")
					}
					noPartOf(t, text, strings.ReplaceAll(p.Secret, "/", `\/`), what+` (\/)`)
				}
			})
		}
	}
}

// TestTSIGSecretScrubbedFromTransportErrors: net/http quotes a malformed
// answer's bytes in its error; the secret never reaches the error or the log.
func TestTSIGSecretScrubbedFromTransportErrors(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := echoClient(t, rawServer(t, "HTTP/1.1 502 Bad Gateway\r\n"+testSecret+"\r\n\r\n"), secondarydns.WithLogger(logger))
	_, err := c.TSIGs.Update(context.Background(), testAccount, testTSIGID, fullTSIGParams)
	var te *secondarydns.TransportError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), "[redacted]")
	noPartOf(t, err.Error(), testSecret, "the error")
	noPartOf(t, logs.String(), testSecret, "the log")
}

// TestSecretOfOneCallStaysInIt: a secret is scrubbed in the call that sends
// it; other calls of the same client are not changed by it.
func TestSecretOfOneCallStaysInIt(t *testing.T) {
	m := newMock(t, reply(400, "no: "+testSecret))
	c := newMockClient(t, m, nil)
	_, err := c.TSIGs.Create(context.Background(), testAccount, fullTSIGParams)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testSecret)
	_, err = c.Peers.List(context.Background(), testAccount)
	require.Error(t, err)
	assert.Contains(t, err.Error(), testSecret, "a call that sends no secret has none to scrub")
}
