package verify

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// State is what one target's answer says about one zone.
type State string

// The states of a target. A Checker reports InSync, Behind, NotServing,
// Unreachable and NoAddress, and OrderUndefined in the one case RFC 1982 has
// no answer for. The zero State means the target was not asked (the context
// ended first, or the zone cannot be asked about: see Checker.Check).
const (
	InSync      State = "in_sync"     // serves the zone at Cloudflare's serial or later
	Behind      State = "behind"      // serves an earlier serial
	NotServing  State = "not_serving" // ErrNotServing
	Unreachable State = "unreachable" // no answer in time, or the network refused
	NoAddress   State = "no_address"  // a peer with no IP: nothing to ask

	// OrderUndefined: the target serves a serial exactly 2^31 away from
	// Cloudflare's, so by RFC 1982 it is neither behind nor ahead. It is not
	// in sync, and it is reported rather than guessed either way.
	OrderUndefined State = "order_undefined"
)

// Target is one nameserver to ask about a zone: one of the zone's peers
// that has an IP (at its port, else 53), or a nameserver the user named.
type Target struct {
	Name string         // for people: the peer's name, or the host as the user wrote it
	Addr netip.AddrPort // where to ask; the zero value means no address (NoAddress)
}

// Zone is one zone to check: its name, the serial Cloudflare reports for it
// and the nameservers to ask. ID and LastTransferred are carried to the
// result for reports; the check does not use them.
type Zone struct {
	ID              string
	Name            string
	Serial          uint32 // Cloudflare's soa_serial
	LastTransferred time.Time
	Targets         []Target
}

// TargetResult is one target's answer for one zone.
type TargetResult struct {
	Target
	State State
	// Serial is the serial the target serves, when State is InSync, Behind
	// or OrderUndefined; 0 otherwise.
	Serial uint32
	// RTT is how long the question took, every try included (0 for
	// NoAddress and for targets not asked).
	RTT time.Duration
	// Err says why the target is NotServing or Unreachable (it wraps
	// ErrNotServing, ErrNoAnswer or ErrRefused), or wraps the context's
	// error when it was not asked; nil otherwise.
	Err error
}

// ZoneResult is the outcome for one zone: one TargetResult per target, in
// the order of Zone.Targets.
type ZoneResult struct {
	Zone    Zone
	Targets []TargetResult
	// Err is set when the context ended before every target of the zone was
	// asked (it wraps the context's error), or when the zone has no name
	// DNS can carry, such as the empty one NewZone gives a zone without
	// configuration, or a target whose address has port 0 (then no target
	// is asked, and Err matches secondarydns.ErrInvalidInput). (A command
	// may also use it for a zone it could not read from the API.)
	Err error
}

// InSync reports whether every target of the zone that has an address
// serves it at Cloudflare's serial or later. NoAddress targets do not count
// (there is nothing to ask), so a zone whose peers have no IPs is in sync
// vacuously (see Asked); a zone with Err is not.
func (r ZoneResult) InSync() bool {
	if r.Err != nil {
		return false
	}
	for _, t := range r.Targets {
		if t.State != InSync && t.State != NoAddress {
			return false
		}
	}
	return true
}

// Asked reports whether the zone had a target to ask: one that is not
// NoAddress. A zone without one (no peer, or only peers without an IP, and
// no extra server) is InSync vacuously; a report should say that nothing
// was verified rather than call it in sync.
func (r ZoneResult) Asked() bool {
	for _, t := range r.Targets {
		if t.State != NoAddress {
			return true
		}
	}
	return false
}

// MaxConcurrency is the most DNS queries a Checker has in flight at once.
const MaxConcurrency = 64

// Checker asks many targets about many zones at once. The zero value is
// ready to use: a zero Querier and MaxConcurrency queries in flight.
//
// DNS queries cost the API nothing, so a Checker is not paced: a command
// reads each zone from the API under its own pace (one Outgoing.Get per
// zone, one Peers.List per run; see NewZone), then checks them all here.
type Checker struct {
	Querier *Querier // nil means a zero Querier (2 s timeout, 2 tries)
	// Concurrency is the most queries in flight; 0 (or more than
	// MaxConcurrency) means MaxConcurrency. A query that waits for its
	// timeout keeps its slot, so a few dead secondaries slow a run by
	// their timeouts, not by the number of zones.
	Concurrency int
	// Progress, if set, is called once per zone as its last target is
	// answered, never concurrently, in no particular order. A slow
	// Progress holds up the worker that calls it (and any other with a
	// zone to report), not the queries already in flight. Its ZoneResult
	// shares Targets with the result Check returns: read it, do not keep
	// it across a Waiter's rounds.
	Progress func(ZoneResult)
}

