package secondarydnstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// DefaultAccountID is the account the fake serves by default: the account of
// zones that AddZone is given without one, and of zones seeded or created
// through the API. The peer, TSIG and ACL endpoints serve it and any other
// account ID (32 lowercase hexadecimal characters), each with its own objects.
const DefaultAccountID = "01a7362d577a6c3019a474fd6f485823"

// The kinds of endpoint a Fault's Kind names.
const (
	kindOutgoing = "outgoing" // /zones/{zone_id}/secondary_dns/outgoing[/…]
	kindPeer     = "peer"     // /accounts/{account_id}/secondary_dns/peers[/{id}]
	kindTSIG     = "tsig"     // …/tsigs[/{id}]
	kindACL      = "acl"      // …/acls[/{id}]
	kindZone     = "zone"     // GET /zones
)

// objectKind is one of the account's collections.
type objectKind struct {
	kind   string
	path   string // the collection's path segment
	title  string // for messages
	prefix string // hexadecimal: "peer", "tsig" or "acl" in ASCII, so IDs tell their kind
	// parse validates a create or update body and returns the object to
	// store, its ID left empty.
	parse func(acct *account, body []byte) (object, *apiError)
}

var objectKinds = []objectKind{
	{kindPeer, "peers", "Peer", "70656572", parsePeer},
	{kindTSIG, "tsigs", "TSIG", "74736967", parseTSIG},
	{kindACL, "acls", "ACL", "61636c", parseACL},
}

func kindNamed(kind string) *objectKind {
	for i := range objectKinds {
		if objectKinds[i].kind == kind {
			return &objectKinds[i]
		}
	}
	return nil
}

// object is a stored peer, TSIG or ACL, as the API renders it.
type object interface{ withID(id string) object }

type peerJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	IP         string `json:"ip,omitempty"`
	Port       int    `json:"port,omitempty"`
	IXFREnable bool   `json:"ixfr_enable,omitempty"`
	TSIGID     string `json:"tsig_id,omitempty"`
}

type tsigJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Algo   string `json:"algo"`
	Secret string `json:"secret"`
}

type aclJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	IPRange string `json:"ip_range"`
}

func (p peerJSON) withID(id string) object { p.ID = id; return p }
func (t tsigJSON) withID(id string) object { t.ID = id; return t }
func (a aclJSON) withID(id string) object  { a.ID = id; return a }

// account is one account's objects.
type account struct {
	sets map[string]*objectSet // by kind
}

// objectSet is one collection, listed in the order its objects were made.
type objectSet struct {
	order []string
	byID  map[string]object
}

func (a *account) set(kind string) *objectSet {
	if a == nil {
		return nil
	}
	return a.sets[kind]
}

func (o *objectSet) get(id string) (object, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.byID[id]
	return v, ok
}

func (o *objectSet) list() []object {
	out := []object{}
	if o == nil {
		return out
	}
	for _, id := range o.order {
		out = append(out, o.byID[id])
	}
	return out
}

// accountFor returns the account's state, making it on the first write.
func (s *Server) accountFor(id string) *account {
	a := s.accounts[id]
	if a == nil {
		a = &account{sets: make(map[string]*objectSet)}
		s.accounts[id] = a
	}
	return a
}

// newID makes the next ID of a kind: its prefix, then a counter, 32
// hexadecimal characters in all, e.g. "70656572000000000000000000000001" for
// the first peer. IDs are unique across accounts, as Cloudflare's are.
func (s *Server) newID(k *objectKind) string {
	s.ids[k.kind]++
	return fmt.Sprintf("%s%0*x", k.prefix, 32-len(k.prefix), s.ids[k.kind])
}

