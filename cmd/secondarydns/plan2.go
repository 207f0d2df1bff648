package main

// plan with a format-2 file: the account's steps, then the zones, then one
// summary line counting both; under -o json, "account" and "unmanaged"
// beside the zones.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// account2 is the account a format-2 file is planned for: --account, the
// file's "account" or CLOUDFLARE_ACCOUNT_ID (differing --account and
// "account": exit 2). It returns -1 to go on, or the exit code.
func (a *app) account2(f *file2) (string, int) {
	id, err := a.accountID(f.account)
	if err != nil {
		return "", a.inputError(err.Error())
	}
	if id == "" {
		for _, z := range f.zones {
			if z.byName {
				return "", a.inputError(errorAt(f.name, z.line, path2("zones", z.key, "", 0),
					"a zone given by name needs the account to look it up: add \"account\" to the file, pass --account ACCOUNT_ID or set %s; nothing was sent", envAccountID).Error())
			}
		}
		return "", a.inputError("the file's peers, TSIGs, ACLs and peer names belong to an account, and none is given: add \"account\" to the file, pass --account ACCOUNT_ID or set " + envAccountID + "; nothing was sent")
	}
	return id, -1
}

// start2 does what plan and apply do first with a format-2 file: the
// account, the secrets (exit 2 before any request), the client, the
// lookups (exit 2 for a name that does not resolve, no zone read) and the
// zones' plans. It returns -1 to go on, or the exit code; the caller calls
// cancel when it is not nil.
func (a *app) start2(f *file2) (r *resolved, outs []outcome, c *secondarydns.Client, ctx context.Context, cancel context.CancelFunc, code int) {
	account, code := a.account2(f)
	if code >= 0 {
		return nil, nil, nil, nil, nil, code
	}
	secrets, err := a.secretsOf(f)
	if err != nil {
		return nil, nil, nil, nil, nil, a.inputError(err.Error() + "; nothing was sent")
	}
	c, ctx, cancel, code = a.openClient(nil)
	if code >= 0 {
		return nil, nil, nil, nil, nil, code
	}
	r, err = a.resolve(ctx, c, f, account, secrets)
	var ie *inputErr
	switch {
	case err != nil && a.interrupted():
		return nil, nil, nil, nil, cancel, a.failure(exitInterrupted, "interrupted while reading the account's lists: nothing was changed")
	case errors.As(err, &ie):
		return nil, nil, nil, nil, cancel, a.inputError(err.Error())
	case a.cutByTimeout(err):
		return nil, nil, nil, nil, cancel, a.failure(exitFailed, a.timeoutWhile("reading the account's lists", "no zone was read, nothing was changed"))
	case err != nil:
		return nil, nil, nil, nil, cancel, a.failure(exitFailed, err.Error())
	}
	outs, err = a.planAll(ctx, c, r.zones)
	if err != nil {
		return nil, nil, nil, nil, cancel, a.failure(exitFailed, err.Error())
	}
	r.orderByName(outs)
	return r, outs, c, ctx, cancel, -1
}

