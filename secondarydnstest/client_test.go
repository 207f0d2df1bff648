package secondarydnstest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// These tests drive the fake through the real client, as users will.

func newClient(t *testing.T, srv *secondarydnstest.Server, opts ...secondarydns.Option) *secondarydns.Client {
	t.Helper()
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	return c
}

func apiError(t *testing.T, err error) *secondarydns.APIError {
	t.Helper()
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

func TestClientLifecycle(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	created := fixedNow.Truncate(time.Microsecond)

	out, err := c.Outgoing.Create(ctx, zoneA, secondarydns.OutgoingParams{Name: "example.com.", Peers: []string{peer1}})
	require.NoError(t, err)
	assert.Equal(t, zoneA, out.ID)
	assert.Equal(t, "example.com.", out.Name)
	assert.Equal(t, []string{peer1}, out.Peers)
	assert.Equal(t, uint32(2026112701), out.SOASerial)
	assert.True(t, out.CreatedTime.Equal(created), "created %v", out.CreatedTime)
	assert.True(t, out.CheckedTime.IsZero())
	assert.True(t, out.LastTransferredTime.IsZero())

	got, err := c.Outgoing.Get(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, out, got)

	st, err := c.Outgoing.Status(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusDisabled, st)

	st, err = c.Outgoing.Enable(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)
	st, err = c.Outgoing.Status(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)

	ok, err := c.Outgoing.ForceNotify(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, "OK", ok)

	upd, err := c.Outgoing.Update(ctx, zoneA, secondarydns.OutgoingParams{Name: "example.com", Peers: []string{peer1, peer2}})
	require.NoError(t, err)
	assert.Equal(t, zoneA, upd.ID)
	assert.Equal(t, "example.com", upd.Name)
	assert.Equal(t, []string{peer1, peer2}, upd.Peers)
	assert.True(t, upd.CreatedTime.Equal(created))
	assert.True(t, upd.CheckedTime.Equal(created), "force_notify stamped checked_time")
	assert.True(t, upd.LastTransferredTime.Equal(created))

	st, err = c.Outgoing.Disable(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusDisabled, st)

	id, err := c.Outgoing.Delete(ctx, zoneA)
	require.NoError(t, err)
	assert.Equal(t, zoneA, id)

	_, err = c.Outgoing.Get(ctx, zoneA)
	require.ErrorIs(t, err, secondarydns.ErrNotFound)
	assert.True(t, apiError(t, err).HasCode(1003))

	// What went over the wire, as a user's test would check it.
	type wire struct{ method, path, body string }
	var sent []wire
	for _, r := range srv.Requests() {
		sent = append(sent, wire{r.Method, r.Path, r.Body})
		assert.Equal(t, "Bearer [redacted]", r.Header.Get("Authorization"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "secondarydns-go/"), r.Header.Get("User-Agent"))
		if r.Body != "" {
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		}
	}
	p := outgoingPath(zoneA)
	assert.Equal(t, []wire{
		{"POST", p, `{"name":"example.com.","peers":["` + peer1 + `"]}`},
		{"GET", p, ""},
		{"GET", p + "/status", ""},
		{"POST", p + "/enable", "{}"},
		{"GET", p + "/status", ""},
		{"POST", p + "/force_notify", "{}"},
		{"PUT", p, `{"name":"example.com","peers":["` + peer1 + `","` + peer2 + `"]}`},
		{"POST", p + "/disable", "{}"},
		{"DELETE", p, ""},
		{"GET", p, ""},
	}, sent)
}

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t, secondarydnstest.WithAPIKey("me@example.com", "k3y"))
	c := newClient(t, srv)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})

	_, err := c.Outgoing.Create(ctx, zoneA, secondarydns.OutgoingParams{Name: "example.com"})
	require.ErrorIs(t, err, secondarydns.ErrConflict)
	assert.True(t, apiError(t, err).HasCode(1002))

	_, err = c.Outgoing.Enable(ctx, zoneB)
	require.ErrorIs(t, err, secondarydns.ErrNotFound)

	// A zone ID the client accepts but the API cannot route.
	_, err = c.Outgoing.Status(ctx, "not-a-zone-id")
	require.ErrorIs(t, err, secondarydns.ErrBadRequest)
	apiErr := apiError(t, err)
	assert.True(t, apiErr.HasCode(7003))
	assert.True(t, apiErr.HasCode(7000))
	assert.Equal(t, "/client/v4/zones/not-a-zone-id/secondary_dns/outgoing/status", apiErr.Path)
	assert.Regexp(t, `^[0-9a-f]{16}-SJC$`, apiErr.RayID)
	assert.Contains(t, err.Error(), apiErr.RayID)

	// A limit the API enforces and the client leaves to it.
	peers := make([]string, 31)
	for i := range peers {
		peers[i] = strings.Repeat("a", 31) + string(rune('a'+i%6))
	}
	_, err = c.Outgoing.Update(ctx, zoneA, secondarydns.OutgoingParams{Name: "example.com", Peers: peers})
	require.ErrorIs(t, err, secondarydns.ErrBadRequest)
	apiErr = apiError(t, err)
	assert.True(t, apiErr.HasCode(1004))
	require.NotNil(t, apiErr.Errors[0].Source)
	assert.Equal(t, "/peers", apiErr.Errors[0].Source.Pointer)

	// Bad input never reaches the server.
	srv.ResetRequests()
	_, err = c.Outgoing.Get(ctx, "example.com")
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	_, err = c.Outgoing.Create(ctx, zoneB, secondarydns.OutgoingParams{Name: "a..b"})
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	assert.Empty(t, srv.Requests())

	// Credentials, per call.
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithAPIToken("wrong"))
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	assert.True(t, apiError(t, err).HasCode(10000))
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithAPIKey("me@example.com", "k3y"))
	require.NoError(t, err)
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithAPIKey("me@example.com", "wrong"))
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	assert.True(t, apiError(t, err).HasCode(9103))
	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Header.Get("X-Auth-Key"), "k3y")
	}

	// An unknown status comes back as it is.
	srv.Seed(zoneB, secondarydnstest.Config{Name: "example.org", Status: "Incomplete"})
	st, err := c.Outgoing.Status(ctx, zoneB)
	require.NoError(t, err)
	assert.Equal(t, secondarydns.TransferStatus("Incomplete"), st)
}

