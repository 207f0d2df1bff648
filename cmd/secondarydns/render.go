package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeErrorJSON writes {"error":{"message"}} under -o json.
func (a *app) writeErrorJSON(msg string) {
	if !a.json() {
		return
	}
	writeJSON(a.stdout, struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}{struct {
		Message string `json:"message"`
	}{msg}})
}

// jsonError is a failed request under -o json.
type jsonError struct {
	Message string `json:"message"`
	Status  int    `json:"status"` // HTTP status; 0 when no answer arrived
	Codes   []int  `json:"codes"`  // the envelope's top-level error codes
	RayID   string `json:"ray_id"`
}

func errorJSON(err error) *jsonError {
	if err == nil {
		return nil
	}
	e := &jsonError{Message: err.Error(), Codes: []int{}}
	var apiErr *secondarydns.APIError
	if errors.As(err, &apiErr) {
		e.Status = apiErr.StatusCode
		e.RayID = apiErr.RayID
		for _, info := range apiErr.Errors {
			e.Codes = append(e.Codes, info.Code)
		}
	}
	return e
}

// jsonZone is one zone of plan and apply under -o json.
type jsonZone struct {
	ZoneID  string                `json:"zone_id"`
	Name    string                `json:"name"` // see jsonZoneName
	InSync  bool                  `json:"in_sync"`
	Actions []secondarydns.Action `json:"actions"`
	Changes jsonChanges           `json:"changes"` // what the actions change; {} when none
	Done    []secondarydns.Action `json:"done"`
	Error   *jsonError            `json:"error"`
	// Unknown is the action whose request was sent and whose outcome is
	// unknown (apply), null when none.
	Unknown *secondarydns.Action `json:"unknown"`
}

type jsonSummary struct {
	Zones   int `json:"zones"`
	InSync  int `json:"in_sync"`
	Changed int `json:"changed"`
	Failed  int `json:"failed"`
	Unknown int `json:"unknown"` // of the failed, those with an action of unknown outcome
}

type jsonFleet struct {
	Zones   []jsonZone  `json:"zones"`
	Summary jsonSummary `json:"summary"`
	// Unfinished lists the zones --timeout cut (each also failed, with its
	// error), present only when there are some.
	Unfinished []string `json:"unfinished,omitempty"`
}

// outcome is one zone of a fleet run as the command reports it.
type outcome struct {
	id   string
	plan *secondarydns.Plan // as planned, or as executed (Done filled); nil if it could not be planned
	err  error
	// wantName is the name the desired state gives a zone that could not
	// be planned (plan nil), so that its JSON still names it.
	wantName string
	// unknown is the action apply stopped at whose request was sent but
	// whose outcome is unknown (see tracker.unknownAction); "" if none.
	unknown secondarydns.Action
}

func (o outcome) inSync() bool { return o.err == nil && o.plan != nil && o.plan.InSync() }

// notStarted reports a zone the run never got to (interrupted or timed out).
func (o outcome) notStarted() bool {
	return o.err != nil && o.plan != nil && len(o.plan.Done) == 0 && contextErr(o.err)
}

