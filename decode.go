package secondarydns

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// This file holds every JSON decoding rule of the SDK: the one-pass decoding
// of the envelope, the lenient decoding of Outgoing and of the envelope's
// errors and messages, and how a decoding error is described.

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
	Result *R          `json:"result"`
	Info   *resultInfo `json:"result_info"`
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
	// T (string, TransferStatus, deleted, the account objects, []Zone) has
	// no lenient decoding of its own.
	var p plainEnvelope[T]
	if json.Unmarshal(b, &p) != nil {
		return false
	}
	e.envelopeHead, e.Result, e.Info = p.head(), p.Result, p.Info
	return true
}

// Outgoing's lenient decoding. The rules are on Outgoing; decodePlain
// applies the same ones through outgoingWire.outgoing.

// outgoingWire is Outgoing as the API sends it, before the lenient parts are
// interpreted. The embedded plainOutgoing decodes the fields that need no
// interpretation (id, name, peers); the outer fields, being shallower, win
// encoding/json's name contest for the others: the serial goes through
// wireSerial, and times arrive as strings so null and "" both become "".
type outgoingWire struct {
	plainOutgoing
	SOASerial           wireSerial `json:"soa_serial"`
	CheckedTime         string     `json:"checked_time"`
	CreatedTime         string     `json:"created_time"`
	LastTransferredTime string     `json:"last_transferred_time"`
}

// plainOutgoing is Outgoing without its UnmarshalJSON, so embedding it does
// not make outgoingWire decode through that method again.
type plainOutgoing Outgoing

// UnmarshalJSON decodes the API's representation; see Outgoing for the rules.
func (o *Outgoing) UnmarshalJSON(b []byte) error {
	var w outgoingWire
	if err := json.Unmarshal(b, &w); err != nil {
		// Report JSON field names, not the wire struct's Go names: the
		// path encoding/json reports names the embedded type too.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := strings.TrimPrefix(te.Field, "plainOutgoing.")
			return &fieldError{field, "got a JSON " + te.Value + ", want " + jsonKind(te.Type.Kind())}
		}
		return err
	}
	out, err := w.outgoing()
	if err != nil {
		return err
	}
	*o = out
	return nil
}

// outgoing interprets the decoded wire form. The pipeline's one-pass decoding
// (decode.go) uses it too, so every rule applied after decoding belongs here.
func (w *outgoingWire) outgoing() (Outgoing, error) {
	out := Outgoing{ID: w.ID, Name: w.Name, Peers: w.Peers, SOASerial: uint32(w.SOASerial)}
	var err error
	if out.CheckedTime, err = parseAPITime("checked_time", w.CheckedTime); err != nil {
		return Outgoing{}, err
	}
	if out.CreatedTime, err = parseAPITime("created_time", w.CreatedTime); err != nil {
		return Outgoing{}, err
	}
	if out.LastTransferredTime, err = parseAPITime("last_transferred_time", w.LastTransferredTime); err != nil {
		return Outgoing{}, err
	}
	return out, nil
}

// fieldError names the field of a result that could not be represented.
type fieldError struct {
	field string
	why   string
}

// Error names the field and says what is wrong with it.
func (e *fieldError) Error() string {
	if e.field == "" {
		return "outgoing configuration: " + e.why
	}
	return e.field + ": " + e.why
}

// jsonKind names the JSON type a Go kind decodes from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}

// parseAPITime accepts RFC 3339 with any fractional precision; the API's
// examples use microseconds and an offset ("2019-10-24T17:09:42.883908+01:00").
func parseAPITime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &fieldError{field, strconv.Quote(s) + " is not an RFC 3339 time"}
	}
	return t, nil
}

// wireSerial decodes soa_serial, which the schema types as a JSON number, not
// an integer. Integral values in uint32 range are kept exactly whatever their
// spelling (2019102400, 2019102400.0, 2.0191024e9); anything else is refused
// rather than rounded or truncated.
type wireSerial uint32

