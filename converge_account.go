package secondarydns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// This file is the desired state of the account's objects (peers, TSIG keys,
// ACLs): PlanAccount reads them and computes the steps, ExecuteAccount
// performs the steps through the ordinary service methods. The rules follow
// the zones' (converge.go): a plan is data, execution never improvises,
// writes are checked against what the plan read, and a create of unknown
// outcome is settled by one read.

// ObjectKind names a kind of account object in an AccountPlan's steps.
type ObjectKind string

// The kinds of account object an AccountPlan manages.
const (
	KindTSIG ObjectKind = "tsig"
	KindPeer ObjectKind = "peer"
	KindACL  ObjectKind = "acl"
)

// AccountDesired is the state some of an account's objects should be in.
// Only the objects named here are managed; the account's others are left
// alone. Objects are matched by name, exactly (case-sensitive, as the API
// stores names).
type AccountDesired struct {
	TSIGs map[string]DesiredTSIG // by TSIG name
	Peers map[string]DesiredPeer // by peer name
	ACLs  map[string]DesiredACL  // by ACL name
}

// DesiredTSIG is the state of one TSIG key. Its Secret never appears in fmt
// verbs, slog values or JSON it is encoded to (see Format, LogValue and
// MarshalJSON).
type DesiredTSIG struct {
	Algo string // one of the TSIGHMAC constants, in any ASCII case, the trailing dot optional
	// Secret is the key, standard base64. "" leaves an existing key's
	// secret as it is (then it is not compared); it is required to create
	// one.
	Secret string
	Absent bool // the account must have no TSIG of this name; Algo and Secret must be empty
}

// DesiredPeer is the state of one peer.
type DesiredPeer struct {
	IP         string // where Cloudflare sends NOTIFY: an IPv4 or IPv6 address; "" none
	Port       int    // NOTIFY port; 0 unset (DNS's 53)
	IXFREnable bool
	// TSIG is the name of the TSIG key the peer uses: one in
	// AccountDesired.TSIGs (not absent) or one the account has; "" none.
	// A TSIG created by the same plan is created before the peer.
	TSIG   string
	Absent bool // the account must have no peer of this name; the other fields must be empty
}

// DesiredACL is the state of one ACL.
type DesiredACL struct {
	IPRange string // a CIDR prefix without host bits, e.g. "192.0.2.0/24"
	Absent  bool   // the account must have no ACL of this name; IPRange must be empty
}

// Step is one change ExecuteAccount makes to one object: one request to the
// API (a peer's create may take two, see PeersService.Create).
type Step struct {
	Kind   ObjectKind
	Name   string
	Action Action // ActionCreate, ActionUpdate or ActionDelete
	ID     string // the object's ID: as read for update and delete; set once a create is done
}

// AccountPlan is what ExecuteAccount does to an account's objects, computed
// from what the API reports now. Like Plan, it is plain data: print it (no
// secret shows), review it, hand it to ExecuteAccount.
type AccountPlan struct {
	AccountID string
	Want      AccountDesired
	TSIGs     []TSIG // what was read: every object of the account
	Peers     []Peer
	ACLs      []ACL
	Steps     []Step // in order; empty when in sync
	Done      []Step // the steps that succeeded, in order (a prefix of Steps)

	// unsettled is 1 + the index in Steps of a create that may have
	// reached the server with no read telling whether it did (its settling
	// read failed, or the context ended first); 0 when none. A later
	// ExecuteAccount settles it by one list read before sending anything.
	// An int, not the create's error, so that %v shows no address.
	unsettled int
}

// InSync reports whether the plan has nothing to do. A nil plan (none
// was made: PlanAccount failed) is not in sync.
func (p *AccountPlan) InSync() bool { return p != nil && len(p.Steps) == 0 }

// PeerID returns the ID a peer name has: the ID of a done create of that
// name, else of the one peer the plan read with that name. It reports
// false for a name no peer has (one still to create, one deleted by a done
// step, one that two peers share).
func (p *AccountPlan) PeerID(name string) (string, bool) {
	if p == nil {
		return "", false
	}
	return p.idOf(KindPeer, name)
}

// Split cuts the plan before its first peer or TSIG delete: before holds
// the creates, the updates and the ACL deletes, after the peer and TSIG
// deletes, each with its share of Done. A caller that also changes zones
// runs before, then the zones (which may now use new peers and must drop
// the peers about to go), then after. Both are copies; either may be empty.
func (p *AccountPlan) Split() (before, after *AccountPlan) {
	if p == nil {
		return nil, nil
	}
	cut := len(p.Steps)
	for i, st := range p.Steps {
		if st.Action == ActionDelete && (st.Kind == KindPeer || st.Kind == KindTSIG) {
			cut = i
			break
		}
	}
	done := min(len(p.Done), cut)
	before, after = p.clone(), p.clone()
	before.Steps, before.Done = before.Steps[:cut:cut], before.Done[:done:done]
	after.Steps, after.Done = after.Steps[cut:], after.Done[done:]
	// A create of unknown outcome goes with its step.
	if p.unsettled > cut {
		before.unsettled, after.unsettled = 0, p.unsettled-cut
	} else {
		after.unsettled = 0
	}
	return before, after
}

