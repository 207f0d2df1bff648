package main

import (
	"errors"
	"fmt"

	"github.com/dnsxfer/secondarydns"
)

// resultKind is what happened to one zone of apply, for its result line and
// the summary's counts.
type resultKind int

const (
	resultInSync     resultKind = iota // nothing to do
	resultDone                         // every action succeeded
	resultStale                        // changed since it was planned; untouched from then on
	resultUnknown                      // an action was sent and its outcome is unknown
	resultNotStarted                   // no action of it was sent (interrupted or timed out first)
	resultPartial                      // interrupted after some actions
	resultFailed                       // an action failed
)

// outcomeOf is one zone's result of ExecuteAll as apply reports it: an
// action the zone stopped at whose request was sent but whose answer never
// came whole is marked unknown (see tracker.unknownAction).
func (a *app) outcomeOf(r secondarydns.ZoneResult) outcome {
	return outcome{id: r.ZoneID, plan: r.Plan, err: r.Err, unknown: a.tracker.unknownAction(r)}
}

// zoneResult classifies one zone of apply and gives its result line
// ("" for a zone in sync or not started, which only the summary counts).
// The final report and the lines written as zones finish both use it.
func zoneResult(o outcome, interrupted bool) (resultKind, string) {
	switch {
	case o.inSync():
		return resultInSync, ""
	case o.err == nil:
		return resultDone, fmt.Sprintf("%s %s: done: %s", o.id, zoneName(o.plan), joinActions(o.plan.Done))
	case errors.Is(o.err, secondarydns.ErrStale):
		return resultStale, fmt.Sprintf("%s %s: stale (%s): %s", o.id, nameOf(o), doneText(o), o.err)
	case o.unknown != "":
		return resultUnknown, fmt.Sprintf("%s %s: unknown: %s was sent, its answer was lost (%s): %s", o.id, nameOf(o), o.unknown, doneText(o), o.err)
	case o.notStarted():
		return resultNotStarted, ""
	case interrupted && contextErr(o.err):
		return resultPartial, fmt.Sprintf("%s %s: interrupted (%s)", o.id, nameOf(o), doneText(o))
	}
	return resultFailed, fmt.Sprintf("%s %s: failed (%s): %s", o.id, nameOf(o), doneText(o), o.err)
}
