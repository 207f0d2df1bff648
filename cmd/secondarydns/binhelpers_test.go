package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain removes the binaries builtBinary made once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	built.mu.Lock()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	built.mu.Unlock()
	os.Exit(code)
}

// built holds the command as built for the tests that run it as a process:
// one build per set of -ldflags for the whole test run, instead of one per
// test (each build links the whole command, seconds on a busy machine).
var built struct {
	mu   sync.Mutex
	dir  string            // a temporary folder, removed by TestMain
	bins map[string]string // -ldflags -> path of the binary
}

// builtBinary returns the path of the command built with ldflags (none for
// a plain build), building it the first time it is asked for; under
// -short it skips the test instead. Tests only run the binary; none may
// change or remove it.
func builtBinary(t *testing.T, ldflags ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	key := strings.Join(ldflags, " ")
	built.mu.Lock()
	defer built.mu.Unlock()
	if bin, ok := built.bins[key]; ok {
		return bin
	}
	if built.dir == "" {
		dir, err := os.MkdirTemp("", "secondarydns-test-bin-")
		require.NoError(t, err)
		built.dir, built.bins = dir, map[string]string{}
	}
	bin := filepath.Join(built.dir, "secondarydns"+strconv.Itoa(len(built.bins)))
	args := []string{"build"}
	if key != "" {
		args = append(args, "-ldflags", key)
	}
	out, err := exec.Command("go", append(args, "-o", bin, ".")...).CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	built.bins[key] = bin
	return bin
}

// exitCode is the exit code of a finished process, from the error Run or
// Wait returned; any other error fails the test.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// runBinary runs bin with args in env, stdin as its standard input (none
// if empty), and returns its exit code, stdout and stderr.
func runBinary(t *testing.T, bin string, env []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	c := exec.Command(bin, args...)
	c.Env = env
	if stdin != "" {
		c.Stdin = strings.NewReader(stdin)
	}
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	return exitCode(t, c.Run()), o.String(), e.String()
}

// startBinary starts bin with args in env, its output collected where the
// test can read it while it runs. The process is killed if the test ends
// first.
func startBinary(t *testing.T, bin string, env []string, args ...string) (c *exec.Cmd, stdout, stderr *liveOutput) {
	t.Helper()
	c = exec.Command(bin, args...)
	c.Env = env
	stdout, stderr = newLiveOutput(), newLiveOutput()
	c.Stdout, c.Stderr = stdout, stderr
	require.NoError(t, c.Start())
	t.Cleanup(func() { _ = c.Process.Kill() })
	return c, stdout, stderr
}

// binaryEnv is os.Environ() with env (as fakeEnv or watch.env give it)
// added: the environment that points the built command at a fake.
func binaryEnv(env map[string]string) []string {
	out := os.Environ()
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// binaryFake is `secondarydns fake` run by the built command as a process,
// as a user's script starts it.
type binaryFake struct {
	cmd    *exec.Cmd
	stderr *liveOutput
	// env is os.Environ() and the KEY=VALUE lines fake printed: the
	// environment that points the command at it.
	env []string
}

// startBinaryFake starts `bin fake args...` and reads the lines it prints
// first, one for each of prefixes, each of which must start with its
// prefix. The rest of its stdout is discarded; the process is killed when
// the test ends.
func startBinaryFake(t *testing.T, bin string, prefixes []string, args ...string) *binaryFake {
	t.Helper()
	c := exec.Command(bin, append([]string{"fake"}, args...)...)
	out, err := c.StdoutPipe()
	require.NoError(t, err)
	f := &binaryFake{cmd: c, stderr: newLiveOutput(), env: os.Environ()}
	c.Stderr = f.stderr
	require.NoError(t, c.Start())
	t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
	lines := bufio.NewScanner(out)
	for i, prefix := range prefixes {
		require.True(t, lines.Scan(), "line %d of fake's output", i+1)
		require.True(t, strings.HasPrefix(lines.Text(), prefix), lines.Text())
		f.env = append(f.env, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return f
}

// fakeLines are the prefixes of the two lines fake always prints first.
var fakeLines = []string{"CLOUDFLARE_BASE_URL=", "CLOUDFLARE_API_TOKEN="}

// baseURL is the CLOUDFLARE_BASE_URL fake printed.
func (f *binaryFake) baseURL() string {
	for _, kv := range f.env {
		if v, ok := strings.CutPrefix(kv, "CLOUDFLARE_BASE_URL="); ok {
			return v
		}
	}
	return ""
}

// stop sends sig to fake, requires it to exit 0, and returns its stderr.
func (f *binaryFake) stop(t *testing.T, sig os.Signal) string {
	t.Helper()
	require.NoError(t, f.cmd.Process.Signal(sig))
	require.NoError(t, f.cmd.Wait(), f.stderr.String())
	return f.stderr.String()
}
