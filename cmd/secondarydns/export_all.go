package main

// export --all: adoption in one command. The account's zones, peers, TSIG
// keys and ACLs as one format-2 desired-state file that plan finds in sync.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// exportDoc is the format-2 file export --all writes. Its fields are in
// key order, so the document's keys are sorted at every level (maps are
// sorted by encoding/json).
type exportDoc struct {
	Account  string                `json:"account"`
	ACLs     map[string]exportACL  `json:"acls"`
	Defaults *exportZone           `json:"defaults,omitempty"`
	Peers    map[string]exportPeer `json:"peers"`
	TSIGs    map[string]exportTSIG `json:"tsigs"`
	Zones    map[string]exportZone `json:"zones"`
}

// exportZone is one zone (or the defaults). Peers is a pointer so that "no
// peers" ([]) differs from "the default peers" (left out).
type exportZone struct {
	Name   string    `json:"name,omitempty"`
	Peers  *[]string `json:"peers,omitempty"`
	Status string    `json:"status,omitempty"`
}

// exportPeer is one of the account's peers; its TSIG by name.
type exportPeer struct {
	IP         string `json:"ip,omitempty"`
	IXFREnable bool   `json:"ixfr_enable,omitempty"`
	Port       int    `json:"port,omitempty"`
	TSIG       string `json:"tsig,omitempty"`
}

// exportTSIG is one TSIG key: its algorithm only. The secret is never
// written; a file without "secret_env" leaves an existing key's secret as
// it is, so plan on the file needs no secret either.
type exportTSIG struct {
	Algo string `json:"algo"`
}

// exportACL is one ACL.
type exportACL struct {
	IPRange string `json:"ip_range"`
}

func runExportAll(a *app) int {
	acct, code := a.needAccount("")
	if code >= 0 {
		return code
	}
	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()
	listed, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: acct})
	if err != nil {
		return a.exportStopped("listing the account's zones", err)
	}
	tsigs, err := c.TSIGs.List(ctx, acct)
	if err != nil {
		return a.exportStopped("listing the account's TSIG keys", err)
	}
	peers, err := c.Peers.List(ctx, acct)
	if err != nil {
		return a.exportStopped("listing the account's peers", err)
	}
	acls, err := c.ACLs.List(ctx, acct)
	if err != nil {
		return a.exportStopped("listing the account's ACLs", err)
	}
	zones := make(map[string]secondarydns.Desired, len(listed))
	for _, z := range listed {
		zones[z.ID] = secondarydns.Desired{Absent: true}
	}
	outs, code := a.exportRead(ctx, c, zones)
	if code >= 0 {
		return code
	}
	doc, warnings := buildExport(acct, listed, outs, tsigs, peers, acls)
	for _, w := range warnings {
		fmt.Fprintf(a.stderr, "secondarydns export: %s\n", w)
	}
	if err := writeExport(a.stdout, doc); err != nil {
		return a.failure(exitFailed, err.Error())
	}
	a.note("exported %d of the account's %d zone(s) (%d without an outgoing configuration left out), %d peer(s), %d TSIG key(s), %d ACL(s)\n",
		len(doc.Zones), len(listed), len(listed)-len(doc.Zones), len(doc.Peers), len(doc.TSIGs), len(doc.ACLs))
	return exitOK
}

