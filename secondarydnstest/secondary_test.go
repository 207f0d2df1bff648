package secondarydnstest_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

func newSecondary(t *testing.T) *secondarydnstest.Secondary {
	t.Helper()
	s := secondarydnstest.NewSecondary()
	t.Cleanup(s.Close)
	return s
}

// exchange sends msg to the secondary over UDP, or TCP, and returns the
// answer.
func exchange(t *testing.T, network string, to netip.AddrPort, m dnsmessage.Message) dnsmessage.Message {
	t.Helper()
	msg, err := m.Pack()
	require.NoError(t, err)
	c, err := net.Dial(network, to.String())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	buf := make([]byte, 65535)
	var n int
	if network == "tcp" {
		_, err = c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...))
		require.NoError(t, err)
		_, err = io.ReadFull(c, buf[:2])
		require.NoError(t, err)
		n = int(binary.BigEndian.Uint16(buf))
		_, err = io.ReadFull(c, buf[:n])
	} else {
		_, err = c.Write(msg)
		require.NoError(t, err)
		n, err = c.Read(buf)
	}
	require.NoError(t, err)
	var a dnsmessage.Message
	require.NoError(t, a.Unpack(buf[:n]))
	return a
}

func question(t *testing.T, id uint16, opcode int, name string, typ dnsmessage.Type) dnsmessage.Message {
	t.Helper()
	n, err := dnsmessage.NewName(name)
	require.NoError(t, err)
	return dnsmessage.Message{
		Header:    dnsmessage.Header{ID: id, OpCode: dnsmessage.OpCode(opcode), RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: n, Type: typ, Class: dnsmessage.ClassINET}},
	}
}

func TestSecondaryAnswers(t *testing.T) {
	sec := newSecondary(t)
	assert.True(t, sec.Addr.Addr().IsLoopback())
	sec.Serve("Example.COM", 2026120401)
	sec.Serve("refused.example.", 1)
	sec.Refuse("refused.example")

	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			a := exchange(t, network, sec.Addr, question(t, 0xbeef, 0, "example.com.", dnsmessage.TypeSOA))
			assert.Equal(t, uint16(0xbeef), a.ID)
			assert.True(t, a.Response)
			assert.True(t, a.Authoritative)
			assert.True(t, a.RecursionDesired, "RD is copied")
			assert.False(t, a.RecursionAvailable)
			assert.Equal(t, dnsmessage.RCodeSuccess, a.RCode)
			require.Len(t, a.Questions, 1)
			assert.Equal(t, "example.com.", a.Questions[0].Name.String())
			require.Len(t, a.Answers, 1)
			soa := a.Answers[0].Body.(*dnsmessage.SOAResource)
			assert.Equal(t, "example.com.", a.Answers[0].Header.Name.String())
			assert.Equal(t, uint32(2026120401), soa.Serial)
			assert.Equal(t, "ns1.example.com.", soa.NS.String())

			// Another type at the apex: NODATA, the SOA in the authority
			// section.
			a = exchange(t, network, sec.Addr, question(t, 2, 0, "EXAMPLE.com.", dnsmessage.TypeA))
			assert.True(t, a.Authoritative)
			assert.Equal(t, dnsmessage.RCodeSuccess, a.RCode)
			assert.Empty(t, a.Answers)
			require.Len(t, a.Authorities, 1)

			for _, zone := range []string{"refused.example.", "unknown.example."} {
				a = exchange(t, network, sec.Addr, question(t, 3, 0, zone, dnsmessage.TypeSOA))
				assert.Equal(t, dnsmessage.RCodeRefused, a.RCode, zone)
				assert.False(t, a.Authoritative)
				assert.Empty(t, a.Answers)
			}

			a = exchange(t, network, sec.Addr, question(t, 4, 2, "example.com.", dnsmessage.TypeSOA))
			assert.Equal(t, dnsmessage.RCodeNotImplemented, a.RCode, "STATUS opcode")
		})
	}

	serial, ok := sec.Serial("example.com")
	assert.True(t, ok)
	assert.Equal(t, uint32(2026120401), serial)
	_, ok = sec.Serial("refused.example.")
	assert.False(t, ok)
	_, ok = sec.Serial("unknown.example.")
	assert.False(t, ok)

	sec.Serve("refused.example.", 5) // Serve undoes Refuse
	serial, ok = sec.Serial("refused.example.")
	assert.True(t, ok)
	assert.Equal(t, uint32(5), serial)
}

