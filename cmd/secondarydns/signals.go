package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
)

// stopSignals end a run: the first stops new requests, lets those in flight
// finish and has the report written (exit 130); SIGHUP, sent when the
// terminal goes away, is one more way to say so.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// watchSignals handles the process's signals until sigs is closed. The
// first stop signal calls stop (the run winds down on its own, see
// tracker); the second is noted on stderr and changes nothing, so an
// impatient Ctrl-C, or a CI runner's SIGTERM after a SIGINT, never loses
// the report of writes already made; the third calls exit(130) at once,
// for a run that must end now whatever the cost.
//
// SIGPIPE is received only so that the runtime does not kill the process
// with it: a write to a closed stdout or stderr pipe ("--verbose 2>&1 |
// head") then fails with EPIPE, which ends the logging (lockedWriter) or
// fails the command (checkedWriter), never the requests in flight.
func watchSignals(sigs <-chan os.Signal, stop context.CancelFunc, stderr io.Writer, exit func(int)) {
	n := 0
	for s := range sigs {
		if s == syscall.SIGPIPE {
			continue
		}
		n++
		switch n {
		case 1:
			stop()
		case 2:
			fmt.Fprintf(stderr, "secondarydns: second signal (%s): still finishing the requests in flight and writing the report; a third signal exits at once\n", s)
		default:
			fmt.Fprintf(stderr, "secondarydns: third signal (%s): exiting at once; what was done is not reported\n", s)
			exit(exitInterrupted)
			return
		}
	}
}
