package verify

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/dns/dnsmessage"
)

func TestSOAFromSecondary(t *testing.T) {
	sec := secondarydnstest.NewSecondary()
	t.Cleanup(sec.Close)
	sec.Serve("example.com.", 2026120401)
	sec.Serve("Example.ORG", 7)
	sec.Refuse("refused.example.")

	var q Querier
	soa, err := q.SOA(t.Context(), "example.com", sec.Addr)
	require.NoError(t, err)
	assert.Equal(t, &SOA{Serial: 2026120401, MName: "ns1.example.com.", RName: "hostmaster.example.com.",
		Refresh: 86400, Retry: 7200, Expire: 3600000, Minimum: 3600}, soa)

	// Names compare without ASCII case, on both sides.
	soa, err = q.SOA(t.Context(), "EXAMPLE.org.", sec.Addr)
	require.NoError(t, err)
	assert.Equal(t, uint32(7), soa.Serial)

	for _, zone := range []string{"refused.example.", "unknown.example."} {
		_, err = q.SOA(t.Context(), zone, sec.Addr)
		require.ErrorIs(t, err, ErrNotServing, zone)
		assert.ErrorContains(t, err, "REFUSED")
		assert.NotErrorIs(t, err, ErrUnreachable)
	}
}

func TestSOASecondaryOverTCP(t *testing.T) {
	sec := secondarydnstest.NewSecondary()
	t.Cleanup(sec.Close)
	sec.Serve("example.com.", 42)
	name, err := zoneName("example.com")
	require.NoError(t, err)
	soa, err := exchangeTCP(t.Context(), name, sec.Addr, time.Second)
	require.NoError(t, err)
	assert.Equal(t, uint32(42), soa.Serial)
	_, err = exchangeTCP(t.Context(), mustName(t, "other.example."), sec.Addr, time.Second)
	require.ErrorIs(t, err, ErrNotServing)
}

func TestSOAQueryShape(t *testing.T) {
	srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send { return one(reply(t, q, 1, nil)) })
	_, err := (&Querier{}).SOA(t.Context(), "Example.com", srv.Addr)
	require.NoError(t, err)
	qs := srv.queries()
	require.Len(t, qs, 1)
	q := qs[0]
	assert.False(t, q.RecursionDesired, "a secondary is asked what it serves, never to recurse")
	assert.False(t, q.Response)
	assert.Equal(t, opQuery, q.OpCode)
	require.Len(t, q.Questions, 1)
	assert.Equal(t, dnsmessage.Question{Name: mustName(t, "Example.com."), Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET}, q.Questions[0])
	assert.Empty(t, q.Answers)
	assert.Empty(t, q.Additionals, "no EDNS record")
}

func TestSOATruncatedGoesTCP(t *testing.T) {
	srv := newBadServer(t, true, func(q dnsmessage.Message, _ int) []send {
		return one(reply(t, q, 1, func(m *dnsmessage.Message) { m.Truncated, m.Answers = true, nil }))
	})
	srv.onTCP = func(q dnsmessage.Message) []byte { return reply(t, q, 99, nil) }
	soa, err := (&Querier{Timeout: time.Second}).SOA(t.Context(), "example.com.", srv.Addr)
	require.NoError(t, err)
	assert.Equal(t, uint32(99), soa.Serial, "the serial comes from the answer over TCP")
	assert.EqualValues(t, 1, srv.udpQueries.Load())
	assert.EqualValues(t, 1, srv.tcpQueries.Load())
}

