package secondarydns_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// fakeClock is one clock for the fake server and the SDK, moved only by the
// SDK's waits: a five-minute lockout passes in no time.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// sleep moves the clock d ahead. Workers that computed the same wait each
// move it, so the clock may run ahead of the moment they waited for: that
// only ends a fake's block sooner, never later.
func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	return c.sleepFrom(ctx, c.now(), d)
}

// sleepFrom moves the clock to start+d unless it is past that already.
func (c *fakeClock) sleepFrom(ctx context.Context, start time.Time, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if end := start.Add(d); end.After(c.t) {
		c.t = end
	}
	return ctx.Err()
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// opts makes the SDK wait and read time through the fake clock.
func (c *fakeClock) opts() []secondarydns.Option {
	return []secondarydns.Option{secondarydns.WithSleepForTest(c.sleep), secondarydns.WithClockForTest(c.now)}
}

// progressRecorder checks the Progress rules: once per zone, never
// concurrently.
type progressRecorder struct {
	t       *testing.T
	mu      sync.Mutex
	seen    map[string]int
	inside  atomic.Int32
	overlap atomic.Bool
	order   []string
}

func newProgress(t *testing.T) *progressRecorder {
	return &progressRecorder{t: t, seen: map[string]int{}}
}

func (p *progressRecorder) fn(r secondarydns.ZoneResult) {
	if p.inside.Add(1) > 1 {
		p.overlap.Store(true)
	}
	defer p.inside.Add(-1)
	time.Sleep(50 * time.Microsecond) // widen the window an overlap would need
	p.mu.Lock()
	p.seen[r.ZoneID]++
	p.order = append(p.order, r.ZoneID)
	p.mu.Unlock()
}

func (p *progressRecorder) check(ids []string) {
	p.t.Helper()
	assert.False(p.t, p.overlap.Load(), "Progress was called concurrently")
	assert.Len(p.t, p.seen, len(ids))
	for _, id := range ids {
		assert.Equal(p.t, 1, p.seen[id], "Progress calls for %s", id)
	}
}

// zoneIDs are the fake's IDs 1..n, in zone-ID order.
func zoneIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = secondarydnstest.ZoneID(i + 1)
	}
	return ids
}

func resultIDs(results []secondarydns.ZoneResult) []string {
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.ZoneID
	}
	return ids
}

// TestApplyAllFleetMix: 240 zones, a quarter each in sync, new, changed and
// absent, cost exactly the requests the contract lists, and end converged.
func TestApplyAllFleetMix(t *testing.T) {
	srv, c := fake(t)
	ids := zoneIDs(240)
	zones := map[string]secondarydns.Desired{}
	for i, id := range ids {
		name := fmt.Sprintf("zone%d.example.", i)
		switch i % 4 {
		case 0: // in sync, status wanted: GET + GET status
			srv.Seed(id, secondarydnstest.Config{Name: name, Peers: []string{peerA}, Status: "Enabled"})
			zones[id] = secondarydns.Desired{Name: name, Peers: []string{peerA}, Status: secondarydns.StatusEnabled}
		case 1: // new, enabled: GET + POST + POST enable
			zones[id] = secondarydns.Desired{Name: name, Peers: []string{peerA}, Status: secondarydns.StatusEnabled}
		case 2: // peers changed, no status wanted: GET + PUT
			srv.Seed(id, secondarydnstest.Config{Name: name, Peers: []string{peerA}})
			zones[id] = secondarydns.Desired{Name: name, Peers: []string{peerA, peerB}}
		case 3: // absent, enabled now: GET + GET status + disable + DELETE
			srv.Seed(id, secondarydnstest.Config{Name: name, Status: "Enabled"})
			zones[id] = secondarydns.Desired{Absent: true}
		}
	}
	pr := newProgress(t)
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{Concurrency: 8, Progress: pr.fn})
	require.NoError(t, err)

	assert.Len(t, srv.Requests(), 60*2+60*3+60*2+60*4, "total requests")
	assert.Equal(t, ids, resultIDs(results), "results sorted by zone ID")
	pr.check(ids)
	perKind := map[int]int{}
	for _, r := range srv.Requests() {
		for i, id := range ids {
			if strings.Contains(r.Path, id) {
				perKind[i%4]++
			}
		}
	}
	assert.Equal(t, map[int]int{0: 120, 1: 180, 2: 120, 3: 240}, perKind, "requests per kind of zone")
	for i, r := range results {
		require.NoError(t, r.Err)
		require.NotNil(t, r.Plan)
		assert.Equal(t, r.Plan.Actions, r.Plan.Done)
		cfg, ok := srv.Config(ids[i])
		want := zones[ids[i]]
		if want.Absent {
			assert.False(t, ok, "zone %d still configured", i)
			assert.Equal(t, acts("disable", "delete"), r.Plan.Done)
			continue
		}
		require.True(t, ok, "zone %d not configured", i)
		assert.Equal(t, want.Name, cfg.Name)
		assert.ElementsMatch(t, want.Peers, cfg.Peers)
		if want.Status != "" {
			assert.Equal(t, string(want.Status), cfg.Status)
		}
	}

	// A second run finds everything in sync: reads only.
	srv.ResetRequests()
	results, err = c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{})
	require.NoError(t, err)
	for _, r := range results {
		assert.True(t, r.Plan.InSync(), "zone %s: %v", r.ZoneID, r.Plan.Actions)
	}
	assert.Len(t, srv.Requests(), 60*2+60*2+60*1+60*1)
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
	}
}

// inflight counts requests in flight at the transport. The first request
// waits until want are in flight (or 10 s passed), so the test shows the
// bound is reached as well as kept.
type inflight struct {
	want    int
	now     atomic.Int32
	max     atomic.Int32
	reached chan struct{}
	once    sync.Once
	first   atomic.Bool
}

