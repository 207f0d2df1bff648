package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"
)

// closedPort returns a loopback UDP address nobody listens on.
func closedPort(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	addr := c.LocalAddr().(*net.UDPAddr).AddrPort()
	require.NoError(t, c.Close())
	return addr
}

func TestCheckStates(t *testing.T) {
	const serial = 2026120405
	inSync, later, behind, refuses := secondarydnstest.NewSecondary(), secondarydnstest.NewSecondary(), secondarydnstest.NewSecondary(), secondarydnstest.NewSecondary()
	undefined := secondarydnstest.NewSecondary()
	for _, s := range []*secondarydnstest.Secondary{inSync, later, behind, refuses, undefined} {
		t.Cleanup(s.Close)
	}
	inSync.Serve("example.com.", serial)
	later.Serve("example.com.", serial+3)
	behind.Serve("example.com.", serial-1)
	refuses.Refuse("example.com.")
	undefined.Serve("example.com.", serial+1<<31)
	silent := newBadServer(t, false, func(dnsmessage.Message, int) []send { return nil })
	dead := closedPort(t)

	zones := []Zone{{
		ID: "z1", Name: "example.com.", Serial: serial,
		Targets: []Target{
			{Name: "in-sync", Addr: inSync.Addr},
			{Name: "later", Addr: later.Addr},
			{Name: "behind", Addr: behind.Addr},
			{Name: "refuses", Addr: refuses.Addr},
			{Name: "silent", Addr: silent.Addr},
			{Name: "dead", Addr: dead},
			{Name: "no-ip"},
			{Name: "undefined", Addr: undefined.Addr},
		},
	}, {
		ID: "z2", Name: "example.com.", Serial: serial,
		Targets: []Target{{Name: "in-sync", Addr: inSync.Addr}, {Name: "no-ip"}},
	}, {ID: "z3", Name: "empty.example."}}

	var calls []string
	c := &Checker{
		// Long enough for a loopback answer on a busy machine; the silent
		// target costs it once, concurrently with the others.
		Querier:  &Querier{Timeout: 500 * time.Millisecond, Tries: 1},
		Progress: func(r ZoneResult) { calls = append(calls, r.Zone.ID) },
	}
	results, err := c.Check(t.Context(), zones)
	require.NoError(t, err)
	require.Len(t, results, 3)
	assert.ElementsMatch(t, []string{"z1", "z2", "z3"}, calls, "Progress once per zone")

	r := results[0]
	assert.Equal(t, zones[0], r.Zone)
	assert.NoError(t, r.Err)
	assert.False(t, r.InSync())
	want := []struct {
		state  State
		serial uint32
		is     error
	}{
		{InSync, serial, nil},
		{InSync, serial + 3, nil},
		{Behind, serial - 1, nil},
		{NotServing, 0, ErrNotServing},
		{Unreachable, 0, ErrNoAnswer},
		{Unreachable, 0, ErrRefused},
		{NoAddress, 0, nil},
		{OrderUndefined, serial + 1<<31, nil},
	}
	require.Len(t, r.Targets, len(want))
	for i, w := range want {
		got := r.Targets[i]
		assert.Equal(t, zones[0].Targets[i], got.Target)
		assert.Equal(t, w.state, got.State, got.Name)
		assert.Equal(t, w.serial, got.Serial, got.Name)
		if w.is != nil {
			assert.ErrorIs(t, got.Err, w.is, got.Name)
		} else {
			assert.NoError(t, got.Err, got.Name)
		}
		if w.state == NoAddress {
			assert.Zero(t, got.RTT)
		} else {
			assert.Positive(t, got.RTT, got.Name)
		}
	}
	assert.True(t, results[1].InSync(), "NoAddress alone does not make a zone out of sync")
	assert.True(t, results[2].InSync())
	assert.Empty(t, results[2].Targets)
	// In sync vacuously: nothing was asked.
	assert.True(t, r.Asked())
	assert.True(t, results[1].Asked(), "one target with an address")
	assert.False(t, results[2].Asked(), "no target")
	assert.False(t, ZoneResult{Targets: []TargetResult{{Target: Target{Name: "no-ip"}, State: NoAddress}}}.Asked(), "only NoAddress targets")
}

