package main

import (
	"bufio"
	"context"
	"encoding/json"
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
plan. A zone that changed since it was planned is reported stale and not
touched. Disabling or deleting transfers on any zone, or removing every peer
of a zone whose transfers are (or may be) enabled, needs --allow-destroy.
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

var cmdExport = &command{
	name: "export", args: "[ZONE_ID...] [--ids FILE]", minArgs: 0, maxArgs: -1,
	summary: "write zones' current state as a desired-state file",
	detail: `Read the zones and write their current state as a desired-state file, one zone
per line, so that 'plan -f' on it finds nothing to change. A zone without a
configuration is written as {"absent": true}. The zone IDs come from the
arguments and from --ids FILE ("-" for standard input): one ID per line,
blank lines and lines starting with # skipped.`,
	example: "secondarydns export 023e105f4ecef8ad9ca31a8372d0c353 372e67954025e0ba6aaa6d586b9e0b59 > zones.json",
	flags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.idsFile, "ids", "", "also export the zone IDs in `FILE`, one per line; - reads standard input")
	},
	run: runExport,
}

// planAll plans every zone (ApplyAll with DryRun), drawing the progress line.
func (a *app) planAll(ctx context.Context, c *secondarydns.Client, zones map[string]secondarydns.Desired) ([]outcome, error) {
	prog := a.startProgress("planning", len(zones))
	res, err := c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{
		Concurrency: a.concurrency, DryRun: true, Progress: prog.zoneDone,
	})
	prog.stop()
	if res == nil && err != nil {
		return nil, err
	}
	outs := make([]outcome, len(res))
	for i, r := range res {
		outs[i] = outcome{id: r.ZoneID, plan: r.Plan, err: r.Err}
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
				why := "nothing was changed: not every zone could be read"
				if a.interrupted() {
					why = "nothing was changed: interrupted while planning"
				}
				writeJSON(a.stdout, fleetJSON(notApplied(outs, why), true))
			} else {
				writePlan(a.stdout, outs)
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
			destroy = append(destroy, fmt.Sprintf("%s (%s)", o.id, why))
		}
	}
	if len(todo) == 0 {
		return a.finishApply(outs)
	}
	if len(destroy) > 0 && !a.allowDestroy {
		return a.inputError(destroyRefusal(destroy, "nothing was changed"))
	}
	if code := a.confirm(len(todo)); code >= 0 {
		return code
	}

	prog := a.startProgress("applying", len(todo))
	res, err := c.Outgoing.ExecuteAll(ctx, todo, secondarydns.FleetOptions{Concurrency: a.concurrency, Progress: prog.zoneDone})
	prog.stop()
	if res == nil && err != nil {
		return a.failure(exitFailed, err.Error())
	}
	byID := map[string]secondarydns.ZoneResult{}
	for _, r := range res {
		byID[r.ZoneID] = r
	}
	for i, o := range outs {
		r, ok := byID[o.id]
		if !ok {
			continue
		}
		if r.Plan != nil {
			outs[i].plan = r.Plan
		}
		outs[i].err = r.Err
	}
	return a.finishApply(outs)
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
			destroy = append(destroy, fmt.Sprintf("%s (%s)", z.ZoneID, why))
		}
	}
	slices.Sort(destroy)
	switch {
	case len(destroy) > 0 && !a.allowDestroy:
		return a.inputError(destroyRefusal(destroy, "nothing was sent"))
	case todo > 0 && !a.yes && !a.stdinTTY:
		return a.inputError("standard input is not a terminal: pass --yes to apply without confirmation; nothing was sent")
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

// confirm asks on a terminal, or requires --yes. It returns -1 to go on, or
// the exit code to stop with.
func (a *app) confirm(zones int) int {
	return a.confirmQ(fmt.Sprintf("Apply these changes to %d zone(s)?", zones))
}

// confirmQ is confirm with its question.
func (a *app) confirmQ(question string) int {
	if a.yes {
		return -1
	}
	if !a.stdinTTY {
		return a.inputError("standard input is not a terminal: pass --yes to apply without confirmation; nothing was changed")
	}
	fmt.Fprintf(a.stderr, "%s Only 'yes' is accepted: ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-a.sig.Done():
		fmt.Fprintln(a.stderr)
		a.writeErrorJSON("interrupted: nothing was changed")
		fmt.Fprintln(a.stderr, "interrupted: nothing was changed")
		return exitInterrupted
	case <-a.limit.Done():
		fmt.Fprintln(a.stderr)
		se := a.stopped("waiting for the confirmation", "nothing was changed")
		return a.failure(se.code, se.msg)
	case s := <-answer:
		if s != "yes" {
			return a.failure(exitFailed, "not confirmed: nothing was changed")
		}
	}
	return -1
}

// finishApply reports what apply did and returns its exit code.
func (a *app) finishApply(outs []outcome) int {
	if a.json() {
		writeJSON(a.stdout, fleetJSON(outs, true))
	}
	w := a.stdout
	if a.json() {
		w = a.stderr
	}
	if !a.json() || !a.quiet {
		writeApplied(w, outs, a.interrupted())
	}
	switch {
	case a.interrupted():
		return exitInterrupted
	case anyFailed(outs):
		return exitFailed
	}
	return exitOK
}

// writeApplied lists what happened to each zone that had something to do,
// then the final summary.
func writeApplied(w io.Writer, outs []outcome, interrupted bool) {
	changed, failed, stale, partial, notStarted, inSync := 0, 0, 0, 0, 0, 0
	for _, o := range outs {
		switch {
		case o.inSync():
			inSync++
		case o.err == nil:
			changed++
			fmt.Fprintf(w, "%s %s: done: %s\n", o.id, zoneName(o.plan), joinActions(o.plan.Done))
		case errors.Is(o.err, secondarydns.ErrStale):
			stale++
			fmt.Fprintf(w, "%s %s: stale (%s): %s\n", o.id, nameOf(o), doneText(o), o.err)
		case o.notStarted():
			notStarted++
		case interrupted && contextErr(o.err):
			partial++
			fmt.Fprintf(w, "%s %s: interrupted (%s)\n", o.id, nameOf(o), doneText(o))
		default:
			failed++
			fmt.Fprintf(w, "%s %s: failed (%s): %s\n", o.id, nameOf(o), doneText(o), o.err)
		}
	}
	s := fmt.Sprintf("%d changed, %d failed", changed, failed+stale+partial+notStarted)
	var why []string
	if stale > 0 {
		why = append(why, fmt.Sprintf("%d stale", stale))
	}
	if partial > 0 {
		why = append(why, fmt.Sprintf("%d partly done", partial))
	}
	if notStarted > 0 {
		why = append(why, fmt.Sprintf("%d not started", notStarted))
	}
	if len(why) > 0 {
		s += " (" + strings.Join(why, ", ") + ")"
	}
	s += fmt.Sprintf(", %d in sync", inSync)
	if interrupted {
		s = "interrupted: " + s
	}
	fmt.Fprintln(w, s)
	if notStarted+partial+stale > 0 {
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

func runExport(a *app, ids []string) int {
	v, err := newValidator()
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	zones := map[string]secondarydns.Desired{}
	for _, id := range ids {
		if err := v.check(id, secondarydns.Desired{Absent: true}); err != nil {
			return a.inputError(strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": "))
		}
		zones[id] = secondarydns.Desired{Absent: true}
	}
	if a.idsFile != "" {
		more, err := a.readIDs(a.idsFile, v)
		if err != nil {
			return a.inputFailed(err)
		}
		for _, id := range more {
			zones[id] = secondarydns.Desired{Absent: true}
		}
	}
	if len(zones) == 0 {
		return a.usageError(a.cmd, "no zone ID: give zone IDs as arguments or in a file with --ids FILE")
	}
	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()
	outs, err := a.planAll(ctx, c, zones)
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	if a.interrupted() {
		// What was read is reported; nothing is written, as a file of
		// some of the zones would pass for all of them.
		var read, unread []string
		for _, o := range outs {
			if o.err == nil {
				read = append(read, o.id)
			} else {
				unread = append(unread, o.id)
			}
		}
		if len(unread) > 0 {
			msg := fmt.Sprintf("interrupted: %d of %d zones read (%s), %d not read (%s); nothing was written",
				len(read), len(outs), idList(read), len(unread), idList(unread))
			a.writeErrorJSON(msg)
			fmt.Fprintf(a.stderr, "secondarydns export: %s\n", msg)
			return exitInterrupted
		}
	}
	var errs []string
	for _, o := range outs {
		if o.err != nil {
			errs = append(errs, unprefixed(o.err.Error()))
		}
	}
	if len(errs) > 0 {
		a.writeErrorJSON(fmt.Sprintf("%d of %d zones could not be read: %s", len(errs), len(outs), strings.Join(errs, "; ")))
		for _, e := range errs {
			fmt.Fprintf(a.stderr, "secondarydns export: %s\n", e)
		}
		fmt.Fprintf(a.stderr, "secondarydns export: %d of %d zones could not be read; nothing was written\n", len(errs), len(outs))
		return exitFailed
	}
	want := map[string]secondarydns.Desired{}
	absent := 0
	for _, o := range outs {
		p := o.plan
		if p.Current == nil {
			want[o.id] = secondarydns.Desired{Absent: true}
			absent++
			continue
		}
		dw := secondarydns.Desired{Name: p.Current.Name, Peers: p.Current.Peers}
		switch p.Status {
		case secondarydns.StatusEnabled, secondarydns.StatusDisabled:
			dw.Status = p.Status
		default:
			fmt.Fprintf(a.stderr, "secondarydns export: zone %s: status %q cannot be written in a desired-state file; left out\n", o.id, p.Status)
		}
		want[o.id] = dw
	}
	writeDesired(a.stdout, want)
	a.note("exported %d zone(s), %d without a configuration\n", len(outs), absent)
	return exitOK
}

// idList is the zone IDs separated by spaces, "none" for none.
func idList(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, " ")
}

// writeDesired writes a desired-state file, one zone per line, zones in
// zone-ID order.
func writeDesired(w io.Writer, zones map[string]secondarydns.Desired) {
	ids := make([]string, 0, len(zones))
	for id := range zones {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		fmt.Fprintln(w, `{"zones": {}}`)
		return
	}
	fmt.Fprintln(w, `{"zones": {`)
	for i, id := range ids {
		sep := ","
		if i == len(ids)-1 {
			sep = ""
		}
		fmt.Fprintf(w, "  %s: %s%s\n", quote(id), desiredText(zones[id]), sep)
	}
	fmt.Fprintln(w, `}}`)
}

// desiredText is one zone's desired state on one line.
func desiredText(d secondarydns.Desired) string {
	if d.Absent {
		return `{"absent": true}`
	}
	peers := make([]string, len(d.Peers))
	for i, p := range d.Peers {
		peers[i] = quote(p)
	}
	s := fmt.Sprintf(`{"name": %s, "peers": [%s]`, quote(d.Name), strings.Join(peers, ", "))
	if d.Status != "" {
		s += fmt.Sprintf(`, "status": %s`, quote(string(d.Status)))
	}
	return s + "}"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
