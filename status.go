package secondarydns

import "context"

// TransferStatus is the outgoing zone transfer status of a primary zone. It is
// an open set: values other than the constants below are returned as they are.
type TransferStatus string

// Known transfer statuses.
const (
	StatusEnabled  TransferStatus = "Enabled"
	StatusDisabled TransferStatus = "Disabled"
)

// Enable starts outgoing zone transfers (the API also sends a DNS NOTIFY to
// the secondaries) and returns the new status, normally StatusEnabled.
// It calls POST /zones/{zone_id}/secondary_dns/outgoing/enable with {}.
func (s *OutgoingService) Enable(ctx context.Context, zoneID string, opts ...Option) (TransferStatus, error) {
	return deref(call[TransferStatus](ctx, s, &opEnable, zoneID, emptyObject, opts))
}

// Disable stops outgoing zone transfers and clears the zone's IXFR backlog;
// secondaries stop receiving updates. It returns the new status, normally
// StatusDisabled.
// It calls POST /zones/{zone_id}/secondary_dns/outgoing/disable with {}.
func (s *OutgoingService) Disable(ctx context.Context, zoneID string, opts ...Option) (TransferStatus, error) {
	return deref(call[TransferStatus](ctx, s, &opDisable, zoneID, emptyObject, opts))
}

// Status returns the zone's outgoing transfer status.
// It calls GET /zones/{zone_id}/secondary_dns/outgoing/status.
func (s *OutgoingService) Status(ctx context.Context, zoneID string, opts ...Option) (TransferStatus, error) {
	return deref(call[TransferStatus](ctx, s, &opStatus, zoneID, nil, opts))
}