// runPlan2 is plan for a format-2 file.
func (a *app) runPlan2(f *file2) int {
	r, outs, _, _, cancel, code := a.start2(f)
	if cancel != nil {
		defer cancel()
	}
	if code >= 0 {
		return code
	}
	failed := anyFailed(outs)
	var saved *savedFile
	if a.out != "" && !failed {
		sum, err := writeSavedPlan2(a.out, r, outs)
		if err != nil {
			return a.failure(exitFailed, err.Error())
		}
		saved = &savedFile{Path: a.out, SHA256: sum}
	}
	if a.json() {
		writeJSON2(a.stdout, r, newStepRun(r), outs, false, saved)
	} else {
		writePlan2(a.stdout, r, outs)
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
	if a.exitCode && (!r.acct.InSync() || slices.ContainsFunc(outs, func(o outcome) bool { return !o.plan.InSync() })) {
		return exitChanges
	}
	return exitOK
}

// labeller replaces, in the zones' text, the placeholders of peers still
// to create with "name (new)", and the ID of each peer of the account with
// its name where no other peer has that name: a reviewer reads "+ns1",
// not a 32-digit ID. (JSON keeps the IDs and names them beside:
// namePeers.)
func (r *resolved) labeller() *strings.Replacer {
	return strings.NewReplacer(r.labelPairs()...)
}

// labelPairs is labeller's replacements, old and new in turn.
func (r *resolved) labelPairs() []string {
	var pairs []string
	for ph, name := range r.newPeers {
		pairs = append(pairs, ph, name+" (new)")
	}
	count := map[string]int{}
	for _, p := range r.acct.Peers {
		count[p.Name]++
	}
	for _, p := range r.acct.Peers {
		if count[p.Name] == 1 && p.Name != "" && p.ID != "" {
			pairs = append(pairs, p.ID, p.Name)
		}
	}
	return pairs
}

// resultNames is labeller for apply's result lines, once acct (the
// account's first half, executed) has created its peers: their new IDs,
// which a stale message may quote, read as "name (new)" too.
func (r *resolved) resultNames(acct *secondarydns.AccountPlan) *strings.Replacer {
	var pairs []string
	if acct != nil {
		for _, st := range acct.Done {
			if st.Kind == secondarydns.KindPeer && st.Action == secondarydns.ActionCreate && st.ID != "" {
				pairs = append(pairs, st.ID, st.Name+" (new)")
			}
		}
	}
	return strings.NewReplacer(append(pairs, r.labelPairs()...)...)
}

// writePlan2 writes the account's steps, the zones (writePlan) and one
// summary line for both.
func writePlan2(w io.Writer, r *resolved, outs []outcome) {
	writeSteps(w, r, r.acct)
	var buf bytes.Buffer
	writePlan(&buf, outs)
	text := r.labeller().Replace(buf.String())
	body, summary := splitSummary(text)
	fmt.Fprint(w, body)
	fmt.Fprintln(w, summary2(r, summary))
}

// splitSummary cuts the zone report's last line (its summary) from the
// rest.
func splitSummary(text string) (body, summary string) {
	text = strings.TrimSuffix(text, "\n")
	i := strings.LastIndexByte(text, '\n')
	if i < 0 {
		return "", text
	}
	return text[:i+1], text[i+1:]
}

// summary2 is the account's count, the zones' summary and the unmanaged
// zones: "account: 2 to change (2 create); zones: 3 to change (…), 1 in
// sync; 2 unmanaged zones (in the account, not in the file)".
func summary2(r *resolved, zones string) string {
	s := "account: " + stepCounts(r.acct.Steps) + "; zones: " + zones
	if r.reportUnmanaged {
		s += fmt.Sprintf("; %d unmanaged zone(s) (in the account, not in the file)", len(r.unmanaged))
	}
	return s
}

// stepCounts is "2 to change (1 create, 1 delete)" or "in sync".
func stepCounts(steps []secondarydns.Step) string {
	if len(steps) == 0 {
		return "in sync"
	}
	counts := map[secondarydns.Action]int{}
	for _, st := range steps {
		counts[st.Action]++
	}
	var parts []string
	for _, act := range []secondarydns.Action{secondarydns.ActionCreate, secondarydns.ActionUpdate, secondarydns.ActionDelete} {
		if counts[act] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[act], act))
		}
	}
	return fmt.Sprintf("%d to change (%s)", len(steps), strings.Join(parts, ", "))
}

// writeSteps lists the account plan's steps: "peer ns1" and, under it,
// "  create   ip 192.0.2.53, port 53, tsig ns1-key".
// A step apply --plan will not run says why under it ("  stale: …",
// "  not run: depends on stale tsig ns1-key"), as a stale zone does; a
// stale object with no step gets a line of its own.
func writeSteps(w io.Writer, r *resolved, p *secondarydns.AccountPlan) {
	for i, st := range p.Steps {
		fmt.Fprintf(w, "%s %s\n", st.Kind, st.Name)
		fmt.Fprintf(w, "  %-8s %s\n", st.Action, describeStep(r, p, st))
		if warn := stepWarning(r, p, st); warn != "" {
			fmt.Fprintf(w, "  warning: %s\n", warn)
		}
		var nr *notRunError
		switch err := r.skip[i]; {
		case errors.As(err, &nr):
			fmt.Fprintf(w, "  not run: %s\n", nr.why)
		case err != nil:
			fmt.Fprintf(w, "  stale: %s\n", err)
		}
	}
	for _, o := range r.staleOnly {
		fmt.Fprintf(w, "%s (the plan has no step for it)\n", o)
	}
}

