package main

import (
	"github.com/dnsxfer/secondarydns"
)

// jsonChanges is what a zone's actions change, under -o json: a CI job
// can render it without knowing the converge rules. Only what changes is
// present; a zone in sync (or not planned) has {}. "" in "from" means the
// zone had no configuration (a create), "" in "to" that it will have none
// (a delete).
type jsonChanges struct {
	Name   *jsonFromTo  `json:"name,omitempty"`
	Peers  *jsonPeerSet `json:"peers,omitempty"`
	Status *jsonFromTo  `json:"status,omitempty"`
}

type jsonFromTo struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// jsonPeerSet is the peers an action adds and removes, by ID; an empty
// side is left out. A format-2 plan names them too (namePeers): AddNames
// and RemoveNames, in the order of Add and Remove, left out of format 1's
// document (which reads no peer names) so that it stays as it was.
type jsonPeerSet struct {
	Add         []string `json:"add,omitempty"`
	Remove      []string `json:"remove,omitempty"`
	AddNames    []string `json:"add_names,omitempty"`
	RemoveNames []string `json:"remove_names,omitempty"`
}

// planChanges is what p's actions change, taken from the actions (not from a
// diff of Current and Want), so that it always agrees with "actions": a
// create sets the name and peers and leaves transfers Disabled (an enable
// after it makes that Enabled); an update changes the name when the converge
// rules see it differ and the peers as a set; enable and disable the status;
// a delete removes the name, peers and status read. A status that was not
// read (a saved plan may lack it) and so does not visibly change is left
// out. The whole plan is described, whether or not it ran ("done" says
// what did).
func planChanges(p *secondarydns.Plan) jsonChanges {
	var c jsonChanges
	if p == nil {
		return c
	}
	var curName string
	var curPeers []string
	if p.Current != nil {
		curName, curPeers = p.Current.Name, p.Current.Peers
	}
	// status changes from what was read to what the last status-changing
	// action leaves.
	status := func(to string) {
		if c.Status == nil {
			c.Status = &jsonFromTo{From: string(p.Status), To: to}
			return
		}
		c.Status.To = to
	}
	for _, act := range p.Actions {
		switch act {
		case secondarydns.ActionCreate:
			c.Name = &jsonFromTo{From: "", To: p.Want.Name}
			c.Peers = peerSet(dedupe(p.Want.Peers), nil)
			c.Status = &jsonFromTo{From: "", To: string(secondarydns.StatusDisabled)}
		case secondarydns.ActionUpdate:
			if !secondarydns.EqualNames(curName, p.Want.Name) {
				c.Name = &jsonFromTo{From: curName, To: p.Want.Name}
			}
			c.Peers = peerSet(peerDiff(curPeers, p.Want.Peers))
		case secondarydns.ActionEnable:
			status(string(secondarydns.StatusEnabled))
		case secondarydns.ActionDisable:
			status(string(secondarydns.StatusDisabled))
		case secondarydns.ActionDelete:
			c.Name = &jsonFromTo{From: curName, To: ""}
			c.Peers = peerSet(nil, dedupe(curPeers))
			status("")
		}
	}
	if c.Status != nil && c.Status.From == c.Status.To {
		c.Status = nil
	}
	return c
}

// peerSet is added and removed as a jsonPeerSet, nil when both are empty.
func peerSet(added, removed []string) *jsonPeerSet {
	if len(added)+len(removed) == 0 {
		return nil
	}
	return &jsonPeerSet{Add: added, Remove: removed}
}

// jsonZoneName is the zone's name under -o json: the one wanted, else the
// one read; for a zone that could not be planned, the one wanted; "" when
// neither is known (an absent zone without a configuration).
func jsonZoneName(o outcome) string {
	if o.plan == nil {
		return o.wantName
	}
	if o.plan.Want.Name != "" {
		return o.plan.Want.Name
	}
	if o.plan.Current != nil {
		return o.plan.Current.Name
	}
	return ""
}

// zoneHeader is how a plan names a zone: its name, or "old → new" when an
// update renames it (as the converge rules compare names).
func zoneHeader(p *secondarydns.Plan) string {
	if p.Current != nil && p.Want.Name != "" && !p.Want.Absent && !secondarydns.EqualNames(p.Current.Name, p.Want.Name) {
		return p.Current.Name + " → " + p.Want.Name
	}
	return zoneName(p)
}

// headerOf is zoneHeader for an outcome, "-" when it has no plan.
func headerOf(o outcome) string {
	if o.plan == nil {
		return "-"
	}
	return zoneHeader(o.plan)
}
