package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// objFake is a fake and the environment that points the command at it and
// at its default account.
func objFake(t *testing.T) (*secondarydnstest.Server, map[string]string) {
	t.Helper()
	srv := newFake(t)
	return srv, acctEnv(fakeEnv(srv), secondarydnstest.DefaultAccountID)
}

// accountPath is the path of the default account's objects of one kind.
func accountPath(kind string) string {
	return "/accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns/" + kind
}

// sent is one request as the fake logged it.
type sent struct{ method, path, body string }

// sentSince returns the requests after the first n, in order.
func sentSince(srv *secondarydnstest.Server, n int) []sent {
	var out []sent
	for _, r := range srv.Requests()[n:] {
		out = append(out, sent{r.Method, r.Path, r.Body})
	}
	return out
}

// oneRequest asserts that the command sent exactly one request since the
// first n, with this method and path and, if body is not "", this JSON body.
func oneRequest(t *testing.T, srv *secondarydnstest.Server, n int, method, path, body string) {
	t.Helper()
	got := sentSince(srv, n)
	require.Len(t, got, 1, "%+v", got)
	assert.Equal(t, method, got[0].method)
	assert.Equal(t, path, got[0].path)
	if body != "" {
		assert.JSONEq(t, body, got[0].body)
	} else {
		assert.Empty(t, got[0].body)
	}
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	return v
}

