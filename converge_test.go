package secondarydns_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// Converge tests run against secondarydnstest, so that the requests asserted
// are the ones a real socket carried and the final state is the fake's.

const (
	zoneName = "example.com."
	peerC    = "c0ffee00c0ffee00c0ffee00c0ffee00"
)

// fake starts a server and a client for it. opts go to the client.
func fake(t testing.TB, opts ...secondarydns.Option) (*secondarydnstest.Server, *secondarydns.Client) {
	t.Helper()
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	base := []secondarydns.Option{
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
		// A retried request would hide a wrong request count.
		secondarydns.WithMaxRetries(0),
	}
	c, err := secondarydns.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return srv, c
}

// raceHeader marks the requests a test sends to stage a race, so seen can
// leave them out.
const raceHeader = "X-Test-Race"

// seen lists the requests the server received as "METHOD suffix", the
// suffix after the zone's /secondary_dns/outgoing ("" for the config
// itself), after checking that every one was for zone. Requests a test sent
// itself to stage a race are left out.
func seen(t testing.TB, srv *secondarydnstest.Server, zone string) []string {
	t.Helper()
	var out []string
	prefix := "/zones/" + zone + "/secondary_dns/outgoing"
	for _, r := range srv.Requests() {
		if r.Header.Get(raceHeader) != "" {
			continue
		}
		suffix, ok := strings.CutPrefix(r.Path, prefix)
		require.True(t, ok, "request %s %s is not for zone %s", r.Method, r.Path, zone)
		out = append(out, strings.TrimSpace(r.Method+" "+suffix))
	}
	return out
}

// bodies lists the bodies of the create and update requests the server saw.
func bodies(srv *secondarydnstest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/outgoing") || r.Method == http.MethodPut {
			out = append(out, r.Body)
		}
	}
	return out
}

var (
	getReq     = "GET"
	statusReq  = "GET /status"
	createReq  = "POST"
	updateReq  = "PUT"
	deleteReq  = "DELETE"
	enableReq  = "POST /enable"
	disableReq = "POST /disable"
)

func acts(a ...secondarydns.Action) []secondarydns.Action { return a }

