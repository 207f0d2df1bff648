package verify

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// NewZone makes the Zone to check from what the API reports: the zone's
// outgoing configuration (one Outgoing.Get per zone) and the account's peers
// (one Peers.List per run, shared by every zone). Its targets are the
// configuration's peers in order, then extra (nameservers the user named,
// resolved once by the caller).
//
// A peer with an IP is asked at its port, or 53 when the port is unset; a
// peer without one (or with an IP that does not parse, or an ID the list
// lacks) becomes a NoAddress target named after it. Reading the API stays
// with the caller, so the caller paces it like every other command and
// verify stays free of HTTP.
func NewZone(zoneID string, o *secondarydns.Outgoing, peers []secondarydns.Peer, extra ...Target) Zone {
	z := Zone{ID: zoneID}
	if o != nil {
		z.Name, z.Serial, z.LastTransferred = o.Name, o.SOASerial, o.LastTransferredTime
		byID := make(map[string]*secondarydns.Peer, len(peers))
		for i := range peers {
			byID[peers[i].ID] = &peers[i]
		}
		for _, id := range o.Peers {
			if p, ok := byID[id]; ok {
				z.Targets = append(z.Targets, PeerTarget(*p))
			} else {
				z.Targets = append(z.Targets, Target{Name: id})
			}
		}
	}
	z.Targets = append(z.Targets, extra...)
	return z
}

// PeerTarget is the target for one peer: named by its name (else its ID), at
// its IP and port (53 when unset). A peer without an IP, or with one that does
// not parse, has no address.
func PeerTarget(p secondarydns.Peer) Target {
	t := Target{Name: p.Name}
	if t.Name == "" {
		t.Name = p.ID
	}
	ip, err := netip.ParseAddr(strings.TrimSpace(p.IP))
	if err != nil || ip.Zone() != "" || p.Port < 0 || p.Port > 65535 {
		return t
	}
	port := uint16(p.Port)
	if port == 0 {
		port = 53
	}
	t.Addr = netip.AddrPortFrom(ip.Unmap(), port)
	return t
}

// ResolveNS turns a nameserver as a person writes it (HOST[:PORT]: an IP
// address, "[v6]:port", a bare IPv6 address, or a host name with or without a
// port; 53 by default) into targets named ns as written. A host name is
// resolved once, with r (nil means net.DefaultResolver), and each of its
// addresses becomes a target: a check then says which address of a
// nameserver lags, as dig @each-address would.
func ResolveNS(ctx context.Context, r *net.Resolver, ns string) ([]Target, error) {
	if ip, err := netip.ParseAddr(ns); err == nil { // a bare address, IPv6 included
		return []Target{{Name: ns, Addr: netip.AddrPortFrom(ip.Unmap(), 53)}}, nil
	}
	host, port := ns, uint16(53)
	if h, p, err := net.SplitHostPort(ns); err == nil {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return nil, invalid("verify: nameserver %q: invalid port %q", ns, p)
		}
		host, port = h, uint16(n)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []Target{{Name: ns, Addr: netip.AddrPortFrom(ip.Unmap(), port)}}, nil
	}
	// Not an address: a host name, which has none of these (so a typo is
	// refused here, not sent to the resolver).
	if host == "" || strings.HasPrefix(ns, "[") || strings.ContainsAny(host, " \t/[]:%") {
		return nil, invalid("verify: nameserver %q: want HOST, HOST:PORT, an IP address or [IPv6]:PORT", ns)
	}
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("verify: nameserver %q: %w", ns, err)
	}
	var targets []Target
	seen := make(map[netip.Addr]bool)
	for _, ip := range ips {
		ip = ip.Unmap()
		if !seen[ip] {
			seen[ip] = true
			targets = append(targets, Target{Name: ns, Addr: netip.AddrPortFrom(ip, port)})
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("verify: nameserver %q: the name has no addresses", ns)
	}
	return targets, nil
}
