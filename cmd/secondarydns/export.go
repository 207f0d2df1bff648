package main

// export: the zones' current state written as a desired-state file.

import (
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

var cmdExport = &command{
	name: "export", args: "[ZONE...] [--ids FILE] | --all", minArgs: 0, maxArgs: -1,
	summary: "write zones' current state as a desired-state file",
	detail: `Read the zones and write their current state as a desired-state file, one zone
per line, so that 'plan -f' on it finds nothing to change. A zone without a
configuration is written as {"absent": true}. The zones come from the
arguments and from --ids FILE ("-" for standard input): one per line, blank
lines and lines starting with # skipped. A zone is given by its ID or by its
name (a name has a dot; names are looked up in the account's zone list, so
they need the account); the file is keyed by zone ID either way.

With --all, every zone of the account that has an outgoing configuration is
written in format 2: zones and peers by name, the account's peers, TSIG keys
(never their secrets) and ACLs, and "defaults" holding the most common peer
set and status. It costs the zone list (50 zones a page), three account
lists, and one read per zone plus its status.`,
	example: "secondarydns export --all --account " + exampleAccountID + " > zones.json",
	flags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.idsFile, "ids", "", "also export the zones (IDs or names) in `FILE`, one per line; - reads standard input")
		fs.BoolVar(&a.exp.all, "all", false, "export every zone of the account with its peers, TSIG keys and ACLs, in format 2")
		accountFlag(a, fs)
	},
	run: runExport,
}

// exportFlags are export's own flags.
type exportFlags struct {
	all bool // --all
}

func runExport(a *app, args []string) int {
	if a.exp.all {
		if len(args) > 0 || a.idsFile != "" {
			return a.usageError(a.cmd, "--all exports every zone of the account: give no zone and no --ids")
		}
		return runExportAll(a)
	}
	v, err := newValidator()
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	zones := map[string]secondarydns.Desired{}
	var names []string
	for _, arg := range args {
		if strings.Contains(arg, ".") {
			if err := v.check(validZoneID, secondarydns.Desired{Name: arg}); err != nil {
				return a.usageError(a.cmd, fmt.Sprintf("%q is neither a zone ID nor a zone name", arg))
			}
			names = append(names, arg)
			continue
		}
		if err := v.check(arg, secondarydns.Desired{Absent: true}); err != nil {
			return a.inputError(strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": "))
		}
		zones[arg] = secondarydns.Desired{Absent: true}
	}
	if a.idsFile != "" {
		ids, more, err := a.readIDs(a.idsFile, v)
		if err != nil {
			return a.inputFailed(err)
		}
		for _, id := range ids {
			zones[id] = secondarydns.Desired{Absent: true}
		}
		names = append(names, more...)
	}
	if len(zones) == 0 && len(names) == 0 {
		return a.usageError(a.cmd, "no zone: give zone IDs or names as arguments or in a file with --ids FILE, or --all for the whole account")
	}
	acct := ""
	if len(names) > 0 {
		var code int
		if acct, code = a.needAccount(""); code >= 0 {
			return code
		}
	}
	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()
	if len(names) > 0 {
		// Every name resolves before any zone is read: a name the account
		// does not have is exit 2 after the zone list only.
		byName, err := a.lookupZones(ctx, c, acct, names)
		if err != nil {
			var ue *unresolvedError
			if errors.As(err, &ue) {
				return a.inputError(strings.Replace(err.Error(), "no zone was checked", "no zone was read and nothing was written", 1))
			}
			return a.exportStopped("looking up zone names", err)
		}
		for _, z := range byName {
			zones[z.ID] = secondarydns.Desired{Absent: true}
		}
	}
	outs, code := a.exportRead(ctx, c, zones)
	if code >= 0 {
		return code
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
		if knownStatus(p.Status) {
			dw.Status = p.Status
		} else {
			a.unknownStatus(o.id, p.Status)
		}
		want[o.id] = dw
	}
	writeDesired(a.stdout, want)
	a.note("exported %d zone(s), %d without a configuration\n", len(outs), absent)
	return exitOK
}

// exportRead reads every zone (a dry-run plan to remove it: GET /outgoing,
// and the status when there is a configuration), drawing the progress line.
// Unless every zone was read, it reports what went wrong and returns the
// exit code (nothing is written: a file of some of the zones would pass for
// all of them); else -1.
func (a *app) exportRead(ctx context.Context, c *secondarydns.Client, zones map[string]secondarydns.Desired) ([]outcome, int) {
	outs, err := a.planAllAs(ctx, c, zones, "reading")
	if err != nil {
		return nil, a.failure(exitFailed, err.Error())
	}
	if a.interrupted() {
		// What was read is reported.
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
			return nil, exitInterrupted
		}
	}
	// The zones --timeout cut are counted, not each given a line.
	var errs []string
	left := 0
	for _, o := range outs {
		switch {
		case unfinished(o):
			left++
		case o.err != nil:
			errs = append(errs, unprefixed(o.err.Error()))
		}
	}
	if len(errs)+left > 0 {
		why := ""
		if left > 0 {
			why = fmt.Sprintf(" (%d unfinished: --timeout)", left)
		}
		msg := fmt.Sprintf("%d of %d zones could not be read%s", len(errs)+left, len(outs), why)
		if len(errs) > 0 {
			msg += ": " + strings.Join(errs, "; ")
		}
		a.writeErrorJSON(msg)
		for _, e := range errs {
			fmt.Fprintf(a.stderr, "secondarydns export: %s\n", e)
		}
		a.timedOut(outs)
		fmt.Fprintf(a.stderr, "secondarydns export: %d of %d zones could not be read%s; nothing was written\n", len(errs)+left, len(outs), why)
		return nil, exitFailed
	}
	return outs, -1
}

// knownStatus is a status a desired-state file can hold.
func knownStatus(s secondarydns.TransferStatus) bool {
	return s == secondarydns.StatusEnabled || s == secondarydns.StatusDisabled
}

// unknownStatus warns that a zone's status is left out of the file (so
// plan leaves it as it is).
func (a *app) unknownStatus(zoneID string, s secondarydns.TransferStatus) {
	fmt.Fprintf(a.stderr, "secondarydns export: zone %s: status %q cannot be written in a desired-state file; left out\n", zoneID, s)
}

// exportStopped reports a failed lookup before any zone was read: exit 1,
// 2 for an account ID the SDK refuses to send, or 130 when SIGINT/SIGTERM
// is why.
func (a *app) exportStopped(what string, err error) int {
	switch {
	case a.interrupted():
		return a.failure(exitInterrupted, "interrupted while "+what+"; nothing was written")
	case a.cutByTimeout(err):
		return a.failure(exitFailed, a.timeoutWhile(what, "nothing was written"))
	case errors.Is(err, secondarydns.ErrInvalidInput):
		return a.inputError(err.Error() + "; check --account or " + envAccountID)
	case errors.Is(err, secondarydns.ErrUnknownID):
		return a.failure(exitFailed, fmt.Sprintf("%s: %v; nothing was written (hint: the API does not know the account ID; check --account or %s)", what, err, envAccountID))
	}
	return a.failure(exitFailed, fmt.Sprintf("%s: %v; nothing was written", what, err))
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
