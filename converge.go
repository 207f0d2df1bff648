package secondarydns

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
)

// Desired is the outgoing transfer state a zone should be in.
type Desired struct {
	Name string // the zone name, e.g. "example.com."; required unless Absent
	// Peers are peer IDs: the IDs of the account's Secondary DNS peers
	// (Client.Peers, or AccountPlan.PeerID for a peer managed by name),
	// not IP addresses or host names. They are compared as a set:
	// order and duplicates do not matter. They are the whole list the zone
	// must have: nil, like an empty list, means no peers, so a Desired
	// written only to enable a zone removes every peer it has. To keep the
	// current peers, read them first (Get) and copy them here.
	Peers  []string
	Status TransferStatus // StatusEnabled or StatusDisabled; "" leaves the status as it is
	Absent bool           // the zone must have no configuration; Name, Peers and Status must be empty
}

// Action is one change Execute makes to a zone: one request to the API.
type Action string

// The actions a Plan may hold. Create and Update send Want's name and peers;
// Enable and Disable set the transfer status; Delete removes the
// configuration.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionEnable  Action = "enable"
	ActionDisable Action = "disable"
	ActionDelete  Action = "delete"
)

// Plan is what Apply does to one zone, computed from what the API reports now.
//
// A Plan is plain data: print it, review it, save it, and hand it to Execute
// to perform exactly its Actions.
type Plan struct {
	ZoneID  string
	Want    Desired
	Current *Outgoing      // nil when the zone has no configuration
	Status  TransferStatus // the current status; "" when it was not read
	Actions []Action       // in the order Apply performs them; empty when in sync
	Done    []Action       // filled by Execute and Apply: the actions that succeeded, in order

	// readAfter is how many of Actions were done before Current and
	// Status were read: Apply's fresh plans (after ErrStale or a lockout)
	// put the actions done before in front. Execute's check applies only
	// the done actions after it to what was read.
	readAfter int
}

// InSync reports whether the plan has nothing to do. A nil plan (none
// was made: a ZoneResult of a zone that could not be planned, say) is not
// in sync.
func (p *Plan) InSync() bool { return p != nil && len(p.Actions) == 0 }

// ErrStale reports that the zone changed since it was planned: Execute's
// check before its first write found it other than the plan read it (the
// error says what differs), a Create answered 409, an Update, Enable or
// Disable answered 404, a Delete answered 404 with code 7003 or 7000 (the
// zone can no longer be addressed), or a Create of unknown outcome found a
// configuration other than the one wanted. ExecuteAccount reports an
// account object that changed since its plan the same way. Nothing that was
// not planned was done. The error also wraps the *APIError of the answer
// that showed it, if any.
var ErrStale = errors.New("secondarydns: the zone changed since it was planned")

// Plan reads the zone and returns what Apply would do to bring it to want. It
// changes nothing.
//
// It sends GET /outgoing, where a 404 means "no configuration", and, only
// when a configuration exists and want.Status is set or want.Absent, GET
// /outgoing/status; a 404 there means the configuration went away between
// the two reads, and the plan is made as for none. A 404 that carries code
// 7003 or 7000, on either read, says the zone ID is wrong, not that the
// configuration is missing: Plan returns that error (it matches
// ErrUnknownID and ErrNotFound), so an Absent zone with a mistyped ID is
// never "in sync". want is checked before any request: an invalid zone ID,
// name, peer ID or status, or Absent with anything else set, is
// ErrInvalidInput.
//
// Names compare ignoring ASCII case and one trailing dot; peers compare as
// sets; the id, SOA serial and times never count as a difference.
func (s *OutgoingService) Plan(ctx context.Context, zoneID string, want Desired, opts ...Option) (*Plan, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	if err := validateDesired(zoneID, want); err != nil {
		return nil, refused(opts, err)
	}
	return s.plan(ctx, zoneID, want, opts)
}