func TestClientRetriesFaults(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	c := newClient(t, srv)
	statusPath := outgoingPath(zoneA, "status")

	// Two 503s, then success: the default two retries are enough.
	srv.Fail(secondarydnstest.Fault{Path: statusPath, Times: 2, Status: 503, RetryAfter: "0"})
	var resp secondarydns.Response
	st, err := c.Outgoing.Status(ctx, zoneA, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusDisabled, st)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Regexp(t, `^[0-9a-f]{16}-SJC$`, resp.RayID)
	assert.Len(t, srv.Requests(), 3)

	// Not enough retries: the last 503 comes back.
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Path: statusPath, Times: 2, Status: 503, RetryAfter: "0"})
	_, err = c.Outgoing.Status(ctx, zoneA, secondarydns.WithMaxRetries(1), secondarydns.WithResponse(&resp))
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Equal(t, 2, resp.Attempts)
	assert.Len(t, srv.Requests(), 2)
	_, err = c.Outgoing.Status(ctx, zoneA) // the fault is used up
	require.NoError(t, err)

	// A 503 on Create is not retried: the create may have happened.
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Method: "POST", Status: 503, RetryAfter: "0"})
	_, err = c.Outgoing.Create(ctx, zoneB, secondarydns.OutgoingParams{Name: "example.org"})
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Len(t, srv.Requests(), 1)

	// A 429 is, even on Create.
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Method: "POST", Status: 429, RetryAfter: "0"})
	out, err := c.Outgoing.Create(ctx, zoneB, secondarydns.OutgoingParams{Name: "example.org"}, secondarydns.WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, zoneB, out.ID)
	assert.Equal(t, 2, resp.Attempts)

	// A Retry-After beyond the client's patience is handed back, not waited for.
	srv.Fail(secondarydnstest.Fault{Status: 429, RetryAfter: "300"})
	_, err = c.Outgoing.Get(ctx, zoneA)
	require.ErrorIs(t, err, secondarydns.ErrRateLimited)
	apiErr := apiError(t, err)
	assert.Equal(t, 5*time.Minute, apiErr.RetryAfter)
	assert.True(t, apiErr.HasCode(971))

	// An HTML page from the edge keeps its status and a snippet.
	srv.Fail(secondarydnstest.Fault{Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"})
	_, err = c.Outgoing.Get(ctx, zoneA, secondarydns.WithMaxRetries(0))
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	apiErr = apiError(t, err)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Contains(t, apiErr.Body, "502 Bad Gateway")
	assert.Empty(t, apiErr.Errors)

	// success:false on a 200 is an error of no HTTP class.
	srv.Fail(secondarydnstest.Fault{Status: 200, Body: `{"success":false,"errors":[{"code":1234,"message":"nope"}],"messages":[],"result":null}`})
	_, err = c.Outgoing.Get(ctx, zoneA)
	apiErr = apiError(t, err)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.True(t, apiErr.HasCode(1234))
	for _, class := range []error{secondarydns.ErrBadRequest, secondarydns.ErrNotFound, secondarydns.ErrServerError} {
		assert.False(t, errors.Is(err, class))
	}
}

func TestClientDroppedConnection(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t)
	c := newClient(t, srv)

	// A dropped Create is not retried, and the fake did not apply it.
	srv.Fail(secondarydnstest.Fault{Method: "POST", Drop: true})
	_, err := c.Outgoing.Create(ctx, zoneA, secondarydns.OutgoingParams{Name: "example.com"})
	require.Error(t, err)
	var apiErr *secondarydns.APIError
	assert.False(t, errors.As(err, &apiErr), "no response, so no APIError: %v", err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, 0, reqs[0].Status)
	_, ok := srv.Config(zoneA)
	assert.False(t, ok)

	// A dropped POST action surfaces as a transport error when retries are off.
	// (With retries on, the client would retry it after a random backoff,
	// which this package's tests cannot switch off.)
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Path: outgoingPath(zoneA, "force_notify"), Drop: true})
	var resp secondarydns.Response
	_, err = c.Outgoing.ForceNotify(ctx, zoneA, secondarydns.WithMaxRetries(0), secondarydns.WithResponse(&resp))
	require.Error(t, err)
	var te *secondarydns.TransportError
	assert.ErrorAs(t, err, &te)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, 0, resp.StatusCode)
	assert.Len(t, srv.Requests(), 1)

	// A dropped GET on a fresh connection reaches the caller too (see
	// Fault.Drop for reused connections).
	noKeepAlive := newClient(t, srv, secondarydns.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Method: "GET", Drop: true})
	_, err = noKeepAlive.Outgoing.Get(ctx, zoneA, secondarydns.WithMaxRetries(0))
	require.ErrorAs(t, err, &te)
	assert.Len(t, srv.Requests(), 1)
}

