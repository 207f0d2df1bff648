package verify

import (
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// FuzzParseAnswer feeds parseAnswer arbitrary messages as answers to an SOA
// query for example.com. whose ID is the message's own first two bytes (so
// most inputs get past the ID check and exercise the rest). It must never
// panic, and its result must be one of: ignored, truncated, an SOA, or an
// error wrapping ErrNotServing.
func FuzzParseAnswer(f *testing.F) {
	zone, err := dnsmessage.NewName("example.com.")
	if err != nil {
		f.Fatal(err)
	}
	q := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: 0x1234},
		Questions: []dnsmessage.Question{{Name: zone, Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET}},
	}
	soa := dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: zone, Class: dnsmessage.ClassINET, TTL: 300},
		Body:   &dnsmessage.SOAResource{NS: zone, MBox: zone, Serial: 2026120401, Refresh: 1, Retry: 2, Expire: 3, MinTTL: 4},
	}
	seeds := []func(m *dnsmessage.Message){
		func(m *dnsmessage.Message) {},
		func(m *dnsmessage.Message) { m.Truncated = true },
		func(m *dnsmessage.Message) { m.RCode = dnsmessage.RCodeRefused },
		func(m *dnsmessage.Message) { m.Authoritative = false },
		func(m *dnsmessage.Message) { m.Authorities, m.Answers = m.Answers, nil },
		func(m *dnsmessage.Message) { m.Answers = append(m.Answers, m.Answers...) },
		func(m *dnsmessage.Message) { m.Response = false },
	}
	for _, edit := range seeds {
		m := q
		m.Response, m.Authoritative = true, true
		m.Answers = []dnsmessage.Resource{soa}
		edit(&m)
		b := dnsmessage.NewBuilder(nil, m.Header)
		b.EnableCompression() // compression pointers are where parsers break
		_ = b.StartQuestions()
		for _, qq := range m.Questions {
			_ = b.Question(qq)
		}
		_ = b.StartAnswers()
		for _, r := range m.Answers {
			_ = b.SOAResource(r.Header, *r.Body.(*dnsmessage.SOAResource))
		}
		_ = b.StartAuthorities()
		for _, r := range m.Authorities {
			_ = b.SOAResource(r.Header, *r.Body.(*dnsmessage.SOAResource))
		}
		msg, err := b.Finish()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg)
	}
	f.Add([]byte{})
	f.Add([]byte{0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c})

	f.Fuzz(func(t *testing.T, msg []byte) {
		var id uint16
		if len(msg) >= 2 {
			id = binary.BigEndian.Uint16(msg)
		}
		a := parseAnswer(msg, id, zone)
		kinds := 0
		for _, set := range []bool{a.ignore, a.truncated, a.soa != nil, a.err != nil} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			t.Fatalf("parseAnswer gave %d outcomes: %+v", kinds, a)
		}
		if a.err != nil && !errors.Is(a.err, ErrNotServing) {
			t.Fatalf("error %v does not wrap ErrNotServing", a.err)
		}
		if a.soa != nil {
			// Believed: so it must really be an authoritative answer.
			var p dnsmessage.Parser
			h, err := p.Start(msg)
			if err != nil || !h.Response || !h.Authoritative || h.Truncated || h.RCode != dnsmessage.RCodeSuccess || h.ID != id {
				t.Fatalf("believed an answer with header %+v (%v)", h, err)
			}
		}
		// A different ID is never believed.
		if b := parseAnswer(msg, id+1, zone); !b.ignore {
			t.Fatalf("an answer with another ID was not ignored: %+v", b)
		}
	})
}
