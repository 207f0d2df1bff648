package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinaryVerifyFormat2 builds the real command and verifies a format-2
// file (zones by name, peers from "defaults", one absent) against fake
// --secondaries 2, as a new user does: every zone is checked (exit 0), a
// name the account does not have is exit 2, and zones behind are exit 3.
func TestBinaryVerifyFormat2(t *testing.T) {
	bin := builtBinary(t)

	var seed strings.Builder
	seed.WriteString(`{"zones": {`)
	for i := range 5 {
		if i > 0 {
			seed.WriteString(", ")
		}
		fmt.Fprintf(&seed, `"%s": {"name": "z%d.example.", "peers": [], "status": "Enabled"}`, secondarydnstest.ZoneID(300+i), i)
	}
	seed.WriteString("}}")
	fake := startBinaryFake(t, bin, []string{"CLOUDFLARE_BASE_URL=", "CLOUDFLARE_API_TOKEN=", "CLOUDFLARE_ACCOUNT_ID=" + secondarydnstest.DefaultAccountID},
		"-f", writeFile(t, "seed.json", seed.String()), "--secondaries", "2")
	cmd := func(args ...string) (int, string, string) {
		t.Helper()
		return runBinary(t, bin, fake.env, "", append(args, "--rate", "0")...)
	}

	file := writeFile(t, "simple.json", `{
  "defaults": {"peers": ["secondary-1", "secondary-2"], "status": "Enabled"},
  "zones": {"z0.example.": {}, "z1.example.": {}, "z2.example.": {}, "z3.example.": {"absent": true}}
}`)
	code, stdout, stderr := cmd("verify", "-f", file)
	assert.Equal(t, exitOK, code, stdout+stderr)
	assert.Equal(t, "3 zones: 3 in sync on every secondary, 0 behind, 0 failed\n", stdout)

	code, stdout, stderr = cmd("verify", "-f", writeFile(t, "nosuch.json", `{"zones":{"nosuch.example.":{"peers":[]}}}`))
	assert.Equal(t, exitUsage, code, stdout+stderr)
	assert.Contains(t, stderr, `has no zone named "nosuch.example."`)
	assert.Empty(t, stdout)

	// A --ns serving an old serial of each zone: every zone is behind.
	old := secondarydnstest.NewSecondary()
	defer old.Close()
	for i := range 3 {
		old.Serve(fmt.Sprintf("z%d.example.", i), 1)
	}
	code, stdout, _ = cmd("verify", "-f", file, "--ns", old.Addr.String())
	assert.Equal(t, exitChanges, code, stdout)
	assert.Contains(t, stdout, "3 zones: 0 in sync on every secondary, 3 behind, 0 failed\n")

	fake.stop(t, syscall.SIGINT)
}