func TestSOATCPFailures(t *testing.T) {
	truncated := func(q dnsmessage.Message, _ int) []send {
		return one(reply(t, q, 1, func(m *dnsmessage.Message) { m.Truncated = true }))
	}
	tests := []struct {
		name  string
		onTCP func(t *testing.T, q dnsmessage.Message) []byte
		is    error
	}{
		{"wrong ID over TCP", func(t *testing.T, q dnsmessage.Message) []byte {
			q.ID++
			return reply(t, q, 1, nil)
		}, ErrNotServing},
		{"still truncated over TCP", func(t *testing.T, q dnsmessage.Message) []byte {
			return reply(t, q, 1, func(m *dnsmessage.Message) { m.Truncated = true })
		}, ErrNotServing},
		{"REFUSED over TCP", func(t *testing.T, q dnsmessage.Message) []byte {
			return reply(t, q, 1, func(m *dnsmessage.Message) { m.RCode = dnsmessage.RCodeRefused })
		}, ErrNotServing},
		{"closed without an answer", nil, ErrNotServing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newBadServer(t, true, truncated)
			if tt.onTCP != nil {
				srv.onTCP = func(q dnsmessage.Message) []byte { return tt.onTCP(t, q) }
			}
			_, err := (&Querier{Timeout: time.Second}).SOA(t.Context(), "example.com.", srv.Addr)
			require.ErrorIs(t, err, tt.is)
		})
	}

	t.Run("TCP connection not made in time", func(t *testing.T) {
		// A SYN that is dropped (a firewall, a full backlog) ends the dial
		// with a timeout: no answer over TCP, not a leaked try timeout.
		srv := newBadServer(t, false, truncated)
		defer func(d func(context.Context, string, time.Duration) (net.Conn, error)) { dialTCP = d }(dialTCP)
		dialTCP = func(context.Context, string, time.Duration) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}
		}
		_, err := (&Querier{Timeout: time.Second}).SOA(t.Context(), "example.com.", srv.Addr)
		require.ErrorIs(t, err, ErrNoAnswer)
		assert.ErrorIs(t, err, ErrUnreachable)
		assert.EqualValues(t, 1, srv.udpQueries.Load(), "a TCP failure is final: no other UDP try")
	})
	t.Run("no TCP listener", func(t *testing.T) {
		srv := newBadServer(t, false, truncated)
		_, err := (&Querier{Timeout: time.Second}).SOA(t.Context(), "example.com.", srv.Addr)
		require.ErrorIs(t, err, ErrRefused)
		assert.ErrorIs(t, err, ErrUnreachable)
	})
}

func TestSOANotServing(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, m *dnsmessage.Message)
		says string
	}{
		{"REFUSED", func(_ *testing.T, m *dnsmessage.Message) { m.RCode, m.Answers = dnsmessage.RCodeRefused, nil }, "REFUSED"},
		{"NOTAUTH", func(_ *testing.T, m *dnsmessage.Message) { m.RCode, m.Answers = dnsmessage.RCode(9), nil }, "NOTAUTH"},
		{"NXDOMAIN", func(_ *testing.T, m *dnsmessage.Message) { m.RCode, m.Answers = dnsmessage.RCodeNameError, nil }, "NXDOMAIN"},
		{"SERVFAIL", func(_ *testing.T, m *dnsmessage.Message) { m.RCode, m.Answers = dnsmessage.RCodeServerFailure, nil }, "SERVFAIL"},
		{"FORMERR", func(_ *testing.T, m *dnsmessage.Message) { m.RCode, m.Answers = dnsmessage.RCodeFormatError, nil }, "FORMERR"},
		{"an error code with an SOA anyway", func(_ *testing.T, m *dnsmessage.Message) { m.RCode = dnsmessage.RCodeServerFailure }, "SERVFAIL"},
		{"AA unset", func(_ *testing.T, m *dnsmessage.Message) { m.Authoritative = false }, "AA unset"},
		{"another owner's SOA", func(t *testing.T, m *dnsmessage.Message) {
			m.Answers = []dnsmessage.Resource{soaRecord(t, "example.net.", 5)}
		}, "no SOA record for example.com."},
		{"a parent's SOA in the answer", func(t *testing.T, m *dnsmessage.Message) {
			m.Answers = []dnsmessage.Resource{soaRecord(t, "com.", 5)}
		}, "no SOA record"},
		{"NODATA with the SOA in the authority section", func(t *testing.T, m *dnsmessage.Message) {
			m.Authorities, m.Answers = m.Answers, nil
		}, "no SOA record"},
		{"the SOA in another class", func(t *testing.T, m *dnsmessage.Message) {
			m.Answers[0].Header.Class = dnsmessage.ClassCHAOS
		}, "no SOA record"},
		{"only an NS record", func(t *testing.T, m *dnsmessage.Message) {
			m.Answers = []dnsmessage.Resource{{
				Header: dnsmessage.ResourceHeader{Name: mustName(t, "example.com."), Class: dnsmessage.ClassINET},
				Body:   &dnsmessage.NSResource{NS: mustName(t, "ns.example.com.")},
			}}
		}, "no SOA record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send {
				return one(reply(t, q, 1, func(m *dnsmessage.Message) { tt.edit(t, m) }))
			})
			soa, err := (&Querier{Timeout: time.Second}).SOA(t.Context(), "example.com.", srv.Addr)
			require.ErrorIs(t, err, ErrNotServing)
			assert.Nil(t, soa)
			assert.ErrorContains(t, err, tt.says)
			assert.ErrorContains(t, err, "example.com. at "+srv.Addr.String())
			assert.NotErrorIs(t, err, ErrUnreachable)
			assert.EqualValues(t, 1, srv.udpQueries.Load(), "an answer is final: no retry")
		})
	}
}

