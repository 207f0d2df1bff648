package secondarydns

import (
	"context"
	"encoding/json"
	"net/http"
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
	_, err := (*service)(s).ready()
	return err
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
// with its IP, port and optional TSIG), which Client.Peers manages
// (/accounts/{account_id}/secondary_dns/peers): create the peers there and
// pass their IDs here.
// Each ID follows the zone-ID rule (1 to 64 of [A-Za-z0-9_-]); an IP address
// or a host name is refused with a hint saying so.
type OutgoingParams struct {
	Name  string   `json:"name"`  // the zone name, e.g. "example.com." (a trailing dot is allowed)
	Peers []string `json:"peers"` // IDs of the account's Secondary DNS peers (not addresses); nil is sent as []
}

// The eight operations. Only Create is unsafe to repeat once it may have
// reached the server: a repeated create could fail with a conflict after the
// first one succeeded. The three action POSTs are idempotent in effect (a
// repeated NOTIFY is harmless: secondaries compare SOA serials).
var (
	opGet         = outgoingEndpoint(http.MethodGet, "", false)
	opCreate      = outgoingEndpoint(http.MethodPost, "", true)
	opUpdate      = outgoingEndpoint(http.MethodPut, "", false)
	opDelete      = outgoingEndpoint(http.MethodDelete, "", false)
	opEnable      = outgoingEndpoint(http.MethodPost, "/enable", false)
	opDisable     = outgoingEndpoint(http.MethodPost, "/disable", false)
	opForceNotify = outgoingEndpoint(http.MethodPost, "/force_notify", false)
	opStatus      = outgoingEndpoint(http.MethodGet, "/status", false)
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
