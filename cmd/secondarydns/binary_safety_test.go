//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestBinaryInputs runs the built command on what used to hang or eat
// memory: a FIFO nobody writes to (SIGINT ends it, exit 130; --timeout, exit
// 1), -f /dev/zero (the input limit, exit 2; the binary is built with a 1
// MiB limit so as not to read 512 MiB) and --out /dev/null (exit 2, the
// device left alone, nothing sent). The fake behind it counts requests.
func TestBinaryInputs(t *testing.T) {
	dir := t.TempDir()
	bin := builtBinary(t, "-X main.inputLimit=1048576")

	srv := newFake(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}})
	start := func(args ...string) (*exec.Cmd, *liveOutput, *liveOutput) {
		return startBinary(t, bin, binaryEnv(fakeEnv(srv)), args...)
	}
	exit := func(c *exec.Cmd) int { return exitCode(t, c.Wait()) }

	fifo := filepath.Join(dir, "zones.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	// SIGINT while the FIFO's open waits for a writer.
	c, o, e := start("apply", "-f", fifo, "--yes")
	time.Sleep(300 * time.Millisecond) // let it block in open(2)
	require.NoError(t, c.Process.Signal(syscall.SIGINT))
	began := time.Now()
	assert.Equal(t, exitInterrupted, exit(c), e.String())
	assert.Less(t, time.Since(began), 5*time.Second)
	assert.Equal(t, "secondarydns apply: interrupted while reading "+fifo+"; nothing was sent\n", e.String())
	assert.Empty(t, o.String())

	// --timeout while a writer holds the FIFO open and writes nothing more.
	w := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			_, _ = f.WriteString(`{"zones": {`)
		}
		w <- f
	}()
	c, o, e = start("-o", "json", "plan", "-f", fifo, "--timeout", "500ms")
	assert.Equal(t, exitFailed, exit(c), e.String())
	assert.Equal(t, "secondarydns plan: --timeout 500ms passed while reading "+fifo+"; nothing was sent\n", e.String())
	assert.JSONEq(t, `{"error": {"message": "--timeout 500ms passed while reading `+fifo+`; nothing was sent"}}`, o.String())
	if f := <-w; f != nil {
		f.Close()
	}

	// /dev/zero: cut at the limit.
	c, o, e = start("plan", "-f", "/dev/zero")
	assert.Equal(t, exitUsage, exit(c))
	assert.Equal(t, "secondarydns plan: /dev/zero: larger than 1 MiB, the most an input may hold; nothing was sent\n", e.String())
	assert.Empty(t, o.String())

	// --out /dev/null: refused before anything is read or sent.
	f := writeFile(t, "zones.json", `{"zones": {"`+zoneA+`": {"name": "b.example.", "peers": []}}}`)
	c, o, e = start("plan", "-f", f, "--out", os.DevNull)
	assert.Equal(t, exitUsage, exit(c))
	assert.Equal(t, "secondarydns plan: --out /dev/null: it is a device; --out replaces the file at the path, so give a regular file or a new path; nothing was sent\n", e.String())
	assert.Empty(t, o.String())
	fi, err := os.Stat(os.DevNull)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeCharDevice)

	assert.Empty(t, srv.Requests(), "nothing sent by any of them")

	// And a plan saved for real prints its hash, which apply checks.
	planPath := filepath.Join(dir, "plan.json")
	c, o, e = start("plan", "-f", f, "--out", planPath, "--rate", "0")
	require.Equal(t, exitOK, exit(c), e.String())
	assert.Contains(t, o.String(), "1 to change (1 update), 0 in sync\n")
	m := strings.SplitN(strings.TrimPrefix(e.String(), "plan saved to "+planPath+" (SHA-256 "), ")", 2)
	require.Len(t, m, 2, e.String())
	c, _, e = start("apply", "--plan", planPath, "--yes", "--checksum", strings.Repeat("0", 64))
	assert.Equal(t, exitUsage, exit(c))
	assert.Contains(t, e.String(), "not the plan that was reviewed; nothing was sent")
	c, o, e = start("apply", "--plan", planPath, "--yes", "--allow-destroy", "--checksum", m[0], "--rate", "0")
	assert.Equal(t, exitOK, exit(c), e.String())
	assert.Contains(t, o.String(), "1 changed, 0 failed, 0 in sync\n")
}