// Execute performs p's actions after its Done prefix, in order, and returns a
// copy of p with Done extended; Current and Status stay what the plan read.
// It never performs an action p does not list, so what runs is exactly what
// was reviewed. A plan that was partly done resumes where it stopped.
//
// Before the first action it performs, Execute reads the zone again: GET
// /outgoing, and GET /outgoing/status when the plan read the status. The
// zone must be what the plan read with the actions in p.Done applied (a
// create leaves a Disabled configuration with Want's name and peers, an
// update Want's name and peers, enable and disable the status, delete
// none), compared as Plan compares: existence, the name without case and
// trailing dot, the peers as a set, and the status if the plan read it.
// Otherwise Execute ends with an error matching ErrStale that says what
// differs, and performs nothing. A plan with nothing left to do sends
// nothing. So a zone someone changed while the plan waited for review is
// never overwritten.
//
// An answer that shows the zone changed (Create answered 409, Update,
// Enable or Disable answered 404, Delete answered 404 with code 7003 or
// 7000) ends it with an error matching ErrStale that wraps the *APIError.
// Delete answered a plain 404 counts as done. A Create that
// failed in a way that may have reached the server (a 5xx, ErrInvalidResponse,
// or a transport error after the request was sent) is settled by one GET: the
// wanted configuration means it happened; none means it did not, and it is
// sent once more; any other configuration is ErrStale.
//
// On failure the error names the zone and the action and wraps the call's
// error (errors.As reaches the *APIError). p is checked first (non-nil, its
// zone ID and Want valid, known actions, Done a prefix of Actions):
// ErrInvalidInput.
func (s *OutgoingService) Execute(ctx context.Context, p *Plan, opts ...Option) (*Plan, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	if err := validatePlan(p); err != nil {
		return nil, refused(opts, err)
	}
	return s.execute(ctx, p, &check{}, opts)
}

// Apply brings the zone to want: Plan, then Execute. It sends exactly the
// plan's reads plus one request per action (retries aside): its plan is
// fresh, so its execution skips Execute's check before the first write.
//
// When Execute ends with ErrStale, because someone changed the zone between
// the reads and the writes, Apply plans again from fresh reads and executes
// that, once; a second ErrStale is returned. The returned plan's Actions are
// then the actions done before followed by the fresh plan's, so Done is
// always a prefix of Actions.
//
// On failure Apply returns the plan so far (nil when the zone could not be
// planned) and an error that names the zone and the failing step and wraps
// the call's error. WithResponse reports Apply's last request.
func (s *OutgoingService) Apply(ctx context.Context, zoneID string, want Desired, opts ...Option) (*Plan, error) {
	if err := s.ready(); err != nil {
		return nil, refused(opts, err)
	}
	if err := validateDesired(zoneID, want); err != nil {
		return nil, refused(opts, err)
	}
	return s.apply(ctx, zoneID, want, nil, opts)
}

// apply plans and executes, replanning once on ErrStale. done holds actions
// an earlier attempt at this zone completed (see ApplyAll's lockout rule):
// they lead the plan's Actions and Done.
func (s *OutgoingService) apply(ctx context.Context, zoneID string, want Desired, done []Action, opts []Option) (*Plan, error) {
	p, err := s.planAfter(ctx, zoneID, want, done, opts)
	if err != nil {
		return nil, err
	}
	// The plan was read just now: no check before the writes.
	q, err := s.execute(ctx, p, nil, opts)
	if !errors.Is(err, ErrStale) {
		return q, err
	}
	fresh, perr := s.planAfter(ctx, zoneID, want, q.Done, opts)
	if perr != nil {
		return q, perr
	}
	return s.execute(ctx, fresh, nil, opts)
}

// planAfter plans the zone and puts done in front of the new actions.
func (s *OutgoingService) planAfter(ctx context.Context, zoneID string, want Desired, done []Action, opts []Option) (*Plan, error) {
	p, err := s.plan(ctx, zoneID, want, opts)
	if err != nil || len(done) == 0 {
		return p, err
	}
	p.Actions = append(slices.Clip(done), p.Actions...)
	p.Done = slices.Clone(done)
	p.readAfter = len(done)
	return p, nil
}

// plan makes the reads of the contract and computes the actions.
func (s *OutgoingService) plan(ctx context.Context, zoneID string, want Desired, opts []Option) (*Plan, error) {
	p := &Plan{ZoneID: zoneID, Want: want}
	cur, err := s.Get(ctx, zoneID, opts...)
	switch {
	case noConfig(err):
	case err != nil:
		return nil, stepError(zoneID, "plan", err)
	default:
		p.Current = cur
	}
	if p.Current != nil && (want.Status != "" || want.Absent) {
		st, err := s.Status(ctx, zoneID, opts...)
		switch {
		case noConfig(err):
			p.Current = nil // deleted between the two reads
		case err != nil:
			return nil, stepError(zoneID, "plan", err)
		default:
			p.Status = st
		}
	}
	p.Actions = actionsFor(want, p.Current, p.Status)
	return p, nil
}

