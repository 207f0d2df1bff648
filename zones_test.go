package secondarydns_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
)

// zoneJSON is zone i as GET /zones lists it, with fields the SDK ignores.
func zoneJSON(i int) string {
	return fmt.Sprintf(`{"id":"%032x","name":"z%d.example.com","status":"active","paused":false,"name_servers":["ns1.cloudflare.com","ns2.cloudflare.com"],"account":{"id":"%s","name":"Ops"},"plan":{"id":"x"}}`, i, i, testAccount)
}

func wantZone(i int) secondarydns.Zone {
	return secondarydns.Zone{
		ID: fmt.Sprintf("%032x", i), Name: fmt.Sprintf("z%d.example.com", i), Status: "active",
		NameServers: []string{"ns1.cloudflare.com", "ns2.cloudflare.com"},
		Account:     secondarydns.ZoneAccount{ID: testAccount, Name: "Ops"},
	}
}

// zonePage is one answer of GET /zones: zones first..last-1.
func zonePage(page, totalPages, totalCount, first, last int) string {
	var zs []string
	for i := first; i < last; i++ {
		zs = append(zs, zoneJSON(i))
	}
	return fmt.Sprintf(`{"success":true,"errors":[],"messages":[],"result":[%s],"result_info":{"page":%d,"per_page":50,"count":%d,"total_count":%d,"total_pages":%d}}`,
		strings.Join(zs, ","), page, last-first, totalCount, totalPages)
}

// TestZonesList pages through 120 zones over a real socket: three requests,
// each with the filters, page from 1 and per_page=50, every zone once, in order.
func TestZonesList(t *testing.T) {
	const total = 120
	srv := newWireServer(t, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		first := (page - 1) * 50
		writeBody(w, http.StatusOK, zonePage(page, 3, total, first, min(first+50, total)))
	})
	c, err := secondarydns.NewClient(secondarydns.WithAPIToken(testToken), secondarydns.WithBaseURL(srv.baseURL()))
	require.NoError(t, err)
	zones, err := c.Zones.List(context.Background(), secondarydns.ZoneListOptions{AccountID: testAccount, Name: "example.com."})
	require.NoError(t, err)
	require.Len(t, zones, total)
	for i, z := range zones {
		require.Equal(t, wantZone(i), z)
	}
	reqs := srv.requests()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assert.Equal(t, "GET", r.Method)
		assert.Equal(t, basePath+"/zones", r.Path)
		assert.Equal(t, "account.id="+testAccount+"&name=example.com&page="+strconv.Itoa(i+1)+"&per_page=50", r.RawQuery, "the name goes without its trailing dot")
		assert.Equal(t, []string{"Bearer " + testToken}, r.Header.Values("Authorization"))
		assert.False(t, r.HasBody)
	}
}

// TestZonesListQuery: no filter sends only the paging; WithQuery adds to it.
func TestZonesListQuery(t *testing.T) {
	m := newMock(t, reply(200, zonePage(1, 1, 1, 0, 1)))
	c := newMockClient(t, m, nil)
	_, err := c.Zones.List(context.Background(), secondarydns.ZoneListOptions{})
	require.NoError(t, err)
	_, err = c.Zones.List(context.Background(), secondarydns.ZoneListOptions{Name: "Example.COM"}, secondarydns.WithQuery(url.Values{"status": {"active"}}))
	require.NoError(t, err)
	reqs := m.requests()
	assert.Equal(t, "page=1&per_page=50", reqs[0].RawQuery)
	assert.Equal(t, "name=Example.COM&page=1&per_page=50&status=active", reqs[1].RawQuery)
}

// TestZonesListEmpty: no zone is an empty, non-nil slice, whether the API
// says 0 pages or 1.
func TestZonesListEmpty(t *testing.T) {
	for _, pages := range []int{0, 1} {
		m := newMock(t, reply(200, zonePage(1, pages, 0, 0, 0)))
		zones, err := newMockClient(t, m, nil).Zones.List(context.Background(), secondarydns.ZoneListOptions{Name: "nothing.example"})
		require.NoError(t, err)
		require.NotNil(t, zones)
		assert.Empty(t, zones)
		assert.Equal(t, 1, m.count())
	}
}

// TestZonesListRefusesBadPages: each way a server can make the list
// incomplete or endless is ErrInvalidResponse, found at the page that shows
// it, with nothing more requested.
func TestZonesListRefusesBadPages(t *testing.T) {
	ok1 := reply(200, zonePage(1, 3, 150, 0, 50))
	tests := []struct {
		name  string
		pages []string // answers to pages 1, 2, ...
		want  string
	}{
		{"page 1 answered as page 2", []string{zonePage(2, 3, 150, 0, 50)}, "result_info.page is 2"},
		{"page 2 answered as page 1", []string{"", zonePage(1, 3, 150, 50, 100)}, "result_info.page is 1"},
		{"page 2 repeats page 1", []string{"", zonePage(2, 3, 150, 0, 50)}, "repeats the previous page's"},
		{"total_pages shrinks", []string{"", zonePage(2, 2, 150, 50, 100)}, "total_pages shrank from 3 to 2"},
		{"total_count shrinks", []string{"", zonePage(2, 3, 149, 50, 100)}, "total_count shrank from 150 to 149"},
		{"more than 10,000 pages", []string{zonePage(1, 10001, 500050, 0, 50)}, "more than 10000"},
		{"no result_info", []string{`{"success":true,"errors":[],"messages":[],"result":[` + zoneJSON(1) + `]}`}, "no result_info"},
		{"a result that is no list", []string{`{"success":true,"errors":[],"messages":[],"result":{"id":"x"},"result_info":{"page":1,"total_pages":1}}`}, "want array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMock(t)
			for _, p := range tt.pages {
				if p == "" { // a good first page
					m.steps = append(m.steps, ok1)
				} else {
					m.steps = append(m.steps, reply(200, p))
				}
			}
			_, err := newMockClient(t, m, nil).Zones.List(context.Background(), secondarydns.ZoneListOptions{AccountID: testAccount})
			require.ErrorIs(t, err, secondarydns.ErrInvalidResponse)
			assert.Contains(t, err.Error(), tt.want)
			// As every ErrInvalidResponse: the status and ray ID of the
			// answer that showed it, and WithResponse filled from it.
			assert.Contains(t, err.Error(), "HTTP 200")
			assert.Contains(t, err.Error(), testRay)
			assert.Equal(t, len(tt.pages), m.count(), "no page requested after the bad one")
		})
	}
	// Growth is fine: a zone created while paging makes total_count grow.
	m := newMock(t, ok1, reply(200, zonePage(2, 4, 151, 50, 100)), reply(200, zonePage(3, 4, 151, 100, 150)), reply(200, zonePage(4, 4, 151, 150, 151)))
	zones, err := newMockClient(t, m, nil).Zones.List(context.Background(), secondarydns.ZoneListOptions{})
	require.NoError(t, err)
	assert.Len(t, zones, 151)
}

// TestZonesListError: an API error on a later page is the call's error.
func TestZonesListError(t *testing.T) {
	m := newMock(t, reply(200, zonePage(1, 2, 60, 0, 50)), reply(403, errEnvelope(9109, "Unauthorized to access requested resource")))
	zones, err := newMockClient(t, m, nil).Zones.List(context.Background(), secondarydns.ZoneListOptions{})
	require.ErrorIs(t, err, secondarydns.ErrForbidden)
	assert.Nil(t, zones)
	var apiErr *secondarydns.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, basePath+"/zones", apiErr.Path, "the path has no query")
}
