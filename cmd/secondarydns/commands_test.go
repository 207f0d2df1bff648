package main

import (
	"encoding/json"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestHelp: every command has --help and -h with a usage line, every flag
// and one example, on stdout, exit 0, nothing sent.
func TestHelp(t *testing.T) {
	srv := newFake(t)
	for _, c := range commands {
		for _, h := range []string{"--help", "-h"} {
			r := cli(t, srv, c.name, h)
			require.Equal(t, exitOK, r.code, c.name)
			assert.Contains(t, r.stdout, "Usage: secondarydns "+c.name, c.name)
			assert.Contains(t, r.stdout, "\nExample:\n  secondarydns "+c.name, c.name)
			fs := scratchApp().newFlagSet(c.name)
			own := map[string]bool{}
			if c.flags != nil {
				c.flags(scratchApp(), fs)
				scratchApp().flagSetFor(c).VisitAll(func(f *flag.Flag) { own[f.Name] = true })
			}
			fs.VisitAll(func(f *flag.Flag) {
				dash := "--"
				if len(f.Name) == 1 {
					dash = "-"
				}
				// A command that names the global flags that apply to
				// it lists only those.
				if own[f.Name] || c.globals == nil || slices.Contains(c.globals, f.Name) {
					assert.Contains(t, r.stdout, "  "+dash+f.Name, "%s --help lists %s", c.name, f.Name)
				} else {
					assert.NotContains(t, r.stdout, "  "+dash+f.Name+" ", "%s --help does not list %s", c.name, f.Name)
				}
			})
			assert.Empty(t, r.stderr)
		}
	}
	r := cli(t, srv, "--help")
	assert.Equal(t, exitOK, r.code)
	for _, c := range commands {
		assert.Contains(t, r.stdout, "  "+c.name+" ")
	}
	r = cli(t, srv, "help", "apply")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "Usage: secondarydns apply -f FILE | --plan PLAN [--yes] [--allow-destroy]\n")
	golden(t, "help_plan", cli(t, srv, "plan", "--help").stdout)
	golden(t, "help_apply", cli(t, srv, "apply", "--help").stdout)
	// fake sends no request: of the global flags only --quiet does anything.
	golden(t, "help_fake", cli(t, srv, "fake", "--help").stdout)
	// help's own --help, and help of help, are the overview.
	for _, args := range [][]string{{"help", "--help"}, {"help", "-h"}, {"help", "help"}, {"-o", "json", "help"}} {
		r = cli(t, srv, args...)
		assert.Equal(t, exitOK, r.code, args)
		assert.Contains(t, r.stdout, "\nCommands:\n", args)
		assert.Empty(t, r.stderr, args)
	}
	// --help before the command's name is the command's help.
	for _, args := range [][]string{{"--help", "plan"}, {"-h", "plan"}, {"-o", "json", "--help", "plan"}} {
		r = cli(t, srv, args...)
		assert.Equal(t, exitOK, r.code, args)
		assert.True(t, strings.HasPrefix(r.stdout, "Usage: secondarydns plan "), "%v: %s", args, r.stdout)
	}
	// Help is text on stdout under -o json too: it is not an error.
	r = cli(t, srv, "plan", "--help", "-o", "json")
	assert.Equal(t, exitOK, r.code)
	assert.Equal(t, cli(t, srv, "plan", "--help").stdout, r.stdout)
	assert.Empty(t, r.stderr)
	assert.Empty(t, srv.Requests())
}

