package main

// What a format-2 plan's JSON says beyond format 1's: the names of the
// peers a zone adds and removes (beside their IDs), and what each account
// step changes, so that a CI job can render both without the converge
// rules or a second lookup.

import (
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// jsonValueChange is one field an account step changes: "from" as read
// (left out for a create), "to" as wanted (left out for a delete). A
// secret is never a value: it is "[redacted]" on the side that has one.
type jsonValueChange struct {
	From any `json:"from,omitempty"`
	To   any `json:"to,omitempty"`
}

// namePeers fills, in a format-2 document, the names of the peers each
// zone adds and removes (changes.peers.add_names and remove_names, in the
// order of add and remove; "" for an ID no peer read or created has), and
// gives a peer the plan creates, still without an ID, the ID "" in add:
// the placeholder that stands for it inside the command is no ID of
// Cloudflare's. Once the create is done the zone's plan holds the new ID
// (withPeerIDs), named from the step.
func (r *resolved) namePeers(doc *jsonFleet, run *stepRun) {
	names := map[string]string{}
	for _, p := range r.acct.Peers {
		names[p.ID] = p.Name
	}
	for _, st := range run.steps {
		if st.Kind == secondarydns.KindPeer && st.ID != "" {
			names[st.ID] = st.Name
		}
	}
	name := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			if n, ok := r.newPeers[id]; ok {
				out[i], ids[i] = n, ""
				continue
			}
			out[i] = names[id]
		}
		return out
	}
	for i := range doc.Zones {
		ps := doc.Zones[i].Changes.Peers
		if ps == nil {
			continue
		}
		if len(ps.Add) > 0 {
			ps.AddNames = name(ps.Add)
		}
		if len(ps.Remove) > 0 {
			ps.RemoveNames = name(ps.Remove)
		}
	}
}

// stepChanges is what one account step changes, field by field, as
// describeStep says it in text: a create every field it sets ("to" only),
// a delete every field the object had ("from" only), an update the fields
// that differ. A peer's TSIG is named as in the file (the read one's name,
// else its ID); a TSIG's secret shows only that it is set or changed.
func stepChanges(r *resolved, p *secondarydns.AccountPlan, st secondarydns.Step) map[string]jsonValueChange {
	out := map[string]jsonValueChange{}
	set := func(field string, from, to any) { out[field] = jsonValueChange{From: from, To: to} }
	f := r.file
	switch st.Kind {
	case secondarydns.KindTSIG:
		want := f.tsigs[st.Name]
		cur := readByID(p.TSIGs, st.ID, func(o *secondarydns.TSIG) string { return o.ID })
		switch {
		case st.Action == secondarydns.ActionCreate:
			set("algo", nil, want.algo)
			set("secret", nil, redacted)
		case st.Action == secondarydns.ActionDelete && cur != nil:
			set("algo", cur.Algo, nil)
		case st.Action == secondarydns.ActionUpdate && cur != nil:
			if !strings.EqualFold(strings.TrimSuffix(cur.Algo, "."), strings.TrimSuffix(want.algo, ".")) {
				set("algo", cur.Algo, want.algo)
			}
			if want.secretEnv != "" && cur.Secret != "" && cur.Secret != r.secrets[st.Name] {
				set("secret", redacted, redacted)
			}
		}
	case secondarydns.KindPeer:
		want := f.peers[st.Name].want
		cur := readByID(p.Peers, st.ID, func(o *secondarydns.Peer) string { return o.ID })
		switch {
		case st.Action == secondarydns.ActionCreate:
			peerValues(want.IP, want.Port, want.IXFREnable, want.TSIG, func(field string, v any) { set(field, nil, v) })
		case st.Action == secondarydns.ActionDelete && cur != nil:
			peerValues(cur.IP, cur.Port, cur.IXFREnable, tsigName(p, cur.TSIGID), func(field string, v any) { set(field, v, nil) })
		case st.Action == secondarydns.ActionUpdate && cur != nil:
			if !sameIP(cur.IP, want.IP) {
				set("ip", cur.IP, want.IP)
			}
			if cur.Port != want.Port {
				set("port", cur.Port, want.Port)
			}
			if cur.IXFREnable != want.IXFREnable {
				set("ixfr_enable", cur.IXFREnable, want.IXFREnable)
			}
			if from := tsigName(p, cur.TSIGID); from != want.TSIG {
				set("tsig", from, want.TSIG)
			}
		}
	case secondarydns.KindACL:
		want := f.acls[st.Name].want
		cur := readByID(p.ACLs, st.ID, func(o *secondarydns.ACL) string { return o.ID })
		switch {
		case st.Action == secondarydns.ActionCreate:
			set("ip_range", nil, want.IPRange)
		case st.Action == secondarydns.ActionDelete && cur != nil:
			set("ip_range", cur.IPRange, nil)
		case st.Action == secondarydns.ActionUpdate && cur != nil && cur.IPRange != want.IPRange:
			set("ip_range", cur.IPRange, want.IPRange)
		}
	}
	return out
}

// peerValues calls put for each field a peer has set, as peerFields lists
// them: ip, port, ixfr_enable, tsig.
func peerValues(ip string, port int, ixfr bool, tsig string, put func(field string, v any)) {
	if ip != "" {
		put("ip", ip)
	}
	if port != 0 {
		put("port", port)
	}
	if ixfr {
		put("ixfr_enable", true)
	}
	if tsig != "" {
		put("tsig", tsig)
	}
}
