package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// resultStream writes apply's result lines as zones finish, so that a CI
// log keeps what an apply changed even if the job is killed before the
// end. Lines come in zone-ID order, the order the SDK runs the zones in,
// whatever order the plan was shown in (by name for a format-2 file that
// keys zones by name): a zone's line waits for the zones before it, at most
// the few in flight, so the log reads the same on every run. In the plan's
// order by name a line could wait for zones not run yet, and a job killed
// midway would lose the lines of zones already changed. They go on stdout
// in text mode, on stderr under -o json (whose stdout holds the one JSON
// document), nowhere under -o json --quiet (as the final report). written
// notes the zones written, which the final report leaves out.
type resultStream struct {
	a       *app
	outs    []outcome // the report, each zone's outcome final once ready
	index   map[string]int
	ready   []bool
	next    int // outs[:next] are written
	written map[string]bool
}

// newResultStream starts the stream of outs, of which todo run: the others
// (in sync, stale on re-reading a saved plan) are final already.
func (a *app) newResultStream(outs []outcome, todo []*secondarydns.Plan) *resultStream {
	s := &resultStream{a: a, outs: append([]outcome(nil), outs...), index: make(map[string]int, len(outs)),
		ready: make([]bool, len(outs)), written: make(map[string]bool, len(outs))}
	// The SDK's order (ApplyAll and ExecuteAll start zones by zone ID).
	slices.SortStableFunc(s.outs, func(x, y outcome) int { return strings.Compare(x.id, y.id) })
	running := make(map[string]bool, len(todo))
	for _, p := range todo {
		running[p.ZoneID] = true
	}
	for i, o := range s.outs {
		s.index[o.id] = i
		s.ready[i] = !running[o.id]
	}
	s.flush()
	return s
}

// done records a zone's result and writes every line now due. It is the
// Progress callback, never called concurrently.
func (s *resultStream) done(r secondarydns.ZoneResult) {
	i, ok := s.index[r.ZoneID]
	if !ok {
		return
	}
	if r.Plan != nil {
		s.outs[i].plan = r.Plan
	}
	s.outs[i].err = r.Err
	s.outs[i].unknown = s.a.outcomeOf(r).unknown
	s.ready[i] = true
	s.flush()
}

func (s *resultStream) flush() {
	a := s.a
	for ; s.next < len(s.outs) && s.ready[s.next]; s.next++ {
		o := s.outs[s.next]
		s.written[o.id] = true
		if a.json() && a.quiet {
			continue
		}
		line := named(a.names, appliedLine(o, a.interrupted()))
		if line == "" {
			continue
		}
		if lw, ok := a.stderr.(*lockedWriter); ok && !a.json() {
			// The progress line may be on the same terminal: cleared first.
			lw.writeBeside(a.stdout, line+"\n")
			continue
		}
		fmt.Fprintln(a.say(), line)
	}
}
