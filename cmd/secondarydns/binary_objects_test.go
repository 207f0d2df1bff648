package main

import (
	"encoding/base64"
	"encoding/json"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinaryObjects builds the real command and drives the object commands
// as a script would: fake in the background, then peers create and list,
// and tsigs create --generate, whose secret is printed once and is the one
// the fake keeps.
func TestBinaryObjects(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	bin := builtBinary(t)
	fake := startBinaryFake(t, bin, fakeLines)
	env := append(fake.env, envAccountID+"="+secondarydnstest.DefaultAccountID)
	cmd := func(stdin string, args ...string) (int, string, string) {
		return runBinary(t, bin, env, stdin, append(args, "--rate", "0")...)
	}

	code, stdout, stderr := cmd("", "peers", "create", "--name", "ns1", "--ip", "192.0.2.53", "--port", "53", "-o", "json")
	require.Equal(t, exitOK, code, stderr)
	var peer struct{ ID, Name, IP string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &peer), stdout)
	assert.Equal(t, "ns1", peer.Name)

	code, stdout, stderr = cmd("", "peers", "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, peer.ID+"  ns1   192.0.2.53  53    no    -\n")

	code, stdout, stderr = cmd("", "tsigs", "create", "--name", "ns1-key.example.com.", "--algo", "hmac-sha256.", "--generate")
	require.Equal(t, exitOK, code, stderr)
	out1 := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	secret := out1[len(out1)-1]
	raw, err := base64.StdEncoding.DecodeString(secret)
	require.NoError(t, err, stdout)
	assert.Len(t, raw, 32)
	assert.Equal(t, 1, strings.Count(stdout, secret))
	assert.NotContains(t, stderr, secret)

	code, stdout, stderr = cmd("", "tsigs", "list")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "ns1-key.example.com.  hmac-sha256.  [redacted]\n")
	assert.NotContains(t, stdout, secret)
	code, stdout, _ = cmd("", "tsigs", "list", "--show-secrets", "-o", "json")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, `"secret": "`+secret+`"`)

	// A key read from standard input signs the peer's transfers.
	code, stdout, stderr = cmd("c2Vjb25k\n", "tsigs", "create", "--name", "k2.example.", "--algo", "hmac-sha512.", "--secret-file", "-", "-o", "json")
	require.Equal(t, exitOK, code, stderr)
	var key struct{ ID, Secret string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &key), stdout)
	assert.Equal(t, "[redacted]", key.Secret)
	code, stdout, stderr = cmd("", "peers", "update", peer.ID, "--name", "ns1", "--ip", "192.0.2.53", "--tsig", key.ID)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "tsig  - → "+key.ID+"\n", "the change, old → new")
	assert.Contains(t, stdout, "port  53\n", "kept: --port not given")

	// Deleting needs --yes without a terminal.
	code, _, stderr = cmd("yes\n", "peers", "delete", peer.ID)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "pass --yes")
	code, stdout, stderr = cmd("", "peers", "delete", peer.ID, "--yes")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "peer "+peer.ID+" deleted\n", stdout)

	fake.stop(t, syscall.SIGINT)
}
