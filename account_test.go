package secondarydns_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// Shared vocabulary of the account objects' tests. The TSIG secret is
// distinctive, like the credentials, so a leak is easy to grep for.
const (
	testAccount = "01a7362d577a6c3019a474fd6f485823"
	testPeerID  = "23ff594956f20c2a721606e94745a8aa"
	testTSIGID  = "69cd1e104af3e6ed3cb344f263fd0d5a"
	testACLID   = "23ff594956f20c2a721606e94745a8ab"
	testSecret  = "c2VjcmV0LVRTSUcta2V5LTlmMmU0Yg==" // base64 of "secret-TSIG-key-9f2e4b"

	fullPeerJSON = `{"id":"` + testPeerID + `","name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true,"tsig_id":"` + testTSIGID + `"}`
	fullTSIGJSON = `{"id":"` + testTSIGID + `","name":"tsig.example.com.","algo":"hmac-sha512.","secret":"` + testSecret + `"}`
	fullACLJSON  = `{"id":"` + testACLID + `","name":"xfr","ip_range":"192.0.2.0/24"}`
)

var (
	fullPeer = secondarydns.Peer{ID: testPeerID, Name: "ns1", IP: "192.0.2.53", Port: 5353, IXFREnable: true, TSIGID: testTSIGID}
	fullTSIG = secondarydns.TSIG{ID: testTSIGID, Name: "tsig.example.com.", Algo: secondarydns.TSIGHMACSHA512, Secret: testSecret}
	fullACL  = secondarydns.ACL{ID: testACLID, Name: "xfr", IPRange: "192.0.2.0/24"}

	fullPeerParams = secondarydns.PeerParams{Name: "ns1", IP: "192.0.2.53", Port: 5353, IXFREnable: true, TSIGID: testTSIGID}
	fullTSIGParams = secondarydns.TSIGParams{Name: "tsig.example.com.", Algo: secondarydns.TSIGHMACSHA512, Secret: testSecret}
	fullACLParams  = secondarydns.ACLParams{Name: "xfr", IPRange: "192.0.2.0/24"}
)

// accountCase is one call of an account service, as the table drives it.
type accountCase struct {
	name   string
	method string
	path   string // after the base path
	query  string // exact raw query; "" none
	body   string // exact request body; "" none is sent
	result string // raw JSON result the server answers with
	call   func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error)
	want   any
}

func peersPath(rest string) string { return "/accounts/" + testAccount + "/secondary_dns/peers" + rest }
func tsigsPath(rest string) string { return "/accounts/" + testAccount + "/secondary_dns/tsigs" + rest }
func aclsPath(rest string) string  { return "/accounts/" + testAccount + "/secondary_dns/acls" + rest }