func (f *inflight) RoundTrip(r *http.Request) (*http.Response, error) {
	n := f.now.Add(1)
	defer f.now.Add(-1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			break
		}
	}
	if int(n) >= f.want {
		f.once.Do(func() { close(f.reached) })
	}
	if f.first.CompareAndSwap(false, true) {
		select {
		case <-f.reached:
		case <-time.After(10 * time.Second):
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestApplyAllConcurrencyBound: never more zones in flight than Concurrency,
// and the zones start in zone-ID order.
func TestApplyAllConcurrencyBound(t *testing.T) {
	for _, conc := range []int{1, 3, 0} {
		t.Run(fmt.Sprint("concurrency ", conc), func(t *testing.T) {
			want := conc
			if want == 0 {
				want = 4 // the default
			}
			tr := &inflight{want: want, reached: make(chan struct{})}
			srv, c := fake(t, secondarydns.WithHTTPClient(&http.Client{Transport: tr}))
			ids := zoneIDs(200)
			zones := map[string]secondarydns.Desired{}
			for _, id := range ids {
				zones[id] = secondarydns.Desired{Name: "example.com."}
			}
			_, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{Concurrency: conc})
			require.NoError(t, err)
			assert.Equal(t, int32(want), tr.max.Load(), "most requests in flight")
			assert.Len(t, srv.Requests(), 400)
			if conc == 1 {
				// One zone at a time: the log is the zone-ID order itself.
				for i, r := range srv.Requests() {
					assert.Contains(t, r.Path, ids[i/2])
				}
			}
		})
	}
}

// TestApplyAllLockout: a fleet larger than the fake's rate limit trips the
// block mid-run. Only the requests already in flight meet it; the run pauses
// every zone until the block ends, plans the refused zones again, and every
// zone converges.
func TestApplyAllLockout(t *testing.T) {
	clock := newFakeClock()
	srv := secondarydnstest.NewServer(secondarydnstest.WithRateLimit(300, 5*time.Minute), secondarydnstest.WithClock(clock.now))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	ids := zoneIDs(200)
	zones := map[string]secondarydns.Desired{}
	for _, id := range ids {
		zones[id] = secondarydns.Desired{Name: "example.com.", Peers: []string{peerA}}
	}
	const conc = 4
	pr := newProgress(t)
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{Concurrency: conc, Progress: pr.fn}, clock.opts()...)
	require.NoError(t, err)
	pr.check(ids)

	log := srv.Requests()
	refused := 0
	firstRefused := -1
	for i, r := range log {
		if r.Status == http.StatusTooManyRequests {
			refused++
			if firstRefused < 0 {
				firstRefused = i
			}
		}
	}
	require.Positive(t, refused, "the run never met the limit")
	assert.LessOrEqual(t, refused, conc, "requests were sent during the block beyond those in flight")
	assert.Equal(t, 300, firstRefused, "the 301st request is the first refused")
	for _, r := range log[firstRefused : firstRefused+refused] {
		assert.Equal(t, http.StatusTooManyRequests, r.Status, "a request got through in the middle of the block")
	}
	// A refused read is sent again; a refused create makes its zone be
	// planned again: one read and the create.
	extra := 0
	for _, r := range log[firstRefused : firstRefused+refused] {
		extra++
		if r.Method == http.MethodPost {
			extra++
		}
	}
	assert.Len(t, log, 400+extra, "a refused request costs its zone's restart, no more")
	assert.Equal(t, []time.Duration{5 * time.Minute}, uniq(clock.slept()), "the run waited out the block, once")
	for i, r := range results {
		require.NoError(t, r.Err)
		cfg, ok := srv.Config(ids[i])
		require.True(t, ok)
		assert.Equal(t, "example.com.", cfg.Name)
	}
}

func uniq(ds []time.Duration) []time.Duration {
	var out []time.Duration
	for _, d := range ds {
		if len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

// TestApplyAllLockoutGivesUp: a zone that keeps getting 429 is restarted at
// most 3 times, then fails with the 429; the pause holds for the others
// every time, the last included.
func TestApplyAllLockoutGivesUp(t *testing.T) {
	clock := newFakeClock()
	srv, c := fake(t)
	stuck := secondarydnstest.ZoneID(2)
	srv.Fail(secondarydnstest.Fault{Zone: stuck, Action: "get", Status: http.StatusTooManyRequests, RetryAfter: "120", Times: 10})
	zones := map[string]secondarydns.Desired{}
	for _, id := range zoneIDs(3) {
		zones[id] = secondarydns.Desired{Name: "example.com."}
	}
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{Concurrency: 1}, clock.opts()...)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "secondarydns: 1 of 3 zones failed")
	require.ErrorIs(t, err, secondarydns.ErrRateLimited)
	assert.ErrorIs(t, results[1].Err, secondarydns.ErrRateLimited)
	assert.Nil(t, results[1].Plan)
	assert.NoError(t, results[0].Err)
	assert.NoError(t, results[2].Err)
	var stuckGets int
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, stuck) {
			stuckGets++
			assert.Equal(t, http.MethodGet, r.Method)
		}
	}
	assert.Equal(t, 4, stuckGets, "1 try and 3 restarts")
	// Three pauses before the restarts and the fourth before zone 3's first request.
	assert.Equal(t, []time.Duration{2 * time.Minute, 2 * time.Minute, 2 * time.Minute, 2 * time.Minute}, clock.slept())
	assert.Len(t, srv.PendingFaults(), 1)
}

// TestApplyAllContextCancel: a run cancelled midway gives every zone a
// result; those not finished wrap context.Canceled.
func TestApplyAllContextCancel(t *testing.T) {
	srv, c := fake(t)
	ids := zoneIDs(200)
	zones := map[string]secondarydns.Desired{}
	for _, id := range ids {
		zones[id] = secondarydns.Desired{Name: "example.com.", Status: secondarydns.StatusEnabled}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	pr := newProgress(t)
	results, err := c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{Concurrency: 4, Progress: func(r secondarydns.ZoneResult) {
		if calls.Add(1) == 10 {
			cancel()
		}
		pr.fn(r)
	}})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, ids, resultIDs(results))
	pr.check(ids)
	var cancelled, ok int
	for _, r := range results {
		if r.Err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, r.Err, context.Canceled, "zone %s", r.ZoneID)
		assert.Contains(t, r.Err.Error(), "zone "+r.ZoneID+":")
		cancelled++
	}
	assert.GreaterOrEqual(t, ok, 10)
	assert.LessOrEqual(t, ok, 10+4, "zones started after the cancellation")
	assert.Equal(t, 200, ok+cancelled)
	assert.Contains(t, err.Error(), fmt.Sprintf("%d of 200 zones failed", cancelled))
	// Nothing was sent for the zones that never started.
	started := map[string]bool{}
	for _, r := range srv.Requests() {
		started[strings.Split(r.Path, "/")[2]] = true
	}
	assert.LessOrEqual(t, len(started), 10+4)
}

// TestApplyAllDryRun plans every zone and changes none.
func TestApplyAllDryRun(t *testing.T) {
	srv, c := fake(t)
	ids := zoneIDs(3)
	srv.Seed(ids[1], secondarydnstest.Config{Name: "old.example.", Status: "Enabled"})
	zones := map[string]secondarydns.Desired{
		ids[0]: {Name: "example.com.", Status: secondarydns.StatusEnabled},
		ids[1]: {Name: "example.com.", Status: secondarydns.StatusDisabled},
		ids[2]: {Absent: true},
	}
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, acts("create", "enable"), results[0].Plan.Actions)
	assert.Equal(t, acts("update", "disable"), results[1].Plan.Actions)
	assert.True(t, results[2].Plan.InSync())
	for _, r := range results {
		assert.Empty(t, r.Plan.Done)
	}
	assert.Len(t, srv.Requests(), 4)
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
	}
	_, ok := srv.Config(ids[0])
	assert.False(t, ok)
}

