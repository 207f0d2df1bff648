package secondarydnstest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBodyOverOneMiB: a request body over 1 MiB is answered 413 with an
// envelope and not applied; one of exactly 1 MiB is read.
func TestBodyOverOneMiB(t *testing.T) {
	srv := newServer(t)
	pad := func(total int) string {
		const head, tail = `{"name":"example.com","peers":[],"x":"`, `"}`
		return head + strings.Repeat("x", total-len(head)-len(tail)) + tail
	}
	for _, path := range []string{outgoingPath(zoneA), accountPath(account1, "peers")} {
		r := send(t, srv, "POST", path, pad(1<<20+1))
		assert.Equal(t, 413, r.Status, path)
		assert.JSONEq(t, `{"success":false,"errors":[{"code":1004,"message":"Request body is larger than 1048576 bytes"}],"messages":[],"result":null}`, r.Raw)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
	_, ok := srv.Config(zoneA)
	assert.False(t, ok, "not applied")
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, 413, reqs[0].Status)
	assert.LessOrEqual(t, len(reqs[0].Body), 16<<10, "the log keeps a bounded part")

	r := send(t, srv, "POST", outgoingPath(zoneA), pad(1<<20))
	assert.Equal(t, 200, r.Status, "exactly 1 MiB is taken")
}
