package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("sends SIGINT")
	}
	bin := filepath.Join(t.TempDir(), "secondarydns")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	fake := exec.Command(bin, "fake")
	fakeOut, err := fake.StdoutPipe()
	require.NoError(t, err)
	var fakeErr bytes.Buffer
	fake.Stderr = &fakeErr
	require.NoError(t, fake.Start())
	defer func() { _ = fake.Process.Kill() }()
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
	assert.Contains(t, stdout, "tsig  "+key.ID+"\n")

	// Deleting needs --yes without a terminal.
	code, _, stderr = cmd("yes\n", "peers", "delete", peer.ID)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "pass --yes")
	code, stdout, stderr = cmd("", "peers", "delete", peer.ID, "--yes")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "peer "+peer.ID+" deleted\n", stdout)

	require.NoError(t, fake.Process.Signal(syscall.SIGINT))
	require.NoError(t, fake.Wait(), fakeErr.String())
}