// writeExport writes the document pretty-printed, ending in a newline.
func writeExport(w io.Writer, doc exportDoc) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// buildExport makes the format-2 document from what export --all read: the
// zone list, every zone's dry-run plan (outs: its configuration and
// status), and the account's objects. The warnings say what could not be
// written as it is (in a fixed order).
//
// Objects are declared under their names, which is how the file matches
// them. A name two objects of one kind share is ambiguous (plan refuses
// it), so those objects are left out of their section (and so left alone
// by plan) and zones name such peers by ID. A peer whose TSIG key cannot be
// named (shared name, or not in the account) is left out of "peers" too,
// since the file names a peer's key only by name.
func buildExport(acct string, listed []secondarydns.Zone, outs []outcome, tsigs []secondarydns.TSIG, peers []secondarydns.Peer, acls []secondarydns.ACL) (exportDoc, []string) {
	doc := exportDoc{
		Account: acct,
		ACLs:    map[string]exportACL{},
		Peers:   map[string]exportPeer{},
		TSIGs:   map[string]exportTSIG{},
		Zones:   map[string]exportZone{},
	}
	var warnings []string

	// TSIG keys.
	tsigNames := map[string]int{}
	for _, t := range tsigs {
		tsigNames[t.Name]++
	}
	tsigName := map[string]string{} // ID → its name, when the name is unique
	slices.SortFunc(tsigs, func(x, y secondarydns.TSIG) int { return cmp.Compare(x.ID, y.ID) })
	for _, t := range tsigs {
		if t.Name == "" || tsigNames[t.Name] > 1 {
			warnings = append(warnings, fmt.Sprintf("TSIG key %s: its name %q is not unique in the account; left out (plan leaves it alone)", t.ID, t.Name))
			continue
		}
		tsigName[t.ID] = t.Name
		doc.TSIGs[t.Name] = exportTSIG{Algo: t.Algo}
	}

	// Peers. A zone names a peer by its name when that name is unique and is
	// not another peer's ID (which would read as that peer), else by ID.
	peerNames := map[string]int{}
	peerIDs := map[string]bool{}
	for _, p := range peers {
		peerNames[p.Name]++
		peerIDs[p.ID] = true
	}
	ref := map[string]string{} // peer ID → how zones name it
	slices.SortFunc(peers, func(x, y secondarydns.Peer) int { return cmp.Compare(x.ID, y.ID) })
	for _, p := range peers {
		if p.Name == "" || peerNames[p.Name] > 1 || peerIDs[p.Name] && p.Name != p.ID {
			ref[p.ID] = p.ID
			warnings = append(warnings, fmt.Sprintf("peer %s: its name %q is not unique in the account (or is another peer's ID); left out (plan leaves it alone) and zones name it by ID", p.ID, p.Name))
			continue
		}
		ref[p.ID] = p.Name
		ep := exportPeer{IP: p.IP, Port: p.Port, IXFREnable: p.IXFREnable}
		if p.TSIGID != "" {
			name, ok := tsigName[p.TSIGID]
			if !ok {
				warnings = append(warnings, fmt.Sprintf("peer %s (%s): its TSIG key %s cannot be named (not in the account, or its name is not unique); left out (plan leaves it alone)", p.ID, p.Name, p.TSIGID))
				continue
			}
			ep.TSIG = name
		}
		doc.Peers[p.Name] = ep
	}

	// ACLs.
	aclNames := map[string]int{}
	for _, l := range acls {
		aclNames[l.Name]++
	}
	slices.SortFunc(acls, func(x, y secondarydns.ACL) int { return cmp.Compare(x.ID, y.ID) })
	for _, l := range acls {
		if l.Name == "" || aclNames[l.Name] > 1 {
			warnings = append(warnings, fmt.Sprintf("ACL %s: its name %q is not unique in the account; left out (plan leaves it alone)", l.ID, l.Name))
			continue
		}
		doc.ACLs[l.Name] = exportACL{IPRange: l.IPRange}
	}

	// Zones: keyed by name when the account has one zone of that name and
	// its configuration bears it (names compare without case and trailing
	// dot, as plan compares them); else by ID, with the configuration's name.
	zoneNames := map[string]int{}
	listedName := map[string]string{}
	for _, z := range listed {
		zoneNames[nameKey(z.Name)]++
		listedName[z.ID] = z.Name
	}
	type zoneOut struct {
		key    string
		id     string
		name   string // "" when keyed by name
		peers  []string
		status string // "" when it cannot be written
	}
	var zs []zoneOut
	unknown := false
	for _, o := range outs {
		cur := o.plan.Current
		if cur == nil {
			continue // no outgoing configuration: not a zone this file manages
		}
		zo := zoneOut{id: o.id, key: o.id, name: cur.Name}
		if n := listedName[o.id]; n != "" && zoneNames[nameKey(n)] == 1 && nameKey(n) == nameKey(cur.Name) {
			zo.key, zo.name = strings.TrimSuffix(n, ".")+".", ""
		}
		zo.peers = []string{}
		for _, id := range cur.Peers {
			r, ok := ref[id]
			if !ok {
				r = id
				warnings = append(warnings, fmt.Sprintf("zone %s: peer %s is not one of the account's peers; plan refuses the file until it is", o.id, id))
			}
			zo.peers = append(zo.peers, r)
		}
		slices.Sort(zo.peers)
		zo.peers = slices.Compact(zo.peers)
		if knownStatus(o.plan.Status) {
			zo.status = string(o.plan.Status)
		} else {
			unknown = true
			warnings = append(warnings, fmt.Sprintf("zone %s: status %q cannot be written in a desired-state file; left out", o.id, o.plan.Status))
		}
		zs = append(zs, zo)
	}
	slices.SortFunc(zs, func(x, y zoneOut) int { return cmp.Compare(x.key, y.key) })

	// Defaults: the most common peer set and status; ties go to the set
	// (status) that sorts first, so the same account gives the same file.
	// A zone whose status cannot be written must not take a default one,
	// so with any such zone there is no default status.
	if len(zs) > 0 {
		sets := map[string]int{}
		statuses := map[string]int{}
		for _, z := range zs {
			sets[strings.Join(z.peers, "\x00")]++
			if z.status != "" {
				statuses[z.status]++
			}
		}
		defSet := mostCommon(sets)
		defPeers := []string{}
		if defSet != "" {
			defPeers = strings.Split(defSet, "\x00")
		}
		def := &exportZone{Peers: &defPeers}
		if !unknown {
			def.Status = mostCommon(statuses)
		}
		doc.Defaults = def
		for _, z := range zs {
			ez := exportZone{Name: z.name}
			if !slices.Equal(z.peers, defPeers) {
				ez.Peers = &z.peers
			}
			if z.status != def.Status {
				ez.Status = z.status
			}
			doc.Zones[z.key] = ez
		}
	}
	return doc, warnings
}

// nameKey is a zone name as plan compares names: without ASCII case and a
// trailing dot.
func nameKey(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}

// mostCommon is the key with the highest count, the first in sort order
// among equals; "" for none.
func mostCommon(counts map[string]int) string {
	best, n := "", 0
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best
}
