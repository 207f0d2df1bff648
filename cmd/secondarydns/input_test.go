//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInputLimit: a file, standard input or a device larger than the limit
// is exit 2 with one line naming the limit, nothing sent; one at the limit
// is read. The default limit is 512 MiB.
func TestInputLimit(t *testing.T) {
	if inputLimit == "" {
		assert.Equal(t, int64(512<<20), scratchApp().maxInput)
	}
	srv := newFake(t)
	f := zonesFile(t, "big.json", 100, 40, func(string) string { return `{"absent": true}` })
	fi, err := os.Stat(f)
	require.NoError(t, err)
	size := fi.Size()
	require.Greater(t, size, int64(1024))

	for _, tc := range []struct {
		name string
		inv  invocation
		want string
	}{
		{"file", invocation{args: []string{"plan", "-f", f}}, "secondarydns plan: " + f + ": larger than 1 KiB, the most an input may hold; nothing was sent\n"},
		{"stdin", invocation{args: []string{"plan", "-f", "-"}, stdin: strings.Repeat(" ", 1025)}, "secondarydns plan: <stdin>: larger than 1 KiB, the most an input may hold; nothing was sent\n"},
		{"device", invocation{args: []string{"plan", "-f", "/dev/zero"}}, "secondarydns plan: /dev/zero: larger than 1 KiB, the most an input may hold; nothing was sent\n"},
		{"saved plan", invocation{args: []string{"apply", "--plan", f, "--yes"}}, "secondarydns apply: " + f + ": larger than 1 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.inv.env, tc.inv.maxInput = fakeEnv(srv), 1024
			r := invoke(t, tc.inv)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.True(t, strings.HasPrefix(r.stderr, tc.want), r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
		})
	}
	assert.Empty(t, srv.Requests(), "nothing sent")

	// At the limit exactly, the file is read.
	r := invoke(t, invocation{args: []string{"plan", "-f", f}, env: fakeEnv(srv), maxInput: size})
	assert.Equal(t, exitOK, r.code, r.stderr)
	r = invoke(t, invocation{args: []string{"plan", "-f", f}, env: fakeEnv(srv), maxInput: size - 1})
	assert.Equal(t, exitUsage, r.code, r.stderr)
}

// TestReadFIFOStops: a FIFO that nobody writes to (or that a writer holds
// open without writing) no longer hangs the command: --timeout ends it with
// exit 1, SIGINT with exit 130, each in one line, nothing sent.
func TestReadFIFOStops(t *testing.T) {
	srv := newFake(t)
	fifo := filepath.Join(t.TempDir(), "zones.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	start := time.Now()
	r := invoke(t, invocation{args: []string{"plan", "-f", fifo, "--timeout", "300ms"}, env: fakeEnv(srv)})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Equal(t, "secondarydns plan: --timeout 300ms passed while reading "+fifo+"; nothing was sent\n", r.stderr)
	assert.Less(t, time.Since(start), 3*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	r = invoke(t, invocation{args: []string{"apply", "-f", fifo, "--yes"}, env: fakeEnv(srv), ctx: ctx})
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Equal(t, "secondarydns apply: interrupted while reading "+fifo+"; nothing was sent\n", r.stderr)

	// A writer that opens the FIFO and writes part of a file, then
	// nothing: the read itself is blocked, and stops too.
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		_, _ = w.WriteString(`{"zones": {`)
		time.Sleep(3 * time.Second)
		w.Close()
	}()
	start = time.Now()
	r = invoke(t, invocation{args: []string{"-o", "json", "plan", "-f", fifo, "--timeout", "300ms"}, env: fakeEnv(srv)})
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.JSONEq(t, `{"error": {"message": "--timeout 300ms passed while reading `+fifo+`; nothing was sent"}}`, r.stdout)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Empty(t, srv.Requests(), "nothing sent")
}

// TestReadAllChunks: an input of unknown size read in many chunks comes
// back byte for byte, whatever sizes the reads return; one byte past the
// limit is too large, exactly the limit is not.
func TestReadAllChunks(t *testing.T) {
	data := make([]byte, 5<<20+12345)
	for i := range data {
		data[i] = byte(i*7 + i>>11)
	}
	r := &inputRead{max: int64(len(data))}
	got, err := r.readAll(iotest.HalfReader(bytes.NewReader(data)), -1)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "the same bytes")

	got, err = r.readAll(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "the same bytes, size known")

	r.max--
	_, err = r.readAll(bytes.NewReader(data), -1)
	assert.ErrorIs(t, err, errTooLarge)
}