// routeAccount reads /client/v4/accounts/{account_id}/secondary_dns/{peers,tsigs,acls}[/{id}].
func routeAccount(method, path string) target {
	rest, ok := strings.CutPrefix(path, basePath+"/accounts/")
	if !ok {
		return target{}
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 3 || len(parts) > 4 || parts[1] != "secondary_dns" {
		return target{}
	}
	var k *objectKind
	for i := range objectKinds {
		if objectKinds[i].path == parts[2] {
			k = &objectKinds[i]
		}
	}
	if k == nil {
		return target{}
	}
	t := target{routed: true, kind: k.kind, item: len(parts) == 4}
	if acct, err := url.PathUnescape(parts[0]); err == nil {
		t.account = acct
	}
	if t.item {
		if parts[3] == "" {
			return target{}
		}
		if id, err := url.PathUnescape(parts[3]); err == nil {
			t.object = id
		}
	}
	for _, ep := range objectEndpoints {
		if ep.item == t.item && ep.method == method {
			t.action = ep.action
		}
	}
	return t
}

// objectEndpoint is one of the five operations on a collection of account
// objects, under the name Fault.Action gives it.
type objectEndpoint struct {
	action string
	method string
	item   bool // on /{id}, not the collection
}

var objectEndpoints = []objectEndpoint{
	{"list", http.MethodGet, false},
	{"create", http.MethodPost, false},
	{"get", http.MethodGet, true},
	{"update", http.MethodPut, true},
	{"delete", http.MethodDelete, true},
}

// routeOther routes the paths that are not a zone's outgoing configuration.
func routeOther(method, path string) target {
	if path == basePath+"/zones" {
		t := target{routed: true, kind: kindZone}
		if method == http.MethodGet {
			t.action = "list"
		}
		return t
	}
	return routeAccount(method, path)
}

// wellFormed reports whether the IDs in t's path have the form the fake's
// (and Cloudflare's) IDs have.
func (t target) wellFormed() bool {
	switch t.kind {
	case kindOutgoing:
		return validZoneID(t.zone)
	case kindZone:
		return true
	default:
		return validZoneID(t.account) && (!t.item || validZoneID(t.object))
	}
}

// methods lists the methods the API serves on t's path.
func (t target) methods() []string {
	switch t.kind {
	case kindOutgoing:
		return methodsFor(t.suffix)
	case kindZone:
		return []string{http.MethodGet}
	}
	var out []string
	for _, ep := range objectEndpoints {
		if ep.item == t.item {
			out = append(out, ep.method)
		}
	}
	return out
}

// handleObject serves the peer, TSIG and ACL endpoints. The caller holds s.mu
// and has authenticated the request.
func (s *Server) handleObject(t target, body []byte) response {
	k := kindNamed(t.kind)
	set := s.accounts[t.account].set(k.kind)
	switch t.action {
	case "list":
		items := set.list()
		n := len(items)
		info := resultInfo{Page: 1, PerPage: n, Count: n, TotalCount: n, TotalPages: 1}
		return successList(items, info)
	case "get":
		v, ok := set.get(t.object)
		if !ok {
			return objectNotFound(k)
		}
		return success(v)
	case "create":
		v, bad := k.parse(s.accounts[t.account], body)
		if bad != nil {
			return failure(http.StatusBadRequest, *bad)
		}
		acct := s.accountFor(t.account)
		set := acct.sets[k.kind]
		if set == nil {
			set = &objectSet{byID: make(map[string]object)}
			acct.sets[k.kind] = set
		}
		id := s.newID(k)
		v = v.withID(id)
		set.order = append(set.order, id)
		set.byID[id] = v
		return success(v)
	case "update":
		if _, ok := set.get(t.object); !ok {
			return objectNotFound(k)
		}
		v, bad := k.parse(s.accounts[t.account], body)
		if bad != nil {
			return failure(http.StatusBadRequest, *bad)
		}
		v = v.withID(t.object)
		set.byID[t.object] = v
		return success(v)
	default: // delete
		if _, ok := set.get(t.object); !ok {
			return objectNotFound(k)
		}
		delete(set.byID, t.object)
		for i, id := range set.order {
			if id == t.object {
				set.order = append(set.order[:i], set.order[i+1:]...)
				break
			}
		}
		return success(struct {
			ID string `json:"id"`
		}{t.object})
	}
}

func objectNotFound(k *objectKind) response {
	return failure(http.StatusNotFound, apiError{Code: 1005, Message: k.title + " not found"})
}

// maxObjectName is the longest name, in bytes, the fake takes for a peer,
// TSIG or ACL.
const maxObjectName = 255

// bodyFields reads a create or update body as a JSON object.
func bodyFields(body []byte) (map[string]json.RawMessage, *apiError) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		e := invalidBody("/", "Request body must be a JSON object")
		return nil, &e
	}
	return fields, nil
}

// stringField reads fields[name]: absent or null is "", another type is an
// error, and so is "" when required.
func stringField(fields map[string]json.RawMessage, name string, required bool) (string, *apiError) {
	var v string
	raw, ok := fields[name]
	if ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &v); err != nil {
			e := invalidBody("/"+name, name+" must be a string")
			return "", &e
		}
	}
	if required && strings.TrimSpace(v) == "" {
		e := invalidBody("/"+name, name+" is required and must be a non-empty string")
		return "", &e
	}
	return v, nil
}

func nameField(fields map[string]json.RawMessage) (string, *apiError) {
	name, bad := stringField(fields, "name", true)
	if bad == nil && len(name) > maxObjectName {
		e := invalidBody("/name", fmt.Sprintf("name must be at most %d bytes", maxObjectName))
		return "", &e
	}
	return name, bad
}

