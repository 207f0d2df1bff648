package secondarydnstest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// WithStrictZones makes the server answer, for every zone endpoint, 404 with
// codes 7003 and 7000 ("Could not route to /zones/…, perhaps your object
// identifier is invalid?"), as Cloudflare answers for a zone ID it does not
// know, when the zone was neither given to AddZone nor seeded (Seed), so a
// test can prove that code tells a mistyped zone ID from a zone without a
// configuration. Without it, any well-formed zone ID is a zone (one without
// an outgoing configuration answers 404 with code 1003), and a zone created
// through the API becomes known to GET /zones.
//
// The check comes after authentication. It concerns zone IDs only: the peer,
// TSIG and ACL endpoints serve any well-formed account ID in either mode.
func WithStrictZones() ServerOption {
	return func(c *serverConfig) { c.strict = true }
}

// defaultNameServers are the nameservers a zone added without any reports, as
// in Cloudflare's examples.
var defaultNameServers = []string{"bob.ns.cloudflare.com", "lola.ns.cloudflare.com"}

// knownZone is a zone GET /zones can list and WithStrictZones accepts.
type knownZone struct {
	zone  zoneJSON
	added bool // by AddZone, not by Seed or Create: its name is AddZone's
}

type zoneJSON struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Status      string          `json:"status"`
	NameServers []string        `json:"name_servers"`
	Account     zoneAccountJSON `json:"account"`
}

type zoneAccountJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AddZone makes z a zone of the server, as GET /zones lists it, replacing any
// zone added before with its ID. It does not give the zone an outgoing
// configuration (Seed does, or Create through the API).
//
// The zone's account is DefaultAccountID when z.Account.ID is empty, its
// status "active" when z.Status is empty, and its nameservers
// bob.ns.cloudflare.com and lola.ns.cloudflare.com when z.NameServers is
// empty. Its name is kept without a trailing dot, as Cloudflare names zones.
// A zone added without a name is known (WithStrictZones accepts it) but not
// listed, since Cloudflare has no zone without one, until a configuration
// is seeded or created for it: it is then listed under that name.
//
// AddZone panics if z.ID or a non-empty z.Account.ID is not 32 lowercase
// hexadecimal characters (ZoneID makes such IDs): the server could never
// serve such a zone. It assigns no ID, since it could not return it.
func (s *Server) AddZone(z secondarydns.Zone) {
	if !validZoneID(z.ID) {
		panic(fmt.Sprintf("secondarydnstest: AddZone: zone ID %q is not 32 lowercase hexadecimal characters%s", z.ID, zoneNameHint(z.ID)))
	}
	if z.Account.ID == "" {
		z.Account.ID = DefaultAccountID
	}
	if !validZoneID(z.Account.ID) {
		panic(fmt.Sprintf("secondarydnstest: AddZone: account ID %q is not 32 lowercase hexadecimal characters", z.Account.ID))
	}
	if z.Status == "" {
		z.Status = "active"
	}
	ns := cloneStrings(z.NameServers)
	if len(ns) == 0 {
		ns = cloneStrings(defaultNameServers)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.known[z.ID] = &knownZone{added: true, zone: zoneJSON{
		ID:          z.ID,
		Name:        strings.TrimSuffix(z.Name, "."),
		Status:      z.Status,
		NameServers: ns,
		Account:     zoneAccountJSON{ID: z.Account.ID, Name: z.Account.Name},
	}}
}

// knowZone makes zoneID known to GET /zones under name, in DefaultAccountID,
// unless AddZone added it (with a name: one added without takes this one).
// A zone that Seed seeds again takes the new name; one created through the
// API keeps the name it was first known by. The caller holds s.mu.
func (s *Server) knowZone(zoneID, name string, seeded bool) {
	k := s.known[zoneID]
	if k != nil && k.added && k.zone.Name == "" {
		// Added without a name (an absent entry of a seed file): the
		// first configuration names it, as Cloudflare has no zone
		// without a name to list.
		k.zone.Name = strings.TrimSuffix(name, ".")
		return
	}
	if k != nil && (k.added || !seeded) {
		return
	}
	s.known[zoneID] = &knownZone{zone: zoneJSON{
		ID:          zoneID,
		Name:        strings.TrimSuffix(name, "."),
		Status:      "active",
		NameServers: cloneStrings(defaultNameServers),
		Account:     zoneAccountJSON{ID: DefaultAccountID},
	}}
}

// Paging of GET /zones, as Cloudflare documents it.
const (
	defaultPerPage = 20
	minPerPage     = 5
	maxPerPage     = 50
)

// listZones serves GET /zones. The caller holds s.mu.
func (s *Server) listZones(q url.Values) response {
	page, ok := queryInt(q, "page", 1)
	if !ok {
		return failure(http.StatusBadRequest, apiError{Code: 1004, Message: "page must be a whole number of at least 1"})
	}
	perPage, ok := queryInt(q, "per_page", defaultPerPage)
	if !ok {
		return failure(http.StatusBadRequest, apiError{Code: 1004, Message: fmt.Sprintf("per_page must be a whole number from %d to %d", minPerPage, maxPerPage)})
	}
	perPage = min(max(perPage, minPerPage), maxPerPage)
	accountID := q.Get("account.id")
	name := strings.TrimSuffix(q.Get("name"), ".")

	var all []zoneJSON
	for _, k := range s.known {
		z := k.zone
		if z.Name == "" || accountID != "" && z.Account.ID != accountID || name != "" && !strings.EqualFold(z.Name, name) {
			continue
		}
		all = append(all, z)
	}
	slices.SortFunc(all, func(a, b zoneJSON) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	items := []zoneJSON{}
	if page <= len(all) { // else (page-1)*perPage could overflow
		if from := (page - 1) * perPage; from < len(all) {
			items = all[from:min(from+perPage, len(all))]
		}
	}
	return successList(items, resultInfo{
		Page:       page,
		PerPage:    perPage,
		Count:      len(items),
		TotalCount: len(all),
		TotalPages: (len(all) + perPage - 1) / perPage,
	})
}

// queryInt reads a whole number of at least 1 from the query, def when absent.
func queryInt(q url.Values, key string, def int) (int, bool) {
	v := q.Get(key)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1
}
