package secondarydns

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FleetOptions tunes ApplyAll and ExecuteAll.
type FleetOptions struct {
	Concurrency int              // zones in flight at once; 0 means 4
	DryRun      bool             // plan every zone, change nothing
	Progress    func(ZoneResult) // called once per zone as it finishes, never concurrently
	// Lockout, when set, is called as a rate-limit lockout starts (see
	// ApplyAll): the whole run sends nothing until until, retryAfter
	// being the Retry-After that said so. It is called once per lockout,
	// however many zones meet it, and again only for a longer one that
	// pushes the end of the pause at least a second later. Calls are
	// never concurrent with each other or with Progress. It lets a caller
	// say why the run stands still, for up to 5 minutes.
	Lockout func(until time.Time, retryAfter time.Duration)
}

// ZoneResult is the outcome of one zone of a fleet run.
type ZoneResult struct {
	ZoneID string
	Plan   *Plan // nil when the zone could not be planned
	Err    error
}

// defaultConcurrency keeps a fleet run gentle on the API when the caller
// does not say.
const defaultConcurrency = 4

// maxRestarts is how often a zone is started again after a rate-limit
// lockout before its 429 counts as its result.
const maxRestarts = 3

// ApplyAll brings every zone to its desired state: Apply for each, at most
// fo.Concurrency zones at once, started in zone-ID order. With fo.DryRun it
// only plans. It returns one ZoneResult per zone, sorted by zone ID, and an
// error that says "N of M zones failed" and wraps each zone's error, or nil
// when every zone succeeded.
//
// Every zone is checked before any request (the error names the zone; the
// results are then nil), as are opts (WithResponse is refused: one Response
// cannot describe a fleet).
//
// Cloudflare allows 1,200 requests per 5 minutes per user, shared with the
// dashboard and every other tool of that user; going over blocks every call
// for 5 minutes. Pace the run with WithRateLimiter (a
// rate.NewLimiter(4, 1) from golang.org/x/time/rate stays under the budget).
// Should the API still answer 429 with a Retry-After that the call did not
// wait for (see WithMaxRetryWait), ApplyAll sends no new request for any zone
// until that time has passed, then plans the zone again, up to 3 times per
// zone. When ctx ends, every zone without a result gets one whose Err wraps
// the context's error.
func (s *OutgoingService) ApplyAll(ctx context.Context, zones map[string]Desired, fo FleetOptions, opts ...Option) ([]ZoneResult, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	ids := make([]string, 0, len(zones))
	for id := range zones {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var bad []error
	for _, id := range ids {
		if err := validateDesired(id, zones[id]); err != nil {
			bad = append(bad, err)
		}
	}
	if err := firstInvalid(bad, "zones"); err != nil {
		return nil, refused(opts, err)
	}
	return s.runFleet(ctx, ids, nil, fo, opts, func(ctx context.Context, i int, done []Action, _ error, opts []Option) (*Plan, error) {
		id := ids[i]
		if fo.DryRun {
			return s.plan(ctx, id, zones[id], opts)
		}
		return s.apply(ctx, id, zones[id], done, opts)
	})
}

// ExecuteAll runs Execute for each reviewed plan under the rules of ApplyAll
// (checks first, zone-ID order, concurrency, results, errors, lockout,
// context), so that what runs is exactly what was approved. Duplicate zone
// IDs, a nil plan and fo.DryRun are ErrInvalidInput.
//
// As Execute does, it reads each zone with actions left again before its
// first write (GET /outgoing, and GET /status when the plan read the
// status) and reports a zone that changed since it was planned as ErrStale,
// untouched: it costs the plan's reads again for each such zone. After a
// lockout pause a zone resumes its remaining actions, checked again the
// same way; it is not planned again.
func (s *OutgoingService) ExecuteAll(ctx context.Context, plans []*Plan, fo FleetOptions, opts ...Option) ([]ZoneResult, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	if fo.DryRun {
		return nil, refused(opts, invalid("ExecuteAll: DryRun makes no sense for reviewed plans; use ApplyAll with DryRun to plan"))
	}
	for i, p := range plans {
		if p == nil {
			return nil, refused(opts, invalid("ExecuteAll: plan %d is nil", i+1))
		}
	}
	// Sorted first, so the error names the first bad zone in zone-ID order,
	// as ApplyAll's does.
	sorted := slices.Clone(plans)
	slices.SortStableFunc(sorted, func(a, b *Plan) int { return strings.Compare(a.ZoneID, b.ZoneID) })
	var bad []error
	for i, p := range sorted {
		if i > 0 && p.ZoneID == sorted[i-1].ZoneID {
			return nil, refused(opts, invalid("ExecuteAll: zone %s has more than one plan", p.ZoneID))
		}
		if err := validatePlan(p); err != nil {
			bad = append(bad, err)
		}
	}
	if err := firstInvalid(bad, "plans"); err != nil {
		return nil, refused(opts, err)
	}
	ids := make([]string, len(sorted))
	for i, p := range sorted {
		ids[i] = p.ZoneID
	}
	return s.runFleet(ctx, ids, sorted, fo, opts, func(ctx context.Context, i int, done []Action, prevErr error, opts []Option) (*Plan, error) {
		p := sorted[i]
		if len(done) > len(p.Done) {
			// Resuming after a lockout: the actions done so far stay done.
			q := *p
			q.Done = done
			p = &q
		}
		chk := &check{}
		var next Action
		if len(p.Done) < len(p.Actions) {
			next = p.Actions[len(p.Done)]
		}
		var uc *unknownCreate
		var ce *checkError
		switch {
		case errors.As(prevErr, &uc) && next == ActionCreate:
			// The lockout cut short the read that settles a Create: make
			// it now, never repeat the Create blindly.
			q := *p
			q.Actions = slices.Clone(p.Actions)
			q.Done = slices.Clone(p.Done)
			if err := s.settleCreate(ctx, &q, uc.create, opts); err != nil {
				return &q, stepError(q.ZoneID, string(ActionCreate), err)
			}
			q.Done = append(q.Done, ActionCreate)
			p = &q
			if p.Status == "" {
				// The settling read was the check: it found Want's name
				// and peers (or none, and the Create was sent again).
				chk = nil
			}
		case prevErr != nil && !errors.As(prevErr, &ce) && next != ActionCreate:
			// The action the lockout interrupted was sent and may have
			// taken effect (a 5xx retried into the 429): the check also
			// accepts the zone as it leaves it. A Create answered 429
			// was refused, and one of unknown outcome is settled above.
			chk.pending = next
		}
		return s.execute(ctx, p, chk, opts)
	})
}

// firstInvalid reports the first of the validation errors, and how many
// more there were.
func firstInvalid(bad []error, what string) error {
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return bad[0]
	}
	return invalid("%s (and %d more invalid %s)", trimInvalid(bad[0]), len(bad)-1, what)
}

