package main

// Version 2 of the saved-plan file: a plan of a format-2 file. Beside the
// zones (as in version 1) it holds the account's part:
//
//	"account": {
//	  "account_id": "…",
//	  "want":  {"tsigs": [{"name", "algo", "secret_env", "secret_sha256", "absent"}],
//	            "peers": [{"name", "ip", "port", "ixfr_enable", "tsig", "absent"}],
//	            "acls":  [{"name", "ip_range", "absent"}]},
//	  "read":  {"tsigs": [{"id", "name", "algo", "secret_sha256"}], "peers": [...], "acls": [...]},
//	  "steps": [{"kind", "name", "action", "id"}]
//	}
//
// Never a secret: a TSIG the file declares with secret_env keeps its
// wanted secret as its SHA-256 (apply --plan reads it from its secret_env
// again and refuses the plan, exit 2 before any request, when its SHA-256
// differs), and its read secret as the same SHA-256 only when the account
// holds that secret already (the staleness check's question). Every other
// secret is kept without any hash: an unsalted SHA-256 of a low-entropy
// secret can be confirmed offline. (A version-2 plan written before holds
// a read SHA-256 for every TSIG; those the check does not use are
// ignored.)
// A zone that uses a peer the steps create holds the placeholder
// new-peer-N- (the N-th peer create among the steps) among its peers.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// planVersion2 is the version of a saved plan with an account part.
const planVersion2 = 2

type savedAccount struct {
	AccountID string       `json:"account_id"`
	Want      savedObjects `json:"want"`
	Read      savedObjects `json:"read"`
	Steps     []savedStep  `json:"steps"`
}

type savedObjects struct {
	TSIGs []savedTSIG `json:"tsigs"`
	Peers []savedPeer `json:"peers"`
	ACLs  []savedACL  `json:"acls"`
}

type savedTSIG struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name"`
	Algo         string `json:"algo,omitempty"`
	SecretEnv    string `json:"secret_env,omitempty"`
	SecretSHA256 string `json:"secret_sha256,omitempty"`
	Absent       bool   `json:"absent,omitempty"`
}

type savedPeer struct {
	ID         string `json:"id,omitempty"`
	Name       string `json:"name"`
	IP         string `json:"ip,omitempty"`
	Port       int    `json:"port,omitempty"`
	IXFREnable bool   `json:"ixfr_enable,omitempty"`
	TSIG       string `json:"tsig,omitempty"`    // want: the TSIG's name
	TSIGID     string `json:"tsig_id,omitempty"` // read: its ID
	Absent     bool   `json:"absent,omitempty"`
}

type savedACL struct {
	ID      string `json:"id,omitempty"`
	Name    string `json:"name"`
	IPRange string `json:"ip_range,omitempty"`
	Absent  bool   `json:"absent,omitempty"`
}

type savedStep struct {
	Kind   secondarydns.ObjectKind `json:"kind"`
	Name   string                  `json:"name"`
	Action secondarydns.Action     `json:"action"`
	ID     string                  `json:"id,omitempty"`
}

// savedPlanSchema2 is the account part's fields, for checkKeys.
var savedPlanSchema2 = keySchema{
	"account":              {"account_id", "want", "read", "steps"},
	"account.want":         {"tsigs", "peers", "acls"},
	"account.read":         {"tsigs", "peers", "acls"},
	"account.want.tsigs[]": {"name", "algo", "secret_env", "secret_sha256", "absent"},
	"account.want.peers[]": {"name", "ip", "port", "ixfr_enable", "tsig", "absent"},
	"account.want.acls[]":  {"name", "ip_range", "absent"},
	"account.read.tsigs[]": {"id", "name", "algo", "secret_sha256"},
	"account.read.peers[]": {"id", "name", "ip", "port", "ixfr_enable", "tsig_id"},
	"account.read.acls[]":  {"id", "name", "ip_range"},
	"account.steps[]":      {"kind", "name", "action", "id"},
}

func init() {
	for k, v := range savedPlanSchema2 {
		savedPlanSchema[k] = v
	}
}

// writeSavedPlan2 writes a version-2 plan: the zones as version 1 writes
// them, and the account's want (secrets as their SHA-256), reads (the
// same) and steps.
func writeSavedPlan2(path string, r *resolved, outs []outcome) (string, error) {
	sp := savedPlan{Format: planFormat, Version: planVersion2, Account: savedAccountOf(r), Zones: savedZones(outs)}
	return writePlanFile(path, sp)
}

