package verify

import (
	"context"
	"fmt"
	"time"
)

// DefaultInterval is how long a Waiter waits between rounds: a secondary
// that got a NOTIFY usually transfers within a second or two.
const DefaultInterval = 2 * time.Second

// Waiter asks again, every Interval, the targets that are not in sync, until
// every zone is in sync or a deadline passes: what a command does after
// ForceNotify (--notify) or while only waiting (--wait).
//
// Now and Sleep let tests run the loop without waiting: give a fake clock
// and a Sleep that advances it.
type Waiter struct {
	Checker  *Checker      // asks the targets; nil means a zero Checker
	Interval time.Duration // between rounds; 0 means DefaultInterval
	// Now reads the clock; nil means time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends, returning ctx's error then; nil
	// means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Round, if set, is called after each round with the round's number
	// (from 1) and the zones still not in sync, for progress lines.
	Round func(round, pending int)
}

// Wait re-asks, every Interval, each target of results that is not InSync
// and has an address (NoAddress is never re-asked: there is nothing to ask),
// until every zone is in sync or deadline has passed; the last round is at
// the deadline. It returns the results updated in place (the same slice) and,
// if ctx ended, an error wrapping ctx.Err(); targets whose question the
// context cut short keep their previous result. A serial at or after the
// zone's Serial counts as in sync, so a secondary that moved on past
// Cloudflare's serial read before the wait is not reported behind.
//
// Interval is the pause between rounds, not their period: a round lasts as
// long as its slowest target (Tries × Timeout for a silent one).
//
// Wait sends no NOTIFY: the caller calls ForceNotify for the zones that are
// not in sync first (one call per zone) when that is wanted.
func (w *Waiter) Wait(ctx context.Context, results []ZoneResult, deadline time.Time) ([]ZoneResult, error) {
	if ctx == nil {
		return results, invalid("verify: nil context")
	}
	var (
		c        *Checker
		interval = DefaultInterval
		now      = time.Now
		sleep    = sleepTimer
		round    func(int, int)
	)
	if w != nil {
		c, round = w.Checker, w.Round
		if w.Interval > 0 {
			interval = w.Interval
		}
		if w.Now != nil {
			now = w.Now
		}
		if w.Sleep != nil {
			sleep = w.Sleep
		}
	}
	if c != nil && c.Concurrency < 0 {
		return results, invalid("verify: Concurrency %d is negative", c.Concurrency)
	}
	for n := 1; ; n++ {
		jobs := pending(results)
		if len(jobs) == 0 {
			return results, nil
		}
		left := deadline.Sub(now())
		if left <= 0 {
			return results, nil
		}
		if err := sleep(ctx, min(interval, left)); err != nil {
			return results, fmt.Errorf("verify: %w", err)
		}
		if err := c.run(ctx, results, jobs, nil); err != nil {
			return results, err
		}
		if round != nil {
			round(n, countPending(results))
		}
	}
}

// pending lists the targets worth asking again. A zone with Err was not
// (fully) checked, or not read at all: nothing to wait for.
func pending(results []ZoneResult) []job {
	var jobs []job
	for i, r := range results {
		if r.Err != nil {
			continue
		}
		for j, t := range r.Targets {
			if t.State != InSync && t.State != NoAddress {
				jobs = append(jobs, job{zone: i, target: j})
			}
		}
	}
	return jobs
}

// countPending counts the zones Wait would ask about again.
func countPending(results []ZoneResult) int {
	n := 0
	for _, r := range results {
		if r.Err == nil && !r.InSync() {
			n++
		}
	}
	return n
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
