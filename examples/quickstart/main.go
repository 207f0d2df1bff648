// Command quickstart walks through the secondarydns SDK: every endpoint of
// Cloudflare's Secondary DNS outgoing zone transfer API, and how errors look.
//
//	go run ./examples/quickstart
//
// It runs in one of two modes.
//
// With no Cloudflare environment, it starts secondarydnstest, the SDK's
// in-memory fake of the API, inside the process and shows what the SDK does
// for you: a desired-state Apply that creates and enables a configuration, a
// second Apply that finds nothing to do, a Get that the fake fails once with a
// 503 and the SDK retries, Status and ForceNotify, an Apply that removes the
// configuration, and the error a missing configuration gives. Nothing leaves
// the machine and no account is needed.
//
// With credentials (CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and
// CLOUDFLARE_API_KEY) and a zone ID (CLOUDFLARE_ZONE_ID, or the -zone flag), it
// talks to the real API, read through secondarydns.WithEnv, and only reads: Get
// and Status. A zone needs Cloudflare's Secondary DNS (Enterprise) entitlement
// for these endpoints to answer.
//
//	CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ZONE_ID=... go run ./examples/quickstart
//
// With -write (and -name, the zone's name), it walks the whole lifecycle on the
// real zone, one call at a time: Create, Get, Enable, Status, ForceNotify,
// Disable and Delete, then a Get of the deleted configuration. That changes the
// zone's configuration while it runs, so it is allowed only on a zone that has
// no outgoing configuration yet: it then creates one, enables and disables
// transfers, sends a NOTIFY to the peers given with -peers (none by default),
// and deletes it again, leaving the zone as it found it, even when a step
// fails. It never updates or deletes a configuration it did not create.
//
//	go run ./examples/quickstart -write -name example.com.
//
// Credentials without a zone ID, or a zone ID without credentials, are an
// error rather than a silent fall back to the fake.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// envZoneID names the zone to use against the real API. The SDK does not read
// it: zone IDs are arguments of each call.
const envZoneID = "CLOUDFLARE_ZONE_ID"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := run(ctx, os.Stdout, os.Getenv, os.Args[1:])
	cancel()
	switch {
	case errors.Is(err, flag.ErrHelp):
		// -h printed the usage; that is not a failure.
	case err != nil:
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run is the whole program, with its inputs passed in so tests can run it.
// getenv decides the mode; in real mode, secondarydns.WithEnv reads the
// credentials from the process environment itself. fakeOpts configure the
// fake mode's server (tests fix its clock).
func run(ctx context.Context, stdout io.Writer, getenv func(string) string, args []string, fakeOpts ...secondarydnstest.ServerOption) error {
	flags := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	zoneFlag := flags.String("zone", "", "zone `ID` to use with real credentials (default $"+envZoneID+")")
	write := flags.Bool("write", false, "with real credentials, CHANGE THE ZONE'S CONFIGURATION: create an outgoing transfer\n"+
		"configuration, enable, notify, disable and delete it again; refused if the zone already has one")
	name := flags.String("name", "", "with -write, the zone's `name` for the configuration it creates, e.g. example.com.")
	peers := flags.String("peers", "", "with -write, comma-separated peer `IDs` to link and NOTIFY (default none)")
	flags.Usage = func() {
		out := flags.Output()
		fmt.Fprintln(out, "usage: quickstart [-zone ID] [-write -name NAME [-peers IDs]]")
		fmt.Fprintln(out, "\nWithout Cloudflare credentials in the environment it runs against an in-process fake.")
		fmt.Fprintln(out, "With CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) and CLOUDFLARE_ZONE_ID")
		fmt.Fprintln(out, "it reads that zone from the real API, and changes it only with -write.")
		fmt.Fprintln(out)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; see -h", flags.Args())
	}

	zoneID := *zoneFlag
	if zoneID == "" {
		zoneID = getenv(envZoneID)
	}
	hasCredentials := getenv(secondarydns.EnvAPIToken) != "" ||
		getenv(secondarydns.EnvEmail) != "" || getenv(secondarydns.EnvAPIKey) != ""
	p := printer{w: stdout}

	switch {
	case !hasCredentials && zoneID == "":
		if *write || *name != "" || *peers != "" {
			return errors.New("-write, -name and -peers apply to a real zone: set " +
				secondarydns.EnvAPIToken + " and " + envZoneID + " (without them the quickstart uses a fake and changes nothing real)")
		}
		p.fake = true
		return runFake(ctx, p, fakeOpts...)
	case !hasCredentials:
		return fmt.Errorf("a zone ID is set (%s or -zone) but no credentials: set %s, or %s and %s; or unset %s to run against the in-process fake",
			envZoneID, secondarydns.EnvAPIToken, secondarydns.EnvEmail, secondarydns.EnvAPIKey, envZoneID)
	case zoneID == "":
		return fmt.Errorf("the Cloudflare credentials are set but no zone: set %s or pass -zone with the zone's ID "+
			"(32 hexadecimal characters, on the zone's Overview page in the dashboard)", envZoneID)
	}

	// Real mode. WithEnv reads CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and
	// CLOUDFLARE_API_KEY) and CLOUDFLARE_BASE_URL when it is set.
	client, err := secondarydns.NewClient(
		secondarydns.WithEnv(),
		secondarydns.WithUserAgent("secondarydns-quickstart"),
	)
	if err != nil {
		return err
	}
	p.line("Using the Cloudflare API with credentials from the environment, zone %s.", zoneID)
	if !*write {
		p.line("Read-only: run with -write -name <zone name> to walk the whole lifecycle on a zone without a configuration.")
		return readOnly(ctx, p, client, zoneID)
	}
	if *name == "" {
		return errors.New("-write needs -name, the zone's name (e.g. example.com.), for the configuration it creates")
	}
	params := secondarydns.OutgoingParams{Name: *name, Peers: splitList(*peers)}
	return writeReal(ctx, p, client, zoneID, params)
}

// The fake's zone and peers. The fake accepts any well-formed IDs; real peers
// are the account's Secondary DNS peers, created first under
// /accounts/{account_id}/secondary_dns/peers (not covered by this SDK).
const fakeZoneID = "023e105f4ecef8ad9ca31a8372d0c353"

var fakePeers = []string{"23ff594956f20c2a721606e94745a8aa", "00920f38ce07c2e2f4df50b1f61d4194"}

// runFake shows the SDK against an in-process fake of the API. fakeOpts
// configure the fake; tests pass a fixed clock so the output is exact.
func runFake(ctx context.Context, p printer, fakeOpts ...secondarydnstest.ServerOption) error {
	srv := secondarydnstest.NewServer(fakeOpts...)
	defer srv.Close()
	p.line("No Cloudflare credentials in the environment: using secondarydnstest, an in-process fake of the API.")
	p.line("Set %s and %s to read a real zone instead.", secondarydns.EnvAPIToken, envZoneID)

	client, err := srv.Client(
		secondarydns.WithUserAgent("secondarydns-quickstart"),
		// The fake answers at once, so retry without the default backoff
		// (up to 8 s) and the quickstart stays instant. Keep the default
		// against the real API: it spreads retries out.
		secondarydns.WithBackoff(0, 0),
	)
	if err != nil {
		return err
	}
	zoneID := fakeZoneID
	want := secondarydns.Desired{Name: "example.com.", Peers: fakePeers, Status: secondarydns.StatusEnabled}

	p.step("Apply: example.com. with 2 peers, transfers enabled")
	if err := apply(ctx, p, client, zoneID, want); err != nil {
		return err
	}
	p.step("Apply again: the zone is already as wanted")
	if err := apply(ctx, p, client, zoneID, want); err != nil {
		return err
	}

	// One 503 on the next Get of this zone: the SDK retries it, since a GET
	// is safe to repeat, and WithResponse shows what it took.
	srv.Fail(secondarydnstest.Fault{Zone: zoneID, Action: "get", Status: http.StatusServiceUnavailable})
	p.step("Get, with the fake failing the first attempt with a 503")
	var resp secondarydns.Response
	out, err := client.Outgoing.Get(ctx, zoneID, secondarydns.WithResponse(&resp))
	if err != nil {
		return fmt.Errorf("calling Get: %w", err)
	}
	p.outgoing(out)
	p.line("   succeeded after %d attempts (HTTP %d, ray ID %s)", resp.Attempts, resp.StatusCode, resp.RayID)

	if err := statusAndNotify(ctx, p, client, zoneID); err != nil {
		return err
	}

	p.step("Apply: the zone must have no configuration")
	if err := apply(ctx, p, client, zoneID, secondarydns.Desired{Absent: true}); err != nil {
		return err
	}
	return showNotFound(ctx, p, client, zoneID, "Get after the configuration is gone (an error on purpose)")
}

// apply brings zoneID to want and prints what it planned and did.
func apply(ctx context.Context, p printer, client *secondarydns.Client, zoneID string, want secondarydns.Desired) error {
	plan, err := client.Outgoing.Apply(ctx, zoneID, want)
	if err != nil {
		return fmt.Errorf("calling Apply: %w", err) // the error names the zone and the failing step
	}
	if plan.InSync() {
		p.line("   in sync: no actions")
		return nil
	}
	p.line("   actions: %s", joinActions(plan.Actions))
	p.line("   done:    %s", joinActions(plan.Done))
	return nil
}

func joinActions(actions []secondarydns.Action) string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// readOnly shows a real zone's configuration and transfer status.
func readOnly(ctx context.Context, p printer, client *secondarydns.Client, zoneID string) error {
	p.step("Get")
	out, err := client.Outgoing.Get(ctx, zoneID)
	if errors.Is(err, secondarydns.ErrNotFound) {
		// Not a failure: most zones have no outgoing configuration.
		p.line("   The zone has no outgoing transfer configuration (404; %v).", err)
		p.line("   Create one in the dashboard or with client.Outgoing.Create, or run the quickstart with -write.")
		return nil
	}
	if err != nil {
		return fmt.Errorf("calling Get: %w", err)
	}
	p.outgoing(out)

	status, err := readStatus(ctx, p, client, zoneID)
	if err != nil {
		return err
	}
	p.line("   %s", status)
	return nil
}

// writeReal runs the lifecycle on a real zone, but only on one without a
// configuration, so that deleting at the end restores what was there.
func writeReal(ctx context.Context, p printer, client *secondarydns.Client, zoneID string, params secondarydns.OutgoingParams) error {
	p.step("Get (checking that the zone has no configuration)")
	existing, err := client.Outgoing.Get(ctx, zoneID)
	switch {
	case err == nil:
		p.outgoing(existing)
		return errors.New("the zone already has an outgoing transfer configuration: -write only runs on a zone " +
			"without one, so that it can delete what it created without touching yours")
	case !errors.Is(err, secondarydns.ErrNotFound):
		return fmt.Errorf("calling Get: %w", err)
	}
	p.line("   None: the quickstart creates one and deletes it at the end.")
	return lifecycle(ctx, p, client, zoneID, params)
}

// lifecycle calls every endpoint in turn on a zone without a configuration,
// then shows the error a missing configuration gives. If a step fails after
// Create, it disables and deletes the configuration so none is left behind.
func lifecycle(ctx context.Context, p printer, client *secondarydns.Client, zoneID string, params secondarydns.OutgoingParams) (err error) {
	p.step("Create")
	out, err := client.Outgoing.Create(ctx, zoneID, params)
	if err != nil {
		return fmt.Errorf("calling Create: %w", err)
	}
	p.outgoing(out)

	deleted := false
	defer func() {
		if err != nil && !deleted {
			err = errors.Join(err, cleanUp(ctx, client, zoneID))
		}
	}()

	p.step("Get")
	if out, err = client.Outgoing.Get(ctx, zoneID); err != nil {
		return fmt.Errorf("calling Get: %w", err)
	}
	p.outgoing(out)

	if err = transfers(ctx, p, "Enable", client.Outgoing.Enable, zoneID); err != nil {
		return err
	}
	if err = statusAndNotify(ctx, p, client, zoneID); err != nil {
		return err
	}
	if err = transfers(ctx, p, "Disable", client.Outgoing.Disable, zoneID); err != nil {
		return err
	}

	p.step("Delete")
	id, err := client.Outgoing.Delete(ctx, zoneID)
	if err != nil {
		return fmt.Errorf("calling Delete: %w", err)
	}
	deleted = true
	p.line("   deleted configuration %s", id)

	return showNotFound(ctx, p, client, zoneID, "Get after Delete (an error on purpose)")
}

// transfers runs Enable or Disable (call, named step) and prints the status it
// leaves.
func transfers(ctx context.Context, p printer, step string, call func(context.Context, string, ...secondarydns.Option) (secondarydns.TransferStatus, error), zoneID string) error {
	p.step(step)
	status, err := call(ctx, zoneID)
	if err != nil {
		return fmt.Errorf("calling %s: %w", step, err)
	}
	p.line("   transfers are now %s", status)
	return nil
}

// readStatus is the Status step: it reads whether transfers are enabled.
func readStatus(ctx context.Context, p printer, client *secondarydns.Client, zoneID string) (secondarydns.TransferStatus, error) {
	p.step("Status")
	status, err := client.Outgoing.Status(ctx, zoneID)
	if err != nil {
		return "", fmt.Errorf("calling Status: %w", err)
	}
	return status, nil
}

// statusAndNotify reads the transfer status, then sends a DNS NOTIFY to the
// peers.
func statusAndNotify(ctx context.Context, p printer, client *secondarydns.Client, zoneID string) error {
	status, err := readStatus(ctx, p, client, zoneID)
	if err != nil {
		return err
	}
	p.line("   %s (enabled: %t)", status, status == secondarydns.StatusEnabled)

	p.step("ForceNotify")
	answer, err := client.Outgoing.ForceNotify(ctx, zoneID)
	if err != nil {
		return fmt.Errorf("calling ForceNotify: %w", err)
	}
	p.line("   %s: Cloudflare accepted the NOTIFY request (it says nothing of whether a peer pulled; secondarydns verify asks them)", answer)
	return nil
}

// showNotFound shows how to branch on an error: errors.Is for the HTTP
// class, errors.As for the details support asks for.
func showNotFound(ctx context.Context, p printer, client *secondarydns.Client, zoneID, title string) error {
	p.step(title)
	_, err := client.Outgoing.Get(ctx, zoneID)
	if err == nil {
		return errors.New("calling Get on a zone without a configuration: got one, want a 404")
	}
	p.line("   err: %v", err)
	p.line("   errors.Is(err, secondarydns.ErrNotFound): %t", errors.Is(err, secondarydns.ErrNotFound))
	var apiErr *secondarydns.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("calling Get: %w", err) // not an API answer: a real failure
	}
	p.line("   StatusCode: %d", apiErr.StatusCode)
	if len(apiErr.Errors) > 0 {
		p.line("   first error: code %d, %q", apiErr.Errors[0].Code, apiErr.Errors[0].Message)
	}
	if p.fake {
		// The fake's ray IDs are a counter: Cloudflare has never seen them.
		p.line("   RayID: %s", apiErr.RayID)
	} else {
		p.line("   RayID: %s (quote it to Cloudflare support)", apiErr.RayID)
	}
	return nil
}