func savedAccountOf(r *resolved) *savedAccount {
	f, p := r.file, r.acct
	sa := &savedAccount{AccountID: p.AccountID, Steps: []savedStep{}}
	sa.Want = savedObjects{TSIGs: []savedTSIG{}, Peers: []savedPeer{}, ACLs: []savedACL{}}
	for _, n := range sortedKeys(f.tsigs) {
		t := f.tsigs[n]
		sa.Want.TSIGs = append(sa.Want.TSIGs, savedTSIG{Name: n, Algo: t.algo, SecretEnv: t.secretEnv, SecretSHA256: secretSum(r.secrets[n]), Absent: t.absent})
	}
	for _, n := range sortedKeys(f.peers) {
		w := f.peers[n].want
		sa.Want.Peers = append(sa.Want.Peers, savedPeer{Name: n, IP: w.IP, Port: w.Port, IXFREnable: w.IXFREnable, TSIG: w.TSIG, Absent: w.Absent})
	}
	for _, n := range sortedKeys(f.acls) {
		w := f.acls[n].want
		sa.Want.ACLs = append(sa.Want.ACLs, savedACL{Name: n, IPRange: w.IPRange, Absent: w.Absent})
	}
	sa.Read = readObjects(p, hashedTSIGs(sa.Want))
	for _, st := range p.Steps {
		sa.Steps = append(sa.Steps, savedStep{Kind: st.Kind, Name: st.Name, Action: st.Action, ID: st.ID})
	}
	return sa
}

// hashedTSIGs maps each TSIG the want gives a secret_env to the SHA-256
// of its wanted secret. A saved plan keeps a read secret's SHA-256 only
// for these TSIGs and only when it is that one (the account already holds
// the wanted secret): the staleness check needs to know whether the secret
// is the wanted one then and now (that decides the steps), never which
// other secret it is. So no hash of a secret the file does not hold leaves
// the account in a saved plan.
func hashedTSIGs(want savedObjects) map[string]string {
	out := map[string]string{}
	for _, t := range want.TSIGs {
		if t.SecretEnv != "" && t.SecretSHA256 != "" {
			out[t.Name] = t.SecretSHA256
		}
	}
	return out
}

// readObjects is what an account plan read, as a saved plan keeps it: a
// TSIG's secret as its SHA-256 when that is the one hashed gives for its
// name (hashedTSIGs), else without any.
func readObjects(p *secondarydns.AccountPlan, hashed map[string]string) savedObjects {
	o := savedObjects{TSIGs: []savedTSIG{}, Peers: []savedPeer{}, ACLs: []savedACL{}}
	for _, t := range p.TSIGs {
		st := savedTSIG{ID: t.ID, Name: t.Name, Algo: t.Algo}
		if sum, ok := hashed[t.Name]; ok && secretSum(t.Secret) == sum {
			st.SecretSHA256 = sum
		}
		o.TSIGs = append(o.TSIGs, st)
	}
	for _, x := range p.Peers {
		o.Peers = append(o.Peers, savedPeer{ID: x.ID, Name: x.Name, IP: x.IP, Port: x.Port, IXFREnable: x.IXFREnable, TSIGID: x.TSIGID})
	}
	for _, a := range p.ACLs {
		o.ACLs = append(o.ACLs, savedACL{ID: a.ID, Name: a.Name, IPRange: a.IPRange})
	}
	return o
}

