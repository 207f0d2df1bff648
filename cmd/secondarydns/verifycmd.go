package main

// verify: prove that each secondary serves each zone at Cloudflare's serial.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/verify"
)

var cmdVerify = &command{
	name: "verify", args: "[ZONE...] [-f FILE] [--ns HOST[:PORT]]... [--notify] [--wait DURATION]", maxArgs: -1,
	summary: "prove that each secondary serves each zone at Cloudflare's serial",
	detail: `Ask each secondary, over DNS, which SOA serial it serves for each zone, and
compare it with the serial Cloudflare reports (RFC 1982 order). ZONE is a zone
ID or a zone name (names are looked up in the account); -f checks every zone of
a desired-state file (format 1 or 2) that is not absent. The targets of a zone
are its peers that have an IP (at their port, else 53) and every --ns (a host
name is resolved once). The account (--account, a format-2 file's "account",
or ` + envAccountID + `) is required: its peers list gives each peer's name,
IP and port.

API cost: one request per zone (its outgoing configuration) and one per run
(the peers list), plus, with --notify, one force_notify per zone not in sync.
Zone names cost a zone list each (more than 10: the account's list once, 50
zones a page); a format-2 file keying zones by name costs the account's zone
list once. They are paced by --rate like every other command; DNS queries are
not (at most 64 in flight).

Each target is in_sync (the serial Cloudflare reports, or later), behind (an
earlier serial), not_serving (it answered without an authoritative SOA:
REFUSED, NXDOMAIN...), unreachable (no answer, or the network refused) or
no_address (a peer without an IP: nothing to ask).

--notify sends one force_notify to each zone with a target not in sync, then
asks its targets again every 2 s until they are in sync or --wait (default
60s with --notify) passes. --wait without --notify only waits. After
waiting, a serial at or after the one read counts as in sync.

Text output shows each zone not fully in sync (or with nothing to ask: no
peer with an IP, no --ns), then a summary line; -o json lists every zone
checked.

Exit codes: 0 every target of every zone in sync (no_address alone, or a
zone with nothing to ask, is reported, not failed);
3 a target behind, not serving or unreachable; 1 a zone could not be read
from the API, or --timeout passed first (1 wins over 3); 2 bad usage; 130
interrupted (what was checked is reported).`,
	example: "secondarydns verify -f zones.json --ns ns1.example.net --notify",
	flags: func(a *app, fs *flag.FlagSet) {
		accountFlag(a, fs)
		fs.StringVar(&a.file, "f", "", "check every zone of a desired-state `FILE` that is not absent; - reads standard input")
		fs.Var(&a.vfy.ns, "ns", "also ask the nameserver `HOST[:PORT]` (port 53 by default) about every zone; repeatable")
		fs.BoolVar(&a.vfy.notify, "notify", false, "send force_notify to each zone not in sync, then wait for its secondaries")
		fs.Var(&waitFlag{&a.vfy}, "wait", "ask the targets not in sync again every 2 s for up to `DURATION` (default 60s with --notify, else none)")
	},
	run: runVerify,
}

// verifyFlags are verify's own flags.
type verifyFlags struct {
	ns      stringList
	notify  bool
	wait    time.Duration
	waitSet bool
}

// waitFlag is --wait: a duration that knows it was given.
type waitFlag struct{ f *verifyFlags }

func (w *waitFlag) String() string {
	if w.f == nil || !w.f.waitSet {
		return ""
	}
	return w.f.wait.String()
}

func (w *waitFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("parse error")
	}
	w.f.wait, w.f.waitSet = d, true
	return nil
}

// Get makes flagError ask for a duration.
func (w *waitFlag) Get() any { return w.f.wait }

// defaultNotifyWait is --wait when --notify is given without it.
const defaultNotifyWait = 60 * time.Second

// verifyHooksKey keys test hooks in run's context: tests do not wait 2 s
// between rounds, nor 2 s for a silent target.
type verifyHooksKey struct{}

// verifyHooks replace verify's timings in tests.
type verifyHooks struct {
	querier  *verify.Querier                                  // instead of the default (2 s, 2 tries)
	interval time.Duration                                    // between rounds, instead of 2 s
	now      func() time.Time                                 // the waiting's clock
	sleep    func(ctx context.Context, d time.Duration) error // the waiting's sleep
}

