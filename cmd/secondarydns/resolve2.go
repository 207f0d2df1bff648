package main

// Resolving a format-2 file against the account: its zone names become
// zone IDs (one Zones.List), its peer names peer IDs (the peers list
// PlanAccount reads anyway), and the account's objects a plan. Nothing
// else is read here: a name that does not resolve is exit 2 after these
// lookups, before any zone is read or anything written.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// inputErr is an error of the file or its names found after the lookups:
// exit 2, nothing written.
type inputErr struct{ msg string }

func (e *inputErr) Error() string { return e.msg }

// resolved is a format-2 file resolved against the account.
type resolved struct {
	file    *file2
	account string
	acct    *secondarydns.AccountPlan
	zones   map[string]secondarydns.Desired // by zone ID; a peer still to create as its placeholder
	// newPeers maps each placeholder to the name of the peer a step
	// creates: zones that use it plan with the placeholder and run with
	// the ID the create gave (AccountPlan.PeerID).
	newPeers map[string]string
	// listed says whether Zones.List was read (the file names an account,
	// or a zone by name): then unmanaged holds the account's zones the
	// file does not mention, by name. They are reported only when the
	// file itself names the account (reportUnmanaged): a file naming
	// zones for --account manages those zones, not the account.
	listed          bool
	reportUnmanaged bool
	unmanaged       []string
	secrets         map[string]string // TSIG name → secret, from its secret_env
	// skip holds, by index in acct.Steps, the steps apply --plan shows
	// but does not run: stale since the plan was made, or depending on
	// one that is (see skipStale). staleOnly lists the stale objects the
	// plan has no step for ("peer bind-a was changed since the plan was
	// made"), shown in the plan and reported as failed.
	skip      stepErrs
	staleOnly []staleObject
	// orderName is, when the file keys a zone by name, the name each zone
	// is reported by (its key, or the "name" of one keyed by ID), by zone
	// ID: the report then goes by name (orderByName). nil otherwise: by
	// ID, as format 1.
	orderName map[string]string
}

// placeholder is the stand-in peer ID of the i-th peer a plan creates. It
// is a valid ID (the SDK plans the zones with it) that no Cloudflare ID
// looks like (those are 32 hex digits), and no placeholder is a prefix of
// another ("-" ends each).
func placeholder(i int) string { return "new-peer-" + strconv.Itoa(i+1) + "-" }

// secretsOf reads each TSIG's secret from its secret_env. An unset or
// empty variable, or one that does not hold standard base64, is exit 2;
// the message never holds the value.
func (a *app) secretsOf(f *file2) (map[string]string, error) {
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, n := range sortedKeys(f.tsigs) {
		t := f.tsigs[n]
		if t.secretEnv == "" {
			continue
		}
		p := path2("tsigs", n, "secret_env", 0)
		s := a.env(t.secretEnv)
		if s == "" {
			return nil, errorAt(f.name, t.line, p, "$%s is not set or is empty; set it to the key's secret (standard base64)", t.secretEnv)
		}
		want := secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{n: {Algo: t.algo, Secret: s}}}
		if _, err := v.c.PlanAccount(context.Background(), validAccount, want); errors.Is(err, secondarydns.ErrInvalidInput) {
			return nil, errorAt(f.name, t.line, p, "$%s: %s", t.secretEnv, objectReason(err))
		}
		out[n] = s
	}
	return out, nil
}

// accountDesired is the file's account objects with their secrets.
func (f *file2) accountDesired(secrets map[string]string) secondarydns.AccountDesired {
	want := secondarydns.AccountDesired{}
	if len(f.tsigs) > 0 {
		want.TSIGs = map[string]secondarydns.DesiredTSIG{}
		for n, t := range f.tsigs {
			want.TSIGs[n] = secondarydns.DesiredTSIG{Algo: t.algo, Secret: secrets[n], Absent: t.absent}
		}
	}
	if len(f.peers) > 0 {
		want.Peers = map[string]secondarydns.DesiredPeer{}
		for n, p := range f.peers {
			want.Peers[n] = p.want
		}
	}
	if len(f.acls) > 0 {
		want.ACLs = map[string]secondarydns.DesiredACL{}
		for n, x := range f.acls {
			want.ACLs[n] = x.want
		}
	}
	return want
}

