package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestUnknownFlagSuggests: a mistyped flag gets "did you mean" naming the
// closest of the command's own flags and the globals, as a mistyped
// command does; a flag close to none gets none (nor does a one-letter
// flag: -x is no typo of -f). A file given where -f is expected says to
// pass it with -f. Exit 2, nothing sent.
func TestUnknownFlagSuggests(t *testing.T) {
	srv := newFake(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-f", "x.json", "--exitcode"}, "secondarydns plan: unknown flag --exitcode; did you mean --exit-code? (see 'secondarydns plan --help')\n"},
		{[]string{"tsigs", "get", peer1, "--show-secrets"}, "secondarydns tsigs get: unknown flag --show-secrets; did you mean --show-secret? (see 'secondarydns tsigs get --help')\n"},
		{[]string{"tsigs", "list", "--show-secret"}, "secondarydns tsigs list: unknown flag --show-secret; did you mean --show-secrets? (see 'secondarydns tsigs list --help')\n"},
		{[]string{"apply", "-f", "x.json", "--allow-destory"}, "secondarydns apply: unknown flag --allow-destory; did you mean --allow-destroy? (see 'secondarydns apply --help')\n"},
		{[]string{"get", zoneA, "--concurency", "2"}, "secondarydns get: unknown flag --concurency; did you mean --concurrency? (see 'secondarydns get --help')\n"},
		{[]string{"--verbos", "get", zoneA}, "secondarydns get: unknown flag --verbos; did you mean --verbose? (see 'secondarydns get --help')\n"},
		{[]string{"get", zoneA, "-x"}, "secondarydns get: unknown flag -x (see 'secondarydns get --help')\n"},
		{[]string{"peers", "list", "--ip", "192.0.2.1"}, "secondarydns peers list: unknown flag --ip (see 'secondarydns peers list --help')\n"},
		// Before the subcommand's name: only a flag that subcommand takes
		// (list has no --name), or, with no name, one every subcommand
		// takes.
		{[]string{"peers", "--nmae", "x", "list"}, "secondarydns peers list: unknown flag --nmae (see 'secondarydns peers list --help')\n"},
		{[]string{"peers", "--nmae", "x", "create"}, "secondarydns peers create: unknown flag --nmae; did you mean --name? (see 'secondarydns peers create --help')\n"},
		{[]string{"peers", "--nmae", "x"}, "secondarydns peers: unknown flag --nmae (see 'secondarydns peers --help')\n"},
		{[]string{"peers", "--acount", "x"}, "secondarydns peers: unknown flag --acount; did you mean --account? (see 'secondarydns peers --help')\n"},
		{[]string{"tsigs", "--show-secret", "list"}, "secondarydns tsigs list: unknown flag --show-secret; did you mean --show-secrets? (see 'secondarydns tsigs list --help')\n"},
		{[]string{"plan", "zones.json"}, `secondarydns plan: unexpected argument "zones.json"; pass the file with -f: secondarydns plan -f zones.json (see 'secondarydns plan --help')` + "\n"},
		{[]string{"apply", "zones.json", "--yes"}, `secondarydns apply: unexpected argument "zones.json"; pass the file with -f: secondarydns apply -f zones.json (see 'secondarydns apply --help')` + "\n"},
		{[]string{"plan", "-f", "a.json", "b.json"}, `secondarydns plan: unexpected argument "b.json" (see 'secondarydns plan --help')` + "\n"},
		// An existing file without .json is one too; a word that names no
		// file is not, nor is an argument beside apply's --plan (which
		// takes no -f).
		{[]string{"plan", "testdata/apply_text.golden"}, `secondarydns plan: unexpected argument "testdata/apply_text.golden"; pass the file with -f: secondarydns plan -f testdata/apply_text.golden (see 'secondarydns plan --help')` + "\n"},
		{[]string{"plan", "testdata"}, `secondarydns plan: unexpected argument "testdata" (see 'secondarydns plan --help')` + "\n"},
		{[]string{"fake", "foo"}, `secondarydns fake: unexpected argument "foo" (see 'secondarydns fake --help')` + "\n"},
		{[]string{"apply", "x.json", "--plan", "p.json"}, `secondarydns apply: unexpected argument "x.json" (see 'secondarydns apply --help')` + "\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := cli(t, srv, tc.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Equal(t, tc.want, r.stderr)
		})
	}
	assert.Empty(t, srv.Requests())
}