func (a *app) verifyHooks() verifyHooks {
	h, _ := a.sig.Value(verifyHooksKey{}).(verifyHooks)
	return h
}

// zoneCheck is one zone of a verify run, as it goes.
type zoneCheck struct {
	id   string
	name string // as looked up, or as read
	out  *secondarydns.Outgoing

	// err: the zone could not be read (or has no configuration), or its
	// force_notify failed: the zone counts as failed.
	err      error
	read     bool // out is set
	checked  bool // every target was asked
	result   verify.ZoneResult
	notified bool
}

// failed reports a zone an API request failed for.
func (z *zoneCheck) failed() bool { return z.err != nil }

// inSync reports a zone whose every target with an address is in sync,
// and that has one at least (see unverified).
func (z *zoneCheck) inSync() bool {
	return z.checked && z.err == nil && z.result.InSync() && !z.unverified()
}

// unverified reports a zone read and checked that had nothing to ask: no
// peer, no --ns, or only peers without an IP. It is not reported "in sync
// on every secondary", which would tell whoever reads the report all is
// well with a zone nothing proved; the exit code stays 0, as for
// no_address alone (the contract's "every target in sync"), and the block
// and the count say why.
func (z *zoneCheck) unverified() bool {
	return z.checked && z.err == nil && !z.result.Asked()
}

// behind reports a zone with a target that serves an earlier serial (or
// one whose order is undefined): the zones verify --notify can help.
func (z *zoneCheck) behind() bool {
	for _, t := range z.result.Targets {
		if t.State == verify.Behind || t.State == verify.OrderUndefined {
			return true
		}
	}
	return false
}

func runVerify(a *app, args []string) int {
	f := &a.vfy
	if len(args) == 0 && a.file == "" {
		return a.usageError(a.cmd, "give the zones to check (IDs or names) or -f FILE")
	}
	if f.wait < 0 {
		return a.usageError(a.cmd, fmt.Sprintf("--wait %s: want a positive duration such as 60s", f.wait))
	}
	wait := f.wait
	if f.notify && !f.waitSet {
		wait = defaultNotifyWait
	}
	v, err := newValidator()
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	var names []string // in the order given
	for _, arg := range args {
		if strings.Contains(arg, ".") {
			if err := v.check(validZoneID, secondarydns.Desired{Name: arg}); err != nil {
				return a.usageError(a.cmd, fmt.Sprintf("%q is neither a zone ID nor a zone name", arg))
			}
			names = append(names, arg)
			continue
		}
		if err := v.check(arg, secondarydns.Desired{Absent: true}); err != nil {
			return a.usageError(a.cmd, fmt.Sprintf("%q is not a zone ID nor a zone name (a name has a dot)", arg))
		}
	}
	nsArgs := make([]nsArg, 0, len(f.ns))
	for _, s := range f.ns {
		n, err := parseNS(s)
		if err != nil {
			return a.usageError(a.cmd, err.Error())
		}
		nsArgs = append(nsArgs, n)
	}
	var (
		fileIDs []string
		file2   *file2 // a format-2 file: its zones are resolved after the account is known
	)
	if a.file != "" {
		d, err := a.loadDesired(a.file)
		if err != nil {
			return a.inputFailed(err)
		}
		file2 = d.v2
		for _, id := range d.ids() {
			if !d.zones[id].Absent {
				fileIDs = append(fileIDs, id)
			}
		}
	}
	fileAccount := ""
	if file2 != nil {
		fileAccount = file2.account
	}
	acct, code := a.needAccount(fileAccount)
	if code >= 0 {
		return code
	}
	extra, err := a.resolveNS(nsArgs)
	if err != nil {
		var se *stopError
		if errors.As(err, &se) {
			return a.failure(se.code, se.msg)
		}
		return a.inputError(err.Error())
	}

	c, ctx, cancel, code := a.openClient(nil)
	if code >= 0 {
		return code
	}
	defer cancel()

	// The names first: one that does not resolve is exit 2 after the
	// zone-list lookups alone.
	byName, err := a.lookupZones(ctx, c, acct, names)
	if err != nil {
		var ue *unresolvedError
		if errors.As(err, &ue) {
			return a.inputError(err.Error())
		}
		return a.verifyStopped("looking up zone names", err)
	}
	var file2Zones []zoneCheck
	if file2 != nil {
		file2Zones, err = verifyZones2(ctx, c, file2, acct)
		if err != nil {
			var ie *inputErr
			if errors.As(err, &ie) {
				return a.inputError(err.Error())
			}
			return a.verifyStopped("listing the account's zones", err)
		}
	}
	peers, err := c.Peers.List(ctx, acct)
	if err != nil {
		return a.verifyStopped("listing the account's peers", err)
	}

	// The zones, in the order given, each once.
	var zones []*zoneCheck
	seen := map[string]bool{}
	add := func(id, name string) {
		if !seen[id] {
			seen[id] = true
			zones = append(zones, &zoneCheck{id: id, name: name})
		}
	}
	for _, arg := range args {
		if strings.Contains(arg, ".") {
			add(byName[arg].ID, byName[arg].Name)
		} else {
			add(arg, "")
		}
	}
	for _, id := range fileIDs {
		add(id, "")
	}
	for _, z := range file2Zones {
		add(z.id, z.name)
	}

	h := a.verifyHooks()
	r := &verifyRun{a: a, c: c, peers: peers, extra: extra, zones: zones,
		checker: &verify.Checker{Querier: h.querier}}
	// DNS questions stop at once on SIGINT/SIGTERM or --timeout; the API's
	// requests follow the command's rules (see tracker).
	dnsCtx, stopDNS := context.WithCancel(a.limit)
	defer stopDNS()
	defer context.AfterFunc(a.sig, stopDNS)()

	r.readAndCheck(ctx, dnsCtx)
	if f.notify && !a.interrupted() && ctx.Err() == nil {
		r.notify(ctx)
	}
	if wait > 0 && !a.interrupted() && dnsCtx.Err() == nil {
		r.wait(dnsCtx, wait, h)
	}
	return r.report()
}

