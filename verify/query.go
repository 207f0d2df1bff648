package verify

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// SOA is a zone's start-of-authority record as a nameserver serves it. Names
// are absolute, with their trailing dot.
type SOA struct {
	Serial                          uint32
	MName, RName                    string
	Refresh, Retry, Expire, Minimum uint32
}

// Querier asks nameservers for a zone's SOA record. The zero value is ready to
// use, and a Querier is safe for concurrent use (it holds no state between
// queries).
type Querier struct {
	Timeout time.Duration // per try; 0 means 2 s; negative is invalid input
	Tries   int           // UDP tries before giving up; 0 means 2; negative is invalid input
}

// ErrNotServing means the server answered, but not with an authoritative SOA
// for the zone: REFUSED, NOTAUTH, NXDOMAIN, SERVFAIL (or any other error
// code), AA not set, no SOA record of that owner in the answer, or an answer
// over TCP that cannot be read.
var ErrNotServing = errors.New("not serving the zone")

// ErrUnreachable means no answer came from the server: none in time
// (ErrNoAnswer), or the network refused the query (ErrRefused), or it could
// not be sent. errors.Is(err, ErrUnreachable) holds for all three.
var ErrUnreachable = errors.New("unreachable")

// ErrNoAnswer means every try timed out without a matching answer. It
// matches ErrUnreachable too.
var ErrNoAnswer = kindOf(ErrUnreachable, "no answer")

// ErrRefused means the network refused the query: an ICMP port unreachable
// (over UDP) or a refused TCP connection, so nothing listens at that address.
// It matches ErrUnreachable too, and the error also wraps the system's
// (errors.Is(err, syscall.ECONNREFUSED) holds).
var ErrRefused = kindOf(ErrUnreachable, "the network refused the query")

// kindError is a sentinel that is also a kind of a broader sentinel, so
// callers can branch on either.
type kindError struct {
	msg    string
	parent error
}

func kindOf(parent error, msg string) error { return &kindError{msg, parent} }

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.parent }

const (
	defaultTimeout = 2 * time.Second
	defaultTries   = 2
	// maxMessage is the largest DNS message, over UDP or TCP.
	maxMessage = 65535
)

// errTryTimeout ends one UDP try; it never leaves the package.
var errTryTimeout = errors.New("try timed out")

// SOA asks server for zone's SOA record: UDP, no recursion; over TCP when the
// answer is truncated. When ctx ends it returns at once with an error wrapping
// ctx.Err().
//
// Like the standard library's resolver, it believes only an answer whose ID
// (random for every try), question (the zone, ignoring ASCII case; SOA; IN)
// and source (the socket is connected to server, so the kernel drops
// datagrams from anywhere else, and the source is checked again) match the
// query; anything else is ignored and reading goes on until the try's
// timeout. Each try uses a new socket and a new ID, so a late answer to an
// earlier try cannot count. Only a timeout leads to another try: an answer,
// even REFUSED, and a refusal by the network are final. The query carries no
// EDNS record: an SOA answer fits in 512 bytes, some servers still mishandle
// EDNS, and a truncated answer is asked again over TCP anyway (once, with
// the same timeout).
//
// The error wraps ErrNotServing when the server answered without serving the
// zone, ErrNoAnswer after Tries timeouts, ErrRefused when the network refused
// the query (both also match ErrUnreachable), or ctx.Err(). zone may be given
// with or without its trailing dot.
func (q *Querier) SOA(ctx context.Context, zone string, server netip.AddrPort) (*SOA, error) {
	if ctx == nil {
		return nil, invalid("verify: nil context")
	}
	name, err := zoneName(zone)
	if err != nil {
		return nil, err
	}
	if !server.IsValid() || server.Port() == 0 {
		return nil, invalid("verify: SOA %s: invalid server address %q", name, server)
	}
	// A negative value is a mistake, as Checker's Concurrency: refused
	// rather than read as the default.
	if q != nil && (q.Timeout < 0 || q.Tries < 0) {
		return nil, invalid("verify: SOA %s: negative Querier Timeout (%s) or Tries (%d)", name, q.Timeout, q.Tries)
	}
	fail := func(err error) error {
		return fmt.Errorf("verify: SOA %s at %s: %w", name, server, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fail(err)
	}
	timeout, tries := defaultTimeout, defaultTries
	if q != nil && q.Timeout > 0 {
		timeout = q.Timeout
	}
	if q != nil && q.Tries > 0 {
		tries = q.Tries
	}
	for range tries {
		soa, truncated, err := exchangeUDP(ctx, name, server, timeout)
		switch {
		case truncated:
			soa, err = exchangeTCP(ctx, name, server, timeout)
			if err != nil {
				return nil, fail(err)
			}
			return soa, nil
		case errors.Is(err, errTryTimeout):
			continue
		case err != nil:
			return nil, fail(err)
		}
		return soa, nil
	}
	return nil, fail(fmt.Errorf("%w in %d tries of %v", ErrNoAnswer, tries, timeout))
}

// zoneName makes zone absolute and checks that it is a name DNS can carry:
// at most 255 octets on the wire, no empty label (but the root's), none over
// 63 octets. (dnsmessage.NewName checks only the length; its builder would
// find the rest only once the query is being packed.)
func zoneName(zone string) (dnsmessage.Name, error) {
	bad := func() (dnsmessage.Name, error) {
		return dnsmessage.Name{}, invalid("verify: invalid zone name %q", zone)
	}
	fqdn := zone
	if fqdn == "" {
		return bad()
	}
	if fqdn[len(fqdn)-1] != '.' {
		fqdn += "."
	}
	if fqdn != "." {
		label := 0
		for i := range len(fqdn) {
			if fqdn[i] != '.' {
				label++
				continue
			}
			if label == 0 || label > 63 {
				return bad()
			}
			label = 0
		}
	}
	n, err := dnsmessage.NewName(fqdn)
	if err != nil {
		return bad()
	}
	return n, nil
}

// bufPool holds read buffers of the largest DNS message, so a fleet check
// allocates one per query in flight, not one per query.
var bufPool = sync.Pool{New: func() any { b := make([]byte, maxMessage); return &b }}

// newID returns a query ID. math/rand/v2's global generator is seeded from
// the operating system's secure source, so IDs cannot be predicted from
// earlier ones.
func newID() uint16 { return uint16(rand.Uint32()) }

// buildQuery packs an SOA query for name with the given ID and RD unset: a
// secondary is asked what it serves itself, never to recurse.
func buildQuery(buf []byte, id uint16, name dnsmessage.Name) ([]byte, error) {
	// No compression: one name has nothing to point back to, and the
	// builder's compression map would cost allocations on every query.
	b := dnsmessage.NewBuilder(buf, dnsmessage.Header{ID: id, OpCode: opQuery})
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(dnsmessage.Question{Name: name, Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET}); err != nil {
		return nil, err
	}
	return b.Finish()
}

// exchangeUDP makes one UDP try. truncated reports an answer with TC set,
// which the caller asks again over TCP; errTryTimeout a try without a
// matching answer.
func exchangeUDP(ctx context.Context, name dnsmessage.Name, server netip.AddrPort, timeout time.Duration) (_ *SOA, truncated bool, _ error) {
	// A connected socket: the kernel passes up only datagrams from server
	// (the source check) and reports an ICMP port unreachable as
	// ECONNREFUSED (telling "refused" from "no answer").
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(server))
	if err != nil {
		return nil, false, netError(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return nil, false, netError(err)
	}
	// After the try's deadline, never before: a context already ended runs
	// its func at once, in another goroutine, and the try's deadline set
	// after it would undo it (the try would wait its whole timeout).
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	id := newID()
	msg, err := buildQuery(buf[:0:512], id, name)
	if err != nil {
		return nil, false, err
	}
	if _, err := conn.Write(msg); err != nil {
		return nil, false, ioError(ctx, err)
	}
	for {
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return nil, false, ioError(ctx, err)
		}
		if !sameAddr(from, server) {
			continue // the connected socket should not let it through; never believe it
		}
		a := parseAnswer(buf[:n], id, name)
		switch {
		case a.ignore:
			continue // not the answer to this query: forged, stray or late
		case a.truncated:
			return nil, true, nil
		}
		return a.soa, false, a.err
	}
}