// TestExecuteAll runs reviewed plans exactly: a zone changed since it was
// planned is reported stale and left alone; the others are done.
func TestExecuteAll(t *testing.T) {
	srv, c := fake(t)
	ids := zoneIDs(50)
	zones := map[string]secondarydns.Desired{}
	for _, id := range ids {
		zones[id] = secondarydns.Desired{Name: "example.com.", Status: secondarydns.StatusEnabled}
	}
	planned, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{DryRun: true})
	require.NoError(t, err)
	plans := make([]*secondarydns.Plan, 0, len(planned))
	for i := len(planned) - 1; i >= 0; i-- { // any order in, zone-ID order out
		plans = append(plans, planned[i].Plan)
	}
	// Someone configures zone 7 after the review.
	srv.Seed(ids[7], secondarydnstest.Config{Name: "theirs.example."})
	srv.ResetRequests()

	pr := newProgress(t)
	results, err := c.Outgoing.ExecuteAll(context.Background(), plans, secondarydns.FleetOptions{Concurrency: 3, Progress: pr.fn})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "secondarydns: 1 of 50 zones failed; the first: zone "+ids[7]+`: create: the zone changed since it was planned: it has a configuration now (name "theirs.example.")`)
	require.ErrorIs(t, err, secondarydns.ErrStale)
	assert.Equal(t, ids, resultIDs(results))
	pr.check(ids)
	assert.ErrorIs(t, results[7].Err, secondarydns.ErrStale)
	assert.Empty(t, results[7].Plan.Done)
	cfg, _ := srv.Config(ids[7])
	assert.Equal(t, "theirs.example.", cfg.Name)
	assert.Equal(t, "Disabled", cfg.Status, "the stale zone was enabled anyway")
	assert.Len(t, srv.Requests(), 50+49*2, "one check per zone, one request per action, nothing after the stale zone's check")
	var stale []string
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, ids[7]) {
			stale = append(stale, r.Method+" "+r.Path)
		}
	}
	assert.Equal(t, []string{"GET /zones/" + ids[7] + "/secondary_dns/outgoing"}, stale, "the stale zone: its check only")
	for i, r := range results {
		if i == 7 {
			continue
		}
		require.NoError(t, r.Err)
		assert.Equal(t, acts("create", "enable"), r.Plan.Done)
	}
}

// TestExecuteAllResumesAfterLockout: after the pause a zone goes on with its
// remaining actions, checked again first; it is not planned again and its
// create is not repeated.
func TestExecuteAllResumesAfterLockout(t *testing.T) {
	clock := newFakeClock()
	srv, c := fake(t)
	zone := secondarydnstest.ZoneID(1)
	p := &secondarydns.Plan{ZoneID: zone, Want: secondarydns.Desired{Name: "example.com.", Status: secondarydns.StatusEnabled}, Actions: acts("create", "enable")}
	srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "enable", Status: http.StatusTooManyRequests, RetryAfter: "90"})
	results, err := c.Outgoing.ExecuteAll(context.Background(), []*secondarydns.Plan{p}, secondarydns.FleetOptions{}, clock.opts()...)
	require.NoError(t, err)
	assert.Equal(t, acts("create", "enable"), results[0].Plan.Done)
	assert.Equal(t, []string{getReq, createReq, enableReq, getReq, enableReq}, seen(t, srv, zone))
	assert.Equal(t, []time.Duration{90 * time.Second}, clock.slept())
	cfg, _ := srv.Config(zone)
	assert.Equal(t, "Enabled", cfg.Status)
}

// TestFleetValidation: bad input to a fleet call is refused before any
// request, with nil results.
func TestFleetValidation(t *testing.T) {
	srv, c := fake(t)
	ctx := context.Background()
	good := secondarydns.Desired{Name: "example.com."}
	id1, id2 := secondarydnstest.ZoneID(1), secondarydnstest.ZoneID(2)
	plan := func(id string) *secondarydns.Plan {
		return &secondarydns.Plan{ZoneID: id, Want: good, Actions: acts("create")}
	}
	zones := map[string]secondarydns.Desired{id1: good}
	cases := map[string]func() ([]secondarydns.ZoneResult, error){
		"negative concurrency": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{Concurrency: -1})
		},
		"WithResponse": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{}, secondarydns.WithResponse(&secondarydns.Response{}))
		},
		"invalid option": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{}, secondarydns.WithMaxRetries(-1))
		},
		"two invalid zones": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ApplyAll(ctx, map[string]secondarydns.Desired{id1: good, id2: {}, "bad zone": good}, secondarydns.FleetOptions{})
		},
		"ExecuteAll nil plan": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ExecuteAll(ctx, []*secondarydns.Plan{plan(id1), nil}, secondarydns.FleetOptions{})
		},
		"ExecuteAll duplicate zone": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ExecuteAll(ctx, []*secondarydns.Plan{plan(id1), plan(id2), plan(id1)}, secondarydns.FleetOptions{})
		},
		"ExecuteAll DryRun": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ExecuteAll(ctx, []*secondarydns.Plan{plan(id1)}, secondarydns.FleetOptions{DryRun: true})
		},
		"ExecuteAll invalid plan": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ExecuteAll(ctx, []*secondarydns.Plan{plan(id1), {ZoneID: id2, Want: good, Actions: acts("explode")}}, secondarydns.FleetOptions{})
		},
		"ExecuteAll WithResponse": func() ([]secondarydns.ZoneResult, error) {
			return c.Outgoing.ExecuteAll(ctx, []*secondarydns.Plan{plan(id1)}, secondarydns.FleetOptions{}, secondarydns.WithResponse(&secondarydns.Response{}))
		},
	}
	for name, call := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := call()
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Nil(t, res)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	_, err := c.Outgoing.ApplyAll(ctx, map[string]secondarydns.Desired{id1: good, id2: {}, "bad zone": good}, secondarydns.FleetOptions{})
	// The first in zone-ID order is named; the rest are counted.
	assert.Equal(t, "secondarydns: invalid input: zone "+id2+": name is empty (and 1 more invalid zones)", err.Error())
	_, err = c.Outgoing.ExecuteAll(ctx, []*secondarydns.Plan{plan(id1), plan(id1)}, secondarydns.FleetOptions{})
	assert.Contains(t, err.Error(), "zone "+id1+" has more than one plan")
	assert.Empty(t, srv.Requests())

	// An empty fleet is no error.
	res, err := c.Outgoing.ApplyAll(ctx, nil, secondarydns.FleetOptions{})
	require.NoError(t, err)
	assert.Empty(t, res)
}

// TestFleetErrorsWrapEachZone: errors.As reaches every zone's *APIError
// through the fleet error.
func TestFleetErrorsWrapEachZone(t *testing.T) {
	srv, c := fake(t)
	ids := zoneIDs(4)
	srv.Fail(secondarydnstest.Fault{Zone: ids[1], Action: "create", Status: http.StatusForbidden})
	srv.Fail(secondarydnstest.Fault{Zone: ids[3], Action: "get", Status: http.StatusBadRequest})
	zones := map[string]secondarydns.Desired{}
	for _, id := range ids {
		zones[id] = secondarydns.Desired{Name: "example.com."}
	}
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "secondarydns: 2 of 4 zones failed; the first: zone "+ids[1]+": create: POST")
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	require.ErrorIs(t, err, secondarydns.ErrBadRequest)
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.NotNil(t, results[1].Plan, "a zone that was planned keeps its plan")
	assert.Nil(t, results[3].Plan, "a zone that could not be planned has none")
}