// TestCheckZoneWithoutAValidName: a zone whose name DNS cannot carry (none,
// as NewZone makes for a zone without configuration, or a malformed one) is
// not asked about: its Err says why, its targets keep the zero State
// instead of each being called unreachable, and it is not in sync, even
// with no target at all.
func TestCheckZoneWithoutAValidName(t *testing.T) {
	srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send { return one(reply(t, q, 1, nil)) })
	var progressed []string
	c := &Checker{Progress: func(r ZoneResult) { progressed = append(progressed, r.Zone.ID) }}
	zones := []Zone{
		{ID: "none", Serial: 1, Targets: []Target{{Name: "ns", Addr: srv.Addr}}},
		{ID: "malformed", Name: "a..example.", Serial: 1, Targets: []Target{{Name: "ns", Addr: srv.Addr}, {Name: "no-ip"}}},
		{ID: "none, no target"},
		{ID: "good", Name: "example.com.", Serial: 1, Targets: []Target{{Name: "ns", Addr: srv.Addr}}},
	}
	results, err := c.Check(t.Context(), zones)
	require.NoError(t, err)
	for _, r := range results[:3] {
		require.ErrorIs(t, r.Err, secondarydns.ErrInvalidInput, r.Zone.ID)
		assert.ErrorContains(t, r.Err, "invalid zone name", r.Zone.ID)
		assert.False(t, r.InSync(), r.Zone.ID)
		for _, tr := range r.Targets {
			assert.Equal(t, State(""), tr.State, "%s %s: not asked", r.Zone.ID, tr.Name)
		}
	}
	assert.True(t, results[3].InSync())
	assert.EqualValues(t, 1, srv.udpQueries.Load(), "only the good zone was asked about")
	assert.ElementsMatch(t, []string{"none", "malformed", "none, no target", "good"}, progressed, "each zone reported once")
}

// TestCheckTargetWithPortZero: a target whose address has port 0 (no
// NewZone target has one; a caller's own may) is a bad argument, as a zone
// name DNS cannot carry is: the zone gets Err matching
// secondarydns.ErrInvalidInput and naming the target, nothing is asked
// about it, and it is not in sync; it is never called unreachable with an
// error that matches no sentinel.
func TestCheckTargetWithPortZero(t *testing.T) {
	srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send { return one(reply(t, q, 1, nil)) })
	zones := []Zone{
		{ID: "port 0", Name: "example.com.", Serial: 1, Targets: []Target{{Name: "ns", Addr: srv.Addr}, {Name: "zero", Addr: netip.AddrPortFrom(srv.Addr.Addr(), 0)}}},
		{ID: "good", Name: "example.com.", Serial: 1, Targets: []Target{{Name: "ns", Addr: srv.Addr}}},
	}
	results, err := (&Checker{}).Check(t.Context(), zones)
	require.NoError(t, err)
	require.ErrorIs(t, results[0].Err, secondarydns.ErrInvalidInput)
	assert.ErrorContains(t, results[0].Err, `target "zero"`)
	assert.ErrorContains(t, results[0].Err, "port 0")
	assert.False(t, results[0].InSync())
	for _, tr := range results[0].Targets {
		assert.Equal(t, State(""), tr.State, "%s: not asked", tr.Name)
	}
	assert.True(t, results[1].InSync())
	assert.EqualValues(t, 1, srv.udpQueries.Load(), "only the good zone was asked about")
}

// TestCheckValidation: bad arguments are refused with errors matching
// secondarydns.ErrInvalidInput, as the SDK's are.
func TestCheckValidation(t *testing.T) {
	_, err := (&Checker{Concurrency: -1}).Check(t.Context(), nil)
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	//lint:ignore SA1012 a nil context is what is tested
	_, err = (&Checker{}).Check(nil, nil) //nolint:staticcheck
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	var c *Checker
	results, err := c.Check(t.Context(), nil)
	require.NoError(t, err)
	assert.Empty(t, results)
}

// holdingServer answers SOA queries for any zone at serial 1, but holds every
// query until none has arrived for idle, then answers all it holds: the most
// it ever held at once is the client's concurrency as the server sees it.
type holdingServer struct {
	Addr    netip.AddrPort
	maxHeld atomic.Int64
	total   atomic.Int64
}

func newHoldingServer(t *testing.T, idle time.Duration) *holdingServer {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	s := &holdingServer{Addr: c.LocalAddr().(*net.UDPAddr).AddrPort()}
	done := make(chan struct{})
	t.Cleanup(func() { _ = c.Close(); <-done })
	go func() {
		defer close(done)
		type held struct {
			from netip.AddrPort
			msg  []byte
		}
		var pending []held
		buf := make([]byte, 65535)
		for {
			_ = c.SetReadDeadline(time.Now().Add(idle))
			n, from, err := c.ReadFromUDPAddrPort(buf)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				for _, h := range pending {
					_, _ = c.WriteToUDPAddrPort(h.msg, h.from)
				}
				pending = pending[:0]
				continue
			}
			if err != nil {
				return
			}
			var q dnsmessage.Message
			if q.Unpack(buf[:n]) != nil {
				continue
			}
			a := dnsmessage.Message{
				Header:    dnsmessage.Header{ID: q.ID, Response: true, Authoritative: true},
				Questions: q.Questions,
				Answers: []dnsmessage.Resource{{
					Header: dnsmessage.ResourceHeader{Name: q.Questions[0].Name, Class: dnsmessage.ClassINET},
					Body:   &dnsmessage.SOAResource{Serial: 1, NS: q.Questions[0].Name, MBox: q.Questions[0].Name},
				}},
			}
			msg, err := a.Pack()
			if err != nil {
				continue
			}
			pending = append(pending, held{from, msg})
			s.total.Add(1)
			if int64(len(pending)) > s.maxHeld.Load() {
				s.maxHeld.Store(int64(len(pending)))
			}
		}
	}()
	return s
}

