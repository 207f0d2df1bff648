package secondarydns_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// Fuzz targets of the account objects and the zone lookup: their decoders
// through the whole pipeline, and the validators of a peer's IP, an ACL's
// prefix and a TSIG secret. Run one at a time, e.g.
//
//	go test -run '^$' -fuzz '^FuzzPeerResponse$' -fuzztime 15s .

func FuzzPeerResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(fullPeerJSON) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Add(uint16(0), []byte(okEnvelope(`{"id":"p","name":"n","port":53.0,"ixfr_enable":"yes"}`)))
	f.Add(uint16(0), []byte(okEnvelope(`{"id":"p","name":"n","port":1e3,"ip":null}`)))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.Peers.Get(context.Background(), testAccount, testPeerID, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want secondarydns.Peer
			require.NoError(t, json.Unmarshal(result, &want), "the result alone does not decode")
			assert.Equal(t, &want, got)
		})
	})
}

func FuzzTSIGResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(`[` + fullTSIGJSON + `]`) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Add(uint16(0), []byte(okEnvelope(`[]`)))
	f.Add(uint16(0), []byte(okEnvelope(`[{"secret":"[redacted]"},null]`)))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.TSIGs.List(context.Background(), testAccount, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want []secondarydns.TSIG
			require.NoError(t, json.Unmarshal(result, &want), "the result alone does not decode")
			if want == nil {
				want = []secondarydns.TSIG{}
			}
			require.Equal(t, want, got)
			// However a secret looks, no rendering shows it.
			for _, k := range want {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
					out := fmt.Sprintf(verb, k)
					view := fmt.Sprintf(verb, struct{ ID, Name, Algo string }{k.ID, k.Name, k.Algo})
					if len(k.Secret) >= 4 && !strings.Contains(view, k.Secret) && !strings.Contains("secondarydns.TSIG{ID:, Name:, Algo:, Secret:\"[redacted]\"}", k.Secret) {
						assert.NotContains(t, out, k.Secret, verb)
					}
				}
			}
		})
	})
}

func FuzzACLResponse(f *testing.F) {
	for i, b := range fuzzEnvelopeSeeds(fullACLJSON) {
		f.Add(uint16(i*37), []byte(b))
	}
	f.Add(uint16(0), []byte(okEnvelope(`{"id":"a","name":"n","ip_range":["192.0.2.0/24"]}`)))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		fuzzResponse(t, status, body, func(c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
			return c.ACLs.Get(context.Background(), testAccount, testACLID, o...)
		}, func(t *testing.T, result json.RawMessage, got any) {
			var want secondarydns.ACL
			require.NoError(t, json.Unmarshal(result, &want), "the result alone does not decode")
			assert.Equal(t, &want, got)
		})
	})
}