func TestSecondaryTCPConnectionCarriesSeveralQueries(t *testing.T) {
	sec := newSecondary(t)
	sec.Serve("example.com.", 1)
	c, err := net.Dial("tcp", sec.Addr.String())
	require.NoError(t, err)
	defer c.Close()
	for i := range 3 {
		q := question(t, uint16(i), 0, "example.com.", dnsmessage.TypeSOA)
		msg, err := q.Pack()
		require.NoError(t, err)
		_, err = c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...))
		require.NoError(t, err)
		var l [2]byte
		_, err = io.ReadFull(c, l[:])
		require.NoError(t, err)
		buf := make([]byte, binary.BigEndian.Uint16(l[:]))
		_, err = io.ReadFull(c, buf)
		require.NoError(t, err)
		var a dnsmessage.Message
		require.NoError(t, a.Unpack(buf))
		assert.Equal(t, uint16(i), a.ID)
	}
}

// TestSecondaryBoundsConnections: at most MaxSecondaryConns TCP
// connections are served at once; one more is closed at once, and a slot
// freed serves a new one.
func TestSecondaryBoundsConnections(t *testing.T) {
	sec := newSecondary(t)
	sec.Serve("example.com.", 1)
	ask := func(c net.Conn) error {
		q := question(t, 1, 0, "example.com.", dnsmessage.TypeSOA)
		msg, err := q.Pack()
		require.NoError(t, err)
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...)); err != nil {
			return err
		}
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return err
		}
		_, err = io.ReadFull(c, make([]byte, binary.BigEndian.Uint16(l[:])))
		return err
	}
	dial := func() net.Conn {
		c, err := net.Dial("tcp", sec.Addr.String())
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	var open []net.Conn
	for range secondarydnstest.MaxSecondaryConns {
		c := dial()
		require.NoError(t, ask(c)) // served, so counted before the next
		open = append(open, c)
	}
	require.Error(t, ask(dial()), "one connection over the bound is closed")
	require.NoError(t, ask(open[0]), "those served go on")

	require.NoError(t, open[len(open)-1].Close())
	require.Eventually(t, func() bool { return ask(dial()) == nil }, 5*time.Second, 20*time.Millisecond, "a freed slot serves a new connection")
}

func TestSecondaryCloseEndsConnections(t *testing.T) {
	sec := secondarydnstest.NewSecondary()
	c, err := net.Dial("tcp", sec.Addr.String())
	require.NoError(t, err)
	defer c.Close()
	done := make(chan struct{})
	go func() { sec.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waits for an idle TCP connection")
	}
	sec.Close() // twice is fine
	_, err = (&verify.Querier{Timeout: 50 * time.Millisecond, Tries: 1}).SOA(t.Context(), "example.com.", sec.Addr)
	require.ErrorIs(t, err, verify.ErrUnreachable)
}

func TestSecondaryRefusesNotifyUnlessFollowing(t *testing.T) {
	sec := newSecondary(t)
	a := exchange(t, "udp", sec.Addr, question(t, 7, 4, "example.com.", dnsmessage.TypeSOA))
	assert.Equal(t, dnsmessage.RCodeRefused, a.RCode)
	assert.Equal(t, dnsmessage.OpCode(4), a.OpCode)
	_, ok := sec.Serial("example.com.")
	assert.False(t, ok)
}

// addPeer creates a peer of the default account through the API and returns
// its ID.
func addPeer(t *testing.T, srv *secondarydnstest.Server, name string, addr netip.AddrPort) string {
	t.Helper()
	body := fmt.Sprintf(`{"name":%q}`, name)
	if addr.IsValid() {
		body = fmt.Sprintf(`{"name":%q,"ip":%q,"port":%d}`, name, addr.Addr(), addr.Port())
	}
	r := send(t, srv, "POST", "/accounts/"+secondarydnstest.DefaultAccountID+"/secondary_dns/peers", body)
	require.Equal(t, 200, r.Status, r.Raw)
	var p secondarydns.Peer
	require.NoError(t, json.Unmarshal(r.Env.Result, &p))
	return p.ID
}