// verifyZones2 is the zones of a format-2 file that are not absent, in the
// file's order, resolved to IDs as plan resolves them (file2.zoneIDs): when
// the file keys a zone by name, through the account's zone list, read once
// (50 zones a page); nothing else is read. A name that does not resolve is
// an *inputErr.
func verifyZones2(ctx context.Context, c *secondarydns.Client, f *file2, acct string) ([]zoneCheck, error) {
	var listed []secondarydns.Zone
	if slices.ContainsFunc(f.zones, func(z zoneEntry) bool { return z.byName }) {
		var err error
		if listed, err = c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: acct}); err != nil {
			return nil, err
		}
	}
	ids, err := f.zoneIDs(acct, listed)
	if err != nil {
		return nil, err
	}
	var out []zoneCheck
	for i, z := range f.zones {
		if !z.absent {
			out = append(out, zoneCheck{id: ids[i], name: z.name})
		}
	}
	return out, nil
}

// validZoneID is a well-formed zone ID, for checking a zone name with the
// SDK's own rules.
const validZoneID = "00000000000000000000000000000000"

// verifyStopped reports a failed request before any zone was read: exit 1,
// 2 for an account ID the SDK refuses to send, or 130 when SIGINT/SIGTERM is
// why.
func (a *app) verifyStopped(what string, err error) int {
	switch {
	case a.interrupted():
		return a.failure(exitInterrupted, "interrupted while "+what+"; no zone was checked")
	case errors.Is(err, secondarydns.ErrInvalidInput):
		return a.inputError(err.Error() + "; check --account or " + envAccountID)
	case a.cutByTimeout(err):
		// One line, as the other commands' reads of the account, not
		// "context deadline exceeded".
		return a.failure(exitFailed, a.timeoutWhile(what, "no zone was checked"))
	case errors.Is(err, secondarydns.ErrUnknownID):
		return a.failure(exitFailed, fmt.Sprintf("%s: %v; no zone was checked (hint: the API does not know the account ID; check --account or %s)", what, err, envAccountID))
	}
	return a.failure(exitFailed, fmt.Sprintf("%s: %v; no zone was checked", what, err))
}

// verifyRun is one run of verify past its lookups.
type verifyRun struct {
	a       *app
	c       *secondarydns.Client
	peers   []secondarydns.Peer
	extra   []verify.Target
	zones   []*zoneCheck
	checker *verify.Checker
}