// TestUsageErrors: bad usage is exit 2 with one line on stderr that says
// what to do, {"error":{"message"}} under -o json, and nothing sent.
func TestUsageErrors(t *testing.T) {
	srv := newFake(t)
	f := writeFile(t, "zones.json", safeFile)
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `secondarydns: unknown command "frobnicate" (see 'secondarydns --help')`},
		{[]string{"stauts", zoneA}, `unknown command "stauts"; did you mean "status"?`},
		{[]string{"get", zoneA, "--bogus"}, `secondarydns get: unknown flag --bogus (see 'secondarydns get --help')`},
		{[]string{"get", zoneA, "-bogus=1"}, `secondarydns get: unknown flag -bogus (see 'secondarydns get --help')`},
		{[]string{"get", zoneA, "--rate", "abc"}, `secondarydns get: --rate "abc": want a number such as 4 or 0.5 (see 'secondarydns get --help')`},
		{[]string{"--rate", "abc", "get", zoneA}, `secondarydns get: --rate "abc": want a number such as 4 or 0.5 (see 'secondarydns get --help')`},
		{[]string{"get", zoneA, "--timeout", "5"}, `secondarydns get: --timeout "5": want a duration such as 30s`},
		{[]string{"get", zoneA, "--timeout", "-1s"}, `secondarydns get: --timeout -1s: want a positive duration such as 30s (or 0 for no limit)`},
		{[]string{"get", zoneA, "--quiet=maybe"}, `--quiet "maybe": want true or false`},
		{[]string{"get"}, "secondarydns get: missing ZONE_ID (see 'secondarydns get --help')"},
		{[]string{"get", zoneA, zoneB}, `secondarydns get: unexpected argument "` + zoneB + `"`},
		{[]string{"get", zoneA, "-o", "yaml"}, `-o "yaml": want text or json`},
		{[]string{"plan", "-f", f, "--concurrency", "0"}, "--concurrency 0: want 1 or more"},
		{[]string{"plan", "-f", f, "--rate=-1"}, "--rate -1: want 0 (unpaced) or more"},
		{[]string{"plan", "-f", f, "--rate", "NaN"}, "--rate NaN: want a number, 0 (unpaced) or more"},
		{[]string{"plan", "-f", f, "--rate=Inf"}, "--rate +Inf: want a number, 0 (unpaced) or more"},
		{[]string{"--rate=-inf", "plan", "-f", f}, "--rate -Inf: want a number"},
		{[]string{"plan", "-f", f, "--concurrency", "many"}, `--concurrency "many": want a whole number such as 4`},
		{[]string{"plan"}, "-f FILE is required"},
		{[]string{"plan", "-f"}, "flag needs an argument: -f"},
		{[]string{"apply"}, "secondarydns apply: give -f FILE or --plan PLAN (see"},
		{[]string{"apply", "-f", f, "--plan", f}, "give -f FILE or --plan PLAN, not both"},
		{[]string{"create", zoneA, "--peer", peer1}, "--name is required"},
		{[]string{"update", zoneA}, "--name is required"},
		{[]string{"fake", "--rate-limit", "many"}, `--rate-limit "many": want N/DURATION`},
		{[]string{"fake", "--timeout", "1m"}, `secondarydns fake: --timeout does not apply to fake, which runs until SIGINT or SIGTERM (see 'secondarydns fake --help')`},
		{[]string{"--timeout=1s", "fake"}, `--timeout does not apply to fake`},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
		{[]string{"help", "nope"}, `unknown command "nope"`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := cli(t, srv, tc.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tc.want)
			if len(tc.args) > 0 {
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
				assert.Empty(t, r.stdout)
			}
			if len(tc.args) > 0 && !strings.Contains(strings.Join(tc.args, " "), "-o yaml") {
				rj := cli(t, srv, append([]string{"-o", "json"}, tc.args...)...)
				assert.Equal(t, exitUsage, rj.code)
				assert.NotEmpty(t, errorMessage(t, rj.stdout))
			}
		})
	}
	assert.Empty(t, srv.Requests(), "bad usage sends nothing")
}