func TestNotifyEndToEnd(t *testing.T) {
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	a, b, refusing := newSecondary(t), newSecondary(t), newSecondary(t)
	a.Follow(srv)
	b.Follow(srv)
	refusing.Follow(srv)
	refusing.Refuse("example.com.")
	ids := []string{
		addPeer(t, srv, "a", a.Addr),
		addPeer(t, srv, "b", b.Addr),
		addPeer(t, srv, "refusing", refusing.Addr),
		addPeer(t, srv, "no-ip", netip.AddrPort{}),
	}
	c, err := srv.Client()
	require.NoError(t, err)
	zoneID := secondarydnstest.ZoneID(1)
	ctx := t.Context()
	o, err := c.Outgoing.Create(ctx, zoneID, secondarydns.OutgoingParams{Name: "example.com.", Peers: ids})
	require.NoError(t, err)
	start := o.SOASerial
	require.NotZero(t, start)

	check := func() verify.ZoneResult {
		t.Helper()
		o, err := c.Outgoing.Get(ctx, zoneID)
		require.NoError(t, err)
		z := verify.Zone{Name: o.Name, Serial: o.SOASerial, Targets: []verify.Target{
			{Name: "a", Addr: a.Addr}, {Name: "b", Addr: b.Addr}, {Name: "refusing", Addr: refusing.Addr},
		}}
		res, err := (&verify.Checker{Querier: &verify.Querier{Timeout: time.Second}}).Check(ctx, []verify.Zone{z})
		require.NoError(t, err)
		return res[0]
	}
	states := func(r verify.ZoneResult) []verify.State {
		var s []verify.State
		for _, t := range r.Targets {
			s = append(s, t.State)
		}
		return s
	}

	// Created, not enabled: nobody has the zone yet.
	assert.Equal(t, []verify.State{verify.NotServing, verify.NotServing, verify.NotServing}, states(check()))

	// Enable sends NOTIFY; the followers transfer before Enable returns.
	_, err = c.Outgoing.Enable(ctx, zoneID)
	require.NoError(t, err)
	assert.Equal(t, []verify.State{verify.InSync, verify.InSync, verify.NotServing}, states(check()))
	serial, _ := a.Serial("example.com.")
	assert.Equal(t, start, serial)

	// The records change: Cloudflare's serial moves on, nobody is told.
	bumped := srv.BumpSerial(zoneID)
	assert.Equal(t, start+1, bumped)
	assert.Equal(t, []verify.State{verify.Behind, verify.Behind, verify.NotServing}, states(check()))

	// ForceNotify: in sync again.
	_, err = c.Outgoing.ForceNotify(ctx, zoneID)
	require.NoError(t, err)
	r := check()
	assert.Equal(t, []verify.State{verify.InSync, verify.InSync, verify.NotServing}, states(r))
	assert.Equal(t, bumped, r.Targets[0].Serial)

	// With transfers disabled a NOTIFY still goes out, but no transfer
	// follows it, as Cloudflare refuses one.
	_, err = c.Outgoing.Disable(ctx, zoneID)
	require.NoError(t, err)
	srv.BumpSerial(zoneID)
	_, err = c.Outgoing.ForceNotify(ctx, zoneID)
	require.NoError(t, err)
	assert.Equal(t, []verify.State{verify.Behind, verify.Behind, verify.NotServing}, states(check()))

	// A faulted ForceNotify never reached Cloudflare: no NOTIFY.
	_, err = c.Outgoing.Enable(ctx, zoneID)
	require.NoError(t, err)
	srv.BumpSerial(zoneID)
	srv.Fail(secondarydnstest.Fault{Zone: zoneID, Action: "force_notify", Status: 400})
	_, err = c.Outgoing.ForceNotify(ctx, zoneID)
	require.Error(t, err)
	assert.Equal(t, []verify.State{verify.Behind, verify.Behind, verify.NotServing}, states(check()))

	// A secondary that stops following keeps what it had.
	b.Follow(nil)
	_, err = c.Outgoing.ForceNotify(ctx, zoneID)
	require.NoError(t, err)
	assert.Equal(t, []verify.State{verify.InSync, verify.Behind, verify.NotServing}, states(check()))
}

func TestNotifyOnlyToTheZonesPeers(t *testing.T) {
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	in, out := newSecondary(t), newSecondary(t)
	in.Follow(srv)
	out.Follow(srv)
	inID := addPeer(t, srv, "in", in.Addr)
	addPeer(t, srv, "out", out.Addr) // a peer of the account, not of the zone
	zoneID := secondarydnstest.ZoneID(2)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.org.", Peers: []string{inID}, Status: "Enabled", SOASerial: 77})
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.Outgoing.ForceNotify(t.Context(), zoneID)
	require.NoError(t, err)
	serial, ok := in.Serial("EXAMPLE.org")
	assert.True(t, ok)
	assert.Equal(t, uint32(77), serial)
	_, ok = out.Serial("example.org.")
	assert.False(t, ok, "a peer not linked to the zone got a NOTIFY")
}

