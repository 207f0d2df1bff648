package main

import (
	"github.com/dnsxfer/secondarydns"
)

// outcomeOf is one zone's result of ExecuteAll as apply reports it: an
// action the zone stopped at whose request was sent but whose answer never
// came whole is marked unknown (see tracker.unknownAction).
func (a *app) outcomeOf(r secondarydns.ZoneResult) outcome {
	return outcome{id: r.ZoneID, plan: r.Plan, err: r.Err, unknown: a.tracker.unknownAction(r)}
}
