package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// unknownZone is a zone ID Cloudflare does not know: a typo of zoneA.
var unknownZone = strings.Replace(zoneA, "0001", "0010", 1)

// strictProxy stands in front of the fake and answers every request about
// unknownZone as Cloudflare does for an ID it does not know: 404 with codes
// 7003 and 7000 (the fake's WithStrictZones does the same).
func strictProxy(t *testing.T, srv *secondarydnstest.Server) (env map[string]string, hits func() int) {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	n := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/zones/"+unknownZone+"/") {
			n++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"success": false, "errors": [{"code": 7003, "message": "Could not route to /zones/` + unknownZone + `/secondary_dns/outgoing, perhaps your object identifier is invalid?"}, {"code": 7000, "message": "No route for that URI"}], "messages": [], "result": null}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": hs.URL + "/client/v4"}, func() int { return n }
}

// TestUnknownZoneID: a zone ID Cloudflare does not know (404 with code
// 7003/7000; the SDK's Plan returns ErrUnknownID) is an error for that zone,
// never "no configuration": an absent entry with a mistyped ID is exit 1 for
// plan, apply (nothing changed) and export (nothing written), never "in
// sync"; a single-zone command says to check the ID.
func TestUnknownZoneID(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneB, secondarydnstest.Config{Name: "b.example.", Peers: []string{peer1}, Status: "Enabled"})
	env, hits := strictProxy(t, srv)

	r := invoke(t, invocation{args: []string{"get", unknownZone}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "[7003] Could not route to")
	assert.True(t, strings.HasSuffix(r.stderr, "\nhint: Cloudflare does not know this zone ID (code 7003/7000); check it: 'secondarydns get' needs the zone's ID, as the dashboard's Overview shows it\n"), r.stderr)
	r = invoke(t, invocation{args: []string{"delete", unknownZone, "--yes", "-o", "json"}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, `"codes": [
      7003,
      7000
    ]`)

	f := writeFile(t, "zones.json", `{"zones": {
  "`+unknownZone+`": {"absent": true},
  "`+zoneB+`": {"name": "b.example.", "peers": ["`+peer1+`", "`+peer2+`"], "status": "Enabled"}
}}`)
	r = invoke(t, invocation{args: []string{"plan", "-f", f, "--exit-code"}, env: env})
	assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, unknownZone+" error: zone "+unknownZone+": plan: GET /client/v4/zones/"+unknownZone+"/secondary_dns/outgoing: 404 Not Found: [7003] Could not route to")
	assert.True(t, strings.HasSuffix(r.stdout, "\n1 to change (1 update), 0 in sync, 1 failed\n"), r.stdout)
	assert.NotContains(t, r.stdout, "2 in sync")

	r = invoke(t, invocation{args: []string{"plan", "-f", f, "-o", "json"}, env: env})
	assert.Equal(t, exitFailed, r.code)
	var doc jsonFleet
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	assert.Equal(t, jsonSummary{Zones: 2, Changed: 1, Failed: 1}, doc.Summary)
	require.NotNil(t, doc.Zones[1].Error)
	assert.Equal(t, unknownZone, doc.Zones[1].ZoneID)
	assert.Equal(t, []int{7003, 7000}, doc.Zones[1].Error.Codes)

	srv.ResetRequests()
	r = invoke(t, invocation{args: []string{"apply", "-f", f, "--yes", "--allow-destroy"}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "not every zone could be read: nothing was changed")
	assert.Empty(t, writes(srv), "nothing changed")

	r = invoke(t, invocation{args: []string{"export", zoneB, unknownZone}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Empty(t, r.stdout, "no file of some of the zones")
	assert.Contains(t, r.stderr, "1 of 2 zones could not be read; nothing was written")
	assert.Positive(t, hits())

	// The fake's WithStrictZones answers the same for a zone it was not
	// given: a saved plan's absent zone that no longer resolves cannot be
	// re-read, and nothing is changed.
	strict := newFake(t, secondarydnstest.WithStrictZones())
	strict.Seed(zoneB, secondarydnstest.Config{Name: "b.example.", Peers: []string{peer1}, Status: "Enabled"})
	r = cli(t, strict, "plan", "-f", f)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, unknownZone+" error: ")
	assert.Contains(t, r.stdout, "404 Not Found: [7003]")
	assert.Empty(t, writes(strict))
}
