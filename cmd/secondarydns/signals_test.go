package main

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSignalCounting: the first SIGINT, SIGTERM or SIGHUP stops the run
// (its context ends); a second is noted on stderr and changes nothing; a
// third exits 130 at once. SIGPIPE (a closed stdout or stderr pipe) never
// counts.
func TestSignalCounting(t *testing.T) {
	for _, first := range stopSignals {
		t.Run(first.String(), func(t *testing.T) {
			sigs := make(chan os.Signal)
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			var stderr bytes.Buffer
			exited := make(chan int, 1)
			done := make(chan struct{})
			go func() {
				defer close(done)
				watchSignals(sigs, stop, &lockedWriter{w: &stderr}, func(code int) { exited <- code })
			}()

			sigs <- syscall.SIGPIPE
			sigs <- syscall.SIGPIPE
			assert.NoError(t, ctx.Err(), "SIGPIPE does not stop the run")
			sigs <- first
			sigs <- syscall.SIGPIPE // the send returns once the first is handled
			assert.Error(t, ctx.Err(), "the first signal stops the run")
			assert.Empty(t, stderr.String())

			sigs <- syscall.SIGTERM
			sigs <- syscall.SIGPIPE
			assert.Equal(t, "secondarydns: second signal (terminated): still finishing the requests in flight and writing the report; a third signal exits at once\n", stderr.String())
			assert.Empty(t, exited, "a second signal does not exit")

			sigs <- syscall.SIGHUP
			<-done
			assert.Equal(t, exitInterrupted, <-exited)
			assert.Contains(t, stderr.String(), "secondarydns: third signal (hangup): exiting at once; what was done is not reported\n")
		})
	}
}
