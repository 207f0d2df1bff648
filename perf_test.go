package secondarydns_test

// Untimed guards of the performance work (see bench_test.go and
// BENCHMARKS.md): connections are reused, the hot path allocates no more
// than the target, and the baseline the benchmarks compare with sends the
// same requests as the SDK.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/dnsxfer/secondarydns"
)

// maxExtraAllocs is the target of issue 5: a call may allocate at most this
// many objects more than the hand-written baseline doing the same request.
const maxExtraAllocs = 10

// TestOneConnectionForSequentialCalls: 1,000 sequential calls, successes and
// 404s alike, through the default http.Client go over one connection, so
// every body is drained and closed.
func TestOneConnectionForSequentialCalls(t *testing.T) {
	s := newBenchServer(t, nil)
	c, err := secondarydns.NewClient(secondarydns.WithBaseURL(s.base), secondarydns.WithAPIToken(benchToken))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 1000 {
		var err error
		switch i % 4 {
		case 0:
			_, err = c.Outgoing.Get(ctx, benchZone)
		case 1:
			_, err = c.Outgoing.Update(ctx, benchZone, benchParams)
		case 2:
			_, err = c.Outgoing.Status(ctx, benchZone)
		case 3:
			if _, err = c.Outgoing.Get(ctx, benchMissing); errors.Is(err, secondarydns.ErrNotFound) {
				err = nil
			}
		}
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Fatalf("1000 sequential calls opened %d connections, want 1", n)
	}
}

// TestHotPathAllocs compares the allocations of one call with the
// baseline's, both against the same local server (whose own allocations are
// counted on both sides alike). Counting objects, not time, keeps it
// independent of the machine's load; the race detector changes the counts,
// so under -race it only reports them.
func TestHotPathAllocs(t *testing.T) {
	s := newBenchServer(t, nil)
	c := newBenchSDK(t, s)
	bc := newBaseline(t, s)
	for _, op := range benchOps {
		t.Run(op.name, func(t *testing.T) {
			sdk := allocsPerCall(t, func() error { return op.sdk(c) })
			base := allocsPerCall(t, func() error { return op.base(bc) })
			t.Logf("allocations per call: sdk %.0f, baseline %.0f (limit baseline+%d)", sdk, base, maxExtraAllocs)
			if raceEnabled {
				t.Skip("allocation counts are not comparable under the race detector")
			}
			if sdk > base+maxExtraAllocs {
				t.Errorf("%s allocates %.0f objects per call, more than the baseline's %.0f + %d", op.name, sdk, base, maxExtraAllocs)
			}
		})
	}
}

func allocsPerCall(t *testing.T, call func() error) float64 {
	t.Helper()
	var err error
	n := testing.AllocsPerRun(200, func() {
		if e := call(); e != nil && err == nil {
			err = e
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBaselineIsEquivalent keeps the benchmarks honest: for each call the
// baseline sends the same method, path, headers and body as the SDK.
func TestBaselineIsEquivalent(t *testing.T) {
	type seen struct {
		method, path, query, body string
		length                    int64
		header                    http.Header
	}
	var (
		mu   sync.Mutex
		last seen
	)
	s := newBenchServer(t, func(r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		mu.Lock()
		last = seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(b), r.ContentLength, r.Header.Clone()}
		mu.Unlock()
	})
	c := newBenchSDK(t, s)
	bc := newBaseline(t, s)
	capture := func(call func() error) seen {
		t.Helper()
		if err := call(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return last
	}
	for _, op := range benchOps {
		sdk := capture(func() error { return op.sdk(c) })
		base := capture(func() error { return op.base(bc) })
		if !reflect.DeepEqual(sdk, base) {
			t.Errorf("%s: the baseline's request differs from the SDK's:\nsdk:      %+v\nbaseline: %+v", op.name, sdk, base)
		}
	}
}