// NOTIFY goes to the peers of the zone's own account: a zone of another
// account (AddZone) names that account's peers, which the default account
// does not have.
func TestNotifyToThePeersOfTheZonesAccount(t *testing.T) {
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	sec := newSecondary(t)
	sec.Follow(srv)
	const other = "0123456789abcdef0123456789abcdef"
	zoneID := secondarydnstest.ZoneID(4)
	srv.AddZone(secondarydns.Zone{ID: zoneID, Name: "example.info", Account: secondarydns.ZoneAccount{ID: other}})
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := t.Context()
	p, err := c.Peers.Create(ctx, other, secondarydns.PeerParams{Name: "sec", IP: sec.Addr.Addr().String(), Port: int(sec.Addr.Port())})
	require.NoError(t, err)
	o, err := c.Outgoing.Create(ctx, zoneID, secondarydns.OutgoingParams{Name: "example.info.", Peers: []string{p.ID}})
	require.NoError(t, err)
	_, err = c.Outgoing.Enable(ctx, zoneID)
	require.NoError(t, err)
	serial, ok := sec.Serial("example.info.")
	assert.True(t, ok, "the peer of the zone's account got no NOTIFY")
	assert.Equal(t, o.SOASerial, serial)
}

func TestNotifyToNobodyListening(t *testing.T) {
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	dead := c.LocalAddr().(*net.UDPAddr).AddrPort()
	require.NoError(t, c.Close())
	ids := []string{
		addPeer(t, srv, "dead", dead),
		addPeer(t, srv, "doc", netip.MustParseAddrPort("192.0.2.53:53")), // not loopback: not waited for
	}
	zoneID := secondarydnstest.ZoneID(3)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.net.", Peers: ids})
	client, err := srv.Client()
	require.NoError(t, err)
	start := time.Now()
	_, err = client.Outgoing.Enable(t.Context(), zoneID)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 900*time.Millisecond, "a refused or distant NOTIFY does not hold the answer up to its timeout")
}

func TestBumpSerial(t *testing.T) {
	srv := newServer(t)
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", SOASerial: 1<<32 - 1})
	assert.Equal(t, uint32(1), srv.BumpSerial(zoneID), "0 is skipped")
	assert.Equal(t, uint32(2), srv.BumpSerial(zoneID))
	cfg, _ := srv.Config(zoneID)
	assert.Equal(t, uint32(2), cfg.SOASerial)

	// Nothing else moves the serial.
	c, err := srv.Client()
	require.NoError(t, err)
	for _, call := range []func() error{
		func() error { _, err := c.Outgoing.Enable(t.Context(), zoneID); return err },
		func() error { _, err := c.Outgoing.ForceNotify(t.Context(), zoneID); return err },
		func() error {
			_, err := c.Outgoing.Update(t.Context(), zoneID, secondarydns.OutgoingParams{Name: "example.com.", Peers: []string{}})
			return err
		},
	} {
		require.NoError(t, call())
	}
	o, err := c.Outgoing.Get(t.Context(), zoneID)
	require.NoError(t, err)
	assert.Equal(t, uint32(2), o.SOASerial)

	assert.Panics(t, func() { srv.BumpSerial(secondarydnstest.ZoneID(9)) })
}

func TestSecondaryAnswersNotifyWhenFollowing(t *testing.T) {
	srv := newServer(t)
	sec := newSecondary(t)
	sec.Follow(srv)
	srv.Seed(secondarydnstest.ZoneID(1), secondarydnstest.Config{Name: "example.com", Status: "Enabled", SOASerial: 31})
	srv.Seed(secondarydnstest.ZoneID(2), secondarydnstest.Config{Name: "disabled.example.", SOASerial: 32})

	n := question(t, 0x4242, 4, "EXAMPLE.com.", dnsmessage.TypeSOA)
	n.Authoritative = true
	a := exchange(t, "udp", sec.Addr, n)
	assert.Equal(t, uint16(0x4242), a.ID)
	assert.True(t, a.Response)
	assert.Equal(t, dnsmessage.OpCode(4), a.OpCode)
	assert.Equal(t, dnsmessage.RCodeSuccess, a.RCode)
	require.Len(t, a.Questions, 1)
	assert.Equal(t, "EXAMPLE.com.", a.Questions[0].Name.String())
	serial, ok := sec.Serial("example.com.")
	assert.True(t, ok)
	assert.Equal(t, uint32(31), serial)

	// Transfers disabled, or a zone the server does not have: a real primary
	// refuses the transfer, so nothing changes.
	for _, zone := range []string{"disabled.example.", "unknown.example."} {
		a = exchange(t, "udp", sec.Addr, question(t, 1, 4, zone, dnsmessage.TypeSOA))
		assert.Equal(t, dnsmessage.RCodeRefused, a.RCode, zone)
		_, ok = sec.Serial(zone)
		assert.False(t, ok, zone)
	}

	// A zone the secondary refuses: the NOTIFY is refused too, although
	// the server transfers the zone, and the zone stays refused.
	srv.Seed(secondarydnstest.ZoneID(3), secondarydnstest.Config{Name: "refused.example.", Status: "Enabled", SOASerial: 33})
	sec.Refuse("refused.example.")
	a = exchange(t, "udp", sec.Addr, question(t, 2, 4, "refused.example.", dnsmessage.TypeSOA))
	assert.Equal(t, dnsmessage.RCodeRefused, a.RCode)
	_, ok = sec.Serial("refused.example.")
	assert.False(t, ok)
}

