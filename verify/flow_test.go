package verify

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestFlowWithTheAPI runs the flow a verify command runs, against the fake
// API and two following Secondaries: one Peers.List, one Outgoing.Get per
// zone, NewZone, Check; then ForceNotify for the zones out of sync and a
// Waiter (on a fake clock) until they are in sync.
func TestFlowWithTheAPI(t *testing.T) {
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := t.Context()

	a, b := secondarydnstest.NewSecondary(), secondarydnstest.NewSecondary()
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	a.Follow(srv)
	b.Follow(srv)
	var peerIDs []string
	for _, p := range []secondarydns.PeerParams{
		{Name: "a", IP: a.Addr.Addr().String(), Port: int(a.Addr.Port())},
		{Name: "b", IP: b.Addr.Addr().String(), Port: int(b.Addr.Port())},
		{Name: "hidden"}, // no IP: nothing to ask, nothing notified
	} {
		peer, err := c.Peers.Create(ctx, secondarydnstest.DefaultAccountID, p)
		require.NoError(t, err)
		peerIDs = append(peerIDs, peer.ID)
	}
	zoneIDs := []string{secondarydnstest.ZoneID(1), secondarydnstest.ZoneID(2)}
	for i, id := range zoneIDs {
		_, err := c.Outgoing.Create(ctx, id, secondarydns.OutgoingParams{Name: []string{"example.com.", "example.org."}[i], Peers: peerIDs})
		require.NoError(t, err)
		_, err = c.Outgoing.Enable(ctx, id) // NOTIFY: both secondaries transfer
		require.NoError(t, err)
	}
	srv.BumpSerial(zoneIDs[1]) // example.org. changed; nobody told

	// The command's flow.
	check := func() []ZoneResult {
		t.Helper()
		peers, err := c.Peers.List(ctx, secondarydnstest.DefaultAccountID)
		require.NoError(t, err)
		var zones []Zone
		for _, id := range zoneIDs {
			o, err := c.Outgoing.Get(ctx, id)
			require.NoError(t, err)
			zones = append(zones, NewZone(id, o, peers))
		}
		results, err := (&Checker{Querier: &Querier{Timeout: time.Second}}).Check(ctx, zones)
		require.NoError(t, err)
		return results
	}
	results := check()
	assert.True(t, results[0].InSync())
	assert.False(t, results[1].InSync())
	for _, r := range results {
		require.Len(t, r.Targets, 3)
		assert.Equal(t, NoAddress, r.Targets[2].State)
		assert.Equal(t, "hidden", r.Targets[2].Name)
	}
	assert.Equal(t, Behind, results[1].Targets[0].State)
	assert.Equal(t, results[1].Zone.Serial-1, results[1].Targets[0].Serial)

	// --notify: one ForceNotify per zone out of sync, then wait.
	for _, r := range results {
		if !r.InSync() {
			_, err := c.Outgoing.ForceNotify(ctx, r.Zone.ID)
			require.NoError(t, err)
		}
	}
	clock := &fakeClock{now: time.Now()}
	w := &Waiter{Checker: &Checker{Querier: &Querier{Timeout: time.Second}}, Now: clock.Now, Sleep: clock.Sleep}
	results, err = w.Wait(ctx, results, clock.now.Add(60*time.Second))
	require.NoError(t, err)
	assert.True(t, results[1].InSync())
	assert.Equal(t, []time.Duration{DefaultInterval}, clock.sleeps)
}
