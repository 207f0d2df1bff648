package secondarydns

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"
)

// Zones are listed 50 to a page, at most maxZonePages pages: 500,000 zones,
// far beyond any account, and a bound on a server that never says "last".
const (
	zonesPerPage = 50
	maxZonePages = 10000
)

var opZones = endpoint{method: http.MethodGet, root: "/zones"}

// List returns every zone that o selects and the credential can see, reading
// every page. Name matches exactly (it is sent without its trailing dot).
// It calls GET /zones with o encoded by go-querystring plus page (from 1) and
// per_page=50, following result_info.total_pages. A page whose
// result_info.page is not the one asked for, whose first zone repeats the
// previous page's first zone, a total_pages or total_count that shrinks
// between pages, or more than 10,000 pages is ErrInvalidResponse: the list
// would be incomplete or endless. No zone gives an empty, non-nil slice.
// Options apply to every page's request; WithResponse reports the last.
func (s *ZonesService) List(ctx context.Context, o ZoneListOptions, opts ...Option) ([]Zone, error) {
	c, err := (*service)(s).ready()
	if err != nil {
		return nil, refused(opts, err)
	}
	if o.AccountID != "" {
		if err := validateZoneID("account ID", o.AccountID); err != nil {
			return nil, refused(opts, err)
		}
	}
	if o.Name != "" {
		if err := validateDomain("zone name", o.Name); err != nil {
			return nil, refused(opts, err)
		}
		o.Name = strings.TrimSuffix(o.Name, ".")
	}
	v, err := query.Values(o)
	if err != nil {
		return nil, refused(opts, invalid("ZoneListOptions: %v", err))
	}
	filter, amp := v.Encode(), ""
	if filter != "" {
		amp = "&"
	}
	var zones []Zone
	var prev *resultInfo
	var prevFirst string
	for page := 1; ; page++ {
		env := new(envelope[[]Zone])
		q := filter + amp + "page=" + strconv.Itoa(page) + "&per_page=" + strconv.Itoa(zonesPerPage)
		if err := c.do(ctx, &opZones, target{query: q}, nil, opts, env); err != nil {
			return nil, err
		}
		info, got := env.Info, *env.Result
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: GET /zones page %d: "+format, append([]any{ErrInvalidResponse, page}, args...)...)
		}
		switch {
		case info == nil:
			return nil, bad("the answer has no result_info, so the pages left cannot be known")
		case info.Page != page:
			return nil, bad("result_info.page is %d", info.Page)
		case info.TotalPages > maxZonePages:
			return nil, bad("result_info.total_pages is %d, more than %d", info.TotalPages, maxZonePages)
		case prev != nil && info.TotalPages < prev.TotalPages:
			return nil, bad("result_info.total_pages shrank from %d to %d", prev.TotalPages, info.TotalPages)
		case prev != nil && info.TotalCount < prev.TotalCount:
			return nil, bad("result_info.total_count shrank from %d to %d", prev.TotalCount, info.TotalCount)
		case prevFirst != "" && len(got) > 0 && got[0].ID == prevFirst:
			return nil, bad("its first zone %s repeats the previous page's", quoteShort(got[0].ID))
		}
		if page == 1 {
			zones = got // most lists are one page: no copy
		} else {
			zones = append(zones, got...)
		}
		if page >= info.TotalPages {
			if zones == nil {
				zones = []Zone{}
			}
			return zones, nil
		}
		prev, prevFirst = info, ""
		if len(got) > 0 {
			prevFirst = got[0].ID
		}
	}
}
