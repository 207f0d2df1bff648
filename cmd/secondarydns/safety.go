package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// destroys says what a zone's actions destroy, for the --allow-destroy
// refusal: the actions when they disable or delete transfers; "update,
// removing every peer" when an update leaves a zone that had peers with none
// while its transfers may be enabled (its status is not Disabled, or was not
// read): every secondary is cut off as surely as by a disable. "" when
// nothing is destroyed.
func destroys(acts []secondarydns.Action, curPeers, wantPeers []string, status secondarydns.TransferStatus) string {
	if slices.Contains(acts, secondarydns.ActionDisable) || slices.Contains(acts, secondarydns.ActionDelete) {
		return joinActions(acts)
	}
	if slices.Contains(acts, secondarydns.ActionUpdate) && len(curPeers) > 0 && len(wantPeers) == 0 && status != secondarydns.StatusDisabled {
		return joinActions(acts) + ": removes every peer"
	}
	return ""
}

// planDestroys is destroys for a plan.
func planDestroys(p *secondarydns.Plan) string {
	var cur []string
	if p.Current != nil {
		cur = p.Current.Peers
	}
	return destroys(p.Actions, cur, p.Want.Peers, p.Status)
}

// savedDestroys is destroys for a zone of a saved plan.
func savedDestroys(z savedZone) string {
	var want []string
	if z.Want.Peers != nil {
		want = *z.Want.Peers
	}
	return destroys(z.Actions, z.Read.Peers, want, secondarydns.TransferStatus(z.Read.Status))
}

// destroyRefusal is the message of the --allow-destroy refusal; destroy
// holds destroyEntry's. needYes adds that --yes is missing too (no terminal
// to ask on), so that one run says everything to add, not one flag per run.
func destroyRefusal(destroy []string, outcome string, needYes bool) string {
	return fmt.Sprintf("refusing to disable or delete transfers, or remove every peer of a zone, without --allow-destroy%s; %s. %d zone(s): %s",
		yesToo(needYes), outcome, len(destroy), strings.Join(destroy, ", "))
}

// destroyRefusal2 is destroyRefusal for a format-2 file or plan, whose
// account deletes count too: destroy holds accountDestroys' and
// destroyEntry's.
func destroyRefusal2(destroy []string, outcome string, needYes bool) string {
	return fmt.Sprintf("refusing to delete account objects, disable or delete transfers, or remove every peer of a zone, without --allow-destroy%s; %s. %d change(s): %s",
		yesToo(needYes), outcome, len(destroy), strings.Join(destroy, ", "))
}

// yesToo is what the --allow-destroy refusal adds when --yes is missing too.
func yesToo(needYes bool) string {
	if needYes {
		return "; standard input is not a terminal, so --yes is needed too (pass --allow-destroy --yes)"
	}
	return ""
}

// destroyEntry is one zone of the refusal: its ID, its name (a reader of
// 400 zones knows them by name; "" left out) and what it destroys.
func destroyEntry(id, name, why string) string {
	if name == "" || name == "-" { // "-": headerOf's "no name"
		return fmt.Sprintf("%s (%s)", id, why)
	}
	return fmt.Sprintf("%s %s (%s)", id, name, why)
}

// yesFlag is --yes for a single-zone command that asks first.
func yesFlag(a *app, fs *flag.FlagSet) {
	fs.BoolVar(&a.yes, "yes", false, "go ahead without asking (required when standard input is not a terminal)")
}