// trimInvalid is an ErrInvalidInput error's text without the sentinel's, so
// that it can be wrapped again with more context.
func trimInvalid(err error) string {
	return strings.TrimPrefix(err.Error(), ErrInvalidInput.Error()+": ")
}

// zoneFunc does one zone's work. done holds the actions an earlier,
// locked-out attempt completed, and prevErr that attempt's error.
type zoneFunc func(ctx context.Context, i int, done []Action, prevErr error, opts []Option) (*Plan, error)

// runFleet is the worker pool both fleet calls share: Concurrency workers
// take zones in order, every request waits on one shared pause, and results
// land in zone order. plans, when not nil, are the zones' reviewed plans: a
// zone the run never reaches reports its plan untouched.
func (s *OutgoingService) runFleet(ctx context.Context, ids []string, plans []*Plan, fo FleetOptions, opts []Option, work zoneFunc) ([]ZoneResult, error) {
	if ctx == nil {
		return nil, refused(opts, invalid("the context is nil"))
	}
	if fo.Concurrency < 0 {
		return nil, refused(opts, invalid("FleetOptions.Concurrency is %d; it must be 0 (meaning %d) or more", fo.Concurrency, defaultConcurrency))
	}
	cfg, err := s.client.cfg.forCall(opts)
	if err != nil {
		return nil, refused(opts, err)
	}
	if cfg.response != nil {
		return nil, refused(opts, invalid("WithResponse cannot describe a fleet run; use FleetOptions.Progress or each ZoneResult"))
	}
	n := fo.Concurrency
	if n == 0 {
		n = defaultConcurrency
	}
	n = min(n, len(ids))

	// Every attempt of every zone waits on the pause, then on the caller's
	// limiter: a lockout stops new requests fleet-wide, while requests
	// already sent finish.
	var callbacks sync.Mutex // Progress and Lockout are never called at once
	gate := &pause{limiter: cfg.limiter, sleep: cfg.sleep, now: cfg.now, announce: fo.Lockout, callbacks: &callbacks}
	zoneOpts := append(slices.Clip(opts), WithRateLimiter(gate), withLockout(gate.hold))

	results := make([]ZoneResult, len(ids))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				r := ZoneResult{ZoneID: ids[i]}
				var planned *Plan
				if plans != nil {
					planned = plans[i]
				}
				r.Plan, r.Err = runZone(ctx, gate, ids[i], i, planned, work, zoneOpts)
				results[i] = r
				if fo.Progress != nil {
					callbacks.Lock()
					fo.Progress(r)
					callbacks.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return results, fleetErr(results)
}

// runZone does one zone, starting it again after each lockout it causes.
func runZone(ctx context.Context, gate *pause, zoneID string, i int, last *Plan, work zoneFunc, opts []Option) (*Plan, error) {
	var done []Action
	var prevErr error
	for restarts := 0; ; restarts++ {
		if err := ctx.Err(); err != nil {
			// Every zone gets a result, those never started included.
			step := "not started"
			if restarts > 0 {
				step = "waiting out a rate-limit lockout"
			}
			return last, stepError(zoneID, step, err)
		}
		p, err := work(ctx, i, done, prevErr, opts)
		until, retryAfter, locked := lockout(ctx, gate, err)
		if !locked {
			return p, err
		}
		// The pipeline paused the run as the answer came in (withLockout);
		// holding again covers a 429 that reached us another way.
		gate.hold(until, retryAfter)
		if restarts == maxRestarts {
			return p, err
		}
		if p != nil {
			last, done = p, p.Done
		}
		prevErr = err
	}
}

// lockout reports whether err holds, anywhere in its tree, a 429 whose
// Retry-After the call did not wait for, until when the API refuses
// requests, and that Retry-After.
func lockout(ctx context.Context, gate *pause, err error) (time.Time, time.Duration, bool) {
	if err == nil || ctx.Err() != nil {
		return time.Time{}, 0, false
	}
	if e := findLockout(err); e != nil {
		return gate.now().Add(e.RetryAfter), e.RetryAfter, true
	}
	return time.Time{}, 0, false
}

// findLockout walks the whole error tree: a 429 may sit behind another
// error, as a settling read's behind its Create's 5xx.
func findLockout(err error) *APIError {
	switch e := err.(type) {
	case *APIError:
		if e.StatusCode == 429 && e.RetryAfter > 0 {
			return e
		}
		return nil
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			if found := findLockout(inner); found != nil {
				return found
			}
		}
		return nil
	}
	if inner := errors.Unwrap(err); inner != nil {
		return findLockout(inner)
	}
	return nil
}

