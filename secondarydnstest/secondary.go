package secondarydnstest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// Secondary is a secondary nameserver for tests of verification: a real DNS
// server on 127.0.0.1, over UDP and TCP on one port, that answers SOA
// queries for the zones it is told to serve. Create it with NewSecondary and
// stop it with Close.
//
// It answers an SOA query for a served zone authoritatively (AA set) with
// the zone's serial, and REFUSED for a zone it refuses or does not know, as
// a nameserver not configured for a zone does. Names compare without ASCII
// case and trailing dot. After Follow it also takes NOTIFY messages from a
// Server, as a real secondary takes a transfer after one.
//
// It is safe for concurrent use.
type Secondary struct {
	// Addr is where it listens, for UDP and TCP alike: give it to
	// verify.Querier.SOA, or as a peer's IP and port to a Server.
	Addr netip.AddrPort

	udp *net.UDPConn
	tcp *net.TCPListener
	wg  sync.WaitGroup

	mu     sync.Mutex
	zones  map[string]secondaryZone // by canonical name
	follow *Server
	conns  map[net.Conn]struct{} // TCP connections open, closed by Close
	closed bool
}

// secondaryZone is what a Secondary knows of one zone.
type secondaryZone struct {
	serial  uint32
	refused bool
}

// NewSecondary starts a Secondary serving no zone. Stop it with Close. It
// panics if it cannot listen, as httptest.NewServer does.
func NewSecondary() *Secondary {
	udp, tcp, err := listenPair()
	if err != nil {
		panic(fmt.Sprintf("secondarydnstest: NewSecondary: %v", err))
	}
	s := &Secondary{
		Addr:  udp.LocalAddr().(*net.UDPAddr).AddrPort(),
		udp:   udp,
		tcp:   tcp,
		zones: make(map[string]secondaryZone),
		conns: make(map[net.Conn]struct{}),
	}
	s.wg.Add(2)
	go s.serveUDP()
	go s.serveTCP()
	return s
}

// listenPair finds a port free for both UDP and TCP on 127.0.0.1: the
// kernel picks the UDP port, and another program may hold its TCP twin, so
// a few ports are tried.
func listenPair() (*net.UDPConn, *net.TCPListener, error) {
	var err error
	for range 20 {
		var udp *net.UDPConn
		udp, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return nil, nil, err
		}
		var tcp *net.TCPListener
		tcp, err = net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: udp.LocalAddr().(*net.UDPAddr).Port})
		if err == nil {
			return udp, tcp, nil
		}
		_ = udp.Close()
	}
	return nil, nil, err
}

// Close stops the Secondary, closing its sockets and TCP connections and
// waiting for its goroutines.
func (s *Secondary) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	_ = s.udp.Close()
	_ = s.tcp.Close()
	s.wg.Wait()
}

// Serve makes the Secondary answer for zone, authoritatively, with an SOA
// record of serial, replacing what it knew of the zone (a refusal
// included).
func (s *Secondary) Serve(zone string, serial uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zones[canonicalName(zone)] = secondaryZone{serial: serial}
}

// Refuse makes the Secondary answer REFUSED for zone, as a nameserver does
// for a zone it is not configured for, and ignore NOTIFY messages for it,
// until Serve is called for it again.
func (s *Secondary) Refuse(zone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zones[canonicalName(zone)] = secondaryZone{refused: true}
}

// Serial returns the serial the Secondary serves for zone, and false if it
// does not serve it (refused or unknown).
func (s *Secondary) Serial(zone string) (uint32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, ok := s.zones[canonicalName(zone)]
	if !ok || z.refused {
		return 0, false
	}
	return z.serial, true
}

// Follow makes the Secondary a follower of srv: on a NOTIFY for a zone it
// answers with a NOTIFY response and takes srv's current serial for the zone
// (the soa_serial of srv's configuration of that name whose transfers are
// enabled), as a real secondary does by transferring the zone. It then
// serves the zone, even one it did not know; a NOTIFY for a zone it refuses
// is answered REFUSED and changes nothing, and so is one for a zone srv does
// not transfer (no configuration of that name, or transfers disabled). A nil
// srv stops following: every NOTIFY is refused.
func (s *Secondary) Follow(srv *Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.follow = srv
}

// canonicalName is the key a zone is kept under: lower case (ASCII, as DNS
// compares), with the trailing dot.
func canonicalName(name string) string {
	name = strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, name)
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

func (s *Secondary) serveUDP() {
	defer s.wg.Done()
	buf := make([]byte, 65535)
	out := make([]byte, 0, 512)
	for {
		n, from, err := s.udp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // e.g. an ICMP error for an earlier answer
		}
		if reply := s.answer(buf[:n], out[:0]); reply != nil {
			_, _ = s.udp.WriteToUDPAddrPort(reply, from)
		}
	}
}

func (s *Secondary) serveTCP() {
	defer s.wg.Done()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = c.Close()
			return
		}
		if len(s.conns) >= MaxSecondaryConns {
			// Busy: closed at once, as a loaded nameserver does, so
			// that connections left open cannot grow the memory of a
			// Secondary that runs for days (secondarydns fake).
			s.mu.Unlock()
			_ = c.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

// serveConn answers length-prefixed queries on one TCP connection until the
// client closes it or stays idle for tcpIdle (RFC 7766 lets a server close
// idle connections).
func (s *Secondary) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		_ = c.Close()
	}()
	buf := make([]byte, 2+65535)
	for {
		_ = c.SetDeadline(time.Now().Add(tcpIdle))
		if _, err := io.ReadFull(c, buf[:2]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(buf))
		if _, err := io.ReadFull(c, buf[:n]); err != nil {
			return
		}
		reply := s.answer(buf[:n], make([]byte, 2, 514))
		if reply == nil {
			continue
		}
		binary.BigEndian.PutUint16(reply, uint16(len(reply)-2))
		if _, err := c.Write(reply); err != nil {
			return
		}
	}
}

