package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDesiredFileErrors: every kind of bad desired-state file is exit 2
// with the file, the line and the field, under plan, apply and fake alike,
// and nothing is sent.
func TestDesiredFileErrors(t *testing.T) {
	ok := `{"name": "example.com.", "peers": ["` + peer1 + `"]}`
	cases := []struct {
		name, file, want string
	}{
		{"unknown field peer", "{\"zones\": {\n  \"" + zoneA + "\": {\"name\": \"example.com.\", \"peer\": [\"" + peer1 + "\"]}\n}}",
			`zones.json:2: zones["` + zoneA + `"].peer: unknown field (want "name", "peers", "status" or "absent"); did you mean "peers"?`},
		{"unknown top-level field", "{\"zone\": {}}", `zones.json:1: unknown field "zone"; the file's only field is "zones"`},
		{"duplicate zone", "{\"zones\": {\n  \"" + zoneA + "\": " + ok + ",\n  \"" + zoneA + "\": {\"absent\": true}\n}}",
			`zones.json:3: zones["` + zoneA + `"]: duplicate zone (first on line 2)`},
		{"duplicate field", "{\"zones\": {\"" + zoneA + "\": {\"name\": \"a.example.\",\n \"name\": \"b.example.\", \"peers\": []}}}",
			`zones.json:2: zones["` + zoneA + `"].name: duplicate field`},
		{"duplicate zones", "{\"zones\": {},\n\"zones\": {}}", `zones.json:2: duplicate field "zones"`},
		{"name wrong type", "{\"zones\": {\"" + zoneA + "\": {\n\"name\": 42, \"peers\": []}}}", `zones.json:2: zones["` + zoneA + `"].name: want a string, found a number`},
		{"peers wrong type", "{\"zones\": {\"" + zoneA + "\": {\"name\": \"a.example.\",\n\n\"peers\": \"" + peer1 + "\"}}}", `zones.json:3: zones["` + zoneA + `"].peers: want an array of peer IDs, found a string`},
		{"peers null", "{\"zones\": {\"" + zoneA + "\": {\"name\": \"a.example.\", \"peers\": null}}}", `zones.json:1: zones["` + zoneA + `"].peers: want an array of peer IDs, found null`},
		{"peer wrong type", "{\"zones\": {\"" + zoneA + "\": {\"name\": \"a.example.\", \"peers\": [\n\"" + peer1 + "\",\n7]}}}", `zones.json:3: zones["` + zoneA + `"].peers[1]: want a string, found a number`},
		{"absent wrong type", "{\"zones\": {\"" + zoneA + "\": {\"absent\": \"yes\"}}}", `zones.json:1: zones["` + zoneA + `"].absent: want true or false, found a string`},
		{"zone not an object", "{\"zones\": {\"" + zoneA + "\": []}}", `zones.json:1: zones["` + zoneA + `"]: want an object`},
		{"zones not an object", "{\"zones\": [\"" + zoneA + "\"]}", `zones.json:1: zones: want an object of zone ID to desired state, found an array`},
		{"top level array", "[]", `zones.json:1: want an object {"zones": {...}}, found an array`},
		{"trailing data", "{\"zones\": {}}\n\n{\"zones\": {}}", `zones.json:3: trailing data after the top-level object`},
		{"trailing garbage", "{\"zones\": {}} x", `zones.json:1: trailing data after the top-level object`},
		{"syntax error", "{\"zones\": {\n\"" + zoneA + "\": {\"name\": \"a.example.\",}}}", `zones.json:2: zones["` + zoneA + `"]: invalid JSON`},
		{"truncated", "{\"zones\": {\n\"" + zoneA + "\": {\"name\": ", `zones.json:2: zones["` + zoneA + `"].name: unexpected end of the file`},
		{"empty", "  \n", `zones.json: the file is empty`},
		{"missing zones", "{}", `zones.json:1: missing field "zones"`},
		{"missing peers", "{\"zones\": {\n\"" + zoneA + "\": {\"name\": \"a.example.\"}}}", `zones.json:2: zones["` + zoneA + `"]: missing field "peers" (write "peers": [] for a zone without peers)`},
		{"missing name", "{\"zones\": {\n\"" + zoneA + "\": {\"peers\": []}}}", `zones.json:2: zones["` + zoneA + `"]: missing field "name"`},
		{"absent with a name", "{\"zones\": {\n\"" + zoneA + "\": {\"absent\": true, \"name\": \"a.example.\"}}}", `zones.json:2: zones["` + zoneA + `"]: "absent": true goes alone`},
		{"bad status", "{\"zones\": {\n\"" + zoneA + "\": {\"name\": \"a.example.\", \"peers\": [], \"status\": \"enabled\"}}}",
			`zones.json:2: zones["` + zoneA + `"].status: "enabled" is not a status; want "Enabled" or "Disabled"`},
		{"zone name without an account", "{\"zones\": {\n\"example.com\": " + ok + "}}", `zones.json:2: zones["example.com"]: a zone given by name needs the account to look it up`},
		{"invalid zone ID", "{\"zones\": {\n\"" + zoneB + "\": " + ok + ",\n\"zone id\": " + ok + "}}", `zones.json:3: zones["zone id"]: zone ID "zone id" contains ' '`},
		{"invalid name", "{\"zones\": {\n\"" + zoneA + "\": {\"name\": \"a..example.\", \"peers\": []}}}", `zones.json:2: zones["` + zoneA + `"]: name "a..example." has an empty label (label 2)`},
		{"invalid peer", "{\"zones\": {\n\"" + zoneA + "\": {\"name\": \"a.example.\", \"peers\": [\"" + peer1 + "\", \"peer/2\"]}}}", `zones.json:2: zones["` + zoneA + `"]: peers[1] "peer/2" contains '/'`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			seedFleet(srv)
			dir := t.TempDir()
			path := dir + "/zones.json"
			writeAt(t, path, tc.file)
			for _, args := range [][]string{
				{"plan", "-f", path},
				{"plan", "-f", path, "--exit-code", "--out", dir + "/plan"},
				{"apply", "-f", path, "--yes", "--allow-destroy"},
			} {
				r := cli(t, srv, args...)
				assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
				assert.Equal(t, "secondarydns "+args[0]+": "+strings.ReplaceAll(tc.want, "zones.json", path), firstLine(r.stderr)[:len("secondarydns "+args[0]+": ")+len(strings.ReplaceAll(tc.want, "zones.json", path))], r.stderr)
				assert.Empty(t, r.stdout)
				assert.NoFileExists(t, dir+"/plan")

				rj := cli(t, srv, append(args, "-o", "json")...)
				assert.Equal(t, exitUsage, rj.code)
				assert.Contains(t, errorMessage(t, rj.stdout), strings.ReplaceAll(tc.want, "zones.json", path))
			}
			// Standard input, named as such.
			r := invoke(t, invocation{args: []string{"plan", "-f", "-"}, env: fakeEnv(srv), stdin: tc.file})
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, strings.ReplaceAll(tc.want, "zones.json", "<stdin>"))
			assert.Empty(t, srv.Requests(), "a bad file sends nothing")
		})
	}
}

// TestPeerTypoNeverRemovesPeers: "peer" for "peers" is refused; the zone's
// peers are untouched and nothing is sent.
func TestPeerTypoNeverRemovesPeers(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", `{"zones": {"`+zoneA+`": {"name": "example.com.", "peer": "`+peer1+`"}}}`)
	r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `did you mean "peers"?`)
	cfg, _ := srv.Config(zoneA)
	assert.Equal(t, []string{peer1}, cfg.Peers)
	assert.Empty(t, srv.Requests())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line + strings.Repeat(" ", 400)
}

func writeAt(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, writeFileErr(path, content))
}
