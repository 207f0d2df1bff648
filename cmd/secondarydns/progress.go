package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/dnsxfer/secondarydns"
)

// progress draws one line on stderr while a fleet command runs, when stderr
// is a terminal and --quiet is not given: zones done of the total, requests
// per second, time left. Under --verbose, each log line clears the progress
// line before it is written (see lockedWriter), and the next tick draws it
// again below.
type progress struct {
	a     *app
	verb  string
	total int
	start time.Time
	sent0 int64
	w     *lockedWriter

	mu   sync.Mutex
	done int

	stopOnce sync.Once
	quit     chan struct{}
	ended    chan struct{}
}

// progressEvery is how often the line is redrawn.
const progressEvery = 250 * time.Millisecond

func (a *app) startProgress(verb string, total int) *progress {
	p := &progress{a: a, verb: verb, total: total, start: time.Now()}
	lw, ok := a.stderr.(*lockedWriter)
	if !a.stderrTTY || a.quiet || !ok || a.tracker == nil || total == 0 {
		return p
	}
	p.w = lw
	p.sent0 = a.tracker.sent.Load()
	p.quit, p.ended = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.ended)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			p.draw()
			select {
			case <-p.quit:
				lw.drawLine("")
				return
			case <-t.C:
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

func (p *progress) draw() {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	elapsed := time.Since(p.start)
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
	p.w.drawLine(fmt.Sprintf("%s: %d/%d zones, %s req/s, %s left", p.verb, done, p.total, rps, left))
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
