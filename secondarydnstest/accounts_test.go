package secondarydnstest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

const (
	account1 = secondarydnstest.DefaultAccountID
	account2 = "9a7806061c88ada191ed06f989cc3dac"
	secret   = "c2VjcmV0LXNoYXJlZC13aXRoLXRoZS1zZWNvbmRhcnk="
)

// accountPath is /accounts/{account}/secondary_dns/{collection}[/{id}].
func accountPath(account, collection string, id ...string) string {
	return "/accounts/" + account + "/secondary_dns/" + collection + strings.Join(append([]string{""}, id...), "/")
}

// created sends a create and returns the new object's ID.
func created(t *testing.T, srv *secondarydnstest.Server, account, collection, body string) string {
	t.Helper()
	r := send(t, srv, "POST", accountPath(account, collection), body)
	require.Equal(t, 200, r.Status, r.Raw)
	var obj struct{ ID string }
	require.NoError(t, json.Unmarshal(r.Env.Result, &obj))
	return obj.ID
}

func TestDefaultAccountID(t *testing.T) {
	assert.Regexp(t, `^[0-9a-f]{32}$`, secondarydnstest.DefaultAccountID)
}

// TestAccountObjectLifecycle walks each kind through list, create, get,
// list, update, delete, comparing whole envelopes.
func TestAccountObjectLifecycle(t *testing.T) {
	cases := []struct {
		collection     string
		id             string // the first object's ID
		create, update string // bodies
		created        string // the object after create
		updated        string // the object after update
	}{
		{
			collection: "peers", id: "70656572000000000000000000000001",
			create:  `{"name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true}`,
			created: `{"id":"70656572000000000000000000000001","name":"ns1","ip":"192.0.2.53","port":5353,"ixfr_enable":true}`,
			// The whole object: unset fields are cleared.
			update:  `{"name":"ns1-renamed","ip":"2001:db8::53"}`,
			updated: `{"id":"70656572000000000000000000000001","name":"ns1-renamed","ip":"2001:db8::53"}`,
		},
		{
			collection: "tsigs", id: "74736967000000000000000000000001",
			create:  `{"name":"tsig.example.com.","algo":"hmac-sha256.","secret":"` + secret + `"}`,
			created: `{"id":"74736967000000000000000000000001","name":"tsig.example.com.","algo":"hmac-sha256.","secret":"` + secret + `"}`,
			update:  `{"name":"tsig.example.com.","algo":"HMAC-SHA512","secret":"bmV3"}`,
			updated: `{"id":"74736967000000000000000000000001","name":"tsig.example.com.","algo":"HMAC-SHA512","secret":"bmV3"}`,
		},
		{
			collection: "acls", id: "61636c00000000000000000000000001",
			create:  `{"name":"xfr","ip_range":"192.0.2.0/24"}`,
			created: `{"id":"61636c00000000000000000000000001","name":"xfr","ip_range":"192.0.2.0/24"}`,
			update:  `{"name":"xfr","ip_range":"2001:db8::/64","id":"ignored"}`,
			updated: `{"id":"61636c00000000000000000000000001","name":"xfr","ip_range":"2001:db8::/64"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.collection, func(t *testing.T) {
			srv := newServer(t)
			coll := accountPath(account1, tc.collection)
			item := accountPath(account1, tc.collection, tc.id)
			ok := func(result string) string {
				return `{"success":true,"errors":[],"messages":[],"result":` + result + `}`
			}
			list := func(items string, n int) string {
				return fmt.Sprintf(`{"success":true,"errors":[],"messages":[],"result":%s,
					"result_info":{"page":1,"per_page":%d,"count":%[2]d,"total_count":%[2]d,"total_pages":1}}`, items, n)
			}

			r := send(t, srv, "GET", coll, "")
			require.Equal(t, 200, r.Status, r.Raw)
			assert.JSONEq(t, list(`[]`, 0), r.Raw, "an account without objects")

			r = send(t, srv, "POST", coll, tc.create)
			require.Equal(t, 200, r.Status, r.Raw)
			assert.JSONEq(t, ok(tc.created), r.Raw)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.NotEmpty(t, r.Header.Get("Cf-Ray"))

			r = send(t, srv, "GET", item, "")
			assert.JSONEq(t, ok(tc.created), r.Raw)
			r = send(t, srv, "GET", coll, "")
			assert.JSONEq(t, list(`[`+tc.created+`]`, 1), r.Raw)

			r = send(t, srv, "PUT", item, tc.update)
			require.Equal(t, 200, r.Status, r.Raw)
			assert.JSONEq(t, ok(tc.updated), r.Raw)
			r = send(t, srv, "GET", item, "")
			assert.JSONEq(t, ok(tc.updated), r.Raw)

			r = send(t, srv, "DELETE", item, "")
			require.Equal(t, 200, r.Status, r.Raw)
			assert.JSONEq(t, ok(`{"id":"`+tc.id+`"}`), r.Raw)

			for _, method := range []string{"GET", "PUT", "DELETE"} {
				body := ""
				if method == "PUT" {
					body = tc.update
				}
				r = send(t, srv, method, item, body)
				assert.Equal(t, 404, r.Status, "%s after delete", method)
				assert.Equal(t, []string{"1005"}, r.codes(), "a plain 404, not 7003/7000: the ID is well formed")
				assert.Equal(t, "null", string(r.Env.Result))
			}
			r = send(t, srv, "GET", coll, "")
			assert.JSONEq(t, list(`[]`, 0), r.Raw)
		})
	}
}

// TestPeerCreateKeepsEveryField: the API documents only name for a create,
// but the fake keeps and answers every field it was given.
func TestPeerCreateKeepsEveryField(t *testing.T) {
	srv := newServer(t)
	tsig := created(t, srv, account1, "tsigs", `{"name":"k.","algo":"hmac-sha256.","secret":"`+secret+`"}`)
	body := `{"name":"ns1","ip":"2001:db8::53","port":53,"ixfr_enable":true,"tsig_id":"` + tsig + `"}`
	r := send(t, srv, "POST", accountPath(account1, "peers"), body)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.JSONEq(t, `{"id":"70656572000000000000000000000001","name":"ns1","ip":"2001:db8::53","port":53,"ixfr_enable":true,"tsig_id":"`+tsig+`"}`, string(r.Env.Result))

	// Only the name: the others are left out of the answer.
	r = send(t, srv, "POST", accountPath(account1, "peers"), `{"name":"bare","ip":null,"port":0,"ixfr_enable":false,"tsig_id":""}`)
	assert.JSONEq(t, `{"id":"70656572000000000000000000000002","name":"bare"}`, string(r.Env.Result))
}

// TestAccountIsolation: each account has its own objects; an object of one
// account is not found under another.
func TestAccountIsolation(t *testing.T) {
	srv := newServer(t)
	peer := created(t, srv, account1, "peers", `{"name":"ns1"}`)
	acl := created(t, srv, account2, "acls", `{"name":"xfr","ip_range":"192.0.2.0/28"}`)
	tsig := created(t, srv, account2, "tsigs", `{"name":"k.","algo":"hmac-sha1","secret":"`+secret+`"}`)

	ids := func(account, collection string) []string {
		r := send(t, srv, "GET", accountPath(account, collection), "")
		require.Equal(t, 200, r.Status, r.Raw)
		var objs []struct{ ID string }
		require.NoError(t, json.Unmarshal(r.Env.Result, &objs))
		out := []string{}
		for _, o := range objs {
			out = append(out, o.ID)
		}
		return out
	}
	assert.Equal(t, []string{peer}, ids(account1, "peers"))
	assert.Equal(t, []string{}, ids(account2, "peers"))
	assert.Equal(t, []string{acl}, ids(account2, "acls"))
	assert.Equal(t, []string{}, ids(account1, "acls"))
	assert.Equal(t, []string{}, ids(account1, "tsigs"))

	for _, tc := range []struct{ method, path, body string }{
		{"GET", accountPath(account2, "peers", peer), ""},
		{"PUT", accountPath(account2, "peers", peer), `{"name":"stolen"}`},
		{"DELETE", accountPath(account2, "peers", peer), ""},
		{"DELETE", accountPath(account1, "acls", acl), ""},
		{"GET", accountPath(account1, "tsigs", tsig), ""},
	} {
		r := send(t, srv, tc.method, tc.path, tc.body)
		assert.Equal(t, 404, r.Status, "%s %s", tc.method, tc.path)
	}
	r := send(t, srv, "GET", accountPath(account1, "peers", peer), "")
	assert.Equal(t, `"ns1"`, gjson(t, r.Env.Result, "name"), "untouched by the other account")

	// A peer may only use a TSIG of its own account.
	r = send(t, srv, "POST", accountPath(account1, "peers"), `{"name":"ns2","tsig_id":"`+tsig+`"}`)
	assert.Equal(t, 400, r.Status, r.Raw)
	assert.Equal(t, "/tsig_id", r.pointer())
	r = send(t, srv, "POST", accountPath(account2, "peers"), `{"name":"ns2","tsig_id":"`+tsig+`"}`)
	assert.Equal(t, 200, r.Status, r.Raw)
}

// TestAccountObjectIDs: IDs are 32 hexadecimal characters, tell their kind,
// are unique across accounts and the same on every server.
func TestAccountObjectIDs(t *testing.T) {
	make3 := func() []string {
		srv := newServer(t)
		return []string{
			created(t, srv, account1, "peers", `{"name":"a"}`),
			created(t, srv, account2, "peers", `{"name":"a"}`),
			created(t, srv, account1, "tsigs", `{"name":"a.","algo":"hmac-md5.sig-alg.reg.int.","secret":"eA=="}`),
			created(t, srv, account1, "acls", `{"name":"a","ip_range":"192.0.2.1/32"}`),
			created(t, srv, account1, "peers", `{"name":"a"}`), // the same name again is allowed, as the API allows it
		}
	}
	ids := make3()
	assert.Equal(t, []string{
		"70656572000000000000000000000001",
		"70656572000000000000000000000002",
		"74736967000000000000000000000001",
		"61636c00000000000000000000000001",
		"70656572000000000000000000000003",
	}, ids)
	assert.Equal(t, ids, make3(), "deterministic")
	for _, id := range ids {
		assert.Regexp(t, `^[0-9a-f]{32}$`, id)
	}
}

// TestAccountValidation: a body the API would refuse is 400 with code 1004
// and a pointer to the field, for create and update alike, and changes
// nothing.
func TestAccountValidation(t *testing.T) {
	srv := newServer(t)
	peer := created(t, srv, account1, "peers", `{"name":"ns1"}`)
	tsig := created(t, srv, account1, "tsigs", `{"name":"k.","algo":"hmac-sha256.","secret":"`+secret+`"}`)
	acl := created(t, srv, account1, "acls", `{"name":"x","ip_range":"192.0.2.0/24"}`)
	ids := map[string]string{"peers": peer, "tsigs": tsig, "acls": acl}
	long := strings.Repeat("n", 256)
	cases := []struct {
		collection, body, pointer string
	}{
		{"peers", `[]`, "/"},
		{"peers", `null`, "/"},
		{"peers", `{"name":"x"`, "/"},
		{"peers", `{}`, "/name"},
		{"peers", `{"name":""}`, "/name"},
		{"peers", `{"name":"  "}`, "/name"},
		{"peers", `{"name":5}`, "/name"},
		{"peers", `{"name":"` + long + `"}`, "/name"},
		{"peers", `{"name":"x","ip":"ns1.example.com"}`, "/ip"},
		{"peers", `{"name":"x","ip":"192.0.2.1:53"}`, "/ip"},
		{"peers", `{"name":"x","ip":"fe80::1%eth0"}`, "/ip"},
		{"peers", `{"name":"x","ip":53}`, "/ip"},
		{"peers", `{"name":"x","port":70000}`, "/port"},
		{"peers", `{"name":"x","port":-1}`, "/port"},
		{"peers", `{"name":"x","port":53.5}`, "/port"},
		{"peers", `{"name":"x","port":"53"}`, "/port"},
		{"peers", `{"name":"x","ixfr_enable":"yes"}`, "/ixfr_enable"},
		{"peers", `{"name":"x","tsig_id":"69cd1e104af3e6ed3cb344f263fd0d5a"}`, "/tsig_id"},
		{"peers", `{"name":"x","tsig_id":7}`, "/tsig_id"},
		{"tsigs", `{"algo":"hmac-sha256.","secret":"eA=="}`, "/name"},
		{"tsigs", `{"name":"k.","secret":"eA=="}`, "/algo"},
		{"tsigs", `{"name":"k.","algo":"hmac-sha3.","secret":"eA=="}`, "/algo"},
		{"tsigs", `{"name":"k.","algo":"hmac-sha256."}`, "/secret"},
		{"tsigs", `{"name":"k.","algo":"hmac-sha256.","secret":""}`, "/secret"},
		{"acls", `{"ip_range":"192.0.2.0/24"}`, "/name"},
		{"acls", `{"name":"x"}`, "/ip_range"},
		{"acls", `{"name":"x","ip_range":"192.0.2.1"}`, "/ip_range"},
		{"acls", `{"name":"x","ip_range":"192.0.0.0/16"}`, "/ip_range"},
		{"acls", `{"name":"x","ip_range":"2001:db8::/48"}`, "/ip_range"},
	}
	for _, tc := range cases {
		for _, method := range []string{"POST", "PUT"} {
			path := accountPath(account1, tc.collection)
			if method == "PUT" {
				path = accountPath(account1, tc.collection, ids[tc.collection])
			}
			r := send(t, srv, method, path, tc.body)
			assert.Equal(t, 400, r.Status, "%s %s %s: %s", method, tc.collection, tc.body, r.Raw)
			assert.Equal(t, []string{"1004"}, r.codes(), "%s %s %s", method, tc.collection, tc.body)
			assert.Equal(t, tc.pointer, r.pointer(), "%s %s %s", method, tc.collection, tc.body)
		}
	}
	for collection, id := range ids {
		r := send(t, srv, "GET", accountPath(account1, collection), "")
		var objs []struct{ ID string }
		require.NoError(t, json.Unmarshal(r.Env.Result, &objs))
		assert.Equal(t, []struct{ ID string }{{id}}, objs, "%s: nothing made or changed", collection)
	}
	r := send(t, srv, "GET", accountPath(account1, "peers", peer), "")
	assert.JSONEq(t, `{"id":"`+peer+`","name":"ns1"}`, string(r.Env.Result))
}

// TestAccountAuth: the account endpoints check credentials and Content-Type
// as the outgoing ones do.
func TestAccountAuth(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithAPIKey("me@example.com", "k3y"))
	peer := created(t, srv, account1, "peers", `{"name":"ns1"}`)
	requests := []struct{ method, path, body string }{
		{"GET", accountPath(account1, "peers"), ""},
		{"POST", accountPath(account1, "tsigs"), `{"name":"k.","algo":"hmac-sha256.","secret":"eA=="}`},
		{"GET", accountPath(account1, "peers", peer), ""},
		{"PUT", accountPath(account1, "peers", peer), `{"name":"x"}`},
		{"DELETE", accountPath(account1, "peers", peer), ""},
		{"GET", "/zones", ""},
	}
	for _, rq := range requests {
		r := send(t, srv, rq.method, rq.path, rq.body, noAuth)
		assert.Equal(t, []string{"9106"}, r.codes(), "%s %s", rq.method, rq.path)
		assert.Equal(t, 401, r.Status)
		r = send(t, srv, rq.method, rq.path, rq.body, header("Authorization", "Bearer nope"))
		assert.Equal(t, 403, r.Status, "%s %s", rq.method, rq.path)
		r = send(t, srv, rq.method, rq.path, rq.body, noAuth, header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "nope"))
		assert.Equal(t, 403, r.Status, "%s %s", rq.method, rq.path)
		if rq.body != "" {
			r = send(t, srv, rq.method, rq.path, rq.body, header("Content-Type", "text/plain"))
			assert.Equal(t, []string{"6003>6105"}, r.codes(), "%s %s", rq.method, rq.path)
		}
	}
	r := send(t, srv, "GET", accountPath(account1, "peers", peer), "")
	assert.JSONEq(t, `{"id":"`+peer+`","name":"ns1"}`, string(r.Env.Result), "nothing changed")
	r = send(t, srv, "GET", accountPath(account1, "peers"), "", noAuth, header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "k3y"))
	assert.Equal(t, 200, r.Status, "email and key")
}

// TestTSIGSecretRedactedInLog: the request log never holds a TSIG's secret;
// the rest of the body stays as sent, and the answer still carries it (as the
// API's does).
func TestTSIGSecretRedactedInLog(t *testing.T) {
	srv := newServer(t)
	coll := accountPath(account1, "tsigs")
	body := "{\"name\": \"k.\",\n \"secret\" :  \"" + secret + "\", \"algo\":\"hmac-sha256.\"}"
	r := send(t, srv, "POST", coll, body)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Contains(t, r.Raw, secret, "the API returns the secret")
	id := "74736967000000000000000000000001"
	send(t, srv, "PUT", accountPath(account1, "tsigs", id), `{"name":"k.","algo":"hmac-sha256.","secret":"`+secret+`","SECRET":"`+secret+`x"}`)
	send(t, srv, "POST", coll, `{"name":"k.","algo":"hmac-sha256.","secret":"`+secret+`"`) // malformed: 400
	send(t, srv, "POST", coll, `{"name":"k.","secret":{"nested":"`+secret+`"}}`)           // wrong type: 400
	send(t, srv, "POST", accountPath(account1, "peers"), `{"name":"secret","secret":"not a TSIG"}`)
	// Paths the API does not serve, but meant for the TSIGs: 404, redacted.
	send(t, srv, "POST", coll+"/", `{"name":"k.","secret":"`+secret+`"}`)
	send(t, srv, "PUT", accountPath(account1, "tsigs", id, "x"), `{"name":"k.","secret":"`+secret+`"}`)

	var bodies []string
	for _, req := range srv.Requests() {
		bodies = append(bodies, req.Body)
	}
	assert.Equal(t, []string{
		"{\"name\": \"k.\",\n \"secret\" :  \"[redacted]\", \"algo\":\"hmac-sha256.\"}",
		`{"name":"k.","algo":"hmac-sha256.","secret":"[redacted]","SECRET":"[redacted]"}`,
		`[redacted]`,
		`{"name":"k.","secret":"[redacted]"}`,
		`{"name":"secret","secret":"not a TSIG"}`, // not a TSIG endpoint
		`{"name":"k.","secret":"[redacted]"}`,
		`{"name":"k.","secret":"[redacted]"}`,
	}, bodies)
	for _, b := range bodies {
		assert.NotContains(t, b, secret)
	}
}

// TestAccountEndpointsConcurrent: concurrent creates in several accounts
// each get their own ID, and every object is listed once (run with -race).
func TestAccountEndpointsConcurrent(t *testing.T) {
	srv := newServer(t)
	accounts := []string{account1, account2, "00000000000000000000000000000003"}
	const each = 20
	ids := make(chan string, len(accounts)*each)
	var wg sync.WaitGroup
	for _, acct := range accounts {
		for i := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids <- created(t, srv, acct, "peers", fmt.Sprintf(`{"name":"ns%d"}`, i))
			}()
		}
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		assert.False(t, seen[id], "duplicate ID %s", id)
		seen[id] = true
	}
	assert.Len(t, seen, len(accounts)*each)
	for _, acct := range accounts {
		r := send(t, srv, "GET", accountPath(acct, "peers"), "")
		var objs []struct{ ID string }
		require.NoError(t, json.Unmarshal(r.Env.Result, &objs))
		assert.Len(t, objs, each, acct)
	}
}

// TestAccountEndpointsRateLimited: the account endpoints and GET /zones count
// against the same per-credential limit as the outgoing ones.
func TestAccountEndpointsRateLimited(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithRateLimit(3, time.Minute))
	assert.Equal(t, 200, send(t, srv, "GET", accountPath(account1, "peers"), "").Status)
	assert.Equal(t, 200, send(t, srv, "GET", "/zones", "").Status)
	assert.Equal(t, 404, send(t, srv, "GET", outgoingPath(zoneA), "").Status)
	r := send(t, srv, "POST", accountPath(account1, "acls"), `{"name":"x","ip_range":"192.0.2.0/24"}`)
	assert.Equal(t, 429, r.Status)
	assert.Equal(t, []string{"10100"}, r.codes())
	assert.NotEmpty(t, r.Header.Get("Retry-After"))
	r = send(t, srv, "GET", accountPath(account1, "acls"), "")
	assert.Equal(t, 429, r.Status)
	other := newServer(t, secondarydnstest.WithRateLimit(3, time.Minute))
	assert.Equal(t, `"default";r=2;t=0`, send(t, other, "GET", "/zones", "").Header.Get("Ratelimit"))
}
