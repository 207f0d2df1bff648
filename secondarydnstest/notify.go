package secondarydnstest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sort"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// BumpSerial records that zoneID's records changed: its soa_serial goes up by
// one (by RFC 1982 arithmetic; 0 is skipped, since the API leaves a zero
// serial out) and the new serial is returned. Like an edit in Cloudflare's
// dashboard before anyone calls ForceNotify, it sends no NOTIFY: the
// secondaries are behind until Enable or ForceNotify tells them. It panics
// if the zone has no configuration, since no serial could go up.
func (s *Server) BumpSerial(zoneID string) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.zones[zoneID]
	if !ok {
		panic(fmt.Sprintf("secondarydnstest: BumpSerial: zone %q has no outgoing configuration", zoneID))
	}
	c.SOASerial++
	if c.SOASerial == 0 {
		c.SOASerial = 1
	}
	return c.SOASerial
}

// notice is a NOTIFY the server owes after answering Enable or ForceNotify:
// the zone, its serial (sent as a hint, RFC 1996 section 3.7) and where.
type notice struct {
	zone   string
	serial uint32
	to     []netip.AddrPort
}

// noticeFor gathers the NOTIFY that zoneID's configuration c calls for: one
// to each of its peers (peers of the zone's account) that has an IP. The
// caller holds s.mu; the sending happens after it lets go (see sendNotify),
// since a following Secondary asks the server for the serial while it
// handles the NOTIFY.
func (s *Server) noticeFor(zoneID string, c *Config) *notice {
	account := DefaultAccountID
	if k := s.known[zoneID]; k != nil && k.zone.Account.ID != "" {
		account = k.zone.Account.ID
	}
	n := &notice{zone: c.Name, serial: c.SOASerial}
	seen := make(map[netip.AddrPort]bool)
	for _, id := range c.Peers {
		if a, ok := s.peerAddr(account, id); ok && !seen[a] {
			seen[a] = true
			n.to = append(n.to, a)
		}
	}
	if len(n.to) == 0 {
		return nil
	}
	return n
}

// transferSerial is the serial a secondary would get by transferring the zone
// named name now: the soa_serial of the configuration of that name whose
// transfers are enabled (the one with the least zone ID if several are), and
// false if there is none (a real primary refuses the transfer).
func (s *Server) transferSerial(name string) (uint32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, c := range s.zones {
		if c.Status == statusEnabled && canonicalName(c.Name) == name {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, false
	}
	sort.Strings(ids)
	return s.zones[ids[0]].SOASerial, true
}

// notifyWait bounds how long the server waits for a loopback secondary to
// acknowledge a NOTIFY.
const notifyWait = time.Second

// sendNotify sends n's NOTIFY messages over UDP, all at once. Like
// Cloudflare, it sends them whether or not anyone listens; unlike it, for a
// peer on a loopback address (a test's Secondary) it waits for the
// acknowledgement, at most notifyWait, so that when Enable or ForceNotify
// returns a following Secondary has already taken the serial and a test
// needs no sleep. Peers elsewhere get their NOTIFY without a wait, so a peer
// with a documentation address costs a test nothing.
func sendNotify(n *notice) {
	if n == nil {
		return
	}
	name, err := dnsmessage.NewName(canonicalName(n.zone))
	if err != nil {
		return
	}
	var wg sync.WaitGroup
	for _, to := range n.to {
		wg.Add(1)
		go func() {
			defer wg.Done()
			notifyOne(name, n.serial, to)
		}()
	}
	wg.Wait()
}

func notifyOne(zone dnsmessage.Name, serial uint32, to netip.AddrPort) {
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(to))
	if err != nil {
		return
	}
	defer conn.Close()
	id := uint16(rand.Uint32())
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{ID: id, OpCode: opNotify, Authoritative: true})
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(dnsmessage.Question{Name: zone, Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET})
	_ = b.StartAnswers()
	_ = b.SOAResource(soaHeader(zone), soaFor(zone, serial))
	msg, err := b.Finish()
	if err != nil {
		return
	}
	if _, err := conn.Write(msg); err != nil || !to.Addr().Unmap().IsLoopback() {
		return
	}
	_ = conn.SetReadDeadline(time.Now().Add(notifyWait))
	buf := make([]byte, 512)
	for {
		k, err := conn.Read(buf)
		if err != nil {
			return // no secondary there (refused) or none answered in time
		}
		var p dnsmessage.Parser
		if h, err := p.Start(buf[:k]); err == nil && h.ID == id && h.Response {
			return
		}
	}
}

// peerAddr returns where a peer of the account gets NOTIFY: its IP at its
// port (53 when unset), and false for a peer the account lacks or one
// without an IP. The caller holds s.mu.
func (s *Server) peerAddr(accountID, id string) (netip.AddrPort, bool) {
	obj, ok := s.accounts[accountID].set(kindPeer).get(id)
	if !ok {
		return netip.AddrPort{}, false
	}
	p, ok := obj.(peerJSON)
	if !ok {
		return netip.AddrPort{}, false
	}
	ip, err := netip.ParseAddr(p.IP)
	if err != nil || p.Port < 0 || p.Port > 65535 {
		return netip.AddrPort{}, false
	}
	port := uint16(p.Port)
	if port == 0 {
		port = 53
	}
	return netip.AddrPortFrom(ip.Unmap(), port), true
}