// readAndCheck reads every zone's configuration (one GET per zone, paced
// and run as plan's reads are, by the fleet runner) and, as each zone
// arrives, asks its targets. One DNS stage takes whatever zones have arrived
// as one batch, so at most the Checker's 64 queries are ever in flight and
// a slow target delays the next batch, not the reads.
func (r *verifyRun) readAndCheck(ctx, dnsCtx context.Context) {
	a := r.a
	byID := make(map[string]*zoneCheck, len(r.zones))
	want := make(map[string]secondarydns.Desired, len(r.zones))
	for _, z := range r.zones {
		byID[z.id] = z
		// A dry-run plan whose status is left alone reads exactly the
		// zone's GET /outgoing; the name is never compared with anything
		// that matters here.
		want[z.id] = secondarydns.Desired{Name: "verify.invalid."}
	}
	prog := a.startProgress("verifying", len(r.zones))
	defer prog.stop()

	arrived := make(chan *zoneCheck, len(r.zones))
	dnsDone := make(chan struct{})
	go func() {
		defer close(dnsDone)
		r.checkStage(dnsCtx, arrived, prog)
	}()
	res, err := r.c.Outgoing.ApplyAll(ctx, want, secondarydns.FleetOptions{
		Concurrency: a.concurrency, DryRun: true, Lockout: prog.lockout,
		Progress: func(zr secondarydns.ZoneResult) {
			z := byID[zr.ZoneID]
			r.readDone(z, zr)
			if z.read {
				arrived <- z
			} else if !r.cutShort(z.err) {
				prog.zoneDone(zr)
			}
		},
	})
	// A zone the fleet runner gave up on without calling Progress (the
	// context ended, or it refused the run) gets its result here.
	for _, zr := range res {
		if z := byID[zr.ZoneID]; !z.read && z.err == nil && zr.Err != nil {
			z.err = readError(z.id, zr.Err)
		}
	}
	if res == nil && err != nil {
		for _, z := range r.zones {
			z.err = err
		}
	}
	close(arrived)
	<-dnsDone
}

// readDone records a zone's read.
func (r *verifyRun) readDone(z *zoneCheck, zr secondarydns.ZoneResult) {
	switch {
	case zr.Err != nil:
		z.err = readError(z.id, zr.Err)
	case zr.Plan == nil || zr.Plan.Current == nil:
		z.err = errors.New("no outgoing configuration: Cloudflare does not transfer this zone (see 'secondarydns create' and 'secondarydns enable')")
	default:
		z.out, z.read = zr.Plan.Current, true
		if z.out.Name != "" {
			z.name = z.out.Name
		}
	}
}

// readError is a zone's failed read without what the fleet runner puts
// before it ("secondarydns: zone ID: plan: "): verify plans nothing, and the
// zone ID is in the record already.
func readError(zoneID string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "secondarydns: zone "+zoneID+": plan: ")
	var apiErr *secondarydns.APIError
	if errors.As(err, &apiErr) {
		msg = apiErr.Error()
	}
	return &wrappedError{msg: msg, err: err}
}

// wrappedError says msg and wraps err.
type wrappedError struct {
	msg string
	err error
}

func (e *wrappedError) Error() string { return e.msg }
func (e *wrappedError) Unwrap() error { return e.err }

// cutShort reports an error that SIGINT/SIGTERM or --timeout caused: the
// zone was not checked, rather than failed. (Under --timeout the pacing
// also refuses at once a request whose turn would come too late.)
func (r *verifyRun) cutShort(err error) bool {
	return (r.a.interrupted() && errors.Is(err, context.Canceled)) ||
		(r.a.timeout > 0 && errors.Is(err, context.DeadlineExceeded))
}

// checkStage asks the targets of the zones that arrive, batch by batch.
func (r *verifyRun) checkStage(ctx context.Context, arrived <-chan *zoneCheck, prog *progress) {
	var batch []*zoneCheck
	for z := range arrived {
		batch = append(batch[:0], z)
	drain:
		for {
			select {
			case z, ok := <-arrived:
				if !ok {
					break drain
				}
				batch = append(batch, z)
			default:
				break drain
			}
		}
		if ctx.Err() != nil {
			continue // not checked; reported as such
		}
		zones := make([]verify.Zone, len(batch))
		for i, z := range batch {
			zones[i] = verify.NewZone(z.id, z.out, r.peers, r.extra...)
		}
		checker := *r.checker
		checker.Progress = func(verify.ZoneResult) { prog.zoneDone(secondarydns.ZoneResult{}) }
		results, _ := checker.Check(ctx, zones)
		for i, z := range batch {
			z.result = results[i]
			err := results[i].Err
			switch {
			case err == nil:
				z.checked = true
			case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
				// Cut short: not checked.
			default:
				// A name DNS cannot carry: nothing was asked.
				z.err = fmt.Errorf("the configuration's zone name %q cannot be asked about: %w", z.out.Name, err)
				z.result.Targets = nil
				z.checked = true
			}
		}
	}
}

