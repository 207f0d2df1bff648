package secondarydns

import "context"

// FleetOptions tunes ApplyAll and ExecuteAll.
type FleetOptions struct {
	Concurrency int              // zones in flight at once; 0 means 4
	DryRun      bool             // plan every zone, change nothing
	Progress    func(ZoneResult) // called once per zone as it finishes, never concurrently
}

// ZoneResult is the outcome of one zone of a fleet run.
type ZoneResult struct {
	ZoneID string
	Plan   *Plan // nil when the zone could not be planned
	Err    error
}

// ApplyAll applies the desired state of every zone.
func (s *OutgoingService) ApplyAll(ctx context.Context, zones map[string]Desired, fo FleetOptions, opts ...Option) ([]ZoneResult, error) {
	return nil, errTODO
}

// ExecuteAll executes reviewed plans.
func (s *OutgoingService) ExecuteAll(ctx context.Context, plans []*Plan, fo FleetOptions, opts ...Option) ([]ZoneResult, error) {
	return nil, errTODO
}
