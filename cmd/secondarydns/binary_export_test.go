package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinaryExportAll builds the real command and adopts an account as a
// person would: objects and a zone made with the command against the fake,
// then export --all to a file (the secret nowhere in it), and export of
// the zone by name.
func TestBinaryExportAll(t *testing.T) {
	bin := builtBinary(t)
	fake := startBinaryFake(t, bin, fakeLines)
	env := append(fake.env, envAccountID+"="+secondarydnstest.DefaultAccountID)
	cmd := func(stdin string, args ...string) (int, string, string) {
		return runBinary(t, bin, env, stdin, append(args, "--rate", "0")...)
	}
	id := func(stdout string) string {
		var v struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(stdout), &v), stdout)
		return v.ID
	}

	code, stdout, stderr := cmd(tsigSecret+"\n", "tsigs", "create", "--name", "k.", "--algo", "hmac-sha256.", "--secret-file", "-", "-o", "json")
	require.Equal(t, exitOK, code, stderr)
	key := id(stdout)
	code, stdout, stderr = cmd("", "peers", "create", "--name", "ns1", "--ip", "192.0.2.53", "--tsig", key, "-o", "json")
	require.Equal(t, exitOK, code, stderr)
	peer := id(stdout)
	code, _, stderr = cmd("", "create", zoneA, "--name", "example.com.", "--peer", peer)
	require.Equal(t, exitOK, code, stderr)

	code, stdout, stderr = cmd("", "export", "--all")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, `{
  "account": "`+secondarydnstest.DefaultAccountID+`",
  "acls": {},
  "defaults": {
    "peers": [
      "ns1"
    ],
    "status": "Disabled"
  },
  "peers": {
    "ns1": {
      "ip": "192.0.2.53",
      "tsig": "k."
    }
  },
  "tsigs": {
    "k.": {
      "algo": "hmac-sha256."
    }
  },
  "zones": {
    "example.com.": {}
  }
}
`, stdout)
	assert.NotContains(t, stdout+stderr, tsigSecret)

	code, stdout, stderr = cmd("", "export", "example.com")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "{\"zones\": {\n  \""+zoneA+"\": {\"name\": \"example.com.\", \"peers\": [\""+peer+"\"], \"status\": \"Disabled\"}\n}}\n", stdout)
	code, stdout, stderr = cmd("", "export", "nope.example")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "nope.example: the account "+secondarydnstest.DefaultAccountID+" has no such zone")
}