// sameAddr compares addresses as the kernel reports and we dial them: an
// IPv4-mapped IPv6 address equals its IPv4 address, and a zone does not count.
func sameAddr(a, b netip.AddrPort) bool {
	return a.Port() == b.Port() && a.Addr().Unmap().WithZone("") == b.Addr().Unmap().WithZone("")
}

// exchangeTCP asks once over TCP, for an answer too large for UDP. Over TCP
// the connection itself proves the source, so an answer that does not match
// the query is the server's fault: ErrNotServing.
func exchangeTCP(ctx context.Context, name dnsmessage.Name, server netip.AddrPort, timeout time.Duration) (*SOA, error) {
	conn, err := dialTCP(ctx, server.String(), timeout)
	if err != nil {
		return nil, tcpError(ctx, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return nil, netError(err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) }) // after, as in exchangeUDP
	defer stop()
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	id := newID()
	msg, err := buildQuery(buf[2:2:514], id, name)
	if err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint16(buf, uint16(len(msg)))
	if _, err := conn.Write(buf[:2+len(msg)]); err != nil {
		return nil, tcpError(ctx, err)
	}
	if _, err := io.ReadFull(conn, buf[:2]); err != nil {
		return nil, tcpError(ctx, err)
	}
	n := int(binary.BigEndian.Uint16(buf))
	if _, err := io.ReadFull(conn, buf[:n]); err != nil {
		return nil, tcpError(ctx, err)
	}
	a := parseAnswer(buf[:n], id, name)
	switch {
	case a.ignore:
		return nil, fmt.Errorf("%w: the answer over TCP does not match the query", ErrNotServing)
	case a.truncated:
		return nil, fmt.Errorf("%w: the answer over TCP is truncated", ErrNotServing)
	}
	return a.soa, a.err
}

// dialTCP connects to addr over TCP within timeout; tests replace it to
// make a connection that cannot be made in time.
var dialTCP = func(ctx context.Context, addr string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	return d.DialContext(ctx, "tcp", addr)
}

// ioError classifies a failed read or write: the context's end first (the
// deadline set by context.AfterFunc shows up as a timeout), then a try's
// timeout, a refusal, anything else.
func ioError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errTryTimeout
	}
	return netError(err)
}

// tcpError is ioError for the single TCP exchange, where a timeout is the
// end: no answer. A connection closed before a whole answer came is the
// server's doing.
func tcpError(ctx context.Context, err error) error {
	err = ioError(ctx, err)
	switch {
	case errors.Is(err, errTryTimeout):
		return fmt.Errorf("%w over TCP", ErrNoAnswer)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("%w: the TCP connection closed before a whole answer: %w", ErrNotServing, err)
	}
	return err
}

// netError wraps a socket error as unreachable, as refused when the system
// says so.
func netError(err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}