// lagging are the zones checked and not in sync, that no request failed for.
func (r *verifyRun) lagging() []*zoneCheck {
	var out []*zoneCheck
	for _, z := range r.zones {
		if z.checked && z.err == nil && !z.result.InSync() {
			out = append(out, z)
		}
	}
	return out
}

// notify sends one force_notify to each zone not in sync, --concurrency at
// once, paced like every request. SIGINT stops it: no new request starts.
func (r *verifyRun) notify(ctx context.Context) {
	todo := r.lagging()
	if len(todo) == 0 {
		return
	}
	r.a.note("verify: sending force_notify to %d zone(s) not in sync\n", len(todo))
	jobs := make(chan *zoneCheck)
	var wg sync.WaitGroup
	for range min(r.a.concurrency, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for z := range jobs {
				if _, err := r.c.Outgoing.ForceNotify(ctx, z.id); err != nil {
					if !r.cutShort(err) {
						z.err = fmt.Errorf("force_notify: %w", err)
					}
					continue
				}
				z.notified = true
			}
		}()
	}
	for _, z := range todo {
		if r.a.interrupted() || ctx.Err() != nil {
			break
		}
		jobs <- z
	}
	close(jobs)
	wg.Wait()
}

// wait asks the targets not in sync again until they are or d passes.
func (r *verifyRun) wait(ctx context.Context, d time.Duration, h verifyHooks) {
	todo := r.lagging()
	if len(todo) == 0 {
		return
	}
	results := make([]verify.ZoneResult, len(todo))
	for i, z := range todo {
		results[i] = z.result
	}
	now := time.Now
	if h.now != nil {
		now = h.now
	}
	w := &verify.Waiter{Checker: r.checker, Interval: h.interval, Now: now, Sleep: h.sleep}
	r.a.note("verify: waiting up to %s for %d zone(s) to be in sync on every secondary\n", d, len(todo))
	w.Round = func(round, pending int) {
		// A plain line now and then (every 5th round: 10 s by default),
		// so a CI log shows the wait is alive.
		if pending > 0 && round%5 == 0 {
			r.a.note("verify: %d zone(s) not in sync yet\n", pending)
		}
	}
	results, _ = w.Wait(ctx, results, now().Add(d))
	for i, z := range todo {
		z.result = results[i]
	}
}

// report writes the outcome and returns the exit code.
func (r *verifyRun) report() int {
	a := r.a
	var shown []*zoneCheck
	notChecked := 0
	for _, z := range r.zones {
		if z.checked || (z.err != nil && !r.cutShort(z.err) && !z.read) {
			shown = append(shown, z)
		} else {
			notChecked++
		}
	}
	sum := verifySummary(shown)
	if a.json() {
		writeJSON(a.stdout, verifyJSON(shown, sum))
	} else {
		writeVerifyText(a.stdout, shown, sum)
	}
	if noAddr := countNoAddress(shown); noAddr > 0 {
		a.note("verify: %d zone(s) have peers without an IP, or peer IDs the account does not have (no_address): nothing to ask there; give the peer an IP, or name the secondary with --ns\n", noAddr)
	}
	switch {
	case a.interrupted():
		a.note("interrupted: %d of %d zone(s) not checked\n", notChecked, len(r.zones))
		return exitInterrupted
	case notChecked > 0:
		// --timeout: the zones it cut short are not checked. Said
		// whatever --quiet says: it is why the exit code is 1. Worded as
		// the other commands' line (timedOut), "stopped early" when the
		// pacing gave up before the deadline.
		fmt.Fprintf(a.stderr, "secondarydns verify: %s; %d of %d zone(s) not checked\n", a.timeoutHow(), notChecked, len(r.zones))
		return exitFailed
	case sum.Failed > 0:
		return exitFailed
	case sum.OutOfSync > 0:
		return exitChanges
	}
	return exitOK
}