// TestConvergeActionTable walks every row of the contract's actions rule
// three times: Plan alone (only the reads), Execute of that plan (the
// check, which repeats the plan's reads, then the writes), and Apply on a
// fresh server (reads then writes: no check). Each asserts the
// exact requests, the bodies, Actions, Done and the final state.
func TestConvergeActionTable(t *testing.T) {
	inSync := &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA, peerB}}
	enabled := &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA, peerB}, Status: "Enabled"}
	drifted := &secondarydnstest.Config{Name: "old.example.", Peers: []string{peerA}, Status: "Enabled"}
	want := secondarydns.Desired{Name: zoneName, Peers: []string{peerA, peerB}}
	withStatus := func(st secondarydns.TransferStatus) secondarydns.Desired {
		d := want
		d.Status = st
		return d
	}
	const wantBody = `{"name":"example.com.","peers":["23ff594956f20c2a721606e94745a8aa","00920f38ce07c2e2f4df50b1f61d4194"]}`

	tests := []struct {
		name       string
		seed       *secondarydnstest.Config // nil: no configuration
		want       secondarydns.Desired
		reads      []string
		actions    []secondarydns.Action
		writes     []string
		status     secondarydns.TransferStatus // Plan.Status
		final      *secondarydnstest.Config    // nil: no configuration
		writeBodie []string
	}{
		{"no config, no status wanted", nil, want, []string{getReq}, acts("create"), []string{createReq}, "",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Disabled"}, []string{wantBody}},
		{"no config, Enabled wanted", nil, withStatus("Enabled"), []string{getReq}, acts("create", "enable"), []string{createReq, enableReq}, "",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Enabled"}, []string{wantBody}},
		{"no config, Disabled wanted", nil, withStatus("Disabled"), []string{getReq}, acts("create"), []string{createReq}, "",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Disabled"}, []string{wantBody}},
		{"config in sync, no status wanted", inSync, want, []string{getReq}, nil, nil, "",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Disabled"}, nil},
		{"config in sync, status in sync", enabled, withStatus("Enabled"), []string{getReq, statusReq}, nil, nil, "Enabled",
			enabled, nil},
		{"config in sync, status differs", inSync, withStatus("Enabled"), []string{getReq, statusReq}, acts("enable"), []string{enableReq}, "Disabled",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Enabled"}, nil},
		{"config differs, no status wanted", drifted, want, []string{getReq}, acts("update"), []string{updateReq}, "",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Enabled"}, []string{wantBody}},
		{"config differs, status in sync", drifted, withStatus("Enabled"), []string{getReq, statusReq}, acts("update"), []string{updateReq}, "Enabled",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Enabled"}, []string{wantBody}},
		{"config differs, status differs", drifted, withStatus("Disabled"), []string{getReq, statusReq}, acts("update", "disable"), []string{updateReq, disableReq}, "Enabled",
			&secondarydnstest.Config{Name: zoneName, Peers: want.Peers, Status: "Disabled"}, []string{wantBody}},
		{"absent, no config", nil, secondarydns.Desired{Absent: true}, []string{getReq}, nil, nil, "", nil, nil},
		{"absent, config enabled", enabled, secondarydns.Desired{Absent: true}, []string{getReq, statusReq}, acts("disable", "delete"), []string{disableReq, deleteReq}, "Enabled", nil, nil},
		{"absent, config disabled", inSync, secondarydns.Desired{Absent: true}, []string{getReq, statusReq}, acts("delete"), []string{deleteReq}, "Disabled", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			check := func(t *testing.T, srv *secondarydnstest.Server) {
				got, ok := srv.Config(testZone)
				if tt.final == nil {
					assert.False(t, ok, "the zone keeps a configuration")
					return
				}
				require.True(t, ok, "the zone has no configuration")
				assert.Equal(t, tt.final.Name, got.Name)
				assert.Equal(t, tt.final.Peers, got.Peers)
				assert.Equal(t, tt.final.Status, got.Status)
			}
			seed := func(srv *secondarydnstest.Server) {
				if tt.seed != nil {
					srv.Seed(testZone, *tt.seed)
				}
			}

			// Plan then Execute, on one server.
			srv, c := fake(t)
			seed(srv)
			p, err := c.Outgoing.Plan(ctx, testZone, tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.reads, seen(t, srv, testZone), "Plan's reads")
			assert.Equal(t, tt.actions, p.Actions)
			assert.Equal(t, len(tt.actions) == 0, p.InSync())
			assert.Empty(t, p.Done)
			assert.Equal(t, tt.status, p.Status)
			assert.Equal(t, testZone, p.ZoneID)
			assert.Equal(t, tt.want, p.Want)
			if tt.seed == nil {
				assert.Nil(t, p.Current)
			} else {
				require.NotNil(t, p.Current)
				assert.Equal(t, tt.seed.Name, p.Current.Name)
			}

			srv.ResetRequests()
			done, err := c.Outgoing.Execute(ctx, p)
			require.NoError(t, err)
			// Execute checks the zone again with the plan's reads before
			// its first write; a plan in sync sends nothing.
			var executeSent []string
			if len(tt.actions) > 0 {
				executeSent = append(append(executeSent, tt.reads...), tt.writes...)
			}
			assert.Equal(t, executeSent, seen(t, srv, testZone), "Execute's check and writes")
			assert.Equal(t, tt.writeBodie, bodies(srv))
			assert.Equal(t, tt.actions, done.Done)
			assert.Equal(t, tt.actions, done.Actions)
			assert.Empty(t, p.Done, "Execute changed the plan it was given")
			check(t, srv)

			// Apply, on a fresh server.
			srv, c = fake(t)
			seed(srv)
			var resp secondarydns.Response
			applied, err := c.Outgoing.Apply(ctx, testZone, tt.want, secondarydns.WithResponse(&resp))
			require.NoError(t, err)
			assert.Equal(t, append(append([]string{}, tt.reads...), tt.writes...), seen(t, srv, testZone), "Apply's requests")
			assert.Equal(t, tt.writeBodie, bodies(srv))
			assert.Equal(t, tt.actions, applied.Actions)
			assert.Equal(t, tt.actions, applied.Done)
			log := srv.Requests()
			assert.Equal(t, log[len(log)-1].Status, resp.StatusCode, "WithResponse reports Apply's last request")
			check(t, srv)
		})
	}
}

// TestPlanComparison: what the user means is compared, not the bytes.
func TestPlanComparison(t *testing.T) {
	tests := []struct {
		name   string
		have   string
		peers  []string
		want   secondarydns.Desired
		inSync bool
	}{
		{"case and trailing dot", "Example.COM", []string{peerA}, secondarydns.Desired{Name: "example.com.", Peers: []string{peerA}}, true},
		{"trailing dot on the server only", "example.com.", []string{peerA}, secondarydns.Desired{Name: "example.com", Peers: []string{peerA}}, true},
		{"peers as a set", "example.com.", []string{peerA, peerB}, secondarydns.Desired{Name: "example.com.", Peers: []string{peerB, peerA, peerB}}, true},
		{"no peers and nil", "example.com.", nil, secondarydns.Desired{Name: "example.com."}, true},
		{"another name", "example.org.", nil, secondarydns.Desired{Name: "example.com."}, false},
		{"a peer more", "example.com.", []string{peerA}, secondarydns.Desired{Name: "example.com.", Peers: []string{peerA, peerB}}, false},
		{"a peer less", "example.com.", []string{peerA, peerB}, secondarydns.Desired{Name: "example.com.", Peers: []string{peerA}}, false},
		{"peer IDs are case-sensitive", "example.com.", []string{peerA}, secondarydns.Desired{Name: "example.com.", Peers: []string{strings.ToUpper(peerA)}}, false},
		// Unicode folding would call the Kelvin sign and "k" equal.
		{"only ASCII case folds", "\u212a.example.", nil, secondarydns.Desired{Name: "k.example."}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := fake(t)
			// The serial and the times never make a difference.
			srv.Seed(testZone, secondarydnstest.Config{Name: tt.have, Peers: tt.peers, SOASerial: 7,
				CheckedTime: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), LastTransferredTime: time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC)})
			p, err := c.Outgoing.Plan(context.Background(), testZone, tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.inSync, p.InSync(), "actions: %v", p.Actions)
			if !tt.inSync {
				assert.Equal(t, acts("update"), p.Actions)
			}
		})
	}
}

// TestApplySendsDeduplicatedPeers: the body carries Want's name as given and
// the peers once each, in first-seen order; nil peers go as [].
func TestApplySendsDeduplicatedPeers(t *testing.T) {
	srv, c := fake(t)
	_, err := c.Outgoing.Apply(context.Background(), testZone, secondarydns.Desired{Name: "Example.com", Peers: []string{peerB, peerA, peerB, peerA}})
	require.NoError(t, err)
	assert.Equal(t, []string{`{"name":"Example.com","peers":["00920f38ce07c2e2f4df50b1f61d4194","23ff594956f20c2a721606e94745a8aa"]}`}, bodies(srv))

	srv, c = fake(t)
	_, err = c.Outgoing.Apply(context.Background(), testZone, secondarydns.Desired{Name: zoneName})
	require.NoError(t, err)
	assert.Equal(t, []string{`{"name":"example.com.","peers":[]}`}, bodies(srv))
}

// hook is a transport that lets a test act on the fake (or answer itself)
// at a chosen request, to stage a race between Plan's reads and Execute's
// writes inside one Apply.
type hook struct {
	mu sync.Mutex
	// before runs before request n (1-based) is forwarded; a non-nil
	// response or error replaces the server's answer.
	before func(n int, r *http.Request) (*http.Response, error)
	// after runs after the server answered request n; a non-nil error
	// replaces the answer, as a connection lost after the write would.
	after func(n int, r *http.Request) error
	n     int
}

func (h *hook) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.n++
	n := h.n
	h.mu.Unlock()
	if h.before != nil {
		if resp, err := h.before(n, r); resp != nil || err != nil {
			return resp, err
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && h.after != nil {
		if herr := h.after(n, r); herr != nil {
			resp.Body.Close()
			return nil, herr
		}
	}
	return resp, err
}

func hooked(t testing.TB, h *hook) (*secondarydnstest.Server, *secondarydns.Client) {
	t.Helper()
	return fake(t, secondarydns.WithHTTPClient(&http.Client{Transport: h}))
}

// answer makes a response of the fake's shape without asking the fake.
func answer(r *http.Request, status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json"}, "Cf-Ray": {"0000000000000000-TST"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}
}

// TestConvergeRaces stages each race rule between the last read and the
// first write (for Execute, between its check and its first write; for
// Apply, between the plan's reads and its first write): Execute must stop
// with ErrStale and do nothing it did not plan; Apply must plan again once
// and converge.
func TestConvergeRaces(t *testing.T) {
	other := secondarydnstest.Config{Name: "other.example.", Peers: []string{peerC}, Status: "Enabled"}
	want := secondarydns.Desired{Name: zoneName, Peers: []string{peerA}, Status: secondarydns.StatusEnabled}
	tests := []struct {
		name string
		seed *secondarydnstest.Config
		want secondarydns.Desired
		// race runs on the server after the last read and before the
		// first write.
		race func(srv *secondarydnstest.Server)
		// executeSent are the requests Execute sends, its check's reads
		// included, before it stops.
		executeSent []string
		executeDone []secondarydns.Action
		stale       bool // Execute ends with ErrStale (else it succeeds)
		status      int  // the status of the *APIError it wraps
		// applySent is every request of an Apply with the same race.
		applySent    []string
		applyActions []secondarydns.Action
		final        *secondarydnstest.Config
	}{
		{
			name: "created meanwhile: Create answers 409",
			want: want,
			race: func(srv *secondarydnstest.Server) {
				srv.Seed(testZone, other)
			},
			executeSent:  []string{getReq, createReq},
			stale:        true,
			status:       http.StatusConflict,
			applySent:    []string{getReq, createReq, getReq, statusReq, updateReq},
			applyActions: acts("update"),
			final:        &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Enabled"},
		},
		{
			name:         "deleted meanwhile: Update answers 404",
			seed:         &secondarydnstest.Config{Name: "old.example.", Peers: []string{peerA}, Status: "Enabled"},
			want:         want,
			race:         deleteZone,
			executeSent:  []string{getReq, statusReq, updateReq},
			stale:        true,
			status:       http.StatusNotFound,
			applySent:    []string{getReq, statusReq, updateReq, getReq, createReq, enableReq},
			applyActions: acts("create", "enable"),
			final:        &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Enabled"},
		},
		{
			name:         "deleted meanwhile: Enable answers 404",
			seed:         &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Disabled"},
			want:         want,
			race:         deleteZone,
			executeSent:  []string{getReq, statusReq, enableReq},
			stale:        true,
			status:       http.StatusNotFound,
			applySent:    []string{getReq, statusReq, enableReq, getReq, createReq, enableReq},
			applyActions: acts("create", "enable"),
			final:        &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Enabled"},
		},
		{
			name:         "deleted meanwhile: Disable answers 404",
			seed:         &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Enabled"},
			want:         secondarydns.Desired{Name: zoneName, Peers: []string{peerA}, Status: secondarydns.StatusDisabled},
			race:         deleteZone,
			executeSent:  []string{getReq, statusReq, disableReq},
			stale:        true,
			status:       http.StatusNotFound,
			applySent:    []string{getReq, statusReq, disableReq, getReq, createReq},
			applyActions: acts("create"),
			final:        &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Disabled"},
		},
		{
			name:         "deleted meanwhile: Delete answering 404 is done",
			seed:         &secondarydnstest.Config{Name: zoneName, Status: "Disabled"},
			want:         secondarydns.Desired{Absent: true},
			race:         deleteZone,
			executeSent:  []string{getReq, statusReq, deleteReq},
			executeDone:  acts("delete"),
			applySent:    []string{getReq, statusReq, deleteReq},
			applyActions: acts("delete"),
		},
		{
			name: "enabled meanwhile by someone else: the plan's disable still runs, delete follows",
			seed: &secondarydnstest.Config{Name: zoneName, Status: "Enabled"},
			want: secondarydns.Desired{Absent: true},
			race: func(srv *secondarydnstest.Server) {
				srv.Seed(testZone, other)
			},
			// After the check, only answers that show the plan cannot
			// apply stop it (TestExecuteChecksFirst covers a change
			// before the check).
			executeSent:  []string{getReq, statusReq, disableReq, deleteReq},
			executeDone:  acts("disable", "delete"),
			applySent:    []string{getReq, statusReq, disableReq, deleteReq},
			applyActions: acts("disable", "delete"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			seed := func(srv *secondarydnstest.Server) {
				if tt.seed != nil {
					srv.Seed(testZone, *tt.seed)
				}
			}

			// raceAtFirstWrite runs the race once, as the first write
			// leaves.
			raceAtFirstWrite := func(srv *secondarydnstest.Server) func(int, *http.Request) (*http.Response, error) {
				var once sync.Once
				return func(_ int, r *http.Request) (*http.Response, error) {
					if r.Method != http.MethodGet {
						once.Do(func() { tt.race(srv) })
					}
					return nil, nil
				}
			}

			// Execute: plan, the check, the race, then exactly the plan.
			h := &hook{}
			srv, c := hooked(t, h)
			seed(srv)
			p, err := c.Outgoing.Plan(ctx, testZone, tt.want)
			require.NoError(t, err)
			srv.ResetRequests()
			h.before = raceAtFirstWrite(srv)
			got, err := c.Outgoing.Execute(ctx, p)
			assert.Equal(t, tt.executeSent, seen(t, srv, testZone), "Execute improvised")
			require.NotNil(t, got)
			assert.Equal(t, tt.executeDone, got.Done)
			if tt.stale {
				require.ErrorIs(t, err, secondarydns.ErrStale)
				var apiErr *secondarydns.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				assert.Contains(t, err.Error(), "zone "+testZone+": "+string(p.Actions[0])+": the zone changed since it was planned")
			} else {
				require.NoError(t, err)
			}

			// Apply: the same race, inside one call, between its reads
			// and its first write.
			h = &hook{}
			srv, c = hooked(t, h)
			seed(srv)
			h.before = raceAtFirstWrite(srv)
			applied, err := c.Outgoing.Apply(ctx, testZone, tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.applySent, seen(t, srv, testZone))
			assert.Equal(t, tt.applyActions, applied.Actions)
			assert.Equal(t, tt.applyActions, applied.Done)
			cfg, ok := srv.Config(testZone)
			if tt.final == nil {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.final.Name, cfg.Name)
			assert.Equal(t, tt.final.Peers, cfg.Peers)
			assert.Equal(t, tt.final.Status, cfg.Status)
		})
	}
}

// deleteZone removes the zone's configuration behind the client's back,
// as another tool would.
func deleteZone(srv *secondarydnstest.Server) {
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL), secondarydns.WithHeader(raceHeader, "1"))
	if err != nil {
		panic(err)
	}
	if _, err := c.Outgoing.Delete(context.Background(), testZone); err != nil {
		panic(err)
	}
}

// TestApplyStatusGoneBetweenReads: a 404 on the status read means the
// configuration went away after the first read; the plan is made as for none.
func TestApplyStatusGoneBetweenReads(t *testing.T) {
	h := &hook{}
	srv, c := hooked(t, h)
	srv.Seed(testZone, secondarydnstest.Config{Name: zoneName, Status: "Enabled"})
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/status") {
			deleteZone(srv)
		}
		return nil, nil
	}
	want := secondarydns.Desired{Name: zoneName, Status: secondarydns.StatusEnabled}
	p, err := c.Outgoing.Plan(context.Background(), testZone, want)
	require.NoError(t, err)
	assert.Nil(t, p.Current)
	assert.Equal(t, secondarydns.TransferStatus(""), p.Status)
	assert.Equal(t, acts("create", "enable"), p.Actions)
	assert.Equal(t, []string{getReq, statusReq}, seen(t, srv, testZone))
}

