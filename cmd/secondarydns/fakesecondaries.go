package main

// fake --secondaries: secondaries that follow the fake, for trying verify.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// maxFakeSecondaries is the most --secondaries: a zone has at most 30 peers.
const maxFakeSecondaries = 30

// fakeSetupEmail is the email of the credential the fake makes its own
// peers with: a credential of its own, so that making them spends nothing of
// the token's --rate-limit budget.
const fakeSetupEmail = "fake-setup@secondarydns.invalid"

// fakeSecondaries are the secondaries of fake --secondaries and the peers
// that point at them.
type fakeSecondaries struct {
	secs    []*secondarydnstest.Secondary
	peerIDs []string
}

// fakeSetupKey is a random key for the fake's own credential, which nobody
// else learns.
func fakeSetupKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startFakeSecondaries starts n secondaries that follow srv and makes the
// peers secondary-1…secondary-n of DefaultAccountID point at them, through
// srv's API with the setup credential (email, key).
func startFakeSecondaries(srv *secondarydnstest.Server, n int, key string) (*fakeSecondaries, error) {
	f := &fakeSecondaries{}
	c, err := srv.Client(secondarydns.WithAPIKey(fakeSetupEmail, key))
	if err != nil {
		return nil, err
	}
	for i := range n {
		s := secondarydnstest.NewSecondary()
		f.secs = append(f.secs, s)
		s.Follow(srv)
		p, err := c.Peers.Create(context.Background(), secondarydnstest.DefaultAccountID, secondarydns.PeerParams{
			Name: fmt.Sprintf("secondary-%d", i+1), IP: s.Addr.Addr().String(), Port: int(s.Addr.Port()),
		})
		if err != nil {
			f.close()
			return nil, fmt.Errorf("making peer secondary-%d: %w", i+1, err)
		}
		f.peerIDs = append(f.peerIDs, p.ID)
	}
	return f, nil
}

// serve makes every secondary serve the seeded zone zoneID at its serial.
func (f *fakeSecondaries) serve(srv *secondarydnstest.Server, zoneID string) {
	cfg, ok := srv.Config(zoneID)
	if !ok {
		return
	}
	for _, s := range f.secs {
		s.Serve(cfg.Name, cfg.SOASerial)
	}
}

func (f *fakeSecondaries) close() {
	if f == nil {
		return
	}
	for _, s := range f.secs {
		s.Close()
	}
}