// TestPeersCommands: create, list, get, update and delete a peer against
// the fake: the exact request each sends, the text and JSON output, exit 0.
func TestPeersCommands(t *testing.T) {
	srv, env := objFake(t)
	path := accountPath("peers")
	run := func(args ...string) result { return invoke(t, invocation{args: args, env: env}) }

	r := run("peers", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "(no peers)\n", r.stdout)
	r = run("peers", "list", "-o", "json")
	assert.JSONEq(t, `[]`, r.stdout)

	n := len(srv.Requests())
	r = run("peers", "create", "--name", "ns1", "--ip", "192.0.2.53", "--port", "5353", "--ixfr", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodPost, path, `{"name": "ns1", "ip": "192.0.2.53", "port": 5353, "ixfr_enable": true}`)
	p1 := decode[secondarydns.Peer](t, r.stdout)
	require.NotEmpty(t, p1.ID)
	assert.Equal(t, secondarydns.Peer{ID: p1.ID, Name: "ns1", IP: "192.0.2.53", Port: 5353, IXFREnable: true}, p1)
	assert.JSONEq(t, `{"id": "`+p1.ID+`", "name": "ns1", "ip": "192.0.2.53", "port": 5353, "ixfr_enable": true}`, r.stdout)
	assert.Empty(t, r.stderr)

	// Global flags and the command's flags before the subcommand's name.
	file := writeFile(t, "secret", tsigSecret+"\n")
	r = run("tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	key := decode[tsigJSON](t, r.stdout).ID
	n = len(srv.Requests())
	r = run("--quiet", "peers", "--name", "ns2", "create", "--tsig", key)
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodPost, path, `{"name": "ns2", "tsig_id": "`+key+`"}`)
	id2 := regexp.MustCompile(`(?m)^id +(\S+)$`).FindStringSubmatch(r.stdout)
	require.NotNil(t, id2, r.stdout)
	p2 := id2[1]
	assert.Equal(t, "id    "+p2+"\nname  ns2\nip    -\nport  -\nixfr  no\ntsig  "+key+"\n", r.stdout)

	n = len(srv.Requests())
	r = run("peers", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodGet, path, "")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 3, r.stdout)
	assert.Regexp(t, `^ID +NAME +IP +PORT +IXFR +TSIG$`, lines[0])
	assert.Contains(t, r.stdout, p1.ID+"  ns1   192.0.2.53  5353  yes   -\n")
	assert.Contains(t, r.stdout, p2+"  ns2   -           -     no    "+key+"\n")
	r = run("peers", "list", "-o", "json")
	list := decode[[]secondarydns.Peer](t, r.stdout)
	assert.ElementsMatch(t, []secondarydns.Peer{p1, {ID: p2, Name: "ns2", TSIGID: key}}, list)

	n = len(srv.Requests())
	r = run("peers", "get", p1.ID)
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodGet, path+"/"+p1.ID, "")
	assert.Equal(t, "id    "+p1.ID+"\nname  ns1\nip    192.0.2.53\nport  5353\nixfr  yes\ntsig  -\n", r.stdout)
	r = run("peers", "get", p1.ID, "-o", "json")
	assert.Equal(t, p1, decode[secondarydns.Peer](t, r.stdout))

	// Update reads the peer and keeps what is not given (see
	// TestPeersUpdateKeepsWhatIsNotGiven).
	n = len(srv.Requests())
	r = run("peers", "update", p1.ID, "--name", "ns1-v6", "--ip", "2001:db8::53", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []sent{{http.MethodGet, path + "/" + p1.ID, ""}, {http.MethodPut, path + "/" + p1.ID, sentSince(srv, n)[1].body}}, sentSince(srv, n))
	assert.JSONEq(t, `{"id": "`+p1.ID+`", "name": "ns1-v6", "ip": "2001:db8::53", "port": 5353, "ixfr_enable": true}`, r.stdout)

	n = len(srv.Requests())
	r = run("peers", "delete", p1.ID, "--yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodDelete, path+"/"+p1.ID, "")
	assert.Equal(t, "peer "+p1.ID+" deleted\n", r.stdout)
	r = run("-o", "json", "peers", "delete", p2, "--yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.JSONEq(t, `{"id": "`+p2+`"}`, r.stdout)

	// On a terminal, "yes" deletes.
	r = run("peers", "create", "--name", "ns3", "-o", "json")
	p3 := decode[secondarydns.Peer](t, r.stdout).ID
	r = invoke(t, invocation{args: []string{"peers", "delete", p3}, env: env, stdin: "yes\n", stdinTTY: true})
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "Delete peer "+p3+" of account "+secondarydnstest.DefaultAccountID+"? Only 'yes' is accepted: ", r.stderr)
	assert.Equal(t, "peer "+p3+" deleted\n", r.stdout)

	// A peer that is not there: exit 1, the error and a hint.
	n = len(srv.Requests())
	r = run("peers", "get", p1.ID)
	assert.Equal(t, exitFailed, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "secondarydns peers get: ")
	assert.Contains(t, r.stderr, "\nhint: no such object in this account; 'secondarydns peers list' lists them\n")
	r = run("peers", "get", p1.ID, "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	doc := decode[struct {
		ID    string    `json:"id"`
		Error jsonError `json:"error"`
	}](t, r.stdout)
	assert.Equal(t, p1.ID, doc.ID)
	assert.Equal(t, http.StatusNotFound, doc.Error.Status)
	assert.NotEmpty(t, doc.Error.Message)
	assert.Len(t, sentSince(srv, n), 2)
}