// TestApplySecondStaleIsReturned: Apply plans again once; a zone that keeps
// changing returns the second ErrStale with the plan so far.
func TestApplySecondStaleIsReturned(t *testing.T) {
	h := &hook{}
	srv, c := hooked(t, h)
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost {
			srv.Seed(testZone, secondarydnstest.Config{Name: "other.example."})
		}
		if r.Method == http.MethodPut {
			deleteZone(srv)
		}
		return nil, nil
	}
	p, err := c.Outgoing.Apply(context.Background(), testZone, secondarydns.Desired{Name: zoneName})
	require.ErrorIs(t, err, secondarydns.ErrStale)
	assert.Contains(t, err.Error(), "zone "+testZone+": update:")
	assert.Equal(t, []string{getReq, createReq, getReq, updateReq}, seen(t, srv, testZone))
	require.NotNil(t, p)
	assert.Equal(t, acts("update"), p.Actions)
	assert.Empty(t, p.Done)
}

// TestCreateOfUnknownOutcome covers the settling read after a Create that may
// have reached the server, and the failures that need none.
func TestCreateOfUnknownOutcome(t *testing.T) {
	want := secondarydns.Desired{Name: zoneName, Peers: []string{peerA}}
	lost := errors.New("connection reset after the request was written")
	tests := []struct {
		name string
		// before/after stage the first Create's fate.
		before  func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error)
		after   func(srv *secondarydnstest.Server, n int, r *http.Request) error
		sent    []string
		done    []secondarydns.Action
		errIs   []error
		errText string
		final   string // the name the zone ends with; "" none
	}{
		{
			name: "503 and nothing made: one read, then sent once more",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					srv.Fail(secondarydnstest.Fault{Method: "POST", Status: 503})
				}
				return nil, nil
			},
			sent:  []string{getReq, createReq, getReq, createReq},
			done:  acts("create"),
			final: zoneName,
		},
		{
			name: "made, but the answer was lost: the read finds it, no second create",
			after: func(_ *secondarydnstest.Server, n int, r *http.Request) error {
				if n == 2 {
					return lost
				}
				return nil
			},
			sent:  []string{getReq, createReq, getReq},
			done:  acts("create"),
			final: zoneName,
		},
		{
			name: "made, but a 502 came back: the read finds it",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					// The edge forwarded the Create, then answered 502.
					_, err := http.DefaultTransport.RoundTrip(r)
					if err != nil {
						return nil, err
					}
					return answer(r, http.StatusBadGateway, ""), nil
				}
				return nil, nil
			},
			sent:  []string{getReq, createReq, getReq},
			done:  acts("create"),
			final: zoneName,
		},
		{
			name: "made, but the 200 could not be read: the read finds it",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					if _, err := http.DefaultTransport.RoundTrip(r); err != nil {
						return nil, err
					}
					return answer(r, http.StatusOK, `{"success":true,"result":{"soa_serial":"x"}}`), nil
				}
				return nil, nil
			},
			sent:  []string{getReq, createReq, getReq},
			done:  acts("create"),
			final: zoneName,
		},
		{
			name: "someone else's configuration appeared: stale, and Apply plans again",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					srv.Seed(testZone, secondarydnstest.Config{Name: "other.example."})
					return answer(r, http.StatusServiceUnavailable, ""), nil
				}
				return nil, nil
			},
			// The answered POST never reached the fake.
			sent:  []string{getReq, getReq, getReq, updateReq},
			done:  acts("update"),
			final: zoneName,
		},
		{
			name: "the resend fails too: its error is returned",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					srv.Fail(secondarydnstest.Fault{Method: "POST", Status: 503, Times: 2})
				}
				return nil, nil
			},
			sent:    []string{getReq, createReq, getReq, createReq},
			errIs:   []error{secondarydns.ErrServerError},
			errText: "zone " + testZone + ": create: POST /client/v4/zones/" + testZone + "/secondary_dns/outgoing: 503",
		},
		{
			name: "the settling read fails: the outcome is reported unknown",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					srv.Fail(secondarydnstest.Fault{Method: "POST", Status: 500})
					srv.Fail(secondarydnstest.Fault{Method: "GET", Status: 403})
				}
				return nil, nil
			},
			sent:    []string{getReq, createReq, getReq},
			errIs:   []error{secondarydns.ErrServerError, secondarydns.ErrForbidden},
			errText: "create: the create may have happened",
		},
		{
			name: "a 400 is the caller's to fix: no read",
			before: func(srv *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					srv.Fail(secondarydnstest.Fault{Method: "POST", Status: 400})
				}
				return nil, nil
			},
			sent:  []string{getReq, createReq},
			errIs: []error{secondarydns.ErrBadRequest},
		},
		{
			name: "a connection never made did not create: no read",
			before: func(_ *secondarydnstest.Server, n int, r *http.Request) (*http.Response, error) {
				if n == 2 {
					return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
				}
				return nil, nil
			},
			sent: []string{getReq},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hook{}
			srv, c := hooked(t, h)
			if tt.before != nil {
				h.before = func(n int, r *http.Request) (*http.Response, error) { return tt.before(srv, n, r) }
			}
			if tt.after != nil {
				h.after = func(n int, r *http.Request) error { return tt.after(srv, n, r) }
			}
			p, err := c.Outgoing.Apply(context.Background(), testZone, want)
			assert.Equal(t, tt.sent, seen(t, srv, testZone))
			if tt.done != nil {
				require.NoError(t, err)
				assert.Equal(t, tt.done, p.Done)
			} else {
				require.Error(t, err)
				for _, target := range tt.errIs {
					assert.ErrorIs(t, err, target)
				}
				if tt.errText != "" {
					assert.Contains(t, err.Error(), tt.errText)
				}
				assert.NotContains(t, p.Done, secondarydns.ActionCreate)
			}
			cfg, ok := srv.Config(testZone)
			if tt.final == "" {
				assert.False(t, ok, "a configuration exists: %+v", cfg)
			} else {
				require.True(t, ok)
				assert.Equal(t, tt.final, cfg.Name)
			}
		})
	}
}

