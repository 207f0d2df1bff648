package main

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// sdkCall matches the start of the SDK's error for one call, which names
// the request: "secondarydns: PUT /client/v4/accounts/…/peers/ID: ". Every
// error of a call that --timeout ends has it (the SDK wraps the context's
// error in it, also when the limiter or a retry wait is what was cut).
var sdkCall = regexp.MustCompile(`^secondarydns: ([A-Z]+) (/\S*): `)

// cutCall finds, in err's chain, the request the SDK's error for the call
// --timeout cut names, and that error; nil if none.
func cutCall(err error) (method, path string, call error) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if m := sdkCall.FindStringSubmatch(e.Error()); m != nil {
			return m[1], m[2], e
		}
	}
	return "", "", nil
}

// cutLine is the one line of a single-request command (get, disable, peers
// update, tsigs delete…) that --timeout cut, in place of "context deadline
// exceeded": that --timeout is why, which request it cut, and, for a write,
// whether it may have happened (issue 14: an action whose request was sent
// and whose answer did not come is unknown, not "failed"). What a caller
// wrapped around the SDK's error stays ("checking what uses the TSIG key
// first: …; nothing was deleted"). id is the zone's or object's ID, for the
// command that checks the outcome.
func (a *app) cutLine(err error, id string) string {
	method, path, call := cutCall(err)
	if call == nil {
		return a.timeoutHow()
	}
	line := a.timeoutHow() + "; " + a.cutWhat(method, path, id)
	return strings.Replace(err.Error(), call.Error(), line, 1)
}

// cutWhat says what became of the request method path that --timeout cut,
// from the attempts the tracker saw of it.
func (a *app) cutWhat(method, path, id string) string {
	tries := a.tracker.triesOf(method, path)
	sent := false
	for _, w := range tries {
		sent = sent || w.sent.Load()
	}
	req := method + " " + path
	switch {
	case method == http.MethodGet && sent:
		return "it cut " + req
	case method == http.MethodGet:
		return req + " was not sent"
	case !sent:
		return req + " was not sent: nothing was changed"
	case !unknownAfter(tries):
		// A 429 refused it, and --timeout came before its retry.
		return req + " was refused and not sent again: nothing was changed"
	}
	line := "it cut " + req + ", which was sent: its outcome is unknown"
	if check := checkCommand(a.cmd.name, id); check != "" {
		line += fmt.Sprintf(" (check with '%s')", check)
	}
	return line
}

// checkCommand is the command that shows whether the write of command
// name about id happened; "" when nothing shows it (notify).
func checkCommand(name, id string) string {
	group, sub, isObject := strings.Cut(name, " ")
	switch {
	case isObject && sub == "create":
		return "secondarydns " + group + " list"
	case isObject && (sub == "update" || sub == "delete"):
		return "secondarydns " + group + " get " + id
	case name == "enable" || name == "disable":
		return "secondarydns status " + id
	case name == "create" || name == "update" || name == "delete":
		return "secondarydns get " + id
	}
	return ""
}
