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
	var prev *zonePage
	for page := 1; ; page++ {
		pg := &zonePage{page: page, prev: prev}
		q := filter + amp + "page=" + strconv.Itoa(page) + "&per_page=" + strconv.Itoa(zonesPerPage)
		if err := c.do(ctx, &opZones, target{query: q}, nil, opts, pg); err != nil {
			return nil, err
		}
		got := *pg.Result
		if page == 1 {
			zones = got // most lists are one page: no copy
		} else {
			zones = append(zones, got...)
		}
		if page >= pg.Info.TotalPages {
			if zones == nil {
				zones = []Zone{}
			}
			return zones, nil
		}
		pg.prev = nil // only the last page is kept
		prev = pg
	}
}

// zonePage is the answer to one page of GET /zones, which the pipeline has
// checked (see check) before List goes on.
type zonePage struct {
	envelope[[]Zone]
	page int       // the page asked for
	prev *zonePage // the previous page; nil for the first
}

// check says why the page cannot be used to go on (the list would be
// incomplete or endless), "" when it can.
func (z *zonePage) check() string {
	if why := z.problem(); why != "" {
		return "page " + strconv.Itoa(z.page) + ": " + why
	}
	return ""
}

func (z *zonePage) problem() string {
	info, got, prev := z.Info, *z.Result, z.prev
	switch {
	case info == nil:
		return "the answer has no result_info, so the pages left cannot be known"
	case info.Page != z.page:
		return "result_info.page is " + strconv.Itoa(info.Page)
	case info.TotalPages > maxZonePages:
		return fmt.Sprintf("result_info.total_pages is %d, more than %d", info.TotalPages, maxZonePages)
	case prev == nil:
		return ""
	case info.TotalPages < prev.Info.TotalPages:
		return fmt.Sprintf("result_info.total_pages shrank from %d to %d", prev.Info.TotalPages, info.TotalPages)
	case info.TotalCount < prev.Info.TotalCount:
		return fmt.Sprintf("result_info.total_count shrank from %d to %d", prev.Info.TotalCount, info.TotalCount)
	case len(got) > 0 && len(*prev.Result) > 0 && got[0].ID != "" && got[0].ID == (*prev.Result)[0].ID:
		return "its first zone " + quoteShort(got[0].ID) + " repeats the previous page's"
	}
	return ""
}
