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
// Never a secret: a TSIG's secret, wanted or read, is kept as its SHA-256.
// apply --plan reads the wanted secret from its secret_env again and
// refuses the plan (exit 2, before any request) when its SHA-256 differs.
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
	sa.Read = readObjects(p)
	for _, st := range p.Steps {
		sa.Steps = append(sa.Steps, savedStep{Kind: st.Kind, Name: st.Name, Action: st.Action, ID: st.ID})
	}
	return sa
}

// readObjects is what an account plan read, as a saved plan keeps it.
func readObjects(p *secondarydns.AccountPlan) savedObjects {
	o := savedObjects{TSIGs: []savedTSIG{}, Peers: []savedPeer{}, ACLs: []savedACL{}}
	for _, t := range p.TSIGs {
		o.TSIGs = append(o.TSIGs, savedTSIG{ID: t.ID, Name: t.Name, Algo: t.Algo, SecretSHA256: secretSum(t.Secret)})
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
			destroy = append(destroy, fmt.Sprintf("%s (%s)", z.ZoneID, why))
		}
	}
	switch {
	case len(destroy) > 0 && !a.allowDestroy:
		return a.inputError(destroyRefusal2(destroy, "nothing was sent"))
	case todo > 0 && !a.yes && !a.stdinTTY:
		return a.inputError("standard input is not a terminal: pass --yes to apply without confirmation; nothing was sent")
	}
	return -1
}

// runApplySaved2 is apply --plan for a version-2 plan: the secrets are
// checked, the account is re-read (its three lists) and compared with what
// the plan read, the zones are re-read as for version 1, and then the
// plan runs as apply -f runs a format-2 file.
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
	if err != nil {
		return a.failure(exitFailed, fmt.Sprintf("re-reading the account: %s; nothing was changed", unprefixed(err.Error())))
	}
	if why := accountChanged(sa, fresh); why != "" {
		return a.failure(exitFailed, fmt.Sprintf("the account's objects changed since the plan was made: %s; nothing was changed. Make a new plan with 'secondarydns plan --out'", why))
	}
	var got []savedStep
	for _, st := range fresh.Steps {
		got = append(got, savedStep{Kind: st.Kind, Name: st.Name, Action: st.Action, ID: st.ID})
	}
	if !slices.Equal(got, sa.Steps) {
		return a.inputError(fmt.Sprintf("%s: the account's steps %s are not what its \"want\" and \"read\" give (%s): the file was edited; nothing was changed. Make a new plan with 'secondarydns plan --out'",
			name, stepList(sa.Steps), stepList(got)))
	}
	r := &resolved{file: f, account: account, acct: fresh, zones: map[string]secondarydns.Desired{}, newPeers: map[string]string{}, secrets: secrets}
	for _, st := range fresh.Steps {
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
	return a.apply2(ctx, c, r, outs)
}

// stepList is the steps as "[create peer ns1, delete tsig old]".
func stepList(steps []savedStep) string {
	if len(steps) == 0 {
		return "no step"
	}
	s := make([]string, len(steps))
	for i, st := range steps {
		s[i] = fmt.Sprintf("%s %s %s", st.Action, st.Kind, st.Name)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// accountChanged says how the objects the plan manages (the names in its
// want, and the TSIGs its peers name) differ between the plan's read and
// now, or "" when they do not. Secrets compare by their SHA-256.
func accountChanged(sa *savedAccount, now *secondarydns.AccountPlan) string {
	cur := readObjects(now)
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
	var why []string
	why = append(why, diffNamed("tsig", tsigs, sa.Read.TSIGs, cur.TSIGs, func(t savedTSIG) string { return t.Name })...)
	why = append(why, diffNamed("peer", peers, sa.Read.Peers, cur.Peers, func(p savedPeer) string { return p.Name })...)
	why = append(why, diffNamed("acl", acls, sa.Read.ACLs, cur.ACLs, func(a savedACL) string { return a.Name })...)
	return strings.Join(why, "; ")
}

// diffNamed compares, for each name in names, the objects of that name as
// read then and now.
func diffNamed[T comparable](kind string, names map[string]bool, then, now []T, nameOf func(T) string) []string {
	var why []string
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
		switch {
		case len(a) == 0 && len(b) > 0:
			why = append(why, fmt.Sprintf("%s %s was created", kind, clip(n)))
		case len(a) > 0 && len(b) == 0:
			why = append(why, fmt.Sprintf("%s %s was deleted", kind, clip(n)))
		case len(a) != len(b):
			why = append(why, fmt.Sprintf("%s %s: %d of that name, not %d", kind, clip(n), len(b), len(a)))
		default:
			for _, x := range a {
				if !slices.Contains(b, x) {
					why = append(why, fmt.Sprintf("%s %s was changed", kind, clip(n)))
					break
				}
			}
		}
	}
	return why
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