// resolve reads the account's zone list (when the file names the account
// or a zone by name) and its three object lists (PlanAccount), and turns
// the file into zone desired states by ID. An *inputErr is the file's
// fault (exit 2); another error is a failed request (exit 1).
func (a *app) resolve(ctx context.Context, c *secondarydns.Client, f *file2, account string, secrets map[string]string) (*resolved, error) {
	r := &resolved{file: f, account: account, zones: map[string]secondarydns.Desired{}, newPeers: map[string]string{}, secrets: secrets}
	var listed []secondarydns.Zone
	r.reportUnmanaged = f.accountLine > 0
	r.listed = r.reportUnmanaged || slices.ContainsFunc(f.zones, func(z zoneEntry) bool { return z.byName })
	if r.listed {
		var err error
		if listed, err = c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: account}); err != nil {
			return nil, fmt.Errorf("listing the account's zones: %w", err)
		}
	}
	acct, err := c.PlanAccount(ctx, account, f.accountDesired(secrets))
	if errors.Is(err, secondarydns.ErrInvalidInput) {
		return nil, &inputErr{f.locate(err) + "; nothing was written"}
	}
	if err != nil {
		return nil, err
	}
	r.acct = acct

	// The peers the plan creates get placeholders; those it deletes may
	// not be named by a zone.
	creating := map[string]string{}
	deleting := map[string]string{} // ID → name
	for _, st := range acct.Steps {
		if st.Kind != secondarydns.KindPeer {
			continue
		}
		switch st.Action {
		case secondarydns.ActionCreate:
			ph := placeholder(len(creating))
			creating[st.Name] = ph
			r.newPeers[ph] = st.Name
		case secondarydns.ActionDelete:
			deleting[st.ID] = st.Name
		}
	}
	// peerID resolves one peer entry: an entry that names no peer is
	// collected in bad with its "did you mean" left to compute (see
	// nameErrs.err), the other errors are returned.
	peerID := func(line int, path, e string, bad *nameErrs) (string, error) {
		if fp, ok := f.peers[e]; ok && !fp.want.Absent {
			if ph, ok := creating[e]; ok {
				return ph, nil
			}
			if id, ok := acct.PeerID(e); ok {
				return id, nil
			}
		}
		var byName, byID []secondarydns.Peer
		for _, p := range acct.Peers {
			if p.Name == e {
				byName = append(byName, p)
			}
			if p.ID == e {
				byID = append(byID, p)
			}
		}
		var id string
		switch {
		case len(byName) > 1:
			return "", errorAt(f.name, line, path, "peer name %q is ambiguous: the account has %d peers of that name (%s and %s); use the peer's ID, or rename one", clip(e), len(byName), byName[0].ID, byName[1].ID)
		case len(byName) == 1 && len(byID) == 1 && byName[0].ID != byID[0].ID:
			return "", errorAt(f.name, line, path, "%q is ambiguous: it is the name of peer %s and the ID of peer %q; rename one", clip(e), byName[0].ID, clip(byID[0].Name))
		case len(byName) == 1:
			id = byName[0].ID
		case len(byID) == 1:
			id = byID[0].ID
		default:
			hint := func() string {
				names := slices.Collect(func(yield func(string) bool) {
					for n := range f.peers {
						if !yield(n) {
							return
						}
					}
					for _, p := range acct.Peers {
						if !yield(p.Name) {
							return
						}
					}
				})
				if s := closestExact(e, names); s != "" {
					return fmt.Sprintf("; did you mean %q?", s)
				}
				return ""
			}
			bad.addName(line, path, fmt.Sprintf("%q is neither a peer in \"peers\" nor a peer of account %s (by name or ID)", clip(e), account), hint, false)
			return "", nil
		}
		if name, ok := deleting[id]; ok {
			return "", errorAt(f.name, line, path, "names peer %q, which \"peers\" marks absent; drop it from the list", clip(name))
		}
		return id, nil
	}
	// Every name that does not resolve is collected, so that one exit 2
	// names them all (a file of 200 zones with 3 typos needs one run, not
	// three).
	var bad nameErrs
	resolvePeers := func(line int, path string, entries []string) []string {
		out := make([]string, 0, len(entries))
		for i, e := range entries {
			id, err := peerID(line, fmt.Sprintf("%s[%d]", path, i), e, &bad)
			if err != nil {
				bad.add(line, err)
			}
			out = append(out, id)
		}
		return out
	}
	var defPeers []string
	if f.defPeers != nil {
		defPeers = resolvePeers(f.defLine, "defaults.peers", f.defPeers)
	}

	ids := f.resolveZones(account, listed, &bad)
	seen := make(map[string]bool, len(ids))
	if slices.ContainsFunc(f.zones, func(z zoneEntry) bool { return z.byName }) {
		r.orderName = map[string]string{}
	}
	for i, z := range f.zones {
		p := path2("zones", z.key, "", 0)
		id := ids[i]
		if id == "" {
			continue // in bad
		}
		seen[id] = true
		if r.orderName != nil {
			r.orderName[id] = z.name
			if z.byName {
				r.orderName[id] = z.key
			}
		}
		if z.absent {
			r.zones[id] = secondarydns.Desired{Absent: true}
			continue
		}
		want := secondarydns.Desired{Name: z.name, Status: z.status, Peers: defPeers}
		if want.Status == "" {
			want.Status = f.defStatus
		}
		if z.hasPeers {
			want.Peers = resolvePeers(z.line, p+".peers", z.peers)
		}
		if want.Peers == nil {
			want.Peers = []string{}
		}
		r.zones[id] = want
	}
	if err := bad.err(f.name, len(listed)); err != nil {
		return nil, err
	}
	if r.listed {
		r.unmanaged = []string{}
		for _, z := range listed {
			if !seen[z.ID] {
				r.unmanaged = append(r.unmanaged, z.Name)
			}
		}
		slices.Sort(r.unmanaged)
	}
	return r, nil
}