// TestRepeatedFlag: a single-value flag given twice is exit 2 naming it
// with different values (the flag package would keep the last and drop
// the other silently), before or after the command's name, -o json
// included; nothing is sent. The same value again is accepted.
// Repeatable flags (--peer) and switches (--quiet) may be given again.
func TestRepeatedFlag(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	a := writeFile(t, "a.json", safeFile)
	b := writeFile(t, "b.json", fleetFile)
	dir := t.TempDir() // --out's, which no run writes
	env := fakeEnv(srv)
	env["CLOUDFLARE_ACCOUNT_ID"] = secondarydnstest.DefaultAccountID
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-f", a, "-f", b}, "secondarydns plan: -f given twice (" + a + ", then " + b + "): give it once (see 'secondarydns plan --help')\n"},
		{[]string{"plan", "-f", a, "--out", dir + "/p1.json", "--out=" + dir + "/p2.json"}, "secondarydns plan: --out given twice (" + dir + "/p1.json, then " + dir + "/p2.json): give it once (see 'secondarydns plan --help')\n"},
		{[]string{"peers", "list", "--account", secondarydnstest.DefaultAccountID, "--account", "0123456789abcdef0123456789abcdef"}, "secondarydns peers list: --account given twice (" + secondarydnstest.DefaultAccountID + ", then 0123456789abcdef0123456789abcdef): give it once (see 'secondarydns peers list --help')\n"},
		{[]string{"--rate", "3", "plan", "-f", a, "--rate", "5"}, "secondarydns plan: --rate given twice (3, then 5): give it once (see 'secondarydns plan --help')\n"},
		{[]string{"apply", "--plan", a, "--checksum", "x", "-checksum", "y"}, "secondarydns apply: --checksum given twice (x, then y): give it once (see 'secondarydns apply --help')\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := invoke(t, invocation{args: tc.args, env: env})
			assert.Equal(t, exitUsage, r.code)
			assert.Equal(t, tc.want, r.stderr)
		})
	}
	r := invoke(t, invocation{args: []string{"plan", "-f", a, "-f", b, "-o", "json"}, env: env})
	assert.Equal(t, exitUsage, r.code)
	assert.JSONEq(t, `{"error": {"message": "-f given twice (`+a+`, then `+b+`): give it once"}}`, r.stdout)
	assert.Empty(t, srv.Requests())

	// The same value again changes nothing: accepted.
	r = invoke(t, invocation{args: []string{"plan", "-f", a, "-o", "json", "-f", a, "-o", "json"}, env: env})
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"zones"`)

	// Repeatable and switches: accepted.
	r = invoke(t, invocation{args: []string{"create", zoneB, "--name", "b.example.", "--peer", peer1, "--peer", peer2, "--quiet", "--quiet"}, env: env})
	require.Equal(t, exitOK, r.code, r.stderr)
	cfg, ok := srv.Config(zoneB)
	require.True(t, ok)
	assert.ElementsMatch(t, []string{peer1, peer2}, cfg.Peers)
}

// TestFlagTakenAsValue: a flag that takes a value, followed by another of
// the command's flags (an empty shell variable between them), is exit 2
// naming both, and nothing is written or sent: the flag package alone would
// save the plan to a file named "--exit-code" and drop the CI gate. A value
// that starts with a dash is still accepted with "=", "-" is standard
// input, and a negative number is a value for its own check.
func TestFlagTakenAsValue(t *testing.T) {
	srv := newFake(t)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-f", "x.json", "--out", "--exit-code"}, "secondarydns plan: --out needs a value, but the next argument is the flag --exit-code (an empty variable?); write --out=VALUE for a value that starts with a dash (see 'secondarydns plan --help')\n"},
		{[]string{"apply", "--plan", "p.json", "--checksum", "--rate", "0"}, "secondarydns apply: --checksum needs a value, but the next argument is the flag --rate (an empty variable?); write --checksum=VALUE for a value that starts with a dash (see 'secondarydns apply --help')\n"},
		{[]string{"update", zoneA, "--peer", "-name=x"}, "secondarydns update: --peer needs a value, but the next argument is the flag -name=x (an empty variable?); write --peer=VALUE for a value that starts with a dash (see 'secondarydns update --help')\n"},
		{[]string{"peers", "create", "--name", "--ip", "192.0.2.1"}, "secondarydns peers create: --name needs a value, but the next argument is the flag --ip (an empty variable?); write --name=VALUE for a value that starts with a dash (see 'secondarydns peers create --help')\n"},
		{[]string{"plan", "-f", "x.json", "--out", "-h"}, "secondarydns plan: --out needs a value, but the next argument is the flag -h (an empty variable?); write --out=VALUE for a value that starts with a dash (see 'secondarydns plan --help')\n"},
		{[]string{"plan", "-f", "x.json", "--out", "--help"}, "secondarydns plan: --out needs a value, but the next argument is the flag --help (an empty variable?); write --out=VALUE for a value that starts with a dash (see 'secondarydns plan --help')\n"},
		// Not a flag of the command: left to the value's own checks.
		{[]string{"plan", "-f", "x.json", "--rate", "-1"}, "secondarydns plan: --rate -1: want 0 (unpaced) or more (see 'secondarydns plan --help')\n"},
		{[]string{"plan", "-f", "--exit-code", "x.json"}, "secondarydns plan: -f needs a value, but the next argument is the flag --exit-code (an empty variable?); write -f=VALUE for a value that starts with a dash (see 'secondarydns plan --help')\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := cli(t, srv, tc.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Equal(t, tc.want, r.stderr)
			assert.Empty(t, r.stdout)
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "no plan file written")
	assert.Empty(t, srv.Requests())

	// --out=--x is a value: the plan is written to the file "--x".
	f := writeFile(t, "z.json", `{"zones":{"`+zoneA+`":{"name":"a.example.","peers":[]}}}`)
	r := cli(t, srv, "plan", "-f", f, "--out=--x")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.FileExists(t, filepath.Join(dir, "--x"))

	// "-f -" is standard input, followed by a flag or not.
	zones, err := os.ReadFile(f)
	require.NoError(t, err)
	for _, args := range [][]string{{"plan", "-f", "-", "--exit-code"}, {"plan", "--exit-code", "-f", "-"}} {
		r = invoke(t, invocation{args: args, env: fakeEnv(srv), stdin: string(zones)})
		assert.Equal(t, exitChanges, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stdout, "1 to change (1 create)", args)
	}
}
