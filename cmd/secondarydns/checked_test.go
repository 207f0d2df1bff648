package main

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// fullWriter takes room bytes, then fails every write as a full disk does.
type fullWriter struct {
	room int
	got  bytes.Buffer
}

func (f *fullWriter) Write(p []byte) (int, error) {
	if len(p) <= f.room {
		f.room -= len(p)
		return f.got.Write(p)
	}
	n := f.room
	f.got.Write(p[:n])
	f.room = 0
	return n, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}

// TestStdoutWriteFails: a command whose standard output cannot be written
// (a full disk, /dev/full) exits 1 with one line saying so, whether the
// first write fails or a later one (a tabwriter's final flush), and says
// nothing that claims success; a command already failing keeps its code.
func TestStdoutWriteFails(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	f := writeFile(t, "zones.json", fleetFile)
	for _, tc := range []struct {
		name string
		room int
		args []string
		code int
	}{
		{"export", 0, []string{"export", zoneA, zoneC}, exitFailed},
		{"export cut midway", 40, []string{"export", zoneA, zoneC}, exitFailed},
		{"export json", 0, []string{"export", zoneA, zoneC, "-o", "json"}, exitFailed},
		{"get flushes its table at the end", 20, []string{"get", zoneA}, exitFailed},
		{"plan", 0, []string{"plan", "-f", f}, exitFailed},
		{"plan --exit-code", 0, []string{"plan", "-f", f, "--exit-code"}, exitFailed},
		{"plan json", 100, []string{"plan", "-f", f, "-o", "json"}, exitFailed},
		{"version", 0, []string{"version"}, exitFailed},
		{"help", 0, []string{"--help"}, exitFailed},
		{"peers list", 0, []string{"peers", "list", "--account", secondarydnstest.DefaultAccountID}, exitFailed},
		{"usage error keeps exit 2", 0, []string{"get", "-o", "json"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := &fullWriter{room: tc.room}
			var stderr bytes.Buffer
			env := fakeEnv(srv)
			a := newApp(context.Background(), func(k string) string { return env[k] }, strings.NewReader(""), out, &stderr)
			code := a.main(append([]string{"--rate=0"}, tc.args...))
			assert.Equal(t, tc.code, code, stderr.String())
			name := strings.Fields(tc.args[0])[0]
			prog := "secondarydns " + name + ": "
			if name == "--help" {
				prog = "secondarydns: "
			}
			if name == "peers" {
				prog = "secondarydns peers list: "
			}
			assert.True(t, strings.HasSuffix(stderr.String(), prog+"writing standard output: no space left on device\n"), stderr.String())
			assert.Equal(t, 1, strings.Count(stderr.String(), "writing standard output"), stderr.String())
			assert.NotContains(t, stderr.String(), "exported")
			assert.Equal(t, tc.room, out.got.Len(), "what fitted was written")
		})
	}

	// A run whose output fits is not touched.
	out := &fullWriter{room: 1 << 20}
	var stderr bytes.Buffer
	env := fakeEnv(srv)
	a := newApp(context.Background(), func(k string) string { return env[k] }, strings.NewReader(""), out, &stderr)
	require.Equal(t, exitOK, a.main([]string{"--rate=0", "export", zoneA}), stderr.String())
	assert.Contains(t, stderr.String(), "exported 1 zone(s)")
}
