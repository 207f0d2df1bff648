package main

import (
	"context"
	"flag"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An account ID the tests use (the fake's own is used where the fake must
// know it).
const acctX = "01a7362d577a6c3019a474fd6f485823"

// acctEnv is fakeEnv with CLOUDFLARE_ACCOUNT_ID set.
func acctEnv(env map[string]string, acct string) map[string]string {
	out := map[string]string{envAccountID: acct}
	for k, v := range env {
		out[k] = v
	}
	return out
}

// groups are the object commands.
var groups = []*command{cmdPeers, cmdTSIGs, cmdACLs, cmdZones}

// TestObjectsHelp: each group and each of its subcommands has --help with
// its usage, every flag and an example; "help GROUP SUB" and "--help GROUP
// SUB" are the subcommand's help; nothing is sent.
func TestObjectsHelp(t *testing.T) {
	srv := newFake(t)
	top := cli(t, srv, "help")
	for _, g := range groups {
		assert.Contains(t, top.stdout, "\n  "+g.name+" ", "help lists %s", g.name)
		r := cli(t, srv, g.name, "--help")
		require.Equal(t, exitOK, r.code, g.name)
		for _, s := range g.subs {
			assert.Contains(t, r.stdout, "  secondarydns "+s.name, "%s --help lists %s", g.name, s.name)
		}
		for _, s := range g.subs {
			for _, args := range [][]string{
				append(strings.Fields(s.name), "--help"),
				append(strings.Fields(s.name), "-h"),
				append([]string{"help"}, strings.Fields(s.name)...),
				append([]string{"--help"}, strings.Fields(s.name)...),
				{g.name, "-h", subName(g, s)},
				{g.name, "--account", acctX, subName(g, s), "--help", "-o", "json"},
			} {
				r := cli(t, srv, args...)
				require.Equal(t, exitOK, r.code, args)
				assert.True(t, strings.HasPrefix(r.stdout, "Usage: secondarydns "+s.name+" "), "%v: %s", args, r.stdout)
				assert.Contains(t, r.stdout, "\nExample:\n  secondarydns "+s.name, args)
				assert.Empty(t, r.stderr, args)
			}
			r := cli(t, srv, append(strings.Fields(s.name), "--help")...)
			fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
			s.flags(scratchApp(), fs)
			fs.VisitAll(func(f *flag.Flag) {
				assert.Contains(t, r.stdout, "  --"+f.Name+" ", "%s --help lists --%s", s.name, f.Name)
			})
			assert.Contains(t, r.stdout, "  --account ID ", s.name)
		}
	}
	golden(t, "help_tsigs", cli(t, srv, "tsigs", "--help").stdout)
	golden(t, "help_tsigs_create", cli(t, srv, "tsigs", "create", "--help").stdout)
	golden(t, "help_peers_update", cli(t, srv, "peers", "update", "--help").stdout)
	golden(t, "help_tsigs_delete", cli(t, srv, "tsigs", "delete", "--help").stdout)
	assert.Empty(t, srv.Requests())
}

// TestObjectsUsageErrors: bad usage of the object commands is exit 2 with
// one line on stderr, {"error":{"message"}} under -o json, nothing sent and
// standard input not read.
func TestObjectsUsageErrors(t *testing.T) {
	srv := newFake(t)
	env := acctEnv(fakeEnv(srv), acctX)
	secret := writeFile(t, "secret", "c2VjcmV0c2VjcmV0c2VjcmV0\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"peers"}, "secondarydns peers: missing subcommand: list, get, create, update, delete (see 'secondarydns peers --help')"},
		{[]string{"peers", "lst"}, `secondarydns peers: unknown subcommand "lst"; did you mean "list"?`},
		{[]string{"zones", "get", "x"}, `secondarydns zones: unknown subcommand "get": want list`},
		{[]string{"peers", "--bogus", "list"}, "secondarydns peers list: unknown flag --bogus (see 'secondarydns peers list --help')"},
		{[]string{"peers", "list", "--ip", "192.0.2.1"}, "secondarydns peers list: unknown flag --ip"},
		{[]string{"peers", "list", "extra"}, `secondarydns peers list: unexpected argument "extra"`},
		{[]string{"peers", "get"}, "secondarydns peers get: missing PEER_ID (see 'secondarydns peers get --help')"},
		{[]string{"peers", "update", "--name", "ns1"}, "secondarydns peers update: missing PEER_ID"},
		{[]string{"peers", "create", peer1, "--name", "ns1"}, `secondarydns peers create: unexpected argument "` + peer1 + `"`},
		{[]string{"peers", "create", "--ip", "192.0.2.1"}, "secondarydns peers create: --name is required (see 'secondarydns peers create --help')"},
		{[]string{"peers", "create", "--name", "ns1", "--port", "x"}, `--port "x": want a whole number such as 4`},
		{[]string{"tsigs", "create", "--name", "k.example.", "--generate"}, "--algo is required, e.g. --algo hmac-sha256."},
		{[]string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256."}, "give --secret-file FILE (- for standard input) or --generate: a secret never comes from a flag"},
		{[]string{"tsigs", "update", peer1, "--name", "k.example.", "--algo", "hmac-sha256."}, "secondarydns tsigs update: give --secret-file FILE"},
		{[]string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--generate", "--secret-file", secret}, "give --secret-file FILE or --generate, not both"},
		{[]string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret", "abc"}, "unknown flag --secret"},
		{[]string{"tsigs", "list", "--show-secret"}, "secondarydns tsigs list: unknown flag --show-secret"},
		{[]string{"tsigs", "get", peer1, "--show-secrets"}, "secondarydns tsigs get: unknown flag --show-secrets"},
		{[]string{"peers", "get", peer1, "--show-secret"}, "unknown flag --show-secret"},
		{[]string{"acls", "create", "--name", "xfr"}, "--ip-range is required, e.g. --ip-range 192.0.2.0/24"},
		{[]string{"acls", "delete", peer1, "--yes=maybe"}, `--yes "maybe": want true or false`},
		{[]string{"zones", "list", "-o", "yaml"}, `-o "yaml": want text or json`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			for _, o := range []string{"text", "json"} {
				args := tc.args
				if o == "json" && !strings.Contains(strings.Join(args, " "), "yaml") {
					args = append([]string{"-o", "json"}, args...)
				}
				r := invoke(t, invocation{args: args, env: env, stdinR: blockedStdin(t)})
				assert.Equal(t, exitUsage, r.code, r.stderr)
				assert.Contains(t, r.stderr, tc.want)
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
				if o == "json" && len(args) > len(tc.args) {
					assert.NotEmpty(t, oneDocument(t, r.stdout)["error"])
				} else {
					assert.Empty(t, r.stdout)
				}
			}
		})
	}
	assert.Empty(t, srv.Requests(), "bad usage sends nothing")
}

// TestObjectsAccount: the account is --account, else CLOUDFLARE_ACCOUNT_ID;
// a command that needs one and has none is exit 2 saying so, before the
// credentials are looked at, standard input is read or anything is sent.
func TestObjectsAccount(t *testing.T) {
	srv := newFake(t)
	secret := writeFile(t, "secret", "c2VjcmV0c2VjcmV0c2VjcmV0\n")
	for _, args := range [][]string{
		{"peers", "list"},
		{"peers", "get", peer1},
		{"peers", "create", "--name", "ns1"},
		{"peers", "update", peer1, "--name", "ns1"},
		{"peers", "delete", peer1, "--yes"},
		{"tsigs", "list"},
		{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file", "-"},
		{"tsigs", "update", peer1, "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file", secret},
		{"acls", "get", peer1},
		{"acls", "create", "--name", "xfr", "--ip-range", "192.0.2.0/24"},
	} {
		for _, env := range []map[string]string{fakeEnv(srv), {}} {
			r := invoke(t, invocation{args: args, env: env, stdinR: blockedStdin(t)})
			assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
			assert.Equal(t, "secondarydns "+strings.Join(args[:2], " ")+": no account: pass --account ACCOUNT_ID or set CLOUDFLARE_ACCOUNT_ID (the ID is on the account's overview page in the dashboard); nothing was sent\n", r.stderr, args)
		}
		r := invoke(t, invocation{args: append([]string{"-o", "json"}, args...), env: fakeEnv(srv), stdinR: blockedStdin(t)})
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, string(oneDocument(t, r.stdout)["error"]), "no account", args)
	}
	assert.Empty(t, srv.Requests())
}

// TestAccountIDSeam: accountID's order (--account, the file's "account",
// CLOUDFLARE_ACCOUNT_ID) and its refusal of a --account that differs from
// the file's.
func TestAccountIDSeam(t *testing.T) {
	const fileAcct, envAcct = "11111111111111111111111111111111", "22222222222222222222222222222222"
	cases := []struct {
		flag, file, env string
		want, err       string
	}{
		{"", "", "", "", ""},
		{"", "", envAcct, envAcct, ""},
		{"", fileAcct, envAcct, fileAcct, ""},
		{acctX, "", envAcct, acctX, ""},
		{acctX, acctX, envAcct, acctX, ""},
		{acctX, fileAcct, "", "", "--account " + acctX + ` differs from the file's "account" ` + fileAcct},
	}
	for _, tc := range cases {
		a := scratchApp()
		a.account = tc.flag
		a.env = func(k string) string {
			if k == envAccountID {
				return tc.env
			}
			return ""
		}
		got, err := a.accountID(tc.file)
		if tc.err != "" {
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%+v", tc)
	}
}

// TestSecretFileErrors: a secret file that cannot be read or is empty is
// exit 2 with nothing sent; --timeout or SIGINT while reading --secret-file
// - stops the command (exit 1 and 130) with nothing sent.
func TestSecretFileErrors(t *testing.T) {
	srv := newFake(t)
	env := acctEnv(fakeEnv(srv), acctX)
	create := []string{"tsigs", "create", "--name", "k.example.", "--algo", "hmac-sha256.", "--secret-file"}
	for _, tc := range []struct {
		file, stdin, want string
	}{
		{"/nonexistent/secret", "", "secondarydns tsigs create: --secret-file: open /nonexistent/secret: no such file or directory\n"},
		{writeFile(t, "empty", ""), "", "is empty; it should hold the base64 secret\n"},
		{writeFile(t, "newline", "\n"), "", "is empty"},
		{"-", "", "secondarydns tsigs create: --secret-file: <stdin> is empty; it should hold the base64 secret\n"},
		{"-", "\r\n", "<stdin> is empty"},
	} {
		r := invoke(t, invocation{args: append(create, tc.file), env: env, stdin: tc.stdin})
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, tc.want)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
	}

	r := invoke(t, invocation{args: append(create, "-", "--timeout", "300ms"), env: env, stdinR: blockedStdin(t)})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Equal(t, "secondarydns tsigs create: --timeout 300ms passed while reading standard input; nothing was sent\n", r.stderr)

	for _, o := range []string{"text", "json"} {
		in := newReadSignal(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-in.reading
			time.Sleep(50 * time.Millisecond)
			cancel()
		}()
		r = invoke(t, invocation{ctx: ctx, args: append(create, "-", "-o", o), env: env, stdinR: in})
		cancel()
		assert.Equal(t, exitInterrupted, r.code, r.stderr)
		assert.Contains(t, r.stderr, "interrupted while reading standard input; nothing was sent")
		if o == "json" {
			assert.Contains(t, string(oneDocument(t, r.stdout)["error"]), "interrupted")
		}
	}
	assert.Empty(t, srv.Requests())
}

// TestDeleteConfirmation: deleting a peer, TSIG or ACL asks on a terminal;
// without one it needs --yes (exit 2, nothing sent); an answer other than
// "yes" is exit 1 and SIGINT at the prompt exit 130, nothing sent.
func TestDeleteConfirmation(t *testing.T) {
	srv := newFake(t)
	env := acctEnv(fakeEnv(srv), acctX)
	for _, g := range []string{"peers", "tsigs", "acls"} {
		r := invoke(t, invocation{args: []string{g, "delete", peer1}, env: env})
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Equal(t, "secondarydns "+g+" delete: standard input is not a terminal: pass --yes to delete without confirmation; nothing was sent\n", r.stderr)

		r = invoke(t, invocation{args: []string{g, "delete", peer1}, env: env, stdin: "no\n", stdinTTY: true})
		assert.Equal(t, exitFailed, r.code, r.stderr)
		assert.Contains(t, r.stderr, " "+peer1+" of account "+acctX+"? Only 'yes' is accepted: ")
		assert.True(t, strings.HasSuffix(r.stderr, "secondarydns "+g+" delete: not confirmed: nothing was deleted\n"), r.stderr)

		r = invoke(t, invocation{args: []string{"-o", "json", g, "delete", peer1}, env: env, stdin: "\n", stdinTTY: true})
		assert.Equal(t, exitFailed, r.code, r.stderr)
		assert.Contains(t, string(oneDocument(t, r.stdout)["error"]), "not confirmed")

		ctx, in := interruptOnRead(t)
		r = invoke(t, invocation{ctx: ctx, args: []string{g, "delete", peer1}, env: env, stdinR: in, stdinTTY: true})
		assert.Equal(t, exitInterrupted, r.code, r.stderr)
		assert.True(t, strings.HasSuffix(r.stderr, "interrupted: nothing was deleted\n"), r.stderr)

		r = invoke(t, invocation{args: []string{g, "delete", peer1, "--timeout", "200ms"}, env: env, stdinR: blockedStdin(t), stdinTTY: true})
		assert.Equal(t, exitFailed, r.code, r.stderr)
		assert.Contains(t, r.stderr, "--timeout 200ms passed while waiting for the confirmation; nothing was deleted")
	}
	// Nothing written: only tsigs delete's peers list, asked on a terminal
	// before the question (TestTSIGDeleteInUse).
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet+" /accounts/"+acctX+"/secondary_dns/peers", r.Method+" "+r.Path)
	}
	assert.Len(t, srv.Requests(), 4)
}
