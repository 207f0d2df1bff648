package verify

import (
	"context"
	"testing"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a Waiter's Now and Sleep without waiting: Sleep moves the
// clock on and runs the test's hook for that sleep.
type fakeClock struct {
	now     time.Time
	sleeps  []time.Duration
	onSleep func(n int) // n counts sleeps from 1
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	if c.onSleep != nil {
		c.onSleep(len(c.sleeps))
	}
	return nil
}

func TestWaitUntilInSync(t *testing.T) {
	a, b := secondarydnstest.NewSecondary(), secondarydnstest.NewSecondary()
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	a.Serve("example.com.", 9)
	b.Serve("example.com.", 10)
	zones := []Zone{
		{Name: "example.com.", Serial: 10, Targets: []Target{{Name: "a", Addr: a.Addr}, {Name: "b", Addr: b.Addr}, {Name: "none"}}},
		{Name: "example.com.", Serial: 10, Targets: []Target{{Name: "b", Addr: b.Addr}}},
	}
	c := &Checker{Querier: &Querier{Timeout: time.Second}}
	results, err := c.Check(t.Context(), zones)
	require.NoError(t, err)
	require.Equal(t, Behind, results[0].Targets[0].State)

	clock := &fakeClock{now: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)}
	clock.onSleep = func(n int) {
		if n == 2 {
			a.Serve("example.com.", 11) // transferred, and a later edit too
		}
	}
	var rounds [][2]int
	w := &Waiter{Checker: c, Now: clock.Now, Sleep: clock.Sleep,
		Round: func(round, pending int) { rounds = append(rounds, [2]int{round, pending}) }}
	got, err := w.Wait(t.Context(), results, clock.now.Add(60*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second}, clock.sleeps, "asked again every 2 s, stopping once in sync")
	assert.Equal(t, [][2]int{{1, 1}, {2, 0}}, rounds)
	assert.True(t, got[0].InSync())
	assert.Equal(t, InSync, got[0].Targets[0].State)
	assert.Equal(t, uint32(11), got[0].Targets[0].Serial, "a serial after the one read counts as in sync")
	assert.Equal(t, NoAddress, got[0].Targets[2].State)
	assert.True(t, got[1].InSync())
}

func TestWaitDeadline(t *testing.T) {
	a := secondarydnstest.NewSecondary()
	t.Cleanup(a.Close)
	a.Serve("example.com.", 9)
	c := &Checker{Querier: &Querier{Timeout: time.Second}}
	results, err := c.Check(t.Context(), []Zone{{Name: "example.com.", Serial: 10, Targets: []Target{{Name: "a", Addr: a.Addr}}}})
	require.NoError(t, err)

	clock := &fakeClock{now: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)}
	asked := 0
	clock.onSleep = func(int) { asked++ }
	w := &Waiter{Checker: c, Now: clock.Now, Sleep: clock.Sleep}
	got, err := w.Wait(t.Context(), results, clock.now.Add(5*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second, time.Second}, clock.sleeps, "the last round is at the deadline")
	assert.Equal(t, Behind, got[0].Targets[0].State)
	assert.False(t, got[0].InSync())

	// A deadline already past asks nothing.
	clock.sleeps = nil
	_, err = w.Wait(t.Context(), results, clock.now)
	require.NoError(t, err)
	assert.Empty(t, clock.sleeps)
}

// TestWaitValidation: bad arguments are refused with errors matching
// secondarydns.ErrInvalidInput, as Check's are.
func TestWaitValidation(t *testing.T) {
	_, err := (&Waiter{Checker: &Checker{Concurrency: -1}}).Wait(t.Context(), nil, time.Now())
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	//lint:ignore SA1012 a nil context is what is tested
	_, err = (&Waiter{}).Wait(nil, nil, time.Now()) //nolint:staticcheck
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
}

func TestWaitNothingToWaitFor(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	w := &Waiter{Now: clock.Now, Sleep: clock.Sleep, Interval: time.Second}
	results := []ZoneResult{
		{Zone: Zone{Name: "a."}, Targets: []TargetResult{{State: InSync}, {State: NoAddress}}},
		{Zone: Zone{Name: "b."}, Targets: []TargetResult{{State: Behind}}, Err: context.Canceled}, // not checked: nothing to wait for
	}
	got, err := w.Wait(t.Context(), results, clock.now.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, results, got)
	assert.Empty(t, clock.sleeps)
}

func TestWaitContextEnds(t *testing.T) {
	a := secondarydnstest.NewSecondary()
	t.Cleanup(a.Close)
	a.Serve("example.com.", 9)
	results := []ZoneResult{{
		Zone:    Zone{Name: "example.com.", Serial: 10, Targets: []Target{{Name: "a", Addr: a.Addr}}},
		Targets: []TargetResult{{Target: Target{Name: "a", Addr: a.Addr}, State: Behind, Serial: 9}},
	}}
	ctx, cancel := context.WithCancel(t.Context())
	clock := &fakeClock{now: time.Now()}
	clock.onSleep = func(n int) {
		if n == 2 {
			cancel()
		}
	}
	w := &Waiter{Checker: &Checker{Querier: &Querier{Timeout: time.Second}}, Now: clock.Now, Sleep: clock.Sleep}
	got, err := w.Wait(ctx, results, clock.now.Add(time.Minute))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, Behind, got[0].Targets[0].State, "the last answer stands")
	assert.ErrorIs(t, got[0].Err, context.Canceled, "the zone's last round was cut short")
	assert.Len(t, clock.sleeps, 2)
	results[0].Err = nil

	// The real timer ends with the context too.
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	_, err = (&Waiter{}).Wait(ctx, results, time.Now().Add(time.Minute))
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
}