func accountCases() map[string][]accountCase {
	return map[string][]accountCase{
		"Peers": {
			{name: "List", method: "GET", path: peersPath(""), result: `[` + fullPeerJSON + `,{"id":"` + peerB + `","name":"bare"}]`,
				want: []secondarydns.Peer{fullPeer, {ID: peerB, Name: "bare"}},
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.List(ctx, testAccount, o...)
				}},
			{name: "List empty", method: "GET", path: peersPath(""), result: `[]`, want: []secondarydns.Peer{},
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.List(ctx, testAccount, o...)
				}},
			{name: "Get", method: "GET", path: peersPath("/" + testPeerID), result: fullPeerJSON, want: &fullPeer,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.Get(ctx, testAccount, testPeerID, o...)
				}},
			{name: "Create every field", method: "POST", path: peersPath(""), result: fullPeerJSON, want: &fullPeer,
				body: `{"name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true,"tsig_id":"` + testTSIGID + `"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.Create(ctx, testAccount, fullPeerParams, o...)
				}},
			{name: "Create name only", method: "POST", path: peersPath(""), result: `{"id":"` + testPeerID + `","name":"ns1"}`,
				want: &secondarydns.Peer{ID: testPeerID, Name: "ns1"}, body: `{"name":"ns1"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.Create(ctx, testAccount, secondarydns.PeerParams{Name: "ns1"}, o...)
				}},
			{name: "Update every field", method: "PUT", path: peersPath("/" + testPeerID), result: fullPeerJSON, want: &fullPeer,
				body: `{"name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true,"tsig_id":"` + testTSIGID + `"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.Update(ctx, testAccount, testPeerID, fullPeerParams, o...)
				}},
			{name: "Update IPv6, unset fields left out", method: "PUT", path: peersPath("/" + testPeerID),
				result: `{"id":"` + testPeerID + `","name":"ns2","ip":"2001:db8::53"}`,
				want:   &secondarydns.Peer{ID: testPeerID, Name: "ns2", IP: "2001:db8::53"}, body: `{"name":"ns2","ip":"2001:db8::53"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.Update(ctx, testAccount, testPeerID, secondarydns.PeerParams{Name: "ns2", IP: "2001:db8::53"}, o...)
				}},
			{name: "Delete", method: "DELETE", path: peersPath("/" + testPeerID), result: `{"id":"` + testPeerID + `"}`, want: testPeerID,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.Peers.Delete(ctx, testAccount, testPeerID, o...)
				}},
		},
		"TSIGs": {
			{name: "List", method: "GET", path: tsigsPath(""), result: `[` + fullTSIGJSON + `]`, want: []secondarydns.TSIG{fullTSIG},
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.TSIGs.List(ctx, testAccount, o...)
				}},
			{name: "List empty", method: "GET", path: tsigsPath(""), result: `[]`, want: []secondarydns.TSIG{},
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.TSIGs.List(ctx, testAccount, o...)
				}},
			{name: "Get", method: "GET", path: tsigsPath("/" + testTSIGID), result: fullTSIGJSON, want: &fullTSIG,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.TSIGs.Get(ctx, testAccount, testTSIGID, o...)
				}},
			{name: "Create", method: "POST", path: tsigsPath(""), result: fullTSIGJSON, want: &fullTSIG,
				body: `{"name":"tsig.example.com.","algo":"hmac-sha512.","secret":"` + testSecret + `"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.TSIGs.Create(ctx, testAccount, fullTSIGParams, o...)
				}},
			{name: "Update, algo sent as given", method: "PUT", path: tsigsPath("/" + testTSIGID), result: fullTSIGJSON, want: &fullTSIG,
				body: `{"name":"tsig.example.com","algo":"HMAC-SHA512","secret":"` + testSecret + `"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.TSIGs.Update(ctx, testAccount, testTSIGID, secondarydns.TSIGParams{Name: "tsig.example.com", Algo: "HMAC-SHA512", Secret: testSecret}, o...)
				}},
			{name: "Delete", method: "DELETE", path: tsigsPath("/" + testTSIGID), result: `{"id":"` + testTSIGID + `"}`, want: testTSIGID,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.TSIGs.Delete(ctx, testAccount, testTSIGID, o...)
				}},
		},
		"ACLs": {
			{name: "List", method: "GET", path: aclsPath(""), result: `[` + fullACLJSON + `]`, want: []secondarydns.ACL{fullACL},
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.ACLs.List(ctx, testAccount, o...)
				}},
			{name: "List empty", method: "GET", path: aclsPath(""), result: `[]`, want: []secondarydns.ACL{},
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.ACLs.List(ctx, testAccount, o...)
				}},
			{name: "Get", method: "GET", path: aclsPath("/" + testACLID), result: fullACLJSON, want: &fullACL,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.ACLs.Get(ctx, testAccount, testACLID, o...)
				}},
			{name: "Create", method: "POST", path: aclsPath(""), result: fullACLJSON, want: &fullACL,
				body: `{"name":"xfr","ip_range":"192.0.2.0/24"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.ACLs.Create(ctx, testAccount, fullACLParams, o...)
				}},
			{name: "Update IPv6", method: "PUT", path: aclsPath("/" + testACLID),
				result: `{"id":"` + testACLID + `","name":"v6","ip_range":"2001:db8::/64"}`,
				want:   &secondarydns.ACL{ID: testACLID, Name: "v6", IPRange: "2001:db8::/64"}, body: `{"name":"v6","ip_range":"2001:db8::/64"}`,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.ACLs.Update(ctx, testAccount, testACLID, secondarydns.ACLParams{Name: "v6", IPRange: "2001:db8::/64"}, o...)
				}},
			{name: "Delete", method: "DELETE", path: aclsPath("/" + testACLID), result: `{"id":"` + testACLID + `"}`, want: testACLID,
				call: func(ctx context.Context, c *secondarydns.Client, o ...secondarydns.Option) (any, error) {
					return c.ACLs.Delete(ctx, testAccount, testACLID, o...)
				}},
		},
	}
}

// TestAccountServices drives every method of the three account services over
// a real socket, with both kinds of credentials, and checks the method, path,
// headers and exact body on the wire and the decoded result.
func TestAccountServices(t *testing.T) {
	for service, cases := range accountCases() {
		for _, tc := range cases {
			for _, cred := range wireCreds() {
				t.Run(service+"/"+tc.name+"/"+cred.name, func(t *testing.T) {
					srv := newWireServer(t, func(w http.ResponseWriter, r *http.Request) {
						writeBody(w, http.StatusOK, okEnvelope(tc.result))
					})
					c, err := secondarydns.NewClient(cred.opt, secondarydns.WithBaseURL(srv.baseURL()))
					require.NoError(t, err)

					got, err := tc.call(context.Background(), c)
					require.NoError(t, err)
					assert.Equal(t, tc.want, got)

					reqs := srv.requests()
					require.Len(t, reqs, 1)
					assertWire(t, reqs[0], tc.method, basePath+tc.path, tc.query, cred, tc.body)
					assert.NotContains(t, reqs[0].Body, `"id"`, "a body never holds an id")
				})
			}
		}
	}
}

// TestAccountListNull: a list whose result is missing is an invalid
// response, not an empty account.
func TestAccountListNull(t *testing.T) {
	m := newMock(t, reply(200, `{"success":true,"errors":[],"messages":[],"result":null}`))
	c := newMockClient(t, m, nil)
	_, err := c.Peers.List(context.Background(), testAccount)
	require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
}

// TestAccountValidation: every bad argument is refused with ErrInvalidInput
// and the hint the contract asks for, and nothing is sent.
func TestAccountValidation(t *testing.T) {
	ctx := context.Background()
	peer := func(p secondarydns.PeerParams) func(c *secondarydns.Client) error {
		return func(c *secondarydns.Client) error { _, err := c.Peers.Create(ctx, testAccount, p); return err }
	}
	tsig := func(p secondarydns.TSIGParams) func(c *secondarydns.Client) error {
		return func(c *secondarydns.Client) error { _, err := c.TSIGs.Create(ctx, testAccount, p); return err }
	}
	acl := func(p secondarydns.ACLParams) func(c *secondarydns.Client) error {
		return func(c *secondarydns.Client) error {
			_, err := c.ACLs.Update(ctx, testAccount, testACLID, p)
			return err
		}
	}
	withTSIG := func(f func(*secondarydns.TSIGParams)) secondarydns.TSIGParams {
		p := fullTSIGParams
		f(&p)
		return p
	}
	tests := []struct {
		name string
		call func(c *secondarydns.Client) error
		want string // in the error's text
	}{
		// IDs follow the zone-ID rule, for every service and method.
		{"peers list, empty account", func(c *secondarydns.Client) error { _, err := c.Peers.List(ctx, ""); return err }, "account ID is empty"},
		{"tsigs list, account with a slash", func(c *secondarydns.Client) error { _, err := c.TSIGs.List(ctx, "a/b"); return err }, "account ID \"a/b\" contains '/'"},
		{"acls list, account too long", func(c *secondarydns.Client) error { _, err := c.ACLs.List(ctx, strings.Repeat("a", 65)); return err }, "the limit is 64"},
		{"peer get, empty ID", func(c *secondarydns.Client) error { _, err := c.Peers.Get(ctx, testAccount, ""); return err }, "peer ID is empty"},
		{"peer get, an address for an ID", func(c *secondarydns.Client) error { _, err := c.Peers.Get(ctx, testAccount, "192.0.2.1"); return err }, "looks like an IP address"},
		{"tsig get, bad ID", func(c *secondarydns.Client) error { _, err := c.TSIGs.Get(ctx, testAccount, "../x"); return err }, "TSIG ID"},
		{"acl delete, bad ID", func(c *secondarydns.Client) error { _, err := c.ACLs.Delete(ctx, testAccount, "a b"); return err }, "ACL ID"},
		{"peer update, bad account", func(c *secondarydns.Client) error {
			_, err := c.Peers.Update(ctx, "x?y", testPeerID, fullPeerParams)
			return err
		}, "account ID"},
		{"peer delete, bad ID", func(c *secondarydns.Client) error { _, err := c.Peers.Delete(ctx, testAccount, "%2e%2e"); return err }, "peer ID"},
		{"tsig update, bad ID", func(c *secondarydns.Client) error {
			_, err := c.TSIGs.Update(ctx, testAccount, "", fullTSIGParams)
			return err
		}, "TSIG ID is empty"},
		{"tsig delete, bad account", func(c *secondarydns.Client) error { _, err := c.TSIGs.Delete(ctx, "", testTSIGID); return err }, "account ID is empty"},
		{"acl get, bad account", func(c *secondarydns.Client) error { _, err := c.ACLs.Get(ctx, "example.com", testACLID); return err }, "account ID"},
		{"acl create, bad account", func(c *secondarydns.Client) error { _, err := c.ACLs.Create(ctx, "", fullACLParams); return err }, "account ID is empty"},

		// Names.
		{"peer name empty", peer(secondarydns.PeerParams{}), "peer name is empty"},
		{"peer name control", peer(secondarydns.PeerParams{Name: "ns\n1"}), "control character"},
		{"peer name 256 bytes", peer(secondarydns.PeerParams{Name: strings.Repeat("n", 256)}), "the limit is 255"},
		{"peer name invalid UTF-8", peer(secondarydns.PeerParams{Name: "ns\xff"}), "UTF-8"},
		{"acl name empty", acl(secondarydns.ACLParams{IPRange: "192.0.2.0/24"}), "ACL name is empty"},
		{"tsig name empty", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Name = "" })), "TSIG name is empty"},
		{"tsig name with a space", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Name = "my key" })), "TSIG name \"my key\" contains whitespace"},
		{"tsig name empty label", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Name = "a..b" })), "empty label"},

		// Peer fields.
		{"peer IP host name", peer(secondarydns.PeerParams{Name: "n", IP: "ns1.example.net"}), "looks like a host name"},
		{"peer IP with port", peer(secondarydns.PeerParams{Name: "n", IP: "192.0.2.1:53"}), "set IP to 192.0.2.1 and Port to 53"},
		{"peer IPv6 with port", peer(secondarydns.PeerParams{Name: "n", IP: "[2001:db8::1]:5353"}), "set IP to 2001:db8::1 and Port to 5353"},
		{"peer host name with port", peer(secondarydns.PeerParams{Name: "n", IP: "ns1.example.net:53"}), "host name and port"},
		{"peer IP with zone", peer(secondarydns.PeerParams{Name: "n", IP: "fe80::1%eth0"}), "has a zone"},
		{"peer IP prefix", peer(secondarydns.PeerParams{Name: "n", IP: "192.0.2.0/24"}), "is a prefix"},
		{"peer IP garbage", peer(secondarydns.PeerParams{Name: "n", IP: "1.2.3.4.5"}), "not an IPv4 or IPv6 address"},
		{"peer IP single-label host", peer(secondarydns.PeerParams{Name: "n", IP: "localhost"}), "looks like a host name"},
		{"peer IP in brackets", peer(secondarydns.PeerParams{Name: "n", IP: "[2001:db8::1]"}), "in brackets"},
		{"peer port negative", peer(secondarydns.PeerParams{Name: "n", Port: -1}), "out of range"},
		{"peer port too big", peer(secondarydns.PeerParams{Name: "n", Port: 65536}), "out of range"},
		{"peer TSIG ID bad", peer(secondarydns.PeerParams{Name: "n", TSIGID: "tsig/1"}), "TSIG ID"},
		{"peer TSIG name for its ID", peer(secondarydns.PeerParams{Name: "n", TSIGID: "tsig.example.com."}), "looks like a TSIG name: pass the TSIG's ID"},
		{"tsig get, its name for its ID", func(c *secondarydns.Client) error {
			_, err := c.TSIGs.Get(ctx, testAccount, "tsig.example.com.")
			return err
		}, "looks like a TSIG name: pass the TSIG's ID"},

		// TSIG algorithm and secret.
		{"algo empty", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Algo = "" })), "TSIG algorithm is empty"},
		{"algo unknown", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Algo = "hmac-sha3." })), "not one the API knows"},
		{"algo without hmac-", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Algo = "sha256" })), "did you mean hmac-sha256.?"},
		{"algo md5 short", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Algo = "hmac-md5" })), "did you mean hmac-md5.sig-alg.reg.int.?"},
		{"secret empty", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Secret = "" })), "TSIG secret is empty"},
		{"secret with newline", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Secret = testSecret + "\n" })), "whitespace at byte 32"},
		{"secret URL alphabet", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Secret = "ab-_" })), "URL-safe"},
		{"secret without padding", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Secret = "c2VjcmV0" + "LQ" })), "padding missing"},
		{"secret not base64", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Secret = "abc!" })), "not base64 at byte 3"},
		{"secret bad padding", tsig(withTSIG(func(p *secondarydns.TSIGParams) { p.Secret = "a===" })), "not valid standard base64"},

		// ACL ranges.
		{"acl range empty", acl(secondarydns.ACLParams{Name: "a"}), "ACL IP range is empty"},
		{"acl host bits", acl(secondarydns.ACLParams{Name: "a", IPRange: "192.0.2.5/24"}), "did you mean 192.0.2.0/24?"},
		{"acl IPv6 host bits", acl(secondarydns.ACLParams{Name: "a", IPRange: "2001:db8::1/64"}), "did you mean 2001:db8::/64?"},
		{"acl bare IPv4", acl(secondarydns.ACLParams{Name: "a", IPRange: "192.0.2.5"}), "add /32"},
		{"acl bare IPv6", acl(secondarydns.ACLParams{Name: "a", IPRange: "2001:db8::5"}), "add /128"},
		{"acl garbage", acl(secondarydns.ACLParams{Name: "a", IPRange: "192.0.2.0-255"}), "not a CIDR prefix"},

		// Zone lookup.
		{"zones bad account", func(c *secondarydns.Client) error {
			_, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: "a b"})
			return err
		}, "account ID"},
		{"zones bad name", func(c *secondarydns.Client) error {
			_, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{Name: "https://example.com/"})
			return err
		}, "zone name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMock(t, reply(200, okEnvelope(`{}`)))
			c := newMockClient(t, m, nil)
			err := tt.call(c)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), testSecret[:12], "an error never quotes a secret")
			assert.Zero(t, m.count(), "nothing is sent")
		})
	}
}

// TestAccountValidationAccepts: what the rules allow is sent as given.
func TestAccountValidationAccepts(t *testing.T) {
	ctx := context.Background()
	for _, algo := range []string{"hmac-sha256.", "HMAC-SHA256", "hmac-sha384", "Hmac-Sha512.", "hmac-sha1", "HMAC-MD5.SIG-ALG.REG.INT"} {
		m := newMock(t, reply(200, okEnvelope(fullTSIGJSON)))
		c := newMockClient(t, m, nil)
		_, err := c.TSIGs.Create(ctx, testAccount, secondarydns.TSIGParams{Name: "k.", Algo: algo, Secret: "YQ=="})
		require.NoError(t, err, algo)
		assert.Contains(t, m.requests()[0].Body, `"algo":"`+algo+`"`)
	}
	for _, ip := range []string{"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"} {
		m := newMock(t, reply(200, okEnvelope(`{"id":"`+testPeerID+`","name":"n","ip":"`+ip+`"}`)))
		c := newMockClient(t, m, nil)
		_, err := c.Peers.Create(ctx, testAccount, secondarydns.PeerParams{Name: "n", IP: ip, Port: 65535})
		require.NoError(t, err, ip)
	}
	for _, r := range []string{"192.0.2.0/24", "192.0.2.5/32", "2001:db8::/64", "0.0.0.0/0"} {
		m := newMock(t, reply(200, okEnvelope(fullACLJSON)))
		c := newMockClient(t, m, nil)
		_, err := c.ACLs.Create(ctx, testAccount, secondarydns.ACLParams{Name: "a name with spaces, ü", IPRange: r})
		require.NoError(t, err, r)
	}
}

// TestPeerCreateQuirk: the API documents only "name" for a create. An answer
// that holds what was sent needs nothing more; one that lacks a field gets
// one PUT with the same fields; a failed PUT is reported with the peer as
// created.
func TestPeerCreateQuirk(t *testing.T) {
	ctx := context.Background()
	wantBody := `{"name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true,"tsig_id":"` + testTSIGID + `"}`
	bare := `{"id":"` + testPeerID + `","name":"ns1"}`

	t.Run("the answer holds every field: no PUT", func(t *testing.T) {
		m := newMock(t, reply(200, okEnvelope(fullPeerJSON)))
		p, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, fullPeerParams)
		require.NoError(t, err)
		assert.Equal(t, &fullPeer, p)
		require.Equal(t, 1, m.count())
	})
	t.Run("the API writes the address its own way: no PUT", func(t *testing.T) {
		m := newMock(t, reply(200, okEnvelope(`{"id":"`+testPeerID+`","name":"ns1","ip":"2001:db8::53"}`)))
		_, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, secondarydns.PeerParams{Name: "ns1", IP: "2001:DB8:0::53"})
		require.NoError(t, err)
		require.Equal(t, 1, m.count())
	})
	for _, lacking := range []struct{ name, answer string }{
		{"only the name", bare},
		{"another port", `{"id":"` + testPeerID + `","name":"ns1","ip":"192.0.2.53","port":53,"ixfr_enable":true,"tsig_id":"` + testTSIGID + `"}`},
		{"no tsig_id", `{"id":"` + testPeerID + `","name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true}`},
		{"no ixfr_enable", `{"id":"` + testPeerID + `","name":"ns1","ip":"192.0.2.53","port":5353,"tsig_id":"` + testTSIGID + `"}`},
	} {
		t.Run("the answer lacks a field, "+lacking.name+": one PUT", func(t *testing.T) {
			m := newMock(t, reply(200, okEnvelope(lacking.answer)), reply(200, okEnvelope(fullPeerJSON)))
			p, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, fullPeerParams)
			require.NoError(t, err)
			assert.Equal(t, &fullPeer, p, "the PUT's answer")
			reqs := m.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, "POST", reqs[0].Method)
			assert.Equal(t, basePath+peersPath(""), reqs[0].Path)
			assert.Equal(t, wantBody, reqs[0].Body)
			assert.Equal(t, "PUT", reqs[1].Method)
			assert.Equal(t, basePath+peersPath("/"+testPeerID), reqs[1].Path)
			assert.Equal(t, wantBody, reqs[1].Body)
		})
	}
	t.Run("the answer lacks a field and its ID cannot be used: no PUT, the created peer and ErrInvalidResponse", func(t *testing.T) {
		var resp secondarydns.Response
		m := newMock(t, reply(200, okEnvelope(`{"id":"not an id","name":"ns1"}`)))
		p, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, fullPeerParams, secondarydns.WithResponse(&resp))
		require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
		assert.Equal(t, &secondarydns.Peer{ID: "not an id", Name: "ns1"}, p, "the peer exists")
		// As every ErrInvalidResponse: the status and ray ID in the text.
		assert.Contains(t, err.Error(), "HTTP 200")
		assert.Contains(t, err.Error(), testRay)
		assert.Contains(t, err.Error(), `"not an id"`)
		assert.Contains(t, err.Error(), "ip, port, ixfr_enable, tsig_id")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, 1, m.count())
	})
	t.Run("the PUT fails: the created peer and an error", func(t *testing.T) {
		m := newMock(t, reply(200, okEnvelope(bare)), reply(400, errEnvelope(1004, "bad tsig_id")))
		p, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, fullPeerParams)
		require.Error(t, err)
		require.NotNil(t, p, "the peer exists")
		assert.Equal(t, &secondarydns.Peer{ID: testPeerID, Name: "ns1"}, p)
		var apiErr *secondarydns.APIError
		require.ErrorAs(t, err, &apiErr, "wraps the PUT's error")
		assert.Equal(t, "PUT", apiErr.Method)
		assert.ErrorIs(t, err, secondarydns.ErrBadRequest)
		assert.Contains(t, err.Error(), "peer "+testPeerID+" exists with only part of its fields")
		assert.Contains(t, err.Error(), "ip, port, ixfr_enable, tsig_id")
		assert.Equal(t, 2, m.count())
	})
	t.Run("the PUT fails on the 5xx it retried: still one POST", func(t *testing.T) {
		m := newMock(t, reply(200, okEnvelope(bare)), reply(503, "busy"))
		p, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, fullPeerParams)
		require.ErrorIs(t, err, secondarydns.ErrServerError)
		require.NotNil(t, p)
		reqs := m.requests()
		require.Len(t, reqs, 1+1+secondarydns.DefaultMaxRetries)
		for _, r := range reqs[1:] {
			assert.Equal(t, "PUT", r.Method)
		}
	})
	t.Run("a created peer without a usable ID", func(t *testing.T) {
		m := newMock(t, reply(200, okEnvelope(`{"id":"","name":"ns1"}`)))
		p, err := newMockClient(t, m, nil).Peers.Create(ctx, testAccount, fullPeerParams)
		require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
		require.NotNil(t, p)
		assert.Equal(t, 1, m.count())
	})
}