func TestSOAOtherRecordsBeforeTheSOA(t *testing.T) {
	srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send {
		return one(reply(t, q, 11, func(m *dnsmessage.Message) {
			m.Answers = append([]dnsmessage.Resource{soaRecord(t, "other.example.", 1), {
				Header: dnsmessage.ResourceHeader{Name: mustName(t, "example.com."), Class: dnsmessage.ClassINET},
				Body:   &dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}},
			}}, m.Answers...)
		}))
	})
	soa, err := (&Querier{}).SOA(t.Context(), "EXAMPLE.COM", srv.Addr)
	require.NoError(t, err)
	assert.Equal(t, uint32(11), soa.Serial)
}

func TestSOADroppedQueriesCountTries(t *testing.T) {
	for _, tries := range []int{0, 1, 3} {
		srv := newBadServer(t, false, func(dnsmessage.Message, int) []send { return nil })
		q := &Querier{Timeout: 50 * time.Millisecond, Tries: tries}
		start := time.Now()
		_, err := q.SOA(t.Context(), "example.com.", srv.Addr)
		require.ErrorIs(t, err, ErrNoAnswer)
		assert.ErrorIs(t, err, ErrUnreachable)
		assert.NotErrorIs(t, err, ErrRefused)
		want := tries
		if want == 0 {
			want = defaultTries
		}
		assert.ErrorContains(t, err, "no answer in "+string(rune('0'+want))+" tries of 50ms")
		assert.GreaterOrEqual(t, time.Since(start), time.Duration(want)*50*time.Millisecond)
		// The last query may still be on its way through a busy machine.
		assert.Eventually(t, func() bool { return srv.udpQueries.Load() >= int64(want) }, 5*time.Second, time.Millisecond)
		assert.EqualValues(t, want, srv.udpQueries.Load(), "Tries=%d", tries)
	}
}

func TestSOARetryAfterDrop(t *testing.T) {
	srv := newBadServer(t, false, func(q dnsmessage.Message, n int) []send {
		if n == 1 {
			return nil
		}
		return one(reply(t, q, 2, nil))
	})
	soa, err := (&Querier{Timeout: 200 * time.Millisecond}).SOA(t.Context(), "example.com.", srv.Addr)
	require.NoError(t, err)
	assert.Equal(t, uint32(2), soa.Serial)
	assert.EqualValues(t, 2, srv.udpQueries.Load())
}

