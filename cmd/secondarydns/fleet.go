package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

var cmdPlan = &command{
	name: "plan", args: "-f FILE [--exit-code] [--out PLAN]", maxArgs: 0,
	summary: "show what apply would change to reach a desired-state file",
	detail: `Read every zone of the desired-state file and show what apply would do: per zone
that changes, its actions and the differences, then a summary line. Nothing is
changed. With --out, the plan and what was read are saved for 'apply --plan'.

The file ("-" for standard input) is JSON:
  {"zones": {"<zone id>": {"name": "example.com.", "peers": ["<peer id>"], "status": "Enabled"},
             "<zone id>": {"absent": true}}}
"status" may be left out (the status stays as it is); "peers": [] means no peers.
Format 2 adds "account", the account's "tsigs", "peers" and "acls", "defaults",
and zones and peers by name (see the README); its plan shows the account's
steps first and, when the file names an account, its unmanaged zones.`,
	example: "secondarydns plan -f zones.json --exit-code",
	flags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.file, "f", "", "the desired-state `FILE`; - reads standard input (required)")
		fs.BoolVar(&a.exitCode, "exit-code", false, "exit 3 when there are changes, 0 when there are none")
		accountFlag(a, fs)
		fs.StringVar(&a.out, "out", "", "save the plan to `PLAN` for 'apply --plan' and print its SHA-256 for --checksum (a regular file or a new path, replaced whole; not written if any zone could not be planned)")
	},
	run: runPlan,
}

var cmdApply = &command{
	name: "apply", args: "-f FILE | --plan PLAN [--yes] [--allow-destroy]", maxArgs: 0,
	summary: "change zones to match a desired-state file or a saved plan",
	detail: `Plan every zone (or re-read the zones of a saved plan), show the plan, ask for
confirmation (on a terminal; else --yes is required), then run exactly that
plan. A zone, or an account object, that changed since it was planned is
reported stale and not touched, nor is what depends on it. Disabling or
deleting transfers on any zone, or removing every peer of a zone whose
transfers are (or may be) enabled, needs --allow-destroy.
With a format-2 file (see plan --help), the account's creates and updates run
first, then the zones, then the peer and TSIG deletes; deleting a peer, TSIG
or ACL needs --allow-destroy too.`,
	example: "secondarydns apply -f zones.json --yes",
	flags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.file, "f", "", "the desired-state `FILE`; - reads standard input")
		accountFlag(a, fs)
		fs.StringVar(&a.planFile, "plan", "", "a `PLAN` saved by 'plan --out', instead of -f")
		fs.BoolVar(&a.yes, "yes", false, "apply without asking (required when standard input is not a terminal)")
		fs.BoolVar(&a.allowDestroy, "allow-destroy", false, "allow plans that disable or delete transfers, or remove every peer of a zone")
		fs.StringVar(&a.checksum, "checksum", "", "with --plan: refuse the file unless its SHA-256 is `SHA256` (as 'plan --out' printed it)")
	},
	run: runApply,
}

// planAll plans every zone (ApplyAll with DryRun), drawing the progress line.
func (a *app) planAll(ctx context.Context, c *secondarydns.Client, zones map[string]secondarydns.Desired) ([]outcome, error) {
	return a.planAllAs(ctx, c, zones, "planning")
}

// planAllAs is planAll with the progress line's verb: export reads
// through the same plans, but plans nothing for the user.
func (a *app) planAllAs(ctx context.Context, c *secondarydns.Client, zones map[string]secondarydns.Desired, verb string) ([]outcome, error) {
	prog := a.startProgress(verb, len(zones))
	res, err := c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{
		Concurrency: a.concurrency, DryRun: true, Progress: prog.zoneDone, Lockout: prog.lockout,
	})
	prog.stop()
	if res == nil && err != nil {
		return nil, err
	}
	outs := make([]outcome, len(res))
	for i, r := range res {
		outs[i] = outcome{id: r.ZoneID, plan: r.Plan, err: r.Err, wantName: zones[r.ZoneID].Name}
		if r.Plan == nil && r.Err == nil {
			outs[i].err = errors.New("no plan")
		}
	}
	return outs, nil
}

// openClient opens the client once the input is read: readErr, the error
// reading it, or an error opening the client is an input error (exit 2). It
// returns -1 to go on, or the exit code to stop with; the caller cancels.
func (a *app) openClient(readErr error) (*secondarydns.Client, context.Context, context.CancelFunc, int) {
	if readErr != nil {
		return nil, nil, nil, a.inputFailed(readErr)
	}
	c, ctx, cancel, err := a.client()
	if err != nil {
		return nil, nil, nil, a.inputError(err.Error())
	}
	return c, ctx, cancel, -1
}

