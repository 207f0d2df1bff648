package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// desiredDoc is a desired-state file of n zones, one per line, as export
// writes them: a name, two peers and a status.
func desiredDoc(n int) []byte {
	b := make([]byte, 0, n*140)
	b = append(b, "{\"zones\": {\n"...)
	peers := `], "peers": ["` + peer1 + `", "` + peer2 + `"], "status": "Enabled"}`
	for i := range n {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, `  "`...)
		b = append(b, secondarydnstest.ZoneID(i)...)
		b = append(b, `": {"name": "z`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `.example."`...)
		b = append(b, peers[1:]...)
	}
	return append(b, "\n}}\n"...)
}

// BenchmarkParseDesired decodes and validates a desired-state file of 1k,
// 10k, 100k and 1M zones: the cost per zone stays the same (linear), and 1M
// zones take seconds, not the hours that counting lines from the start of
// the file for every token took. BENCHMARKS.md has the figures; run the
// 1M case alone: go test -run '^$' -bench ParseDesired -benchtime 1x.
func BenchmarkParseDesired(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			data := desiredDoc(n)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				d, err := decodeDesired("zones.json", "zones.json", data)
				if err != nil || len(d.zones) != n {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/zone")
		})
	}
}

// BenchmarkLoadSavedPlanPeers reads a saved plan of one zone with 40,000
// peers, which took 18 s while peers were compared in nested loops.
func BenchmarkLoadSavedPlanPeers(b *testing.B) {
	path := savedPlanWithPeers(b, 40_000)
	a := newApp(context.Background(), func(string) string { return "" }, nil, io.Discard, io.Discard)
	for b.Loop() {
		if _, err := a.loadSavedPlan(path); err != nil {
			b.Fatal(err)
		}
	}
}

// savedPlanWithPeers writes a saved plan of one zone whose update adds n peers.
func savedPlanWithPeers(tb testing.TB, n int) string {
	peers := make([]string, n)
	for i := range peers {
		peers[i] = strconv.Quote(fmt.Sprintf("%032x", i+1))
	}
	list := strings.Join(peers, ", ")
	p := tb.TempDir() + "/plan.json"
	doc := `{"format": "secondarydns-plan", "version": 1, "zones": [{"zone_id": "` + zoneA + `",
 "want": {"name": "example.com.", "peers": [` + list + `]},
 "read": {"configured": true, "name": "example.com.", "peers": [` + list[:len(list)-36] + `]},
 "actions": ["update"]}]}`
	require.NoError(tb, writeFileErr(p, doc))
	return p
}

// TestParsingIsLinear: 50,000 zones (35 s when lines were counted from the
// start for every token) and a saved plan of 40,000 peers (18 s with nested
// loops) are read in well under a few seconds, race detector included.
func TestParsingIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 50,000 zones")
	}
	data := desiredDoc(50_000)
	start := time.Now()
	d, err := decodeDesired("zones.json", "zones.json", data)
	require.NoError(t, err)
	assert.Len(t, d.zones, 50_000)
	assert.Less(t, time.Since(start), 10*time.Second, "50,000 zones")

	path := savedPlanWithPeers(t, 40_000)
	start = time.Now()
	a := newApp(context.Background(), func(string) string { return "" }, nil, io.Discard, io.Discard)
	sp, err := a.loadSavedPlan(path)
	require.NoError(t, err)
	assert.Len(t, *sp.Zones[0].Want.Peers, 40_000)
	assert.Less(t, time.Since(start), 5*time.Second, "40,000 peers")
}
