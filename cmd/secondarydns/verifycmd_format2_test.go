package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// verifiedIDs is the zone IDs a verify -o json document lists, in order.
func verifiedIDs(t *testing.T, stdout string) []string {
	t.Helper()
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	var ids []string
	for _, z := range doc.Zones {
		ids = append(ids, z.ZoneID)
	}
	return ids
}

// zoneListPage is the request for one page of the default account's zone
// list.
func zoneListPage(page int) string {
	return fmt.Sprintf("GET /zones?account.id=%s&page=%d&per_page=50", secondarydnstest.DefaultAccountID, page)
}

// TestVerifyFormat2ByName: verify -f reads a format-2 file as plan does:
// zones keyed by name are resolved with the account's zone list (read
// once), zones keyed by ID are taken as they are, "defaults" gives the
// zones without peers theirs, and absent zones (by name or ID) are not
// read. The cost is the zone list, the peers list and one read per zone
// checked; nothing else (no TSIG or ACL list, no status).
func TestVerifyFormat2ByName(t *testing.T) {
	r := newVerifyRig(t, 2)
	r.zone(t, zoneA, "example.com.")
	r.zone(t, zoneB, "example.org.")
	r.zone(t, zoneC, "example.net.")
	r.srv.AddZone(secondarydns.Zone{ID: zoneD, Name: "old.example."})
	r.srv.ResetRequests()
	file := writeFile(t, "zones.json", `{
  "account": "`+secondarydnstest.DefaultAccountID+`",
  "tsigs": {"k": {"algo": "hmac-sha256.", "secret_env": "UNSET_SECRET"}},
  "peers": {"secondary-1": {"ip": "127.0.0.1"}},
  "acls": {"x": {"ip_range": "192.0.2.0/24"}},
  "defaults": {"peers": ["secondary-1", "secondary-2"], "status": "Enabled"},
  "zones": {
    "example.org.": {},
    "Example.COM": {"peers": ["secondary-1"]},
    "`+zoneC+`": {"name": "example.net.", "peers": []},
    "old.example.": {"absent": true},
    "`+zoneE+`": {"absent": true}
  }
}`)
	res := r.run(t, "-f", file, "-o", "json")
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.Equal(t, []string{zoneB, zoneA, zoneC}, verifiedIDs(t, res.stdout), "in the file's order, the absent zones left out")
	if reqs := r.requests(); assert.GreaterOrEqual(t, len(reqs), 2) {
		assert.Equal(t, []string{
			zoneListPage(1),
			"GET /accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns/peers",
		}, reqs[:2], "the names are looked up first")
	}
	assert.ElementsMatch(t, []string{
		zoneListPage(1),
		"GET /accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns/peers",
		"GET /zones/" + zoneB + "/secondary_dns/outgoing",
		"GET /zones/" + zoneA + "/secondary_dns/outgoing",
		"GET /zones/" + zoneC + "/secondary_dns/outgoing",
	}, r.requests())

	// A zone behind is reported by name, exit 3: the file's zones are
	// really asked about.
	r.srv.BumpSerial(zoneB)
	res = r.run(t, "-f", file)
	assert.Equal(t, exitChanges, res.code, res.stdout+res.stderr)
	assert.Contains(t, res.stdout, "example.org. ("+zoneB+")\n")
	assert.Contains(t, res.stdout, "3 zones: 2 in sync on every secondary, 1 behind, 0 failed\n")
}

// TestVerifyFormat2ByID: a format-2 file whose zones are keyed by ID reads
// no zone list; its "account" is the account (the peers list is the file's
// account's), and an --account that differs is exit 2 with nothing sent.
func TestVerifyFormat2ByID(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	r.zone(t, zoneB, "example.org.")
	r.srv.ResetRequests()
	file := writeFile(t, "zones.json", `{"account": "`+secondarydnstest.DefaultAccountID+`", "zones": {
  "`+zoneB+`": {"name": "example.org.", "peers": ["secondary-1"]},
  "`+zoneA+`": {"name": "example.com.", "peers": []}
}}`)
	delete(r.env, "CLOUDFLARE_ACCOUNT_ID") // the file's "account" is enough
	res := r.run(t, "-f", file)
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.Equal(t, "2 zones: 2 in sync on every secondary, 0 behind, 0 failed\n", res.stdout)
	assert.ElementsMatch(t, []string{
		"GET /accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns/peers",
		"GET /zones/" + zoneB + "/secondary_dns/outgoing",
		"GET /zones/" + zoneA + "/secondary_dns/outgoing",
	}, r.requests(), "no zone list")

	r.srv.ResetRequests()
	res = r.run(t, "-f", file, "--account", "0123456789abcdef0123456789abcdef")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, `differs from the file's "account"`)
	assert.Empty(t, r.requests())
}

// TestVerifyFormat2Defaults: a file of zones keyed by name that all take
// "defaults" (as a new user writes one) checks every zone; 60 names cost
// the account's zone list once (two pages of 50), not a list per name.
func TestVerifyFormat2Defaults(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zones(t, 60)
	r.srv.ResetRequests()
	var b strings.Builder
	b.WriteString(`{"defaults": {"peers": ["secondary-1"], "status": "Enabled"}, "zones": {`)
	for i := range 60 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `"z%d.example.": {}`, i)
	}
	b.WriteString("}}")
	res := r.run(t, "-f", writeFile(t, "simple.json", b.String()))
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "60 zones: 60 in sync on every secondary, 0 behind, 0 failed\n", res.stdout)
	assert.Equal(t, []string{zoneListPage(1), zoneListPage(2)}, filter(r.requests(), "GET /zones?"))
	assert.Equal(t, 60, r.count("GET", "/secondary_dns/outgoing"))
	assert.Len(t, r.requests(), 2+1+60)
}