func anyFailed(outs []outcome) bool {
	return slices.ContainsFunc(outs, func(o outcome) bool { return o.err != nil })
}

func runPlan(a *app, _ []string) int {
	if a.file == "" {
		return a.usageError(a.cmd, "-f FILE is required")
	}
	if a.out != "" {
		if err := checkOut(a.out, a.file); err != nil {
			return a.inputError(err.Error() + "; nothing was sent")
		}
	}
	d, err := a.loadDesired(a.file)
	if err == nil && d.v2 != nil {
		return a.runPlan2(d.v2)
	}
	c, ctx, cancel, code := a.openClient(err)
	if code >= 0 {
		return code
	}
	defer cancel()
	outs, err := a.planAll(ctx, c, d.zones)
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	failed := anyFailed(outs)
	var saved *savedFile
	if a.out != "" && !failed {
		sum, err := writeSavedPlan(a.out, outs)
		if err != nil {
			return a.failure(exitFailed, err.Error())
		}
		saved = &savedFile{Path: a.out, SHA256: sum}
	}
	if a.json() {
		writeJSON(a.stdout, savedPlanJSON{fleetJSON(outs, false), saved})
	} else {
		writePlan(a.stdout, outs)
	}
	a.timedOut(outs)
	switch {
	case a.interrupted():
		a.note("interrupted: no further zone was read\n")
		return exitInterrupted
	case failed:
		if a.out != "" {
			a.note("no plan was written to %s: not every zone could be planned\n", a.out)
		}
		return exitFailed
	case saved != nil:
		a.note("plan saved to %s (SHA-256 %s); run 'secondarydns apply --plan %s --checksum %s' to apply it\n", a.out, saved.SHA256, a.out, saved.SHA256)
	}
	if a.exitCode && slices.ContainsFunc(outs, func(o outcome) bool { return !o.plan.InSync() }) {
		return exitChanges
	}
	return exitOK
}

