package main

import (
	"fmt"
	"math"
)

// The command's limits, as the README lists them.
const (
	// defaultRate is --rate's default: 3 requests per second is 900 per 5
	// minutes, three quarters of Cloudflare's 1,200 per 5 minutes per user.
	// The whole budget (4/s) would leave nothing to the dashboard or another
	// tool of the same user, and one request of theirs would push the run
	// into a 5-minute lockout.
	defaultRate = 3

	// minRate is the slowest --rate: one request every 1,000 s. Slower
	// rates are typing mistakes (1e-300 waits longer than the universe has
	// existed, and overflows the pacer's arithmetic).
	minRate = 0.001

	// maxConcurrency is the most zones in flight: at Cloudflare's 4 requests
	// per second, 64 zones already wait on the budget, not on the network;
	// more only open sockets (10,000 ran out of file descriptors).
	maxConcurrency = 64

	// defaultMaxInput is the most a desired-state file, a saved plan or an
	// --ids file may hold: 512 MiB is about 4 million zones, and keeps
	// -f /dev/zero from eating the machine's memory.
	defaultMaxInput = 512 << 20
)

// rateHelp is --rate's help text.
var rateHelp = fmt.Sprintf("send at most `N` requests per second across the run, evenly paced; 0 means unpaced (default %d: 900 per 5 minutes, leaving a quarter of Cloudflare's 1,200 per 5 minutes per user to the dashboard and other tools, whose requests would otherwise push the run into a 5-minute lockout)", defaultRate)

// checkLimits checks --concurrency and --rate against the limits above; ""
// when they are within them.
func (a *app) checkLimits() string {
	switch {
	case a.concurrency > maxConcurrency:
		return fmt.Sprintf("--concurrency %d: at most %d; Cloudflare allows 4 requests per second, so %d zones in flight already wait on that budget and more would only open sockets",
			a.concurrency, maxConcurrency, maxConcurrency)
	case a.rate > 0 && a.rate < minRate && !math.IsNaN(a.rate):
		return fmt.Sprintf("--rate %g: want 0 (unpaced) or at least %g request per second (one every %d s)", a.rate, minRate, int(1/minRate))
	}
	return ""
}
