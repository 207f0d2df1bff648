package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// The saved-plan file: JSON, versioned.
//
//	{
//	  "format": "secondarydns-plan",
//	  "version": 1,
//	  "zones": [
//	    {"zone_id": "…", "want": {"name": "example.com.", "peers": ["…"], "status": "Enabled"},
//	     "read": {"configured": true, "name": "example.com.", "peers": ["…"], "status": "Disabled"},
//	     "actions": ["update", "enable"]}
//	  ]
//	}
//
// "want" is the zone's entry of the desired-state file; "read" is what the
// plan saw ("status" is "" when it was not read); "actions" is what apply
// --plan runs if the zone still reads the same.
const (
	planFormat  = "secondarydns-plan"
	planVersion = 1
)

// savedPlanSchema is every field of a saved plan, in the case written: the
// reader takes nothing else (encoding/json alone would take "Zones" for
// "zones" and the last of two "zones").
var savedPlanSchema = keySchema{
	"":             {"format", "version", "account", "zones"},
	"zones[]":      {"zone_id", "want", "read", "actions"},
	"zones[].want": {"name", "peers", "status", "absent"},
	"zones[].read": {"configured", "name", "peers", "status"},
}

type savedPlan struct {
	Format  string        `json:"format"`
	Version int           `json:"version"`
	Account *savedAccount `json:"account,omitempty"` // version 2 (planfile2.go)
	Zones   []savedZone   `json:"zones"`
}

type savedZone struct {
	ZoneID  string                `json:"zone_id"`
	Want    savedWant             `json:"want"`
	Read    savedRead             `json:"read"`
	Actions []secondarydns.Action `json:"actions"`
}

type savedWant struct {
	Name   string    `json:"name,omitempty"`
	Peers  *[]string `json:"peers,omitempty"`
	Status string    `json:"status,omitempty"`
	Absent bool      `json:"absent,omitempty"`
}

type savedRead struct {
	Configured bool     `json:"configured"`
	Name       string   `json:"name,omitempty"`
	Peers      []string `json:"peers,omitempty"`
	Status     string   `json:"status,omitempty"`
}

func (w savedWant) desired() secondarydns.Desired {
	d := secondarydns.Desired{Name: w.Name, Status: secondarydns.TransferStatus(w.Status), Absent: w.Absent}
	if w.Peers != nil {
		d.Peers = *w.Peers
	}
	return d
}

// plan is the saved zone as a plan to execute: what was read, what to do.
func (z savedZone) plan() *secondarydns.Plan {
	p := &secondarydns.Plan{ZoneID: z.ZoneID, Want: z.Want.desired(), Status: secondarydns.TransferStatus(z.Read.Status), Actions: slices.Clone(z.Actions)}
	if z.Read.Configured {
		p.Current = &secondarydns.Outgoing{ID: z.ZoneID, Name: z.Read.Name, Peers: slices.Clone(z.Read.Peers)}
	}
	return p
}

// name is the zone's name as its plan shows it: the one wanted, else the
// one read; "" when neither is set.
func (z savedZone) name() string {
	if z.Want.Name != "" {
		return z.Want.Name
	}
	return z.Read.Name
}

// header is the zone's name as the plan showed it: "old → new" for a
// rename (zoneHeader).
func (z savedZone) header() string {
	if z.Read.Configured && z.Want.Name != "" && !z.Want.Absent && !secondarydns.EqualNames(z.Read.Name, z.Want.Name) {
		return z.Read.Name + " → " + z.Want.Name
	}
	return z.name()
}

// writeSavedPlan writes the plans to path, atomically (see writeAtomic),
// and returns the file's SHA-256 for apply --plan --checksum.
func writeSavedPlan(path string, outs []outcome) (string, error) {
	return writePlanFile(path, savedPlan{Format: planFormat, Version: planVersion, Zones: savedZones(outs)})
}

// savedZones is the zones' plans as a saved plan holds them.
func savedZones(outs []outcome) []savedZone {
	zones := []savedZone{}
	for _, o := range outs {
		p := o.plan
		z := savedZone{ZoneID: o.id, Actions: append([]secondarydns.Action{}, p.Actions...)}
		if p.Want.Absent {
			z.Want.Absent = true
		} else {
			peers := append([]string{}, p.Want.Peers...)
			z.Want = savedWant{Name: p.Want.Name, Peers: &peers, Status: string(p.Want.Status)}
		}
		if p.Current != nil {
			z.Read = savedRead{Configured: true, Name: p.Current.Name, Peers: p.Current.Peers, Status: string(p.Status)}
		}
		zones = append(zones, z)
	}
	return zones
}