// TestExecuteAllContextEnded: a run whose context has ended reports every
// zone, each with its reviewed plan untouched, and sends nothing.
func TestExecuteAllContextEnded(t *testing.T) {
	srv, c := fake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var plans []*secondarydns.Plan
	for _, id := range zoneIDs(5) {
		plans = append(plans, &secondarydns.Plan{ZoneID: id, Want: secondarydns.Desired{Name: "example.com."}, Actions: acts("create")})
	}
	results, err := c.Outgoing.ExecuteAll(ctx, plans, secondarydns.FleetOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "5 of 5 zones failed")
	require.Len(t, results, 5)
	for i, r := range results {
		assert.Same(t, plans[i], r.Plan)
		require.ErrorIs(t, r.Err, context.Canceled)
		assert.Equal(t, "secondarydns: zone "+r.ZoneID+": not started: context canceled", r.Err.Error())
	}
	assert.Empty(t, srv.Requests())
}

// TestFleetPauseIsShared proves one zone's lockout stops every worker: the
// pause's wait blocks until the test releases it, and the test waits until
// all the workers are inside it. Had only the locked-out zone waited, the
// others would never arrive and the test would fail. While they wait,
// nothing is on the wire. The zones after the locked-out one are held at
// the transport until the pause has begun: on a loaded machine the other
// workers could otherwise finish every zone before the 429 is read, and
// never meet the pause.
func TestFleetPauseIsShared(t *testing.T) {
	const conc = 4
	for _, mode := range []string{"ApplyAll", "ApplyAll DryRun", "ExecuteAll"} {
		t.Run(mode, func(t *testing.T) {
			clock := newFakeClock()
			entered := make(chan struct{}, 100)
			release := make(chan struct{})
			paused := make(chan struct{})
			var pausedOnce sync.Once
			sleep := func(ctx context.Context, d time.Duration) error {
				start := clock.now()
				pausedOnce.Do(func() { close(paused) })
				entered <- struct{}{}
				<-release
				return clock.sleepFrom(ctx, start, d)
			}
			ids := zoneIDs(40)
			stuck := ids[9]
			later := ids[10:] // the SDK starts zones in ID order
			tr := &lockoutWatch{hold: func(r *http.Request) {
				if slices.ContainsFunc(later, func(id string) bool { return strings.Contains(r.URL.Path, id) }) {
					<-paused
				}
			}}
			srv, c := fake(t, secondarydns.WithHTTPClient(&http.Client{Transport: tr}))
			action := "get"
			if mode == "ExecuteAll" {
				action = "create"
			}
			srv.Fail(secondarydnstest.Fault{Zone: stuck, Action: action, Status: http.StatusTooManyRequests, RetryAfter: "120"})
			opts := []secondarydns.Option{secondarydns.WithSleepForTest(sleep), secondarydns.WithClockForTest(clock.now)}
			fo := secondarydns.FleetOptions{Concurrency: conc, DryRun: mode == "ApplyAll DryRun"}
			zones := map[string]secondarydns.Desired{}
			var plans []*secondarydns.Plan
			for _, id := range ids {
				zones[id] = secondarydns.Desired{Name: "example.com."}
				plans = append(plans, &secondarydns.Plan{ZoneID: id, Want: zones[id], Actions: acts("create")})
			}
			type outcome struct {
				results []secondarydns.ZoneResult
				err     error
			}
			ran := make(chan outcome, 1)
			go func() {
				var o outcome
				if mode == "ExecuteAll" {
					o.results, o.err = c.Outgoing.ExecuteAll(context.Background(), plans, fo, opts...)
				} else {
					o.results, o.err = c.Outgoing.ApplyAll(context.Background(), zones, fo, opts...)
				}
				ran <- o
			}()
			for i := range conc {
				select {
				case <-entered:
				case <-time.After(10 * time.Second):
					close(release)
					t.Fatalf("only %d of %d workers waited on the pause", i, conc)
				}
			}
			// Every worker is inside the pause: nothing is on the wire, and
			// nothing more reaches the server until the pause ends. (How many
			// requests left between the 429 reaching the socket and the SDK
			// reading it depends on the scheduler, so it is only logged: on
			// a loaded machine other workers can finish several in that
			// instant. TestApplyAllLockout bounds the refused ones.)
			assert.Zero(t, tr.inflight.Load(), "a request is in flight while every worker waits")
			before := len(srv.Requests())
			t.Logf("requests that left after the 429 came back, before the SDK read it: %d", tr.sentAfter.Load())
			assert.Len(t, srv.Requests(), before)

			close(release)
			o := <-ran
			require.NoError(t, o.err)
			require.Len(t, o.results, len(ids))
			var stuckRequests int
			for _, r := range srv.Requests() {
				if strings.Contains(r.Path, stuck) {
					stuckRequests++
				}
			}
			if mode == "ExecuteAll" {
				assert.Equal(t, 4, stuckRequests, "the check, the refused create, then after the pause the check again and the create")
			} else {
				assert.Equal(t, map[bool]int{true: 2, false: 3}[fo.DryRun], stuckRequests, "the refused read, the read again (and the create)")
			}
			assert.Equal(t, 2*time.Minute, clock.now().Sub(newFakeClock().now()), "the run waited out exactly the Retry-After")
		})
	}
}

// lockoutWatch counts the requests in flight and those that start after a
// 429 came back.
type lockoutWatch struct {
	after429  atomic.Bool
	sentAfter atomic.Int32
	inflight  atomic.Int32
	hold      func(*http.Request) // before a request is sent, if set
}

func (w *lockoutWatch) RoundTrip(r *http.Request) (*http.Response, error) {
	w.inflight.Add(1)
	defer w.inflight.Add(-1)
	if w.hold != nil {
		w.hold(r)
	}
	if w.after429.Load() {
		w.sentAfter.Add(1)
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		w.after429.Store(true)
	}
	return resp, err
}

// TestExecuteAllSettlesAfterLockout: a Create whose answer was lost, whose
// settling read met the lockout, is settled by a read after the pause: it
// is never sent again blindly.
func TestExecuteAllSettlesAfterLockout(t *testing.T) {
	clock := newFakeClock()
	h := &hook{}
	srv, c := hooked(t, h)
	zone := secondarydnstest.ZoneID(1)
	h.after = func(_ int, r *http.Request) error {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/outgoing") {
			srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "get", Status: http.StatusTooManyRequests, RetryAfter: "120"})
			return errors.New("connection reset after the request was written")
		}
		return nil
	}
	p := &secondarydns.Plan{ZoneID: zone, Want: secondarydns.Desired{Name: "example.com.", Status: secondarydns.StatusEnabled}, Actions: acts("create", "enable")}
	results, err := c.Outgoing.ExecuteAll(context.Background(), []*secondarydns.Plan{p}, secondarydns.FleetOptions{}, clock.opts()...)
	require.NoError(t, err)
	// The check, the create, the settling read (429), after the pause the
	// settling read again, which also serves as the check, then the enable.
	assert.Equal(t, []string{getReq, createReq, getReq, getReq, enableReq}, seen(t, srv, zone))
	assert.Equal(t, acts("create", "enable"), results[0].Plan.Done)
	assert.Equal(t, []time.Duration{2 * time.Minute}, clock.slept())
}