func TestSOAIgnoresForgedAnswers(t *testing.T) {
	forged := map[string]func(t *testing.T, q dnsmessage.Message) send{
		"wrong ID": func(t *testing.T, q dnsmessage.Message) send {
			q.ID++
			return send{msg: reply(t, q, 666, nil)}
		},
		"wrong name": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, func(m *dnsmessage.Message) {
				m.Questions = []dnsmessage.Question{{Name: mustName(t, "evil.example."), Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET}}
				m.Answers = []dnsmessage.Resource{soaRecord(t, "example.com.", 666)}
			})}
		},
		"wrong type": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, func(m *dnsmessage.Message) { m.Questions[0].Type = dnsmessage.TypeA })}
		},
		"wrong class": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, func(m *dnsmessage.Message) { m.Questions[0].Class = dnsmessage.ClassCHAOS })}
		},
		"no question": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, func(m *dnsmessage.Message) { m.Questions = nil })}
		},
		"QR unset": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, func(m *dnsmessage.Message) { m.Response = false })}
		},
		"another opcode": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, func(m *dnsmessage.Message) { m.OpCode = 4 })}
		},
		"garbage": func(*testing.T, dnsmessage.Message) send { return send{msg: []byte{1, 2, 3}} },
		"a forged REFUSED with the wrong ID": func(t *testing.T, q dnsmessage.Message) send {
			q.ID++
			return send{msg: reply(t, q, 0, func(m *dnsmessage.Message) { m.RCode, m.Answers = dnsmessage.RCodeRefused, nil })}
		},
		"the right answer from another socket": func(t *testing.T, q dnsmessage.Message) send {
			return send{msg: reply(t, q, 666, nil), fromOther: true}
		},
	}
	for name, forge := range forged {
		t.Run(name, func(t *testing.T) {
			srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send {
				return []send{forge(t, q), {msg: reply(t, q, 7, nil)}}
			})
			soa, err := (&Querier{Timeout: 5 * time.Second}).SOA(t.Context(), "example.com.", srv.Addr)
			require.NoError(t, err)
			assert.Equal(t, uint32(7), soa.Serial, "the forged answer came first and was believed")
			assert.EqualValues(t, 1, srv.udpQueries.Load())
		})
		t.Run(name+" alone", func(t *testing.T) {
			srv := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send {
				return []send{forge(t, q)}
			})
			_, err := (&Querier{Timeout: 50 * time.Millisecond, Tries: 1}).SOA(t.Context(), "example.com.", srv.Addr)
			require.ErrorIs(t, err, ErrNoAnswer, "reading goes on until the try's timeout")
		})
	}
}

// An answer to an earlier try (its ID), arriving during a later one, does not
// count.
func TestSOALateAnswerToEarlierTry(t *testing.T) {
	var firstID uint16
	srv := newBadServer(t, false, func(q dnsmessage.Message, n int) []send {
		if n == 1 {
			firstID = q.ID
			return nil
		}
		late := q
		late.ID = firstID
		if late.ID == q.ID {
			late.ID++ // the two random IDs happened to be equal
		}
		return []send{{msg: reply(t, late, 1, nil)}, {msg: reply(t, q, 2, nil)}}
	})
	// More tries than needed: on a busy machine the second may time out too,
	// and the third gets the same pair of answers.
	soa, err := (&Querier{Timeout: 100 * time.Millisecond, Tries: 5}).SOA(t.Context(), "example.com.", srv.Addr)
	require.NoError(t, err)
	assert.Equal(t, uint32(2), soa.Serial)
}

func TestSOAContextEndsAtOnce(t *testing.T) {
	asked := make(chan struct{}, 10)
	srv := newBadServer(t, true, func(dnsmessage.Message, int) []send {
		asked <- struct{}{}
		return nil
	})
	q := &Querier{Timeout: 10 * time.Second, Tries: 3}

	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-asked; cancel() }()
		start := time.Now()
		_, err := q.SOA(ctx, "example.com.", srv.Addr)
		require.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, ErrUnreachable)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := q.SOA(ctx, "example.com.", srv.Addr)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
	t.Run("already canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		before := srv.udpQueries.Load()
		_, err := q.SOA(ctx, "example.com.", srv.Addr)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, before, srv.udpQueries.Load(), "nothing sent")
	})
	t.Run("during TCP", func(t *testing.T) {
		tc := newBadServer(t, false, func(q dnsmessage.Message, _ int) []send {
			return one(reply(t, q, 1, func(m *dnsmessage.Message) { m.Truncated = true }))
		})
		// A TCP listener that accepts and never answers.
		l, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: int(tc.Addr.Port())})
		if err != nil {
			t.Skip("the UDP port's TCP twin is taken:", err)
		}
		t.Cleanup(func() { _ = l.Close() })
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := l.Accept()
			if err == nil {
				accepted <- c
			}
		}()
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			c := <-accepted
			defer c.Close()
			cancel()
		}()
		start := time.Now()
		_, err = q.SOA(ctx, "example.com.", tc.Addr)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
}