// clone copies the plan deeply enough that no call changes its caller's.
func (p *AccountPlan) clone() *AccountPlan {
	q := *p
	q.TSIGs = slices.Clone(p.TSIGs)
	q.Peers = slices.Clone(p.Peers)
	q.ACLs = slices.Clone(p.ACLs)
	q.Steps = slices.Clone(p.Steps)
	q.Done = slices.Clone(p.Done)
	return &q
}

// PlanAccount reads the account's TSIG keys, peers and ACLs and returns the
// steps that would bring the objects want names to their desired state. It
// changes nothing and sends exactly three requests: GET
// /accounts/{account_id}/secondary_dns/tsigs, …/peers and …/acls.
//
// Objects are matched by name, exactly. A TSIG compares by its algorithm
// (without ASCII case and trailing dot) and, when want gives a secret and
// the API returned one, its secret; a peer by its IP as an address, its
// port as a number, IXFREnable and its TSIG by the ID the name resolves to;
// an ACL by its range as a prefix. A missing object is created, a different
// one updated (a PUT of the whole object), an Absent one deleted. Steps come
// in this order: TSIG creates and updates, peer creates and updates, ACL
// creates and updates, ACL deletes, peer deletes, TSIG deletes; by name
// within each group.
//
// ErrInvalidInput, naming the object, before any request: an invalid
// account ID, name or field (the rules of the services' Create), Absent
// with anything else set, a peer whose TSIG want marks absent. After the
// reads (nothing written): a name want uses that two objects of one kind
// share (the error names both IDs: an ambiguous name is never guessed), a
// TSIG to create without a secret, a TSIG to update when neither want nor
// the API gives its secret, a peer's TSIG that neither want nor the account
// has.
func (c *Client) PlanAccount(ctx context.Context, accountID string, want AccountDesired, opts ...Option) (*AccountPlan, error) {
	if err := c.ready(); err != nil {
		return nil, refused(opts, err)
	}
	if err := validateZoneID("account ID", accountID); err != nil {
		return nil, refused(opts, err)
	}
	if err := validateAccountDesired(want); err != nil {
		return nil, refused(opts, err)
	}
	p := &AccountPlan{AccountID: accountID, Want: want}
	var err error
	if p.TSIGs, err = c.TSIGs.List(ctx, accountID, opts...); err != nil {
		return nil, accountError(accountID, "plan", err)
	}
	if p.Peers, err = c.Peers.List(ctx, accountID, opts...); err != nil {
		return nil, accountError(accountID, "plan", err)
	}
	if p.ACLs, err = c.ACLs.List(ctx, accountID, opts...); err != nil {
		return nil, accountError(accountID, "plan", err)
	}
	if p.Steps, err = p.steps(); err != nil {
		return nil, err
	}
	return p, nil
}

// ExecuteAccount performs p's steps after its Done prefix, in order, and
// returns a copy of p with Done extended and the IDs of created objects
// filled in (in Steps and Done). It never performs a step p does not list.
//
// Each update or delete is preceded by one GET of its object: an object
// that differs from what the plan read (by the plan's comparison, the
// secret excepted) ends the run with an error matching ErrStale, naming
// what differs. A TSIG update sends Want's secret, else the secret that GET
// returned, so a secret someone changed meanwhile is kept. An object already gone (a plain 404) makes a delete done and
// an update ErrStale; a 404 with code 7003 or 7000 is ErrStale either way,
// as is an update or delete answered 404. Creates are not preceded by a
// read. A peer or TSIG created by an earlier step is used by ID in later
// steps (a peer created after its TSIG gets the TSIG's new ID).
//
// A create that failed in a way that may have reached the server (a 5xx,
// ErrInvalidResponse, a transport error after the request was sent) is
// settled by one list read of its kind: exactly one object of that name,
// equal to want, means it was done; a peer of that name with only its name
// set counts as this step's create and gets the create's PUT (see
// PeersService.Create); none means it did not happen, and it is sent once
// more; anything else is ErrStale. A peer whose create left it with only
// part of its fields keeps its ID in the step, which is not done: a later
// call sends only the PUT.
//
// A create whose outcome stays unknown (the settling read failed, the
// context ended before it, or the create sent once more failed in a way
// that may have reached the server) is marked in the returned plan, and a
// later call given that plan settles it first by the same one list read
// (done, with its ID; the name-only peer's PUT; sent once when none;
// ErrStale otherwise). It never sends that create blindly: the API allows
// two objects of one name, and a duplicate would make the name ambiguous
// to every later plan. The mark is unexported: the returned *AccountPlan,
// its copies and its Split halves carry it; a plan rebuilt from its
// exported fields (from JSON, say) does not, and sends the create again.
//
// On failure it returns the plan so far (non-nil) and an error naming the
// account, the object and the action, so that a later call resumes. p is
// checked first (non-nil, valid account ID and Want, steps that follow from
// Want and from what the plan read, Done a prefix of Steps):
// ErrInvalidInput.
func (c *Client) ExecuteAccount(ctx context.Context, p *AccountPlan, opts ...Option) (*AccountPlan, error) {
	if err := c.ready(); err != nil {
		return nil, refused(opts, err)
	}
	if err := validateAccountPlan(p); err != nil {
		return nil, refused(opts, err)
	}
	q := p.clone()
	for i := len(q.Done); i < len(q.Steps); i++ {
		if err := c.runStep(ctx, q, i, opts); err != nil {
			return q, &objectError{account: q.AccountID, step: q.Steps[i], err: err}
		}
		q.Done = append(q.Done, q.Steps[i])
	}
	return q, nil
}

