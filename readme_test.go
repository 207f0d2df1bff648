package secondarydns_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestReadmeTestingSnippet runs the README's "Testing your code" snippet, so
// the README cannot drift from the code.
func TestReadmeTestingSnippet(t *testing.T) {
	ctx, zoneID := context.Background(), testZone

	srv := secondarydnstest.NewServer()
	defer srv.Close()
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com."})
	c, _ := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken), secondarydns.WithBaseURL(srv.URL))

	// The next two requests to enable fail with 503: the client retries them.
	srv.Fail(secondarydnstest.Fault{Path: "/zones/" + zoneID + "/secondary_dns/outgoing/enable", Status: 503, RetryAfter: "0", Times: 2})
	var resp secondarydns.Response
	st, err := c.Outgoing.Enable(ctx, zoneID, secondarydns.WithResponse(&resp))

	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)
	assert.Equal(t, 3, resp.Attempts)
	assert.Len(t, srv.Requests(), 3)
}