func TestSOARefusedByTheNetwork(t *testing.T) {
	// A port nobody listens on: the kernel answers with ICMP port
	// unreachable, which the connected socket reports as ECONNREFUSED.
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	addr := c.LocalAddr().(*net.UDPAddr).AddrPort()
	require.NoError(t, c.Close())

	start := time.Now()
	_, err = (&Querier{Timeout: 5 * time.Second}).SOA(t.Context(), "example.com.", addr)
	require.ErrorIs(t, err, ErrRefused)
	assert.ErrorIs(t, err, ErrUnreachable)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.NotErrorIs(t, err, ErrNoAnswer, "refused and silent are told apart")
	assert.NotErrorIs(t, err, ErrNotServing)
	assert.Less(t, time.Since(start), 2*time.Second, "a refusal ends the query without waiting for the timeout")
}

func TestSOAInvalidArguments(t *testing.T) {
	good := netip.MustParseAddrPort("127.0.0.1:53")
	var q Querier
	for _, zone := range []string{"", "a..b", "example..com.", string(make([]byte, 300)), "x" + string(make([]byte, 64)) + ".com"} {
		_, err := q.SOA(t.Context(), zone, good)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%q", zone)
		assert.ErrorContains(t, err, "invalid zone name")
	}
	for _, server := range []netip.AddrPort{{}, netip.MustParseAddrPort("127.0.0.1:0")} {
		_, err := q.SOA(t.Context(), "example.com", server)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%v", server)
		require.ErrorContains(t, err, "invalid server address")
		assert.NotErrorIs(t, err, ErrUnreachable)
	}
	//lint:ignore SA1012 a nil context is what is tested
	_, err := q.SOA(nil, "example.com", good) //nolint:staticcheck
	require.ErrorIs(t, err, secondarydns.ErrInvalidInput)
	// Negative settings are refused, not read as the defaults (nothing is
	// asked: good is port 53 of this machine, never reached).
	for _, bad := range []Querier{{Timeout: -time.Second}, {Tries: -1}} {
		_, err := bad.SOA(t.Context(), "example.com", good)
		require.ErrorIs(t, err, secondarydns.ErrInvalidInput, "%+v", bad)
		assert.ErrorContains(t, err, "negative Querier Timeout")
	}
}

func TestSOANilQuerier(t *testing.T) {
	sec := secondarydnstest.NewSecondary()
	t.Cleanup(sec.Close)
	sec.Serve(".", 3)
	var q *Querier
	soa, err := q.SOA(t.Context(), ".", sec.Addr)
	require.NoError(t, err)
	assert.Equal(t, uint32(3), soa.Serial)
}

func TestSentinels(t *testing.T) {
	assert.True(t, errors.Is(ErrNoAnswer, ErrUnreachable))
	assert.True(t, errors.Is(ErrRefused, ErrUnreachable))
	assert.False(t, errors.Is(ErrNoAnswer, ErrRefused))
	assert.False(t, errors.Is(ErrNotServing, ErrUnreachable))
}

func TestSameAddr(t *testing.T) {
	a := netip.MustParseAddrPort("127.0.0.1:53")
	assert.True(t, sameAddr(a, netip.MustParseAddrPort("[::ffff:127.0.0.1]:53")))
	assert.False(t, sameAddr(a, netip.MustParseAddrPort("127.0.0.2:53")))
	assert.False(t, sameAddr(a, netip.MustParseAddrPort("127.0.0.1:54")))
	assert.True(t, sameAddr(netip.MustParseAddrPort("[fe80::1%eth0]:53"), netip.MustParseAddrPort("[fe80::1]:53")))
}