func countNoAddress(zones []*zoneCheck) int {
	n := 0
	for _, z := range zones {
		for _, t := range z.result.Targets {
			if t.State == verify.NoAddress {
				n++
				break
			}
		}
	}
	return n
}

// jsonVerify is verify's JSON document.
type jsonVerify struct {
	Zones   []jsonVerifyZone  `json:"zones"`
	Summary jsonVerifySummary `json:"summary"`
}

type jsonVerifyZone struct {
	ZoneID              string             `json:"zone_id"`
	Name                *string            `json:"name"`
	Serial              *uint32            `json:"serial"`
	LastTransferredTime *time.Time         `json:"last_transferred_time"`
	Notified            bool               `json:"notified"`
	Targets             []jsonVerifyTarget `json:"targets"`
	Error               *jsonError         `json:"error"`
}

type jsonVerifyTarget struct {
	Name    string       `json:"name"`
	Address *string      `json:"address"`
	State   verify.State `json:"state"`
	Serial  *uint32      `json:"serial"`
	RTTMS   *float64     `json:"rtt_ms"`
	Error   *string      `json:"error"`
}

// jsonVerifySummary counts the zones: each is in exactly one of in_sync,
// out_of_sync, failed and unverified (nothing to ask). Behind and
// Unreached split out_of_sync for the text line.
type jsonVerifySummary struct {
	Zones      int `json:"zones"`
	InSync     int `json:"in_sync"`
	OutOfSync  int `json:"out_of_sync"`
	Failed     int `json:"failed"`
	Unverified int `json:"unverified"`

	Behind    int `json:"-"` // a target behind (or its order undefined)
	Unreached int `json:"-"` // none behind: unreachable or not serving
}

func verifySummary(zones []*zoneCheck) jsonVerifySummary {
	s := jsonVerifySummary{Zones: len(zones)}
	for _, z := range zones {
		switch {
		case z.failed():
			s.Failed++
		case z.unverified():
			s.Unverified++
		case z.inSync():
			s.InSync++
		case z.behind():
			s.OutOfSync++
			s.Behind++
		default:
			s.OutOfSync++
			s.Unreached++
		}
	}
	return s
}

func verifyJSON(zones []*zoneCheck, sum jsonVerifySummary) jsonVerify {
	doc := jsonVerify{Zones: make([]jsonVerifyZone, 0, len(zones)), Summary: sum}
	for _, z := range zones {
		jz := jsonVerifyZone{ZoneID: z.id, Notified: z.notified, Targets: []jsonVerifyTarget{}, Error: errorJSON(z.err)}
		if z.name != "" {
			jz.Name = &z.name
		}
		if z.read {
			jz.Serial = &z.out.SOASerial
			if !z.out.LastTransferredTime.IsZero() {
				jz.LastTransferredTime = &z.out.LastTransferredTime
			}
		}
		for _, t := range z.result.Targets {
			jt := jsonVerifyTarget{Name: t.Name, State: t.State}
			if t.Addr.IsValid() {
				addr := t.Addr.String()
				jt.Address = &addr
				ms := float64(t.RTT.Microseconds()) / 1000
				jt.RTTMS = &ms
			}
			if hasSerial(t.State) {
				jt.Serial = &t.Serial
			}
			if t.Err != nil {
				msg := targetError(t)
				jt.Error = &msg
			}
			jz.Targets = append(jz.Targets, jt)
		}
		doc.Zones = append(doc.Zones, jz)
	}
	return doc
}

// targetError is why a target is not in sync, without what its record
// already says (the zone and the address) and, for a refusal, only the
// system's last word.
func targetError(t verify.TargetResult) string {
	msg := t.Err.Error()
	if _, rest, ok := strings.Cut(msg, " at "+t.Addr.String()+": "); ok {
		msg = rest
	}
	refused := verify.ErrRefused.Error()
	if strings.HasPrefix(msg, refused+": ") {
		if i := strings.LastIndex(msg, ": "); i > len(refused) {
			msg = refused + " (" + msg[i+2:] + ")"
		}
	}
	return msg
}