// TestApplyAllRestartKeepsDone: a zone restarted after a lockout is planned
// again, and its result still shows what the first attempt did.
func TestApplyAllRestartKeepsDone(t *testing.T) {
	clock := newFakeClock()
	srv, c := fake(t)
	zone := secondarydnstest.ZoneID(1)
	srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "enable", Status: http.StatusTooManyRequests, RetryAfter: "120"})
	results, err := c.Outgoing.ApplyAll(context.Background(), map[string]secondarydns.Desired{zone: {Name: "example.com.", Status: secondarydns.StatusEnabled}}, secondarydns.FleetOptions{}, clock.opts()...)
	require.NoError(t, err)
	assert.Equal(t, []string{getReq, createReq, enableReq, getReq, statusReq, enableReq}, seen(t, srv, zone))
	assert.Equal(t, acts("create", "enable"), results[0].Plan.Actions)
	assert.Equal(t, acts("create", "enable"), results[0].Plan.Done)
}

// TestFleetNoLockoutWithoutAnUnwaitedRetryAfter: a 429 with Retry-After 0,
// or one the call waited for, pauses nothing.
func TestFleetNoLockoutWithoutAnUnwaitedRetryAfter(t *testing.T) {
	clock := newFakeClock()
	srv, c := fake(t)
	ids := zoneIDs(2)
	srv.Fail(secondarydnstest.Fault{Zone: ids[0], Action: "get", Status: http.StatusTooManyRequests, RetryAfter: "0"})
	srv.Fail(secondarydnstest.Fault{Zone: ids[1], Action: "get", Status: http.StatusTooManyRequests, RetryAfter: "30"})
	zones := map[string]secondarydns.Desired{ids[0]: {Name: "example.com."}}
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{}, clock.opts()...)
	require.ErrorIs(t, err, secondarydns.ErrRateLimited, "Retry-After 0 with no retries left: the zone fails, unrestarted")
	assert.Equal(t, []string{getReq}, seen(t, srv, ids[0]))
	assert.Nil(t, results[0].Plan)

	srv.ResetRequests()
	zones = map[string]secondarydns.Desired{ids[1]: {Name: "example.com."}}
	_, err = c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{}, append(clock.opts(), secondarydns.WithMaxRetries(1))...)
	require.NoError(t, err)
	assert.Equal(t, []string{getReq, getReq, createReq}, seen(t, srv, ids[1]), "the call waited and retried")
	assert.Equal(t, []time.Duration{30 * time.Second}, clock.slept(), "only the call's own wait")
}

// TestExecuteAllLockoutGivesUp: the restart limit holds for ExecuteAll too.
func TestExecuteAllLockoutGivesUp(t *testing.T) {
	clock := newFakeClock()
	srv, c := fake(t)
	zone := secondarydnstest.ZoneID(1)
	srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "create", Status: http.StatusTooManyRequests, RetryAfter: "120", Times: 10})
	p := &secondarydns.Plan{ZoneID: zone, Want: secondarydns.Desired{Name: "example.com."}, Actions: acts("create")}
	results, err := c.Outgoing.ExecuteAll(context.Background(), []*secondarydns.Plan{p}, secondarydns.FleetOptions{}, clock.opts()...)
	require.ErrorIs(t, err, secondarydns.ErrRateLimited)
	assert.Equal(t, []string{getReq, createReq, getReq, createReq, getReq, createReq, getReq, createReq}, seen(t, srv, zone), "each try checks first")
	assert.Empty(t, results[0].Plan.Done)
	assert.Len(t, clock.slept(), 3)
}

// waitCounter counts the waits of the requests it paces, from any goroutine.
type waitCounter struct{ n atomic.Int32 }

func (l *waitCounter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return ctx.Err()
}

// TestFleetHonoursTheCallersOptions: the caller's limiter paces every
// request of every zone, whether given to the client or to the call, and
// per-call options reach every request.
func TestFleetHonoursTheCallersOptions(t *testing.T) {
	clientLimiter := &waitCounter{}
	srv, c := fake(t, secondarydns.WithRateLimiter(clientLimiter))
	zones := map[string]secondarydns.Desired{}
	for _, id := range zoneIDs(20) {
		zones[id] = secondarydns.Desired{Name: "example.com.", Status: secondarydns.StatusEnabled}
	}
	results, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{}, secondarydns.WithHeader("X-Run", "7"))
	require.NoError(t, err)
	assert.Equal(t, int32(60), clientLimiter.n.Load())
	for _, r := range srv.Requests() {
		assert.Equal(t, "7", r.Header.Get("X-Run"))
	}

	srv.ResetRequests()
	callLimiter := &waitCounter{}
	var plans []*secondarydns.Plan
	for _, r := range results {
		// As a plan made now would read the zone: enabled, to disable.
		p := *r.Plan
		p.Current = &secondarydns.Outgoing{Name: "example.com."}
		p.Status = secondarydns.StatusEnabled
		p.Actions, p.Done = acts("disable"), nil
		plans = append(plans, &p)
	}
	_, err = c.Outgoing.ExecuteAll(context.Background(), plans, secondarydns.FleetOptions{}, secondarydns.WithRateLimiter(callLimiter), secondarydns.WithHeader("X-Run", "8"))
	require.NoError(t, err)
	assert.Equal(t, int32(60), callLimiter.n.Load(), "the check's two reads and the disable, per zone")
	assert.Equal(t, int32(60), clientLimiter.n.Load(), "the call's limiter replaces the client's")
	require.Len(t, srv.Requests(), 60)
	for _, r := range srv.Requests() {
		assert.Equal(t, "8", r.Header.Get("X-Run"))
	}
}

// TestFleetGoroutines: the workers are Concurrency goroutines, not one per
// zone.
func TestFleetGoroutines(t *testing.T) {
	_, c := fake(t)
	zones := map[string]secondarydns.Desired{}
	for _, id := range zoneIDs(200) {
		zones[id] = secondarydns.Desired{Name: "example.com."}
	}
	_, err := c.Outgoing.Get(context.Background(), secondarydnstest.ZoneID(999)) // warm one connection
	require.Error(t, err)
	before := runtime.NumGoroutine()
	var most int
	_, err = c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{Concurrency: 4, Progress: func(secondarydns.ZoneResult) {
		most = max(most, runtime.NumGoroutine())
	}})
	require.NoError(t, err)
	// 4 workers, and per connection (one per worker at most) 2 client and 1
	// server goroutines, plus a few net/http may keep for idle ones; a
	// goroutine per zone would be 200 more.
	assert.LessOrEqual(t, most, before+4+3*4+8)
}

