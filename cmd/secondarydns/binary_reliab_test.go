//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBinarySignalsAndPipes runs the built command where the process itself
// matters: two signals 50 ms apart during a slow apply (exit 130, the second
// noted, -o json stdout still one complete document that matches the
// fake), three (exit 130 at once, no report), a closed stderr pipe under --verbose (the run completes, exit 0),
// a closed stdout pipe (the run completes, exit 1 with one line) and
// export > /dev/full (exit 1, "no space left on device").
func TestBinarySignalsAndPipes(t *testing.T) {
	bin := builtBinary(t)
	createFile := func(first int) string {
		return zonesFile(t, "zones.json", first, 8, func(id string) string {
			return `{"name": "z` + id[28:] + `.example.", "peers": [], "status": "Enabled"}`
		})
	}

	t.Run("two signals", func(t *testing.T) {
		srv := newFake(t)
		// Every request is held 1 s, and the signals are sent once a write
		// has arrived at the proxy (not at the fake, which sees it only
		// after the hold): both land while the writes are in flight, however
		// slow the machine. Waiting on the fake instead sent SIGINT as the
		// writes finished, and the run could end before SIGTERM came.
		w := newWatch(t, srv, time.Second)
		c, so, se := startBinary(t, bin, binaryEnv(w.env()), "apply", "-f", createFile(900), "--yes", "--rate", "0", "--concurrency", "4", "-o", "json")
		require.Eventually(t, func() bool { return w.writesArrived() >= 1 }, 30*time.Second, 5*time.Millisecond)
		require.NoError(t, c.Process.Signal(syscall.SIGINT))
		time.Sleep(50 * time.Millisecond) // the audit's gap between the two signals
		require.NoError(t, c.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, exitInterrupted, exitCode(t, c.Wait()), so.String()+se.String())
		assert.Contains(t, se.String(), "secondarydns: second signal (terminated): still finishing the requests in flight and writing the report")
		doc := oneDocument(t, so.String())
		var zones []jsonZone
		require.NoError(t, json.Unmarshal(doc["zones"], &zones))
		require.Len(t, zones, 8)
		done := 0
		for _, z := range zones {
			_, exists := srv.Config(z.ZoneID)
			assert.Equal(t, exists, len(z.Done) > 0, "zone %s: reported done %v", z.ZoneID, z.Done)
			done += len(z.Done)
		}
		assert.Equal(t, len(writes(srv)), done, "every write sent is reported done")
	})

	t.Run("three signals", func(t *testing.T) {
		srv := newFake(t)
		w := newWatch(t, srv, time.Second) // the third comes while requests are in flight
		c, so, se := startBinary(t, bin, binaryEnv(w.env()), "apply", "-f", createFile(910), "--yes", "--rate", "0", "--concurrency", "4", "-o", "json")
		require.Eventually(t, func() bool { return w.count() >= 1 }, 20*time.Second, 5*time.Millisecond)
		for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGHUP, syscall.SIGTERM} {
			require.NoError(t, c.Process.Signal(sig))
			time.Sleep(50 * time.Millisecond)
		}
		assert.Equal(t, exitInterrupted, exitCode(t, c.Wait()), so.String()+se.String())
		assert.Contains(t, se.String(), "secondarydns: second signal (hangup)")
		assert.Contains(t, se.String(), "secondarydns: third signal (terminated): exiting at once")
		assert.Empty(t, so.String(), "no report: it exited at once")
	})

	t.Run("closed stderr pipe", func(t *testing.T) {
		srv := newFake(t)
		pr, pw, err := os.Pipe()
		require.NoError(t, err)
		require.NoError(t, pr.Close()) // as head, gone: every write to stderr is EPIPE
		c := exec.Command(bin, "apply", "-f", createFile(920), "--yes", "--rate", "0", "--verbose")
		c.Env = binaryEnv(fakeEnv(srv))
		var so bytes.Buffer
		c.Stdout, c.Stderr = &so, pw
		require.NoError(t, c.Start())
		pw.Close()
		assert.Equal(t, exitOK, exitCode(t, c.Wait()), so.String())
		assert.Contains(t, so.String(), "8 changed, 0 failed, 0 in sync\n")
		assert.Len(t, writes(srv), 16, "every zone created and enabled")
	})

	t.Run("closed stdout pipe", func(t *testing.T) {
		srv := newFake(t)
		pr, pw, err := os.Pipe()
		require.NoError(t, err)
		require.NoError(t, pr.Close())
		c := exec.Command(bin, "apply", "-f", createFile(940), "--yes", "--rate", "0")
		c.Env = binaryEnv(fakeEnv(srv))
		var se bytes.Buffer
		c.Stdout, c.Stderr = pw, &se
		require.NoError(t, c.Start())
		pw.Close()
		assert.Equal(t, exitFailed, exitCode(t, c.Wait()), se.String())
		assert.Equal(t, "secondarydns apply: writing standard output: broken pipe\n", se.String())
		assert.Len(t, writes(srv), 16, "the run went on to the end")
	})

	t.Run("/dev/full", func(t *testing.T) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip("no /dev/full here")
		}
		defer full.Close()
		srv := newFake(t)
		seedFleet(srv)
		c := exec.Command(bin, "export", zoneA, zoneC, zoneB)
		c.Env = binaryEnv(fakeEnv(srv))
		var se bytes.Buffer
		c.Stdout, c.Stderr = full, &se
		assert.Equal(t, exitFailed, exitCode(t, c.Run()))
		assert.Equal(t, "secondarydns export: writing standard output: no space left on device\n", se.String())
	})
}
