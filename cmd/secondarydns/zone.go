package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dnsxfer/secondarydns"
)

// exampleZoneID is the zone ID the commands' examples use.
const exampleZoneID = "023e105f4ecef8ad9ca31a8372d0c353"

// zoneCommand is a command that takes one ZONE_ID and sends one request
// about it: call's value is what is printed.
func zoneCommand(name, summary, detail string, call func(ctx context.Context, c *secondarydns.Client, zoneID string) (any, error)) *command {
	return &command{
		name: name, args: "ZONE_ID", minArgs: 1, maxArgs: 1,
		summary: summary, detail: detail,
		example: "secondarydns " + name + " " + exampleZoneID,
		run: func(a *app, args []string) int {
			return a.zoneCall(args[0], func(ctx context.Context, c *secondarydns.Client) (any, error) {
				return call(ctx, c, args[0])
			})
		},
	}
}

var cmdGet = zoneCommand("get", "show a zone's outgoing transfer configuration",
	"Show the zone's outgoing transfer configuration: name, peers, SOA serial and times\n(GET /zones/{zone_id}/secondary_dns/outgoing). See 'status' for whether transfers are enabled.",
	func(ctx context.Context, c *secondarydns.Client, zoneID string) (any, error) {
		return c.Outgoing.Get(ctx, zoneID)
	})

func configFlags(a *app, fs *flag.FlagSet) {
	fs.StringVar(&a.name, "name", "", "the zone `NAME`, e.g. example.com. (required)")
	fs.Var(&a.peers, "peer", "a peer `ID` allowed to transfer the zone; repeat for more")
}

// updateFlags are create's, plus --no-peers and --yes: update replaces the
// peers, so leaving them out must be said.
func updateFlags(a *app, fs *flag.FlagSet) {
	configFlags(a, fs)
	fs.BoolVar(&a.noPeers, "no-peers", false, "remove every peer (instead of --peer); asks first, as it cuts every secondary off")
	yesFlag(a, fs)
}

// configCommand is create or update: it sends --name and the --peer IDs.
func configCommand(name, summary, detail string, call func(*secondarydns.OutgoingService, context.Context, string, secondarydns.OutgoingParams, ...secondarydns.Option) (*secondarydns.Outgoing, error)) *command {
	return &command{
		name: name, args: "ZONE_ID --name NAME [--peer ID]...", minArgs: 1, maxArgs: 1, flags: configFlags,
		summary: summary, detail: detail,
		example: "secondarydns " + name + " " + exampleZoneID + " --name example.com. --peer 23ff594956f20c2a721606e94745a8aa",
		run: func(a *app, args []string) int {
			if a.name == "" {
				return a.usageError(a.cmd, "--name is required")
			}
			if a.cmd.name == "update" {
				switch {
				case a.noPeers && len(a.peers) > 0:
					return a.usageError(a.cmd, "--no-peers removes every peer: give it or --peer, not both")
				case !a.noPeers && len(a.peers) == 0:
					return a.usageError(a.cmd, "update replaces the zone's peers: pass --peer for each peer the zone keeps, or --no-peers to remove every peer")
				}
			}
			p := secondarydns.OutgoingParams{Name: a.name, Peers: a.peers}
			// Bad input before credentials: the name and peers with the
			// SDK's rules, as the zone ID in zoneCall.
			if code := a.checkInput(args[0], secondarydns.Desired{Name: a.name, Peers: a.peers}); code >= 0 {
				return code
			}
			return a.zoneCall(args[0], func(ctx context.Context, c *secondarydns.Client) (any, error) {
				return call(c.Outgoing, ctx, args[0], p)
			})
		},
	}
}

var cmdCreate = configCommand("create", "create a zone's outgoing transfer configuration",
	"Create the zone's outgoing transfer configuration (POST /zones/{zone_id}/secondary_dns/outgoing).\nTransfers start disabled; 'enable' starts them.",
	(*secondarydns.OutgoingService).Create)

var cmdUpdate = func() *command {
	c := configCommand("update", "replace a zone's name and peers",
		"Replace the zone's outgoing transfer configuration (PUT /zones/{zone_id}/secondary_dns/outgoing).\n"+
			"The peers given replace the current ones: a peer not given is removed. Pass --peer\n"+
			"for each peer the zone keeps, or --no-peers to remove every peer, which asks for\n"+
			"confirmation on a terminal and needs --yes otherwise.",
		(*secondarydns.OutgoingService).Update)
	c.args = "ZONE_ID --name NAME (--peer ID... | --no-peers) [--yes]"
	c.flags = updateFlags
	c.confirm = func(a *app, zoneID string) (string, string) {
		if !a.noPeers {
			return "", ""
		}
		return fmt.Sprintf("Remove every peer of zone %s? Its secondaries will no longer get transfers.", zoneID), "remove every peer"
	}
	return c
}()