// zoneIDs resolves each zone of the file, in the file's order, to its ID: a
// zone keyed by name through listed, the account's zone list (plan and
// verify read it the same way). Names the account does not have, or has
// twice, and a zone given twice (by name and by ID) are one *inputErr
// naming all of them (nameErrs).
func (f *file2) zoneIDs(account string, listed []secondarydns.Zone) ([]string, error) {
	var bad nameErrs
	ids := f.resolveZones(account, listed, &bad)
	if err := bad.err(f.name, len(listed)); err != nil {
		return nil, err
	}
	return ids, nil
}

// resolveZones is zoneIDs collecting into bad: a zone that does not
// resolve has the ID "".
func (f *file2) resolveZones(account string, listed []secondarydns.Zone, bad *nameErrs) []string {
	byName := map[string][]secondarydns.Zone{}
	for _, z := range listed {
		byName[normName(z.Name)] = append(byName[normName(z.Name)], z)
	}
	type place struct {
		key  string
		line int
	}
	seen := map[string]place{}
	ids := make([]string, 0, len(f.zones))
	for _, z := range f.zones {
		p := path2("zones", z.key, "", 0)
		id := z.key
		if z.byName {
			found := byName[normName(z.key)]
			switch len(found) {
			case 0:
				hint := func() string {
					if s := closestZone(z.key, listed); s != "" {
						return fmt.Sprintf("; did you mean %q?", s)
					}
					return ""
				}
				bad.addName(z.line, p, fmt.Sprintf("account %s has no zone named %q", account, clip(z.key)), hint, true)
				ids = append(ids, "")
				continue
			case 1:
				id = found[0].ID
			default:
				bad.add(z.line, errorAt(f.name, z.line, p, "account %s has %d zones named %q (%s and %s); key the zone by its ID", account, len(found), clip(z.key), found[0].ID, found[1].ID))
				ids = append(ids, "")
				continue
			}
		}
		if first, dup := seen[id]; dup {
			bad.add(z.line, errorAt(f.name, z.line, p, "the same zone (%s) as zones[%q] on line %d: a zone appears once, by name or by ID", id, clip(first.key), first.line))
			ids = append(ids, "")
			continue
		}
		seen[id] = place{z.key, z.line}
		ids = append(ids, id)
	}
	return ids
}

