package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestFormat2OrderByName: a file keying zones by name (z001…z012, their
// IDs in another order, one zone keyed by ID with its "name") is reported
// by name: the text plan, plan's JSON, the saved plan, apply's JSON, and
// apply --plan's. apply's result lines, streamed as zones finish, come in
// zone-ID order, the order the zones run in (by name, a line would wait
// for zones not run yet). A file keying every zone by ID keeps the ID
// order, as format 1.
func TestFormat2OrderByName(t *testing.T) {
	const n = 12
	srv := newFake(t)
	env := fakeEnv(srv)
	var names, entries, byID []string
	idOf := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("z%03d.example", i+1)
		id := secondarydnstest.ZoneID(100 + (i*7)%n) // IDs in another order than names
		srv.AddZone(secondarydns.Zone{ID: id, Name: name})
		names = append(names, name+".")
		idOf[name+"."] = id
		key := name + "."
		if i == 4 {
			entries = append(entries, `"`+id+`": {"name": "`+name+`."}`)
		} else {
			entries = append(entries, `"`+key+`": {}`)
		}
		byID = append(byID, `"`+id+`": {"name": "`+name+`."}`)
	}
	head := `{"account": "` + secondarydnstest.DefaultAccountID + `", "peers": {"ns1": {"ip": "192.0.2.53"}}, "defaults": {"peers": ["ns1"], "status": "Enabled"}, "zones": {`
	file := writeFile(t, "zones.json", head+strings.Join(entries, ",\n")+"}}")
	var wantIDs []string // by name
	for _, name := range names {
		wantIDs = append(wantIDs, idOf[name])
	}
	require.False(t, slices.IsSorted(wantIDs), "the IDs are not in the names' order")
	runOrder := slices.Sorted(slices.Values(wantIDs)) // the SDK's: by zone ID
	run := func(args ...string) result {
		t.Helper()
		return invoke(t, invocation{args: args, env: env})
	}
	headers := regexp.MustCompile(`(?m)^([0-9a-f]{32}) z\d{3}\.example\.(?:$|:)`)
	idsIn := func(text string) []string {
		var out []string
		for _, m := range headers.FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
		return out
	}
	jsonIDs := func(doc string) []string {
		var d struct {
			Zones []struct {
				ZoneID string `json:"zone_id"`
			} `json:"zones"`
		}
		require.NoError(t, json.Unmarshal([]byte(doc), &d), doc)
		var out []string
		for _, z := range d.Zones {
			out = append(out, z.ZoneID)
		}
		return out
	}

	r := run("plan", "-f", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, wantIDs, idsIn(r.stdout), "the text plan, by name")
	r = run("plan", "-f", file, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, wantIDs, jsonIDs(r.stdout), "plan's JSON, by name")

	out := filepath.Join(t.TempDir(), "plan.json")
	r = run("plan", "-f", file, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	r = run("apply", "--plan", out, "--yes", "--allow-destroy")
	require.Equal(t, exitOK, r.code, r.stderr)
	plan, results, ok := strings.Cut(r.stdout, "peer ns1: done")
	require.True(t, ok, r.stdout)
	assert.Equal(t, wantIDs, idsIn(plan), "apply --plan's plan, by name")
	assert.Equal(t, runOrder, idsIn(results), "apply --plan's result lines, in the order the zones ran")

	// A second file, every zone by ID: the ID order.
	srv2 := newFake(t)
	env = fakeEnv(srv2)
	for i := range n {
		srv2.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(100 + (i*7)%n), Name: fmt.Sprintf("z%03d.example", i+1)})
	}
	r = run("apply", "-f", writeFile(t, "byid.json", head+strings.Join(byID, ",\n")+"}}"), "--yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	sorted := runOrder
	plan, results, ok = strings.Cut(r.stdout, "peer ns1: done")
	require.True(t, ok, r.stdout)
	assert.Equal(t, sorted, idsIn(plan), "by ID")
	assert.Equal(t, sorted, idsIn(results), "by ID")

	// apply -f of the by-name file, JSON: by name.
	srv3 := newFake(t)
	env = fakeEnv(srv3)
	for i := range n {
		srv3.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(100 + (i*7)%n), Name: fmt.Sprintf("z%03d.example", i+1)})
	}
	r = run("apply", "-f", file, "--yes", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, wantIDs, jsonIDs(r.stdout), "apply's JSON, by name")
	_, results, ok = strings.Cut(r.stderr, "peer ns1: done")
	require.True(t, ok, r.stderr)
	assert.Equal(t, runOrder, idsIn(results), "apply's result lines (on stderr under -o json), in the order the zones ran")
}