// cleanUp removes a configuration the lifecycle created, with a context of
// its own: the call's may be what ran out.
func cleanUp(ctx context.Context, client *secondarydns.Client, zoneID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, disableErr := client.Outgoing.Disable(ctx, zoneID)
	if _, err := client.Outgoing.Delete(ctx, zoneID); err != nil && !errors.Is(err, secondarydns.ErrNotFound) {
		return fmt.Errorf("cleaning up: could not delete the configuration the quickstart created; "+
			"delete it yourself (disable: %v; delete: %w)", disableErr, err)
	}
	return nil
}

// printer writes the walk-through. Errors writing to stdout are ignored: there
// is nowhere better to report them.
type printer struct {
	w    io.Writer
	fake bool // talking to secondarydnstest, whose ray IDs mean nothing to Cloudflare
}

func (p printer) line(format string, args ...any) {
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p printer) step(name string) {
	fmt.Fprintf(p.w, "\n== %s\n", name)
}

// outgoing prints a configuration one field per line, with the API's names.
func (p printer) outgoing(o *secondarydns.Outgoing) {
	peers := strings.Join(o.Peers, ", ")
	if peers == "" {
		peers = "(none)"
	}
	p.line("   id:                    %s", o.ID)
	p.line("   name:                  %s", o.Name)
	p.line("   peers:                 %s", peers)
	p.line("   soa_serial:            %d", o.SOASerial)
	p.line("   created_time:          %s", formatTime(o.CreatedTime))
	p.line("   checked_time:          %s", formatTime(o.CheckedTime))
	p.line("   last_transferred_time: %s", formatTime(o.LastTransferredTime))
}

// formatTime prints a time in RFC 3339; the zero time means the API sent none.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "(not yet)"
	}
	return t.Format(time.RFC3339)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