// maxNamesListed is how many names that do not resolve one message lists
// ("… and 12 more"); a hint is searched for those only, once they are in
// the file's order (see nameErrs.err).
const maxNamesListed = 10

// nameErrs collects the file's names that do not resolve against the
// account: exit 2 for all of them at once, after the lookups.
type nameErrs struct {
	errs      []nameErr
	zoneNames bool // some are zone names: the message says how they were checked
}

// nameErr is one, at line: err (FILE:LINE: PATH: why), or a name that
// names nothing (line, path, msg and its "; did you mean" hint apart: the
// zone list's size goes between them for a zone, and the hint, a search
// over every zone or peer name, is made only for the names listed).
type nameErr struct {
	err       error
	line      int
	path, msg string
	hint      func() string
	zone      bool // a zone name the account does not have
}

func (b *nameErrs) add(line int, err error) {
	b.errs = append(b.errs, nameErr{err: err, line: line})
}

// addName collects a zone name (zone) or a peer entry that names nothing.
func (b *nameErrs) addName(line int, path, msg string, hint func() string, zone bool) {
	b.zoneNames = b.zoneNames || zone
	b.errs = append(b.errs, nameErr{line: line, path: path, msg: msg, hint: hint, zone: zone})
}

// err is the one message for every name collected (nil for none): for
// one, its own message ("FILE:LINE: PATH: account … has no zone named …
// (checked with the zone list: N zones); did you mean …?; nothing was
// read or written"); for several, "FILE: N names in the file do not
// resolve (…); nothing was read or written: line LINE: PATH: why; …; and
// M more", the first maxNamesListed of them in the file's order. listed
// is the zone list's length, said when a zone name did not resolve.
func (b *nameErrs) err(file string, listed int) error {
	if len(b.errs) == 0 {
		return nil
	}
	const nothing = "; nothing was read or written"
	// Zone keys are collected before the zones' peer entries: the
	// message goes in the file's order.
	slices.SortStableFunc(b.errs, func(x, y nameErr) int { return x.line - y.line })
	// The hints of the names listed, now that they are the first in the
	// file's order: hinting in collection order (defaults' peers, zone
	// keys, zones' peers) could leave a listed name without its hint.
	hint := func(e nameErr) string {
		if e.hint == nil {
			return ""
		}
		return e.hint()
	}
	if len(b.errs) == 1 {
		e := b.errs[0]
		switch {
		case e.err != nil:
			return &inputErr{e.err.Error() + nothing}
		case !e.zone:
			return &inputErr{errorAt(file, e.line, e.path, "%s%s%s", e.msg, hint(e), nothing).Error()}
		}
		return &inputErr{errorAt(file, e.line, e.path, "%s (checked with the zone list: %d zones)%s%s", e.msg, listed, hint(e), nothing).Error()}
	}
	var parts []string
	for _, e := range b.errs[:min(len(b.errs), maxNamesListed)] {
		if e.err != nil {
			parts = append(parts, "line "+strings.TrimPrefix(e.err.Error(), file+":"))
			continue
		}
		parts = append(parts, fmt.Sprintf("line %d: %s: %s%s", e.line, e.path, e.msg, hint(e)))
	}
	more := ""
	if n := len(b.errs) - maxNamesListed; n > 0 {
		more = fmt.Sprintf("; and %d more", n)
	}
	checked := ""
	if b.zoneNames {
		checked = fmt.Sprintf(" (zone names checked with the zone list: %d zones)", listed)
	}
	return &inputErr{fmt.Sprintf("%s: %d names in the file do not resolve%s%s: %s%s", file, len(b.errs), checked, nothing, strings.Join(parts, "; "), more)}
}