// checkSavedAccount checks a version-2 plan's account part as it reads,
// before any request: every field by the SDK's rules, names once per
// kind, steps of known kinds and actions, each naming an object of want.
func checkSavedAccount(name string, sp *savedPlan) error {
	sa := sp.Account
	if sa == nil {
		return fmt.Errorf("%s: a version-2 plan has an \"account\"; the file was edited: make a new plan with 'secondarydns plan --out'", name)
	}
	f := sa.file(name)
	if err := f.check(name); err != nil {
		return err
	}
	v, err := newValidator()
	if err != nil {
		return err
	}
	if _, err := v.c.PlanAccount(context.Background(), sa.AccountID, secondarydns.AccountDesired{}); errors.Is(err, secondarydns.ErrInvalidInput) {
		return fmt.Errorf("%s: account.account_id: %s", name, reason(err, ""))
	}
	for i, t := range sa.Want.TSIGs {
		if (t.SecretEnv == "") != (t.SecretSHA256 == "") {
			return fmt.Errorf("%s: account.want.tsigs[%d] (%s): \"secret_env\" and \"secret_sha256\" go together; the file was edited: make a new plan", name, i, clip(t.Name))
		}
		if t.SecretSHA256 != "" && !isSHA256(t.SecretSHA256) {
			return fmt.Errorf("%s: account.want.tsigs[%d] (%s): secret_sha256 is not a SHA-256 in hex", name, i, clip(t.Name))
		}
	}
	dup := func(kind string, names []string) error {
		seen := map[string]bool{}
		for i, n := range names {
			if seen[n] {
				return fmt.Errorf("%s: account.want.%s[%d]: %q appears twice", name, kind, i, clip(n))
			}
			seen[n] = true
		}
		return nil
	}
	var tn, pn, an []string
	for _, t := range sa.Want.TSIGs {
		tn = append(tn, t.Name)
	}
	for _, p := range sa.Want.Peers {
		pn = append(pn, p.Name)
	}
	for _, a := range sa.Want.ACLs {
		an = append(an, a.Name)
	}
	for _, err := range []error{dup("tsigs", tn), dup("peers", pn), dup("acls", an)} {
		if err != nil {
			return err
		}
	}
	for i, st := range sa.Steps {
		where := fmt.Sprintf("%s: account.steps[%d]", name, i)
		var wanted bool
		switch st.Kind {
		case secondarydns.KindTSIG:
			wanted = slices.Contains(tn, st.Name)
		case secondarydns.KindPeer:
			wanted = slices.Contains(pn, st.Name)
		case secondarydns.KindACL:
			wanted = slices.Contains(an, st.Name)
		default:
			return fmt.Errorf("%s: unknown kind %q (want \"tsig\", \"peer\" or \"acl\")", where, clip(string(st.Kind)))
		}
		switch st.Action {
		case secondarydns.ActionCreate, secondarydns.ActionUpdate, secondarydns.ActionDelete:
		default:
			return fmt.Errorf("%s: unknown action %q (want \"create\", \"update\" or \"delete\")", where, clip(string(st.Action)))
		}
		if !wanted {
			return &editedError{fmt.Sprintf("%s: %s %q is not in the plan's \"want\": the file was edited; nothing was sent. Make a new plan with 'secondarydns plan --out'", where, st.Kind, clip(st.Name))}
		}
	}
	return nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// file is the saved want as a format-2 file's account part (no zones), for
// the checks and the step descriptions.
func (sa *savedAccount) file(name string) *file2 {
	f := &file2{name: name, account: sa.AccountID, tsigs: map[string]tsigEntry{}, peers: map[string]peerEntry{}, acls: map[string]aclEntry{}}
	for _, t := range sa.Want.TSIGs {
		f.tsigs[t.Name] = tsigEntry{algo: t.Algo, secretEnv: t.SecretEnv, absent: t.Absent, line: 1}
	}
	for _, p := range sa.Want.Peers {
		f.peers[p.Name] = peerEntry{want: secondarydns.DesiredPeer{IP: p.IP, Port: p.Port, IXFREnable: p.IXFREnable, TSIG: p.TSIG, Absent: p.Absent}, line: 1}
	}
	for _, a := range sa.Want.ACLs {
		f.acls[a.Name] = aclEntry{want: secondarydns.DesiredACL{IPRange: a.IPRange, Absent: a.Absent}, line: 1}
	}
	return f
}

// savedSecrets reads each wanted TSIG's secret from its secret_env again
// and checks it against the plan's SHA-256: exit 2, before any request,
// when it is unset or changed.
func (a *app) savedSecrets(name string, sa *savedAccount) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range sa.Want.TSIGs {
		if t.SecretEnv == "" {
			continue
		}
		s := a.env(t.SecretEnv)
		switch {
		case s == "":
			return nil, fmt.Errorf("%s: TSIG %q: $%s is not set or is empty; set it to the secret the plan was made with; nothing was sent", name, clip(t.Name), t.SecretEnv)
		case secretSum(s) != t.SecretSHA256:
			return nil, fmt.Errorf("%s: TSIG %q: $%s no longer holds the secret the plan was made with (its SHA-256 differs); nothing was sent. Set it back, or make a new plan", name, clip(t.Name), t.SecretEnv)
		}
		out[t.Name] = s
	}
	return out, nil
}