// stepWarning is what a step breaks that the plan does not change, "" for
// nothing: a TSIG deleted while a peer the file does not manage still uses
// it (a peer in the file cannot: the SDK refuses a peer naming an absent
// TSIG, and one moved to another key is updated before the delete runs).
// The peers list was read for the plan, so this costs nothing.
func stepWarning(r *resolved, p *secondarydns.AccountPlan, st secondarydns.Step) string {
	if st.Kind != secondarydns.KindTSIG || st.Action != secondarydns.ActionDelete || st.ID == "" {
		return ""
	}
	var users []string
	for _, peer := range p.Peers {
		if _, managed := r.file.peers[peer.Name]; managed || peer.TSIGID != st.ID {
			continue
		}
		users = append(users, peer.Name+" ("+peer.ID+")")
	}
	if len(users) == 0 {
		return ""
	}
	return fmt.Sprintf("peer%s %s, which the file does not manage, still use%s this key: their transfers fail once it is gone (add them to \"peers\" without it, or keep the key)",
		plural(len(users)), strings.Join(users, ", "), verbS(len(users)))
}

// verbS is the third person's "s" of a verb whose subject counts n.
func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// describeStep is what one step changes.
func describeStep(r *resolved, p *secondarydns.AccountPlan, st secondarydns.Step) string {
	f := r.file
	switch st.Kind {
	case secondarydns.KindTSIG:
		want := f.tsigs[st.Name]
		cur := readByID(p.TSIGs, st.ID, func(o *secondarydns.TSIG) string { return o.ID })
		switch st.Action {
		case secondarydns.ActionCreate:
			return fmt.Sprintf("algo %s, secret from $%s", want.algo, want.secretEnv)
		case secondarydns.ActionDelete:
			if cur != nil {
				return "remove the TSIG (algo " + cur.Algo + ")"
			}
			return "remove the TSIG"
		}
		var parts []string
		if cur != nil && !strings.EqualFold(strings.TrimSuffix(cur.Algo, "."), strings.TrimSuffix(want.algo, ".")) {
			parts = append(parts, fmt.Sprintf("algo %s → %s", cur.Algo, want.algo))
		}
		if want.secretEnv != "" && cur != nil && cur.Secret != "" && cur.Secret != r.secrets[st.Name] {
			parts = append(parts, "secret from $"+want.secretEnv)
		}
		return orSame(parts)
	case secondarydns.KindPeer:
		want := f.peers[st.Name].want
		cur := readByID(p.Peers, st.ID, func(o *secondarydns.Peer) string { return o.ID })
		switch st.Action {
		case secondarydns.ActionCreate:
			return peerFields(want.IP, want.Port, want.IXFREnable, want.TSIG)
		case secondarydns.ActionDelete:
			if cur != nil {
				return "remove the peer (" + peerFields(cur.IP, cur.Port, cur.IXFREnable, tsigName(p, cur.TSIGID)) + ")"
			}
			return "remove the peer"
		}
		var parts []string
		if cur != nil {
			change := func(what, from, to string) {
				if from != to {
					parts = append(parts, fmt.Sprintf("%s %s → %s", what, orNone(from), orNone(to)))
				}
			}
			if !sameIP(cur.IP, want.IP) { // as the SDK compares: 2001:DB8::53 is 2001:db8::53
				change("ip", cur.IP, want.IP)
			}
			change("port", portText(cur.Port), portText(want.Port))
			change("ixfr", yesNo(cur.IXFREnable), yesNo(want.IXFREnable))
			change("tsig", tsigName(p, cur.TSIGID), want.TSIG)
		}
		return orSame(parts)
	case secondarydns.KindACL:
		want := f.acls[st.Name].want
		cur := readByID(p.ACLs, st.ID, func(o *secondarydns.ACL) string { return o.ID })
		switch {
		case st.Action == secondarydns.ActionCreate:
			return "ip_range " + want.IPRange
		case st.Action == secondarydns.ActionDelete && cur != nil:
			return "remove the ACL (ip_range " + cur.IPRange + ")"
		case st.Action == secondarydns.ActionDelete:
			return "remove the ACL"
		case cur != nil:
			return fmt.Sprintf("ip_range %s → %s", cur.IPRange, want.IPRange)
		}
	}
	return ""
}

// sameIP compares two addresses as addresses, else as text.
func sameIP(a, b string) bool {
	x, errX := netip.ParseAddr(a)
	y, errY := netip.ParseAddr(b)
	if errX != nil || errY != nil {
		return a == b
	}
	return x == y
}