// hasSerial reports a state that comes with the serial the target serves.
func hasSerial(s verify.State) bool {
	return s == verify.InSync || s == verify.Behind || s == verify.OrderUndefined
}

// writeVerifyText writes one block per zone not fully in sync, then the
// summary line.
func writeVerifyText(w io.Writer, zones []*zoneCheck, sum jsonVerifySummary) {
	for _, z := range zones {
		if z.inSync() {
			continue
		}
		head := z.id
		if z.name != "" {
			head = z.name + " (" + z.id + ")"
		}
		if !z.read {
			fmt.Fprintf(w, "%s\n  failed: %s\n\n", head, unprefixed(z.err.Error()))
			continue
		}
		last := "never"
		if t := z.out.LastTransferredTime; !t.IsZero() {
			last = t.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\n  Cloudflare's serial %d, last transfer %s", head, z.out.SOASerial, last)
		if z.notified {
			fmt.Fprint(w, ", notified")
		}
		fmt.Fprintln(w)
		if z.err != nil {
			fmt.Fprintf(w, "  failed: %s\n", unprefixed(z.err.Error()))
		}
		if len(z.result.Targets) == 0 {
			fmt.Fprintln(w, "  no target to ask: the zone has no peers and no --ns was given")
		} else if z.unverified() {
			fmt.Fprintln(w, "  no target to ask: no peer of the zone has an IP (or its peer IDs are not the account's), and no --ns was given")
		}
		rows := make([][]string, 0, len(z.result.Targets))
		for _, t := range z.result.Targets {
			addr, serial, why := "-", "-", ""
			if t.Addr.IsValid() {
				addr = t.Addr.String()
			}
			if hasSerial(t.State) {
				serial = strconv.FormatUint(uint64(t.Serial), 10)
			}
			if t.Err != nil {
				why = targetError(t)
			}
			rows = append(rows, []string{t.Name, addr, string(t.State), serial, why})
		}
		writeColumns(w, "  ", rows)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, verifySummaryLine(sum))
}

// verifySummaryLine is "1000 zones: 997 in sync on every secondary, 2
// behind, 1 failed", with the zones whose secondaries did not answer (or
// did not serve the zone) and those with nothing to ask counted apart when
// there are some: "behind" calls for a NOTIFY, they do not.
func verifySummaryLine(sum jsonVerifySummary) string {
	s := fmt.Sprintf("%d zone%s: %d in sync on every secondary, %d behind", sum.Zones, plural(sum.Zones), sum.InSync, sum.Behind)
	if sum.Unreached > 0 {
		s += fmt.Sprintf(", %d unreachable or not serving", sum.Unreached)
	}
	s += fmt.Sprintf(", %d failed", sum.Failed)
	if sum.Unverified > 0 {
		s += fmt.Sprintf(", %d with no secondary to ask", sum.Unverified)
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// writeColumns writes rows with each column padded to its widest cell; the
// last cell of a row is never padded.
func writeColumns(w io.Writer, indent string, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len(cell))
		}
	}
	for _, row := range rows {
		last := len(row) - 1
		for last > 0 && row[last] == "" {
			last--
		}
		var b strings.Builder
		b.WriteString(indent)
		for i := 0; i <= last; i++ {
			if i < last {
				fmt.Fprintf(&b, "%-*s  ", widths[i], row[i])
			} else {
				b.WriteString(row[i])
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// nsArg is one --ns: a host (a name or an address) and a port.
type nsArg struct {
	text string // as given
	host string
	addr netip.Addr // when host is an address
	port uint16
}

// parseNS reads HOST[:PORT]: an IPv4 or IPv6 address (in brackets with a
// port) or a host name, port 53 unless given.
func parseNS(s string) (nsArg, error) {
	n := nsArg{text: s, port: 53}
	bad := func(why string) (nsArg, error) {
		return nsArg{}, fmt.Errorf("--ns %q: %s; want HOST[:PORT], e.g. ns1.example.net, 192.0.2.53:5353 or [2001:db8::53]:53", s, why)
	}
	if s == "" {
		return bad("empty")
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return bad("port 0")
		}
		n.host, n.addr, n.port = ap.Addr().String(), ap.Addr().Unmap(), ap.Port()
		return n, nil
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		if ip.Zone() != "" {
			return bad("an address with a zone")
		}
		n.host, n.addr = s, ip.Unmap()
		return n, nil
	}
	host := s
	if h, p, err := net.SplitHostPort(s); err == nil {
		port, err := strconv.ParseUint(p, 10, 16)
		if err != nil || port == 0 {
			return bad("the port is not a number from 1 to 65535")
		}
		host, n.port = h, uint16(port)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		n.host, n.addr = host, ip.Unmap()
		return n, nil
	}
	if host == "" || strings.ContainsAny(host, " \t[]/@") {
		return bad("not a host name or an address")
	}
	n.host = host
	return n, nil
}

// nsLookupTimeout bounds resolving the --ns host names.
const nsLookupTimeout = 10 * time.Second

// resolveNS turns the --ns arguments into targets, resolving each host name
// once: its first IPv4 address, else its first address. A name that does
// not resolve is bad input (nothing was sent).
func (a *app) resolveNS(args []nsArg) ([]verify.Target, error) {
	targets := make([]verify.Target, 0, len(args))
	for _, n := range args {
		ip := n.addr
		if !ip.IsValid() {
			ctx, cancel := context.WithTimeout(a.limit, nsLookupTimeout)
			stop := context.AfterFunc(a.sig, cancel)
			ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", n.host)
			stop()
			cancel()
			if a.interrupted() || a.limit.Err() != nil {
				return nil, a.stopped("resolving --ns "+n.text, "nothing was sent")
			}
			if err != nil || len(ips) == 0 {
				why := "no address"
				if err != nil {
					why = err.Error()
				}
				return nil, fmt.Errorf("--ns %s: cannot resolve %s: %s; nothing was sent", n.text, n.host, why)
			}
			ip = ips[0]
			for _, x := range ips {
				if x.Unmap().Is4() {
					ip = x
					break
				}
			}
			ip = ip.Unmap()
		}
		targets = append(targets, verify.Target{Name: n.text, Addr: netip.AddrPortFrom(ip, n.port)})
	}
	return targets, nil
}

// unresolvedError: a zone name the account does not have (exit 2).
type unresolvedError struct{ msg string }

func (e *unresolvedError) Error() string { return e.msg }

// byNameLookups is how many names are looked up one by one (one filtered
// zone list each); beyond it the account's whole zone list (50 zones a page)
// is read once.
const byNameLookups = 10

// lookupZones resolves zone names to zones of the account, keyed by the
// name as given. A name with no zone, or with two, is an unresolvedError
// after every lookup, naming each.
func (a *app) lookupZones(ctx context.Context, c *secondarydns.Client, acct string, names []string) (map[string]secondarydns.Zone, error) {
	if len(names) == 0 {
		return nil, nil
	}
	found := make(map[string][]secondarydns.Zone, len(names))
	if len(names) <= byNameLookups {
		for _, name := range names {
			if _, ok := found[name]; ok {
				continue
			}
			zs, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: acct, Name: name})
			if err != nil {
				return nil, err
			}
			found[name] = matchName(zs, name)
		}
	} else {
		zs, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: acct})
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			found[name] = matchName(zs, name)
		}
	}
	byName := make(map[string]secondarydns.Zone, len(names))
	var problems []string
	for _, name := range names {
		switch zs := found[name]; len(zs) {
		case 1:
			byName[name] = zs[0]
		case 0:
			problems = append(problems, fmt.Sprintf("%s: the account %s has no such zone", name, acct))
		default:
			ids := make([]string, len(zs))
			for i, z := range zs {
				ids[i] = z.ID
			}
			problems = append(problems, fmt.Sprintf("%s: %d zones have this name (%s); give the zone ID", name, len(zs), strings.Join(ids, ", ")))
		}
	}
	if len(problems) > 0 {
		return nil, &unresolvedError{strings.Join(dedupe(problems), "; ") + "; no zone was checked"}
	}
	return byName, nil
}

// matchName keeps the zones named name (ASCII case and a trailing dot do
// not count).
func matchName(zs []secondarydns.Zone, name string) []secondarydns.Zone {
	var out []secondarydns.Zone
	want := strings.TrimSuffix(name, ".")
	for _, z := range zs {
		if strings.EqualFold(strings.TrimSuffix(z.Name, "."), want) {
			out = append(out, z)
		}
	}
	return out
}
