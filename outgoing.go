package secondarydns

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// OutgoingService calls the endpoints under
// /zones/{zone_id}/secondary_dns/outgoing ("Cloudflare as primary"): the
// configuration of which secondary nameservers may pull a zone, whether
// transfers are enabled, and a forced DNS NOTIFY. Reach it as Client.Outgoing.
type OutgoingService struct {
	client *Client
}

// ready refuses a service that NewClient did not make (a zero
// OutgoingService, a nil one, or one of a zero Client) instead of panicking.
func (s *OutgoingService) ready() error {
	if s == nil || s.client == nil || s.client.cfg == nil {
		return invalid("the client was not made by NewClient; use NewClient")
	}
	return nil
}

// Outgoing is a zone's primary (outgoing transfer) configuration.
//
// Decoding is lenient where the API is loose and strict where data would be
// lost: times accept RFC 3339 with any fractional precision and "Z" or an
// offset, and "", null or an absent field mean the zero time; soa_serial
// accepts any integral JSON number that fits a uint32 (2019102400.0 too);
// unknown fields are ignored. Anything else fails with an error naming the
// field. Encoding uses the API's field names and omits zero times.
type Outgoing struct {
	ID                  string    `json:"id,omitempty"`
	Name                string    `json:"name,omitempty"`
	Peers               []string  `json:"peers,omitempty"`
	SOASerial           uint32    `json:"soa_serial,omitempty"`
	CheckedTime         time.Time `json:"checked_time,omitzero"`          // zero when absent, null or ""
	CreatedTime         time.Time `json:"created_time,omitzero"`          // zero when absent, null or ""
	LastTransferredTime time.Time `json:"last_transferred_time,omitzero"` // zero when absent, null or ""
}

// OutgoingParams is the body of Create and Update.
//
// Peers are not addresses: each is the ID of one of the account's Secondary
// DNS peers (the secondary nameservers allowed to transfer the zone, each
// with its IP, port and optional TSIG), which are managed under
// /accounts/{account_id}/secondary_dns/peers. That API is not covered by this
// SDK; create the peers there (or in the dashboard) and pass their IDs here.
// Each ID follows the zone-ID rule (1 to 64 of [A-Za-z0-9_-]); an IP address
// or a host name is refused with a hint saying so.
type OutgoingParams struct {
	Name  string   `json:"name"`  // the zone name, e.g. "example.com." (a trailing dot is allowed)
	Peers []string `json:"peers"` // IDs of the account's Secondary DNS peers (not addresses); nil is sent as []
}

// outgoingWire is Outgoing as the API sends it, before the lenient parts are
// interpreted. Times arrive as strings so null and "" both become "".
type outgoingWire struct {
	ID                  string     `json:"id"`
	Name                string     `json:"name"`
	Peers               []string   `json:"peers"`
	SOASerial           wireSerial `json:"soa_serial"`
	CheckedTime         string     `json:"checked_time"`
	CreatedTime         string     `json:"created_time"`
	LastTransferredTime string     `json:"last_transferred_time"`
}

// UnmarshalJSON decodes the API's representation; see Outgoing for the rules.
func (o *Outgoing) UnmarshalJSON(b []byte) error {
	var w outgoingWire
	if err := json.Unmarshal(b, &w); err != nil {
		// Report JSON field names, not the wire struct's Go names.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &fieldError{te.Field, "got a JSON " + te.Value + ", want " + jsonKind(te.Type.Kind())}
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

// The eight operations. Only Create is unsafe to repeat once it may have
// reached the server: a repeated create could fail with a conflict after the
// first one succeeded. The three action POSTs are idempotent in effect (a
// repeated NOTIFY is harmless: secondaries compare SOA serials).
var (
	opGet         = endpoint{method: http.MethodGet}
	opCreate      = endpoint{method: http.MethodPost, createLike: true}
	opUpdate      = endpoint{method: http.MethodPut}
	opDelete      = endpoint{method: http.MethodDelete}
	opEnable      = endpoint{method: http.MethodPost, suffix: "/enable"}
	opDisable     = endpoint{method: http.MethodPost, suffix: "/disable"}
	opForceNotify = endpoint{method: http.MethodPost, suffix: "/force_notify"}
	opStatus      = endpoint{method: http.MethodGet, suffix: "/status"}
)

// emptyObject is the body of the action POSTs: the API requires a JSON body
// but defines no fields.
var emptyObject = []byte("{}")

// Get returns the zone's outgoing transfer configuration.
// It calls GET /zones/{zone_id}/secondary_dns/outgoing. A zone without one
// gives an *APIError matching ErrNotFound.
func (s *OutgoingService) Get(ctx context.Context, zoneID string, opts ...Option) (*Outgoing, error) {
	return call[Outgoing](ctx, s, &opGet, zoneID, nil, opts)
}

// Create creates the zone's outgoing transfer configuration.
// It calls POST /zones/{zone_id}/secondary_dns/outgoing with {"name","peers"}.
// Because a repeated create is not safe, it is retried only on 429 and on
// failures to connect.
func (s *OutgoingService) Create(ctx context.Context, zoneID string, params OutgoingParams, opts ...Option) (*Outgoing, error) {
	return s.write(ctx, &opCreate, zoneID, params, opts)
}

// Update replaces the zone's outgoing transfer configuration (name and peers).
// It calls PUT /zones/{zone_id}/secondary_dns/outgoing with {"name","peers"}.
func (s *OutgoingService) Update(ctx context.Context, zoneID string, params OutgoingParams, opts ...Option) (*Outgoing, error) {
	return s.write(ctx, &opUpdate, zoneID, params, opts)
}

// write is Create and Update: the same body to a different method. A
// service NewClient did not make is refused before the parameters are
// looked at, so that mistake is the one reported.
func (s *OutgoingService) write(ctx context.Context, ep *endpoint, zoneID string, params OutgoingParams, opts []Option) (*Outgoing, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	body, err := params.encode()
	if err != nil {
		return nil, refused(opts, err)
	}
	return call[Outgoing](ctx, s, ep, zoneID, body, opts)
}

// Delete deletes the zone's outgoing transfer configuration and returns the
// deleted configuration's ID. Deleting does not disable transfers first; call
// Disable for that.
// It calls DELETE /zones/{zone_id}/secondary_dns/outgoing (no body).
func (s *OutgoingService) Delete(ctx context.Context, zoneID string, opts ...Option) (string, error) {
	res, err := call[deleted](ctx, s, &opDelete, zoneID, nil, opts)
	if err != nil {
		return "", err
	}
	return res.ID, nil
}

// deleted is Delete's result.
type deleted struct {
	ID string `json:"id"`
}

// ForceNotify sends a DNS NOTIFY to the zone's secondaries and clears the
// zone's IXFR backlog. It returns the API's answer, e.g. "OK".
// It calls POST /zones/{zone_id}/secondary_dns/outgoing/force_notify with {}.
func (s *OutgoingService) ForceNotify(ctx context.Context, zoneID string, opts ...Option) (string, error) {
	return deref(call[string](ctx, s, &opForceNotify, zoneID, emptyObject, opts))
}

// encode validates the parameters and returns the request body. nil peers are
// sent as [] because the API requires the array.
func (p OutgoingParams) encode() ([]byte, error) {
	if err := validateName(p.Name); err != nil {
		return nil, err
	}
	if err := validatePeers(p.Peers); err != nil {
		return nil, err
	}
	if p.Peers == nil {
		p.Peers = []string{}
	}
	return json.Marshal(p)
}