// TestFlagsAnywhere: global and command flags work before and after the
// positional arguments, and "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	want := "{\n  \"zone_id\": \"" + zoneA + "\",\n  \"status\": \"Enabled\"\n}\n"
	for _, args := range [][]string{
		{"-o", "json", "status", zoneA},
		{"status", "-o", "json", zoneA},
		{"status", zoneA, "-o", "json"},
		{"status", zoneA, "-o=json", "--quiet"},
		{"status", "-o", "json", "--", zoneA},
	} {
		r := cli(t, srv, args...)
		assert.Equal(t, exitOK, r.code, args)
		assert.Equal(t, want, r.stdout, args)
	}
	r := cli(t, srv, "create", zoneB, "--peer", peer1, "--name", "b.example.", "--peer", peer2, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	cfg, ok := srv.Config(zoneB)
	require.True(t, ok)
	assert.Equal(t, []string{peer1, peer2}, cfg.Peers)

	// Every global flag has its effect before the command's name as after
	// its arguments.
	w := newWatch(t, srv, 30*time.Millisecond)
	many := absentFile(t, 700, 6)
	unreachable := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": "http://127.0.0.1:1/client/v4"}
	cases := []struct {
		flags []string
		cmd   []string
		env   map[string]string
		check func(t *testing.T, r result)
	}{
		{[]string{"-o", "json"}, []string{"status", zoneA}, fakeEnv(srv), func(t *testing.T, r result) {
			assert.Equal(t, want, r.stdout)
		}},
		{[]string{"--base-url", srv.URL}, []string{"status", zoneA}, unreachable, func(t *testing.T, r result) {
			assert.Equal(t, exitOK, r.code, "--base-url wins over CLOUDFLARE_BASE_URL: %s", r.stderr)
			assert.Equal(t, zoneA+" Enabled\n", r.stdout)
		}},
		{[]string{"--timeout", "300ms", "--rate", "2"}, []string{"plan", "-f", many}, fakeEnv(srv), func(t *testing.T, r result) {
			assert.Equal(t, exitFailed, r.code, "6 reads at 2/s take 2.5 s: --timeout 300ms cuts them")
			assert.Contains(t, r.stderr, "--timeout 300ms would pass")
		}},
		{[]string{"--concurrency", "3"}, []string{"plan", "-f", many}, w.env(), func(t *testing.T, r result) {
			assert.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, 3, w.maxInflight(), "at most 3 zones at once, and 3 reached")
		}},
		{[]string{"--rate", "10"}, []string{"plan", "-f", many}, w.env(), func(t *testing.T, r result) {
			assert.Equal(t, exitOK, r.code, r.stderr)
			assert.GreaterOrEqual(t, w.minGap(), 80*time.Millisecond, "one request every 100 ms")
		}},
		{[]string{"--quiet"}, []string{"export", zoneA}, fakeEnv(srv), func(t *testing.T, r result) {
			assert.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, r.stderr, "no remark under --quiet")
		}},
		{[]string{"--verbose"}, []string{"status", zoneA}, fakeEnv(srv), func(t *testing.T, r result) {
			assert.Equal(t, exitOK, r.code, r.stderr)
			assert.Contains(t, r.stderr, "level=DEBUG")
		}},
	}
	for _, tc := range cases {
		for _, before := range []bool{true, false} {
			args := append(append([]string{}, tc.flags...), tc.cmd...)
			if !before {
				args = append(append([]string{}, tc.cmd...), tc.flags...)
			}
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				w.reset()
				tc.check(t, invoke(t, invocation{args: args, env: tc.env}))
			})
		}
	}
	// Without the flags, the same commands do otherwise (so the checks above
	// see the flags' effect).
	assert.Equal(t, exitFailed, invoke(t, invocation{args: []string{"status", zoneA}, env: unreachable}).code)
	assert.NotEmpty(t, cli(t, srv, "export", zoneA).stderr)
	w.reset()
	require.Equal(t, exitOK, invoke(t, invocation{args: []string{"plan", "-f", many}, env: w.env()}).code)
	assert.Equal(t, 4, w.maxInflight(), "the default --concurrency is 4")
}