// ready refuses a Client that NewClient did not make.
func (c *Client) ready() error {
	if c == nil || c.cfg == nil {
		return invalid("the client was not made by NewClient; use NewClient")
	}
	return nil
}

// object is any account object reduced to what the account converge
// compares and sends. It is unexported and never formatted: secret stays
// in memory only.
type object struct {
	kind     ObjectKind
	id, name string
	algo     string // TSIG
	secret   string
	ip       string // peer
	port     int
	ixfr     bool
	tsigID   string
	ipRange  string // ACL
}

func fromTSIG(t TSIG) object {
	return object{kind: KindTSIG, id: t.ID, name: t.Name, algo: t.Algo, secret: t.Secret}
}

func fromPeer(p Peer) object {
	return object{kind: KindPeer, id: p.ID, name: p.Name, ip: p.IP, port: p.Port, ixfr: p.IXFREnable, tsigID: p.TSIGID}
}

func fromACL(a ACL) object {
	return object{kind: KindACL, id: a.ID, name: a.Name, ipRange: a.IPRange}
}

// read returns the objects of kind the plan read.
func (p *AccountPlan) read(kind ObjectKind) []object {
	var out []object
	switch kind {
	case KindTSIG:
		for _, t := range p.TSIGs {
			out = append(out, fromTSIG(t))
		}
	case KindPeer:
		for _, x := range p.Peers {
			out = append(out, fromPeer(x))
		}
	case KindACL:
		for _, a := range p.ACLs {
			out = append(out, fromACL(a))
		}
	}
	return out
}

// named returns the objects called name.
func named(objs []object, name string) []object {
	var out []object
	for _, o := range objs {
		if o.name == name {
			out = append(out, o)
		}
	}
	return out
}

// idOf is the ID name has for kind: a done create's, else the one read
// object's; false for none, a deleted one, or an ambiguous name.
func (p *AccountPlan) idOf(kind ObjectKind, name string) (string, bool) {
	for _, st := range slices.Backward(p.Done) {
		if st.Kind != kind || st.Name != name {
			continue
		}
		switch st.Action {
		case ActionCreate:
			return st.ID, st.ID != ""
		case ActionDelete:
			return "", false
		}
	}
	found := named(p.read(kind), name)
	if len(found) != 1 {
		return "", false
	}
	return found[0].id, true
}

// kindName is how errors name a kind.
func kindName(k ObjectKind) string {
	switch k {
	case KindTSIG:
		return "TSIG"
	case KindACL:
		return "ACL"
	}
	return string(k)
}

// steps compares the plan's reads with Want and returns the steps in the
// contract's order, or ErrInvalidInput for what only the reads reveal.
func (p *AccountPlan) steps() ([]Step, error) {
	tsigs, peers, acls := p.read(KindTSIG), p.read(KindPeer), p.read(KindACL)
	if err := p.checkNames(tsigs, peers, acls); err != nil {
		return nil, err
	}
	var tsigWrites, peerWrites, aclWrites, aclDeletes, peerDeletes, tsigDeletes []Step

	for _, name := range sortedKeys(p.Want.TSIGs) {
		d := p.Want.TSIGs[name]
		cur := one(tsigs, name)
		switch {
		case d.Absent:
			if cur != nil {
				tsigDeletes = append(tsigDeletes, Step{Kind: KindTSIG, Name: name, Action: ActionDelete, ID: cur.id})
			}
		case cur == nil:
			if d.Secret == "" {
				return nil, invalid("TSIG %s does not exist: give its Secret to create it", quoteShort(name))
			}
			tsigWrites = append(tsigWrites, Step{Kind: KindTSIG, Name: name, Action: ActionCreate})
		case differs(p.desired(KindTSIG, name, cur.id), *cur, compareWant) != "":
			if d.Secret == "" && cur.secret == "" {
				return nil, invalid("TSIG %s must be updated, and an update sends the whole key, but the API returned no secret: give its Secret", quoteShort(name))
			}
			tsigWrites = append(tsigWrites, Step{Kind: KindTSIG, Name: name, Action: ActionUpdate, ID: cur.id})
		}
	}

	for _, name := range sortedKeys(p.Want.Peers) {
		d := p.Want.Peers[name]
		cur := one(peers, name)
		switch {
		case d.Absent:
			if cur != nil {
				peerDeletes = append(peerDeletes, Step{Kind: KindPeer, Name: name, Action: ActionDelete, ID: cur.id})
			}
		case cur == nil:
			peerWrites = append(peerWrites, Step{Kind: KindPeer, Name: name, Action: ActionCreate})
		case d.TSIG != "" && one(tsigs, d.TSIG) == nil,
			differs(p.desired(KindPeer, name, cur.id), *cur, compareWant) != "":
			// A TSIG still to create has no ID the peer could have.
			peerWrites = append(peerWrites, Step{Kind: KindPeer, Name: name, Action: ActionUpdate, ID: cur.id})
		}
	}

	for _, name := range sortedKeys(p.Want.ACLs) {
		d := p.Want.ACLs[name]
		cur := one(acls, name)
		switch {
		case d.Absent:
			if cur != nil {
				aclDeletes = append(aclDeletes, Step{Kind: KindACL, Name: name, Action: ActionDelete, ID: cur.id})
			}
		case cur == nil:
			aclWrites = append(aclWrites, Step{Kind: KindACL, Name: name, Action: ActionCreate})
		case differs(p.desired(KindACL, name, cur.id), *cur, compareWant) != "":
			aclWrites = append(aclWrites, Step{Kind: KindACL, Name: name, Action: ActionUpdate, ID: cur.id})
		}
	}
	// ACL deletes follow the ACL writes, so a range that moves to another
	// name is allowed again before the old one goes.
	return slices.Concat(tsigWrites, peerWrites, aclWrites, aclDeletes, peerDeletes, tsigDeletes), nil
}

