package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// TestTimeoutHowRemembersThePacing: once the pacing has refused a turn
// that would come after --timeout, the timeout line says the run stopped
// early even when the deadline has passed by the time the report is
// written (a slow machine finishing the requests in flight); without the
// pacing's refusal, a passed deadline reads "passed".
func TestTimeoutHowRemembersThePacing(t *testing.T) {
	a := &app{timeout: 50 * time.Millisecond, rate: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	a.limit = ctx

	p := pacer{rate.NewLimiter(rate.Limit(a.rate), 1), &a.pacedOut}
	require.NoError(t, p.Wait(ctx), "the first turn is now")
	err := p.Wait(ctx) // the next is 1 s away, after the deadline
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "--timeout would pass before the next request's turn under --rate: context deadline exceeded", err.Error())

	<-ctx.Done() // the report comes after the deadline
	assert.Equal(t, "stopped early: --timeout 50ms would pass before the remaining requests' turns under --rate 1", a.timeoutHow())

	a.pacedOut.Store(false)
	assert.Equal(t, "--timeout 50ms passed", a.timeoutHow())
}