// TestExecuteCreateFindsAnotherConfig: Execute, unlike Apply, stops at the
// settling read's surprise with ErrStale wrapping the Create's answer, and
// sends nothing more.
func TestExecuteCreateFindsAnotherConfig(t *testing.T) {
	h := &hook{}
	srv, c := hooked(t, h)
	want := secondarydns.Desired{Name: zoneName, Peers: []string{peerA}, Status: secondarydns.StatusEnabled}
	p, err := c.Outgoing.Plan(context.Background(), testZone, want)
	require.NoError(t, err)
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost {
			srv.Seed(testZone, secondarydnstest.Config{Name: "other.example."})
			return answer(r, http.StatusServiceUnavailable, ""), nil
		}
		return nil, nil
	}
	srv.ResetRequests()
	q, err := c.Outgoing.Execute(context.Background(), p)
	require.ErrorIs(t, err, secondarydns.ErrStale)
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.Contains(t, err.Error(), "zone "+testZone+": create: the zone changed since it was planned")
	assert.Equal(t, []string{getReq, getReq}, seen(t, srv, testZone), "only the check and the settling read reached the server")
	assert.Empty(t, q.Done)
	cfg, _ := srv.Config(testZone)
	assert.Equal(t, "other.example.", cfg.Name, "someone else's configuration was touched")
}

// TestApplyPartialFailure: the plan comes back with what was done, and the
// error names the zone and the action and wraps the API's answer.
func TestApplyPartialFailure(t *testing.T) {
	srv, c := fake(t)
	srv.Fail(secondarydnstest.Fault{Path: "/zones/" + testZone + "/secondary_dns/outgoing/enable", Status: http.StatusForbidden})
	p, err := c.Outgoing.Apply(context.Background(), testZone, secondarydns.Desired{Name: zoneName, Status: secondarydns.StatusEnabled})
	require.Error(t, err)
	assert.Equal(t, acts("create", "enable"), p.Actions)
	assert.Equal(t, acts("create"), p.Done)
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	assert.True(t, strings.HasPrefix(err.Error(), "secondarydns: zone "+testZone+": enable: POST /client/v4/zones/"+testZone+"/secondary_dns/outgoing/enable: 403"), err.Error())
	assert.NotErrorIs(t, err, secondarydns.ErrStale)

	// Execute resumes the partly done plan: the check finds the zone as
	// the create left it, and only the enable is sent.
	srv.ResetRequests()
	q, err := c.Outgoing.Execute(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, []string{getReq, enableReq}, seen(t, srv, testZone))
	assert.Equal(t, acts("create", "enable"), q.Done)
}