// refuseSaved2 is refuseSaved for a version-2 plan: account deletes count
// as destroying.
func (a *app) refuseSaved2(sp *savedPlan) int {
	var destroy []string
	todo := len(sp.Account.Steps)
	for _, st := range sp.Account.Steps {
		if st.Action == secondarydns.ActionDelete {
			destroy = append(destroy, fmt.Sprintf("%s %s (delete)", st.Kind, st.Name))
		}
	}
	for _, z := range sp.Zones {
		if len(z.Actions) > 0 {
			todo++
		}
		if why := savedDestroys(z); why != "" {
			destroy = append(destroy, destroyEntry(z.ZoneID, z.header(), why))
		}
	}
	switch {
	case len(destroy) > 0 && !a.allowDestroy:
		return a.inputError(destroyRefusal2(destroy, "nothing was sent", !a.yes && !a.stdinTTY))
	case todo > 0 && !a.yes && !a.stdinTTY:
		return a.inputError(noTerminalRefusal("apply", "nothing was sent"))
	}
	return -1
}

// runApplySaved2 is apply --plan for a version-2 plan: the secrets are
// checked, the account is re-read (its three lists) and compared with what
// the plan read, the zones are re-read as for version 1, and then the
// plan runs as apply -f runs a format-2 file, but for what changed since
// it was made and what depends on that (skipStale).
func (a *app) runApplySaved2(sp *savedPlan) int {
	name := a.planFile
	if name == "-" {
		name = "<stdin>"
	}
	sa := sp.Account
	if code := a.refuseSaved2(sp); code >= 0 {
		return code
	}
	account, code := a.needAccount(sa.AccountID)
	if code >= 0 {
		return code
	}
	secrets, err := a.savedSecrets(name, sa)
	if err != nil {
		return a.inputError(err.Error())
	}
	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()
	f := sa.file(name)
	fresh, err := c.PlanAccount(ctx, account, f.accountDesired(secrets))
	if a.cutByTimeout(err) {
		return a.failure(exitFailed, a.timeoutWhile("re-reading the account", "no zone was read, nothing was changed"))
	}
	if err != nil {
		return a.failure(exitFailed, replanError(ctx, c, account, sa, err))
	}
	// What changed since the plan is not run, per object (skipStale); the
	// steps of the others must be what the plan's want gives, else the
	// file was edited.
	stale := staleObjects(sa, fresh)
	wantTSIG := map[string]string{}
	for _, p := range sa.Want.Peers {
		wantTSIG[p.Name] = p.TSIG
	}
	settled := func(steps []savedStep) []savedStep {
		var out []savedStep
		for _, st := range steps {
			_, isStale := stale[objKey{st.Kind, st.Name}]
			_, tsigStale := stale[objKey{secondarydns.KindTSIG, wantTSIG[st.Name]}]
			if !isStale && !(st.Kind == secondarydns.KindPeer && tsigStale) {
				out = append(out, st)
			}
		}
		return out
	}
	var got []savedStep
	for _, st := range fresh.Steps {
		got = append(got, savedStep{Kind: st.Kind, Name: st.Name, Action: st.Action, ID: st.ID})
	}
	if !slices.Equal(settled(got), settled(sa.Steps)) {
		return a.inputError(fmt.Sprintf("%s: the account's steps %s are not what its \"want\" and \"read\" give (%s): the file was edited; nothing was changed. Make a new plan with 'secondarydns plan --out'",
			name, stepList(sa.Steps), stepList(got)))
	}
	// The plan runs the saved steps (the plan confirmed), checked against
	// the objects as read now: those the steps touch are as the plan read
	// them, or their steps are not run.
	acct := *fresh
	acct.Steps = nil
	for _, st := range sa.Steps {
		acct.Steps = append(acct.Steps, secondarydns.Step{Kind: st.Kind, Name: st.Name, Action: st.Action, ID: st.ID})
	}
	r := &resolved{file: f, account: account, acct: &acct, zones: map[string]secondarydns.Desired{}, newPeers: map[string]string{}, secrets: secrets}
	for _, st := range sa.Steps {
		if st.Kind == secondarydns.KindPeer && st.Action == secondarydns.ActionCreate {
			r.newPeers[placeholder(len(r.newPeers))] = st.Name
		}
	}
	outs, err := a.replan(ctx, c, sp)
	var edited *editedError
	if errors.As(err, &edited) {
		return a.inputError(err.Error())
	}
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	keepSavedOrder(outs, sp)
	r.skipStale(sa, stale, outs)
	return a.apply2(ctx, c, r, outs)
}

