package verify

import (
	"fmt"

	"golang.org/x/net/dns/dnsmessage"
)

// answer is what one received message means for a query.
type answer struct {
	ignore    bool  // not an answer to this query: keep reading
	truncated bool  // TC set: ask again over TCP
	soa       *SOA  // the zone's SOA, when served
	err       error // wraps ErrNotServing when the server answered without serving
}

// parseAnswer reads msg as a possible answer to the SOA query for zone with
// the given ID. A message that cannot be parsed as far as its question, or
// whose ID, QR bit, opcode or question differ from the query's, is ignored,
// as the standard library's resolver ignores it: over UDP anyone can send
// it. Once a message matches, what it says is believed, and a malformed rest
// is the server's fault (ErrNotServing).
func parseAnswer(msg []byte, id uint16, zone dnsmessage.Name) answer {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil || h.ID != id || !h.Response || h.OpCode != opQuery {
		return answer{ignore: true}
	}
	q, err := p.Question()
	if err != nil || q.Type != dnsmessage.TypeSOA || q.Class != dnsmessage.ClassINET || !sameName(q.Name, zone) {
		return answer{ignore: true}
	}
	if h.Truncated {
		return answer{truncated: true}
	}
	if h.RCode != dnsmessage.RCodeSuccess {
		return notServing("%s", rcodeName(h.RCode))
	}
	if !h.Authoritative {
		return notServing("the answer is not authoritative (AA unset)")
	}
	if err := p.SkipAllQuestions(); err != nil {
		return notServing("malformed answer: %v", err)
	}
	for {
		ah, err := p.AnswerHeader()
		if err == dnsmessage.ErrSectionDone {
			return notServing("no SOA record for %s in the answer", zone)
		}
		if err != nil {
			return notServing("malformed answer: %v", err)
		}
		if ah.Type == dnsmessage.TypeSOA && ah.Class == dnsmessage.ClassINET && sameName(ah.Name, zone) {
			r, err := p.SOAResource()
			if err != nil {
				return notServing("malformed SOA record: %v", err)
			}
			return answer{soa: &SOA{
				Serial:  r.Serial,
				MName:   r.NS.String(),
				RName:   r.MBox.String(),
				Refresh: r.Refresh,
				Retry:   r.Retry,
				Expire:  r.Expire,
				Minimum: r.MinTTL,
			}}
		}
		if err := p.SkipAnswer(); err != nil {
			return notServing("malformed answer: %v", err)
		}
	}
}

func notServing(format string, args ...any) answer {
	return answer{err: fmt.Errorf("%w: "+format, append([]any{ErrNotServing}, args...)...)}
}

// sameName compares names as DNS does: ASCII letters without case, every
// other octet exactly (strings.EqualFold would also fold non-ASCII runes).
func sameName(a, b dnsmessage.Name) bool {
	if a.Length != b.Length {
		return false
	}
	for i := range int(a.Length) {
		if lower(a.Data[i]) != lower(b.Data[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// rcodeName gives an RCODE its mnemonic (RFC 1035, 2136, 2845), as dig
// prints it.
func rcodeName(rc dnsmessage.RCode) string {
	names := [...]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"}
	if int(rc) < len(names) {
		return names[rc]
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// opQuery is the standard query's opcode (RFC 1035); dnsmessage names none.
const opQuery dnsmessage.OpCode = 0