// TestPlanReadFailure: a read that fails gives no plan and an error naming the zone.
func TestPlanReadFailure(t *testing.T) {
	srv, c := fake(t)
	srv.Fail(secondarydnstest.Fault{Method: "GET", Status: http.StatusInternalServerError})
	p, err := c.Outgoing.Apply(context.Background(), testZone, secondarydns.Desired{Name: zoneName})
	assert.Nil(t, p)
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Contains(t, err.Error(), "secondarydns: zone "+testZone+": plan: GET ")
	assert.Equal(t, []string{getReq}, seen(t, srv, testZone))
}

// TestConvergeValidation: bad input is refused before any request.
func TestConvergeValidation(t *testing.T) {
	good := secondarydns.Desired{Name: zoneName, Peers: []string{peerA}}
	tests := []struct {
		name string
		zone string
		want secondarydns.Desired
		msg  string
	}{
		{"empty zone ID", "", good, "zone ID is empty"},
		{"zone name as zone ID", "example.com", good, "pass the zone ID, not the zone name"},
		{"no name", testZone, secondarydns.Desired{Peers: []string{peerA}}, "zone " + testZone + ": name is empty"},
		{"bad name", testZone, secondarydns.Desired{Name: "a..b"}, "empty label"},
		{"bad peer", testZone, secondarydns.Desired{Name: zoneName, Peers: []string{peerA, "not a peer"}}, "peers[1]"},
		{"unknown status", testZone, secondarydns.Desired{Name: zoneName, Status: "enabled"}, `status "enabled" is neither`},
		{"absent with a name", testZone, secondarydns.Desired{Absent: true, Name: zoneName}, "Absent is set together with"},
		{"absent with peers", testZone, secondarydns.Desired{Absent: true, Peers: []string{peerA}}, "Absent is set together with"},
		{"absent with a status", testZone, secondarydns.Desired{Absent: true, Status: secondarydns.StatusDisabled}, "Absent is set together with"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := fake(t)
			ctx := context.Background()
			_, err := c.Outgoing.Plan(ctx, tt.zone, tt.want)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.msg)
			_, err = c.Outgoing.Apply(ctx, tt.zone, tt.want)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			_, err = c.Outgoing.Execute(ctx, &secondarydns.Plan{ZoneID: tt.zone, Want: tt.want, Actions: acts("update")})
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			zones := map[string]secondarydns.Desired{secondarydnstest.ZoneID(1): good, tt.zone: tt.want}
			res, err := c.Outgoing.ApplyAll(ctx, zones, secondarydns.FleetOptions{})
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Nil(t, res)
			assert.Empty(t, srv.Requests(), "a request was sent for invalid input")
		})
	}

	t.Run("plans", func(t *testing.T) {
		srv, c := fake(t)
		ctx := context.Background()
		for name, p := range map[string]*secondarydns.Plan{
			"nil":                  nil,
			"unknown action":       {ZoneID: testZone, Want: good, Actions: acts("create", "recreate")},
			"create for absent":    {ZoneID: testZone, Want: secondarydns.Desired{Absent: true}, Actions: acts("create")},
			"done is not a prefix": {ZoneID: testZone, Want: good, Actions: acts("update"), Done: acts("enable")},
			"done is longer":       {ZoneID: testZone, Want: good, Actions: acts("update"), Done: acts("update", "enable")},
		} {
			_, err := c.Outgoing.Execute(ctx, p)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput, name)
		}
		assert.Empty(t, srv.Requests())
	})

	t.Run("invalid per-call option", func(t *testing.T) {
		srv, c := fake(t)
		_, err := c.Outgoing.Apply(context.Background(), testZone, good, secondarydns.WithMaxRetries(-1))
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
		assert.Empty(t, srv.Requests())
	})

	t.Run("zero service", func(t *testing.T) {
		ctx := context.Background()
		for _, s := range []*secondarydns.OutgoingService{nil, {}, new(secondarydns.Client).Outgoing} {
			_, err := s.Plan(ctx, testZone, good)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			assert.Contains(t, err.Error(), "use NewClient")
			_, err = s.Execute(ctx, &secondarydns.Plan{ZoneID: testZone, Want: good})
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			_, err = s.Apply(ctx, testZone, good)
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			_, err = s.ApplyAll(ctx, map[string]secondarydns.Desired{testZone: good}, secondarydns.FleetOptions{})
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
			_, err = s.ExecuteAll(ctx, nil, secondarydns.FleetOptions{})
			require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
		}
	})
}

// TestCreateContextEndsUnsettled: a context that ends as a Create fails
// leaves its outcome unknown; the error says so, wraps both the answer and
// the context's error, and no read is attempted with the dead context.
func TestCreateContextEndsUnsettled(t *testing.T) {
	h := &hook{}
	srv, c := hooked(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.before = func(n int, r *http.Request) (*http.Response, error) {
		if n == 2 {
			cancel()
			return answer(r, http.StatusServiceUnavailable, ""), nil
		}
		return nil, nil
	}
	p, err := c.Outgoing.Apply(ctx, testZone, secondarydns.Desired{Name: zoneName})
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, secondarydns.ErrServerError)
	assert.Contains(t, err.Error(), "zone "+testZone+": create: the create may have happened")
	assert.Empty(t, p.Done)
	assert.Equal(t, []string{getReq}, seen(t, srv, testZone), "nothing after the Create")
}

// TestApplyRaceAfterAnAction: the zone disappears after Apply created it;
// the fresh plan follows what was done, so Done stays a prefix of Actions.
func TestApplyRaceAfterAnAction(t *testing.T) {
	h := &hook{}
	srv, c := hooked(t, h)
	once := sync.Once{}
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/enable") {
			once.Do(func() { deleteZone(srv) })
		}
		return nil, nil
	}
	p, err := c.Outgoing.Apply(context.Background(), testZone, secondarydns.Desired{Name: zoneName, Status: secondarydns.StatusEnabled})
	require.NoError(t, err)
	assert.Equal(t, acts("create", "create", "enable"), p.Actions)
	assert.Equal(t, acts("create", "create", "enable"), p.Done)
	assert.Equal(t, []string{getReq, createReq, enableReq, getReq, createReq, enableReq}, seen(t, srv, testZone))
	cfg, _ := srv.Config(testZone)
	assert.Equal(t, "Enabled", cfg.Status)
}