// TestExecuteAllContextCancel: cancelled midway, every zone gets a result
// with its plan; the unfinished ones wrap context.Canceled.
func TestExecuteAllContextCancel(t *testing.T) {
	_, c := fake(t)
	var plans []*secondarydns.Plan
	for _, id := range zoneIDs(100) {
		plans = append(plans, &secondarydns.Plan{ZoneID: id, Want: secondarydns.Desired{Name: "example.com."}, Actions: acts("create")})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	results, err := c.Outgoing.ExecuteAll(ctx, plans, secondarydns.FleetOptions{Concurrency: 2, Progress: func(secondarydns.ZoneResult) {
		if n++; n == 5 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, results, 100)
	var cancelled int
	for i, r := range results {
		require.NotNil(t, r.Plan, "zone %d", i)
		if r.Err != nil {
			require.ErrorIs(t, r.Err, context.Canceled)
			cancelled++
		}
	}
	assert.GreaterOrEqual(t, cancelled, 100-5-2)
}

// zoneRequests lists the requests for zone as "METHOD suffix", as seen does,
// leaving out the other zones'.
func zoneRequests(srv *secondarydnstest.Server, zone string) []string {
	var out []string
	prefix := "/zones/" + zone + "/secondary_dns/outgoing"
	for _, r := range srv.Requests() {
		if suffix, ok := strings.CutPrefix(r.Path, prefix); ok {
			out = append(out, strings.TrimSpace(r.Method+" "+suffix))
		}
	}
	return out
}

// TestExecuteAllChecksEachZone: reviewed plans for four zones; after the
// review someone changes one zone's name, one's peers and one's status.
// Each of those is reported stale, naming what differs, and untouched; the
// fourth runs.
func TestExecuteAllChecksEachZone(t *testing.T) {
	srv, c := fake(t)
	ids := zoneIDs(4)
	zones := map[string]secondarydns.Desired{}
	for _, id := range ids {
		srv.Seed(id, secondarydnstest.Config{Name: "example.com.", Peers: []string{peerA}})
		zones[id] = secondarydns.Desired{Name: "example.com.", Peers: []string{peerA, peerB}, Status: secondarydns.StatusEnabled}
	}
	planned, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{DryRun: true})
	require.NoError(t, err)
	var plans []*secondarydns.Plan
	for _, r := range planned {
		require.Equal(t, acts("update", "enable"), r.Plan.Actions)
		plans = append(plans, r.Plan)
	}
	changed := []secondarydnstest.Config{
		{Name: "renamed.example.", Peers: []string{peerA}},
		{Name: "example.com.", Peers: []string{peerA, peerC}},
		{Name: "example.com.", Peers: []string{peerA}, Status: "Enabled"},
	}
	for i, cfg := range changed {
		srv.Seed(ids[i], cfg)
	}
	srv.ResetRequests()

	results, err := c.Outgoing.ExecuteAll(context.Background(), plans, secondarydns.FleetOptions{Concurrency: 2})
	require.ErrorIs(t, err, secondarydns.ErrStale)
	assert.Contains(t, err.Error(), "3 of 4 zones failed")
	why := []string{
		`the name is "renamed.example.", not "example.com."`,
		`the peers differ (extra "` + peerC + `")`,
		`the status is "Enabled", not "Disabled"`,
	}
	for i, w := range why {
		require.ErrorIs(t, results[i].Err, secondarydns.ErrStale)
		assert.Equal(t, "secondarydns: zone "+ids[i]+": update: the zone changed since it was planned: "+w, results[i].Err.Error())
		assert.Empty(t, results[i].Plan.Done)
		assert.Equal(t, []string{getReq, statusReq}, zoneRequests(srv, ids[i]), "zone %d: the check only", i)
		cfg, _ := srv.Config(ids[i])
		assert.Equal(t, changed[i].Name, cfg.Name, "zone %d was written to", i)
		assert.Equal(t, changed[i].Peers, cfg.Peers, "zone %d was written to", i)
	}
	require.NoError(t, results[3].Err)
	assert.Equal(t, acts("update", "enable"), results[3].Plan.Done)
	assert.Equal(t, []string{getReq, statusReq, updateReq, enableReq}, zoneRequests(srv, ids[3]))
	assert.Len(t, srv.Requests(), 3*2+4)
	cfg, _ := srv.Config(ids[3])
	assert.Equal(t, []string{peerA, peerB}, cfg.Peers)
	assert.Equal(t, "Enabled", cfg.Status)
}

// TestExecuteAllChecksAgainAfterLockout: a zone's enable is refused with a
// lockout; while the run waits, someone changes the zone. After the pause
// the zone is checked again against the plan with its create done: each
// change is found, reported stale, and nothing more is sent for it. Left
// alone, the zone resumes with its enable.
func TestExecuteAllChecksAgainAfterLockout(t *testing.T) {
	want := secondarydns.Desired{Name: "example.com.", Peers: []string{peerA}, Status: secondarydns.StatusEnabled}
	tests := []struct {
		name   string
		change func(srv *secondarydnstest.Server, zone string)
		stale  string // "" means it resumes
	}{
		{"name changed", func(srv *secondarydnstest.Server, zone string) {
			srv.Seed(zone, secondarydnstest.Config{Name: "renamed.example.", Peers: []string{peerA}})
		}, `the name is "renamed.example.", not "example.com."`},
		{"peers changed", func(srv *secondarydnstest.Server, zone string) {
			srv.Seed(zone, secondarydnstest.Config{Name: "example.com.", Peers: []string{peerB}})
		}, `the peers differ (extra "` + peerB + `", missing "` + peerA + `")`},
		{"deleted", func(srv *secondarydnstest.Server, zone string) {
			c, err := srv.Client(secondarydns.WithHeader(raceHeader, "1"))
			require.NoError(t, err)
			_, err = c.Outgoing.Delete(context.Background(), zone)
			require.NoError(t, err)
		}, `its configuration is gone`},
		{"unchanged", func(*secondarydnstest.Server, string) {}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			srv, c := fake(t)
			zone := secondarydnstest.ZoneID(1)
			p, err := c.Outgoing.Plan(context.Background(), zone, want)
			require.NoError(t, err)
			require.Equal(t, acts("create", "enable"), p.Actions)
			srv.ResetRequests()
			srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "enable", Status: http.StatusTooManyRequests, RetryAfter: "90"})
			sleep := func(ctx context.Context, d time.Duration) error {
				tt.change(srv, zone) // while the run waits out the lockout
				return clock.sleep(ctx, d)
			}
			results, err := c.Outgoing.ExecuteAll(context.Background(), []*secondarydns.Plan{p}, secondarydns.FleetOptions{},
				secondarydns.WithSleepForTest(sleep), secondarydns.WithClockForTest(clock.now))
			assert.Equal(t, []time.Duration{90 * time.Second}, clock.slept())
			if tt.stale == "" {
				require.NoError(t, err)
				assert.Equal(t, []string{getReq, createReq, enableReq, getReq, enableReq}, seen(t, srv, zone))
				assert.Equal(t, acts("create", "enable"), results[0].Plan.Done)
				cfg, _ := srv.Config(zone)
				assert.Equal(t, "Enabled", cfg.Status)
				return
			}
			require.ErrorIs(t, err, secondarydns.ErrStale)
			assert.Equal(t, "secondarydns: zone "+zone+": enable: the zone changed since it was planned: "+tt.stale, results[0].Err.Error())
			assert.Equal(t, []string{getReq, createReq, enableReq, getReq}, seen(t, srv, zone), "nothing after the check")
			assert.Equal(t, acts("create"), results[0].Plan.Done)
			if cfg, ok := srv.Config(zone); ok {
				assert.Equal(t, "Disabled", cfg.Status, "the changed zone was enabled")
			}
		})
	}
}