// actionsFor is the contract's action table.
func actionsFor(want Desired, cur *Outgoing, st TransferStatus) []Action {
	var acts []Action
	switch {
	case want.Absent:
		if cur != nil {
			// The status is an open set: anything but Disabled (Enabled,
			// or a value this SDK does not know) may be serving
			// transfers, so it is disabled before the delete.
			if st != StatusDisabled {
				acts = append(acts, ActionDisable)
			}
			acts = append(acts, ActionDelete)
		}
	case cur == nil:
		// A new configuration starts Disabled.
		acts = append(acts, ActionCreate)
		if want.Status == StatusEnabled {
			acts = append(acts, ActionEnable)
		}
	default:
		if !sameConfig(cur, want) {
			acts = append(acts, ActionUpdate)
		}
		if want.Status != "" && want.Status != st {
			if want.Status == StatusEnabled {
				acts = append(acts, ActionEnable)
			} else {
				acts = append(acts, ActionDisable)
			}
		}
	}
	return acts
}

// execute runs the remaining actions of a valid plan. With chk it first
// checks that the zone is still what the plan expects (see recheck).
func (s *OutgoingService) execute(ctx context.Context, p *Plan, chk *check, opts []Option) (*Plan, error) {
	q := *p
	q.Actions = slices.Clone(p.Actions)
	q.Done = slices.Clone(p.Done)
	left := p.Actions[len(p.Done):]
	if len(left) == 0 {
		return &q, nil
	}
	if chk != nil {
		if err := s.recheck(ctx, &q, chk, opts); err != nil {
			return &q, stepError(q.ZoneID, string(left[0]), err)
		}
	}
	for _, act := range left {
		if err := s.perform(ctx, &q, act, opts); err != nil {
			return &q, stepError(q.ZoneID, string(act), err)
		}
		q.Done = append(q.Done, act)
	}
	return &q, nil
}

// check asks execute to read the zone again before its first write.
type check struct {
	// pending is an action an earlier attempt sent whose outcome is
	// unknown (a lockout cut the attempt short after it was sent): the
	// zone may be as before it or as after it. "" when none.
	pending Action
}

// zoneState is a zone's configuration as read, or as a plan expects it.
type zoneState struct {
	exists bool
	name   string
	peers  []string
	status TransferStatus // "" when not read, and then not compared
}

// expectedState is what the plan read with acts (the actions done since)
// applied to it. The status is followed only when the plan read it.
func expectedState(p *Plan, acts []Action) zoneState {
	st := zoneState{status: p.Status}
	if p.Current != nil {
		st.exists, st.name, st.peers = true, p.Current.Name, p.Current.Peers
	}
	for _, act := range acts {
		st = st.after(act, p.Want, p.Status != "")
	}
	return st
}

// after is st once act succeeded. status says whether the status is
// followed.
func (st zoneState) after(act Action, want Desired, status bool) zoneState {
	switch act {
	case ActionCreate:
		st = zoneState{exists: true, name: want.Name, peers: want.Peers}
		if status {
			st.status = StatusDisabled // a new configuration starts Disabled
		}
	case ActionUpdate:
		st.exists, st.name, st.peers = true, want.Name, want.Peers
	case ActionEnable:
		if status {
			st.status = StatusEnabled
		}
	case ActionDisable:
		if status {
			st.status = StatusDisabled
		}
	case ActionDelete:
		st = zoneState{}
	}
	return st
}

// recheck reads the zone again (GET /outgoing, and GET /status when the
// plan read the status) and returns ErrStale, saying what differs, unless
// it is what the plan read with p.Done applied.
func (s *OutgoingService) recheck(ctx context.Context, p *Plan, chk *check, opts []Option) error {
	status := p.Status != ""
	got, err := s.readState(ctx, p.ZoneID, status, opts)
	if err != nil {
		return err
	}
	want := expectedState(p, p.Done[min(p.readAfter, len(p.Done)):])
	diff := drift(want, got)
	if diff == "" {
		return nil
	}
	if chk.pending != "" && drift(want.after(chk.pending, p.Want, status), got) == "" {
		return nil // the interrupted action had taken effect
	}
	return &staleError{what: diff}
}