// TestConvergeClearsResponseWhenRefused: a Response reused from an earlier
// call is cleared by a converge call refused before sending.
func TestConvergeClearsResponseWhenRefused(t *testing.T) {
	_, c := fake(t)
	ctx := context.Background()
	for name, call := range map[string]func(*secondarydns.Response) error{
		"Plan": func(r *secondarydns.Response) error {
			_, err := c.Outgoing.Plan(ctx, testZone, secondarydns.Desired{}, secondarydns.WithResponse(r))
			return err
		},
		"Apply": func(r *secondarydns.Response) error {
			_, err := c.Outgoing.Apply(ctx, "", secondarydns.Desired{Name: zoneName}, secondarydns.WithResponse(r))
			return err
		},
		"Execute": func(r *secondarydns.Response) error {
			_, err := c.Outgoing.Execute(ctx, nil, secondarydns.WithResponse(r))
			return err
		},
		"ApplyAll": func(r *secondarydns.Response) error {
			_, err := c.Outgoing.ApplyAll(ctx, map[string]secondarydns.Desired{testZone: {Name: zoneName}}, secondarydns.FleetOptions{}, secondarydns.WithResponse(r))
			return err
		},
	} {
		var resp secondarydns.Response
		_, err := c.Outgoing.Get(ctx, testZone, secondarydns.WithResponse(&resp))
		require.ErrorIs(t, err, secondarydns.ErrNotFound)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.ErrorIs(t, call(&resp), secondarydns.ErrInvalidInput, name)
		assert.Equal(t, secondarydns.Response{}, resp, name)
	}
}

// TestExecuteChecksFirst: someone changes the zone between the plan and
// Execute (a review, a prompt, a long run). Execute's check reads it again
// with the plan's reads, finds what differs from the plan (with Done
// applied), says so in an ErrStale, and writes nothing; the zone keeps the
// other party's change. Changes the comparison ignores (case, trailing dot,
// peer order, serial) do not stop it.
func TestExecuteChecksFirst(t *testing.T) {
	base := secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: "Disabled"}
	with := func(f func(*secondarydnstest.Config)) secondarydnstest.Config {
		c := base
		c.Peers = slices.Clone(base.Peers)
		f(&c)
		return c
	}
	update := secondarydns.Desired{Name: zoneName, Peers: []string{peerA, peerB}}
	updateEnable := secondarydns.Desired{Name: zoneName, Peers: []string{peerA, peerB}, Status: secondarydns.StatusEnabled}
	tests := []struct {
		name string
		seed *secondarydnstest.Config // nil: no configuration
		want secondarydns.Desired
		// done, when set, marks the plan's first action done and seeds
		// the state it left, as a partly run plan would be.
		done   *secondarydnstest.Config
		change *secondarydnstest.Config // nil: the configuration is deleted
		// Execute's requests, the check's reads first.
		sent    []string
		actions []secondarydns.Action
		stale   string // "" means Execute succeeds
		doneOut []secondarydns.Action
	}{
		{
			name: "name changed", seed: &base, want: update,
			change:  ptr(with(func(c *secondarydnstest.Config) { c.Name = "other.example." })),
			sent:    []string{getReq},
			actions: acts("update"),
			stale:   `update: the zone changed since it was planned: the name is "other.example.", not "example.com."`,
		},
		{
			name: "peers changed", seed: &base, want: updateEnable,
			change:  ptr(with(func(c *secondarydnstest.Config) { c.Peers = []string{peerC} })),
			sent:    []string{getReq, statusReq},
			actions: acts("update", "enable"),
			stale:   `update: the zone changed since it was planned: the peers differ (extra "` + peerC + `", missing "` + peerA + `")`,
		},
		{
			name: "status changed", seed: &base, want: updateEnable,
			change:  ptr(with(func(c *secondarydnstest.Config) { c.Status = "Enabled" })),
			sent:    []string{getReq, statusReq},
			actions: acts("update", "enable"),
			stale:   `update: the zone changed since it was planned: the status is "Enabled", not "Disabled"`,
		},
		{
			name: "enabled before a planned delete", seed: &base, want: secondarydns.Desired{Absent: true},
			change:  ptr(with(func(c *secondarydnstest.Config) { c.Status = "Enabled" })),
			sent:    []string{getReq, statusReq},
			actions: acts("delete"),
			stale:   `delete: the zone changed since it was planned: the status is "Enabled", not "Disabled"`,
		},
		{
			name: "name, peers and status changed", seed: &base, want: updateEnable,
			change: ptr(secondarydnstest.Config{Name: "other.example.", Peers: []string{peerA, peerB}, Status: "Pending"}),
			sent:   []string{getReq, statusReq}, actions: acts("update", "enable"),
			stale: `update: the zone changed since it was planned: the name is "other.example.", not "example.com."; ` +
				`the peers differ (extra "` + peerB + `"); the status is "Pending", not "Disabled"`,
		},
		{
			name: "created meanwhile", want: updateEnable,
			change:  ptr(with(func(c *secondarydnstest.Config) { c.Name = "theirs.example." })),
			sent:    []string{getReq},
			actions: acts("create", "enable"),
			stale:   `create: the zone changed since it was planned: it has a configuration now (name "theirs.example.")`,
		},
		{
			name: "deleted meanwhile", seed: &base, want: updateEnable,
			sent:    []string{getReq},
			actions: acts("update", "enable"),
			stale:   `update: the zone changed since it was planned: its configuration is gone`,
		},
		{
			// Absent is reached, but not by this plan: what it would
			// have deleted is not what it read.
			name: "deleted meanwhile, delete planned", seed: &base, want: secondarydns.Desired{Absent: true},
			sent:    []string{getReq},
			actions: acts("delete"),
			stale:   `delete: the zone changed since it was planned: its configuration is gone`,
		},
		{
			name: "after a done create, the name changed", want: updateEnable,
			done:    &secondarydnstest.Config{Name: zoneName, Peers: []string{peerA, peerB}},
			change:  &secondarydnstest.Config{Name: "theirs.example.", Peers: []string{peerA, peerB}},
			sent:    []string{getReq},
			actions: acts("create", "enable"),
			stale:   `enable: the zone changed since it was planned: the name is "theirs.example.", not "example.com."`,
			doneOut: acts("create"),
		},
		{
			name: "after a done create, unchanged", want: updateEnable,
			done:    &secondarydnstest.Config{Name: "EXAMPLE.com", Peers: []string{peerB, peerA}},
			sent:    []string{getReq, enableReq},
			actions: acts("create", "enable"),
			doneOut: acts("create", "enable"),
		},
		{
			name: "only what the comparison ignores changed", seed: &base, want: updateEnable,
			change: &secondarydnstest.Config{Name: "EXAMPLE.COM", Peers: []string{peerA, peerA}, Status: "Disabled", SOASerial: 99,
				LastTransferredTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
			sent:    []string{getReq, statusReq, updateReq, enableReq},
			actions: acts("update", "enable"),
			doneOut: acts("update", "enable"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv, c := fake(t)
			if tt.seed != nil {
				srv.Seed(testZone, *tt.seed)
			}
			p, err := c.Outgoing.Plan(ctx, testZone, tt.want)
			require.NoError(t, err)
			require.Equal(t, tt.actions, p.Actions)
			if tt.done != nil {
				srv.Seed(testZone, *tt.done)
				p.Done = p.Actions[:1]
			}
			switch {
			case tt.change != nil:
				srv.Seed(testZone, *tt.change)
			case tt.done == nil:
				deleteZone(srv)
			}
			before, existed := srv.Config(testZone)
			srv.ResetRequests()

			got, err := c.Outgoing.Execute(ctx, p)
			assert.Equal(t, tt.sent, seen(t, srv, testZone), "Execute's requests")
			require.NotNil(t, got)
			assert.Equal(t, tt.actions, got.Actions)
			if tt.stale == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.doneOut, got.Done)
				return
			}
			require.ErrorIs(t, err, secondarydns.ErrStale)
			assert.Equal(t, "secondarydns: zone "+testZone+": "+tt.stale, err.Error())
			assert.Equal(t, tt.doneOut, got.Done)
			assert.Empty(t, bodiesOf(srv, http.MethodPut), "an update was sent")
			after, exists := srv.Config(testZone)
			assert.Equal(t, existed, exists, "the zone was written to")
			assert.Equal(t, before, after, "the zone was written to")
		})
	}
}