// checkNames refuses what the reads make impossible: a name Want uses that
// two objects share, a peer's TSIG that nothing resolves.
func (p *AccountPlan) checkNames(tsigs, peers, acls []object) error {
	ambiguous := func(kind ObjectKind, objs []object, name string) error {
		if found := named(objs, name); len(found) > 1 {
			return invalid("%s name %s is ambiguous: the account has %d of that name (%s and %s); rename or delete one, it is never guessed",
				kindName(kind), quoteShort(name), len(found), found[0].id, found[1].id)
		}
		return nil
	}
	for _, name := range sortedKeys(p.Want.TSIGs) {
		if err := ambiguous(KindTSIG, tsigs, name); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(p.Want.Peers) {
		if err := ambiguous(KindPeer, peers, name); err != nil {
			return err
		}
		d := p.Want.Peers[name]
		if d.TSIG == "" || d.Absent {
			continue
		}
		if err := ambiguous(KindTSIG, tsigs, d.TSIG); err != nil {
			return invalid("peer %s: %s", quoteShort(name), trimInvalid(err))
		}
		if _, inWant := p.Want.TSIGs[d.TSIG]; !inWant && one(tsigs, d.TSIG) == nil {
			return invalid("peer %s: TSIG %s is neither in the desired state nor in the account", quoteShort(name), quoteShort(d.TSIG))
		}
	}
	for _, name := range sortedKeys(p.Want.ACLs) {
		if err := ambiguous(KindACL, acls, name); err != nil {
			return err
		}
	}
	return nil
}

// one returns the object called name, nil when there is none. Callers
// have refused ambiguous names.
func one(objs []object, name string) *object {
	found := named(objs, name)
	if len(found) == 0 {
		return nil
	}
	return &found[0]
}

// desired is the object Want describes for kind and name, as the API would
// hold it: a peer's TSIG resolved to its ID (read, or made by a done create;
// "" while it does not exist), a TSIG's secret Want's else the one read
// from the object with id.
func (p *AccountPlan) desired(kind ObjectKind, name, id string) object {
	o := object{kind: kind, id: id, name: name}
	switch kind {
	case KindTSIG:
		d := p.Want.TSIGs[name]
		o.algo, o.secret = d.Algo, d.Secret
		if o.secret == "" {
			for _, t := range p.TSIGs {
				if t.ID == id && id != "" {
					o.secret = t.Secret
				}
			}
		}
	case KindPeer:
		d := p.Want.Peers[name]
		o.ip, o.port, o.ixfr = d.IP, d.Port, d.IXFREnable
		if d.TSIG != "" {
			o.tsigID, _ = p.idOf(KindTSIG, d.TSIG)
		}
	case KindACL:
		o.ipRange = p.Want.ACLs[name].IPRange
	}
	return o
}

// How differs compares: against Want (secrets when both are known; names
// are the match, not compared), or a read against the plan's read (names
// compared, secrets not).
const (
	compareWant = iota
	compareRead
)

// differs says how got differs from want, or "" when it does not.
func differs(want, got object, how int) string {
	var d []string
	field := func(name, got, want string) {
		d = append(d, "the "+name+" is "+quoteShort(got)+", not "+quoteShort(want))
	}
	// Numbers and booleans as they are, unquoted; port 0 is "unset".
	value := func(name, got, want string) {
		d = append(d, "the "+name+" is "+got+", not "+want)
	}
	port := func(p int) string {
		if p == 0 {
			return "unset"
		}
		return strconv.Itoa(p)
	}
	if how == compareRead && got.name != want.name {
		field("name", got.name, want.name)
	}
	switch want.kind {
	case KindTSIG:
		if !equalFoldASCII(strings.TrimSuffix(got.algo, "."), strings.TrimSuffix(want.algo, ".")) {
			field("algo", got.algo, want.algo)
		}
		if how == compareWant && want.secret != "" && got.secret != "" && got.secret != want.secret {
			d = append(d, "the secret differs")
		}
	case KindPeer:
		if !sameAddr(got.ip, want.ip) {
			field("ip", got.ip, want.ip)
		}
		if got.port != want.port {
			value("port", port(got.port), port(want.port))
		}
		if got.ixfr != want.ixfr {
			value("ixfr_enable", strconv.FormatBool(got.ixfr), strconv.FormatBool(want.ixfr))
		}
		if got.tsigID != want.tsigID {
			field("tsig_id", got.tsigID, want.tsigID)
		}
	case KindACL:
		if !samePrefix(got.ipRange, want.ipRange) {
			field("ip_range", got.ipRange, want.ipRange)
		}
	}
	return strings.Join(d, "; ")
}

// samePrefix compares two CIDR prefixes as prefixes (2001:DB8::/32 is
// 2001:db8::/32), else as strings.
func samePrefix(a, b string) bool {
	x, errX := netip.ParsePrefix(a)
	y, errY := netip.ParsePrefix(b)
	if errX != nil || errY != nil {
		return a == b
	}
	return x == y
}

// onlyName reports a peer with none of its optional fields set, as a
// create that ignored them leaves it.
func (o object) onlyName() bool {
	return o.ip == "" && o.port == 0 && !o.ixfr && o.tsigID == ""
}

// runStep performs step i of a valid plan, filling its ID for a create.
func (c *Client) runStep(ctx context.Context, p *AccountPlan, i int, opts []Option) error {
	st := &p.Steps[i]
	if st.Action == ActionCreate {
		return c.createStep(ctx, p, i, opts)
	}
	var planned object
	for _, o := range p.read(st.Kind) {
		if o.id == st.ID {
			planned = o
		}
	}
	cur, err := c.getObject(ctx, st.Kind, p.AccountID, st.ID, opts)
	switch {
	case noConfig(err) && st.Action == ActionDelete:
		return nil // already gone: what was wanted
	case noConfig(err):
		return &staleError{thing: kindName(st.Kind), what: "it is gone", errs: []error{err}}
	case notFound(err):
		return &staleError{thing: kindName(st.Kind), errs: []error{err}}
	case err != nil:
		return &checkError{err}
	}
	if diff := differs(planned, cur, compareRead); diff != "" {
		return &staleError{thing: kindName(st.Kind), what: diff}
	}
	if st.Action == ActionDelete {
		err = c.deleteObject(ctx, st.Kind, p.AccountID, st.ID, opts)
		switch {
		case noConfig(err):
			return nil
		case notFound(err):
			return &staleError{thing: kindName(st.Kind), errs: []error{err}}
		}
		return err
	}
	want := p.desired(st.Kind, st.Name, st.ID)
	if st.Kind == KindTSIG && p.Want.TSIGs[st.Name].Secret == "" && cur.secret != "" {
		// "Leave the secret as it is" means as it is now: the check
		// ignores the secret, so one changed since the plan is kept.
		want.secret = cur.secret
	}
	if err := p.resolved(st, want); err != nil {
		return err
	}
	if _, err := c.updateObject(ctx, st.Kind, p.AccountID, st.ID, want, opts); err != nil {
		if notFound(err) {
			return &staleError{thing: kindName(st.Kind), errs: []error{err}}
		}
		return err
	}
	return nil
}

// resolved refuses to send a peer whose TSIG has no ID yet: a plan whose
// TSIG create is not done, or is missing.
func (p *AccountPlan) resolved(st *Step, want object) error {
	if st.Kind == KindPeer && p.Want.Peers[st.Name].TSIG != "" && want.tsigID == "" {
		return invalid("TSIG %s has no ID: its create is not done", quoteShort(p.Want.Peers[st.Name].TSIG))
	}
	return nil
}

// createStep sends the create of step i and settles an outcome it cannot
// know. A create an earlier call left unsettled (p.unsettled) is settled
// first, never sent blindly: the API allows two objects of one name, so a
// second create could make a duplicate that every later plan refuses as
// ambiguous.
func (c *Client) createStep(ctx context.Context, p *AccountPlan, i int, opts []Option) error {
	st := &p.Steps[i]
	pending := p.unsettled == i+1
	want := p.desired(st.Kind, st.Name, "")
	if err := p.resolved(st, want); err != nil {
		return err // a mark stays: nothing was read
	}
	if pending {
		p.unsettled = 0 // settleObject marks it again if it stays unknown
	}
	if st.ID != "" {
		// An earlier call created the peer with only part of its
		// fields: the create's PUT is what is left.
		return c.finishPeer(ctx, p, st, want, opts)
	}
	if pending {
		return c.settleObject(ctx, p, i, want, nil, opts)
	}
	created, err := c.createObject(ctx, st.Kind, p.AccountID, want, opts)
	if err == nil {
		st.ID = created.id
		return nil
	}
	if created.id != "" {
		st.ID = created.id // the peer exists; its PUT failed
		return err
	}
	if ctx.Err() != nil && !noEffect(err) {
		p.unsettled = i + 1
		return &unknownCreate{create: err, check: ctx.Err()}
	}
	if !mayHaveHappened(err) {
		return createFailed(err)
	}
	return c.settleObject(ctx, p, i, want, err, opts)
}

// errEarlierCreate stands for the create an earlier call sent when a later
// call cannot settle it either.
var errEarlierCreate = errors.New("an earlier call sent it")

// settleObject makes the one list read that tells whether the create of
// step i happened (err is how it failed; nil when an earlier call sent
// it), and sends it once more if it did not. An outcome still unknown
// marks the step in p.unsettled.
func (c *Client) settleObject(ctx context.Context, p *AccountPlan, i int, want object, err error, opts []Option) error {
	st := &p.Steps[i]
	var errs []error // the create's error, for ErrStale to wrap
	if err != nil {
		errs = []error{err}
	} else {
		err = errEarlierCreate
	}
	objs, lerr := c.listObjects(ctx, st.Kind, p.AccountID, opts)
	if lerr != nil {
		p.unsettled = i + 1
		return &unknownCreate{create: err, check: lerr}
	}
	found := named(objs, st.Name)
	switch {
	case len(found) == 0:
		// It did not happen: the one resend the contract allows.
		created, err := c.createObject(ctx, st.Kind, p.AccountID, want, opts)
		if created.id != "" {
			st.ID = created.id
		}
		if err == nil {
			return nil
		}
		if created.id == "" && (mayHaveHappened(err) || ctx.Err() != nil && !noEffect(err)) {
			p.unsettled = i + 1 // the resend may have happened too
		}
		return createFailed(err)
	case len(found) == 1 && differs(want, found[0], compareWant) == "":
		st.ID = found[0].id // the create happened
		return nil
	case len(found) == 1 && st.Kind == KindPeer && found[0].onlyName():
		st.ID = found[0].id // it happened, and ignored the fields
		return c.finishPeer(ctx, p, st, want, opts)
	}
	what := "a " + kindName(st.Kind) + " of that name appeared that is not the one wanted (" + found[0].id + ")"
	if len(found) > 1 {
		what = strconv.Itoa(len(found)) + " " + kindName(st.Kind) + "s of that name exist"
	}
	return &staleError{thing: kindName(st.Kind), what: what, errs: errs}
}

// finishPeer sends the PUT a peer create needs when the create kept only
// the name.
func (c *Client) finishPeer(ctx context.Context, p *AccountPlan, st *Step, want object, opts []Option) error {
	if _, err := c.updateObject(ctx, KindPeer, p.AccountID, st.ID, want, opts); err != nil {
		if notFound(err) {
			return &staleError{thing: kindName(st.Kind), errs: []error{err}}
		}
		return fmt.Errorf("the peer was created (%s) with only part of its fields; setting them failed: %w", st.ID, err)
	}
	return nil
}

// The four operations, by kind, through the services: retries, limits,
// logging, scrubbing and errors are theirs.

func (c *Client) getObject(ctx context.Context, kind ObjectKind, account, id string, opts []Option) (object, error) {
	switch kind {
	case KindTSIG:
		t, err := c.TSIGs.Get(ctx, account, id, opts...)
		if err != nil {
			return object{}, err
		}
		return fromTSIG(*t), nil
	case KindPeer:
		x, err := c.Peers.Get(ctx, account, id, opts...)
		if err != nil {
			return object{}, err
		}
		return fromPeer(*x), nil
	}
	a, err := c.ACLs.Get(ctx, account, id, opts...)
	if err != nil {
		return object{}, err
	}
	return fromACL(*a), nil
}

func (c *Client) listObjects(ctx context.Context, kind ObjectKind, account string, opts []Option) ([]object, error) {
	p := &AccountPlan{}
	var err error
	switch kind {
	case KindTSIG:
		p.TSIGs, err = c.TSIGs.List(ctx, account, opts...)
	case KindPeer:
		p.Peers, err = c.Peers.List(ctx, account, opts...)
	default:
		p.ACLs, err = c.ACLs.List(ctx, account, opts...)
	}
	return p.read(kind), err
}

// createObject creates o; for a peer whose create's PUT failed it returns
// the created peer with the error.
func (c *Client) createObject(ctx context.Context, kind ObjectKind, account string, o object, opts []Option) (object, error) {
	switch kind {
	case KindTSIG:
		t, err := c.TSIGs.Create(ctx, account, TSIGParams{Name: o.name, Algo: o.algo, Secret: o.secret}, opts...)
		if err != nil {
			return object{}, err
		}
		return fromTSIG(*t), nil
	case KindPeer:
		x, err := c.Peers.Create(ctx, account, o.peerParams(), opts...)
		if x == nil {
			return object{}, err
		}
		return fromPeer(*x), err
	}
	a, err := c.ACLs.Create(ctx, account, ACLParams{Name: o.name, IPRange: o.ipRange}, opts...)
	if err != nil {
		return object{}, err
	}
	return fromACL(*a), nil
}

func (c *Client) updateObject(ctx context.Context, kind ObjectKind, account, id string, o object, opts []Option) (object, error) {
	switch kind {
	case KindTSIG:
		t, err := c.TSIGs.Update(ctx, account, id, TSIGParams{Name: o.name, Algo: o.algo, Secret: o.secret}, opts...)
		if err != nil {
			return object{}, err
		}
		return fromTSIG(*t), nil
	case KindPeer:
		x, err := c.Peers.Update(ctx, account, id, o.peerParams(), opts...)
		if err != nil {
			return object{}, err
		}
		return fromPeer(*x), nil
	}
	a, err := c.ACLs.Update(ctx, account, id, ACLParams{Name: o.name, IPRange: o.ipRange}, opts...)
	if err != nil {
		return object{}, err
	}
	return fromACL(*a), nil
}

func (c *Client) deleteObject(ctx context.Context, kind ObjectKind, account, id string, opts []Option) error {
	var err error
	switch kind {
	case KindTSIG:
		_, err = c.TSIGs.Delete(ctx, account, id, opts...)
	case KindPeer:
		_, err = c.Peers.Delete(ctx, account, id, opts...)
	default:
		_, err = c.ACLs.Delete(ctx, account, id, opts...)
	}
	return err
}

func (o object) peerParams() PeerParams {
	return PeerParams{Name: o.name, IP: o.ip, Port: o.port, IXFREnable: o.ixfr, TSIGID: o.tsigID}
}

// validateAccountDesired checks every name and field of want by the rules
// of the services' Create, before any request. Errors name the object.
func validateAccountDesired(want AccountDesired) error {
	for _, name := range sortedKeys(want.TSIGs) {
		if err := checkDesiredTSIG(name, want.TSIGs[name]); err != nil {
			return invalid("TSIG %s: %s", quoteShort(name), trimInvalid(err))
		}
	}
	for _, name := range sortedKeys(want.Peers) {
		if err := checkDesiredPeer(name, want.Peers[name], want.TSIGs); err != nil {
			return invalid("peer %s: %s", quoteShort(name), trimInvalid(err))
		}
	}
	for _, name := range sortedKeys(want.ACLs) {
		if err := checkDesiredACL(name, want.ACLs[name]); err != nil {
			return invalid("ACL %s: %s", quoteShort(name), trimInvalid(err))
		}
	}
	return nil
}

func checkDesiredTSIG(name string, d DesiredTSIG) error {
	if err := validateDomain("TSIG name", name); err != nil {
		return err
	}
	if d.Absent {
		if d.Algo != "" || d.Secret != "" {
			return invalid("Absent is set together with Algo or Secret; an absent TSIG has none")
		}
		return nil
	}
	if err := validateAlgo(d.Algo); err != nil {
		return err
	}
	if d.Secret != "" {
		return validateSecret(d.Secret)
	}
	return nil
}

func checkDesiredPeer(name string, d DesiredPeer, tsigs map[string]DesiredTSIG) error {
	if d.Absent {
		if err := validateObjectName("peer name", name); err != nil {
			return err
		}
		if d != (DesiredPeer{Absent: true}) {
			return invalid("Absent is set together with IP, Port, IXFREnable or TSIG; an absent peer has none")
		}
		return nil
	}
	if err := (PeerParams{Name: name, IP: d.IP, Port: d.Port, IXFREnable: d.IXFREnable}).validate(); err != nil {
		return err
	}
	if d.TSIG == "" {
		return nil
	}
	if err := validateDomain("TSIG name", d.TSIG); err != nil {
		return err
	}
	if tsigs[d.TSIG].Absent {
		return invalid("its TSIG %s is marked absent in the desired state", quoteShort(d.TSIG))
	}
	return nil
}

func checkDesiredACL(name string, d DesiredACL) error {
	if err := validateObjectName("ACL name", name); err != nil {
		return err
	}
	if d.Absent {
		if d.IPRange != "" {
			return invalid("Absent is set together with IPRange; an absent ACL has none")
		}
		return nil
	}
	return validateIPRange(d.IPRange)
}

// validateAccountPlan checks a plan given to ExecuteAccount: its steps must
// follow from its Want and from what it read.
func validateAccountPlan(p *AccountPlan) error {
	if p == nil {
		return invalid("the account plan is nil")
	}
	if err := validateZoneID("account ID", p.AccountID); err != nil {
		return err
	}
	if err := validateAccountDesired(p.Want); err != nil {
		return err
	}
	for i, st := range p.Steps {
		if err := p.checkStep(st, i < len(p.Done)); err != nil {
			return invalid("step %d (%s %s %s): %s", i+1, st.Action, kindName(st.Kind), quoteShort(st.Name), trimInvalid(err))
		}
	}
	if len(p.Done) > len(p.Steps) {
		return invalid("Done is not a prefix of Steps")
	}
	for i, d := range p.Done {
		st := p.Steps[i]
		if d.Kind != st.Kind || d.Name != st.Name || d.Action != st.Action || (st.ID != "" && d.ID != st.ID) {
			return invalid("Done is not a prefix of Steps")
		}
	}
	return nil
}

// checkStep checks that one step follows from Want and the reads. done
// says whether the step is done.
func (p *AccountPlan) checkStep(st Step, done bool) error {
	var absent, wanted bool
	switch st.Kind {
	case KindTSIG:
		var d DesiredTSIG
		d, wanted = p.Want.TSIGs[st.Name]
		absent = d.Absent
	case KindPeer:
		var d DesiredPeer
		d, wanted = p.Want.Peers[st.Name]
		absent = d.Absent
	case KindACL:
		var d DesiredACL
		d, wanted = p.Want.ACLs[st.Name]
		absent = d.Absent
	default:
		return invalid("kind %s is not a known kind", quoteShort(string(st.Kind)))
	}
	if !wanted {
		return invalid("the desired state does not name it")
	}
	switch st.Action {
	case ActionCreate:
		if absent {
			return invalid("the desired state marks it absent")
		}
		if st.ID != "" && st.Kind != KindPeer && !done {
			return invalid("a %s create has no ID before it is done", kindName(st.Kind))
		}
		return nil
	case ActionUpdate:
		if absent {
			return invalid("the desired state marks it absent")
		}
	case ActionDelete:
		if !absent {
			return invalid("the desired state does not mark it absent")
		}
	default:
		return invalid("action %s is not create, update or delete", quoteShort(string(st.Action)))
	}
	for _, o := range p.read(st.Kind) {
		if o.id == st.ID && o.name == st.Name {
			return nil
		}
	}
	return invalid("the plan read no %s with ID %s and this name", kindName(st.Kind), quoteShort(st.ID))
}

// sortedKeys returns m's keys in order, for deterministic steps and errors.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// objectError names the account, the object and the action that failed.
type objectError struct {
	account string
	step    Step
	err     error
}

// Error names the account, the object and the action, then the cause.
func (e *objectError) Error() string {
	return "secondarydns: account " + e.account + ": " + kindName(e.step.Kind) + " " + quoteShort(e.step.Name) + ": " +
		string(e.step.Action) + ": " + trimPrefix(e.err)
}

// Unwrap returns the cause.
func (e *objectError) Unwrap() error { return e.err }

// accountStepError names the account and what failed (e.g. "plan").
type accountStepError struct {
	account, step string
	err           error
}

func accountError(account, step string, err error) error {
	return &accountStepError{account, step, err}
}

// Error names the account and the step, then the cause.
func (e *accountStepError) Error() string {
	return "secondarydns: account " + e.account + ": " + e.step + ": " + trimPrefix(e.err)
}

// Unwrap returns the call's error.
func (e *accountStepError) Unwrap() error { return e.err }

// Secrets format themselves redacted, like TSIG's.

// Format prints the desired TSIG with its secret redacted, whatever the
// verb: {algo [redacted] false} for %v, with field names for %+v, and as Go
// syntax for %#v.
func (d DesiredTSIG) Format(f fmt.State, verb rune) {
	sec := redactedIfSet(d.Secret)
	var s string
	switch {
	case verb == 'v' && f.Flag('#'):
		s = fmt.Sprintf("secondarydns.DesiredTSIG{Algo:%q, Secret:%q, Absent:%t}", d.Algo, sec, d.Absent)
	case verb == 'v' && f.Flag('+'):
		s = fmt.Sprintf("{Algo:%s Secret:%s Absent:%t}", d.Algo, sec, d.Absent)
	default:
		s = fmt.Sprintf("{%s %s %t}", d.Algo, sec, d.Absent)
	}
	_, _ = io.WriteString(f, s)
}

// GoString is %#v's text, with the secret redacted.
func (d DesiredTSIG) GoString() string { return fmt.Sprintf("%#v", d) }

// String is %v's text, with the secret redacted.
func (d DesiredTSIG) String() string { return fmt.Sprintf("%v", d) }

// LogValue logs the desired TSIG with its secret redacted.
func (d DesiredTSIG) LogValue() slog.Value {
	return slog.GroupValue(slog.String("algo", d.Algo), slog.String("secret", redactedIfSet(d.Secret)), slog.Bool("absent", d.Absent))
}

// MarshalJSON writes the desired TSIG with its secret redacted, so a
// DesiredTSIG that reaches a JSON log or file (slog's JSON handler encodes
// maps this way) never carries the key: {"algo":"hmac-sha256.",
// "secret":"[redacted]","absent":true}, "secret" left out when there is
// none and "absent" when it is false.
func (d DesiredTSIG) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Algo   string `json:"algo"`
		Secret string `json:"secret,omitempty"`
		Absent bool   `json:"absent,omitempty"`
	}{d.Algo, redactedIfSet(d.Secret), d.Absent})
}

// LogValue logs the plan without secrets: the account, the steps and how
// many are done.
func (p AccountPlan) LogValue() slog.Value {
	steps := make([]string, len(p.Steps))
	for i, st := range p.Steps {
		steps[i] = string(st.Action) + " " + kindName(st.Kind) + " " + st.Name
	}
	return slog.GroupValue(slog.String("account", p.AccountID), slog.Any("steps", steps), slog.Int("done", len(p.Done)))
}

// MarshalJSON writes the plan with every secret redacted, the fields under
// their Go names as encoding/json would write them: the TSIGs it read carry
// their secrets (the API returns them) and Want may hold some, and a plan
// written to a JSON log or file must not. TSIG's and DesiredTSIG's own
// MarshalJSON redact them; this method stays so that a caller of it keeps
// working.
func (p AccountPlan) MarshalJSON() ([]byte, error) {
	type plain AccountPlan // no methods: no recursion into this one
	return json.Marshal(plain(p))
}