// TestACLsCommands: the same for ACLs.
func TestACLsCommands(t *testing.T) {
	srv, env := objFake(t)
	path := accountPath("acls")
	run := func(args ...string) result { return invoke(t, invocation{args: args, env: env}) }

	n := len(srv.Requests())
	r := run("acls", "create", "--name", "ns1-xfr", "--ip-range", "192.0.2.0/24", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodPost, path, `{"name": "ns1-xfr", "ip_range": "192.0.2.0/24"}`)
	acl := decode[secondarydns.ACL](t, r.stdout)
	assert.Equal(t, secondarydns.ACL{ID: acl.ID, Name: "ns1-xfr", IPRange: "192.0.2.0/24"}, acl)

	r = run("acls", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "ID                                NAME     IP RANGE\n"+acl.ID+"  ns1-xfr  192.0.2.0/24\n", strings.ReplaceAll(r.stdout, strings.Repeat(" ", 32-len(acl.ID)), ""))
	r = run("acls", "list", "-o", "json")
	assert.Equal(t, []secondarydns.ACL{acl}, decode[[]secondarydns.ACL](t, r.stdout))

	n = len(srv.Requests())
	r = run("acls", "update", acl.ID, "--name", "v6", "--ip-range", "2001:db8::/64")
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodPut, path+"/"+acl.ID, `{"name": "v6", "ip_range": "2001:db8::/64"}`)
	assert.Equal(t, "id        "+acl.ID+"\nname      v6\nip range  2001:db8::/64\n", r.stdout)

	r = run("acls", "get", acl.ID, "-o", "json")
	assert.JSONEq(t, `{"id": "`+acl.ID+`", "name": "v6", "ip_range": "2001:db8::/64"}`, r.stdout)

	n = len(srv.Requests())
	r = run("acls", "delete", acl.ID, "--yes", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	oneRequest(t, srv, n, http.MethodDelete, path+"/"+acl.ID, "")
	assert.JSONEq(t, `{"id": "`+acl.ID+`"}`, r.stdout)
}

// tsigSecret is a valid base64 secret the tests send.
const tsigSecret = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="

