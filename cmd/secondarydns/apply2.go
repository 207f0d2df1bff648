package main

// apply with a format-2 file (or a saved plan of one): the account's steps
// up to its first peer or TSIG delete, then the zones (which may now use
// the new peers, and drop those about to go), then the peer and TSIG
// deletes (AccountPlan.Split).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/dnsxfer/secondarydns"
)

// runApply2 is apply -f for a format-2 file.
func (a *app) runApply2(f *file2) int {
	r, outs, c, ctx, cancel, code := a.start2(f)
	if cancel != nil {
		defer cancel()
	}
	if code >= 0 {
		return code
	}
	return a.apply2(ctx, c, r, outs)
}

// accountDestroys lists the account plan's deletes, for the
// --allow-destroy refusal: "peer old (delete)".
func accountDestroys(p *secondarydns.AccountPlan) []string {
	var out []string
	for _, st := range p.Steps {
		if st.Action == secondarydns.ActionDelete {
			out = append(out, fmt.Sprintf("%s %s (delete)", st.Kind, st.Name))
		}
	}
	return out
}

// apply2 shows the plan, applies the guards, asks, and runs it: the
// account's first half, the zones, the account's deletes (Split's cut).
// The steps r.skip holds (stale since a saved plan was made, or depending
// on one that is) are shown and reported, never run. Without -o json
// --quiet the result lines come as they happen: the first half's once it
// has run (before any zone is written), each zone's as it finishes
// (resultStream), then the deletes' and the summary. It returns the exit
// code.
func (a *app) apply2(ctx context.Context, c *secondarydns.Client, r *resolved, outs []outcome) int {
	run := newStepRun(r)
	a.names = r.resultNames(nil)
	// If a zone could not be planned (or re-read), nothing is changed.
	for _, o := range outs {
		if o.err != nil && !errors.Is(o.err, secondarydns.ErrStale) {
			if a.json() {
				why := "nothing was changed: " + a.unreadWhy(outs)
				if a.interrupted() {
					why = "nothing was changed: interrupted while planning"
				}
				run.notRun(0, why)
				writeJSON2(a.stdout, r, run, notApplied(outs, why), true, nil)
			} else {
				writePlan2(a.stdout, r, outs)
			}
			a.timedOut(outs)
			if a.interrupted() {
				a.note("interrupted while planning: nothing was changed\n")
				return exitInterrupted
			}
			fmt.Fprintf(a.stderr, "secondarydns apply: %s: nothing was changed\n", a.unreadWhy(outs))
			return exitFailed
		}
	}
	if !a.json() || !a.quiet {
		writePlan2(a.say(), r, outs)
	}
	var todo []*secondarydns.Plan
	destroy := accountDestroys(r.acct)
	for _, o := range outs {
		if o.err != nil || o.plan.InSync() {
			continue
		}
		todo = append(todo, o.plan)
		if why := planDestroys(o.plan); why != "" {
			destroy = append(destroy, destroyEntry(o.id, headerOf(o), r.labeller().Replace(why)))
		}
	}
	steps := run.runnable(0, len(run.steps))
	if len(todo) == 0 && len(steps) == 0 {
		return a.finish2(r, run, outs, nil, 0)
	}
	if len(destroy) > 0 && !a.allowDestroy {
		return a.inputError(destroyRefusal2(destroy, "nothing was changed", !a.yes && !a.stdinTTY))
	}
	if code := a.confirmQ(fmt.Sprintf("Apply these changes to the account (%d step(s)) and to %d zone(s)?", len(steps), len(todo))); code >= 0 {
		return code
	}
	lines := a.resultWriter()

	// The account's steps before the zones'.
	cut := splitAt(run.steps)
	acct, ok := run.execute(ctx, c, r.acct, run.runnable(0, cut))
	writeStepLines(lines, run, 0, cut)
	if !ok {
		run.notRun(cut, "an earlier account step failed")
		return a.finish2(r, run, notApplied(outs, "an account step failed"), nil, cut)
	}

	// The zones, with the new peers' IDs; their result lines name peers
	// as the plan did.
	a.names = r.resultNames(acct)
	var ready []*secondarydns.Plan
	for _, p := range todo {
		ids, err := r.withPeerIDs(p.Want.Peers, acct)
		if err != nil {
			i := slices.IndexFunc(outs, func(o outcome) bool { return o.id == p.ZoneID })
			outs[i].err = errors.New("not applied: " + err.Error())
			continue
		}
		p.Want.Peers = ids
		ready = append(ready, p)
	}
	var streamed map[string]bool
	if len(ready) > 0 {
		var code int
		if streamed, code = a.executeZones(ctx, c, outs, ready); code >= 0 {
			return code
		}
	}

	// The peer and TSIG deletes, once every zone is done: a zone that
	// failed may still use a peer about to go.
	switch after := run.runnable(cut, len(run.steps)); {
	case len(after) == 0:
	case anyFailed(outs) || a.interrupted():
		run.notRun(cut, "not every zone was changed")
	default:
		run.execute(ctx, c, acct, after)
	}
	return a.finish2(r, run, outs, streamed, cut)
}

