package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestExportIDsFile: export --ids reads zone IDs from a file or standard
// input, one per line (CRLF, blank lines, # comments and repeats are fine),
// together with those in argv, and writes the same document as with every
// ID in argv. A bad ID or name names its line (exit 2, nothing sent); no ID at all is
// exit 2.
func TestExportIDsFile(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	want := cli(t, srv, "export", zoneA, zoneB, zoneC, zoneD)
	require.Equal(t, exitOK, want.code, want.stderr)

	list := "# the fleet\r\n" + zoneB + "\r\n\n  " + zoneC + "  \n" + zoneD + "\n" + zoneB + "\n"
	f := writeFile(t, "ids.txt", list)
	r := cli(t, srv, "export", zoneA, "--ids", f)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want.stdout, r.stdout)
	assert.Equal(t, "exported 4 zone(s), 1 without a configuration\n", r.stderr)

	r = invoke(t, invocation{args: []string{"export", "--ids", "-"}, env: fakeEnv(srv), stdin: zoneA + "\n" + list})
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, want.stdout, r.stdout)

	// A large account: 2,000 zones from standard input.
	var big strings.Builder
	for i := range 2000 {
		big.WriteString(secondarydnstest.ZoneID(5000+i) + "\n")
	}
	r = invoke(t, invocation{args: []string{"export", "--ids", "-", "--concurrency", "16"}, env: fakeEnv(srv), stdin: big.String()})
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 2000, strings.Count(r.stdout, `{"absent": true}`))

	srv.ResetRequests()
	bad := writeFile(t, "bad.txt", zoneA+"\nzone/a\n")
	badName := writeFile(t, "badname.txt", zoneA+"\nexample..com\n")
	for _, tc := range []struct {
		inv  invocation
		want string
	}{
		{invocation{args: []string{"export", "--ids", bad}}, "secondarydns export: " + bad + `:2: zone ID "zone/a" contains '/' at byte 4; only letters, digits, '-' and '_' are allowed` + "\n"},
		{invocation{args: []string{"export", "--ids", badName}}, "secondarydns export: " + badName + `:2: "example..com" is neither a zone ID nor a zone name` + "\n"},
		{invocation{args: []string{"export"}}, "secondarydns export: no zone: give zone IDs or names as arguments or in a file with --ids FILE, or --all for the whole account (see 'secondarydns export --help')\n"},
		{invocation{args: []string{"export", "--ids", "-"}, stdin: "\n# nothing\n"}, "secondarydns export: no zone: give zone IDs or names"},
		{invocation{args: []string{"export", "--ids", f + ".missing"}}, "secondarydns export: open " + f + ".missing: no such file or directory\n"},
	} {
		tc.inv.env = fakeEnv(srv)
		r := invoke(t, tc.inv)
		assert.Equal(t, exitUsage, r.code, tc.inv.args)
		assert.True(t, strings.HasPrefix(r.stderr, tc.want), r.stderr)
		assert.Empty(t, r.stdout)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")
}
