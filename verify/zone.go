package verify

import (
	"net/netip"
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