// TestExecuteAllResumeAcceptsItsOwnWrite: an update answered 503 had taken
// effect; its retry met a lockout. After the pause the check finds the zone
// as the update left it: that is this plan's own write, not someone
// else's, so the zone resumes (the update is idempotent and sent again)
// instead of being reported stale.
func TestExecuteAllResumeAcceptsItsOwnWrite(t *testing.T) {
	clock := newFakeClock()
	h := &hook{}
	srv, c := hooked(t, h)
	zone := secondarydnstest.ZoneID(1)
	srv.Seed(zone, secondarydnstest.Config{Name: "old.example.", Peers: []string{peerA}})
	p, err := c.Outgoing.Plan(context.Background(), zone, secondarydns.Desired{Name: "example.com.", Peers: []string{peerB}})
	require.NoError(t, err)
	require.Equal(t, acts("update"), p.Actions)
	srv.ResetRequests()
	puts := 0
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		if r.Method != http.MethodPut {
			return nil, nil
		}
		if puts++; puts == 1 {
			// The update reaches the fake, then the edge answers 503 and
			// the retry meets a lockout.
			resp, err := http.DefaultTransport.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
			srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "update", Status: http.StatusTooManyRequests, RetryAfter: "120"})
			return answer(r, http.StatusServiceUnavailable, ""), nil
		}
		return nil, nil
	}
	results, err := c.Outgoing.ExecuteAll(context.Background(), []*secondarydns.Plan{p}, secondarydns.FleetOptions{},
		append(clock.opts(), secondarydns.WithMaxRetries(1))...)
	require.NoError(t, err)
	assert.Equal(t, []string{getReq, updateReq, updateReq, getReq, updateReq}, seen(t, srv, zone))
	assert.Equal(t, acts("update"), results[0].Plan.Done)
	cfg, _ := srv.Config(zone)
	assert.Equal(t, "example.com.", cfg.Name)
	assert.Equal(t, []string{peerB}, cfg.Peers)
}

// sleeper is one wait of the fleet's pause, held until the test releases
// it.
type sleeper struct {
	d       time.Duration
	release chan struct{}
}

// heldSleeps makes every SDK wait report itself on the returned channel and
// block until released; then the clock moves d past where it stood when the
// wait began.
func heldSleeps(clock *fakeClock) (chan sleeper, func(context.Context, time.Duration) error) {
	ch := make(chan sleeper, 16)
	return ch, func(ctx context.Context, d time.Duration) error {
		from := clock.now()
		s := sleeper{d: d, release: make(chan struct{})}
		ch <- s
		select {
		case <-s.release:
		case <-ctx.Done():
		}
		return clock.sleepFrom(ctx, from, d)
	}
}

// clockedTransport notes the fake clock's time of every request it sends,
// and tells the test of each on sent.
type clockedTransport struct {
	clock *fakeClock
	next  http.RoundTripper
	sent  chan string
	mu    sync.Mutex
	at    []time.Time
}

func (c *clockedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.at = append(c.at, c.clock.now())
	c.mu.Unlock()
	select {
	case c.sent <- r.Method + " " + r.URL.Path:
	default:
	}
	return c.next.RoundTrip(r)
}

func (c *clockedTransport) times() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.at)
}

// lockoutRun is the setup of the lockout tests: ApplyAll of two zones, both
// wanting example.com., at concurrency 2, with a fake clock whose waits are
// held (heldSleeps) so the test sees and releases each.
type lockoutRun struct {
	clock    *fakeClock
	start    time.Time
	sleepers chan sleeper
	sleep    func(context.Context, time.Duration) error
	ids      []string
}

func newLockoutRun() *lockoutRun {
	clock := newFakeClock()
	sleepers, sleep := heldSleeps(clock)
	return &lockoutRun{clock: clock, start: clock.now(), sleepers: sleepers, sleep: sleep, ids: zoneIDs(2)}
}

// apply starts ApplyAll with c and fo (its Concurrency set to 2); its error
// comes on the channel returned.
func (l *lockoutRun) apply(c *secondarydns.Client, fo secondarydns.FleetOptions) <-chan error {
	fo.Concurrency = 2
	zones := map[string]secondarydns.Desired{l.ids[0]: {Name: "example.com."}, l.ids[1]: {Name: "example.com."}}
	ran := make(chan error, 1)
	go func() {
		_, err := c.Outgoing.ApplyAll(context.Background(), zones, fo,
			secondarydns.WithSleepForTest(l.sleep), secondarydns.WithClockForTest(l.clock.now))
		ran <- err
	}()
	return ran
}

// wait is the next held wait; the test fails if none begins within 10 s.
func (l *lockoutRun) wait(t *testing.T, what string) sleeper {
	t.Helper()
	select {
	case s := <-l.sleepers:
		return s
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s", what)
	}
	return sleeper{}
}

// twoLockouts answers the first two requests with a lockout each, once both
// are in flight: the first with Retry-After first; the second, once
// firstWaits is closed and between (if any) has run, with Retry-After
// second. Later requests go through.
func twoLockouts(first, second string, firstWaits <-chan struct{}, between func()) *hook {
	both := make(chan struct{})
	var n atomic.Int32
	refuse := func(r *http.Request, retryAfter string) *http.Response {
		resp := answer(r, http.StatusTooManyRequests, errEnvelope(10100, "More than 1200 requests per 300 seconds reached"))
		resp.Header.Set("Retry-After", retryAfter)
		return resp
	}
	return &hook{before: func(_ int, r *http.Request) (*http.Response, error) {
		switch n.Add(1) {
		case 1:
			<-both // both requests are in flight
			return refuse(r, first), nil
		case 2:
			close(both)
			<-firstWaits // answered after the first 429 started the pause
			if between != nil {
				between()
			}
			return refuse(r, second), nil
		}
		return nil, nil
	}}
}

// heldLimiter lets its first Wait through only once a second has begun,
// and holds the second until released: so one worker sends while the other
// waits in the caller's limiter. Later waits pass.
type heldLimiter struct {
	mu      sync.Mutex
	calls   int
	second  chan struct{} // closed when the second Wait begins
	release chan struct{}
}

func (l *heldLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	l.calls++
	n := l.calls
	l.mu.Unlock()
	switch n {
	case 1:
		<-l.second
	case 2:
		close(l.second)
		<-l.release
	}
	return ctx.Err()
}