// readState reads the zone's configuration, and its status when asked.
func (s *OutgoingService) readState(ctx context.Context, zoneID string, status bool, opts []Option) (zoneState, error) {
	cur, err := s.Get(ctx, zoneID, opts...)
	switch {
	case noConfig(err):
		return zoneState{}, nil
	case notFound(err):
		// 7003/7000: the zone the plan read can no longer be addressed.
		return zoneState{}, stale(err)
	case err != nil:
		return zoneState{}, &checkError{err}
	}
	st := zoneState{exists: true, name: cur.Name, peers: cur.Peers}
	if !status {
		return st, nil
	}
	st.status, err = s.Status(ctx, zoneID, opts...)
	switch {
	case noConfig(err):
		return zoneState{}, nil // gone between the two reads
	case notFound(err):
		return zoneState{}, stale(err)
	case err != nil:
		return zoneState{}, &checkError{err}
	}
	return st, nil
}

// drift says how got differs from want, or "" when it does not (by the
// converge comparison: names without case and trailing dot, peers as sets,
// the status only when want has one).
func drift(want, got zoneState) string {
	switch {
	case want.exists && !got.exists:
		return "its configuration is gone"
	case !want.exists && got.exists:
		return "it has a configuration now (name " + quoteShort(got.name) + ")"
	case !want.exists:
		return ""
	}
	var d []string
	if !EqualNames(got.name, want.name) {
		d = append(d, "the name is "+quoteShort(got.name)+", not "+quoteShort(want.name))
	}
	if !samePeers(got.peers, want.peers) {
		d = append(d, "the peers differ ("+peerDiff(got.peers, want.peers)+")")
	}
	if want.status != "" && got.status != want.status {
		d = append(d, "the status is "+quoteShort(string(got.status))+", not "+quoteShort(string(want.status)))
	}
	return strings.Join(d, "; ")
}

// peerDiff lists the peers got has that want has not (extra), and those
// want has that got has not (missing).
func peerDiff(got, want []string) string {
	var added, removed []string
	for _, id := range got {
		if !slices.Contains(want, id) && !slices.Contains(added, id) {
			added = append(added, quoteShort(id))
		}
	}
	for _, id := range want {
		if !slices.Contains(got, id) && !slices.Contains(removed, id) {
			removed = append(removed, quoteShort(id))
		}
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "extra "+strings.Join(added, " "))
	}
	if len(removed) > 0 {
		parts = append(parts, "missing "+strings.Join(removed, " "))
	}
	return strings.Join(parts, ", ")
}

// checkError is a failed read of the check before the first write: nothing
// was written.
type checkError struct{ err error }

// Error says that the check failed and quotes why.
func (e *checkError) Error() string {
	return "the check before writing failed: " + trimPrefix(e.err)
}

// Unwrap returns the read's error.
func (e *checkError) Unwrap() error { return e.err }

// perform sends one action and classifies its answer.
func (s *OutgoingService) perform(ctx context.Context, p *Plan, act Action, opts []Option) error {
	var err error
	switch act {
	case ActionCreate:
		return s.create(ctx, p, opts)
	case ActionUpdate:
		_, err = s.Update(ctx, p.ZoneID, p.Want.params(), opts...)
	case ActionEnable:
		_, err = s.Enable(ctx, p.ZoneID, opts...)
	case ActionDisable:
		_, err = s.Disable(ctx, p.ZoneID, opts...)
	case ActionDelete:
		_, err = s.Delete(ctx, p.ZoneID, opts...)
		switch {
		case noConfig(err):
			return nil // already gone: what was wanted
		case notFound(err):
			// 7003/7000: the zone it was to delete from can no longer be
			// addressed; that is not "deleted".
			return stale(err)
		}
		return err
	}
	if notFound(err) {
		return stale(err)
	}
	return err
}

