package main

// export: the zones' current state written as a desired-state file.

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

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