// TestFleetLockoutWhileInLimiter: a worker is waiting in the caller's rate
// limiter when another worker's request is answered with a lockout. When
// the limiter lets it go, the worker must check the pause again and wait
// out the block; a worker that sent at once would spend a request inside
// the block (and, against Cloudflare, extend nothing but waste it).
func TestFleetLockoutWhileInLimiter(t *testing.T) {
	l := newLockoutRun()
	tr := &clockedTransport{clock: l.clock, next: http.DefaultTransport, sent: make(chan string, 16)}
	lim := &heldLimiter{second: make(chan struct{}), release: make(chan struct{})}
	srv, c := fake(t, secondarydns.WithHTTPClient(&http.Client{Transport: tr}), secondarydns.WithRateLimiter(lim))
	// The first request to arrive, whichever zone's, meets the lockout.
	srv.Fail(secondarydnstest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "120"})
	ran := l.apply(c, secondarydns.FleetOptions{})

	<-tr.sent // the refused request
	first := l.wait(t, "wait for the pause by the refused zone")
	assert.Equal(t, 2*time.Minute, first.d)
	require.Len(t, srv.Requests(), 1)
	require.Equal(t, http.StatusTooManyRequests, srv.Requests()[0].Status)

	// The limiter lets the other worker go: it must wait for the pause,
	// not send.
	close(lim.release)
	var second sleeper
	select {
	case second = <-l.sleepers:
	case r := <-tr.sent:
		t.Errorf("%s was sent inside the block, right after the limiter", r)
		second = l.wait(t, "wait for the pause after the request")
	case <-time.After(10 * time.Second):
		t.Fatal("the worker released by the limiter neither waited nor sent")
	}
	assert.Equal(t, 2*time.Minute, second.d, "the released worker waits out the whole block")
	assert.Len(t, srv.Requests(), 1, "a request reached the server inside the block")

	close(second.release)
	close(first.release)
	require.NoError(t, <-ran)
	times := tr.times()
	for i, at := range times[1:] {
		assert.False(t, at.Before(l.start.Add(2*time.Minute)), "request %d left %s into a 2m block", i+2, at.Sub(l.start))
	}
	refused := strings.Split(srv.Requests()[0].Path, "/")[2]
	for _, id := range l.ids {
		want := []string{getReq, createReq}
		if id == refused {
			want = []string{getReq, getReq, createReq}
		}
		assert.Equal(t, want, zoneRequests(srv, id), "zone %s", id)
		cfg, ok := srv.Config(id)
		require.True(t, ok)
		assert.Equal(t, "example.com.", cfg.Name)
	}
	assert.Len(t, times, 5)
}

// TestFleetLockoutShorterRetryAfterKeepsThePause: two requests are in
// flight when the first is answered with a 5-minute lockout; the second is
// answered later with a 90-second one. The later, shorter Retry-After must
// not shorten the pause already running: every worker waits the whole 5
// minutes, and no request leaves before they have passed.
func TestFleetLockoutShorterRetryAfterKeepsThePause(t *testing.T) {
	l := newLockoutRun()
	firstWaits := make(chan struct{})
	tr := &clockedTransport{clock: l.clock, next: twoLockouts("300", "90", firstWaits, nil), sent: make(chan string, 16)}
	srv, c := fake(t, secondarydns.WithHTTPClient(&http.Client{Transport: tr}))
	ran := l.apply(c, secondarydns.FleetOptions{})

	first := l.wait(t, "wait after the 5-minute lockout")
	assert.Equal(t, 5*time.Minute, first.d)
	close(firstWaits)
	second := l.wait(t, "wait after the 90-second lockout")
	assert.Equal(t, 5*time.Minute, second.d, "the shorter Retry-After shortened the pause")

	// Release the shorter-looking wait first: had it been 90 s, its worker
	// would now send inside the block.
	close(second.release)
	close(first.release)
	require.NoError(t, <-ran)
	times := tr.times()
	require.Len(t, times, 6, "two refused reads, then each zone's read and create")
	for i, at := range times[2:] {
		assert.False(t, at.Before(l.start.Add(5*time.Minute)), "request %d left %s into a 5m block", i+3, at.Sub(l.start))
	}
	for _, id := range l.ids {
		assert.Equal(t, []string{getReq, createReq}, zoneRequests(srv, id), "zone %s: the refused read never reached the fake", id)
		_, ok := srv.Config(id)
		assert.True(t, ok)
	}
	assert.Equal(t, 5*time.Minute, l.clock.now().Sub(l.start))
}

// TestFleetLockoutAnnounced: FleetOptions.Lockout hears of a lockout once,
// with its end and its Retry-After, however many zones in flight meet it
// (the second 429 comes 200 ms after the first, so the same 300 s ends the
// pause a little later: that is the same lockout);
// again only for a longer one that pushes the end later; never for a
// shorter one; and never at the same time as Progress.
func TestFleetLockoutAnnounced(t *testing.T) {
	type call struct {
		until      time.Time
		retryAfter time.Duration
	}
	for _, tc := range []struct {
		second string // the Retry-After of the second zone's 429
		want   []time.Duration
	}{
		{"300", []time.Duration{5 * time.Minute}},
		{"90", []time.Duration{5 * time.Minute}},
		{"600", []time.Duration{5 * time.Minute, 10 * time.Minute}},
	} {
		t.Run(tc.second, func(t *testing.T) {
			l := newLockoutRun()
			firstWaits := make(chan struct{})
			h := twoLockouts("300", tc.second, firstWaits, func() {
				// A moment later, as a real second answer comes.
				l.clock.mu.Lock()
				l.clock.t = l.clock.t.Add(200 * time.Millisecond)
				l.clock.mu.Unlock()
			})
			srv, c := fake(t, secondarydns.WithHTTPClient(&http.Client{Transport: h}))
			var (
				mu     sync.Mutex
				calls  []call
				inside atomic.Int32 // callbacks running now
			)
			enter := func() {
				if inside.Add(1) != 1 {
					t.Error("Lockout and Progress ran at the same time")
				}
				time.Sleep(time.Millisecond) // widen the window a concurrent call would hit
			}
			fo := secondarydns.FleetOptions{
				Progress: func(secondarydns.ZoneResult) { enter(); inside.Add(-1) },
				Lockout: func(until time.Time, retryAfter time.Duration) {
					enter()
					defer inside.Add(-1)
					mu.Lock()
					calls = append(calls, call{until, retryAfter})
					mu.Unlock()
				},
			}
			ran := l.apply(c, fo)
			var held []sleeper
			for len(held) < 2 {
				select {
				case s := <-l.sleepers:
					held = append(held, s)
					if len(held) == 1 {
						close(firstWaits)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the workers did not both wait out the lockout")
				}
			}
			for _, s := range held {
				close(s.release)
			}
			// A worker whose pause ended before the other's extension
			// (200 ms later) was counted waits out the rest: let it.
			var err error
		drain:
			for {
				select {
				case s := <-l.sleepers:
					close(s.release)
				case err = <-ran:
					break drain
				}
			}
			require.NoError(t, err)
			var want []call
			for i, d := range tc.want {
				at := l.start
				if i > 0 {
					at = l.start.Add(200 * time.Millisecond) // the second answer's time
				}
				want = append(want, call{at.Add(d), d})
			}
			assert.Equal(t, want, calls)
			for _, id := range l.ids {
				_, ok := srv.Config(id)
				assert.True(t, ok)
			}
		})
	}
}
