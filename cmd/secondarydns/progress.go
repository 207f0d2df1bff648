package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/dnsxfer/secondarydns"
)

// progress reports on stderr how a fleet command is going, unless --quiet.
// On a terminal it draws one line, redrawn in place: zones done of the
// total, requests per second, time left. Under --verbose, each log line
// clears the progress line before it is written (see lockedWriter), and the
// next tick draws it again below. Without a terminal (a CI log) the same
// text is written as a whole line every plainProgressEvery, the first after
// that long: a run that ends sooner writes none. A rate-limit lockout is
// announced in both cases (see lockout).
type progress struct {
	a     *app
	verb  string
	total int
	start time.Time
	sent0 int64
	w     *lockedWriter
	plain bool // no terminal: whole lines, not a line drawn in place

	mu     sync.Mutex
	done   int
	paused time.Time // the end of the running lockout, if any

	stopOnce sync.Once
	quit     chan struct{}
	ended    chan struct{}
}

// progressEvery is how often the line is redrawn on a terminal.
const progressEvery = 250 * time.Millisecond

// plainProgressEvery is how often a line is written without a terminal:
// often enough that a CI log shows the run is alive, seldom enough that a
// 400-zone run writes some 20 lines, not hundreds.
const plainProgressEvery = 10 * time.Second

func (a *app) startProgress(verb string, total int) *progress {
	p := &progress{a: a, verb: verb, total: total, start: time.Now()}
	lw, ok := a.stderr.(*lockedWriter)
	if a.quiet || !ok || a.tracker == nil || total == 0 {
		return p
	}
	p.w = lw
	p.plain = !a.stderrTTY
	every := progressEvery
	if p.plain {
		every = plainProgressEvery
		if a.plainEvery > 0 {
			every = a.plainEvery
		}
	}
	p.sent0 = a.tracker.sent.Load()
	p.quit, p.ended = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.ended)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if !p.plain {
				lw.drawLine(p.line())
			}
			select {
			case <-p.quit:
				if !p.plain {
					lw.drawLine("")
				}
				return
			case <-t.C:
			}
			if p.plain {
				_, _ = io.WriteString(lw, p.line()+"\n")
			}
		}
	}()
	return p
}

// zoneDone is the FleetOptions.Progress callback.
func (p *progress) zoneDone(secondarydns.ZoneResult) {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

// lockout is the FleetOptions.Lockout callback. A lockout stops every
// request for up to 5 minutes, which looks like a hung run: it is said on
// stderr whether or not stderr is a terminal, and under --quiet too, and
// the progress line says "paused" until it ends instead of a time left
// that only grows.
func (p *progress) lockout(until time.Time, retryAfter time.Duration) {
	p.mu.Lock()
	p.paused = until
	p.mu.Unlock()
	p.a.waits.lockedOut(until)
	fmt.Fprintf(p.a.stderr, "rate limited by Cloudflare: every request paused until %s (Retry-After %d s)\n",
		until.Format(time.TimeOnly), int64(retryAfter.Round(time.Second)/time.Second))
}

// line is the progress line's text.
func (p *progress) line() string {
	p.mu.Lock()
	done, paused := p.done, p.paused
	p.mu.Unlock()
	if w := p.a.waits.pausedUntil(); w.After(paused) {
		paused = w // a Retry-After waited in a call (retryWaits)
	}
	now := time.Now()
	elapsed := now.Sub(p.start)
	// Under a second of data says nothing about the rate (the first frame
	// would divide by almost nothing): "-" until then.
	rps := "-"
	if elapsed >= rateAfter {
		rps = fmt.Sprintf("%.1f", float64(p.a.tracker.sent.Load()-p.sent0)/elapsed.Seconds())
	}
	left := "-"
	if done > 0 {
		rest := time.Duration(float64(elapsed) / float64(done) * float64(p.total-done))
		left = rest.Round(time.Second).String()
	}
	if paused.After(now) {
		return fmt.Sprintf("%s: %d/%d zones, %s req/s, paused until %s", p.verb, done, p.total, rps, paused.Format(time.TimeOnly))
	}
	return fmt.Sprintf("%s: %d/%d zones, %s req/s, %s left", p.verb, done, p.total, rps, left)
}

// rateAfter is how long the progress line waits before it shows a rate.
const rateAfter = time.Second

// stop clears the line.
func (p *progress) stop() {
	if p.quit == nil {
		return
	}
	p.stopOnce.Do(func() { close(p.quit) })
	<-p.ended
}