// resultWriter is where apply's result lines go: stdout, stderr under -o
// json (whose stdout holds the one JSON document), nowhere under -o json
// --quiet.
func (a *app) resultWriter() io.Writer {
	switch {
	case a.json() && a.quiet:
		return io.Discard
	case a.json():
		return a.stderr
	}
	return a.stdout
}

// splitAt is where AccountPlan.Split cuts steps: before the first peer or
// TSIG delete.
func splitAt(steps []secondarydns.Step) int {
	for i, st := range steps {
		if st.Action == secondarydns.ActionDelete && (st.Kind == secondarydns.KindPeer || st.Kind == secondarydns.KindTSIG) {
			return i
		}
	}
	return len(steps)
}

// stepRun is what apply did to each account step shown: the plan's steps
// (with the ID a create gave), whether each is done, and its error (stale,
// failed, not run); and the stale objects the plan has no step for, each a
// failure as a stale step is.
type stepRun struct {
	accountID string
	steps     []secondarydns.Step
	done      []bool
	errs      stepErrs
	stale     []staleObject
}

// newStepRun is r's account steps, none run; r.skip holds the errors of
// those that will not be (copied).
func newStepRun(r *resolved) *stepRun {
	p := r.acct
	run := &stepRun{accountID: p.AccountID, steps: slices.Clone(p.Steps), done: make([]bool, len(p.Steps)), errs: stepErrs{}, stale: r.staleOnly}
	for i := range p.Done {
		run.done[i] = true
	}
	for i, err := range r.skip {
		run.errs[i] = err
	}
	return run
}

// left says whether apply left account work for the next plan: a step
// stale, not run or not reached, or a stale object with no step.
func (run *stepRun) left() bool {
	for i := range run.steps {
		var nr *notRunError
		if err := run.errs[i]; !run.done[i] && (err == nil || errors.Is(err, secondarydns.ErrStale) || errors.As(err, &nr)) {
			return true
		}
	}
	return len(run.stale) > 0
}

// runnable lists the steps in [from, to) neither done nor given an error.
func (run *stepRun) runnable(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		if !run.done[i] && run.errs[i] == nil {
			out = append(out, i)
		}
	}
	return out
}

// notRun gives every runnable step from index from on the error "not
// run: why".
func (run *stepRun) notRun(from int, why string) {
	for _, i := range run.runnable(from, len(run.steps)) {
		run.errs[i] = &notRunError{why}
	}
}