// TestZoneCommands: each single-zone command's exact text and JSON output.
func TestZoneCommands(t *testing.T) {
	srv := newFake(t)
	steps := [][]string{
		{"create", zoneA, "--name", "example.com.", "--peer", peer1},
		{"get", zoneA},
		{"update", zoneA, "--name", "example.com.", "--peer", peer1, "--peer", peer2},
		{"enable", zoneA},
		{"status", zoneA},
		{"notify", zoneA},
		{"get", zoneA},
		{"disable", zoneA, "--yes"},
		{"delete", zoneA, "--yes"},
		{"version", "-o", "json"},
	}
	var text, js strings.Builder
	for _, s := range steps {
		r := cli(t, srv, s...)
		require.Equal(t, exitOK, r.code, "%v: %s", s, r.stderr)
		text.WriteString("$ secondarydns " + strings.Join(s, " ") + "\n" + transcript(r))
	}
	for _, s := range steps {
		s = append(s, "-o", "json")
		if s[0] == "create" {
			s = append(s, "--quiet")
		}
		r := cli(t, srv, s...)
		require.Equal(t, exitOK, r.code, "%v: %s", s, r.stderr)
		assert.True(t, json.Valid([]byte(r.stdout)), r.stdout)
		js.WriteString("$ secondarydns " + strings.Join(s, " ") + "\n" + transcript(r))
	}
	golden(t, "zone_commands_text", text.String())
	golden(t, "zone_commands_json", js.String())

	r := cli(t, srv, "version")
	assert.Equal(t, exitOK, r.code)
	assert.True(t, strings.HasPrefix(r.stdout, "secondarydns "+secondarydns.Version+" (go"), r.stdout)
}

