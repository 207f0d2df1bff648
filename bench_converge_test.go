package secondarydns_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// BenchmarkApplyAll runs fleets of 1,000 zones against the fake.
//
//   - limiter=500/s: with a rate limiter as the only brake the run must keep
//     it busy; "rate/limit" is the request rate achieved divided by the
//     limiter's (the contract wants at least 0.95).
//   - limiter=none: how fast the converge layer itself goes, in zones/s.
//
// "allocs/zone" counts every allocation of the process during the run,
// divided by the zones: the in-process fake's share included, so it is an
// upper bound of the SDK's. BenchmarkInSyncByHand makes the same 2,000 reads
// with a plain loop of Get and Status calls: the difference is what the
// converge layer adds. Run both with -benchtime=1x: one run is 1,000 zones.
func BenchmarkApplyAll(b *testing.B) {
	const zones = 1000
	fleets := []struct {
		name     string
		seed     bool // the zones exist, enabled, as wanted
		requests int  // per run
	}{
		{"in-sync", true, 2 * zones},        // GET + GET status
		{"create+enable", false, 3 * zones}, // GET + POST + POST enable
	}
	for _, limit := range []rate.Limit{500, 0} {
		for _, f := range fleets {
			name := fmt.Sprintf("fleet=%s/limiter=none", f.name)
			if limit > 0 {
				name = fmt.Sprintf("fleet=%s/limiter=%g/s", f.name, float64(limit))
			}
			b.Run(name, func(b *testing.B) {
				want := map[string]secondarydns.Desired{}
				for i := range zones {
					want[secondarydnstest.ZoneID(i)] = secondarydns.Desired{
						Name: fmt.Sprintf("zone%d.example.", i), Peers: []string{peerA}, Status: secondarydns.StatusEnabled,
					}
				}
				var elapsed time.Duration
				var mallocs uint64
				for b.Loop() {
					b.StopTimer()
					srv := secondarydnstest.NewServer()
					if f.seed {
						for id, d := range want {
							srv.Seed(id, secondarydnstest.Config{Name: d.Name, Peers: d.Peers, Status: "Enabled"})
						}
					}
					opts := []secondarydns.Option{}
					if limit > 0 {
						opts = append(opts, secondarydns.WithRateLimiter(rate.NewLimiter(limit, 1)))
					}
					c, err := srv.Client(opts...)
					if err != nil {
						b.Fatal(err)
					}
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					start := time.Now()
					b.StartTimer()

					_, err = c.Outgoing.ApplyAll(context.Background(), want, secondarydns.FleetOptions{})

					b.StopTimer()
					elapsed += time.Since(start)
					runtime.ReadMemStats(&after)
					mallocs += after.Mallocs - before.Mallocs
					if err != nil {
						b.Fatal(err)
					}
					if n := len(srv.Requests()); n != f.requests {
						b.Fatalf("%d requests, want %d", n, f.requests)
					}
					srv.Close()
					b.StartTimer()
				}
				runs := float64(b.N)
				perSecond := float64(f.requests) * runs / elapsed.Seconds()
				if limit > 0 {
					b.ReportMetric(perSecond/float64(limit), "rate/limit")
				} else {
					b.ReportMetric(zones*runs/elapsed.Seconds(), "zones/s")
				}
				b.ReportMetric(perSecond, "req/s")
				b.ReportMetric(float64(mallocs)/(zones*runs), "allocs/zone")
			})
		}
	}
}

// BenchmarkInSyncByHand is the baseline of BenchmarkApplyAll's in-sync fleet:
// the same reads as a hand-written sequential loop of endpoint calls.
func BenchmarkInSyncByHand(b *testing.B) {
	const zones = 1000
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	for i := range zones {
		srv.Seed(secondarydnstest.ZoneID(i), secondarydnstest.Config{Name: fmt.Sprintf("zone%d.example.", i), Peers: []string{peerA}, Status: "Enabled"})
	}
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var mallocs uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range zones {
			id := secondarydnstest.ZoneID(i)
			if _, err := c.Outgoing.Get(ctx, id); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Outgoing.Status(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		mallocs += after.Mallocs - before.Mallocs
	}
	b.ReportMetric(float64(mallocs)/(zones*float64(b.N)), "allocs/zone")
}
