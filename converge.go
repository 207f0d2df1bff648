package secondarydns

import (
	"context"
	"errors"
)

// Desired is the outgoing transfer state a zone should be in.
type Desired struct {
	Name   string         // the zone name; required unless Absent
	Peers  []string       // peer IDs, compared as a set: order and duplicates do not matter
	Status TransferStatus // StatusEnabled or StatusDisabled; "" leaves the status as it is
	Absent bool           // the zone must have no configuration; Name, Peers and Status must be empty
}

// Action is one change Apply makes to a zone.
type Action string

// The actions a Plan may hold, in the order they can appear.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionEnable  Action = "enable"
	ActionDisable Action = "disable"
	ActionDelete  Action = "delete"
)

// Plan is what Apply does to one zone, computed from what the API reports now.
type Plan struct {
	ZoneID  string
	Want    Desired
	Current *Outgoing      // nil when the zone has no configuration
	Status  TransferStatus // the current status; "" when it was not read
	Actions []Action       // in the order Apply performs them; empty when in sync
	Done    []Action       // filled by Apply: the actions that succeeded, in order
}

// InSync reports whether the plan has nothing to do.
func (p *Plan) InSync() bool { return len(p.Actions) == 0 }

// ErrStale reports that the zone changed since it was planned; nothing
// unplanned was done.
var ErrStale = errors.New("secondarydns: the zone changed since it was planned")

var errTODO = errors.New("secondarydns: not implemented yet")

// Plan reads the zone and returns what Apply would do to reach want.
func (s *OutgoingService) Plan(ctx context.Context, zoneID string, want Desired, opts ...Option) (*Plan, error) {
	return nil, errTODO
}

// Execute performs exactly p's remaining actions, with no reads first.
func (s *OutgoingService) Execute(ctx context.Context, p *Plan, opts ...Option) (*Plan, error) {
	return nil, errTODO
}

// Apply plans the zone and executes the plan.
func (s *OutgoingService) Apply(ctx context.Context, zoneID string, want Desired, opts ...Option) (*Plan, error) {
	return nil, errTODO
}
