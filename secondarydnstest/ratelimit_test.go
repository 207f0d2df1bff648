package secondarydnstest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// fakeClock is a clock a test moves by hand, so windows and blocks pass
// without sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: fixedNow} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to fixedNow + d.
func (c *fakeClock) Set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = fixedNow.Add(d)
}

// limited is what one answer says about the rate limit.
type limited struct {
	Status     int
	Codes      []string
	Message    string
	RetryAfter string
	Ratelimit  string
	Policy     string
}

func limitOf(r reply) limited {
	l := limited{
		Status:     r.Status,
		Codes:      r.codes(),
		RetryAfter: r.Header.Get("Retry-After"),
		Ratelimit:  r.Header.Get("Ratelimit"),
		Policy:     r.Header.Get("Ratelimit-Policy"),
	}
	if r.Status == 429 && len(r.Env.Errors) > 0 {
		l.Message = r.Env.Errors[0].Message
	}
	return l
}

func TestRateLimitBlock(t *testing.T) {
	clk := newFakeClock()
	srv := newServer(t, secondarydnstest.WithClock(clk.Now), secondarydnstest.WithRateLimit(3, 10*time.Second))
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	const policy = `"default";q=3;w=10`
	ok := func(ratelimit string) limited {
		return limited{Status: 200, Ratelimit: ratelimit, Policy: policy}
	}
	refused := func(retryAfter string) limited {
		return limited{
			Status: 429, Codes: []string{"10100"}, Message: "More than 3 requests per 10 seconds reached",
			RetryAfter: retryAfter, Ratelimit: `"default";r=0;t=` + retryAfter, Policy: policy,
		}
	}
	steps := []struct {
		at   time.Duration
		want limited
	}{
		{0, ok(`"default";r=2;t=0`)}, // the window starts with the first request
		{time.Second, ok(`"default";r=1;t=0`)},
		{2500 * time.Millisecond, ok(`"default";r=0;t=8`)}, // 7.5 s of the window left, rounded up
		{3 * time.Second, refused("10")},                   // over the limit: a 10 s block starts
		{9 * time.Second, refused("4")},                    // counts for nothing
		{10500 * time.Millisecond, refused("3")},           // the window's end does not end the block
		{12900 * time.Millisecond, refused("1")},           // 0.1 s, rounded up
		{13 * time.Second, ok(`"default";r=2;t=0`)},        // the block is over: a fresh window
		{14 * time.Second, ok(`"default";r=1;t=0`)},
	}
	for _, st := range steps {
		clk.Set(st.at)
		r := send(t, srv, "GET", outgoingPath(zoneA), "")
		assert.Equal(t, st.want, limitOf(r), "at %v: %s", st.at, r.Raw)
	}

	// The log shows the refused requests as they were answered.
	var statuses []int
	for _, req := range srv.Requests() {
		statuses = append(statuses, req.Status)
	}
	assert.Equal(t, []int{200, 200, 200, 429, 429, 429, 429, 200, 200}, statuses)
}

func TestRateLimitWindowEnds(t *testing.T) {
	clk := newFakeClock()
	srv := newServer(t, secondarydnstest.WithClock(clk.Now), secondarydnstest.WithRateLimit(2, time.Minute))
	get := func(at time.Duration) string {
		clk.Set(at)
		r := send(t, srv, "GET", outgoingPath(zoneA), "")
		return r.Header.Get("Ratelimit")
	}
	assert.Equal(t, `"default";r=1;t=0`, get(0))
	assert.Equal(t, `"default";r=0;t=30`, get(30*time.Second))
	// A window that ended without a block: the next request starts a new one.
	assert.Equal(t, `"default";r=1;t=0`, get(time.Minute))
	assert.Equal(t, `"default";r=0;t=1`, get(time.Minute+59500*time.Millisecond))
	assert.Equal(t, `"default";r=1;t=0`, get(2*time.Minute))
}

func TestRateLimitBuckets(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithRateLimit(1, time.Hour), secondarydnstest.WithAPIKey("me@example.com", "k3y"))
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	status := func(opts ...reqOpt) int {
		return send(t, srv, "GET", outgoingPath(zoneA), "", opts...).Status
	}
	key := []reqOpt{noAuth, header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "k3y")}
	wrongKey := []reqOpt{noAuth, header("X-Auth-Email", "me@example.com"), header("X-Auth-Key", "nope")}

	assert.Equal(t, 200, status())
	assert.Equal(t, 429, status(), "the default token's bucket is empty")
	assert.Equal(t, 429, status(header("Authorization", "bearer "+secondarydnstest.DefaultToken)), "the scheme's case does not make a new bucket")
	assert.Equal(t, 403, status(header("Authorization", "Bearer other")), "another token has its own bucket")
	assert.Equal(t, 429, status(header("Authorization", "Bearer other")), "refused requests count")
	assert.Equal(t, 200, status(key...))
	assert.Equal(t, 429, status(append(key, header("X-Auth-Email", "Me@Example.COM"))...), "the email's case does not make a new bucket")
	assert.Equal(t, 403, status(wrongKey...), "another key has its own bucket")
	assert.Equal(t, 401, status(noAuth))
	assert.Equal(t, 429, status(noAuth), "requests without credentials share one bucket")
	assert.Equal(t, 429, send(t, srv, "GET", "/nowhere", "", noAuth).Status)
}