// pause is the fleet's shared brake, handed to every call as its
// RateLimiter.
type pause struct {
	limiter RateLimiter // the caller's, or nil
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time

	// announce is FleetOptions.Lockout (or nil), called under callbacks.
	announce  func(until time.Time, retryAfter time.Duration)
	callbacks *sync.Mutex

	mu    sync.Mutex
	until time.Time
}

// announceAgain is how much later a new hold must end than the running
// pause for the caller to hear of it again: every zone in flight may meet
// the same lockout, each a moment after the other.
const announceAgain = time.Second

// hold stops new requests until t (a later hold extends the pause), and
// tells the caller when a lockout starts or is pushed notably later.
func (p *pause) hold(t time.Time, retryAfter time.Duration) {
	if p.announce != nil {
		// Taken first, so the caller hears of the lockouts in the order
		// they extend the pause.
		p.callbacks.Lock()
		defer p.callbacks.Unlock()
	}
	p.mu.Lock()
	running := p.until.After(p.now())
	tell := !running || t.Sub(p.until) >= announceAgain
	extends := t.After(p.until)
	if extends {
		p.until = t
	}
	p.mu.Unlock()
	if extends && tell && p.announce != nil {
		p.announce(t, retryAfter)
	}
}

// Wait returns once no pause holds and the caller's limiter allows a request.
func (p *pause) Wait(ctx context.Context) error {
	for limited := false; ; {
		p.mu.Lock()
		d := p.until.Sub(p.now())
		p.mu.Unlock()
		if d > 0 {
			if err := p.sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if limited || p.limiter == nil {
			return ctx.Err()
		}
		// A lockout may begin while the limiter makes us wait: check the
		// pause again before sending.
		if err := p.limiter.Wait(ctx); err != nil {
			return err
		}
		limited = true
	}
}

// fleetError is the error of a run where some zones failed.
type fleetError struct {
	failed, total int
	errs          []error
}

// Error counts the failures and quotes the first.
func (e *fleetError) Error() string {
	return "secondarydns: " + strconv.Itoa(e.failed) + " of " + strconv.Itoa(e.total) +
		" zones failed; the first: " + trimPrefix(e.errs[0])
}

// Unwrap returns every zone's error, so errors.Is and errors.As reach them.
func (e *fleetError) Unwrap() []error { return e.errs }

func fleetErr(results []ZoneResult) error {
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &fleetError{failed: len(errs), total: len(results), errs: errs}
}