// Check asks every target of every zone for the zone's SOA and compares the
// serial with Cloudflare's by CompareSerial. It returns one ZoneResult per
// zone, in the order of zones. Targets without an address are NoAddress
// without a query; a zone without a valid name, or with a target whose
// address has port 0, gets Err (matching secondarydns.ErrInvalidInput) and
// no query.
//
// When ctx ends, queries in flight return at once, targets not asked keep the
// zero State with Err wrapping the context's error, those zones get Err too,
// and Check returns an error wrapping ctx.Err() along with every result, so a
// caller can report what was checked.
func (c *Checker) Check(ctx context.Context, zones []Zone) ([]ZoneResult, error) {
	if ctx == nil {
		return nil, invalid("verify: nil context")
	}
	if c != nil && c.Concurrency < 0 {
		return nil, invalid("verify: Concurrency %d is negative", c.Concurrency)
	}
	results := make([]ZoneResult, len(zones))
	var jobs []job
	for i, z := range zones {
		results[i] = ZoneResult{Zone: z, Targets: make([]TargetResult, len(z.Targets))}
		for j, t := range z.Targets {
			results[i].Targets[j].Target = t
		}
		if err := askable(z); err != nil {
			// Asking would only make the targets look unreachable, and
			// a zone with no target would look in sync.
			results[i].Err = err
			continue
		}
		for j := range z.Targets {
			jobs = append(jobs, job{zone: i, target: j})
		}
	}
	var progress func(ZoneResult)
	if c != nil {
		progress = c.Progress
	}
	if progress != nil {
		for _, r := range results {
			if len(r.Targets) == 0 || r.Err != nil {
				progress(r) // nothing to ask: finished before it starts
			}
		}
	}
	err := c.run(ctx, results, jobs, progress)
	return results, err
}

// askable checks what asking needs of a zone: a name DNS can carry, and no
// target whose address has port 0 (nothing can be asked there; NewZone's
// targets never have one, a peer's unset port being 53).
func askable(z Zone) error {
	if _, err := zoneName(z.Name); err != nil {
		return err
	}
	for _, t := range z.Targets {
		if t.Addr.IsValid() && t.Addr.Port() == 0 {
			return invalid("verify: zone %s: target %q: address %s has port 0", z.Name, t.Name, t.Addr)
		}
	}
	return nil
}

// job is one question: target results[zone].Targets[target].
type job struct{ zone, target int }

// run asks jobs with at most the Checker's concurrency in flight, filling
// results. Workers take jobs in order, so one zone's targets are asked
// together and its Progress comes early.
func (c *Checker) run(ctx context.Context, results []ZoneResult, jobs []job, progress func(ZoneResult)) error {
	var q *Querier
	n := MaxConcurrency
	if c != nil {
		q = c.Querier
		if c.Concurrency > 0 && c.Concurrency < n {
			n = c.Concurrency
		}
	}
	n = min(n, len(jobs))

	left := make([]int, len(results)) // per zone: jobs not answered
	for _, j := range jobs {
		left[j.zone]++
	}
	var (
		mu         sync.Mutex // guards next and left
		next       int
		wg         sync.WaitGroup
		progressMu sync.Mutex // serialises the calls to progress
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next == len(jobs) || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				j := jobs[next]
				next++
				mu.Unlock()

				z := &results[j.zone]
				r, ok := ask(ctx, q, z.Zone.Name, z.Zone.Serial, z.Targets[j.target].Target)
				if !ok {
					continue // the context ended: the old result stands
				}
				mu.Lock()
				z.Targets[j.target] = r
				left[j.zone]--
				done := left[j.zone] == 0
				mu.Unlock()
				if done && progress != nil {
					// Every target of z is answered, so nothing writes z
					// any more.
					progressMu.Lock()
					progress(*z)
					progressMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()

	if !slices.ContainsFunc(left, func(n int) bool { return n > 0 }) {
		return nil // all answered, even if the context ended right after
	}
	err := fmt.Errorf("verify: %w", ctx.Err())
	for i, n := range left {
		if n == 0 {
			continue
		}
		z := &results[i]
		z.Err = err
		for k := range z.Targets {
			if z.Targets[k].State == "" {
				z.Targets[k].Err = err
			}
		}
	}
	return err
}

// ask asks one target about zone. ok is false when the context ended before
// the target answered (or was found silent).
func ask(ctx context.Context, q *Querier, zone string, want uint32, target Target) (r TargetResult, ok bool) {
	r.Target = target
	if !target.Addr.IsValid() {
		r.State = NoAddress
		return r, true
	}
	start := time.Now()
	soa, err := q.SOA(ctx, zone, target.Addr)
	r.RTT = time.Since(start)
	switch {
	case err == nil:
		r.Serial = soa.Serial
		r.State = stateOf(want, soa.Serial)
	case errors.Is(err, ErrNotServing):
		r.State, r.Err = NotServing, err
	case ctx.Err() != nil:
		return TargetResult{}, false
	default: // ErrNoAnswer, ErrRefused, or a socket that could not be made
		r.State, r.Err = Unreachable, err
	}
	return r, true
}

// stateOf compares a served serial with Cloudflare's.
func stateOf(want, got uint32) State {
	c, ok := CompareSerial(got, want)
	switch {
	case !ok:
		return OrderUndefined
	case c < 0:
		return Behind
	}
	return InSync
}