// TestVerifyExportAll: the file export --all writes is verified whole.
func TestVerifyExportAll(t *testing.T) {
	r := newVerifyRig(t, 2)
	ids := r.zones(t, 3)
	r.srv.AddZone(secondarydns.Zone{ID: zoneD, Name: "plain.example."}) // no configuration: not exported
	exp := invoke(t, invocation{args: []string{"export", "--all"}, env: r.env})
	require.Equal(t, exitOK, exp.code, exp.stderr)
	r.srv.ResetRequests()

	res := r.run(t, "-f", writeFile(t, "all.json", exp.stdout), "-o", "json")
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.ElementsMatch(t, ids, verifiedIDs(t, res.stdout))
	assert.Equal(t, 3, r.count("GET", "/secondary_dns/outgoing"))
	assert.Equal(t, []string{zoneListPage(1)}, filter(r.requests(), "GET /zones?"))
}

// TestVerifyFormat2UnknownName: a zone name the account does not have is
// exit 2 with plan's message, after the zone list alone: no peers list, no
// zone read.
func TestVerifyFormat2UnknownName(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	r.srv.ResetRequests()
	file := writeFile(t, "zones.json", `{"zones":{"nosuch.example.":{"peers":[]}}}`)
	for _, o := range []string{"text", "json"} {
		r.srv.ResetRequests()
		res := r.run(t, "-f", file, "-o", o)
		assert.Equal(t, exitUsage, res.code, o)
		assert.Contains(t, res.stderr, `zones.json:1: zones["nosuch.example."]: account `+secondarydnstest.DefaultAccountID+` has no zone named "nosuch.example." (checked with the zone list: 1 zones); nothing was read or written`, o)
		assert.Equal(t, []string{zoneListPage(1)}, r.requests(), o)
	}

	plan := invoke(t, invocation{args: []string{"plan", "-f", file}, env: r.env})
	assert.Equal(t, exitUsage, plan.code)
	assert.Equal(t, strings.Replace(plan.stderr, "secondarydns plan: ", "secondarydns verify: ", 1),
		r.run(t, "-f", file).stderr, "plan's message")
}

// TestVerifyFormat2Invalid: a format-2 file plan refuses before any request
// (a zone with neither its own peers nor defaults) verify refuses too.
func TestVerifyFormat2Invalid(t *testing.T) {
	r := newVerifyRig(t, 1)
	res := r.run(t, "-f", writeFile(t, "zones.json", `{"account": "`+secondarydnstest.DefaultAccountID+`", "zones": {"example.com.": {}}}`))
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "zones.json:1")
	assert.Empty(t, r.requests())
}

// TestFakeRefusesFormat2: fake -f seeds format 1 only; a format-2 file is
// exit 2 saying so, not a fake serving no zone.
func TestFakeRefusesFormat2(t *testing.T) {
	for _, content := range []string{
		`{"zones": {"example.com.": {"peers": []}}}`,
		`{"account": "` + secondarydnstest.DefaultAccountID + `", "zones": {"` + zoneA + `": {"name": "example.com.", "peers": []}}}`,
	} {
		file := writeFile(t, "simple.json", content)
		// Without the refusal the fake would serve until told to stop.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		res := invoke(t, invocation{args: []string{"fake", "-f", file, "--addr", "127.0.0.1:0"}, ctx: ctx})
		cancel()
		assert.Equal(t, exitUsage, res.code, res.stderr)
		assert.Contains(t, res.stderr, "secondarydns fake: "+file+" is a format-2 file; fake -f reads format 1 only (zones keyed by ID")
		assert.Empty(t, res.stdout, "nothing was served")
	}
}

// TestVerifyTimeoutReadingTheAccount: --timeout that passes while verify
// looks up zone names, lists the zones of a format-2 file keyed by name,
// or lists the peers is said in one line naming what it cut, as the other
// commands' reads of the account are, not as "context deadline exceeded".
func TestVerifyTimeoutReadingTheAccount(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	acct := secondarydnstest.DefaultAccountID
	byName := writeFile(t, "byname.json", `{"account": "`+acct+`", "zones": {"example.com.": {"peers": ["secondary-1"]}}}`)
	byID := writeFile(t, "byid.json", `{"account": "`+acct+`", "zones": {"`+zoneA+`": {"name": "example.com.", "peers": ["secondary-1"]}}}`)
	isList := func(q *http.Request) bool {
		return q.Method == http.MethodGet && strings.HasSuffix(q.URL.Path, "/zones")
	}
	isPeers := func(q *http.Request) bool { return strings.HasSuffix(q.URL.Path, "/secondary_dns/peers") }
	for _, tc := range []struct {
		name  string
		stall func(*http.Request) bool
		args  []string
		what  string
	}{
		{"names", isList, []string{"example.com."}, "looking up zone names"},
		{"format 2 zones", isList, []string{"-f", byName}, "listing the account's zones"},
		{"peers", isPeers, []string{"-f", byID}, "listing the account's peers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := maps.Clone(r.env)
			env["CLOUDFLARE_BASE_URL"] = stallURL(t, r.srv, tc.stall)
			res := invoke(t, invocation{args: append([]string{"verify", "--timeout", "300ms"}, tc.args...), env: env})
			assert.Equal(t, exitFailed, res.code)
			assert.Equal(t, "secondarydns verify: --timeout 300ms passed while "+tc.what+"; no zone was checked\n", res.stderr)
			assert.Empty(t, res.stdout)
		})
	}
}