func parsePeer(acct *account, body []byte) (object, *apiError) {
	fields, bad := bodyFields(body)
	if bad != nil {
		return nil, bad
	}
	var p peerJSON
	if p.Name, bad = nameField(fields); bad != nil {
		return nil, bad
	}
	if p.IP, bad = stringField(fields, "ip", false); bad != nil {
		return nil, bad
	}
	if p.IP != "" {
		if a, err := netip.ParseAddr(p.IP); err != nil || a.Zone() != "" {
			e := invalidBody("/ip", "ip must be an IPv4 or IPv6 address")
			return nil, &e
		}
	}
	if raw, ok := fields["port"]; ok && string(raw) != "null" {
		var port float64
		if err := json.Unmarshal(raw, &port); err != nil || port != math.Trunc(port) || port < 0 || port > 65535 {
			e := invalidBody("/port", "port must be a whole number from 0 to 65535")
			return nil, &e
		}
		p.Port = int(port)
	}
	if raw, ok := fields["ixfr_enable"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &p.IXFREnable); err != nil {
			e := invalidBody("/ixfr_enable", "ixfr_enable must be a boolean")
			return nil, &e
		}
	}
	if p.TSIGID, bad = stringField(fields, "tsig_id", false); bad != nil {
		return nil, bad
	}
	if p.TSIGID != "" {
		if _, ok := acct.set(kindTSIG).get(p.TSIGID); !ok {
			e := invalidBody("/tsig_id", "tsig_id must be the ID of one of the account's TSIGs")
			return nil, &e
		}
	}
	return p, nil
}

// tsigAlgos are the algorithms the API documents, lower case with their
// trailing dot.
var tsigAlgos = []string{"hmac-sha256.", "hmac-sha384.", "hmac-sha512.", "hmac-sha1.", "hmac-md5.sig-alg.reg.int."}

func parseTSIG(_ *account, body []byte) (object, *apiError) {
	fields, bad := bodyFields(body)
	if bad != nil {
		return nil, bad
	}
	var t tsigJSON
	if t.Name, bad = nameField(fields); bad != nil {
		return nil, bad
	}
	if t.Algo, bad = stringField(fields, "algo", true); bad != nil {
		return nil, bad
	}
	algo := strings.ToLower(t.Algo)
	if !strings.HasSuffix(algo, ".") {
		algo += "."
	}
	known := false
	for _, a := range tsigAlgos {
		known = known || a == algo
	}
	if !known {
		e := invalidBody("/algo", "algo must be one of "+strings.Join(tsigAlgos, ", "))
		return nil, &e
	}
	if t.Secret, bad = stringField(fields, "secret", true); bad != nil {
		return nil, bad
	}
	return t, nil
}

func parseACL(_ *account, body []byte) (object, *apiError) {
	fields, bad := bodyFields(body)
	if bad != nil {
		return nil, bad
	}
	var a aclJSON
	if a.Name, bad = nameField(fields); bad != nil {
		return nil, bad
	}
	if a.IPRange, bad = stringField(fields, "ip_range", true); bad != nil {
		return nil, bad
	}
	p, err := netip.ParsePrefix(a.IPRange)
	if err != nil {
		e := invalidBody("/ip_range", "ip_range must be a CIDR prefix, e.g. 192.0.2.0/24")
		return nil, &e
	}
	if p.Addr().Is4() && p.Bits() < 24 || !p.Addr().Is4() && p.Bits() < 64 {
		e := invalidBody("/ip_range", "CIDRs are limited to a maximum of /24 for IPv4 and /64 for IPv6")
		return nil, &e
	}
	return a, nil
}

// redactSecrets returns a TSIG body for the request log: the value of every
// top-level "secret" key (in any case, as encoding/json matches keys) replaced
// by "[redacted]", the rest as sent. A body that is not one valid JSON object
// is replaced whole, since a secret may hide anywhere in it.
func redactSecrets(body []byte) string {
	if !json.Valid(body) {
		return redacted
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return redacted
	}
	var out strings.Builder
	last := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return redacted
		}
		start := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return redacted
		}
		end := int(dec.InputOffset())
		if k, _ := key.(string); !strings.EqualFold(k, "secret") {
			continue
		}
		// Between the key and the value are only a colon and spaces, which
		// never begin a value: the first match is the value.
		i := bytes.Index(body[start:end], raw)
		if i < 0 {
			return redacted
		}
		out.Write(body[last : start+i])
		out.WriteString(`"` + redacted + `"`)
		last = start + i + len(raw)
	}
	out.Write(body[last:])
	return out.String()
}
