package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/dnsxfer/secondarydns"
)

// progress draws one line on stderr while a fleet command runs, when stderr
// is a terminal and neither --quiet nor --verbose was given: zones done of
// the total, requests per second, time left.
type progress struct {
	a     *app
	verb  string
	total int
	start time.Time
	sent0 int64

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
	if !a.stderrTTY || a.quiet || a.verbose || a.tracker == nil || total == 0 {
		return p
	}
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
				fmt.Fprint(p.a.stderr, "\r\033[K")
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
	rps := float64(p.a.tracker.sent.Load()-p.sent0) / max(elapsed.Seconds(), 0.001)
	left := "-"
	if done > 0 {
		rest := time.Duration(float64(elapsed) / float64(done) * float64(p.total-done))
		left = rest.Round(time.Second).String()
	}
	fmt.Fprintf(p.a.stderr, "\r\033[K%s: %d/%d zones, %.1f req/s, %s left", p.verb, done, p.total, rps, left)
}

// stop clears the line.
func (p *progress) stop() {
	if p.quit == nil {
		return
	}
	p.stopOnce.Do(func() { close(p.quit) })
	<-p.ended
}