func TestClientCancelledContext(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Outgoing.Get(ctx, zoneA)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, srv.Requests())
}

func TestServerClient(t *testing.T) {
	ctx := context.Background()
	lastAuth := func(srv *secondarydnstest.Server) (authz, email, key string) {
		reqs := srv.Requests()
		require.NotEmpty(t, reqs)
		h := reqs[len(reqs)-1].Header
		return h.Get("Authorization"), h.Get("X-Auth-Email"), h.Get("X-Auth-Key")
	}

	t.Run("the server's token and URL", func(t *testing.T) {
		srv := newServer(t, secondarydnstest.WithToken("t0k3n"))
		srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
		c, err := srv.Client()
		require.NoError(t, err)
		out, err := c.Outgoing.Get(ctx, zoneA)
		require.NoError(t, err)
		assert.Equal(t, "example.com", out.Name)
		authz, email, key := lastAuth(srv)
		assert.Equal(t, []string{"Bearer [redacted]", "", ""}, []string{authz, email, key})
	})

	t.Run("the server's key when it takes no token", func(t *testing.T) {
		srv := newServer(t, secondarydnstest.WithToken(""), secondarydnstest.WithAPIKey("me@example.com", "k3y"))
		srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})
		c, err := srv.Client()
		require.NoError(t, err)
		_, err = c.Outgoing.Get(ctx, zoneA)
		require.NoError(t, err)
		authz, email, key := lastAuth(srv)
		assert.Equal(t, []string{"", "me@example.com", "[redacted]"}, []string{authz, email, key})
	})

	t.Run("credentials in opts replace the server's", func(t *testing.T) {
		srv := newServer(t, secondarydnstest.WithAPIKey("me@example.com", "k3y"))
		srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com"})

		c, err := srv.Client(secondarydns.WithAPIToken("wrong"))
		require.NoError(t, err)
		_, err = c.Outgoing.Get(ctx, zoneA)
		require.ErrorIs(t, err, secondarydns.ErrForbidden)
		assert.True(t, apiError(t, err).HasCode(10000))

		// Another kind of credential replaces the token too, rather than
		// making two kinds at one level.
		c, err = srv.Client(secondarydns.WithAPIKey("me@example.com", "k3y"))
		require.NoError(t, err)
		_, err = c.Outgoing.Get(ctx, zoneA)
		require.NoError(t, err)
		authz, email, key := lastAuth(srv)
		assert.Equal(t, []string{"", "me@example.com", "[redacted]"}, []string{authz, email, key})
	})

	t.Run("other opts are kept", func(t *testing.T) {
		srv := newServer(t)
		c, err := srv.Client(secondarydns.WithUserAgent("mytest/1"), secondarydns.WithHeader("X-Test", "yes"))
		require.NoError(t, err)
		_, err = c.Outgoing.Get(ctx, zoneA)
		require.ErrorIs(t, err, secondarydns.ErrNotFound, "authenticated, so the zone was looked up")
		h := srv.Requests()[0].Header
		assert.True(t, strings.HasPrefix(h.Get("User-Agent"), "mytest/1 secondarydns-go/"), h.Get("User-Agent"))
		assert.Equal(t, "yes", h.Get("X-Test"))
	})

	t.Run("bad opts", func(t *testing.T) {
		srv := newServer(t)
		for name, opt := range map[string]secondarydns.Option{
			"negative retries": secondarydns.WithMaxRetries(-1),
			"bad token":        secondarydns.WithAPIToken(" spaced "),
			"nil option":       nil,
			"per call only":    secondarydns.WithResponse(&secondarydns.Response{}),
		} {
			c, err := srv.Client(opt)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput, name)
			assert.NotContains(t, err.Error(), "no credentials", "%s: the first error is the one about opts", name)
			assert.Nil(t, c, name)
		}
		_, err := srv.Client(secondarydns.WithAPIToken("a"), secondarydns.WithAPIKey("me@example.com", "k3y"))
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "two kinds in opts")
		assert.Empty(t, srv.Requests())
	})

	t.Run("a server that takes no credentials", func(t *testing.T) {
		srv := newServer(t, secondarydnstest.WithToken(""))
		_, err := srv.Client()
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
		assert.Contains(t, err.Error(), "no credentials")
	})
}

