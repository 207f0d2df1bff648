package verify

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// BenchmarkVerify measures the DNS phase of a fleet check: 1,000 zones, each
// asked of 3 loopback secondaries (test-kit Secondaries, so the server side
// is in this process too), at the Checker's default 64 queries in flight.
// It reports DNS queries per second and heap allocations per zone (client
// and the secondaries together). The target (issue 16) is at least 5,000
// queries/s, so that the DNS phase is never what a verify run waits for.
func BenchmarkVerify(b *testing.B) {
	const zones, secondaries = 1000, 3
	var targets []Target
	var secs []*secondarydnstest.Secondary
	for i := range secondaries {
		s := secondarydnstest.NewSecondary()
		b.Cleanup(s.Close)
		secs = append(secs, s)
		targets = append(targets, Target{Name: fmt.Sprintf("secondary-%d", i+1), Addr: s.Addr})
	}
	fleet := make([]Zone, zones)
	for i := range fleet {
		name := fmt.Sprintf("zone-%d.example.", i)
		for _, s := range secs {
			s.Serve(name, 2026120401)
		}
		fleet[i] = Zone{Name: name, Serial: 2026120401, Targets: targets}
	}
	c := &Checker{Querier: &Querier{Timeout: 2 * time.Second}}

	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		results, err := c.Check(b.Context(), fleet)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range results {
			if !r.InSync() {
				b.Fatalf("%s: %+v", r.Zone.Name, r.Targets)
			}
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	queries := float64(b.N * zones * secondaries)
	b.ReportMetric(queries/b.Elapsed().Seconds(), "queries/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*zones), "allocs/zone")
}
