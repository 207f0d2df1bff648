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
	"strings"

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
// account's first half, the zones, the account's deletes. It returns the
// exit code.
func (a *app) apply2(ctx context.Context, c *secondarydns.Client, r *resolved, outs []outcome) int {
	// If a zone could not be planned (or re-read), nothing is changed.
	for _, o := range outs {
		if o.err != nil && !errors.Is(o.err, secondarydns.ErrStale) {
			if a.json() {
				why := "nothing was changed: not every zone could be read"
				if a.interrupted() {
					why = "nothing was changed: interrupted while planning"
				}
				writeJSON2(a.stdout, r, r.acct, notRun(r.acct, 0, why), notApplied(outs, why), true, nil)
			} else {
				writePlan2(a.stdout, r, outs)
			}
			if a.interrupted() {
				a.note("interrupted while planning: nothing was changed\n")
				return exitInterrupted
			}
			fmt.Fprintf(a.stderr, "secondarydns apply: not every zone could be read: nothing was changed\n")
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
			destroy = append(destroy, fmt.Sprintf("%s (%s)", o.id, r.labeller().Replace(why)))
		}
	}
	if len(todo) == 0 && r.acct.InSync() {
		return a.finish2(r, r.acct, nil, outs)
	}
	if len(destroy) > 0 && !a.allowDestroy {
		return a.inputError(destroyRefusal2(destroy, "nothing was changed"))
	}
	if code := a.confirmQ(fmt.Sprintf("Apply these changes to the account (%d step(s)) and to %d zone(s)?", len(r.acct.Steps), len(todo))); code >= 0 {
		return code
	}

	// The account's steps before the zones'.
	before, after := r.acct.Split()
	done, err := c.ExecuteAccount(ctx, before)
	if done == nil {
		done = before
	}
	if err != nil {
		final := joinPlans(done, after)
		errs := notRun(final, len(done.Done)+1, "an earlier account step failed")
		errs[len(done.Done)] = err
		return a.finish2(r, final, errs, notApplied(outs, "an account step failed"))
	}

	// The zones, with the new peers' IDs.
	for _, p := range todo {
		ids, err := r.withPeerIDs(p.Want.Peers, done)
		if err != nil {
			return a.failure(exitFailed, err.Error())
		}
		p.Want.Peers = ids
	}
	if len(todo) > 0 {
		prog := a.startProgress("applying", len(todo))
		res, err := c.Outgoing.ExecuteAll(ctx, todo, secondarydns.FleetOptions{Concurrency: a.concurrency, Lockout: prog.lockout, Progress: prog.zoneDone})
		prog.stop()
		if res == nil && err != nil {
			return a.failure(exitFailed, err.Error())
		}
		a.takeResults(outs, res)
	}

	// The peer and TSIG deletes, once every zone is done: a zone that
	// failed may still use a peer about to go.
	var errs stepErrs
	switch {
	case after.InSync():
	case anyFailed(outs) || a.interrupted():
		errs = notRun(joinPlans(done, after), len(done.Steps), "not every zone was changed")
	default:
		d2, err := c.ExecuteAccount(ctx, after)
		if d2 != nil {
			after = d2
		}
		if err != nil {
			failed := len(done.Steps) + len(after.Done)
			errs = notRun(joinPlans(done, after), failed+1, "an earlier account step failed")
			errs[failed] = err
		}
	}
	return a.finish2(r, joinPlans(done, after), errs, outs)
}

// notRunError is a step that was not run because of what happened before.
type notRunError struct{ why string }

func (e *notRunError) Error() string { return "not run: " + e.why }

// notRun gives every step of p from index from on that is not done the
// error "not run: why".
func notRun(p *secondarydns.AccountPlan, from int, why string) stepErrs {
	errs := stepErrs{}
	for i := max(from, len(p.Done)); i < len(p.Steps); i++ {
		errs[i] = &notRunError{why}
	}
	return errs
}

// joinPlans is the two halves of Split as one plan again.
func joinPlans(before, after *secondarydns.AccountPlan) *secondarydns.AccountPlan {
	q := *before
	q.Steps = slices.Concat(before.Steps, after.Steps)
	q.Done = slices.Concat(before.Done, after.Done)
	return &q
}

// destroyRefusal2 is destroyRefusal for account objects and zones.
func destroyRefusal2(destroy []string, outcome string) string {
	return fmt.Sprintf("refusing to delete account objects, disable or delete transfers, or remove every peer of a zone, without --allow-destroy; %s. %d change(s): %s",
		outcome, len(destroy), strings.Join(destroy, ", "))
}

// finish2 reports what apply did to the account and the zones, and
// returns the exit code.
func (a *app) finish2(r *resolved, acct *secondarydns.AccountPlan, errs stepErrs, outs []outcome) int {
	if a.json() {
		writeJSON2(a.stdout, r, acct, errs, outs, true, nil)
	}
	w := a.stdout
	if a.json() {
		w = a.stderr
	}
	if !a.json() || !a.quiet {
		writeStepsApplied(w, acct, errs)
		// Format 2's zone results are not streamed yet: the account's
		// step results come first, and are only known at the end.
		writeApplied(w, outs, a.interrupted(), nil)
	}
	a.timedOut(outs)
	switch {
	case a.interrupted():
		return exitInterrupted
	case len(errs) > 0 || anyFailed(outs):
		return exitFailed
	}
	return exitOK
}

// writeStepsApplied lists what happened to each account step, then a line
// counting them.
func writeStepsApplied(w io.Writer, p *secondarydns.AccountPlan, errs stepErrs) {
	if len(p.Steps) == 0 {
		return
	}
	failed := 0
	for i, st := range p.Steps {
		var nr *notRunError
		switch err := errs[i]; {
		case errors.As(err, &nr):
			failed++
			fmt.Fprintf(w, "%s %s: not run: %s (%s)\n", st.Kind, st.Name, st.Action, nr.why)
		case i < len(p.Done):
			fmt.Fprintf(w, "%s %s: done: %s (id %s)\n", st.Kind, st.Name, st.Action, p.Done[i].ID)
		case err != nil:
			failed++
			state := "failed"
			if errors.Is(err, secondarydns.ErrStale) {
				state = "stale"
			}
			fmt.Fprintf(w, "%s %s: %s: %s: %s\n", st.Kind, st.Name, state, st.Action, unprefixed(err.Error()))
		default:
			failed++
			fmt.Fprintf(w, "%s %s: not run: %s\n", st.Kind, st.Name, st.Action)
		}
	}
	fmt.Fprintf(w, "account: %d done, %d failed\n", len(p.Done), failed)
}
