package secondarydns

import "encoding/json"

// One-pass decoding of the envelope.
//
// The lenient types (infoList, ResponseInfo and Outgoing, with their
// UnmarshalJSON methods) make encoding/json scan each value they cover again
// and decode it through a nested json.Unmarshal: the API's example answer
// cost 2.5x the CPU and 40 more allocations than decoding it into plain
// structs, more than the rest of the call's own overhead put together.
//
// So decode first tries plain types, which accept only well-formed answers
// (errors and messages as arrays of objects, a result of the expected JSON
// type, times and serial that Outgoing accepts) in one pass. Any other body
// (a bare string among the errors, a bad time or serial, a wrong type, invalid
// JSON) makes that attempt fail and is decoded again, from scratch, through
// the lenient types, which alone decide the outcome and the error message.
// For a body both accept they give the same values; the one exception is an
// envelope that repeats a member name (errors, messages or result), which
// encoding/json merges into the first value here and the lenient types
// replace.

// decode fills e, which must be fresh, from the body b.
func (e *envelope[T]) decode(b []byte) error {
	if e.decodePlain(b) {
		return nil
	}
	return json.Unmarshal(b, e)
}

// decodeHead fills h, which must be fresh, from the body b of an answer that
// is not a success, the same way: plain types first, then the lenient ones.
func decodeHead(b []byte, h *envelopeHead) error {
	var p plainHead
	if json.Unmarshal(b, &p) == nil {
		*h = p.head()
		return nil
	}
	return json.Unmarshal(b, h)
}

// plainHead is envelopeHead made of plain types.
type plainHead struct {
	Success  *bool       `json:"success"`
	Errors   []plainInfo `json:"errors"`
	Messages []plainInfo `json:"messages"`
}

// plainEnvelope is envelope[T] made of plain types; R is T or its wire form.
type plainEnvelope[R any] struct {
	plainHead
	Result *R `json:"result"`
}

// plainInfo is ResponseInfo without its lenient UnmarshalJSON. (Entries of
// error_chain still go through it, as they do on the lenient path.)
type plainInfo ResponseInfo

func (p *plainHead) head() envelopeHead {
	return envelopeHead{Success: p.Success, Errors: fromPlain(p.Errors), Messages: fromPlain(p.Messages)}
}

// fromPlain converts a list, keeping nil and empty apart as infoList does.
func fromPlain(p []plainInfo) infoList {
	if p == nil {
		return nil
	}
	l := make(infoList, len(p))
	for i := range p {
		l[i] = ResponseInfo(p[i])
	}
	return l
}

// decodePlain is the one-pass attempt. It leaves e untouched when it fails.
func (e *envelope[T]) decodePlain(b []byte) bool {
	if o, ok := any(e).(*envelope[Outgoing]); ok {
		// Decode Outgoing's wire form and interpret it as
		// Outgoing.UnmarshalJSON does.
		var p plainEnvelope[outgoingWire]
		if json.Unmarshal(b, &p) != nil {
			return false
		}
		var res *Outgoing
		if p.Result != nil {
			out, err := p.Result.outgoing()
			if err != nil {
				return false
			}
			res = &out
		}
		o.envelopeHead, o.Result = p.head(), res
		return true
	}
	// T (string, TransferStatus, deleted) has no lenient decoding of its own.
	var p plainEnvelope[T]
	if json.Unmarshal(b, &p) != nil {
		return false
	}
	e.envelopeHead, e.Result = p.head(), p.Result
	return true
}
