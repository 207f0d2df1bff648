package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastSeeds are desired-state files, valid and not, for the fast decoder.
var fastSeeds = []string{
	fleetFile,
	safeFile,
	`{"zones": {}}`,
	` { "zones" : { } } ` + "\r\n",
	"{\"zones\": {\r\n  \"" + zoneA + "\": {\"absent\": true}\r\n}}",
	`{"zones": {"` + zoneA + `": {"peers": [], "name": "a.example."}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": [], "absent": false}}}`,
	`{"zones": {"` + zoneA + `": {"absent": false}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a\u002eexample.", "peers": []}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": ["` + peer1 + `", "` + peer1 + `"], "status": "Enabled"}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": [], "status": "enabled"}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": [], "name": "b.example."}}}`,
	`{"zones": {"` + zoneA + `": {"absent": true}, "` + zoneA + `": {"absent": true}}}`,
	`{"zones": {"` + zoneA + `": {"absent": true, "name": "x."}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example."}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": [1e999]}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": [],}}}`,
	`{"zones": {}, "zones": {}}`,
	`{"zones": {}} {}`,
	`{"Zones": {}}`,
	`{"zones": {"` + zoneA + `": {"absent": true}`,
	`{"zones": {"` + zoneA + `": {"absent": tru}}}`,
	`{"zones": {"` + zoneA + `": {"name": "a.example.", "peers": [], "peer": []}}}`,
}

// TestFastDesiredAgrees: whatever the fast decoder accepts, the strict one
// accepts with the same result; what it gives up on, the strict one reads.
func TestFastDesiredAgrees(t *testing.T) {
	accepted := 0
	for _, doc := range append(fastSeeds, string(desiredDoc(100))) {
		checkFastAgrees(t, []byte(doc))
		if _, ok := fastDesired([]byte(doc)); ok {
			accepted++
		}
	}
	assert.Equal(t, 9, accepted, "the usual shapes take the fast way")
}

func checkFastAgrees(t *testing.T, data []byte) {
	t.Helper()
	fast, ok := fastDesired(data)
	if !ok || anyZoneByName(fast) {
		return // a zone by name: parseDesired reads it as format 2
	}
	strict, err := strictDesired("zones.json", data)
	require.NoError(t, err, "the fast decoder took what the strict one refuses: %s", data)
	assert.Equal(t, strict.zones, fast.zones, "%s", data)
	assert.Equal(t, strict.lines, fast.lines, "%s", data)
	assert.Equal(t, append([]string{}, strict.order...), append([]string{}, fast.order...), "%s", data)
}

// FuzzFastDesired: the fast decoder never accepts what the strict one
// refuses, and agrees with it on what both accept.
func FuzzFastDesired(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || strings.Count(string(data), "{") > 50 {
			return
		}
		checkFastAgrees(t, data)
	})
}