// TestAccountRetrySafety: a create's POST is never repeated once it may have
// reached the server; the other calls are safe to repeat and are retried.
func TestAccountRetrySafety(t *testing.T) {
	ctx := context.Background()
	creates := map[string]func(c *secondarydns.Client) error{
		"peer": func(c *secondarydns.Client) error {
			_, err := c.Peers.Create(ctx, testAccount, fullPeerParams)
			return err
		},
		"tsig": func(c *secondarydns.Client) error {
			_, err := c.TSIGs.Create(ctx, testAccount, fullTSIGParams)
			return err
		},
		"acl": func(c *secondarydns.Client) error {
			_, err := c.ACLs.Create(ctx, testAccount, fullACLParams)
			return err
		},
	}
	for name, create := range creates {
		t.Run(name+" create: 503 not repeated", func(t *testing.T) {
			m := newMock(t, reply(503, errEnvelope(10001, "busy")))
			require.ErrorIs(t, create(newMockClient(t, m, nil)), secondarydns.ErrServerError)
			assert.Equal(t, 1, m.count())
		})
		t.Run(name+" create: connection reset not repeated", func(t *testing.T) {
			m := newMock(t, fail(errors.New("connection reset by peer")))
			require.Error(t, create(newMockClient(t, m, nil)))
			assert.Equal(t, 1, m.count())
		})
		t.Run(name+" create: 429 repeated", func(t *testing.T) {
			m := newMock(t, reply(429, errEnvelope(971, "slow down"), "Retry-After", "0"), reply(200, okEnvelope(map[string]string{
				"peer": fullPeerJSON, "tsig": fullTSIGJSON, "acl": fullACLJSON}[name])))
			require.NoError(t, create(newMockClient(t, m, nil)))
			assert.Equal(t, 2, m.count())
		})
	}
	safe := map[string]func(c *secondarydns.Client) error{
		"peers list": func(c *secondarydns.Client) error { _, err := c.Peers.List(ctx, testAccount); return err },
		"tsig get":   func(c *secondarydns.Client) error { _, err := c.TSIGs.Get(ctx, testAccount, testTSIGID); return err },
		"acl update": func(c *secondarydns.Client) error {
			_, err := c.ACLs.Update(ctx, testAccount, testACLID, fullACLParams)
			return err
		},
		"peer delete": func(c *secondarydns.Client) error { _, err := c.Peers.Delete(ctx, testAccount, testPeerID); return err },
		"zones list": func(c *secondarydns.Client) error {
			_, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{})
			return err
		},
	}
	for name, call := range safe {
		t.Run(name+": 503 and a reset are retried", func(t *testing.T) {
			m := newMock(t, reply(503, "busy"), fail(errors.New("connection reset by peer")), reply(503, "busy"))
			err := call(newMockClient(t, m, nil))
			require.Error(t, err)
			assert.Equal(t, 1+secondarydns.DefaultMaxRetries, m.count())
			for _, r := range m.requests()[1:] {
				assert.Equal(t, m.requests()[0].Method, r.Method)
				assert.Equal(t, m.requests()[0].Path, r.Path)
				assert.Equal(t, m.requests()[0].Body, r.Body)
			}
		})
	}
}

