package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// changesZone is what a CI job reads of one zone under -o json.
type changesZone struct {
	ZoneID  string          `json:"zone_id"`
	Name    string          `json:"name"`
	Changes json.RawMessage `json:"changes"`
}

// zoneChanges decodes a plan or apply document into zone ID → name and the
// compact JSON of "changes".
func zoneChanges(t *testing.T, stdout string) map[string][2]string {
	t.Helper()
	oneDocument(t, stdout)
	var doc struct {
		Zones []changesZone `json:"zones"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	out := map[string][2]string{}
	for _, z := range doc.Zones {
		require.NotNil(t, z.Changes, "zone %s has \"changes\"", z.ZoneID)
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, z.Changes))
		out[z.ZoneID] = [2]string{z.Name, buf.String()}
	}
	return out
}

// TestJSONChanges: each zone of plan and apply under -o json has "name" (the
// wanted name, else the name read) and "changes" (exactly what its actions
// change, {} when in sync), the same in plan, apply -f and apply --plan.
func TestJSONChanges(t *testing.T) {
	var (
		rename    = secondarydnstest.ZoneID(901)
		peers     = secondarydnstest.ZoneID(902)
		enable    = secondarydnstest.ZoneID(903)
		disable   = secondarydnstest.ZoneID(904)
		create    = secondarydnstest.ZoneID(905)
		createOff = secondarydnstest.ZoneID(906)
		deleteOn  = secondarydnstest.ZoneID(907)
		deleteOff = secondarydnstest.ZoneID(908)
		inSync    = secondarydnstest.ZoneID(909)
		recased   = secondarydnstest.ZoneID(910)
		gone      = secondarydnstest.ZoneID(911)
		allPeers  = secondarydnstest.ZoneID(912)
		recasedUp = secondarydnstest.ZoneID(913) // an update whose name differs only in case
	)
	file := `{"zones": {
  "` + rename + `": {"name": "renamed.example.", "peers": ["` + peer1 + `"], "status": "Enabled"},
  "` + peers + `": {"name": "p.example.", "peers": ["` + peer2 + `", "` + peer3 + `"]},
  "` + enable + `": {"name": "e.example.", "peers": ["` + peer1 + `"], "status": "Enabled"},
  "` + disable + `": {"name": "d.example.", "peers": ["` + peer1 + `"], "status": "Disabled"},
  "` + create + `": {"name": "new.example.", "peers": ["` + peer1 + `", "` + peer1 + `", "` + peer2 + `"], "status": "Enabled"},
  "` + createOff + `": {"name": "off.example.", "peers": []},
  "` + deleteOn + `": {"absent": true},
  "` + deleteOff + `": {"absent": true},
  "` + inSync + `": {"name": "s.example.", "peers": ["` + peer1 + `"], "status": "Enabled"},
  "` + recased + `": {"name": "R.EXAMPLE", "peers": ["` + peer1 + `"]},
  "` + gone + `": {"absent": true},
  "` + allPeers + `": {"name": "all.example.", "peers": []},
  "` + recasedUp + `": {"name": "Q.EXAMPLE", "peers": ["` + peer1 + `", "` + peer2 + `"]}
}}`
	seed := func(srv *secondarydnstest.Server) {
		for id, c := range map[string]secondarydnstest.Config{
			rename:    {Name: "a.example.", Peers: []string{peer1}, Status: "Enabled"},
			peers:     {Name: "p.example.", Peers: []string{peer1, peer2}, Status: "Enabled"},
			enable:    {Name: "e.example.", Peers: []string{peer1}, Status: "Disabled"},
			disable:   {Name: "d.example.", Peers: []string{peer1}, Status: "Enabled"},
			deleteOn:  {Name: "on.example.", Peers: []string{peer1, peer2}, Status: "Enabled"},
			deleteOff: {Name: "gone.example.", Peers: []string{peer3}, Status: "Disabled"},
			inSync:    {Name: "s.example.", Peers: []string{peer1}, Status: "Enabled"},
			recased:   {Name: "r.example.", Peers: []string{peer1}, Status: "Disabled"},
			allPeers:  {Name: "all.example.", Peers: []string{peer1, peer2}, Status: "Disabled"},
			recasedUp: {Name: "q.example.", Peers: []string{peer1}, Status: "Enabled"},
		} {
			srv.Seed(id, c)
		}
	}
	want := map[string][2]string{
		rename:    {"renamed.example.", `{"name":{"from":"a.example.","to":"renamed.example."}}`},
		peers:     {"p.example.", `{"peers":{"add":["` + peer3 + `"],"remove":["` + peer1 + `"]}}`},
		enable:    {"e.example.", `{"status":{"from":"Disabled","to":"Enabled"}}`},
		disable:   {"d.example.", `{"status":{"from":"Enabled","to":"Disabled"}}`},
		create:    {"new.example.", `{"name":{"from":"","to":"new.example."},"peers":{"add":["` + peer1 + `","` + peer2 + `"]},"status":{"from":"","to":"Enabled"}}`},
		createOff: {"off.example.", `{"name":{"from":"","to":"off.example."},"status":{"from":"","to":"Disabled"}}`},
		deleteOn:  {"on.example.", `{"name":{"from":"on.example.","to":""},"peers":{"remove":["` + peer1 + `","` + peer2 + `"]},"status":{"from":"Enabled","to":""}}`},
		deleteOff: {"gone.example.", `{"name":{"from":"gone.example.","to":""},"peers":{"remove":["` + peer3 + `"]},"status":{"from":"Disabled","to":""}}`},
		inSync:    {"s.example.", `{}`},
		recased:   {"R.EXAMPLE", `{}`},
		gone:      {"", `{}`},
		allPeers:  {"all.example.", `{"peers":{"remove":["` + peer1 + `","` + peer2 + `"]}}`},
		recasedUp: {"Q.EXAMPLE", `{"peers":{"add":["` + peer2 + `"]}}`},
	}
	f := writeFile(t, "zones.json", file)

	t.Run("plan", func(t *testing.T) {
		srv := newFake(t)
		seed(srv)
		r := cli(t, srv, "plan", "-f", f, "-o", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, want, zoneChanges(t, r.stdout))
	})
	t.Run("apply -f", func(t *testing.T) {
		srv := newFake(t)
		seed(srv)
		r := cli(t, srv, "apply", "-f", f, "--yes", "--allow-destroy", "-o", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, want, zoneChanges(t, r.stdout), "what was done is described as planned")
	})
	t.Run("apply --plan", func(t *testing.T) {
		srv := newFake(t)
		seed(srv)
		planPath := filepath.Join(t.TempDir(), "plan.json")
		r := cli(t, srv, "plan", "-f", f, "--out", planPath, "-o", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		r = cli(t, srv, "apply", "--plan", planPath, "--yes", "--allow-destroy", "-o", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, want, zoneChanges(t, r.stdout))
	})
	t.Run("apply --plan, stale", func(t *testing.T) {
		srv := newFake(t)
		seed(srv)
		planPath := savePlan(t, srv, f)
		srv.Seed(rename, secondarydnstest.Config{Name: "other.example.", Peers: []string{peer1}, Status: "Enabled"})
		r := cli(t, srv, "apply", "--plan", planPath, "--yes", "--allow-destroy", "-o", "json")
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Equal(t, want, zoneChanges(t, r.stdout), "a stale zone is described as the saved plan saw it")
	})
}

// TestJSONChangesStatusNotRead: a saved plan that did not read a zone's
// status (its "read" has none) has no status to show changing: "changes"
// leaves "status" out rather than say {"from": "", "to": ""}.
func TestJSONChangesStatusNotRead(t *testing.T) {
	srv := newFake(t)
	srv.Seed(zoneD, secondarydnstest.Config{Name: "old.example.", Peers: []string{peer1}, Status: "Enabled"})
	p := writeFile(t, "plan.json", `{"format": "secondarydns-plan", "version": 1, "zones": [{"zone_id": "`+zoneD+`", "want": {"absent": true}, "read": {"configured": true, "name": "old.example.", "peers": ["`+peer1+`"]}, "actions": ["disable", "delete"]}]}`)
	r := cli(t, srv, "apply", "--plan", p, "--yes", "--allow-destroy", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, map[string][2]string{zoneD: {"old.example.", `{"name":{"from":"old.example.","to":""},"peers":{"remove":["` + peer1 + `"]}}`}}, zoneChanges(t, r.stdout))
}

// TestJSONNameUnplanned: a zone that could not be planned still has the
// wanted name under -o json, and "changes": {}.
func TestJSONNameUnplanned(t *testing.T) {
	srv := newFake(t)
	srv.Fail(secondarydnstest.Fault{Zone: zoneA, Method: "GET", Status: 403, Times: 100})
	f := writeFile(t, "zones.json", `{"zones": {"`+zoneA+`": {"name": "broken.example.", "peers": []}}}`)
	for _, args := range [][]string{{"plan", "-f", f}, {"apply", "-f", f, "--yes"}} {
		r := cli(t, srv, append(args, "-o", "json")...)
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Equal(t, map[string][2]string{zoneA: {"broken.example.", `{}`}}, zoneChanges(t, r.stdout), args)
	}
}