// closestZone is the account's zone name nearest to name, as zone names
// compare (case and a trailing dot aside), if close; written with a
// trailing dot when name has one.
func closestZone(name string, zones []secondarydns.Zone) string {
	if len(name) > maxEcho {
		return ""
	}
	want := normName(name)
	best, bestD := "", 3
	for _, z := range zones {
		c := normName(z.Name)
		if len(c) > maxEcho || c == want || abs(len(c)-len(want)) >= bestD {
			continue
		}
		if d := distance(want, c); d < bestD {
			best, bestD = strings.TrimSuffix(z.Name, "."), d
		}
	}
	if best != "" && strings.HasSuffix(name, ".") {
		best += "."
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// orderByName sorts a report of a file that keys zones by name by the
// zones' names (as zone names compare; the ID breaks a tie), so that a
// file written z001…z200 reads z001…z200, not in the order of IDs. A
// zone the file gives no name (absent, keyed by ID) goes by the name
// read. Format 1, and a format-2 file keying every zone by ID, keep the
// ID order.
func (r *resolved) orderByName(outs []outcome) {
	if r.orderName == nil {
		return
	}
	key := func(o outcome) string {
		if n := r.orderName[o.id]; n != "" {
			return normName(n)
		}
		return normName(jsonZoneName(o))
	}
	slices.SortStableFunc(outs, func(x, y outcome) int {
		if c := strings.Compare(key(x), key(y)); c != 0 {
			return c
		}
		return strings.Compare(x.id, y.id)
	})
}

// closestExact is the candidate nearest to s (case counts: peer names are
// matched exactly), if close.
func closestExact(s string, candidates []string) string {
	if len(s) > maxEcho {
		return ""
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if len(c) > maxEcho || c == s {
			continue
		}
		if d := distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// secretSum is the SHA-256 of a secret, in hex: what a saved plan keeps
// instead of the secret.
func secretSum(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// withPeerIDs returns want with each placeholder replaced by the ID its
// peer's create gave (the account plan after its first half ran).
func (r *resolved) withPeerIDs(peers []string, acct *secondarydns.AccountPlan) ([]string, error) {
	out := slices.Clone(peers)
	for i, p := range out {
		name, ok := r.newPeers[p]
		if !ok {
			continue
		}
		id, ok := acct.PeerID(name)
		if !ok {
			return nil, fmt.Errorf("peer %q has no ID: its create did not run", name)
		}
		out[i] = id
	}
	return out, nil
}

// locate turns PlanAccount's ErrInvalidInput, which names the object
// (`peer "ns1": …`), into a message naming the file, the line and the
// field, in the file's words (secret_env, not Secret).
func (f *file2) locate(err error) string {
	msg := unprefixed(strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": "))
	msg = strings.ReplaceAll(msg, "give its Secret", `give it "secret_env"`)
	for _, k := range []struct{ prefix, section string }{{"TSIG ", "tsigs"}, {"peer ", "peers"}, {"ACL ", "acls"}} {
		rest, ok := strings.CutPrefix(msg, k.prefix)
		if !ok {
			continue
		}
		// "peer name "x" is ambiguous: …" keeps its words after the path.
		named := strings.HasPrefix(rest, "name ")
		rest = strings.TrimPrefix(rest, "name ")
		q, qerr := strconv.QuotedPrefix(rest)
		if qerr != nil {
			continue
		}
		name, _ := strconv.Unquote(q)
		line := 0
		switch k.section {
		case "tsigs":
			line = f.tsigs[name].line
		case "peers":
			line = f.peers[name].line
		case "acls":
			line = f.acls[name].line
		}
		if line > 0 {
			detail := strings.TrimLeft(strings.TrimPrefix(rest[len(q):], ":"), " ")
			if named {
				detail = "name " + q + " " + detail
			}
			return errorAt(f.name, line, path2(k.section, name, "", 0), "%s", detail).Error()
		}
	}
	return msg
}