func orSame(parts []string) string {
	if len(parts) == 0 {
		return "the whole object again"
	}
	return strings.Join(parts, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func portText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

// peerFields is "ip 192.0.2.53, port 53, ixfr, tsig ns1-key", or "no
// address, port or TSIG" for a peer with only its name.
func peerFields(ip string, port int, ixfr bool, tsig string) string {
	var parts []string
	if ip != "" {
		parts = append(parts, "ip "+ip)
	}
	if port != 0 {
		parts = append(parts, fmt.Sprintf("port %d", port))
	}
	if ixfr {
		parts = append(parts, "ixfr")
	}
	if tsig != "" {
		parts = append(parts, "tsig "+tsig)
	}
	if len(parts) == 0 {
		return "no address, port or TSIG"
	}
	return strings.Join(parts, ", ")
}

// tsigName is the name of the TSIG the plan read with this ID, else the ID.
func tsigName(p *secondarydns.AccountPlan, id string) string {
	for _, t := range p.TSIGs {
		if t.ID == id && id != "" {
			return t.Name
		}
	}
	return id
}

// jsonStep is one account step under -o json.
type jsonStep struct {
	Kind   secondarydns.ObjectKind `json:"kind"`
	Name   string                  `json:"name"`
	Action secondarydns.Action     `json:"action"`
	ID     string                  `json:"id"` // as read; for a create, set once done
	// Changes is what the step changes, field by field (stepChanges); {}
	// for a stale object with no step.
	Changes map[string]jsonValueChange `json:"changes"`
	// Warning is what the step breaks that the plan does not change
	// (stepWarning), present only when there is something.
	Warning string     `json:"warning,omitempty"`
	Done    bool       `json:"done"`
	Error   *jsonError `json:"error"`
}

type jsonAccount struct {
	ID     string     `json:"id"`
	InSync bool       `json:"in_sync"`
	Steps  []jsonStep `json:"steps"`
}

// jsonPlan2 is plan's and apply's document for a format-2 file.
type jsonPlan2 struct {
	Account jsonAccount `json:"account"`
	jsonFleet
	Unmanaged *[]string  `json:"unmanaged,omitempty"` // when the file names the account
	PlanFile  *savedFile `json:"plan_file,omitempty"`
}

// stepErrs are the errors of an account run's steps, by index in Steps.
type stepErrs map[int]error

// actionNone is the action of a stale object apply --plan reports with no
// step of the plan's (run.stale): one entry of "steps", never done, with
// its error, so a reader of the steps finds every failure there.
const actionNone secondarydns.Action = "none"

func accountJSON(r *resolved, run *stepRun) jsonAccount {
	doc := jsonAccount{ID: run.accountID, InSync: len(run.steps)+len(run.stale) == 0, Steps: []jsonStep{}}
	for i, st := range run.steps {
		doc.Steps = append(doc.Steps, jsonStep{Kind: st.Kind, Name: st.Name, Action: st.Action, ID: st.ID, Changes: stepChanges(r, r.acct, st), Warning: stepWarning(r, r.acct, st), Done: run.done[i], Error: errorJSON(run.errs[i])})
	}
	for _, o := range run.stale {
		doc.Steps = append(doc.Steps, jsonStep{Kind: o.kind, Name: o.name, Action: actionNone, ID: o.id, Changes: map[string]jsonValueChange{}, Error: errorJSON(&staleStepError{o.String()})})
	}
	return doc
}

// writeJSON2 writes the document: the zones' peers named (namePeers), and
// "name (new)" for a placeholder left in a message.
func writeJSON2(w io.Writer, r *resolved, run *stepRun, outs []outcome, applied bool, saved *savedFile) {
	doc := jsonPlan2{Account: accountJSON(r, run), jsonFleet: fleetJSON(outs, applied), PlanFile: saved}
	r.namePeers(&doc.jsonFleet, run)
	if r.reportUnmanaged {
		doc.Unmanaged = &r.unmanaged
	}
	var buf bytes.Buffer
	writeJSON(&buf, doc)
	var pairs []string
	for ph, name := range r.newPeers {
		pairs = append(pairs, ph, strings.Trim(quote(name+" (new)"), `"`))
	}
	_, _ = io.WriteString(w, strings.NewReplacer(pairs...).Replace(buf.String()))
}

// readByID is the object of the plan's reads whose ID is id, or nil; a
// step's ID is "" before its create ran, and matches nothing.
func readByID[T any](objs []T, id string, idOf func(*T) string) *T {
	if id == "" {
		return nil
	}
	for i := range objs {
		if idOf(&objs[i]) == id {
			return &objs[i]
		}
	}
	return nil
}