// replanError is the message when the account's plan cannot be made
// again. What the plan's want refers to may have changed so that it can
// no longer be planned at all (a TSIG a peer names deleted, a second ACL
// of a name): then the three lists are read once more and compared with
// the plan's reads, and the message names what changed since the plan
// was made, instead of the SDK's invalid input, which would read as a
// fault of the plan's. The whole plan is refused then: no step or zone
// of it runs.
func replanError(ctx context.Context, c *secondarydns.Client, account string, sa *savedAccount, err error) string {
	msg := fmt.Sprintf("re-reading the account: %s; nothing was changed", unprefixed(err.Error()))
	if !errors.Is(err, secondarydns.ErrInvalidInput) {
		return msg
	}
	now := &secondarydns.AccountPlan{}
	var lerr error
	if now.TSIGs, lerr = c.TSIGs.List(ctx, account); lerr != nil {
		return msg
	}
	if now.Peers, lerr = c.Peers.List(ctx, account); lerr != nil {
		return msg
	}
	if now.ACLs, lerr = c.ACLs.List(ctx, account); lerr != nil {
		return msg
	}
	stale := staleObjects(sa, now)
	if len(stale) == 0 {
		return msg
	}
	var what []string
	for _, k := range sortedObjKeys(stale) {
		what = append(what, fmt.Sprintf("%s %s %s", k.kind, clip(k.name), stale[k]))
	}
	return fmt.Sprintf("the account changed since the plan was made (%s), and the plan can no longer run (%s); nothing was changed. Run plan again",
		strings.Join(what, "; "), unprefixed(reason(err, "")))
}