// The fake's NOTIFY, as a secondary receives it: opcode NOTIFY, AA set, one
// SOA question for the zone, the serial as a hint in the answer section
// (RFC 1996), sent to the peer's port.
func TestNotifyMessage(t *testing.T) {
	srv := newServer(t)
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	got := make(chan dnsmessage.Message, 1)
	go func() {
		buf := make([]byte, 65535)
		n, from, err := l.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		var m dnsmessage.Message
		if m.Unpack(buf[:n]) != nil {
			return
		}
		got <- m
		ack := dnsmessage.Message{Header: dnsmessage.Header{ID: m.ID, Response: true, OpCode: 4}, Questions: m.Questions}
		if b, err := ack.Pack(); err == nil {
			_, _ = l.WriteToUDPAddrPort(b, from)
		}
	}()
	id := addPeer(t, srv, "listener", l.LocalAddr().(*net.UDPAddr).AddrPort())
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "Example.com", Peers: []string{id}, SOASerial: 2026120409})
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.Outgoing.ForceNotify(t.Context(), zoneID)
	require.NoError(t, err)

	var m dnsmessage.Message
	select {
	case m = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no NOTIFY arrived")
	}
	assert.Equal(t, dnsmessage.OpCode(4), m.OpCode)
	assert.False(t, m.Response)
	assert.True(t, m.Authoritative)
	require.Len(t, m.Questions, 1)
	assert.Equal(t, dnsmessage.Question{Name: dnsmessage.MustNewName("example.com."), Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET}, m.Questions[0])
	require.Len(t, m.Answers, 1)
	assert.Equal(t, uint32(2026120409), m.Answers[0].Body.(*dnsmessage.SOAResource).Serial)
}

// TestForceNotifyDisabledTransfersNothing: force_notify of a zone whose
// transfers are disabled answers "OK" and stamps checked_time, but no
// secondary can transfer the zone, so last_transferred_time keeps the last
// real transfer and a following secondary keeps its serial.
func TestForceNotifyDisabledTransfersNothing(t *testing.T) {
	start := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	var hours atomic.Int64 // the fake's clock: start, plus this many hours
	now := func() time.Time { return start.Add(time.Duration(hours.Load()) * time.Hour) }
	srv := secondarydnstest.NewServer(secondarydnstest.WithClock(now))
	t.Cleanup(srv.Close)
	sec := newSecondary(t)
	sec.Follow(srv)
	zoneID := secondarydnstest.ZoneID(3)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.net.", Peers: []string{addPeer(t, srv, "s", sec.Addr)}, Status: "Enabled", SOASerial: 10})
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := t.Context()

	// Enabled: the NOTIFY is followed by a transfer.
	transferred := now()
	_, err = c.Outgoing.ForceNotify(ctx, zoneID)
	require.NoError(t, err)
	o, err := c.Outgoing.Get(ctx, zoneID)
	require.NoError(t, err)
	assert.True(t, o.LastTransferredTime.Equal(transferred), "%v", o.LastTransferredTime)
	serial, _ := sec.Serial("example.net.")
	assert.Equal(t, uint32(10), serial)

	// Disabled: "OK", but nothing is transferred.
	_, err = c.Outgoing.Disable(ctx, zoneID)
	require.NoError(t, err)
	srv.BumpSerial(zoneID)
	hours.Add(1)
	ok, err := c.Outgoing.ForceNotify(ctx, zoneID)
	require.NoError(t, err)
	assert.Equal(t, "OK", ok)
	o, err = c.Outgoing.Get(ctx, zoneID)
	require.NoError(t, err)
	assert.True(t, o.LastTransferredTime.Equal(transferred), "last_transferred_time is the last real transfer, not %v", o.LastTransferredTime)
	assert.True(t, o.CheckedTime.Equal(now()), "%v", o.CheckedTime)
	serial, _ = sec.Serial("example.net.")
	assert.Equal(t, uint32(10), serial, "the secondary did not take serial 11")
}