// TestExecuteNothingLeftSendsNothing: a plan in sync, or one whose actions
// are all done, needs no check.
func TestExecuteNothingLeftSendsNothing(t *testing.T) {
	srv, c := fake(t)
	want := secondarydns.Desired{Name: zoneName}
	for _, p := range []*secondarydns.Plan{
		{ZoneID: testZone, Want: want},
		{ZoneID: testZone, Want: want, Actions: acts("create"), Done: acts("create")},
	} {
		got, err := c.Outgoing.Execute(context.Background(), p)
		require.NoError(t, err)
		assert.Equal(t, p.Done, got.Done)
	}
	assert.Empty(t, srv.Requests())
}

// TestExecuteCheckReadFails: a check that cannot read the zone writes
// nothing and names the action it was about to take.
func TestExecuteCheckReadFails(t *testing.T) {
	srv, c := fake(t)
	srv.Seed(testZone, secondarydnstest.Config{Name: "old.example."})
	p, err := c.Outgoing.Plan(context.Background(), testZone, secondarydns.Desired{Name: zoneName})
	require.NoError(t, err)
	srv.ResetRequests()
	srv.Fail(secondarydnstest.Fault{Zone: testZone, Action: "get", Status: http.StatusForbidden})
	got, err := c.Outgoing.Execute(context.Background(), p)
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	assert.NotErrorIs(t, err, secondarydns.ErrStale)
	assert.Contains(t, err.Error(), "secondarydns: zone "+testZone+": update: the check before writing failed: GET ")
	assert.Equal(t, []string{getReq}, seen(t, srv, testZone))
	assert.Empty(t, got.Done)
}

func ptr[T any](v T) *T { return &v }

// bodiesOf lists the bodies of the requests with this method.
func bodiesOf(srv *secondarydnstest.Server, method string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == method {
			out = append(out, r.Body)
		}
	}
	return out
}

// unknownIDBody is Cloudflare's answer for a zone ID that routes nowhere: a
// 404 with codes 7003 and 7000, which is not "no configuration".
const unknownIDBody = `{"success":false,"errors":[{"code":7003,"message":"Could not route to /zones/` + testZone +
	`/secondary_dns/outgoing, perhaps your object identifier is invalid?"},{"code":7000,"message":"No route for that URI"}],"messages":[],"result":null}`

// unknownID makes the next request of this action answer as for a wrong
// zone ID.
func unknownID(srv *secondarydnstest.Server, action string) {
	srv.Fail(secondarydnstest.Fault{Zone: testZone, Action: action, Status: http.StatusNotFound, Body: unknownIDBody})
}

// TestUnknownZoneID: a 404 with code 7003/7000 says the zone ID is wrong. No
// read takes it for "no configuration" and no write takes it for "done":
// an absent zone with a mistyped ID is an error, never in sync.
func TestUnknownZoneID(t *testing.T) {
	ctx := context.Background()
	absent := secondarydns.Desired{Absent: true}

	t.Run("Plan, Apply and a dry run of an absent zone", func(t *testing.T) {
		srv, c := fake(t)
		unknownID(srv, "get")
		p, err := c.Outgoing.Plan(ctx, testZone, absent)
		assert.Nil(t, p)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		require.ErrorIs(t, err, secondarydns.ErrNotFound)
		assert.Contains(t, err.Error(), "secondarydns: zone "+testZone+": plan: GET /client/v4/zones/"+testZone+"/secondary_dns/outgoing: 404 Not Found: [7003] Could not route")
		assert.Equal(t, []string{getReq}, seen(t, srv, testZone))

		unknownID(srv, "get")
		p, err = c.Outgoing.Apply(ctx, testZone, absent)
		assert.Nil(t, p)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)

		unknownID(srv, "get")
		res, err := c.Outgoing.ApplyAll(ctx, map[string]secondarydns.Desired{testZone: absent}, secondarydns.FleetOptions{DryRun: true})
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		assert.Nil(t, res[0].Plan)
		assert.Equal(t, []string{getReq, getReq, getReq}, seen(t, srv, testZone))
		assert.Empty(t, srv.PendingFaults())
	})

	t.Run("Plan: the status read", func(t *testing.T) {
		srv, c := fake(t)
		srv.Seed(testZone, secondarydnstest.Config{Name: zoneName, Status: "Enabled"})
		unknownID(srv, "status")
		p, err := c.Outgoing.Plan(ctx, testZone, absent)
		assert.Nil(t, p, "planned as for no configuration")
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		assert.Contains(t, err.Error(), "zone "+testZone+": plan: GET /client/v4/zones/"+testZone+"/secondary_dns/outgoing/status: 404")
		assert.Equal(t, []string{getReq, statusReq}, seen(t, srv, testZone))
	})

	t.Run("Execute: a delete answered so is stale, not done", func(t *testing.T) {
		srv, c := fake(t)
		srv.Seed(testZone, secondarydnstest.Config{Name: zoneName, Status: "Enabled"})
		p, err := c.Outgoing.Plan(ctx, testZone, absent)
		require.NoError(t, err)
		require.Equal(t, acts("disable", "delete"), p.Actions)
		srv.ResetRequests()
		unknownID(srv, "delete")
		got, err := c.Outgoing.Execute(ctx, p)
		require.ErrorIs(t, err, secondarydns.ErrStale)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		var apiErr *secondarydns.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
		assert.Contains(t, err.Error(), "secondarydns: zone "+testZone+": delete: the zone changed since it was planned: DELETE ")
		assert.Equal(t, acts("disable"), got.Done)
		assert.Equal(t, []string{getReq, statusReq, disableReq, deleteReq}, seen(t, srv, testZone))
	})

	t.Run("Execute: the check's read", func(t *testing.T) {
		srv, c := fake(t)
		srv.Seed(testZone, secondarydnstest.Config{Name: "old.example."})
		p, err := c.Outgoing.Plan(ctx, testZone, secondarydns.Desired{Name: zoneName})
		require.NoError(t, err)
		srv.ResetRequests()
		unknownID(srv, "get")
		got, err := c.Outgoing.Execute(ctx, p)
		require.ErrorIs(t, err, secondarydns.ErrStale)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		assert.Contains(t, err.Error(), "secondarydns: zone "+testZone+": update: the zone changed since it was planned: GET ")
		assert.Empty(t, got.Done)
		assert.Equal(t, []string{getReq}, seen(t, srv, testZone))
	})

	t.Run("Execute: an update answered so", func(t *testing.T) {
		srv, c := fake(t)
		srv.Seed(testZone, secondarydnstest.Config{Name: "old.example."})
		p, err := c.Outgoing.Plan(ctx, testZone, secondarydns.Desired{Name: zoneName})
		require.NoError(t, err)
		srv.ResetRequests()
		unknownID(srv, "update")
		got, err := c.Outgoing.Execute(ctx, p)
		require.ErrorIs(t, err, secondarydns.ErrStale)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		assert.Empty(t, got.Done)
		assert.Equal(t, []string{getReq, updateReq}, seen(t, srv, testZone))
	})

	t.Run("Execute: a create's settling read answered so is stale, not sent again", func(t *testing.T) {
		h := &hook{}
		srv, c := hooked(t, h)
		p, err := c.Outgoing.Plan(ctx, testZone, secondarydns.Desired{Name: zoneName})
		require.NoError(t, err)
		srv.ResetRequests()
		srv.Fail(secondarydnstest.Fault{Zone: testZone, Action: "create", Status: http.StatusBadGateway})
		gets := 0
		h.before = func(_ int, r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet {
				if gets++; gets == 2 { // the settling read; the first is the check
					return answer(r, http.StatusNotFound, unknownIDBody), nil
				}
			}
			return nil, nil
		}
		got, err := c.Outgoing.Execute(ctx, p)
		require.ErrorIs(t, err, secondarydns.ErrStale)
		require.ErrorIs(t, err, secondarydns.ErrUnknownID)
		require.ErrorIs(t, err, secondarydns.ErrServerError, "the create's answer is kept")
		assert.Empty(t, got.Done)
		// The settling read was answered by the hook: the fake saw the
		// check and the one create.
		assert.Equal(t, []string{getReq, createReq}, seen(t, srv, testZone))
		assert.Equal(t, 2, gets, "the check and the settling read, no more")
	})
}