func TestRateLimitIsInFrontOfEverything(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithRateLimit(4, 5*time.Minute))
	srv.Fail(secondarydnstest.Fault{Action: "status", Status: 503})
	srv.Fail(secondarydnstest.Fault{Action: "enable", Drop: true})

	// Faults, unknown paths, wrong methods and unknown zones: each counts and
	// each answer says so.
	r := send(t, srv, "GET", outgoingPath(zoneA, "status"), "")
	assert.Equal(t, 503, r.Status)
	assert.Equal(t, `"default";r=3;t=0`, r.Header.Get("Ratelimit"))
	assert.Equal(t, `"default";q=4;w=300`, r.Header.Get("Ratelimit-Policy"))
	r = send(t, srv, "GET", "/nowhere", "")
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, `"default";r=2;t=0`, r.Header.Get("Ratelimit"))
	r = send(t, srv, "PATCH", outgoingPath(zoneA), "")
	assert.Equal(t, 405, r.Status)
	assert.Equal(t, `"default";r=1;t=0`, r.Header.Get("Ratelimit"))
	r = send(t, srv, "GET", outgoingPath(zoneA), "")
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, `"default";r=0;t=300`, r.Header.Get("Ratelimit"))

	// A refused request does not consume the fault that would match it.
	r = send(t, srv, "POST", outgoingPath(zoneA, "enable"), "{}")
	assert.Equal(t, 429, r.Status, r.Raw)
	assert.Equal(t, "300", r.Header.Get("Retry-After"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "0000000000000005-SJC", r.Header.Get("Cf-Ray"))
	assert.JSONEq(t, `{"success":false,"errors":[{"code":10100,"message":"More than 4 requests per 300 seconds reached"}],"messages":[],"result":null}`, r.Raw)
	assert.Equal(t, []secondarydnstest.Fault{{Action: "enable", Drop: true, Times: 1}}, srv.PendingFaults())
}

func TestRateLimitWholeSeconds(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithRateLimit(1, 1500*time.Millisecond))
	r := send(t, srv, "GET", outgoingPath(zoneA), "")
	assert.Equal(t, `"default";q=1;w=2`, r.Header.Get("Ratelimit-Policy"))
	assert.Equal(t, `"default";r=0;t=2`, r.Header.Get("Ratelimit"))
	r = send(t, srv, "GET", outgoingPath(zoneA), "")
	assert.Equal(t, "2", r.Header.Get("Retry-After"))
	assert.Equal(t, "More than 1 requests per 2 seconds reached", r.Env.Errors[0].Message)
}

func TestNoRateLimitNoHeaders(t *testing.T) {
	srv := newServer(t)
	for range 3 {
		r := send(t, srv, "GET", outgoingPath(zoneA), "")
		assert.Empty(t, r.Header.Values("Ratelimit"))
		assert.Empty(t, r.Header.Values("Ratelimit-Policy"))
	}
}

func TestRateLimitPanics(t *testing.T) {
	assert.PanicsWithValue(t, "secondarydnstest: WithRateLimit: n is 0; it must be at least 1",
		func() { secondarydnstest.WithRateLimit(0, time.Minute) })
	assert.PanicsWithValue(t, "secondarydnstest: WithRateLimit: n is -5; it must be at least 1",
		func() { secondarydnstest.WithRateLimit(-5, time.Minute) })
	assert.PanicsWithValue(t, "secondarydnstest: WithRateLimit: window is 0s; it must be positive",
		func() { secondarydnstest.WithRateLimit(1, 0) })
	assert.PanicsWithValue(t, "secondarydnstest: WithRateLimit: window is -1s; it must be positive",
		func() { secondarydnstest.WithRateLimit(1, -time.Second) })
}

func TestRateLimitConcurrent(t *testing.T) {
	srv := newServer(t, secondarydnstest.WithRateLimit(10, time.Hour))
	var wg sync.WaitGroup
	statuses := make([]int, 30)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = send(t, srv, "GET", outgoingPath(zoneA), "").Status
		}()
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	assert.Equal(t, map[int]int{404: 10, 429: 20}, counts)
}

// Through the client: a Retry-After beyond what the client waits for comes
// back at once, with RetryAfter set, and the headers reach WithResponse.
func TestClientRateLimit(t *testing.T) {
	clk := newFakeClock()
	srv := newServer(t, secondarydnstest.WithClock(clk.Now), secondarydnstest.WithRateLimit(2, 5*time.Minute))
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()

	var resp secondarydns.Response
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, `"default";r=1;t=0`, resp.Header.Get("Ratelimit"))
	assert.Equal(t, `"default";q=2;w=300`, resp.Header.Get("Ratelimit-Policy"))

	clk.Set(time.Minute)
	_, err = c.Outgoing.Status(ctx, zoneA)
	require.NoError(t, err)

	clk.Set(90 * time.Second)
	start := time.Now()
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithResponse(&resp))
	assert.Less(t, time.Since(start), 5*time.Second, "a 300 s Retry-After is not waited for")
	require.ErrorIs(t, err, secondarydns.ErrRateLimited)
	apiErr := apiError(t, err)
	assert.Equal(t, 429, apiErr.StatusCode)
	assert.True(t, apiErr.HasCode(10100))
	assert.Equal(t, 5*time.Minute, apiErr.RetryAfter)
	assert.Equal(t, "0000000000000003-SJC", apiErr.RayID)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, `"default";r=0;t=300`, resp.Header.Get("Ratelimit"))
	assert.Len(t, srv.Requests(), 3)

	// Another credential has its own bucket; the block holds for this one.
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithAPIToken("other"))
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	clk.Set(90*time.Second + 5*time.Minute - time.Millisecond)
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithMaxRetries(0)) // a 1 s Retry-After would be waited for
	require.ErrorIs(t, err, secondarydns.ErrRateLimited)
	assert.Equal(t, time.Second, apiError(t, err).RetryAfter)
	clk.Set(90*time.Second + 5*time.Minute)
	_, err = c.Outgoing.Get(ctx, zoneA)
	require.NoError(t, err)
}
