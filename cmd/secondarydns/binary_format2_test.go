package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinaryFormat2 builds the real command and runs plan and apply with a
// format-2 file against fake: the TSIG and peer it declares are created
// first, the zones (one by name, one by ID) use the new peer, the secret
// comes from the environment and shows nowhere, and a second plan is in
// sync.
func TestBinaryFormat2(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix paths")
	}
	bin := builtBinary(t)

	seed := writeFile(t, "seed.json", `{"zones": {"`+zoneA+`": {"name": "example.com.", "peers": [], "status": "Disabled"}}}`)
	fake := startBinaryFake(t, bin, fakeLines, "-f", seed)
	env := append(fake.env, "NS1_TSIG_SECRET="+tsigSecret2)
	cmd := func(args ...string) (int, string, string) {
		return runBinary(t, bin, env, "", append(args, "--rate", "0")...)
	}

	file := writeFile(t, "zones.json", `{
  "account": "`+secondarydnstest.DefaultAccountID+`",
  "tsigs": {"ns1-key": {"algo": "hmac-sha256.", "secret_env": "NS1_TSIG_SECRET"}},
  "peers": {"ns1": {"ip": "192.0.2.53", "port": 53, "tsig": "ns1-key"}},
  "defaults": {"peers": ["ns1"], "status": "Enabled"},
  "zones": {
    "example.com.": {},
    "`+zoneB+`": {"name": "new.example."}
  }
}`)
	code, stdout, stderr := cmd("plan", "-f", file, "--exit-code")
	assert.Equal(t, exitChanges, code, stdout+stderr)
	assert.Contains(t, stdout, "peer ns1\n  create   ip 192.0.2.53, port 53, tsig ns1-key\n")
	assert.Contains(t, stdout, zoneA+" example.com.\n  update   peers +ns1 (new)\n")
	code, stdout, stderr = cmd("apply", "-f", file, "--yes")
	require.Equal(t, exitOK, code, stdout+stderr)
	assert.Contains(t, stdout, "account: 2 done, 0 failed\n")
	assert.Contains(t, stdout, "2 changed, 0 failed, 0 in sync\n")
	assert.NotContains(t, stdout+stderr, tsigSecret2)
	code, stdout, stderr = cmd("plan", "-f", file, "--exit-code")
	assert.Equal(t, exitOK, code, stdout+stderr)
	assert.True(t, strings.HasPrefix(stdout, "account: in sync; zones: 0 to change, 2 in sync"), stdout)
	code, stdout, _ = cmd("get", zoneB, "-o", "json")
	assert.Equal(t, exitOK, code)
	assert.NotContains(t, stdout, "new-peer-", "the zone runs with the new peer's real ID")
}
