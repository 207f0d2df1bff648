package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestMessagesCutEchoes: a huge key, value or argument is echoed cut to 64
// bytes with "…", in one short line, quickly (no quadratic "did you mean").
func TestMessagesCutEchoes(t *testing.T) {
	srv := newFake(t)
	huge := strings.Repeat("k", 1<<20) // 1 MB: enough to show the cut, quick under -race
	cut := `"` + strings.Repeat("k", 64) + `…"`
	for _, tc := range []struct {
		name string
		inv  invocation
		want string
	}{
		{"zone key", invocation{args: []string{"plan", "-f", "-"}, stdin: `{"zones": {"` + huge + `": {"absent": true}}}`}, `secondarydns plan: <stdin>:1: zones[` + cut + `]: zone ID "`},
		{"field", invocation{args: []string{"plan", "-f", "-"}, stdin: `{"zones": {"` + zoneA + `": {"` + huge + `": 1}}}`}, `secondarydns plan: <stdin>:1: zones["` + zoneA + `"].` + strings.Repeat("k", 64) + `…: unknown field (want "name", "peers", "status" or "absent")` + "\n"},
		{"top field", invocation{args: []string{"plan", "-f", "-"}, stdin: `{"` + huge + `": 1}`}, `secondarydns plan: <stdin>:1: unknown field ` + cut + `; the file's only field is "zones"` + "\n"},
		{"status", invocation{args: []string{"plan", "-f", "-"}, stdin: `{"zones": {"` + zoneA + `": {"name": "a.", "peers": [], "status": "` + huge + `"}}}`}, `secondarydns plan: <stdin>:1: zones["` + zoneA + `"].status: ` + cut + ` is not a status`},
		{"saved plan key", invocation{args: []string{"apply", "--plan", "-", "--yes"}, stdin: `{"format": "secondarydns-plan", "` + huge + `": 1}`}, `secondarydns apply: <stdin>:1: ` + strings.Repeat("k", 64) + `…: unknown field (want "format", "version", "account" or "zones")` + "\n"},
		{"command", invocation{args: []string{huge}}, `secondarydns: unknown command ` + cut + ` (see 'secondarydns --help')` + "\n"},
		{"flag", invocation{args: []string{"get", zoneA, "--" + huge}}, `secondarydns get: unknown flag --` + strings.Repeat("k", 62) + `… (see`},
		{"flag value", invocation{args: []string{"get", zoneA, "--rate", huge}}, `secondarydns get: --rate ` + cut + `: want a number`},
		{"argument", invocation{args: []string{"get", zoneA, huge}}, `secondarydns get: unexpected argument ` + cut},
		{"checksum", invocation{args: []string{"apply", "--plan", "p.json", "--checksum", huge}}, `secondarydns apply: --checksum ` + cut + `: want the 64 hexadecimal digits`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.inv.env = fakeEnv(srv)
			start := time.Now()
			r := invoke(t, tc.inv)
			assert.Equal(t, exitUsage, r.code)
			assert.True(t, strings.HasPrefix(r.stderr, tc.want), r.stderr[:min(len(r.stderr), 300)])
			assert.Less(t, len(r.stderr), 400, "one short line")
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"))
			assert.Less(t, time.Since(start), 10*time.Second)
		})
	}
	assert.Empty(t, srv.Requests())
}

// TestMessagesInvalidInput: invalid UTF-8 is reported as such at its byte,
// line and column of the file (not as a control character of the decoded
// text); the valid JSON number 1e999 is out of range, not invalid JSON.
func TestMessagesInvalidInput(t *testing.T) {
	srv := newFake(t)
	for _, tc := range []struct {
		name, file, want string
	}{
		{"utf-8 in a name", "{\"zones\": {\n  \"" + zoneA + "\": {\"name\": \"caf\xe9.example.\", \"peers\": []}}}",
			"secondarydns plan: zones.json:2: invalid UTF-8 at byte 63 (line 2, column 52: byte 0xe9); JSON files are UTF-8: save the file as UTF-8\n"},
		{"utf-8 after a valid é", "{\"zones\": {\"é\xff\": {}}}",
			"secondarydns plan: zones.json:1: invalid UTF-8 at byte 14 (line 1, column 15: byte 0xff); JSON files are UTF-8: save the file as UTF-8\n"},
		{"1e999 as a name", `{"zones": {"` + zoneA + `": {"name": 1e999, "peers": []}}}`,
			"secondarydns plan: zones.json:1: zones[\"" + zoneA + "\"].name: want a string, found the number 1e999, which is out of range\n"},
		{"1e999 as a peer", `{"zones": {"` + zoneA + `": {"name": "a.", "peers": [-1e999]}}}`,
			"secondarydns plan: zones.json:1: zones[\"" + zoneA + "\"].peers[0]: want a string, found the number -1e999, which is out of range\n"},
		{"1 as a peer", `{"zones": {"` + zoneA + `": {"name": "a.", "peers": [1]}}}`,
			"secondarydns plan: zones.json:1: zones[\"" + zoneA + "\"].peers[0]: want a string, found a number\n"},
	} {
		f := writeFile(t, "zones.json", tc.file)
		r := cli(t, srv, "plan", "-f", f)
		assert.Equal(t, exitUsage, r.code, tc.name)
		assert.Equal(t, tc.want, strings.ReplaceAll(r.stderr, f, "zones.json"), tc.name)
	}
	assert.Empty(t, srv.Requests())
}