// loadSavedPlan reads and checks a saved plan strictly.
func (a *app) loadSavedPlan(path string) (*savedPlan, error) {
	data, name, err := a.readInput(path)
	if err != nil {
		return nil, err
	}
	if err := checkBOM(name, data); err != nil {
		return nil, err
	}
	if err := a.checkSum(name, data); err != nil {
		return nil, err
	}
	if fileKind(data) == "desired" {
		return nil, fmt.Errorf("%s is a desired-state file, not a saved plan: apply it with 'secondarydns apply -f %s', or save a plan of it with 'secondarydns plan -f %s --out PLAN'", name, path, path)
	}
	if err := checkKeys(name, data, savedPlanSchema); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var sp savedPlan
	if err := dec.Decode(&sp); err != nil {
		return nil, fmt.Errorf("%s: not a saved plan: %s", name, strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: trailing data after the plan", name)
	}
	switch {
	case sp.Format != planFormat:
		return nil, fmt.Errorf("%s: not a saved plan (its \"format\" is %q, want %q); make one with 'secondarydns plan --out'", name, clip(sp.Format), planFormat)
	case sp.Version != planVersion && sp.Version != planVersion2:
		return nil, fmt.Errorf("%s: saved-plan version %d is not supported (this secondarydns reads versions %d and %d); plan again", name, sp.Version, planVersion, planVersion2)
	case sp.Version == planVersion && sp.Account != nil:
		return nil, fmt.Errorf("%s: a version-1 plan has no \"account\"; the file was edited: make a new plan with 'secondarydns plan --out'", name)
	case sp.Version == planVersion2:
		if err := checkSavedAccount(name, &sp); err != nil {
			return nil, err
		}
	}
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, z := range sp.Zones {
		field := fmt.Sprintf("%s: zones[%d] (%s)", name, i, clip(z.ZoneID))
		if seen[z.ZoneID] {
			return nil, fmt.Errorf("%s: the zone appears twice", field)
		}
		seen[z.ZoneID] = true
		if !z.Want.Absent && z.Want.Peers == nil {
			return nil, fmt.Errorf("%s: want: missing \"peers\"", field)
		}
		if err := v.check(z.ZoneID, z.Want.desired()); err != nil {
			return nil, fmt.Errorf("%s: want: %s", field, reason(err, z.ZoneID))
		}
		if !z.Read.Configured && (z.Read.Name != "" || len(z.Read.Peers) > 0 || z.Read.Status != "") {
			return nil, fmt.Errorf("%s: read: \"configured\" is false, so it has no name, peers or status; the file was edited: make a new plan with 'secondarydns plan --out'", field)
		}
		for _, act := range z.Actions {
			switch act {
			case secondarydns.ActionCreate, secondarydns.ActionUpdate, secondarydns.ActionEnable, secondarydns.ActionDisable, secondarydns.ActionDelete:
			default:
				return nil, fmt.Errorf("%s: unknown action %q", field, clip(string(act)))
			}
		}
		// The actions must be what the converge rules give for this want
		// and read: anything else was edited by hand and is never run.
		if want := z.expectedActions(); !slices.Equal(want, z.Actions) {
			return nil, &editedError{fmt.Sprintf("%s: %s: the file was edited; nothing was sent. Make a new plan with 'secondarydns plan --out'",
				field, actionsMismatch(z.Actions, want))}
		}
	}
	return &sp, nil
}

// editedError is a saved plan whose actions contradict its own want and
// read: the whole file is refused (exit 2).
type editedError struct{ msg string }

func (e *editedError) Error() string { return e.msg }

// actionsMismatch says that a saved zone's actions are not the ones its
// want and read give, in a sentence that reads right when either side has
// no action.
func actionsMismatch(saved, want []secondarydns.Action) string {
	switch {
	case len(saved) == 0:
		return fmt.Sprintf("it has no action, but its \"want\" and \"read\" give %s", actionList(want))
	case len(want) == 0:
		return fmt.Sprintf("it has the actions %s, but its \"want\" and \"read\" give no action", actionList(saved))
	}
	return fmt.Sprintf("the actions %s are not what its \"want\" and \"read\" give (%s)", actionList(saved), actionList(want))
}

// actionList is ["update", "enable"] as [update, enable], or "no action".
func actionList(acts []secondarydns.Action) string {
	if len(acts) == 0 {
		return "no action"
	}
	return "[" + joinActions(acts) + "]"
}

// expectedActions is what the converge rules (secondarydns.Plan) give for
// the zone's want when the zone reads as its "read" says: no configuration,
// create (then enable if want is Enabled); a configuration, update if the
// name (secondarydns.EqualNames) or the peers as a set differ, then enable
// or disable if want's status is set and differs; absent, disable unless
// Disabled, then delete.
func (z savedZone) expectedActions() []secondarydns.Action {
	want := z.Want.desired()
	acts := []secondarydns.Action{}
	switch {
	case want.Absent:
		if z.Read.Configured {
			if z.Read.Status != string(secondarydns.StatusDisabled) {
				acts = append(acts, secondarydns.ActionDisable)
			}
			acts = append(acts, secondarydns.ActionDelete)
		}
	case !z.Read.Configured:
		acts = append(acts, secondarydns.ActionCreate)
		if want.Status == secondarydns.StatusEnabled {
			acts = append(acts, secondarydns.ActionEnable)
		}
	default:
		added, removed := peerDiff(z.Read.Peers, want.Peers)
		if !secondarydns.EqualNames(z.Read.Name, want.Name) || len(added)+len(removed) > 0 {
			acts = append(acts, secondarydns.ActionUpdate)
		}
		if want.Status != "" && string(want.Status) != z.Read.Status {
			if want.Status == secondarydns.StatusEnabled {
				acts = append(acts, secondarydns.ActionEnable)
			} else {
				acts = append(acts, secondarydns.ActionDisable)
			}
		}
	}
	return acts
}

// replan re-reads every zone of a saved plan, those that were in sync
// included, and returns the saved plans, with ErrStale for the zones whose
// state is not what the plan saw (an in-sync zone that drifted since is
// stale too: the plan said it needed nothing). A zone that cannot be re-read
// has its error.
func (a *app) replan(ctx context.Context, c *secondarydns.Client, sp *savedPlan) ([]outcome, error) {
	zones := map[string]secondarydns.Desired{}
	for _, z := range sp.Zones {
		zones[z.ZoneID] = z.Want.desired()
	}
	fresh := map[string]outcome{}
	var edited []string
	if len(zones) > 0 {
		outs, err := a.planAll(ctx, c, zones)
		if err != nil {
			return nil, err
		}
		for _, o := range outs {
			fresh[o.id] = o
		}
	}
	outs := make([]outcome, 0, len(sp.Zones))
	for _, z := range sp.Zones {
		o := outcome{id: z.ZoneID, plan: z.plan()}
		if f, ok := fresh[z.ZoneID]; ok {
			switch {
			case f.err != nil:
				o.err = f.err
			default:
				if why := changedSince(z, f.plan); why != "" {
					o.err = fmt.Errorf("%w (%s); not touched", secondarydns.ErrStale, why)
				} else if !slices.Equal(f.plan.Actions, z.Actions) {
					// loadSavedPlan's check should make this impossible;
					// should it differ, the SDK's own plan is the rule.
					edited = append(edited, fmt.Sprintf("%s (saved %s, the zone as read needs %s)", z.ZoneID, actionList(z.Actions), actionList(f.plan.Actions)))
				}
			}
		}
		outs = append(outs, o)
	}
	if len(edited) > 0 {
		return nil, &editedError{fmt.Sprintf("the saved actions are not what the plan's own \"want\" gives for the zone as it reads now, so the file was edited; nothing was changed. %d zone(s): %s. Make a new plan with 'secondarydns plan --out'",
			len(edited), strings.Join(edited, ", "))}
	}
	slices.SortFunc(outs, func(x, y outcome) int { return strings.Compare(x.id, y.id) })
	return outs, nil
}

// changedSince says how the zone's state differs from what the saved plan
// read, or "" if it does not: existence, name (as the converge rules
// compare), peers as a set, and the status where it was read.
func changedSince(z savedZone, now *secondarydns.Plan) string {
	switch {
	case !z.Read.Configured && now.Current != nil:
		return "it had no configuration; now it has one"
	case z.Read.Configured && now.Current == nil:
		return "its configuration was deleted"
	case !z.Read.Configured:
		return ""
	}
	var why []string
	if !secondarydns.EqualNames(z.Read.Name, now.Current.Name) {
		why = append(why, fmt.Sprintf("name %s → %s", z.Read.Name, now.Current.Name))
	}
	if added, removed := peerDiff(z.Read.Peers, now.Current.Peers); len(added)+len(removed) > 0 {
		var d []string
		for _, p := range added {
			d = append(d, "+"+p)
		}
		for _, p := range removed {
			d = append(d, "-"+p)
		}
		why = append(why, "peers "+strings.Join(d, " "))
	}
	if z.Read.Status != "" && string(now.Status) != z.Read.Status {
		why = append(why, fmt.Sprintf("status %s → %s", z.Read.Status, orUnknown(string(now.Status))))
	}
	return strings.Join(why, "; ")
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