func TestZoneID(t *testing.T) {
	assert.Equal(t, "00000000000000000000000000000000", secondarydnstest.ZoneID(0))
	assert.Equal(t, "00000000000000000000000000000001", secondarydnstest.ZoneID(1))
	assert.Equal(t, "000000000000000000000000000000ff", secondarydnstest.ZoneID(255))
	assert.Equal(t, "0000000000000000ffffffffffffffff", secondarydnstest.ZoneID(-1))

	srv := newServer(t)
	seen := map[string]int{}
	prev := ""
	for i := -3; i <= 1000; i++ {
		id := secondarydnstest.ZoneID(i)
		assert.Equal(t, id, secondarydnstest.ZoneID(i), "stable")
		assert.Regexp(t, `^[0-9a-f]{32}$`, id)
		if j, dup := seen[id]; dup {
			t.Fatalf("ZoneID(%d) == ZoneID(%d) == %s", i, j, id)
		}
		seen[id] = i
		if i > 0 {
			assert.Less(t, prev, id, "sorts as i does")
		}
		if i >= 0 {
			prev = id
		}
	}
	// The server takes them.
	c := newClient(t, srv)
	_, err := c.Outgoing.Create(context.Background(), secondarydnstest.ZoneID(7), secondarydns.OutgoingParams{Name: "example.com"})
	require.NoError(t, err)
	_, ok := srv.Config(secondarydnstest.ZoneID(7))
	assert.True(t, ok)
}