// TestZoneCommandFailures: a failed request is exit 1 with the error on
// stderr and, under -o json, {"zone_id","error":{message,status,codes,ray_id}}.
// Bad input (a zone name for the ID, a bad peer) is exit 2 and sends nothing.
func TestZoneCommandFailures(t *testing.T) {
	srv := newFake(t)
	r := cli(t, srv, "get", zoneA)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "404")
	assert.Contains(t, r.stderr, "hint: the zone has no outgoing configuration")
	assert.Empty(t, r.stdout)

	r = cli(t, srv, "get", zoneA, "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	var doc struct {
		ZoneID string     `json:"zone_id"`
		Error  *jsonError `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, zoneA, doc.ZoneID)
	require.NotNil(t, doc.Error)
	assert.Equal(t, 404, doc.Error.Status)
	assert.Equal(t, []int{1003}, doc.Error.Codes)
	assert.NotEmpty(t, doc.Error.RayID)
	assert.Contains(t, doc.Error.Message, doc.Error.RayID)
	golden(t, "get_not_found_json", r.stdout)

	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "status", Status: 503, Times: 3, RetryAfter: "0"})
	r = cli(t, srv, "status", zoneA, "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, 503, doc.Error.Status)
	assert.Equal(t, []int{1000}, doc.Error.Codes)

	srv.ResetRequests()
	for _, args := range [][]string{
		{"get", "example.com"},
		{"delete", "zone/../x"},
		{"create", zoneA, "--name", "a..b"},
		{"create", zoneA, "--name", "example.com.", "--peer", "not a peer"},
		{"update", zoneA, "--name", "has space.com", "--no-peers"},
	} {
		r := cli(t, srv, args...)
		assert.Equal(t, exitUsage, r.code, args)
		assert.NotContains(t, r.stderr, "invalid input: ", "the message is the SDK's reason")
		rj := cli(t, srv, append(args, "-o", "json")...)
		assert.Equal(t, exitUsage, rj.code)
		assert.Contains(t, rj.stdout, `"error"`)
	}
	r = cli(t, srv, "get", "example.com")
	assert.Contains(t, r.stderr, "pass the zone ID, not the zone name")
	// Bad input comes before the credentials, as for a file.
	for _, args := range [][]string{
		{"get", "example.com"},
		{"create", zoneA, "--name", "a..b"},
		{"update", zoneA, "--name", "a.example.", "--peer", "not a peer"},
	} {
		r = invoke(t, invocation{args: args})
		assert.Equal(t, exitUsage, r.code, args)
		assert.NotContains(t, r.stderr, "credentials", args)
		assert.NotContains(t, r.stderr, "zone "+zoneA+":", "the zone is not repeated")
	}
	assert.Equal(t, "secondarydns get: zone ID \"example.com\" looks like a zone name: pass the zone ID, not the zone name\n", invoke(t, invocation{args: []string{"get", "example.com"}}).stderr)
	assert.Empty(t, srv.Requests(), "invalid input sends nothing")

	// The command's prefix is not repeated by the SDK's.
	r = cli(t, srv, "get", zoneA)
	assert.True(t, strings.HasPrefix(r.stderr, "secondarydns get: GET /"), r.stderr)

	// create on a zone that has a configuration: 409, with a hint to update.
	srv.Seed(zoneB, secondarydnstest.Config{Name: "b.example."})
	r = cli(t, srv, "create", zoneB, "--name", "b.example.")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "409")
	assert.True(t, strings.HasSuffix(r.stderr, "\nhint: the zone already has an outgoing configuration; 'update' replaces its name and peers\n"), r.stderr)
}

// TestCredentials: credentials only from the environment, with WithEnv's
// rules; missing ones are exit 2 with nothing sent; no output ever shows one.
func TestCredentials(t *testing.T) {
	srv := newFake(t, secondarydnstest.WithAPIKey("ops@example.com", "global-key-123"))
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com."})
	base := srv.URL
	cases := []struct {
		env  map[string]string
		code int
		want string
	}{
		{map[string]string{"CLOUDFLARE_BASE_URL": base}, exitUsage, "no credentials: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY"},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_EMAIL": "ops@example.com"}, exitUsage, "CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not"},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_API_KEY": "global-key-123"}, exitUsage, "CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not"},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_API_TOKEN": "tok with space "}, exitUsage, "token"},
		{map[string]string{"CLOUDFLARE_BASE_URL": "ftp://example.com", "CLOUDFLARE_API_TOKEN": "x"}, exitUsage, `CLOUDFLARE_BASE_URL: scheme "ftp" is not https`},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_API_TOKEN": "Bearer wrong-token-456"}, exitUsage, `secondarydns status: CLOUDFLARE_API_TOKEN: the value starts with "Bearer "; set the token alone`},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_EMAIL": "ops@example.com", "CLOUDFLARE_API_KEY": "global-key-123"}, exitOK, "Disabled"},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken}, exitOK, "Disabled"},
		{map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_API_TOKEN": "wrong-token-456"}, exitFailed, "hint: check CLOUDFLARE_API_TOKEN"},
	}
	for _, tc := range cases {
		srv.ResetRequests()
		for _, o := range []string{"text", "json"} {
			r := invoke(t, invocation{args: []string{"status", zoneA, "-o", o, "--verbose"}, env: tc.env})
			assert.Equal(t, tc.code, r.code, "%v: %s", tc.env, r.stderr)
			assert.Contains(t, r.stdout+r.stderr, tc.want)
			for _, secret := range []string{"global-key-123", "wrong-token-456", secondarydnstest.DefaultToken} {
				assert.NotContains(t, r.stdout+r.stderr, secret)
			}
		}
		if tc.code == exitUsage {
			assert.Empty(t, srv.Requests(), "%v: nothing sent", tc.env)
		}
	}
	// --base-url wins over CLOUDFLARE_BASE_URL.
	r := invoke(t, invocation{args: []string{"status", zoneA, "--base-url", base}, env: map[string]string{
		"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": "https://unreachable.invalid/client/v4"}})
	assert.Equal(t, exitOK, r.code, r.stderr)
}

// TestVerbose: --verbose writes the SDK's debug log on stderr, without
// credentials; stdout keeps only the result.
func TestVerbose(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	r := cli(t, srv, "status", zoneA, "--verbose")
	assert.Equal(t, exitOK, r.code)
	assert.Equal(t, zoneA+" Enabled\n", r.stdout)
	assert.Contains(t, r.stderr, "level=DEBUG")
	assert.Contains(t, r.stderr, "/secondary_dns/outgoing/status")
	assert.NotContains(t, r.stderr, secondarydnstest.DefaultToken)
	ua := srv.Requests()[0].Header.Get("User-Agent")
	assert.True(t, strings.HasPrefix(ua, "secondarydns-cli/"+secondarydns.Version+" secondarydns-go/"), ua)
}
