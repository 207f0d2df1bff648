package verify

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"
)

func TestParseAnswerMalformedAfterMatch(t *testing.T) {
	zone := mustName(t, "example.com.")
	q := dnsmessage.Message{Header: dnsmessage.Header{ID: 9}, Questions: []dnsmessage.Question{{Name: zone, Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET}}}
	good := reply(t, q, 5, nil)
	a := parseAnswer(good, 9, zone)
	require.NotNil(t, a.soa)
	assert.Equal(t, uint32(5), a.soa.Serial)

	// Cut inside the SOA record: the header and question match, so this is
	// the server's answer, and it is broken.
	for _, cut := range []int{len(good) - 1, len(good) - 10, len(good) - 30} {
		a = parseAnswer(good[:cut], 9, zone)
		require.ErrorIs(t, a.err, ErrNotServing, "cut at %d", cut)
		assert.ErrorContains(t, a.err, "malformed")
	}
	// Cut inside the question: not recognisably an answer to the query.
	a = parseAnswer(good[:14], 9, zone)
	assert.True(t, a.ignore)
}

func TestRcodeName(t *testing.T) {
	assert.Equal(t, "REFUSED", rcodeName(dnsmessage.RCodeRefused))
	assert.Equal(t, "NOTAUTH", rcodeName(9))
	assert.Equal(t, "NOTZONE", rcodeName(10))
	assert.Equal(t, "RCODE15", rcodeName(15))
}