// execute runs the steps idx (in order) with ExecuteAccount, after base's
// Done, and records what happened. It returns the plan as it ran (its
// Done holds base's and these steps' creates, for PeerID) and whether
// every step succeeded; after a failure the rest of idx are not run.
// ExecuteAccount checks the steps against the plan's reads, so a step
// skipped from the middle of a plan leaves the others' checks intact.
func (run *stepRun) execute(ctx context.Context, c *secondarydns.Client, base *secondarydns.AccountPlan, idx []int) (*secondarydns.AccountPlan, bool) {
	if len(idx) == 0 {
		return base, true
	}
	sub := *base
	sub.Steps = slices.Clone(base.Done)
	for _, i := range idx {
		sub.Steps = append(sub.Steps, run.steps[i])
	}
	sub.Done = slices.Clone(base.Done)
	q, err := c.ExecuteAccount(ctx, &sub)
	if q == nil {
		q = &sub
	}
	n := len(base.Done)
	for k, i := range idx {
		run.steps[i].ID = q.Steps[n+k].ID
		switch {
		case n+k < len(q.Done):
			run.done[i] = true
		case n+k == len(q.Done) && err != nil:
			run.errs[i] = err
		default:
			run.errs[i] = &notRunError{"an earlier account step failed"}
		}
	}
	return q, err == nil
}

// notRunError is a step that was not run because of what happened before.
type notRunError struct{ why string }

func (e *notRunError) Error() string { return "not run: " + e.why }

// finish2 reports what apply did to the account and the zones, and
// returns the exit code: the JSON document, then the result lines not
// written yet (the steps before the cut when from is 0, the zones not in
// streamed, the steps from the cut on), the account's count and the
// zones' summary.
func (a *app) finish2(r *resolved, run *stepRun, outs []outcome, streamed map[string]bool, from int) int {
	if a.json() {
		writeJSON2(a.stdout, r, run, outs, true, nil)
	}
	w := a.resultWriter()
	cut := splitAt(run.steps)
	if from < cut {
		writeStepLines(w, run, from, cut)
	}
	writeZoneLines(w, outs, a.interrupted(), streamed, a.names)
	writeStepLines(w, run, max(from, cut), len(run.steps))
	for _, o := range run.stale {
		fmt.Fprintf(w, "%s %s: stale: no step: %s; not touched\n", o.kind, o.name, o)
	}
	writeStepCount(w, run)
	writeAppliedSummary(w, outs, a.interrupted(), run.left())
	a.timedOut(outs)
	a.stepsTimedOut(run, outs)
	switch {
	case a.interrupted():
		return exitInterrupted
	case len(run.errs) > 0 || len(run.stale) > 0 || anyFailed(outs):
		return exitFailed
	}
	return exitOK
}

// writeStepLines writes what happened to the steps [from, to).
func writeStepLines(w io.Writer, run *stepRun, from, to int) {
	for i := from; i < to; i++ {
		st := run.steps[i]
		var nr *notRunError
		switch err := run.errs[i]; {
		case run.done[i]:
			fmt.Fprintf(w, "%s %s: done: %s (id %s)\n", st.Kind, st.Name, st.Action, st.ID)
		case errors.As(err, &nr):
			fmt.Fprintf(w, "%s %s: not run: %s (%s)\n", st.Kind, st.Name, st.Action, nr.why)
		case errors.Is(err, secondarydns.ErrStale):
			fmt.Fprintf(w, "%s %s: stale: %s: %s\n", st.Kind, st.Name, st.Action, unprefixed(err.Error()))
		case err != nil:
			fmt.Fprintf(w, "%s %s: failed: %s: %s\n", st.Kind, st.Name, st.Action, unprefixed(err.Error()))
		default:
			fmt.Fprintf(w, "%s %s: not run: %s\n", st.Kind, st.Name, st.Action)
		}
	}
}

// writeStepCount writes the line counting the steps: "account: 3 done, 1
// failed (1 stale)", a stale object with no step counted as a failed
// step; nothing when the account had neither.
func writeStepCount(w io.Writer, run *stepRun) {
	if len(run.steps)+len(run.stale) == 0 {
		return
	}
	done, stale := 0, len(run.stale)
	for i := range run.steps {
		if run.done[i] {
			done++
		} else if errors.Is(run.errs[i], secondarydns.ErrStale) {
			stale++
		}
	}
	s := fmt.Sprintf("account: %d done, %d failed", done, len(run.steps)+len(run.stale)-done)
	if stale > 0 {
		s += fmt.Sprintf(" (%d stale)", stale)
	}
	fmt.Fprintln(w, s)
}