// create sends the Create and settles an outcome it cannot know: a 5xx, an
// unreadable 2xx or a connection lost after sending may each hide a
// configuration the server did make. Repeating the Create blindly could
// answer 409 for our own write; giving up could hide it. One read decides.
func (s *OutgoingService) create(ctx context.Context, p *Plan, opts []Option) error {
	params := p.Want.params()
	_, err := s.Create(ctx, p.ZoneID, params, opts...)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && !noEffect(err) {
		// No read can settle it with this context: say so.
		return &unknownCreate{create: err, check: ctx.Err()}
	}
	if !mayHaveHappened(err) {
		return createFailed(err)
	}
	return s.settleCreate(ctx, p, err, opts)
}

// settleCreate makes the one read that tells whether the Create that failed
// with err happened, and sends it once more if it did not.
func (s *OutgoingService) settleCreate(ctx context.Context, p *Plan, err error, opts []Option) error {
	cur, gerr := s.Get(ctx, p.ZoneID, opts...)
	switch {
	case gerr == nil && sameConfig(cur, p.Want):
		return nil // the first Create happened
	case gerr == nil:
		return stale(err) // someone else's configuration
	case notFound(gerr) && !noConfig(gerr):
		// The zone ID no longer resolves: not "none", and a resend
		// could only fail the same way.
		return stale(err, gerr)
	case !notFound(gerr):
		return &unknownCreate{create: err, check: gerr}
	}
	// It did not happen: the one resend the contract allows.
	if _, err = s.Create(ctx, p.ZoneID, p.Want.params(), opts...); err != nil {
		return createFailed(err)
	}
	return nil
}

// createFailed classifies a Create's error: a 409 means a configuration
// appeared since the plan read none.
func createFailed(err error) error {
	if errors.Is(err, ErrConflict) && !contextEnded(err) {
		return stale(err)
	}
	return err
}

// mayHaveHappened reports whether a failed Create may have taken effect. A
// 429, another 4xx and a connection that was never made did not.
func mayHaveHappened(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	if errors.Is(err, ErrInvalidResponse) {
		return true
	}
	var te *TransportError
	return errors.As(err, &te) && !noEffect(err)
}

// noEffect reports errors that prove the Create changed nothing: bad input
// (never sent), a connection that was never made, a 4xx answer (the server
// refused it).
func noEffect(err error) bool {
	if errors.Is(err, ErrInvalidInput) {
		return true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && !contextEnded(err) {
		return apiErr.StatusCode < 500
	}
	var te *TransportError
	if errors.As(err, &te) {
		var op *net.OpError
		return errors.As(te.Err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
	}
	return false
}

// unknownCreate is a Create of unknown outcome whose settling read failed.
type unknownCreate struct {
	create error
	check  error
}

// Error says that the outcome is unknown and why.
func (e *unknownCreate) Error() string {
	return "the create may have happened (" + trimPrefix(e.create) + "), and the read to find out failed: " + trimPrefix(e.check)
}

// Unwrap returns both errors, so errors.Is and errors.As reach either.
func (e *unknownCreate) Unwrap() []error { return []error{e.create, e.check} }

// staleError is ErrStale with what showed it: the answers (errs), or the
// differences a check found (what). thing is what changed: "" for the
// zone, or an account object's kind ("peer").
type staleError struct {
	thing string
	what  string
	errs  []error
}

// stale is ErrStale wrapping the answers that showed it, the first quoted.
func stale(errs ...error) error { return &staleError{errs: errs} }

// Error says the zone changed, then what differs or the answer.
func (e *staleError) Error() string {
	why := e.what
	if why == "" && len(e.errs) > 0 {
		why = trimPrefix(e.errs[len(e.errs)-1])
	}
	thing := e.thing
	if thing == "" {
		thing = "zone"
	}
	return "the " + thing + " changed since it was planned: " + why
}

// Is makes errors.Is(err, ErrStale) hold.
func (e *staleError) Is(target error) bool { return target == ErrStale }

// Unwrap returns the answers' errors.
func (e *staleError) Unwrap() []error { return e.errs }

// zoneError names the zone and the step (an action, or "plan") that failed.
type zoneError struct {
	zone string
	step string
	err  error
}

func stepError(zone, step string, err error) error { return &zoneError{zone, step, err} }

// Error names the zone and the step, then the cause.
func (e *zoneError) Error() string {
	return "secondarydns: zone " + e.zone + ": " + e.step + ": " + trimPrefix(e.err)
}

// Unwrap returns the call's error.
func (e *zoneError) Unwrap() error { return e.err }

// trimPrefix drops the package prefix of an inner error so a wrapped message
// says "secondarydns:" once.
func trimPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "secondarydns: ")
}