// zoneValue is the JSON shape of delete, notify and the status commands.
type zoneValue struct {
	ZoneID string `json:"zone_id"`
	Status string `json:"status,omitempty"`
	ID     string `json:"id,omitempty"`
	Result string `json:"result,omitempty"`
}

var cmdDelete = asks(zoneCommand("delete", "delete a zone's outgoing transfer configuration",
	"Delete the zone's outgoing transfer configuration (DELETE /zones/{zone_id}/secondary_dns/outgoing).\nIt does not disable transfers first: run 'disable' before if secondaries must stop at once.\nIt asks for confirmation on a terminal and needs --yes otherwise.",
	func(ctx context.Context, c *secondarydns.Client, zoneID string) (any, error) {
		id, err := c.Outgoing.Delete(ctx, zoneID)
		return zoneValue{ZoneID: zoneID, ID: id}, err
	}), "Delete the outgoing transfer configuration of zone %s?", "delete")

// asks makes a single-zone command ask before it sends (question has the
// zone ID's %s), with --yes to go ahead without asking.
func asks(c *command, question, verb string) *command {
	c.args += " [--yes]"
	c.flags = yesFlag
	c.confirm = func(_ *app, zoneID string) (string, string) { return fmt.Sprintf(question, zoneID), verb }
	return c
}

func statusCommand(name, summary, detail string, call func(*secondarydns.OutgoingService, context.Context, string, ...secondarydns.Option) (secondarydns.TransferStatus, error)) *command {
	return zoneCommand(name, summary, detail, func(ctx context.Context, c *secondarydns.Client, zoneID string) (any, error) {
		st, err := call(c.Outgoing, ctx, zoneID)
		return zoneValue{ZoneID: zoneID, Status: string(st)}, err
	})
}

var (
	cmdEnable = statusCommand("enable", "enable outgoing transfers of a zone",
		"Enable outgoing zone transfers (POST /zones/{zone_id}/secondary_dns/outgoing/enable);\nthe API also sends a NOTIFY to the secondaries.",
		(*secondarydns.OutgoingService).Enable)
	cmdDisable = asks(statusCommand("disable", "disable outgoing transfers of a zone",
		"Disable outgoing zone transfers (POST /zones/{zone_id}/secondary_dns/outgoing/disable);\nsecondaries stop receiving updates. It asks for confirmation on a terminal and\nneeds --yes otherwise.",
		(*secondarydns.OutgoingService).Disable), "Disable outgoing transfers of zone %s? Its secondaries will stop getting updates.", "disable")
	cmdStatus = statusCommand("status", "show whether a zone's outgoing transfers are enabled",
		"Show the zone's outgoing transfer status, Enabled or Disabled\n(GET /zones/{zone_id}/secondary_dns/outgoing/status).",
		(*secondarydns.OutgoingService).Status)
)

var cmdNotify = zoneCommand("notify", "send a DNS NOTIFY to a zone's secondaries",
	"Send a DNS NOTIFY to the zone's secondaries\n(POST /zones/{zone_id}/secondary_dns/outgoing/force_notify).",
	func(ctx context.Context, c *secondarydns.Client, zoneID string) (any, error) {
		res, err := c.Outgoing.ForceNotify(ctx, zoneID)
		return zoneValue{ZoneID: zoneID, Result: res}, err
	})