func TestCheckConcurrencyBound(t *testing.T) {
	for _, tt := range []struct{ concurrency, want int }{{0, MaxConcurrency}, {1000, MaxConcurrency}, {10, 10}} {
		t.Run(fmt.Sprint(tt.concurrency), func(t *testing.T) {
			// Idle long enough that a busy machine still sends a whole
			// round of queries before the server answers any.
			srv := newHoldingServer(t, 100*time.Millisecond)
			zones := make([]Zone, 100)
			for i := range zones {
				zones[i] = Zone{Name: fmt.Sprintf("z%d.example.", i), Serial: 1,
					Targets: []Target{{Name: "a", Addr: srv.Addr}, {Name: "b", Addr: srv.Addr}}}
			}
			var inProgress, overlaps atomic.Int32
			c := &Checker{
				Querier:     &Querier{Timeout: 10 * time.Second},
				Concurrency: tt.concurrency,
				Progress: func(ZoneResult) {
					if inProgress.Add(1) > 1 {
						overlaps.Add(1)
					}
					time.Sleep(time.Microsecond) // room for an overlap to show
					inProgress.Add(-1)
				},
			}
			results, err := c.Check(t.Context(), zones)
			require.NoError(t, err)
			for _, r := range results {
				assert.True(t, r.InSync())
			}
			assert.EqualValues(t, 200, srv.total.Load(), "one query per target, none repeated")
			assert.EqualValues(t, tt.want, srv.maxHeld.Load(), "queries in flight at the server")
			assert.Zero(t, overlaps.Load(), "Progress ran concurrently")
		})
	}
}

func TestCheckContextEnds(t *testing.T) {
	sec := secondarydnstest.NewSecondary()
	t.Cleanup(sec.Close)
	sec.Serve("fast.example.", 1)
	asked := make(chan struct{}, 100)
	silent := newBadServer(t, false, func(dnsmessage.Message, int) []send {
		asked <- struct{}{}
		return nil
	})
	zones := []Zone{
		{ID: "fast", Name: "fast.example.", Serial: 1, Targets: []Target{{Name: "sec", Addr: sec.Addr}}},
	}
	for i := range 10 {
		zones = append(zones, Zone{ID: fmt.Sprint(i), Name: "slow.example.", Serial: 1,
			Targets: []Target{{Name: "sec", Addr: sec.Addr}, {Name: "silent", Addr: silent.Addr}}})
	}
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	var progressed []string
	fastDone := make(chan struct{})
	c := &Checker{
		Querier:     &Querier{Timeout: 10 * time.Second},
		Concurrency: 2,
		Progress: func(r ZoneResult) {
			mu.Lock()
			progressed = append(progressed, r.Zone.ID)
			mu.Unlock()
			if r.Zone.ID == "fast" {
				close(fastDone)
			}
		},
	}
	// Cancel once the fast zone is done and a query hangs at the silent
	// server.
	go func() { <-asked; <-fastDone; cancel() }()
	start := time.Now()
	results, err := c.Check(ctx, zones)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 5*time.Second, "queries in flight end with the context")
	require.Len(t, results, len(zones))
	assert.Equal(t, []string{"fast"}, progressed, "only finished zones are reported as they finish")
	assert.True(t, results[0].InSync())
	assert.NoError(t, results[0].Err)
	for _, r := range results[1:] {
		require.ErrorIs(t, r.Err, context.Canceled, r.Zone.ID)
		assert.False(t, r.InSync())
		silentT := r.Targets[1]
		assert.Equal(t, State(""), silentT.State, "not asked, or cut short: no state")
		assert.ErrorIs(t, silentT.Err, context.Canceled)
	}
}