const tcpIdle = 10 * time.Second

// MaxSecondaryConns is how many TCP connections a Secondary serves at once;
// one more is closed as soon as it is accepted. Each holds a 64 KiB buffer
// until its client closes it or it is idle for 10 seconds.
const MaxSecondaryConns = 64

// answer builds the reply to msg, appended to out, or returns nil for a
// message that gets none (an answer, or one that cannot be parsed as far as
// its question). out already holds any prefix the transport needs.
func (s *Secondary) answer(msg, out []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.Response {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return reply(out, h, nil, dnsmessage.RCodeFormatError, false, nil)
	}
	switch {
	case h.OpCode == opNotify:
		return s.notified(out, h, q)
	case h.OpCode != opQuery:
		return reply(out, h, &q, dnsmessage.RCodeNotImplemented, false, nil)
	case q.Class != dnsmessage.ClassINET:
		return reply(out, h, &q, dnsmessage.RCodeRefused, false, nil)
	}
	name := q.Name.String()
	s.mu.Lock()
	z, ok := s.zones[canonicalName(name)]
	s.mu.Unlock()
	if !ok || z.refused {
		return reply(out, h, &q, dnsmessage.RCodeRefused, false, nil)
	}
	if q.Type != dnsmessage.TypeSOA {
		// The zone's apex has only its SOA here: NODATA, with the SOA in
		// the authority section as RFC 2308 has it.
		return reply(out, h, &q, dnsmessage.RCodeSuccess, true, func(b *dnsmessage.Builder) error {
			if err := b.StartAuthorities(); err != nil {
				return err
			}
			return b.SOAResource(soaHeader(q.Name), soaFor(q.Name, z.serial))
		})
	}
	return reply(out, h, &q, dnsmessage.RCodeSuccess, true, func(b *dnsmessage.Builder) error {
		if err := b.StartAnswers(); err != nil {
			return err
		}
		return b.SOAResource(soaHeader(q.Name), soaFor(q.Name, z.serial))
	})
}

// notified handles a NOTIFY (RFC 1996): when following a Server that
// transfers the zone, take its serial and acknowledge; else refuse.
func (s *Secondary) notified(out []byte, h dnsmessage.Header, q dnsmessage.Question) []byte {
	key := canonicalName(q.Name.String())
	s.mu.Lock()
	srv, z := s.follow, s.zones[key]
	s.mu.Unlock()
	if srv == nil || z.refused || q.Type != dnsmessage.TypeSOA {
		return reply(out, h, &q, dnsmessage.RCodeRefused, false, nil)
	}
	serial, ok := srv.transferSerial(key)
	if !ok {
		return reply(out, h, &q, dnsmessage.RCodeRefused, false, nil)
	}
	s.mu.Lock()
	if cur := s.zones[key]; !cur.refused { // Refuse may have come meanwhile
		s.zones[key] = secondaryZone{serial: serial}
	}
	s.mu.Unlock()
	return reply(out, h, &q, dnsmessage.RCodeSuccess, true, nil)
}

// reply packs an answer to a message with header h: the same ID, opcode and
// RD bit, the question echoed (when there was one), rcode, AA as given, and
// the sections body adds.
func reply(out []byte, h dnsmessage.Header, q *dnsmessage.Question, rcode dnsmessage.RCode, aa bool, body func(*dnsmessage.Builder) error) []byte {
	b := dnsmessage.NewBuilder(out, dnsmessage.Header{
		ID:               h.ID,
		Response:         true,
		OpCode:           h.OpCode,
		Authoritative:    aa,
		RecursionDesired: h.RecursionDesired,
		RCode:            rcode,
	})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil
	}
	if q != nil {
		if err := b.Question(*q); err != nil {
			return nil
		}
	}
	if body != nil {
		if err := body(&b); err != nil {
			return nil
		}
	}
	msg, err := b.Finish()
	if err != nil {
		return nil
	}
	return msg
}

func soaHeader(name dnsmessage.Name) dnsmessage.ResourceHeader {
	return dnsmessage.ResourceHeader{Name: name, Class: dnsmessage.ClassINET, TTL: 3600}
}

// soaFor is the SOA record a test secondary serves for a zone: only the
// serial matters to verification; the rest is a plausible record (the
// timers of RFC 1912's advice).
func soaFor(zone dnsmessage.Name, serial uint32) dnsmessage.SOAResource {
	ns, _ := dnsmessage.NewName(prefixName("ns1.", zone))
	mbox, _ := dnsmessage.NewName(prefixName("hostmaster.", zone))
	return dnsmessage.SOAResource{NS: ns, MBox: mbox, Serial: serial, Refresh: 86400, Retry: 7200, Expire: 3600000, MinTTL: 3600}
}

// prefixName puts a label in front of zone, falling back to the zone itself
// when the result would be too long a name.
func prefixName(label string, zone dnsmessage.Name) string {
	z := zone.String()
	if z == "." {
		z = ""
	}
	if len(label)+len(z) > 254 {
		return zone.String()
	}
	return label + z
}

// DNS opcodes (RFC 1035, 1996); dnsmessage names none.
const (
	opQuery  dnsmessage.OpCode = 0
	opNotify dnsmessage.OpCode = 4
)