// TestTSIGsCommands: TSIG keys, and their secrets: read from a file or
// standard input (one trailing newline trimmed), sent, and printed as
// [redacted] in text and JSON unless --show-secret(s); never on stderr,
// --verbose included.
func TestTSIGsCommands(t *testing.T) {
	srv, env := objFake(t)
	path := accountPath("tsigs")
	run := func(args ...string) result {
		r := invoke(t, invocation{args: args, env: env})
		assert.NotContains(t, r.stderr, tsigSecret, args)
		return r
	}
	file := writeFile(t, "secret", tsigSecret+"\n")

	n := len(srv.Requests())
	r := run("tsigs", "create", "--name", "ns1-key.example.com.", "--algo", "hmac-sha256.", "--secret-file", file, "--verbose")
	require.Equal(t, exitOK, r.code, r.stderr)
	got := sentSince(srv, n)
	require.Len(t, got, 1)
	assert.Equal(t, sent{http.MethodPost, path, got[0].body}, got[0])
	body := decode[map[string]string](t, got[0].body)
	assert.Equal(t, "ns1-key.example.com.", body["name"])
	assert.Equal(t, "hmac-sha256.", body["algo"])
	assert.Contains(t, r.stderr, "POST", "--verbose logs the request")
	m := regexp.MustCompile(`(?m)^id +(\S+)$`).FindStringSubmatch(r.stdout)
	require.NotNil(t, m, r.stdout)
	id := m[1]
	assert.Equal(t, "id      "+id+"\nname    ns1-key.example.com.\nalgo    hmac-sha256.\nsecret  [redacted]\n", r.stdout)

	// What was sent is the file's content without its newline.
	r = run("tsigs", "get", id, "--show-secret", "-o", "json", "--verbose")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.JSONEq(t, `{"id": "`+id+`", "name": "ns1-key.example.com.", "algo": "hmac-sha256.", "secret": "`+tsigSecret+`"}`, r.stdout)
	r = run("tsigs", "get", id, "--show-secret")
	assert.Equal(t, "id      "+id+"\nname    ns1-key.example.com.\nalgo    hmac-sha256.\nsecret  "+tsigSecret+"\n", r.stdout)
	r = run("tsigs", "get", id, "-o", "json")
	assert.JSONEq(t, `{"id": "`+id+`", "name": "ns1-key.example.com.", "algo": "hmac-sha256.", "secret": "[redacted]"}`, r.stdout)
	r = run("tsigs", "get", id, "--verbose")
	assert.NotContains(t, r.stdout, tsigSecret)
	assert.Contains(t, r.stdout, "secret  [redacted]\n")

	// From standard input.
	n = len(srv.Requests())
	r = invoke(t, invocation{args: []string{"tsigs", "update", id, "--name", "ns1-key.example.com.", "--algo", "HMAC-SHA512", "--secret-file", "-", "-o", "json"}, env: env, stdin: "c2Vjb25k\r\n"})
	require.Equal(t, exitOK, r.code, r.stderr)
	got = sentSince(srv, n)
	require.Len(t, got, 1)
	assert.Equal(t, http.MethodPut, got[0].method)
	assert.Equal(t, path+"/"+id, got[0].path)
	assert.JSONEq(t, `{"id": "`+id+`", "name": "ns1-key.example.com.", "algo": "HMAC-SHA512", "secret": "[redacted]"}`, r.stdout)
	r = run("tsigs", "get", id, "--show-secret", "-o", "json")
	assert.Equal(t, "c2Vjb25k", decode[tsigJSON](t, r.stdout).Secret)

	// Lists redact every secret unless --show-secrets.
	r = run("tsigs", "create", "--name", "b.example.", "--algo", "hmac-sha1.", "--secret-file", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	id2 := decode[tsigJSON](t, r.stdout).ID
	r = run("tsigs", "list", "--verbose")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, tsigSecret)
	assert.NotContains(t, r.stdout, "c2Vjb25k")
	assert.Regexp(t, `^ID +NAME +ALGO +SECRET\n`, r.stdout)
	assert.Equal(t, 2, strings.Count(r.stdout, "  [redacted]\n"), r.stdout)
	r = run("tsigs", "list", "-o", "json")
	list := decode[[]tsigJSON](t, r.stdout)
	require.Len(t, list, 2)
	for _, k := range list {
		assert.Equal(t, "[redacted]", k.Secret)
	}
	r = run("tsigs", "list", "--show-secrets", "-o", "json")
	secrets := map[string]string{}
	for _, k := range decode[[]tsigJSON](t, r.stdout) {
		secrets[k.ID] = k.Secret
	}
	assert.Equal(t, map[string]string{id: "c2Vjb25k", id2: tsigSecret}, secrets)
	r = run("tsigs", "list", "--show-secrets")
	assert.Contains(t, r.stdout, "  "+tsigSecret+"\n")

	n = len(srv.Requests())
	r = run("tsigs", "delete", id2, "--yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	// The peers list first: is the key in use (TestTSIGDeleteInUse)?
	assert.Equal(t, []sent{{http.MethodGet, accountPath("peers"), ""}, {http.MethodDelete, path + "/" + id2, ""}}, sentSince(srv, n))
	assert.Equal(t, "TSIG key "+id2+" deleted\n", r.stdout)
}

// TestTSIGGenerate: --generate makes 32 random bytes, sends them in
// standard base64 and prints them once on stdout: in text as the last line,
// under -o json as "secret"; never on stderr, --verbose included.
func TestTSIGGenerate(t *testing.T) {
	srv, env := objFake(t)
	show := func(id string) string {
		r := invoke(t, invocation{args: []string{"tsigs", "get", id, "--show-secret", "-o", "json"}, env: env})
		require.Equal(t, exitOK, r.code, r.stderr)
		return decode[tsigJSON](t, r.stdout).Secret
	}

	r := invoke(t, invocation{args: []string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--generate", "--verbose"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 5, r.stdout)
	secret := lines[4]
	raw, err := base64.StdEncoding.DecodeString(secret)
	require.NoError(t, err, secret)
	assert.Len(t, raw, 32)
	assert.Equal(t, 1, strings.Count(r.stdout, secret), "printed once")
	assert.Equal(t, "secret  (generated; on the next line, shown only this once)", lines[3])
	assert.NotContains(t, r.stderr, secret)
	id := strings.Fields(lines[0])[1]
	assert.Equal(t, secret, show(id), "the secret printed is the one sent")

	r = invoke(t, invocation{args: []string{"tsigs", "update", id, "--name", "k.example.", "--algo", "hmac-sha256.", "--generate", "-o", "json", "--verbose"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	doc := decode[tsigJSON](t, r.stdout)
	assert.Equal(t, 1, strings.Count(r.stdout, doc.Secret))
	assert.NotEqual(t, secret, doc.Secret, "a new secret")
	assert.NotContains(t, r.stderr, doc.Secret)
	raw, err = base64.StdEncoding.DecodeString(doc.Secret)
	require.NoError(t, err)
	assert.Len(t, raw, 32)
	assert.Equal(t, doc.Secret, show(id))
	_ = srv
}

// TestTSIGSecretNeverInErrors: a failed TSIG request whose answer echoes
// the secret shows it nowhere: not in the error line, the JSON error or the
// --verbose log.
func TestTSIGSecretNeverInErrors(t *testing.T) {
	srv, env := objFake(t)
	file := writeFile(t, "secret", tsigSecret+"\n")
	echo := `{"success": false, "errors": [{"code": 1000, "message": "bad secret ` + tsigSecret + `"}], "messages": [], "result": null}`
	for _, o := range []string{"text", "json"} {
		srv.Fail(secondarydnstest.Fault{Method: http.MethodPost, Status: http.StatusBadRequest, Body: echo})
		r := invoke(t, invocation{args: []string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file", file, "--verbose", "-o", o}, env: env})
		assert.Equal(t, exitFailed, r.code, r.stderr)
		assert.NotContains(t, r.stderr, tsigSecret)
		assert.NotContains(t, r.stdout, tsigSecret)
		assert.Contains(t, r.stderr, "secondarydns tsigs create: ")
		if o == "json" {
			assert.Equal(t, http.StatusBadRequest, decode[struct {
				Error jsonError `json:"error"`
			}](t, r.stdout).Error.Status)
		}
	}
	// And a secret the SDK refuses is not quoted back.
	bad := writeFile(t, "bad", "not base64 "+tsigSecret+"\n")
	r := invoke(t, invocation{args: []string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file", bad}, env: env})
	assert.Equal(t, exitUsage, r.code)
	assert.NotContains(t, r.stderr, tsigSecret)
	assert.NotContains(t, r.stderr, "not base64")
	assert.Empty(t, srv.PendingFaults())
}

// TestObjectsValidation: arguments the SDK refuses are exit 2 with its
// hint, before anything is sent.
func TestObjectsValidation(t *testing.T) {
	srv, env := objFake(t)
	file := writeFile(t, "secret", tsigSecret+"\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"peers", "create", "--name", "ns1", "--ip", "ns1.example.net"}, "ns1.example.net"},
		{[]string{"peers", "create", "--name", "ns1", "--ip", "192.0.2.1:53"}, `peer IP "192.0.2.1:53" holds a port: use --ip 192.0.2.1 --port 53`},
		{[]string{"peers", "create", "--name", "ns1", "--ip", "ns1.example.net:53"}, "the port in --port"},
		{[]string{"peers", "create", "--name", "ns1", "--port", "70000"}, "70000"},
		{[]string{"peers", "create", "--name", "bad\x01name"}, "name"},
		{[]string{"peers", "get", "192.0.2.1"}, "192.0.2.1"},
		{[]string{"peers", "update", "not/an/id", "--name", "ns1"}, "not/an/id"},
		{[]string{"peers", "create", "--name", "ns1", "--tsig", "a b"}, "a b"},
		{[]string{"peers", "create", "--name", "ns1", "--tsig", "k.example."}, "('secondarydns tsigs list' lists them)"},
		{[]string{"tsigs", "create", "--name", "k.example.", "--algo", tsigSecret, "--generate"}, "(is the secret in --algo? A secret never comes from a flag)"},
		{[]string{"peers", "list", "--account", "example.com"}, "example.com"},
		{[]string{"acls", "create", "--name", "x", "--ip-range", "192.0.2.5/24"}, "did you mean 192.0.2.0/24"},
		{[]string{"acls", "create", "--name", "x", "--ip-range", "192.0.2.5"}, "/32"},
		{[]string{"acls", "delete", "../x", "--yes"}, "../x"},
		{[]string{"tsigs", "create", "--name", "k.example.", "--algo", "sha256", "--secret-file", file}, "hmac-sha256."},
		{[]string{"tsigs", "create", "--name", "not a name", "--algo", "hmac-sha256.", "--secret-file", file}, "not a name"},
		{[]string{"zones", "list", "--name", "bad..name"}, "bad..name"},
		{[]string{"zones", "list", "--account", "x/y"}, "x/y"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := invoke(t, invocation{args: tc.args, env: env})
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.True(t, strings.HasPrefix(r.stderr, "secondarydns "+strings.Join(tc.args[:2], " ")+": "), r.stderr)
			assert.NotContains(t, r.stderr, "invalid input")
			assert.NotContains(t, r.stderr, tsigSecret, "a secret is never quoted back")
			r = invoke(t, invocation{args: append([]string{"-o", "json"}, tc.args...), env: env})
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, string(oneDocument(t, r.stdout)["error"]), "message")
		})
	}
	assert.Empty(t, srv.Requests(), "nothing sent")
}

// TestZonesListCommand: zones list with and without an account and --name: the
// query sent and the output.
func TestZonesListCommand(t *testing.T) {
	srv := newFake(t)
	const other = "99999999999999999999999999999999"
	srv.AddZone(secondarydns.Zone{ID: zoneA, Name: "example.com", Status: "active", NameServers: []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}})
	srv.AddZone(secondarydns.Zone{ID: zoneB, Name: "example.org", Status: "pending", Account: secondarydns.ZoneAccount{ID: other}})
	env := fakeEnv(srv)
	run := func(extra map[string]string, args ...string) result {
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		for k, v := range extra {
			e[k] = v
		}
		return invoke(t, invocation{args: args, env: e})
	}

	n := len(srv.Requests())
	r := run(nil, "zones", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	reqs := srv.Requests()[n:]
	require.Len(t, reqs, 1)
	assert.Equal(t, "/zones", reqs[0].Path)
	assert.NotContains(t, reqs[0].Query, "account.id")
	assert.Regexp(t, `^ID +NAME +STATUS +ACCOUNT +NAME SERVERS\n`, r.stdout)
	assert.Contains(t, r.stdout, zoneA+"  example.com  active   "+secondarydnstest.DefaultAccountID+"  ada.ns.cloudflare.com,bob.ns.cloudflare.com\n")
	assert.Contains(t, r.stdout, zoneB+"  example.org  pending  "+other)

	r = run(nil, "zones", "list", "-o", "json")
	zones := decode[[]secondarydns.Zone](t, r.stdout)
	require.Len(t, zones, 2)

	n = len(srv.Requests())
	r = run(map[string]string{envAccountID: other}, "zones", "list", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, srv.Requests()[n].Query, "account.id="+other)
	zones = decode[[]secondarydns.Zone](t, r.stdout)
	require.Len(t, zones, 1)
	assert.Equal(t, zoneB, zones[0].ID)
	assert.NotNil(t, zones[0].NameServers)

	n = len(srv.Requests())
	r = run(map[string]string{envAccountID: other}, "zones", "list", "--account", secondarydnstest.DefaultAccountID, "--name", "example.com.")
	require.Equal(t, exitOK, r.code, r.stderr)
	q := srv.Requests()[n].Query
	assert.Contains(t, q, "account.id="+secondarydnstest.DefaultAccountID, "--account wins over the environment")
	assert.Contains(t, q, "name=example.com")
	assert.NotContains(t, q, "name=example.com.")
	assert.Equal(t, 2, strings.Count(r.stdout, "\n"), r.stdout)

	r = run(nil, "zones", "list", "--name", "nope.example")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "(no zones)\n", r.stdout)
	r = run(nil, "zones", "list", "--name", "nope.example", "-o", "json")
	assert.JSONEq(t, `[]`, r.stdout)
}

// TestPeerCreatePartial: a peer created with only part of its fields (the
// API dropped them and the SDK's PUT failed) is exit 1, and the error names
// the peer that now exists: its ID in the JSON document.
func TestPeerCreatePartial(t *testing.T) {
	srv, env := objFake(t)
	const id = "70656572000000000000000000000042"
	srv.Fail(secondarydnstest.Fault{Method: http.MethodPost, Status: http.StatusOK,
		Body: `{"success": true, "errors": [], "messages": [], "result": {"id": "` + id + `", "name": "ns1"}}`})
	srv.Fail(secondarydnstest.Fault{Method: http.MethodPut, Status: http.StatusBadRequest})
	r := invoke(t, invocation{args: []string{"peers", "create", "--name", "ns1", "--ip", "192.0.2.53", "-o", "json"}, env: env})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	doc := decode[struct {
		ID    string    `json:"id"`
		Error jsonError `json:"error"`
	}](t, r.stdout)
	assert.Equal(t, id, doc.ID)
	assert.Equal(t, http.StatusBadRequest, doc.Error.Status)
	assert.Contains(t, r.stderr, "secondarydns peers create: ")
	assert.Contains(t, r.stderr, "\nhint: it exists as "+id+": 'secondarydns peers update "+id+" …' with every flag sets the rest, 'secondarydns peers delete "+id+"' removes it\n")
	got := sentSince(srv, 0)
	require.Len(t, got, 2, "%+v", got)
	assert.Equal(t, http.MethodPost, got[0].method)
	assert.Equal(t, sent{http.MethodPut, accountPath("peers") + "/" + id, got[1].body}, got[1])
	assert.Empty(t, srv.PendingFaults())
}

// TestInterruptObjectCommand: SIGINT while an object command's request is
// in flight lets it finish, prints its result and exits 130.
func TestInterruptObjectCommand(t *testing.T) {
	srv, _ := objFake(t)
	w := newWatch(t, srv, 300*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		done <- invoke(t, invocation{ctx: ctx, args: []string{"acls", "create", "--name", "x", "--ip-range", "192.0.2.0/24"}, env: acctEnv(w.env(), secondarydnstest.DefaultAccountID)})
	}()
	require.Eventually(t, func() bool { return w.count() >= 1 }, 20*time.Second, 5*time.Millisecond)
	cancel()
	r := <-done
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Contains(t, r.stdout, "ip range  192.0.2.0/24\n", "the request in flight finished and is reported")
	assert.Equal(t, 1, w.count())
}

// TestObjectUnknownID: an answer with code 7003 (the API cannot route the
// account or object ID) is exit 1 with a hint to check the IDs.
func TestObjectUnknownID(t *testing.T) {
	srv, env := objFake(t)
	srv.Fail(secondarydnstest.Fault{Method: http.MethodGet, Status: http.StatusNotFound,
		Body: `{"success": false, "errors": [{"code": 7003, "message": "Could not route to /accounts/x, perhaps your object identifier is invalid?"}], "messages": [], "result": null}`})
	r := invoke(t, invocation{args: []string{"tsigs", "get", peer1}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.True(t, strings.HasSuffix(r.stderr, "\nhint: the API does not know the account ID or the object's ID; check --account or CLOUDFLARE_ACCOUNT_ID, and 'secondarydns tsigs list'\n"), r.stderr)
	srv.Fail(secondarydnstest.Fault{Method: http.MethodGet, Status: http.StatusNotFound,
		Body: `{"success": false, "errors": [{"code": 7003, "message": "Could not route"}], "messages": [], "result": null}`})
	r = invoke(t, invocation{args: []string{"zones", "list", "-o", "json"}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Equal(t, []int{7003}, decode[struct {
		Error jsonError `json:"error"`
	}](t, r.stdout).Error.Codes)
	assert.True(t, strings.HasSuffix(r.stderr, "\nhint: the API does not know the account ID; check --account or CLOUDFLARE_ACCOUNT_ID\n"), r.stderr)
	assert.Empty(t, srv.PendingFaults())
}