// stepList is the steps as "[create peer ns1, delete tsig old]".
func stepList(steps []savedStep) string {
	if len(steps) == 0 {
		return "[]" // "the account's steps [] are not what …"
	}
	s := make([]string, len(steps))
	for i, st := range steps {
		s[i] = fmt.Sprintf("%s %s %s", st.Action, st.Kind, st.Name)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// objKey names an account object: its kind and its name.
type objKey struct {
	kind secondarydns.ObjectKind
	name string
}

// staleObjects says how each object the plan manages (the names in its
// want, and the TSIGs its peers name) differs between the plan's read and
// now ("was changed since the plan was made", …); those that do not differ are not
// in it. A secret compares as "the wanted one or not" (hashedTSIGs); a
// hash an older plan kept otherwise (of every TSIG's read secret) is
// ignored, so that such a plan still loads and compares alike.
func staleObjects(sa *savedAccount, now *secondarydns.AccountPlan) map[objKey]string {
	hashed := hashedTSIGs(sa.Want)
	cur := readObjects(now, hashed)
	then := sa.Read
	then.TSIGs = slices.Clone(then.TSIGs)
	for i := range then.TSIGs {
		if sum, ok := hashed[then.TSIGs[i].Name]; !ok || then.TSIGs[i].SecretSHA256 != sum {
			then.TSIGs[i].SecretSHA256 = ""
		}
	}
	tsigs, peers, acls := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, t := range sa.Want.TSIGs {
		tsigs[t.Name] = true
	}
	for _, p := range sa.Want.Peers {
		peers[p.Name] = true
		if p.TSIG != "" {
			tsigs[p.TSIG] = true
		}
	}
	for _, a := range sa.Want.ACLs {
		acls[a.Name] = true
	}
	out := map[objKey]string{}
	diffNamed(out, secondarydns.KindTSIG, tsigs, then.TSIGs, cur.TSIGs, func(t savedTSIG) string { return t.Name })
	diffNamed(out, secondarydns.KindPeer, peers, sa.Read.Peers, cur.Peers, func(p savedPeer) string { return p.Name })
	diffNamed(out, secondarydns.KindACL, acls, sa.Read.ACLs, cur.ACLs, func(a savedACL) string { return a.Name })
	return out
}

// diffNamed compares, for each name in names, the objects of that name as
// read then and now, and puts those that differ in out.
func diffNamed[T comparable](out map[objKey]string, kind secondarydns.ObjectKind, names map[string]bool, then, now []T, nameOf func(T) string) {
	for _, n := range sortedKeys(names) {
		var a, b []T
		for _, x := range then {
			if nameOf(x) == n {
				a = append(a, x)
			}
		}
		for _, x := range now {
			if nameOf(x) == n {
				b = append(b, x)
			}
		}
		k := objKey{kind, n}
		switch {
		case len(a) == 0 && len(b) > 0:
			out[k] = "was created since the plan was made"
		case len(a) > 0 && len(b) == 0:
			out[k] = "was deleted since the plan was made"
		case len(a) != len(b):
			out[k] = fmt.Sprintf("now has %d of that name, not %d", len(b), len(a))
		default:
			for _, x := range a {
				if !slices.Contains(b, x) {
					out[k] = "was changed since the plan was made"
					break
				}
			}
		}
	}
}

// staleStepError is an account step apply --plan does not run: its object
// changed since the plan was made.
type staleStepError struct{ what string } // "peer ns1 was changed since the plan was made"

func (e *staleStepError) Error() string { return e.what + "; not touched" }

// Is makes errors.Is(err, secondarydns.ErrStale) hold, as for a stale zone.
func (e *staleStepError) Is(target error) bool { return target == secondarydns.ErrStale }

// dependsError is a zone apply --plan does not touch: it uses a peer that
// is stale, or whose create does not run.
type dependsError struct{ on string }

func (e *dependsError) Error() string { return "depends on " + e.on + "; not touched" }

// Is makes the zone count as stale: run plan again to see what is left.
func (e *dependsError) Is(target error) bool { return target == secondarydns.ErrStale }

// skipStale decides, after the account was re-read, what of a saved plan
// does not run, per object, as a changed zone is not touched while the
// rest runs: the step of a stale object (r.skip: "stale"); a step that
// depends on a stale object or on a step not run (a peer's create or
// update whose TSIG is stale or not created or updated: it would be sent
// with a wrong TSIG ID; a TSIG's delete while a peer that used it is not
// changed as planned); and a zone whose wanted peers include a stale peer
// or one whose create does not run (outs[i].err). Stale objects with no
// step go in r.staleOnly: shown, reported and counted as failed as a stale
// step is. A peer with no step whose wanted TSIG is stale is blocked too
// (the peer in the account no longer uses the TSIG the plan saw), so the
// zones using it are not touched.
func (r *resolved) skipStale(sa *savedAccount, stale map[objKey]string, outs []outcome) {
	r.skip = stepErrs{}
	// blocked says, for each object whose state is not the one planned,
	// how its dependents name it.
	blocked := map[objKey]string{}
	for k, what := range stale {
		blocked[k] = fmt.Sprintf("stale %s %s, which %s", k.kind, clip(k.name), what)
	}
	hasStep := map[objKey]bool{}
	for _, st := range sa.Steps {
		hasStep[objKey{st.Kind, st.Name}] = true
	}
	for _, k := range sortedObjKeys(stale) {
		if !hasStep[k] {
			r.staleOnly = append(r.staleOnly, staleObject{kind: k.kind, name: k.name, id: readID(sa.Read, k), what: stale[k]})
		}
	}
	wantTSIG := map[string]string{} // peer name → its TSIG's name
	for _, p := range sa.Want.Peers {
		wantTSIG[p.Name] = p.TSIG
	}
	for _, p := range sa.Want.Peers {
		k := objKey{secondarydns.KindPeer, p.Name}
		on := blocked[objKey{secondarydns.KindTSIG, p.TSIG}]
		if p.TSIG != "" && on != "" && !hasStep[k] && blocked[k] == "" {
			blocked[k] = fmt.Sprintf("peer %s, which depends on %s", clip(p.Name), on)
		}
	}
	peersNamed := func(name string) []savedPeer {
		var out []savedPeer
		for _, p := range slices.Concat(sa.Read.Peers, readObjects(r.acct, nil).Peers) {
			if p.Name == name {
				out = append(out, p)
			}
		}
		return out
	}
	for i, st := range sa.Steps {
		k := objKey{st.Kind, st.Name}
		if what, ok := stale[k]; ok {
			r.skip[i] = &staleStepError{fmt.Sprintf("%s %s %s", st.Kind, clip(st.Name), what)}
			continue
		}
		var on string
		switch {
		case st.Kind == secondarydns.KindPeer && st.Action != secondarydns.ActionDelete && wantTSIG[st.Name] != "":
			on = blocked[objKey{secondarydns.KindTSIG, wantTSIG[st.Name]}]
		case st.Kind == secondarydns.KindTSIG && st.Action == secondarydns.ActionDelete:
			for _, pk := range sortedObjKeys(blocked) {
				if pk.kind != secondarydns.KindPeer {
					continue
				}
				for _, p := range peersNamed(pk.name) {
					if p.TSIGID == st.ID && on == "" {
						on = blocked[pk]
					}
				}
			}
		}
		if on != "" {
			r.skip[i] = &notRunError{"depends on " + on}
			blocked[k] = fmt.Sprintf("%s %s, which depends on %s", st.Kind, clip(st.Name), on)
		}
	}
	readName := map[string]string{} // peer ID → name, as the plan read
	for _, p := range sa.Read.Peers {
		readName[p.ID] = p.Name
	}
	for i, o := range outs {
		if o.err != nil || o.plan == nil || o.plan.InSync() {
			continue
		}
		for _, id := range o.plan.Want.Peers {
			name, ok := r.newPeers[id]
			if !ok {
				name = readName[id]
			}
			if on := blocked[objKey{secondarydns.KindPeer, name}]; name != "" && on != "" {
				outs[i].err = &dependsError{on}
				break
			}
		}
	}
}

// staleObject is an object that changed since a saved plan was made and
// that the plan has no step for: it is reported as a stale step is.
type staleObject struct {
	kind     secondarydns.ObjectKind
	name, id string // id: as the plan read it ("" when it read none or several)
	what     string // "was changed since the plan was made"
}

func (o staleObject) String() string { return fmt.Sprintf("%s %s %s", o.kind, clip(o.name), o.what) }

// readID is the ID of the one object of k's kind and name the plan read,
// or "" when it read none or several.
func readID(read savedObjects, k objKey) string {
	var ids []string
	switch k.kind {
	case secondarydns.KindTSIG:
		for _, t := range read.TSIGs {
			if t.Name == k.name {
				ids = append(ids, t.ID)
			}
		}
	case secondarydns.KindPeer:
		for _, p := range read.Peers {
			if p.Name == k.name {
				ids = append(ids, p.ID)
			}
		}
	case secondarydns.KindACL:
		for _, a := range read.ACLs {
			if a.Name == k.name {
				ids = append(ids, a.ID)
			}
		}
	}
	if len(ids) != 1 {
		return ""
	}
	return ids[0]
}

func sortedObjKeys[V any](m map[objKey]V) []objKey {
	keys := make([]objKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y objKey) int {
		if c := strings.Compare(string(x.kind), string(y.kind)); c != 0 {
			return c
		}
		return strings.Compare(x.name, y.name)
	})
	return keys
}

// writePlanFile writes a saved plan to path, atomically (see
// writeAtomic), and returns the file's SHA-256.
func writePlanFile(path string, sp savedPlan) (string, error) {
	var buf bytes.Buffer
	writeJSON(&buf, sp)
	sum, err := writeAtomic(path, buf.Bytes())
	if err != nil {
		return "", fmt.Errorf("saving the plan: %w", err)
	}
	return sum, nil
}

// keepSavedOrder puts the zones of a version-2 plan back in the plan's
// order (replan sorts them by ID): by name when the file keyed zones by
// name (the order plan showed and saved), so that apply --plan reports
// them as plan did.
func keepSavedOrder(outs []outcome, sp *savedPlan) {
	at := make(map[string]int, len(sp.Zones))
	for i, z := range sp.Zones {
		at[z.ZoneID] = i
	}
	slices.SortStableFunc(outs, func(x, y outcome) int { return at[x.id] - at[y.id] })
}
