package verify

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"
)

// badServer is a hand-written DNS server for tests of the client: each
// query over UDP goes to udp, which says what to send back (possibly
// several messages, possibly from another socket, possibly nothing), and
// each query over TCP to tcp.
type badServer struct {
	t    *testing.T
	Addr netip.AddrPort

	udp   *net.UDPConn
	other *net.UDPConn // a second socket, for answers from the wrong source
	tcpL  *net.TCPListener

	onUDP func(q dnsmessage.Message, n int) []send // n counts UDP queries from 1
	onTCP func(q dnsmessage.Message) []byte        // nil: no answer, close

	udpQueries atomic.Int64
	tcpQueries atomic.Int64
	mu         sync.Mutex
	seen       []dnsmessage.Message // every query, in order of arrival
	wg         sync.WaitGroup
}

// send is one message a badServer sends in answer to a UDP query.
type send struct {
	msg       []byte
	fromOther bool // from another socket than the one asked
}

// newBadServer starts a badServer on 127.0.0.1 (UDP and TCP on one port,
// or UDP only when tcp is false) and stops it when the test ends.
func newBadServer(t *testing.T, tcp bool, onUDP func(q dnsmessage.Message, n int) []send) *badServer {
	t.Helper()
	s := &badServer{t: t, onUDP: onUDP}
	var err error
	for range 20 {
		s.udp, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		if !tcp {
			break
		}
		s.tcpL, err = net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.udp.LocalAddr().(*net.UDPAddr).Port})
		if err == nil {
			break
		}
		_ = s.udp.Close()
	}
	require.NoError(t, err)
	s.other, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	s.Addr = s.udp.LocalAddr().(*net.UDPAddr).AddrPort()
	s.wg.Add(1)
	go s.serveUDP()
	if s.tcpL != nil {
		s.wg.Add(1)
		go s.serveTCP()
	}
	t.Cleanup(func() {
		_ = s.udp.Close()
		_ = s.other.Close()
		if s.tcpL != nil {
			_ = s.tcpL.Close()
		}
		s.wg.Wait()
	})
	return s
}

func (s *badServer) queries() []dnsmessage.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]dnsmessage.Message(nil), s.seen...)
}

func (s *badServer) serveUDP() {
	defer s.wg.Done()
	buf := make([]byte, 65535)
	for {
		n, from, err := s.udp.ReadFromUDPAddrPort(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		var q dnsmessage.Message
		if q.Unpack(buf[:n]) != nil {
			continue
		}
		s.mu.Lock()
		s.seen = append(s.seen, q)
		s.mu.Unlock()
		k := int(s.udpQueries.Add(1))
		for _, out := range s.onUDP(q, k) {
			c := s.udp
			if out.fromOther {
				c = s.other
			}
			_, _ = c.WriteToUDPAddrPort(out.msg, from)
		}
	}
}

func (s *badServer) serveTCP() {
	defer s.wg.Done()
	for {
		c, err := s.tcpL.Accept()
		if err != nil {
			return
		}
		func() {
			defer c.Close()
			var l [2]byte
			if _, err := io.ReadFull(c, l[:]); err != nil {
				return
			}
			buf := make([]byte, binary.BigEndian.Uint16(l[:]))
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			var q dnsmessage.Message
			if q.Unpack(buf) != nil {
				return
			}
			s.mu.Lock()
			s.seen = append(s.seen, q)
			s.mu.Unlock()
			s.tcpQueries.Add(1)
			if s.onTCP == nil {
				return
			}
			msg := s.onTCP(q)
			out := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
			_, _ = c.Write(append(out, msg...))
		}()
	}
}

// reply builds the answer a good server gives to q: authoritative, NOERROR,
// the question echoed and the zone's SOA at serial; edit changes it first.
func reply(t *testing.T, q dnsmessage.Message, serial uint32, edit func(m *dnsmessage.Message)) []byte {
	t.Helper()
	m := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: q.ID, Response: true, Authoritative: true},
		Questions: append([]dnsmessage.Question(nil), q.Questions...), // edit must not change q
	}
	if len(q.Questions) == 1 {
		m.Answers = []dnsmessage.Resource{soaRecord(t, q.Questions[0].Name.String(), serial)}
	}
	if edit != nil {
		edit(&m)
	}
	b, err := m.Pack()
	require.NoError(t, err)
	return b
}

func soaRecord(t *testing.T, owner string, serial uint32) dnsmessage.Resource {
	t.Helper()
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: mustName(t, owner), Class: dnsmessage.ClassINET, TTL: 300},
		Body: &dnsmessage.SOAResource{
			NS: mustName(t, "ns1.example.net."), MBox: mustName(t, "hostmaster.example.net."),
			Serial: serial, Refresh: 1, Retry: 2, Expire: 3, MinTTL: 4,
		},
	}
}

func mustName(t *testing.T, s string) dnsmessage.Name {
	t.Helper()
	n, err := dnsmessage.NewName(s)
	require.NoError(t, err)
	return n
}

// one is the common handler result: a single message from the right socket.
func one(msg []byte) []send { return []send{{msg: msg}} }