// UnmarshalJSON applies the rules on wireSerial.
func (s *wireSerial) UnmarshalJSON(b []byte) error {
	lit := string(b)
	if lit == "null" {
		*s = 0
		return nil
	}
	if v, err := strconv.ParseUint(lit, 10, 32); err == nil {
		*s = wireSerial(v)
		return nil
	}
	if len(lit) == 0 || !(lit[0] == '-' || lit[0] >= '0' && lit[0] <= '9') {
		// The value is not quoted: a cut copy of a string could hold part
		// of an echoed credential, which no scrubbing would recognise.
		return &fieldError{"soa_serial", "got a JSON " + literalKind(lit) + ", want an unsigned 32-bit integer"}
	}
	v, ok := integralUint32(lit)
	if !ok {
		return &fieldError{"soa_serial", truncate(lit, 40) + " is not an integer in uint32 range"}
	}
	*s = wireSerial(v)
	return nil
}

// integralUint32 reads a JSON number literal exactly, as decimal digits and
// an exponent, and reports whether it is an integer in uint32 range ("-0" and
// "0e99" are 0). No float rounding can turn 4294967295.5 into a valid serial,
// and the work is linear in the literal's length: math/big would compute
// 10^999999 for "1e-999999" (tens of milliseconds, seconds for a 1 MiB one).
func integralUint32(lit string) (uint32, bool) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(lit), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return 0, true // zero, whatever the sign and exponent
	}
	if neg {
		return 0, false
	}
	exp := -len(frac) // the value is digits × 10^exp
	if hasExp {
		// ±2^30 fits int on 32-bit platforms too.
		e, err := strconv.Atoi(expPart)
		if err != nil || e < -1<<30 || e > 1<<30 {
			// Beyond any literal a 1 MiB body can hold: with non-zero
			// digits, either not an integer or far out of range.
			return 0, false
		}
		exp += e
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	// digits has no trailing zero: a negative exponent leaves a fraction,
	// and 11 digits or more are at least 10^10.
	if exp < 0 || len(digits)+exp > 10 {
		return 0, false
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	for ; exp > 0; exp-- {
		v *= 10
	}
	if v > 1<<32-1 {
		return 0, false
	}
	return uint32(v), true
}

// literalKind names the JSON type of a literal that is not a number.
func literalKind(lit string) string {
	switch lit[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "boolean"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// describeDecodeError names the field a decoding error is about without the
// struct names encoding/json would print.
func describeDecodeError(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var fe *fieldError
	switch {
	case errors.As(err, &fe) && fe.field == "":
		return "result: " + fe.why
	case errors.As(err, &fe):
		return "result." + fe.Error()
	case errors.As(err, &te) && te.Field != "":
		return te.Field + ": got a JSON " + te.Value + ", want " + jsonKind(te.Type.Kind())
	case errors.As(err, &se):
		return "the body is not valid JSON: " + se.Error()
	}
	return err.Error()
}

// Lenient decoding of the envelope's errors and messages.

// UnmarshalJSON accepts the documented object form and a bare string.
func (ri *ResponseInfo) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*ri = ResponseInfo{}
		return json.Unmarshal(b, &ri.Message)
	}
	// The alias drops this method so the default decoding applies.
	type plain ResponseInfo
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*ri = ResponseInfo(p)
	return nil
}

// infoList decodes an envelope's errors or messages: an array of entries, a
// single entry, a bare string or null. Anything else decodes to nothing rather
// than failing the call, because the status code already tells what happened.
type infoList []ResponseInfo

// UnmarshalJSON accepts every shape listed on infoList.
func (l *infoList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(b, &items) != nil {
			return nil
		}
		out := make(infoList, 0, len(items))
		for _, it := range items {
			var ri ResponseInfo
			if ri.UnmarshalJSON(it) == nil {
				out = append(out, ri)
			}
		}
		*l = out
	case '{', '"':
		var ri ResponseInfo
		if ri.UnmarshalJSON(b) == nil {
			*l = infoList{ri}
		}
	}
	return nil
}