// FuzzZonePage: Zones.List against a server that answers every page with the
// same body. It succeeds only when that body is a valid single last page 1,
// and then returns exactly its zones; it never asks for more than two pages
// (the second answer says page 1 again, which is refused).
func FuzzZonePage(f *testing.F) {
	f.Add([]byte(zonePage(1, 1, 2, 0, 2)))
	f.Add([]byte(zonePage(1, 0, 0, 0, 0)))
	f.Add([]byte(zonePage(1, 2, 60, 0, 50)))
	f.Add([]byte(zonePage(2, 2, 60, 0, 50)))
	f.Add([]byte(zonePage(1, 10001, 1, 0, 1)))
	f.Add([]byte(`{"success":true,"result":[],"result_info":{"page":1.5}}`))
	f.Add([]byte(`{"success":true,"result":[{"id":1}],"result_info":{"page":1,"total_pages":1}}`))
	f.Add([]byte(`{"success":true,"result":[` + zoneJSON(3) + `]}`))
	f.Add([]byte(`{"success":false,"errors":[{"code":7003,"message":"no route"}],"result":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rt := &fuzzRT{status: http.StatusOK, header: http.Header{"Cf-Ray": {"ray-fuzz"}}, body: body}
		c := fuzzClient(t, rt, secondarydns.WithMaxRetries(0))
		zones, err := c.Zones.List(context.Background(), secondarydns.ZoneListOptions{AccountID: testAccount})
		calls := rt.calls.Load()
		require.LessOrEqual(t, calls, int32(2))
		if err != nil {
			assert.Nil(t, zones)
			assert.NotContains(t, err.Error(), "\n")
			faultNoSecret(t, "error", err.Error())
			return
		}
		require.Equal(t, int32(1), calls)
		var page struct {
			Success bool              `json:"success"`
			Result  []json.RawMessage `json:"result"`
			Info    struct {
				Page       int `json:"page"`
				TotalPages int `json:"total_pages"`
			} `json:"result_info"`
		}
		require.NoError(t, json.Unmarshal(body, &page), "a body the SDK accepted is not JSON")
		require.True(t, page.Success)
		require.Equal(t, 1, page.Info.Page)
		require.LessOrEqual(t, page.Info.TotalPages, 1)
		require.NotNil(t, zones)
		if !fuzzRepeatsMember(body) {
			var env struct {
				Result []secondarydns.Zone `json:"result"`
			}
			require.NoError(t, json.Unmarshal(body, &env))
			want := env.Result
			if want == nil {
				want = []secondarydns.Zone{}
			}
			assert.Equal(t, want, zones)
		}
	})
}

// FuzzPeerIP: a peer's IP is accepted exactly when it is empty or one IPv4
// or IPv6 address without a zone, and then sent as given; a refused one sends
// nothing and says why on one line.
func FuzzPeerIP(f *testing.F) {
	for _, s := range []string{"", "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1%eth0", "192.0.2.1:53", "[2001:db8::1]:53",
		"ns1.example.net", "ns1.example.net:53", "192.0.2.0/24", "1.2.3", "[2001:db8::1]", "localhost", "01.2.3.4", " 192.0.2.1", "192.0.2.1\n", "::", "[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ip string) {
		rt := &fuzzRT{status: http.StatusOK, body: []byte(okEnvelope(`{"id":"` + testPeerID + `","name":"n","ip":` + mustJSON(ip) + `}`))}
		c := fuzzClient(t, rt, secondarydns.WithMaxRetries(0))
		_, err := c.Peers.Create(context.Background(), testAccount, secondarydns.PeerParams{Name: "n", IP: ip})
		a, perr := netip.ParseAddr(ip)
		valid := ip == "" || perr == nil && a.Zone() == ""
		if !valid {
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%q", ip)
			assert.Zero(t, rt.calls.Load(), "nothing sent")
			assert.NotContains(t, err.Error(), "\n")
			if ap, err2 := netip.ParseAddrPort(ip); err2 == nil {
				assert.Contains(t, err.Error(), "Port to ", "%q", ap)
			}
			return
		}
		require.NoError(t, err, "%q", ip)
		require.Equal(t, int32(1), rt.calls.Load())
		var sent map[string]any
		require.NoError(t, json.Unmarshal(*rt.reqBod.Load(), &sent))
		if ip == "" {
			assert.NotContains(t, sent, "ip")
		} else {
			assert.Equal(t, ip, sent["ip"], "sent as given")
		}
	})
}

// FuzzACLPrefix: an ACL's range is accepted exactly when it is a CIDR prefix
// with no host bits; host bits get the masked prefix as a hint, a bare
// address the length to add.
func FuzzACLPrefix(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24", "192.0.2.5/24", "2001:db8::1/64", "192.0.2.5", "2001:db8::5", "0.0.0.0/0", "::/0",
		"192.0.2.0/33", "192.0.2.0/024", "fe80::1%eth0", "fe80::/10%eth0", "::ffff:192.0.2.0/120", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, r string) {
		rt := &fuzzRT{status: http.StatusOK, body: []byte(okEnvelope(fullACLJSON))}
		c := fuzzClient(t, rt, secondarydns.WithMaxRetries(0))
		_, err := c.ACLs.Create(context.Background(), testAccount, secondarydns.ACLParams{Name: "n", IPRange: r})
		p, perr := netip.ParsePrefix(r)
		if perr == nil && p.Masked() == p {
			require.NoError(t, err, "%q", r)
			require.Equal(t, int32(1), rt.calls.Load())
			assert.Contains(t, string(*rt.reqBod.Load()), `"ip_range":`+mustJSON(r))
			return
		}
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%q", r)
		assert.Zero(t, rt.calls.Load(), "nothing sent")
		assert.NotContains(t, err.Error(), "\n")
		switch a, aerr := netip.ParseAddr(r); {
		case perr == nil:
			assert.Contains(t, err.Error(), "did you mean "+p.Masked().String()+"?")
		case aerr == nil && a.Zone() == "" && a.Is4():
			assert.Contains(t, err.Error(), "add /32")
		case aerr == nil && a.Zone() == "":
			assert.Contains(t, err.Error(), "add /128")
		}
	})
}

// FuzzTSIGSecret: a secret is accepted exactly when it is non-empty standard
// base64 without line breaks, and sent as given. A refusal sends nothing,
// and its text tells nothing of the secret but where it breaks: the same
// secret with every letter and digit replaced gives the same text.
func FuzzTSIGSecret(f *testing.F) {
	for _, s := range []string{testSecret, "YQ==", "YR==", "YQ", "YQ=", "a===", "ab-_", "abc!", "c2Vj\ncmV0", "c2VjcmV0\n", " YQ==", "", "====", "YQ==YQ==", "\xff\xfe"} {
		f.Add(s)
	}
	mask := func(s string) string {
		b := []byte(s)
		for i, ch := range b {
			if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' {
				b[i] = 'A'
			}
		}
		return string(b)
	}
	f.Fuzz(func(t *testing.T, s string) {
		create := func(secret string) (*fuzzRT, error) {
			rt := &fuzzRT{status: http.StatusOK, body: []byte(okEnvelope(fullTSIGJSON))}
			c := fuzzClient(t, rt, secondarydns.WithMaxRetries(0))
			_, err := c.TSIGs.Create(context.Background(), testAccount, secondarydns.TSIGParams{Name: "k.", Algo: secondarydns.TSIGHMACSHA256, Secret: secret})
			return rt, err
		}
		rt, err := create(s)
		_, derr := base64.StdEncoding.DecodeString(s)
		if s != "" && derr == nil && !strings.ContainsAny(s, "\r\n") {
			require.NoError(t, err, "%q", s)
			require.Equal(t, int32(1), rt.calls.Load())
			var sent map[string]string
			require.NoError(t, json.Unmarshal(*rt.reqBod.Load(), &sent))
			assert.Equal(t, s, sent["secret"])
			return
		}
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%q", s)
		assert.Zero(t, rt.calls.Load(), "nothing sent")
		assert.NotContains(t, err.Error(), "\n")
		_, err2 := create(mask(s))
		require.Error(t, err2)
		assert.Equal(t, err.Error(), err2.Error(), "the text depends on the secret's letters or digits")
	})
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
