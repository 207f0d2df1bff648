package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "secondarydns")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	fake := exec.Command(bin, "fake")
	fakeOut, err := fake.StdoutPipe()
	require.NoError(t, err)
	fake.Stderr = io.Discard
	require.NoError(t, fake.Start())
	defer func() { _ = fake.Process.Kill(); _ = fake.Wait() }()
	lines := bufio.NewScanner(fakeOut)
	env := append(os.Environ(), envAccountID+"="+secondarydnstest.DefaultAccountID)
	for i := 0; i < 2; i++ {
		require.True(t, lines.Scan(), "line %d of fake's output", i+1)
		env = append(env, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, fakeOut) }()

	cmd := func(stdin string, args ...string) (int, string, string) {
		c := exec.Command(bin, append(args, "--rate", "0")...)
		c.Env = env
		c.Stdin = strings.NewReader(stdin)
		var o, e bytes.Buffer
		c.Stdout, c.Stderr = &o, &e
		err := c.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), o.String(), e.String()
		}
		require.NoError(t, err)
		return 0, o.String(), e.String()
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