func contextErr(err error) bool {
	return errors.Is(err, errInterrupted) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// summarize counts the outcomes. applied says whether this is apply's
// report: then "changed" counts zones whose every action succeeded (a zone
// with actions none of which ran is not changed), else (plan) zones with
// actions to do. A zone with an error counts as failed.
func summarize(outs []outcome, applied bool) jsonSummary {
	s := jsonSummary{Zones: len(outs)}
	for _, o := range outs {
		switch {
		case o.err != nil || o.plan == nil:
			s.Failed++
			if o.unknown != "" {
				s.Unknown++
			}
		case o.plan.InSync():
			s.InSync++
		case applied && len(o.plan.Done) < len(o.plan.Actions):
			s.Failed++
		default:
			s.Changed++
		}
	}
	return s
}

func fleetJSON(outs []outcome, applied bool) jsonFleet {
	doc := jsonFleet{Zones: make([]jsonZone, 0, len(outs)), Summary: summarize(outs, applied), Unfinished: unfinishedIDs(outs)}
	for _, o := range outs {
		z := jsonZone{ZoneID: o.id, Name: jsonZoneName(o), InSync: o.inSync(), Actions: []secondarydns.Action{}, Changes: planChanges(o.plan), Done: []secondarydns.Action{}, Error: errorJSON(o.err)}
		if o.plan != nil {
			z.Actions = append(z.Actions, o.plan.Actions...)
			z.Done = append(z.Done, o.plan.Done...)
		}
		if o.unknown != "" {
			z.Unknown = &o.unknown
		}
		doc.Zones = append(doc.Zones, z)
	}
	return doc
}

// zoneName is the name to show for a zone: the one wanted, else the current one.
func zoneName(p *secondarydns.Plan) string {
	if p.Want.Name != "" {
		return p.Want.Name
	}
	if p.Current != nil {
		return p.Current.Name
	}
	return "-"
}

// writePlan prints, for each zone that changes, its ID and name, each action
// and the difference it makes; then zones that could not be planned; then
// the summary line.
func writePlan(w io.Writer, outs []outcome) {
	for _, o := range outs {
		if o.err != nil || o.plan == nil || o.plan.InSync() {
			continue
		}
		p := o.plan
		fmt.Fprintf(w, "%s %s\n", o.id, zoneHeader(p))
		for _, act := range p.Actions {
			fmt.Fprintf(w, "  %-8s %s\n", act, describeAction(p, act))
		}
	}
	for _, o := range outs {
		switch {
		case errors.Is(o.err, secondarydns.ErrStale):
			fmt.Fprintf(w, "%s %s stale: %s\n", o.id, headerOf(o), o.err)
		case notRead(o):
			fmt.Fprintf(w, "%s%s not read (interrupted)\n", o.id, unplannedName(o))
		case unfinished(o):
			// Counted in the summary; --timeout is said once (timedOut).
		case o.err != nil:
			fmt.Fprintf(w, "%s%s error: %s\n", o.id, unplannedName(o), unprefixed(o.err.Error()))
		}
	}
	fmt.Fprintln(w, planSummary(outs))
}

// unplannedName is " name" for a zone the file names that has no plan
// (not read, or its read failed), so that a file keyed by name is reported
// by name; "" when the file gives none.
func unplannedName(o outcome) string {
	if o.plan == nil && o.wantName != "" {
		return " " + o.wantName
	}
	return ""
}

// planSummary is "3 to change (1 create, 2 update, 2 enable), 997 in sync".
func planSummary(outs []outcome) string {
	order := []secondarydns.Action{secondarydns.ActionCreate, secondarydns.ActionUpdate, secondarydns.ActionEnable, secondarydns.ActionDisable, secondarydns.ActionDelete}
	counts := map[secondarydns.Action]int{}
	changed, inSync, stale, failed, unread, left := 0, 0, 0, 0, 0, 0
	for _, o := range outs {
		switch {
		case errors.Is(o.err, secondarydns.ErrStale):
			stale++
		case notRead(o):
			unread++
		case unfinished(o):
			failed++
			left++
		case o.err != nil || o.plan == nil:
			failed++
		case o.plan.InSync():
			inSync++
		default:
			changed++
			for _, act := range o.plan.Actions {
				counts[act]++
			}
		}
	}
	var parts []string
	for _, act := range order {
		if counts[act] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[act], act))
		}
	}
	s := fmt.Sprintf("%d to change", changed)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	s += fmt.Sprintf(", %d in sync", inSync)
	if stale > 0 {
		s += fmt.Sprintf(", %d stale", stale)
	}
	if failed > 0 {
		s += fmt.Sprintf(", %d failed", failed)
	}
	if left > 0 {
		s += fmt.Sprintf(" (%d unfinished)", left)
	}
	if unread > 0 {
		s += fmt.Sprintf(", %d not read (interrupted)", unread)
	}
	return s
}

// notRead reports a zone that could not be planned because SIGINT/SIGTERM
// stopped the run (not --timeout, which is a failure): under -o json it
// counts as failed, the text says what it is.
func notRead(o outcome) bool {
	return o.plan == nil && o.err != nil && errors.Is(o.err, context.Canceled)
}

// describeAction is the difference one action makes.
func describeAction(p *secondarydns.Plan, act secondarydns.Action) string {
	switch act {
	case secondarydns.ActionCreate:
		return fmt.Sprintf("name %s, peers %s", p.Want.Name, peerList(dedupe(p.Want.Peers)))
	case secondarydns.ActionUpdate:
		var parts []string
		if p.Current != nil && !secondarydns.EqualNames(p.Current.Name, p.Want.Name) {
			parts = append(parts, fmt.Sprintf("name %s → %s", p.Current.Name, p.Want.Name))
		}
		var cur []string
		if p.Current != nil {
			cur = p.Current.Peers
		}
		added, removed := peerDiff(cur, p.Want.Peers)
		var d []string
		for _, x := range added {
			d = append(d, "+"+x)
		}
		for _, x := range removed {
			d = append(d, "-"+x)
		}
		if len(d) > 0 {
			parts = append(parts, "peers "+strings.Join(d, " "))
		}
		if len(parts) == 0 {
			return "name " + p.Want.Name
		}
		return strings.Join(parts, "; ")
	case secondarydns.ActionEnable, secondarydns.ActionDisable:
		from := string(p.Status)
		if p.Current == nil || slices.Contains(p.Actions, secondarydns.ActionCreate) {
			from = "Disabled (new)"
		}
		if from == "" {
			from = "unknown"
		}
		to := secondarydns.StatusEnabled
		if act == secondarydns.ActionDisable {
			to = secondarydns.StatusDisabled
		}
		return fmt.Sprintf("status %s → %s", from, to)
	case secondarydns.ActionDelete:
		if p.Current != nil {
			return fmt.Sprintf("remove the configuration (name %s, peers %s)", p.Current.Name, peerList(p.Current.Peers))
		}
		return "remove the configuration"
	}
	return ""
}

func peerList(peers []string) string {
	if len(peers) == 0 {
		return "(none)"
	}
	return strings.Join(peers, " ")
}

// peerDiff compares peers as sets: what want adds to cur and what it removes,
// each in the order given. Sets, not nested loops: a saved plan of 40,000
// peers took 18 s to check.
func peerDiff(cur, want []string) (added, removed []string) {
	inCur, inWant := set(cur), set(want)
	for _, p := range dedupe(want) {
		if !inCur[p] {
			added = append(added, p)
		}
	}
	for _, p := range dedupe(cur) {
		if !inWant[p] {
			removed = append(removed, p)
		}
	}
	return added, removed
}

func set(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

// dedupe is s without repeats, in first-seen order.
func dedupe(s []string) []string {
	var out []string
	seen := make(map[string]bool, len(s))
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