var cmdVersion = &command{
	name: "version", maxArgs: 0, local: true, globals: []string{"o"},
	summary: "print the version",
	detail:  "Print the version of the command (that of the secondarydns SDK it is built from).",
	example: "secondarydns version -o json",
	run: func(a *app, _ []string) int {
		if a.json() {
			writeJSON(a.stdout, struct {
				Version string `json:"version"`
			}{secondarydns.Version})
			return exitOK
		}
		fmt.Fprintf(a.stdout, "secondarydns %s (%s %s/%s)\n", secondarydns.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	},
}

// zoneCall runs one single-zone request and prints its result or error.
func (a *app) zoneCall(zoneID string, call func(context.Context, *secondarydns.Client) (any, error)) int {
	// The zone ID is checked before the credentials: bad input is exit 2
	// whatever the environment, and nothing is sent.
	if code := a.checkInput(zoneID, secondarydns.Desired{Absent: true}); code >= 0 {
		return code
	}
	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()
	if a.cmd.confirm != nil {
		if question, verb := a.cmd.confirm(a, zoneID); question != "" {
			if code := a.confirm(confirmation{question: question, verb: verb, noTerminal: "nothing was sent", stopped: "nothing was sent"}); code >= 0 {
				return code
			}
		}
	}
	v, err := call(ctx, c)
	if err != nil {
		if errors.Is(err, secondarydns.ErrInvalidInput) {
			return a.inputError(strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": "))
		}
		jerr := errorJSON(err)
		if a.cutByTimeout(err) {
			jerr.Message = a.cutLine(err, zoneID) // one line, not "context deadline exceeded"
		}
		if a.json() {
			writeJSON(a.stdout, struct {
				ZoneID string     `json:"zone_id"`
				Error  *jsonError `json:"error"`
			}{zoneID, jerr})
		}
		fmt.Fprintf(a.stderr, "secondarydns %s: %s\n", a.cmd.name, unprefixed(jerr.Message))
		if hint := errorHint(a.cmd.name, err); hint != "" {
			fmt.Fprintf(a.stderr, "%s\n", hint)
		}
		if a.interrupted() {
			return exitInterrupted
		}
		return exitFailed
	}
	if a.json() {
		writeJSON(a.stdout, v)
	} else {
		writeZoneText(a.stdout, v)
	}
	if a.interrupted() {
		return exitInterrupted
	}
	return exitOK
}

// checkInput checks a zone ID and a desired state with the SDK's rules and
// sends nothing. It returns -1 to go on, or the exit code to stop with.
func (a *app) checkInput(zoneID string, want secondarydns.Desired) int {
	v, err := newValidator()
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	if err := v.check(zoneID, want); err != nil {
		return a.inputError(reason(err, zoneID))
	}
	return -1
}

// writeZoneText prints a single-zone result for people.
func writeZoneText(w io.Writer, v any) {
	switch v := v.(type) {
	case *secondarydns.Outgoing:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "zone\t%s\n", v.ID)
		fmt.Fprintf(tw, "name\t%s\n", v.Name)
		if len(v.Peers) == 0 {
			fmt.Fprintf(tw, "peers\t(none)\n")
		}
		for i, p := range v.Peers {
			label := ""
			if i == 0 {
				label = "peers"
			}
			fmt.Fprintf(tw, "%s\t%s\n", label, p)
		}
		fmt.Fprintf(tw, "SOA serial\t%d\n", v.SOASerial)
		fmt.Fprintf(tw, "created\t%s\n", timeText(v.CreatedTime))
		fmt.Fprintf(tw, "checked\t%s\n", timeText(v.CheckedTime))
		fmt.Fprintf(tw, "last transferred\t%s\n", timeText(v.LastTransferredTime))
		_ = tw.Flush()
	case zoneValue:
		switch {
		case v.Status != "":
			fmt.Fprintf(w, "%s %s\n", v.ZoneID, v.Status)
		case v.ID != "":
			fmt.Fprintf(w, "%s deleted (configuration %s)\n", v.ZoneID, v.ID)
		default:
			fmt.Fprintf(w, "%s notified: %s\n", v.ZoneID, v.Result)
		}
	}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// errorHint says what to do next about some errors.
func errorHint(cmd string, err error) string {
	switch {
	case cmd == "create" && errors.Is(err, secondarydns.ErrConflict):
		return "hint: the zone already has an outgoing configuration; 'update' replaces its name and peers"
	case errors.Is(err, secondarydns.ErrUnauthorized), errors.Is(err, secondarydns.ErrForbidden):
		return "hint: check CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) and the token's permissions"
	case errors.Is(err, secondarydns.ErrUnknownID):
		return "hint: Cloudflare does not know this zone ID (code 7003/7000); check it: 'secondarydns get' needs the zone's ID, as the dashboard's Overview shows it"
	case errors.Is(err, secondarydns.ErrNotFound):
		return "hint: the zone has no outgoing configuration ('create' makes one), or the zone ID is wrong"
	case errors.Is(err, secondarydns.ErrRateLimited):
		return "hint: the API's rate limit was reached; wait, and lower --rate"
	}
	return ""
}