// notFound reports a 404 answer (and not an ended context that merely wraps
// the last 404).
func notFound(err error) bool {
	return err != nil && errors.Is(err, ErrNotFound) && !contextEnded(err)
}

// noConfig reports a 404 that means "no configuration": one without code
// 7003 or 7000, which say the zone ID itself is wrong.
func noConfig(err error) bool {
	return notFound(err) && !errors.Is(err, ErrUnknownID)
}

func contextEnded(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// params is the body Create and Update send: the name, and the peers
// de-duplicated in first-seen order.
func (d Desired) params() OutgoingParams {
	peers := make([]string, 0, len(d.Peers))
	for _, id := range d.Peers {
		if !slices.Contains(peers, id) {
			peers = append(peers, id)
		}
	}
	return OutgoingParams{Name: d.Name, Peers: peers}
}

// sameConfig compares what the user means: the name without ASCII case and
// one trailing dot, the peers as a set. Volatile fields never count.
func sameConfig(cur *Outgoing, want Desired) bool {
	return EqualNames(cur.Name, want.Name) && samePeers(cur.Peers, want.Peers)
}

// EqualNames reports whether two zone names are the same under the rules
// Plan compares by: without ASCII case, with or without one trailing dot.
// Non-ASCII bytes must match exactly (Unicode case folding would call
// distinct names equal, e.g. the Kelvin sign and "k"). It is exported for
// code that shows or checks plans the way Plan makes them.
func EqualNames(a, b string) bool {
	return equalFoldASCII(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// samePeers compares two peer lists as sets. Lists are short (the API allows
// a few dozen peers), so quadratic containment beats building maps.
func samePeers(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// validateDesired checks want for zoneID the way Create would, before any
// request. Errors name the zone.
func validateDesired(zoneID string, want Desired) error {
	if err := validateZoneID("zone ID", zoneID); err != nil {
		if zoneID != "" && !strings.Contains(err.Error(), quoteShort(zoneID)) {
			// A fleet's error must say which zone; the length rule's
			// message does not quote the ID.
			return invalid("zone ID %s: %s", quoteShort(zoneID), trimInvalid(err))
		}
		return err
	}
	if err := checkDesired(want); err != nil {
		return invalid("zone %s: %s", zoneID, trimInvalid(err))
	}
	return nil
}

func checkDesired(want Desired) error {
	if want.Absent {
		if want.Name != "" || len(want.Peers) > 0 || want.Status != "" {
			return invalid("Absent is set together with Name, Peers or Status; an absent zone has none")
		}
		return nil
	}
	if err := validateName(want.Name); err != nil {
		return err
	}
	if err := validatePeers(want.Peers); err != nil {
		return err
	}
	switch want.Status {
	case "", StatusEnabled, StatusDisabled:
		return nil
	}
	return invalid("status %s is neither %q, %q nor empty", quoteShort(string(want.Status)), StatusEnabled, StatusDisabled)
}

// validatePlan checks a plan given to Execute.
func validatePlan(p *Plan) error {
	if p == nil {
		return invalid("the plan is nil")
	}
	if err := validateDesired(p.ZoneID, p.Want); err != nil {
		return err
	}
	for i, act := range p.Actions {
		switch act {
		case ActionCreate, ActionUpdate:
			if p.Want.Absent {
				return invalid("zone %s: action %d (%s) needs a name, but Want is Absent", p.ZoneID, i+1, act)
			}
		case ActionEnable, ActionDisable, ActionDelete:
		default:
			return invalid("zone %s: action %d %s is not a known action", p.ZoneID, i+1, quoteShort(string(act)))
		}
	}
	if len(p.Done) > len(p.Actions) || !slices.Equal(p.Done, p.Actions[:len(p.Done)]) {
		return invalid("zone %s: Done is not a prefix of Actions", p.ZoneID)
	}
	return nil
}
