package secondarydns_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

// TestReadmeSecondariesSnippet runs the README's secondaries snippet (the
// second Go block of "Testing your code"), which stands between the markers
// below exactly as the README shows it, in the setting of the section's
// first snippet (srv, c, zoneID), then asserts what its closing comment
// promises.
func TestReadmeSecondariesSnippet(t *testing.T) {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com."})
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := t.Context()

	// README snippet begins
	sec := secondarydnstest.NewSecondary() // a nameserver on 127.0.0.1, UDP and TCP
	defer sec.Close()
	sec.Follow(srv) // on NOTIFY, take srv's serial for the zone
	p, err := c.Peers.Create(ctx, secondarydnstest.DefaultAccountID, secondarydns.PeerParams{
		Name: "test-secondary", IP: sec.Addr.Addr().String(), Port: int(sec.Addr.Port()),
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Outgoing.Update(ctx, zoneID, secondarydns.OutgoingParams{Name: "example.com.", Peers: []string{p.ID}})
	c.Outgoing.Enable(ctx, zoneID)      // NOTIFY: sec serves the zone's serial
	srv.BumpSerial(zoneID)              // the records changed: sec is behind
	c.Outgoing.ForceNotify(ctx, zoneID) // NOTIFY: sec is in sync again
	soa, err := (&verify.Querier{}).SOA(ctx, "example.com.", sec.Addr)
	// soa.Serial is the zone's soa_serial after BumpSerial.
	// README snippet ends

	require.NoError(t, err)
	cfg, ok := srv.Config(zoneID)
	require.True(t, ok)
	assert.Equal(t, cfg.SOASerial, soa.Serial)
	assert.Equal(t, []string{p.ID}, cfg.Peers)
	assert.Equal(t, "Enabled", cfg.Status)
}

// TestReadmeSecondariesSnippetInSync fails when the README's secondaries
// snippet and the code TestReadmeSecondariesSnippet runs differ by a
// character.
func TestReadmeSecondariesSnippetInSync(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Testing your code\n")
	require.True(t, ok, "README.md has no section \"Testing your code\"")
	section, _, _ = strings.Cut(section, "\n## ")
	_, code, ok := strings.Cut(section, "\n**Secondaries.**")
	require.True(t, ok, "the section has no paragraph on secondaries")
	_, code, ok = strings.Cut(code, "\n```go\n")
	require.True(t, ok, "the secondaries paragraph has no Go code block")
	code, _, ok = strings.Cut(code, "\n```\n")
	require.True(t, ok, "the code block does not end")

	assert.Equal(t, code, snippetRun(t, "readme_secondaries_test.go"), "README.md and readme_secondaries_test.go show different snippets")
}