func TestNewZone(t *testing.T) {
	transferred := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	o := &secondarydns.Outgoing{
		ID: "z", Name: "example.com.", SOASerial: 2026120401, LastTransferredTime: transferred,
		Peers: []string{"p1", "p2", "p3", "p4", "p5", "gone"},
	}
	peers := []secondarydns.Peer{
		{ID: "p1", Name: "ns1", IP: "192.0.2.53", Port: 5353},
		{ID: "p2", Name: "ns2", IP: "2001:db8::53"},
		{ID: "p3", Name: "hidden"},
		{ID: "p4", IP: "::ffff:192.0.2.1", Port: 53},
		{ID: "p5", Name: "bad", IP: "ns.example.com"},
		{ID: "unused", Name: "unused", IP: "192.0.2.99"},
	}
	extra := Target{Name: "ns.example.net", Addr: netip.MustParseAddrPort("198.51.100.1:53")}
	z := NewZone("z", o, peers, extra)
	assert.Equal(t, Zone{
		ID: "z", Name: "example.com.", Serial: 2026120401, LastTransferred: transferred,
		Targets: []Target{
			{Name: "ns1", Addr: netip.MustParseAddrPort("192.0.2.53:5353")},
			{Name: "ns2", Addr: netip.MustParseAddrPort("[2001:db8::53]:53")},
			{Name: "hidden"},
			{Name: "p4", Addr: netip.MustParseAddrPort("192.0.2.1:53")},
			{Name: "bad"},
			{Name: "gone"},
			extra,
		},
	}, z)

	assert.Equal(t, Zone{ID: "z", Targets: []Target{extra}}, NewZone("z", nil, peers, extra))
}

func TestResolveNS(t *testing.T) {
	for ns, want := range map[string]string{
		"192.0.2.53":              "192.0.2.53:53",
		"192.0.2.53:5353":         "192.0.2.53:5353",
		"2001:db8::53":            "[2001:db8::53]:53",
		"[2001:db8::53]:5353":     "[2001:db8::53]:5353",
		"[2001:db8::53]":          "", // brackets without a port
		"::ffff:192.0.2.1":        "192.0.2.1:53",
		"192.0.2.53:0":            "",
		"192.0.2.53:65536":        "",
		"192.0.2.53:dns":          "",
		":53":                     "",
		"ns.example.com:53/udp":   "",
		"":                        "",
		"two words.example.com.":  "",
		"[2001:db8::53]:53:53":    "",
		"192.0.2.53:53 ":          "",
		"ns.invalid:abc":          "",
		"[192.0.2.53]:53":         "192.0.2.53:53",
		"127.0.0.1:1":             "127.0.0.1:1",
		"[::1]:53":                "[::1]:53",
		"0000:0000::0001":         "[::1]:53",
		"2001:DB8:0:0:0:0:0:53":   "[2001:db8::53]:53",
		"192.0.2.53:00053":        "192.0.2.53:53",
		"192.0.2.53:+53":          "",
		"192.0.2.53:-53":          "",
		"192.0.2.53::53":          "",
		"[2001:db8::53%eth0]:53":  "[2001:db8::53%eth0]:53",
		"fe80::1%eth0":            "[fe80::1%eth0]:53",
		"ns.example.com:53:53":    "",
		"ns.example.com::":        "",
		"[ns.example.com]:53":     "",
		"ns.example.com:":         "",
		"192.0.2.53:53:":          "",
		"[2001:db8::53]:":         "",
		"[2001:db8::53]:99999":    "",
		"[2001:db8::53]:5353 x":   "",
		"192.0.2.53 :53":          "",
		"192.0.2.53/32":           "",
		"192.0.2.0/24:53":         "",
		"[2001:db8::/64]:53":      "",
		"[2001:db8::53]:53/tcp":   "",
		"2001:db8::53/128":        "",
		"[2001:db8::53]/128:53":   "",
		"[fe80::1%25eth0]:53":     "[fe80::1%25eth0]:53",
		"[::ffff:192.0.2.1]:5353": "192.0.2.1:5353",
	} {
		got, err := ResolveNS(t.Context(), nil, ns)
		if want == "" {
			assert.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%q", ns)
			continue
		}
		if assert.NoError(t, err, "%q", ns) && assert.Len(t, got, 1, "%q", ns) {
			assert.Equal(t, want, got[0].Addr.String(), "%q", ns)
			assert.Equal(t, ns, got[0].Name)
		}
	}

	got, err := ResolveNS(t.Context(), nil, "localhost:5353")
	if err != nil {
		t.Skip("no resolver for localhost here:", err)
	}
	require.NotEmpty(t, got)
	for _, tg := range got {
		assert.True(t, tg.Addr.Addr().IsLoopback(), tg.Addr)
		assert.Equal(t, uint16(5353), tg.Addr.Port())
		assert.Equal(t, "localhost:5353", tg.Name)
	}
}