// TestAbsentUnknownStatus: the status is an open set. An absent zone whose
// status is anything but Disabled (a value the SDK does not know included)
// may be serving transfers, so it is disabled before it is deleted; only
// Disabled goes straight to the delete. Execute's check compares the
// unknown status exactly.
func TestAbsentUnknownStatus(t *testing.T) {
	for _, status := range []string{"Pending", "Unknown-foo", "enabled", "Enabled", "Disabled"} {
		t.Run(status, func(t *testing.T) {
			ctx := context.Background()
			wantActions, wantWrites := acts("disable", "delete"), []string{disableReq, deleteReq}
			if status == "Disabled" {
				wantActions, wantWrites = acts("delete"), []string{deleteReq}
			}
			srv, c := fake(t)
			srv.Seed(testZone, secondarydnstest.Config{Name: zoneName, Peers: []string{peerA}, Status: status})
			p, err := c.Outgoing.Plan(ctx, testZone, secondarydns.Desired{Absent: true})
			require.NoError(t, err)
			assert.Equal(t, secondarydns.TransferStatus(status), p.Status)
			assert.Equal(t, wantActions, p.Actions)
			srv.ResetRequests()
			got, err := c.Outgoing.Execute(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, wantActions, got.Done)
			assert.Equal(t, append([]string{getReq, statusReq}, wantWrites...), seen(t, srv, testZone))
			_, ok := srv.Config(testZone)
			assert.False(t, ok, "the zone keeps a configuration")

			srv, c = fake(t)
			srv.Seed(testZone, secondarydnstest.Config{Name: zoneName, Status: status})
			applied, err := c.Outgoing.Apply(ctx, testZone, secondarydns.Desired{Absent: true})
			require.NoError(t, err)
			assert.Equal(t, wantActions, applied.Done)
			assert.Equal(t, append([]string{getReq, statusReq}, wantWrites...), seen(t, srv, testZone))
		})
	}
}

// TestExecuteResumesAReplannedPlan: Apply's plan after a race holds the
// actions done before the fresh reads in front of the fresh ones. Resuming
// it with Execute, the check applies only the actions done after those
// reads: the update done before the zone vanished is not expected again.
func TestExecuteResumesAReplannedPlan(t *testing.T) {
	h := &hook{}
	srv, c := hooked(t, h)
	srv.Seed(testZone, secondarydnstest.Config{Name: "old.example.", Status: "Enabled"})
	var once sync.Once
	h.before = func(_ int, r *http.Request) (*http.Response, error) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/disable"):
			once.Do(func() { deleteZone(srv) }) // after the update, the zone vanishes
		case r.Method == http.MethodPost:
			return answer(r, http.StatusForbidden, errEnvelope(10000, "not allowed")), nil
		}
		return nil, nil
	}
	want := secondarydns.Desired{Name: zoneName, Status: secondarydns.StatusDisabled}
	p, err := c.Outgoing.Apply(context.Background(), testZone, want)
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	require.Equal(t, acts("update", "create"), p.Actions)
	require.Equal(t, acts("update"), p.Done)
	require.Nil(t, p.Current, "the fresh plan read no configuration")
	assert.Equal(t, []string{getReq, statusReq, updateReq, disableReq, getReq}, seen(t, srv, testZone))

	srv.ResetRequests()
	h.before = nil
	got, err := c.Outgoing.Execute(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, acts("update", "create"), got.Done)
	assert.Equal(t, []string{getReq, createReq}, seen(t, srv, testZone))
	cfg, _ := srv.Config(testZone)
	assert.Equal(t, zoneName, cfg.Name)
}

// TestStrictZonesMistypedID: against a fake that knows its zones, an absent
// entry with a mistyped zone ID fails to plan (in a fleet too), while a
// known zone without a configuration is in sync.
func TestStrictZonesMistypedID(t *testing.T) {
	srv := secondarydnstest.NewServer(secondarydnstest.WithStrictZones())
	t.Cleanup(srv.Close)
	c, err := srv.Client(secondarydns.WithMaxRetries(0))
	require.NoError(t, err)
	known, mistyped := secondarydnstest.ZoneID(1), secondarydnstest.ZoneID(2)
	srv.AddZone(secondarydns.Zone{ID: known, Name: "example.com"})
	zones := map[string]secondarydns.Desired{known: {Absent: true}, mistyped: {Absent: true}}
	res, err := c.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{DryRun: true})
	require.ErrorIs(t, err, secondarydns.ErrUnknownID)
	assert.Contains(t, err.Error(), "1 of 2 zones failed; the first: zone "+mistyped+": plan: GET ")
	require.NoError(t, res[0].Err)
	assert.True(t, res[0].Plan.InSync())
	require.ErrorIs(t, res[1].Err, secondarydns.ErrUnknownID)
	assert.Nil(t, res[1].Plan)
	assert.Len(t, srv.Requests(), 2)
}
