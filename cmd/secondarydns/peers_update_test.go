package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestPeersUpdateKeepsWhatIsNotGiven: peers update reads the peer (one GET)
// and PUTs it back with only the given flags' fields replaced: a field not
// given keeps its value, --ip "", --port 0, --ixfr=false and --tsig ""
// clear theirs. Text shows the peer with each change as "old → new"; JSON
// is the updated peer.
func TestPeersUpdateKeepsWhatIsNotGiven(t *testing.T) {
	srv, env := objFake(t)
	path := accountPath("peers")
	run := func(args ...string) result { return invoke(t, invocation{args: args, env: env}) }

	file := writeFile(t, "secret", tsigSecret+"\n")
	r := run("tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	key := decode[tsigJSON](t, r.stdout).ID
	r = run("tsigs", "create", "--name", "k2.example.", "--algo", "hmac-sha256.", "--secret-file", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	key2 := decode[tsigJSON](t, r.stdout).ID
	r = run("peers", "create", "--name", "ns1", "--ip", "192.0.2.53", "--port", "5353", "--ixfr", "--tsig", key, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	id := decode[secondarydns.Peer](t, r.stdout).ID
	one := path + "/" + id

	// update sends exactly a GET of the peer, then a PUT with body.
	getThenPut := func(t *testing.T, n int, body string) {
		t.Helper()
		got := sentSince(srv, n)
		require.Len(t, got, 2, "%+v", got)
		assert.Equal(t, sent{http.MethodGet, one, ""}, got[0])
		assert.Equal(t, http.MethodPut, got[1].method)
		assert.Equal(t, one, got[1].path)
		assert.JSONEq(t, body, got[1].body)
	}

	// Only the name: every other field is kept.
	n := len(srv.Requests())
	r = run("peers", "update", id, "--name", "ns1-old")
	require.Equal(t, exitOK, r.code, r.stderr)
	getThenPut(t, n, `{"name": "ns1-old", "ip": "192.0.2.53", "port": 5353, "ixfr_enable": true, "tsig_id": "`+key+`"}`)
	assert.Equal(t, "id    "+id+"\nname  ns1 → ns1-old\nip    192.0.2.53\nport  5353\nixfr  yes\ntsig  "+key+"\n", r.stdout)
	assert.Empty(t, r.stderr)

	// Clearing: --port 0, --ixfr=false, --tsig "" (the IP and name kept).
	n = len(srv.Requests())
	r = run("peers", "update", id, "--name", "ns1-old", "--port", "0", "--ixfr=false", "--tsig", "")
	require.Equal(t, exitOK, r.code, r.stderr)
	getThenPut(t, n, `{"name": "ns1-old", "ip": "192.0.2.53"}`)
	assert.Equal(t, "id    "+id+"\nname  ns1-old\nip    192.0.2.53\nport  5353 → -\nixfr  yes → no\ntsig  "+key+" → -\n", r.stdout)

	// Setting them again, and changing the IP; JSON is the updated peer.
	n = len(srv.Requests())
	r = run("peers", "update", id, "--name", "ns1-old", "--ip", "2001:db8::53", "--port", "53", "--ixfr", "--tsig", key2, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	getThenPut(t, n, `{"name": "ns1-old", "ip": "2001:db8::53", "port": 53, "ixfr_enable": true, "tsig_id": "`+key2+`"}`)
	assert.JSONEq(t, `{"id": "`+id+`", "name": "ns1-old", "ip": "2001:db8::53", "port": 53, "ixfr_enable": true, "tsig_id": "`+key2+`"}`, r.stdout)
	assert.Empty(t, r.stderr)

	// --ip "" removes the IP; the rest is kept.
	n = len(srv.Requests())
	r = run("peers", "update", id, "--name", "ns1-old", "--ip", "")
	require.Equal(t, exitOK, r.code, r.stderr)
	getThenPut(t, n, `{"name": "ns1-old", "port": 53, "ixfr_enable": true, "tsig_id": "`+key2+`"}`)
	assert.Equal(t, "id    "+id+"\nname  ns1-old\nip    2001:db8::53 → -\nport  53\nixfr  yes\ntsig  "+key2+"\n", r.stdout)

	// The same values again: said so.
	n = len(srv.Requests())
	r = run("peers", "update", id, "--name", "ns1-old", "--port", "53")
	require.Equal(t, exitOK, r.code, r.stderr)
	getThenPut(t, n, `{"name": "ns1-old", "port": 53, "ixfr_enable": true, "tsig_id": "`+key2+`"}`)
	assert.Equal(t, "id    "+id+"\nname  ns1-old\nip    -\nport  53\nixfr  yes\ntsig  "+key2+"\n(nothing changed)\n", r.stdout)

	// Without --name the read name is kept: --ip alone is enough.
	n = len(srv.Requests())
	r = run("peers", "update", id, "--ip", "192.0.2.54")
	require.Equal(t, exitOK, r.code, r.stderr)
	getThenPut(t, n, `{"name": "ns1-old", "ip": "192.0.2.54", "port": 53, "ixfr_enable": true, "tsig_id": "`+key2+`"}`)
	assert.Equal(t, "id    "+id+"\nname  ns1-old\nip    - → 192.0.2.54\nport  53\nixfr  yes\ntsig  "+key2+"\n", r.stdout)

	got, err := sdkClient(t, srv).Peers.Get(t.Context(), secondarydnstest.DefaultAccountID, id)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.Peer{ID: id, Name: "ns1-old", IP: "192.0.2.54", Port: 53, IXFREnable: true, TSIGID: key2}, *got)
}

// TestPeersUpdateFailures: a peer that is not there is exit 1 after the
// GET alone (nothing written); a flag the SDK refuses is exit 2 with
// nothing sent, the GET included.
func TestPeersUpdateFailures(t *testing.T) {
	srv, env := objFake(t)
	r := invoke(t, invocation{args: []string{"peers", "update", peer1, "--name", "ns1"}, env: env})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "\nhint: no such object in this account; 'secondarydns peers list' lists them\n")
	oneRequest(t, srv, 0, http.MethodGet, accountPath("peers")+"/"+peer1, "")

	n := len(srv.Requests())
	for _, args := range [][]string{
		{"peers", "update", peer1, "--name", "ns1", "--port", "70000"},
		{"peers", "update", peer1, "--name", "ns1", "--ip", "192.0.2.1:53"},
		{"peers", "update", peer1, "--name", "ns1", "--tsig", "a b"},
		{"peers", "update", peer1, "--tsig", "a b"}, // the name kept: still checked
		{"peers", "update", peer1, "--port", "-1"},
	} {
		r = invoke(t, invocation{args: args, env: env})
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
	// Nothing to change, or an empty name: exit 2 saying so.
	for args, want := range map[string]string{
		"":        "secondarydns peers update: nothing to change: give at least one of --name, --ip, --port, --ixfr, --tsig (see 'secondarydns peers update --help')\n",
		"--name=": `secondarydns peers update: --name "": a peer needs a name; leave --name out to keep it (see 'secondarydns peers update --help')` + "\n",
		"--account=" + secondarydnstest.DefaultAccountID: "secondarydns peers update: nothing to change: give at least one of --name, --ip, --port, --ixfr, --tsig (see 'secondarydns peers update --help')\n",
	} {
		argv := []string{"peers", "update", peer1}
		if args != "" {
			argv = append(argv, args)
		}
		r = invoke(t, invocation{args: argv, env: env})
		assert.Equal(t, exitUsage, r.code, "%v: %s", argv, r.stderr)
		assert.Equal(t, want, r.stderr, "%v", argv)
	}
	assert.Len(t, srv.Requests(), n, "nothing sent")
}
