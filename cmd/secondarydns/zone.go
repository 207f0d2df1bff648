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

var cmdUpdate = configCommand("update", "replace a zone's name and peers",
	"Replace the zone's outgoing transfer configuration (PUT /zones/{zone_id}/secondary_dns/outgoing).\nThe peers given replace the current ones: a peer not given is removed.",
	(*secondarydns.OutgoingService).Update)

// zoneValue is the JSON shape of delete, notify and the status commands.
type zoneValue struct {
	ZoneID string `json:"zone_id"`
	Status string `json:"status,omitempty"`
	ID     string `json:"id,omitempty"`
	Result string `json:"result,omitempty"`
}

var cmdDelete = zoneCommand("delete", "delete a zone's outgoing transfer configuration",
	"Delete the zone's outgoing transfer configuration (DELETE /zones/{zone_id}/secondary_dns/outgoing).\nIt does not disable transfers first: run 'disable' before if secondaries must stop at once.",
	func(ctx context.Context, c *secondarydns.Client, zoneID string) (any, error) {
		id, err := c.Outgoing.Delete(ctx, zoneID)
		return zoneValue{ZoneID: zoneID, ID: id}, err
	})

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
	cmdDisable = statusCommand("disable", "disable outgoing transfers of a zone",
		"Disable outgoing zone transfers (POST /zones/{zone_id}/secondary_dns/outgoing/disable);\nsecondaries stop receiving updates.",
		(*secondarydns.OutgoingService).Disable)
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
	name: "version", maxArgs: 0, local: true,
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
	v, err := call(ctx, c)
	if err != nil {
		if errors.Is(err, secondarydns.ErrInvalidInput) {
			return a.inputError(strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": "))
		}
		if a.json() {
			writeJSON(a.stdout, struct {
				ZoneID string     `json:"zone_id"`
				Error  *jsonError `json:"error"`
			}{zoneID, errorJSON(err)})
		}
		fmt.Fprintf(a.stderr, "secondarydns %s: %s\n", a.cmd.name, unprefixed(err.Error()))
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
	case errors.Is(err, secondarydns.ErrNotFound):
		return "hint: the zone has no outgoing configuration ('create' makes one), or the zone ID is wrong"
	case errors.Is(err, secondarydns.ErrRateLimited):
		return "hint: the API's rate limit was reached; wait, and lower --rate"
	}
	return ""
}
