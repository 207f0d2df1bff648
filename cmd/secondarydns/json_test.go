package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestJSONAlwaysOneDocument: under -o json, standard output is exactly one
// JSON document whatever happens: success, bad usage, a bad file, missing
// credentials, a failed request, a refusal, a declined confirmation, a stale
// zone.
func TestJSONAlwaysOneDocument(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)
	safe := writeFile(t, "safe.json", safeFile)
	bad := writeFile(t, "bad.json", `{"zones": {"`+zoneA+`": {"name": "a.example.", "peer": []}}}`)
	env := fakeEnv(srv)
	noCreds := map[string]string{"CLOUDFLARE_BASE_URL": srv.URL}
	cases := []struct {
		name  string
		inv   invocation
		code  int
		field string // a top-level field the document must have
	}{
		{"no command", invocation{args: []string{}, env: env}, exitUsage, "error"},
		{"unknown command", invocation{args: []string{"nope"}, env: env}, exitUsage, "error"},
		{"unknown flag", invocation{args: []string{"plan", "--nope"}, env: env}, exitUsage, "error"},
		{"bad file", invocation{args: []string{"plan", "-f", bad}, env: env}, exitUsage, "error"},
		{"missing file", invocation{args: []string{"plan", "-f", "/nonexistent/zones.json"}, env: env}, exitUsage, "error"},
		{"no credentials", invocation{args: []string{"plan", "-f", f}, env: noCreds}, exitUsage, "error"},
		{"no credentials, zone", invocation{args: []string{"get", zoneA}, env: noCreds}, exitUsage, "error"},
		{"get", invocation{args: []string{"get", zoneA}, env: env}, exitOK, "id"},
		{"get 404", invocation{args: []string{"get", zoneB}, env: env}, exitFailed, "zone_id"},
		{"plan", invocation{args: []string{"plan", "-f", f, "--exit-code"}, env: env}, exitChanges, "summary"},
		{"apply without --yes", invocation{args: []string{"apply", "-f", safe}, env: env}, exitUsage, "error"},
		{"apply without --allow-destroy", invocation{args: []string{"apply", "-f", f, "--yes"}, env: env}, exitUsage, "error"},
		{"apply declined", invocation{args: []string{"apply", "-f", safe}, env: env, stdin: "no\n", stdinTTY: true}, exitFailed, "error"},
		{"export", invocation{args: []string{"export", zoneA, zoneB}, env: env}, exitOK, "zones"},
		{"version", invocation{args: []string{"version"}, env: env}, exitOK, "version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.inv.args = append(tc.inv.args, "-o", "json")
			r := invoke(t, tc.inv)
			assert.Equal(t, tc.code, r.code, r.stderr)
			doc := oneDocument(t, r.stdout)
			assert.Contains(t, doc, tc.field, r.stdout)
			if tc.field == "error" {
				var e struct {
					Message string `json:"message"`
				}
				require.NoError(t, json.Unmarshal(doc["error"], &e))
				assert.NotEmpty(t, e.Message)
			}
		})
	}
	assert.Empty(t, writes(srv), "none of these wrote anything")

	// A stale zone and a failed write, in the same document.
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "update", Status: 404})
	srv.Fail(secondarydnstest.Fault{Zone: zoneB, Action: "create", Status: 400})
	r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy", "-o", "json")
	assert.Equal(t, exitFailed, r.code)
	doc := oneDocument(t, r.stdout)
	var fleet jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &fleet))
	assert.Equal(t, jsonSummary{Zones: 4, InSync: 1, Changed: 1, Failed: 2}, fleet.Summary)
	assert.Contains(t, fleet.Zones[0].Error.Message, "changed since it was planned")
	assert.Equal(t, 404, fleet.Zones[0].Error.Status)
	assert.Equal(t, 400, fleet.Zones[1].Error.Status)
	assert.Contains(t, doc, "zones")
}

// errorMessage is the message of the error document on stdout (-o json):
// {"error": {"message": ...}}, one document.
func errorMessage(t *testing.T, stdout string) string {
	t.Helper()
	var e struct {
		Message string `json:"message"`
	}
	require.NoError(t, json.Unmarshal(oneDocument(t, stdout)["error"], &e), stdout)
	return e.Message
}

// oneDocument decodes stdout, requiring exactly one JSON object.
func oneDocument(t *testing.T, stdout string) map[string]json.RawMessage {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var doc map[string]json.RawMessage
	require.NoError(t, dec.Decode(&doc), "stdout: %q", stdout)
	_, err := dec.Token()
	require.ErrorIs(t, err, io.EOF, "one document only: %q", stdout)
	require.False(t, bytes.Contains([]byte(stdout), []byte("\r")))
	return doc
}