// TestAccountUnknownID: a 404 with code 7003 means the account or object ID
// is wrong; it still matches ErrNotFound.
func TestAccountUnknownID(t *testing.T) {
	for _, code := range []int{7003, 7000} {
		m := newMock(t, reply(404, errEnvelope(code, "Could not route to /accounts/x, perhaps your object identifier is invalid?")))
		_, err := newMockClient(t, m, nil).Peers.Get(context.Background(), testAccount, testPeerID)
		assert.ErrorIs(t, err, secondarydns.ErrUnknownID)
		assert.ErrorIs(t, err, secondarydns.ErrNotFound)
	}
	m := newMock(t, reply(404, errEnvelope(1003, "not found")))
	_, err := newMockClient(t, m, nil).ACLs.Get(context.Background(), testAccount, testACLID)
	assert.ErrorIs(t, err, secondarydns.ErrNotFound)
	assert.NotErrorIs(t, err, secondarydns.ErrUnknownID)
}

// TestAccountServicesNotMadeByNewClient: like the outgoing service, a zero or
// nil service refuses instead of panicking.
func TestAccountServicesNotMadeByNewClient(t *testing.T) {
	ctx := context.Background()
	var zero secondarydns.Client
	calls := map[string]func() error{
		"nil peers":   func() error { _, err := (*secondarydns.PeersService)(nil).List(ctx, testAccount); return err },
		"zero tsigs":  func() error { _, err := new(secondarydns.TSIGsService).Get(ctx, testAccount, testTSIGID); return err },
		"zero's acls": func() error { _, err := zero.ACLs.Create(ctx, testAccount, secondarydns.ACLParams{}); return err },
		"zero zones": func() error {
			_, err := new(secondarydns.ZonesService).List(ctx, secondarydns.ZoneListOptions{})
			return err
		},
		"nil peers create": func() error {
			_, err := (*secondarydns.PeersService)(nil).Create(ctx, testAccount, fullPeerParams)
			return err
		},
	}
	for name, call := range calls {
		var err error
		require.NotPanics(t, func() { err = call() }, name)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, name)
		assert.Contains(t, err.Error(), "use NewClient", name)
	}
}

// TestAccountResponseResetWhenRefused: a Response reused from an earlier
// call is cleared by a call refused before sending, whatever refused it.
func TestAccountResponseResetWhenRefused(t *testing.T) {
	ctx := context.Background()
	m := newMock(t, reply(200, okEnvelope(fullPeerJSON)))
	c := newMockClient(t, m, nil)
	calls := map[string]func(o secondarydns.Option) error{
		"bad params": func(o secondarydns.Option) error {
			_, err := c.Peers.Create(ctx, testAccount, secondarydns.PeerParams{}, o)
			return err
		},
		"bad ID": func(o secondarydns.Option) error { _, err := c.TSIGs.Get(ctx, testAccount, "", o); return err },
		"bad zone filter": func(o secondarydns.Option) error {
			_, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{Name: "a b"}, o)
			return err
		},
	}
	for name, call := range calls {
		resp := secondarydns.Response{StatusCode: 200, RayID: "old", Attempts: 3}
		require.ErrorIs(t, call(secondarydns.WithResponse(&resp)), secondarydns.ErrInvalidInput, name)
		assert.Equal(t, secondarydns.Response{}, resp, name)
	}
	assert.Zero(t, m.count())
}
