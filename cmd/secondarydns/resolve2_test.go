package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestFormat2UnresolvedNames: every zone name and peer entry of a file
// that does not resolve is reported in one exit-2 message (one line),
// each with its line, its field and a "did you mean" from the account's
// names when one is close; only the lookups are sent. A long list stops
// after ten with "and N more".
func TestFormat2UnresolvedNames(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	f := newFmt2(t)
	f.srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(6), Name: "z001.example"})
	file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "zones": {
    "nope.example.": {"peers": []},
    "z0001.example.": {"peers": []},
    "example.com.": {"peers": ["bind-b"]},
    "EXAMPLE.ORG": {"peers": ["bind-a"]}
  }}`)
	for _, cmd := range [][]string{{"plan", "-f", file}, {"apply", "-f", file, "--yes", "--allow-destroy"}} {
		f.srv.ResetRequests()
		r := f.run(t, cmd...)
		require.Equal(t, exitUsage, r.code, r.stderr)
		assert.Equal(t, "secondarydns "+cmd[0]+": "+file+`: 3 names in the file do not resolve (zone names checked with the zone list: 6 zones); nothing was read or written: `+
			`line 3: zones["nope.example."]: account `+acct+` has no zone named "nope.example."; `+
			`line 4: zones["z0001.example."]: account `+acct+` has no zone named "z0001.example."; did you mean "z001.example."?; `+
			`line 5: zones["example.com."].peers[0]: "bind-b" is neither a peer in "peers" nor a peer of account `+acct+` (by name or ID); did you mean "bind-a"?`+"\n", r.stderr)
		assert.Empty(t, r.stdout)
		assert.Equal(t, lookups(), requestList(f.srv), "only the lookups")
	}

	// One name: the message of that name, with its hint.
	one := writeFile(t, "one.json", `{"account": "`+acct+`", "zones": {"Z001.EXAMPLE": {"peers": []}, "z01.example": {"peers": []}}}`)
	r := f.run(t, "plan", "-f", one)
	require.Equal(t, exitUsage, r.code, r.stderr)
	assert.Equal(t, "secondarydns plan: "+one+`:1: zones["z01.example"]: account `+acct+` has no zone named "z01.example" (checked with the zone list: 6 zones); did you mean "z001.example"?; nothing was read or written`+"\n", r.stderr)

	// Thirteen: ten listed, "and 3 more".
	var zones []string
	for i := range 13 {
		zones = append(zones, fmt.Sprintf(`"missing-%02d.example.": {"peers": []}`, i))
	}
	many := writeFile(t, "many.json", `{"account": "`+acct+`", "zones": {`+strings.Join(zones, ",\n")+`}}`)
	r = f.run(t, "plan", "-f", many)
	require.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, ": 13 names in the file do not resolve")
	assert.Contains(t, r.stderr, `line 10: zones["missing-09.example."]: account `+acct+` has no zone named "missing-09.example."; and 3 more`+"\n")
	assert.NotContains(t, r.stderr, "missing-10")
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
}

// TestFormat2UnresolvedHintsListed: with more than ten names that do not
// resolve, each name listed keeps its "did you mean", whatever order the
// names were collected in: a mistyped peer on an early line (collected
// after every zone key) is listed first, with its hint.
func TestFormat2UnresolvedHintsListed(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	f := newFmt2(t)
	zones := []string{`"example.com.": {"peers": ["bind-b"]}`}
	for i := range 12 {
		zones = append(zones, fmt.Sprintf(`"missing-%02d.example.": {"peers": []}`, i))
	}
	file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "zones": {`+"\n"+strings.Join(zones, ",\n")+`}}`)
	r := f.run(t, "plan", "-f", file)
	require.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, ": 13 names in the file do not resolve (zone names checked with the zone list: 5 zones); nothing was read or written: "+
		`line 3: zones["example.com."].peers[0]: "bind-b" is neither a peer in "peers" nor a peer of account `+acct+` (by name or ID); did you mean "bind-a"?; `+
		`line 4: zones["missing-00.example."]: account `+acct+` has no zone named "missing-00.example."; `)
	assert.Contains(t, r.stderr, `line 12: zones["missing-08.example."]: account `+acct+` has no zone named "missing-08.example."; and 3 more`+"\n")
}
