package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dnsxfer/secondarydns"
)

// unfinished reports a zone that --timeout cut: it passed, or the pacing
// refused a request whose turn would come after it (see pacer). Only
// --timeout puts a deadline on the request context, so a deadline error
// is always its doing.
func unfinished(o outcome) bool {
	return o.err != nil && errors.Is(o.err, context.DeadlineExceeded)
}

// unfinishedIDs are the zones --timeout cut, in the order given.
func unfinishedIDs(outs []outcome) []string {
	var ids []string
	for _, o := range outs {
		if unfinished(o) {
			ids = append(ids, o.id)
		}
	}
	return ids
}

// timedOut says, in one line on stderr, that --timeout cut the run, and
// how many zones it left unfinished: the zones are counted in the summary
// (and listed under -o json), not each given a line. The pacing gives up
// as soon as it sees that the next request's turn would come after the
// deadline, so the command may stop before --timeout has passed: the line
// says which. Said whatever --quiet says: it is why the exit code is 1.
// Nothing is said for an interrupted run, which says so itself.
func (a *app) timedOut(outs []outcome) {
	left := len(unfinishedIDs(outs))
	if left == 0 || a.interrupted() {
		return
	}
	fmt.Fprintf(a.stderr, "secondarydns %s: %s; %d of %d zone(s) unfinished\n", a.cmd.name, a.timeoutHow(), left, len(outs))
}

// timeoutHow says how --timeout cut the run: it passed, or the pacing
// stopped the run before it, having seen that the next request's turn
// would come after it. Every command's timeout line starts with it.
func (a *app) timeoutHow() string {
	// The pacing's own record first: the run may take longer to end than
	// what was left before the deadline, so the clock at report time can
	// say "passed" of a run the pacing stopped. Else the deadline itself,
	// not a.limit.Err(): the request context, which has the same deadline,
	// may end a moment before a.limit does.
	if deadline, ok := a.limit.Deadline(); a.pacedOut.Load() || ok && time.Now().Before(deadline) {
		if a.rate > 0 {
			return fmt.Sprintf("stopped early: --timeout %s would pass before the remaining requests' turns under --rate %g", a.timeout, a.rate)
		}
		return fmt.Sprintf("stopped early: --timeout %s would pass before the remaining requests could be sent", a.timeout)
	}
	return fmt.Sprintf("--timeout %s passed", a.timeout)
}

// cutByTimeout says that err is --timeout's doing: the command has one and
// err is (or wraps) its deadline. An interrupted run says so itself.
func (a *app) cutByTimeout(err error) bool {
	return a.timeout > 0 && errors.Is(err, context.DeadlineExceeded) && !a.interrupted()
}

// timeoutWhile is the one --timeout line of a command that --timeout cut
// outside the zones' reads and writes (which timedOut counts): "--timeout
// 8s passed while listing the account's zones; nothing was written".
// Without it the line would read "context deadline exceeded", which does
// not say that --timeout is why, nor which.
func (a *app) timeoutWhile(what, outcome string) string {
	return fmt.Sprintf("%s while %s; %s", a.timeoutHow(), what, outcome)
}

// unreadWhy is why apply changed nothing when not every zone could be
// planned: "not every zone could be read", and when --timeout cut the
// reads, that it did (the --timeout line counts the zones it left).
func (a *app) unreadWhy(outs []outcome) string {
	left, failed := 0, 0
	for _, o := range outs {
		switch {
		case unfinished(o):
			left++
		case o.err != nil && !errors.Is(o.err, secondarydns.ErrStale):
			failed++
		}
	}
	switch {
	case left == 0 || a.interrupted():
		return "not every zone could be read"
	case failed == 0:
		return fmt.Sprintf("not every zone could be read before --timeout %s", a.timeout)
	}
	return fmt.Sprintf("not every zone could be read (%d failed; %d unfinished: --timeout %s)", failed, left, a.timeout)
}

// stepsTimedOut is the --timeout line of a format-2 apply that --timeout
// cut in the account's steps and in no zone (which timedOut would count):
// the step's own line says only "context deadline exceeded".
func (a *app) stepsTimedOut(run *stepRun, outs []outcome) {
	if len(unfinishedIDs(outs)) > 0 {
		return
	}
	for _, err := range run.errs {
		if a.cutByTimeout(err) {
			fmt.Fprintf(a.stderr, "secondarydns %s: %s while running the account's steps\n", a.cmd.name, a.timeoutHow())
			return
		}
	}
}