func runApply(a *app, _ []string) int {
	switch {
	case a.file != "" && a.planFile != "":
		return a.usageError(a.cmd, "give -f FILE or --plan PLAN, not both")
	case a.file == "" && a.planFile == "":
		return a.usageError(a.cmd, "give -f FILE or --plan PLAN")
	}
	if msg := a.checksumFlagError(); msg != "" {
		return a.usageError(a.cmd, msg)
	}
	var (
		d     *desiredFile
		saved *savedPlan
		err   error
	)
	if a.file != "" {
		d, err = a.loadDesired(a.file)
		if err == nil && d.v2 != nil {
			return a.runApply2(d.v2)
		}
	} else {
		saved, err = a.loadSavedPlan(a.planFile)
		if err == nil && saved.Account != nil {
			return a.runApplySaved2(saved)
		}
		if err == nil {
			// What a saved plan would do is known from the file: the
			// refusals come before any request.
			if code := a.refuseSaved(saved); code >= 0 {
				return code
			}
		}
	}
	c, ctx, cancel, code := a.openClient(err)
	if code >= 0 {
		return code
	}
	defer cancel()

	var outs []outcome
	if d != nil {
		outs, err = a.planAll(ctx, c, d.zones)
	} else {
		outs, err = a.replan(ctx, c, saved)
	}
	var edited *editedError
	if errors.As(err, &edited) {
		return a.inputError(err.Error())
	}
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	// If a zone could not be planned (or re-read), nothing is changed.
	for _, o := range outs {
		if o.err != nil && !errors.Is(o.err, secondarydns.ErrStale) {
			if a.json() {
				why := "nothing was changed: " + a.unreadWhy(outs)
				if a.interrupted() {
					why = "nothing was changed: interrupted while planning"
				}
				writeJSON(a.stdout, fleetJSON(notApplied(outs, why), true))
			} else {
				writePlan(a.stdout, outs)
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
		writePlan(a.say(), outs)
	}

	var todo []*secondarydns.Plan
	var destroy []string
	for _, o := range outs {
		if o.err != nil || o.plan.InSync() {
			continue
		}
		todo = append(todo, o.plan)
		if why := planDestroys(o.plan); why != "" {
			destroy = append(destroy, destroyEntry(o.id, headerOf(o), why))
		}
	}
	if len(todo) == 0 {
		return a.finishApply(outs, nil)
	}
	if len(destroy) > 0 && !a.allowDestroy {
		return a.inputError(destroyRefusal(destroy, "nothing was changed", !a.yes && !a.stdinTTY))
	}
	if code := a.confirmQ(fmt.Sprintf("Apply these changes to %d zone(s)?", len(todo))); code >= 0 {
		return code
	}

	written, code := a.executeZones(ctx, c, outs, todo)
	if code >= 0 {
		return code
	}
	return a.finishApply(outs, written)
}

// executeZones runs todo with ExecuteAll under the progress line, streams
// each zone's result line as it finishes, and takes the results into outs.
// It returns the zones whose lines were written, and -1 to go on or the
// exit code to stop with (ExecuteAll refused the plans).
func (a *app) executeZones(ctx context.Context, c *secondarydns.Client, outs []outcome, todo []*secondarydns.Plan) (map[string]bool, int) {
	prog := a.startProgress("applying", len(todo))
	stream := a.newResultStream(outs, todo)
	res, err := c.Outgoing.ExecuteAll(ctx, todo, secondarydns.FleetOptions{
		Concurrency: a.concurrency, Lockout: prog.lockout,
		Progress: func(r secondarydns.ZoneResult) {
			prog.zoneDone(r)
			stream.done(r)
		},
	})
	prog.stop()
	if res == nil && err != nil {
		return nil, a.failure(exitFailed, err.Error())
	}
	a.takeResults(outs, res)
	return stream.written, -1
}

// takeResults puts ExecuteAll's results into apply's report: each zone that
// ran gets its executed plan (Done filled), its error and its unknown
// action; the others keep what planning gave them (wantName included).
func (a *app) takeResults(outs []outcome, res []secondarydns.ZoneResult) {
	byID := make(map[string]secondarydns.ZoneResult, len(res))
	for _, r := range res {
		byID[r.ZoneID] = r
	}
	for i, o := range outs {
		r, ok := byID[o.id]
		if !ok {
			continue
		}
		done := a.outcomeOf(r)
		if done.plan != nil {
			outs[i].plan = done.plan
		}
		outs[i].err, outs[i].unknown = done.err, done.unknown
	}
}

// refuseSaved refuses a saved plan before any request when it disables or
// deletes without --allow-destroy, or has anything to do without --yes and
// without a terminal to ask on. It returns -1 to go on, or the exit code.
func (a *app) refuseSaved(sp *savedPlan) int {
	var destroy []string
	todo := 0
	for _, z := range sp.Zones {
		if len(z.Actions) > 0 {
			todo++
		}
		if why := savedDestroys(z); why != "" {
			destroy = append(destroy, destroyEntry(z.ZoneID, z.header(), why))
		}
	}
	slices.Sort(destroy)
	switch {
	case len(destroy) > 0 && !a.allowDestroy:
		return a.inputError(destroyRefusal(destroy, "nothing was sent", !a.yes && !a.stdinTTY))
	case todo > 0 && !a.yes && !a.stdinTTY:
		return a.inputError(noTerminalRefusal("apply", "nothing was sent"))
	}
	return -1
}

// notApplied marks the zones that had something to do but were not run
// because apply stopped before executing: they are not "changed".
func notApplied(outs []outcome, why string) []outcome {
	res := slices.Clone(outs)
	for i, o := range res {
		if o.err == nil && o.plan != nil && !o.plan.InSync() {
			res[i].err = errors.New("not applied: " + why)
		}
	}
	return res
}

func joinActions(acts []secondarydns.Action) string {
	s := make([]string, len(acts))
	for i, act := range acts {
		s[i] = string(act)
	}
	return strings.Join(s, ", ")
}

// finishApply reports what apply did and returns its exit code. streamed
// holds the zones whose result line was written as they finished.
func (a *app) finishApply(outs []outcome, streamed map[string]bool) int {
	if a.json() {
		writeJSON(a.stdout, fleetJSON(outs, true))
	}
	w := a.stdout
	if a.json() {
		w = a.stderr
	}
	if !a.json() || !a.quiet {
		writeApplied(w, outs, a.interrupted(), streamed, nil)
	}
	a.timedOut(outs)
	switch {
	case a.interrupted():
		return exitInterrupted
	case anyFailed(outs):
		return exitFailed
	}
	return exitOK
}

// appliedState is what happened to one zone of apply: its result line
// (appliedLine) and the summary (writeApplied) both go by it.
type appliedState int

const (
	stateInSync     appliedState = iota
	stateChanged                 // every action done
	stateStale                   // changed since it was planned: untouched
	stateUnknown                 // an action was sent and its outcome is unknown
	stateUnfinished              // --timeout cut it, started or not
	stateNotStarted              // interrupted before it started
	statePartial                 // interrupted part way
	stateFailed
)

// appliedStateOf classifies o; interrupted says SIGINT/SIGTERM came.
func appliedStateOf(o outcome, interrupted bool) appliedState {
	switch {
	case o.inSync():
		return stateInSync
	case o.err == nil:
		return stateChanged
	case errors.Is(o.err, secondarydns.ErrStale):
		return stateStale
	case o.unknown != "":
		return stateUnknown
	case !interrupted && unfinished(o):
		return stateUnfinished
	case o.notStarted():
		return stateNotStarted
	case interrupted && contextErr(o.err):
		return statePartial
	}
	return stateFailed
}

// appliedLine is one zone's result line in apply's report, without its
// newline; "" for a zone that gets none (in sync, or not started because
// of an interrupt or --timeout: the summary counts those, so that a
// timeout says one line, not one per zone left).
func appliedLine(o outcome, interrupted bool) string {
	switch appliedStateOf(o, interrupted) {
	case stateChanged:
		return fmt.Sprintf("%s %s: done: %s", o.id, zoneName(o.plan), joinActions(o.plan.Done))
	case stateStale:
		return fmt.Sprintf("%s %s: stale (%s): %s", o.id, nameOf(o), doneText(o), o.err)
	case stateUnknown:
		// Only what was done before it is bracketed: "nothing done" would
		// read as if the lost request had done nothing.
		before := ""
		if o.plan != nil && len(o.plan.Done) > 0 {
			before = " (done before it: " + joinActions(o.plan.Done) + ")"
		}
		return fmt.Sprintf("%s %s: unknown: %s was sent, its answer was lost%s: %s", o.id, nameOf(o), o.unknown, before, o.err)
	case stateUnfinished:
		if o.plan != nil && len(o.plan.Done) > 0 {
			return fmt.Sprintf("%s %s: unfinished (%s): --timeout", o.id, nameOf(o), doneText(o))
		}
	case statePartial:
		return fmt.Sprintf("%s %s: interrupted (%s)", o.id, nameOf(o), doneText(o))
	case stateFailed:
		return fmt.Sprintf("%s %s: failed (%s): %s", o.id, nameOf(o), doneText(o), o.err)
	}
	return ""
}

// writeApplied lists what happened to each zone that had something to do,
// but those in streamed (written as they finished), then the final summary.
func writeApplied(w io.Writer, outs []outcome, interrupted bool, streamed map[string]bool, names *strings.Replacer) {
	writeZoneLines(w, outs, interrupted, streamed, names)
	writeAppliedSummary(w, outs, interrupted, false)
}

// writeZoneLines writes the result line of each zone that has one, but
// those in streamed, with names replacing peer IDs (nil: none).
func writeZoneLines(w io.Writer, outs []outcome, interrupted bool, streamed map[string]bool, names *strings.Replacer) {
	for _, o := range outs {
		if line := appliedLine(o, interrupted); line != "" && !streamed[o.id] {
			fmt.Fprintln(w, named(names, line))
		}
	}
}

// named is line with names's replacements (see app.names); nil: none.
func named(names *strings.Replacer, line string) string {
	if names == nil {
		return line
	}
	return names.Replace(line)
}

// writeAppliedSummary writes apply's summary of the zones; more says the
// account too has work left for the next plan.
func writeAppliedSummary(w io.Writer, outs []outcome, interrupted, more bool) {
	n := map[appliedState]int{}
	for _, o := range outs {
		n[appliedStateOf(o, interrupted)]++
	}
	changed, inSync, stale, partial, notStarted, left := n[stateChanged], n[stateInSync], n[stateStale], n[statePartial], n[stateNotStarted], n[stateUnfinished]
	unknown := n[stateUnknown]
	s := fmt.Sprintf("%d changed, %d failed", changed, n[stateFailed]+stale+unknown+partial+notStarted+left)
	var why []string
	if stale > 0 {
		why = append(why, fmt.Sprintf("%d stale", stale))
	}
	if unknown > 0 {
		why = append(why, fmt.Sprintf("%d unknown", unknown))
	}
	if partial > 0 {
		why = append(why, fmt.Sprintf("%d partly done", partial))
	}
	if notStarted > 0 {
		why = append(why, fmt.Sprintf("%d not started", notStarted))
	}
	if left > 0 {
		why = append(why, fmt.Sprintf("%d unfinished", left))
	}
	if len(why) > 0 {
		s += " (" + strings.Join(why, ", ") + ")"
	}
	s += fmt.Sprintf(", %d in sync", inSync)
	if interrupted {
		s = "interrupted: " + s
	}
	fmt.Fprintln(w, s)
	if notStarted+partial+stale+unknown+left > 0 || more {
		fmt.Fprintln(w, "run plan again to see what is left to do")
	}
}

func doneText(o outcome) string {
	if o.plan != nil && len(o.plan.Done) > 0 {
		return "done: " + joinActions(o.plan.Done)
	}
	return "nothing done"
}

func nameOf(o outcome) string {
	if o.plan == nil {
		return "-"
	}
	return zoneName(o.plan)
}
