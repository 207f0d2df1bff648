package secondarydnstest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestLogIsARing: the log keeps the last DefaultRequestLogSize
// requests, oldest first, however many arrive.
func TestRequestLogIsARing(t *testing.T) {
	l := requestLog{size: DefaultRequestLogSize}
	for i := range 3*DefaultRequestLogSize + 7 {
		l.add(Request{Method: "GET", Path: fmt.Sprint(i)})
	}
	assert.Len(t, l.entries, DefaultRequestLogSize, "no more than the size is ever held")
	all := l.all()
	require.Len(t, all, DefaultRequestLogSize)
	want, got := make([]string, len(all)), make([]string, len(all))
	for i, r := range all {
		want[i], got[i] = fmt.Sprint(2*DefaultRequestLogSize+7+i), r.Path
	}
	assert.Equal(t, want, got, "the last ones, oldest first")
	l.reset()
	assert.Empty(t, l.all())
	l.add(Request{Path: "after reset"})
	assert.Equal(t, "after reset", l.all()[0].Path)

	none := requestLog{size: 0}
	none.add(Request{})
	assert.Empty(t, none.all(), "size 0 keeps nothing")
}

// TestServerRequestLogBound: through the server, with a small size.
func TestServerRequestLogBound(t *testing.T) {
	srv := NewServer(WithRequestLogSize(3))
	defer srv.Close()
	for i := range 5 {
		resp, err := http.Get(srv.URL + fmt.Sprintf("/zones/%032x/secondary_dns/outgoing", i))
		require.NoError(t, err)
		resp.Body.Close()
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Path[len("/zones/")+30:len("/zones/")+32])
	}
	assert.Equal(t, []string{"02", "03", "04"}, paths)
	assert.Equal(t, DefaultRequestLogSize, NewServer().log.size, "the default")
	assert.Panics(t, func() { WithRequestLogSize(-1) })
}

// TestLoggedBodyIsCut: the log keeps at most maxLoggedBody bytes of a body.
func TestLoggedBodyIsCut(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	body := `{"name":"` + strings.Repeat("x", 100<<10) + `","peers":[]}`
	req, err := http.NewRequest("PUT", srv.URL+fmt.Sprintf("/zones/%032x/secondary_dns/outgoing", 1), strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	logged := srv.Requests()[0].Body
	assert.Len(t, logged, maxLoggedBody)
	assert.Equal(t, body[:maxLoggedBody], logged)
}

// TestRateLimitBucketsExpire: a credential's bucket is dropped once its
// window (and any block) has passed, so many distinct tokens do not pile up.
func TestRateLimitBucketsExpire(t *testing.T) {
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	l := newRateLimit(2, time.Minute)
	for i := range 1000 {
		l.take(fmt.Sprint("token\x00", i), start.Add(time.Duration(i)*time.Millisecond))
	}
	assert.Len(t, l.buckets, 1000, "all within one window")

	// A blocked credential is kept until its block ends.
	at := start.Add(2 * time.Second)
	for range 3 {
		l.take("token\x00blocked", at)
		at = at.Add(time.Millisecond)
	}
	require.True(t, l.take("token\x00blocked", at).refused)

	// A window later every other bucket has expired; the blocked one has not.
	later := start.Add(time.Minute + 2*time.Second)
	l.take("token\x00new", later)
	assert.Len(t, l.buckets, 2, "expired buckets dropped: the blocked one and the new one are left")
	assert.Contains(t, l.buckets, "token\x00blocked")
	assert.True(t, l.take("token\x00blocked", later).refused, "the block still holds")

	// After the block: dropped too, and the credential starts afresh.
	after := at.Add(time.Minute + time.Second)
	v := l.take("token\x00other", after.Add(time.Minute))
	assert.False(t, v.refused)
	assert.Len(t, l.buckets, 1)
	v = l.take("token\x00blocked", after.Add(time.Minute))
	assert.Equal(t, verdict{left: 1}, v, "a fresh window")
}
