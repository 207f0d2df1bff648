package secondarydns

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
)

// List returns every peer of the account (an empty account gives an empty,
// non-nil slice).
// It calls GET /accounts/{account_id}/secondary_dns/peers.
func (s *PeersService) List(ctx context.Context, accountID string, opts ...Option) ([]Peer, error) {
	return listObjects[Peer](ctx, (*service)(s), &peerKind, accountID, opts)
}

// Get returns one peer.
// It calls GET /accounts/{account_id}/secondary_dns/peers/{peer_id}.
func (s *PeersService) Get(ctx context.Context, accountID, peerID string, opts ...Option) (*Peer, error) {
	return getObject[Peer](ctx, (*service)(s), &peerKind, accountID, peerID, opts)
}

// Create creates a peer.
// It calls POST /accounts/{account_id}/secondary_dns/peers with the set
// fields of p. The API documents only "name" for a create; when its answer
// lacks a field that was sent (ip, port, ixfr_enable or tsig_id), Create
// sends one PUT /accounts/{account_id}/secondary_dns/peers/{peer_id} with
// the same fields and returns that answer. If that PUT fails, it returns the
// peer as created (non-nil) and an error wrapping the PUT's, saying the peer
// exists with only part of its fields. Like every create, the POST is not
// repeated once it may have reached the server. WithResponse reports the
// last request sent.
func (s *PeersService) Create(ctx context.Context, accountID string, p PeerParams, opts ...Option) (*Peer, error) {
	dst := &createdPeer{params: p}
	err := accountDo(ctx, (*service)(s), &peerKind.create, target{id: accountID}, p, opts, dst)
	created := dst.Result
	switch {
	case err != nil && dst.unusable:
		return created, err // the peer exists: say which
	case err != nil:
		return nil, err
	case !p.lacks(created):
		return created, nil
	}
	updated, err := s.Update(ctx, accountID, created.ID, p, opts...)
	if err != nil {
		return created, fmt.Errorf("secondarydns: peer %s exists with only part of its fields (the create ignored %s); setting them failed: %w", created.ID, p.lacking(created), err)
	}
	return updated, nil
}

// Update replaces a peer with p: fields left unset in p are cleared.
// It calls PUT /accounts/{account_id}/secondary_dns/peers/{peer_id} with the
// set fields of p.
func (s *PeersService) Update(ctx context.Context, accountID, peerID string, p PeerParams, opts ...Option) (*Peer, error) {
	return updateObject[Peer](ctx, (*service)(s), &peerKind, accountID, peerID, p, opts)
}

// Delete deletes a peer and returns its ID.
// It calls DELETE /accounts/{account_id}/secondary_dns/peers/{peer_id}.
func (s *PeersService) Delete(ctx context.Context, accountID, peerID string, opts ...Option) (string, error) {
	return deleteObject(ctx, (*service)(s), &peerKind, accountID, peerID, opts)
}

// createdPeer is the answer to a peer create. A peer created with only part
// of its fields and an ID that cannot name it in the PUT that would set the
// rest is an invalid response (its text with the HTTP status and ray ID);
// the peer exists all the same, so Create returns it with the error.
type createdPeer struct {
	envelope[Peer]
	params   PeerParams
	unusable bool // check refused the answer
}

func (c *createdPeer) check() string {
	got := c.Result
	if validID(got.ID) {
		return ""
	}
	lacking := c.params.lacking(got)
	if lacking == "" {
		return ""
	}
	c.unusable = true
	return "the peer was created without " + lacking + ", and its id " + quoteShort(got.ID) + " cannot be used to set them"
}

// peerBody is PeerParams on the wire: unset optional fields left out.
type peerBody struct {
	Name       string `json:"name"`
	IP         string `json:"ip,omitempty"`
	Port       int    `json:"port,omitempty"`
	IXFREnable bool   `json:"ixfr_enable,omitempty"`
	TSIGID     string `json:"tsig_id,omitempty"`
}

func (p PeerParams) body() ([]byte, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return json.Marshal(peerBody(p))
}

func (PeerParams) sends() string { return "" }

// validate applies the rules on PeerParams.
func (p PeerParams) validate() error {
	if err := validateObjectName("peer name", p.Name); err != nil {
		return err
	}
	if err := validatePeerIP(p.IP); err != nil {
		return err
	}
	if p.Port < 0 || p.Port > 65535 {
		return invalid("peer port %d is out of range; use 1 to 65535, or 0 for none", p.Port)
	}
	if p.TSIGID != "" {
		return validateZoneID("TSIG ID", p.TSIGID)
	}
	return nil
}

// lacks reports whether the answer to a create lacks (or differs in) a field
// p set besides the name.
func (p PeerParams) lacks(got *Peer) bool { return p.lacking(got) != "" }

// lacking names the fields p set that got does not hold, "" for none.
// Addresses compare as addresses: the API may write them its own way.
func (p PeerParams) lacking(got *Peer) string {
	var missing string
	add := func(f string) {
		if missing != "" {
			missing += ", "
		}
		missing += f
	}
	if p.IP != "" && !sameAddr(p.IP, got.IP) {
		add("ip")
	}
	if p.Port != 0 && p.Port != got.Port {
		add("port")
	}
	if p.IXFREnable && !got.IXFREnable {
		add("ixfr_enable")
	}
	if p.TSIGID != "" && p.TSIGID != got.TSIGID {
		add("tsig_id")
	}
	return missing
}

// sameAddr compares two addresses as addresses, else as strings.
func sameAddr(a, b string) bool {
	x, errX := netip.ParseAddr(a)
	y, errY := netip.ParseAddr(b)
	if errX != nil || errY != nil {
		return a == b
	}
	return x == y
}
