package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

// verifyRig is a fake with secondaries that follow it, each a peer
// (secondary-1, secondary-2…) of the fake's default account.
type verifyRig struct {
	srv   *secondarydnstest.Server
	secs  []*secondarydnstest.Secondary
	peers []string // the secondaries' peer IDs, in order
	env   map[string]string
	clock *stepClock
}

func newVerifyRig(t *testing.T, n int) *verifyRig {
	t.Helper()
	srv := newFake(t)
	r := &verifyRig{srv: srv, clock: &stepClock{t: clock}}
	for i := range n {
		s := secondarydnstest.NewSecondary()
		t.Cleanup(s.Close)
		s.Follow(srv)
		r.secs = append(r.secs, s)
		r.peers = append(r.peers, r.peer(t, fmt.Sprintf("secondary-%d", i+1), s.Addr.Addr().String(), int(s.Addr.Port())))
	}
	r.env = fakeEnv(srv)
	r.env["CLOUDFLARE_ACCOUNT_ID"] = secondarydnstest.DefaultAccountID
	srv.ResetRequests()
	return r
}

// peer makes a peer of the default account and returns its ID.
func (r *verifyRig) peer(t *testing.T, name, ip string, port int) string {
	t.Helper()
	c, err := r.srv.Client()
	require.NoError(t, err)
	p, err := c.Peers.Create(context.Background(), secondarydnstest.DefaultAccountID, secondarydns.PeerParams{Name: name, IP: ip, Port: port})
	require.NoError(t, err)
	return p.ID
}

// zone seeds an enabled zone whose peers are the rig's secondaries (and
// extra), each serving it at its serial, and returns the serial.
func (r *verifyRig) zone(t *testing.T, id, name string, extra ...string) uint32 {
	t.Helper()
	r.srv.Seed(id, secondarydnstest.Config{Name: name, Peers: append(append([]string{}, r.peers...), extra...), Status: "Enabled"})
	cfg, ok := r.srv.Config(id)
	require.True(t, ok)
	for _, s := range r.secs {
		s.Serve(name, cfg.SOASerial)
	}
	return cfg.SOASerial
}

// zones seeds n zones as zone does, IDs from ZoneID(100) on, named z0.example.,
// z1.example., ..., and returns their IDs.
func (r *verifyRig) zones(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := secondarydnstest.ZoneID(100 + i)
		r.zone(t, id, fmt.Sprintf("z%d.example.", i))
		ids = append(ids, id)
	}
	return ids
}

// run runs the command with verify's timings made fast: a target gets one
// try of 2 s, and the waiting's clock and sleep are r.clock's (no real 2 s
// between rounds).
func (r *verifyRig) run(t *testing.T, args ...string) result {
	t.Helper()
	return r.runCtx(t, context.Background(), args...)
}

func (r *verifyRig) runCtx(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	ctx = context.WithValue(ctx, verifyHooksKey{}, verifyHooks{
		querier:  &verify.Querier{Timeout: 2 * time.Second, Tries: 1},
		interval: verify.DefaultInterval,
		now:      r.clock.now,
		sleep:    r.clock.sleep,
	})
	return invoke(t, invocation{args: append([]string{"verify"}, args...), env: r.env, ctx: ctx})
}

// count is how many requests the fake got whose method is method and whose
// path ends with suffix.
func (r *verifyRig) count(method, suffix string) int {
	n := 0
	for _, q := range r.srv.Requests() {
		if q.Method == method && strings.HasSuffix(q.Path, suffix) {
			n++
		}
	}
	return n
}

// requests lists the requests the fake got, as "METHOD path".
func (r *verifyRig) requests() []string {
	var out []string
	for _, q := range r.srv.Requests() {
		p := q.Path
		if q.Query != "" {
			p += "?" + q.Query
		}
		out = append(out, q.Method+" "+p)
	}
	return out
}

// stepClock is the waiting's clock: each sleep moves it on at once, and
// may run a step (a secondary catching up) first.
type stepClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
	onStep func(n int) // called with the sleep's number, from 1
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	n, step := len(c.sleeps), c.onStep
	c.mu.Unlock()
	if step != nil {
		step(n)
	}
	return ctx.Err()
}

func (c *stepClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// closedPort is a loopback UDP port nobody listens on: a query there is
// refused at once (ICMP port unreachable).
func closedPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	port := c.LocalAddr().(*net.UDPAddr).Port
	require.NoError(t, c.Close())
	return port
}

// TestVerifyInSync: two zones served by both secondaries at Cloudflare's
// serial are in sync (exit 0), for the cost of one peers list and one read
// per zone; nothing else is sent.
func TestVerifyInSync(t *testing.T) {
	r := newVerifyRig(t, 2)
	r.zone(t, zoneA, "example.com.")
	r.zone(t, zoneB, "example.org.")

	res := r.run(t, zoneA, zoneB)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "2 zones: 2 in sync on every secondary, 0 behind, 0 failed\n", res.stdout)
	assert.ElementsMatch(t, []string{
		"GET /accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns/peers",
		"GET /zones/" + zoneA + "/secondary_dns/outgoing",
		"GET /zones/" + zoneB + "/secondary_dns/outgoing",
	}, r.requests())
	assert.Equal(t, "GET /accounts/"+secondarydnstest.DefaultAccountID+"/secondary_dns/peers", r.requests()[0], "the peers list comes first")
}

// TestVerifyStates: each state a target can be in, and the exit code it
// gives alone: behind, not serving and unreachable are 3; no_address alone
// is 0; a zone that cannot be read is 1, and 1 wins over 3.
func TestVerifyStates(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, r *verifyRig) []string // the arguments
		code  int
		state verify.State // of zoneA's last target
		text  string       // in stdout
	}{{
		name: "behind",
		setup: func(t *testing.T, r *verifyRig) []string {
			r.zone(t, zoneA, "example.com.")
			r.srv.BumpSerial(zoneA) // no NOTIFY: the secondaries keep the old serial
			return []string{zoneA}
		},
		code: exitChanges, state: verify.Behind,
		text: "1 zone: 0 in sync on every secondary, 1 behind, 0 failed\n",
	}, {
		name: "not serving",
		setup: func(t *testing.T, r *verifyRig) []string {
			r.zone(t, zoneA, "example.com.")
			r.secs[1].Refuse("example.com.")
			return []string{zoneA}
		},
		code: exitChanges, state: verify.NotServing,
		text: "REFUSED",
	}, {
		name: "unreachable (a closed port)",
		setup: func(t *testing.T, r *verifyRig) []string {
			closed := r.peer(t, "gone", "127.0.0.1", closedPort(t))
			r.zone(t, zoneA, "example.com.", closed)
			return []string{zoneA}
		},
		code: exitChanges, state: verify.Unreachable,
		text: "the network refused the query",
	}, {
		name: "no address alone",
		setup: func(t *testing.T, r *verifyRig) []string {
			r.zone(t, zoneA, "example.com.", r.peer(t, "no-ip", "", 0))
			return []string{zoneA}
		},
		code: exitOK, state: verify.NoAddress,
		text: "1 zone: 1 in sync on every secondary, 0 behind, 0 failed\n",
	}, {
		name: "the API read fails",
		setup: func(t *testing.T, r *verifyRig) []string {
			r.zone(t, zoneA, "example.com.")
			r.srv.Fail(secondarydnstest.Fault{Zone: zoneA, Action: "get", Status: 403, Times: 2})
			return []string{zoneA}
		},
		code: exitFailed,
		text: "1 zone: 0 in sync on every secondary, 0 behind, 1 failed\n",
	}, {
		name:  "no configuration",
		setup: func(t *testing.T, r *verifyRig) []string { return []string{zoneA} },
		code:  exitFailed,
		text:  "no outgoing configuration",
	}, {
		name: "1 wins over 3",
		setup: func(t *testing.T, r *verifyRig) []string {
			r.zone(t, zoneA, "example.com.")
			r.srv.BumpSerial(zoneA)
			return []string{zoneA, zoneB} // zoneB has no configuration
		},
		code: exitFailed, state: verify.Behind,
		text: "2 zones: 0 in sync on every secondary, 1 behind, 1 failed\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newVerifyRig(t, 2)
			args := tc.setup(t, r)
			res := r.run(t, args...)
			assert.Equal(t, tc.code, res.code, res.stdout+res.stderr)
			assert.Contains(t, res.stdout, tc.text)

			js := r.run(t, append(args, "-o", "json")...)
			assert.Equal(t, tc.code, js.code)
			var doc struct {
				Zones []struct {
					ZoneID  string `json:"zone_id"`
					Targets []struct {
						State verify.State `json:"state"`
					} `json:"targets"`
				} `json:"zones"`
			}
			require.NoError(t, json.Unmarshal([]byte(js.stdout), &doc), js.stdout)
			require.NotEmpty(t, doc.Zones)
			if tc.state != "" {
				ts := doc.Zones[0].Targets
				require.NotEmpty(t, ts, js.stdout)
				assert.Equal(t, tc.state, ts[len(ts)-1].State, js.stdout)
			}
		})
	}
}

// TestVerifyJSON: the JSON document exactly, with every state and a failed
// zone (only the round-trip times vary: they are checked to be numbers).
func TestVerifyJSON(t *testing.T) {
	r := newVerifyRig(t, 2)
	port := closedPort(t)
	noIP := r.peer(t, "no-ip", "", 0)
	gone := r.peer(t, "gone", "127.0.0.1", port)
	serialA := r.zone(t, zoneA, "example.com.")
	serialB := r.zone(t, zoneB, "example.org.", noIP, gone)
	r.srv.BumpSerial(zoneB)
	r.secs[1].Refuse("example.org.")
	r.srv.Fail(secondarydnstest.Fault{Zone: zoneC, Action: "get", Status: 403})

	res := r.run(t, zoneA, zoneB, zoneC, "-o", "json")
	assert.Equal(t, exitFailed, res.code, res.stderr)
	assert.Equal(t, "verify: 1 zone(s) have peers without an IP, or peer IDs the account does not have (no_address): nothing to ask there; give the peer an IP, or name the secondary with --ns\n", res.stderr)

	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc), res.stdout)
	for _, z := range doc["zones"].([]any) {
		for _, tg := range z.(map[string]any)["targets"].([]any) {
			tg := tg.(map[string]any)
			if rtt, ok := tg["rtt_ms"].(float64); ok {
				assert.GreaterOrEqual(t, rtt, 0.0)
				tg["rtt_ms"] = "RTT"
			}
		}
	}
	got, err := json.Marshal(doc)
	require.NoError(t, err)
	a1, a2 := r.secs[0].Addr.String(), r.secs[1].Addr.String()
	assert.JSONEq(t, fmt.Sprintf(`{
  "zones": [
    {"zone_id": %q, "name": "example.com.", "serial": %d, "last_transferred_time": null, "notified": false,
     "targets": [
       {"name": "secondary-1", "address": %q, "state": "in_sync", "serial": %d, "rtt_ms": "RTT", "error": null},
       {"name": "secondary-2", "address": %q, "state": "in_sync", "serial": %d, "rtt_ms": "RTT", "error": null}
     ],
     "error": null},
    {"zone_id": %q, "name": "example.org.", "serial": %d, "last_transferred_time": null, "notified": false,
     "targets": [
       {"name": "secondary-1", "address": %q, "state": "behind", "serial": %d, "rtt_ms": "RTT", "error": null},
       {"name": "secondary-2", "address": %q, "state": "not_serving", "serial": null, "rtt_ms": "RTT",
        "error": "not serving the zone: REFUSED"},
       {"name": "no-ip", "address": null, "state": "no_address", "serial": null, "rtt_ms": null, "error": null},
       {"name": "gone", "address": "127.0.0.1:%d", "state": "unreachable", "serial": null, "rtt_ms": "RTT",
        "error": "the network refused the query (connection refused)"}
     ],
     "error": null},
    {"zone_id": %q, "name": null, "serial": null, "last_transferred_time": null, "notified": false, "targets": [],
     "error": {"message": "secondarydns: GET /client/v4/zones/%s/secondary_dns/outgoing: 403 Forbidden: [1000] Forbidden (ray %s)",
               "status": 403, "codes": [1000], "ray_id": %q}}
  ],
  "summary": {"zones": 3, "in_sync": 1, "out_of_sync": 1, "failed": 1, "unverified": 0}
}`, zoneA, serialA, a1, serialA, a2, serialA,
		zoneB, serialB+1, a1, serialB, a2, port,
		zoneC, zoneC, rayOf(t, res.stdout), rayOf(t, res.stdout)), string(got))
}

// rayOf finds the failed zone's ray ID in a JSON document.
func rayOf(t *testing.T, doc string) string {
	t.Helper()
	var d struct {
		Zones []struct {
			Error *struct {
				RayID string `json:"ray_id"`
			} `json:"error"`
		} `json:"zones"`
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &d))
	for _, z := range d.Zones {
		if z.Error != nil {
			return z.Error.RayID
		}
	}
	return ""
}

// TestVerifyText: one block per zone not fully in sync (its serial, last
// transfer, each target's state and serial), none for a zone in sync, then
// the summary line.
func TestVerifyText(t *testing.T) {
	r := newVerifyRig(t, 2)
	r.zone(t, zoneA, "example.com.")
	serialB := r.zone(t, zoneB, "example.org.")
	r.srv.BumpSerial(zoneB)

	res := r.run(t, zoneA, zoneB, zoneC)
	assert.Equal(t, exitFailed, res.code)
	a1, a2 := r.secs[0].Addr.String(), r.secs[1].Addr.String()
	w := max(len(a1), len(a2))
	assert.Equal(t, fmt.Sprintf(`example.org. (%s)
  Cloudflare's serial %d, last transfer never
  secondary-1  %-*s  behind  %d
  secondary-2  %-*s  behind  %d

%s
  failed: no outgoing configuration: Cloudflare does not transfer this zone (see 'secondarydns create' and 'secondarydns enable')

3 zones: 1 in sync on every secondary, 1 behind, 1 failed
`, zoneB, serialB+1, w, a1, serialB, w, a2, serialB, zoneC), res.stdout)
}

// TestVerifyNS: --ns adds a nameserver to every zone's targets, at its port
// (53 when none is given); a host name is resolved.
func TestVerifyNS(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	r.zone(t, zoneB, "example.org.")
	extra := secondarydnstest.NewSecondary()
	t.Cleanup(extra.Close)
	extra.Serve("example.com.", 1) // far behind
	extra.Refuse("example.org.")

	ns := fmt.Sprintf("localhost:%d", extra.Addr.Port())
	res := r.run(t, zoneA, zoneB, "--ns", ns, "-o", "json")
	assert.Equal(t, exitChanges, res.code, res.stderr)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc))
	require.Len(t, doc.Zones, 2)
	for i, want := range []verify.State{verify.Behind, verify.NotServing} {
		ts := doc.Zones[i].Targets
		require.Len(t, ts, 2)
		assert.Equal(t, verify.InSync, ts[0].State)
		assert.Equal(t, ns, ts[1].Name, "named as given")
		require.NotNil(t, ts[1].Address)
		assert.Equal(t, extra.Addr.String(), *ts[1].Address, "resolved to the loopback address")
		assert.Equal(t, want, ts[1].State)
	}

	// An address alone is asked at port 53.
	got, err := parseNS("192.0.2.53")
	require.NoError(t, err)
	assert.Equal(t, uint16(53), got.port)
	got, err = parseNS("[2001:db8::53]:5353")
	require.NoError(t, err)
	assert.Equal(t, "2001:db8::53", got.addr.String())
	assert.Equal(t, uint16(5353), got.port)
	got, err = parseNS("2001:db8::53")
	require.NoError(t, err)
	assert.Equal(t, uint16(53), got.port)
	got, err = parseNS("ns1.example.net:5353")
	require.NoError(t, err)
	assert.Equal(t, "ns1.example.net", got.host)
	for _, bad := range []string{"", "ns1.example.net:0", "ns1.example.net:x", "ns1.example.net:70000", "a b", "[::1"} {
		_, err := parseNS(bad)
		assert.Error(t, err, bad)
	}
}

// TestVerifyNotify: --notify sends exactly one force_notify to each zone
// with a target not in sync (none to the zone in sync), the secondaries
// follow the fake's NOTIFY, and the run ends in sync (exit 0) without a
// real wait.
func TestVerifyNotify(t *testing.T) {
	r := newVerifyRig(t, 2)
	r.zone(t, zoneA, "example.com.")
	r.zone(t, zoneB, "example.org.")
	r.zone(t, zoneC, "example.net.")
	r.srv.BumpSerial(zoneA)
	r.srv.BumpSerial(zoneB)

	res := r.run(t, zoneA, zoneB, zoneC, "--notify", "-o", "json")
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.Equal(t, 1, r.count("POST", "/zones/"+zoneA+"/secondary_dns/outgoing/force_notify"))
	assert.Equal(t, 1, r.count("POST", "/zones/"+zoneB+"/secondary_dns/outgoing/force_notify"))
	assert.Equal(t, 0, r.count("POST", "/zones/"+zoneC+"/secondary_dns/outgoing/force_notify"))
	assert.Equal(t, 2, r.count("POST", "/force_notify"))

	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc))
	require.Len(t, doc.Zones, 3)
	assert.True(t, doc.Zones[0].Notified)
	assert.True(t, doc.Zones[1].Notified)
	assert.False(t, doc.Zones[2].Notified)
	assert.Equal(t, jsonVerifySummary{Zones: 3, InSync: 3}, doc.Summary)
	for _, z := range doc.Zones {
		for _, tg := range z.Targets {
			assert.Equal(t, verify.InSync, tg.State)
			assert.Equal(t, *z.Serial, *tg.Serial)
		}
	}
	assert.Equal(t, []time.Duration{verify.DefaultInterval}, r.clock.slept(), "one round, 2 s after the notifications")
	assert.Contains(t, res.stderr, "sending force_notify to 2 zone(s)")
}

// TestVerifyNotifyGivesUp: a secondary that never takes the zone (it
// refuses it) is asked every 2 s until --wait passes (default 60 s with
// --notify), then reported: exit 3, notified.
func TestVerifyNotifyGivesUp(t *testing.T) {
	r := newVerifyRig(t, 2)
	r.zone(t, zoneA, "example.com.")
	r.secs[1].Refuse("example.com.")

	res := r.run(t, zoneA, "--notify")
	assert.Equal(t, exitChanges, res.code, res.stderr)
	assert.Equal(t, 1, r.count("POST", "/force_notify"))
	assert.Len(t, r.clock.slept(), 30, "60 s of 2 s rounds")
	assert.Contains(t, res.stdout, "last transfer ")
	assert.Contains(t, res.stdout, ", notified\n")
	assert.Contains(t, res.stdout, "not_serving")
	assert.Contains(t, res.stderr, "zone(s) not in sync yet")
}

// TestVerifyWaitAlone: --wait without --notify sends no force_notify; it
// asks again every 2 s until --wait passes, and a secondary that catches up
// meanwhile (a transfer of its own) is in sync: exit 0.
func TestVerifyWaitAlone(t *testing.T) {
	r := newVerifyRig(t, 2)
	r.zone(t, zoneA, "example.com.")
	serial := r.srv.BumpSerial(zoneA)

	res := r.run(t, zoneA, "--wait", "10s")
	assert.Equal(t, exitChanges, res.code, "nobody notified: still behind")
	assert.Equal(t, 0, r.count("POST", "/force_notify"))
	assert.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second}, r.clock.slept())

	r.clock = &stepClock{t: clock, onStep: func(n int) {
		if n == 2 {
			for _, s := range r.secs {
				s.Serve("example.com.", serial+1) // past the serial read: in sync too
			}
		}
	}}
	res = r.run(t, zoneA, "--wait", "10s")
	assert.Equal(t, exitOK, res.code, res.stdout)
	assert.Equal(t, 0, r.count("POST", "/force_notify"))
	assert.Len(t, r.clock.slept(), 2, "no round after every target is in sync")
}

// TestVerifyByNameAndFile: zones by name cost one filtered zone list each;
// -f checks every zone of the file that is not absent; a zone given twice
// is checked once.
func TestVerifyByNameAndFile(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	r.zone(t, zoneB, "example.org.")
	r.zone(t, zoneC, "example.net.")
	file := writeFile(t, "zones.json", `{"zones": {
  "`+zoneB+`": {"name": "example.org.", "peers": []},
  "`+zoneC+`": {"name": "example.net.", "peers": []},
  "`+zoneD+`": {"absent": true}
}}`)
	res := r.run(t, "Example.COM", zoneB, "-f", file, "-o", "json")
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc))
	var ids []string
	for _, z := range doc.Zones {
		ids = append(ids, z.ZoneID)
	}
	assert.Equal(t, []string{zoneA, zoneB, zoneC}, ids, "in the order given, each once, the absent zone left out")
	assert.Equal(t, 1, r.count("GET", "/zones"), "one lookup for one name")
	assert.Contains(t, r.requests(), "GET /zones?account.id="+secondarydnstest.DefaultAccountID+"&name=Example.COM&page=1&per_page=50")
	assert.Equal(t, 3, r.count("GET", "/secondary_dns/outgoing"))

	// A name the account does not have: exit 2 after the lookups, no zone read.
	r.srv.ResetRequests()
	res = r.run(t, "example.com", "nope.example", "also-nope.example")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "nope.example: the account "+secondarydnstest.DefaultAccountID+" has no such zone")
	assert.Contains(t, res.stderr, "also-nope.example")
	assert.Equal(t, 0, r.count("GET", "/secondary_dns/outgoing"), "no zone was read")
}

// TestVerifyUsage: bad usage is exit 2 with nothing sent.
func TestVerifyUsage(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	noAccount := fakeEnv(r.srv)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "give the zones to check"},
		{[]string{zoneA}, noAccount, "no account"},
		{[]string{"not-a-zone!"}, nil, "is not a zone ID"},
		{[]string{zoneA, "--ns", "ns1.example.net:x"}, nil, "--ns"},
		{[]string{zoneA, "--ns", "no-such-host.invalid"}, nil, "cannot resolve"},
		{[]string{zoneA, "--wait", "-1s"}, nil, "--wait"},
		{[]string{zoneA, "--wait", "soon"}, nil, "want a duration"},
		{[]string{zoneA, "-f", "/nonexistent/zones.json"}, nil, "zones.json"},
		{[]string{zoneA, "--bogus"}, nil, "unknown flag"},
	} {
		env := tc.env
		if env == nil {
			env = r.env
		}
		res := invoke(t, invocation{args: append([]string{"verify"}, tc.args...), env: env})
		assert.Equal(t, exitUsage, res.code, "%v: %s", tc.args, res.stderr)
		assert.Contains(t, res.stderr, tc.want, tc.args)
	}
	assert.Empty(t, r.srv.Requests(), "nothing was sent")

	res := invoke(t, invocation{args: []string{"verify", "-o", "json"}, env: r.env})
	assert.Equal(t, exitUsage, res.code)
	assert.JSONEq(t, `{"error": {"message": "give the zones to check (IDs or names) or -f FILE"}}`, res.stdout)

	res = invoke(t, invocation{args: []string{"verify", "--help"}})
	assert.Equal(t, exitOK, res.code)
	assert.Contains(t, res.stdout, "Usage: secondarydns verify [ZONE...] [-f FILE] [--ns HOST[:PORT]]... [--notify] [--wait DURATION]")
}

// TestVerifyInterrupted: SIGINT during the reads stops them (no request
// starts after it) and the zones read by then are checked and reported:
// exit 130.
func TestVerifyInterrupted(t *testing.T) {
	r := newVerifyRig(t, 1)
	args := r.zones(t, 8)
	w := newWatch(t, r.srv, 0)
	r.env["CLOUDFLARE_BASE_URL"] = w.URL
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// The peers list and three zones, at 20 requests per second.
		for w.count() < 4 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	res := r.runCtx(t, ctx, append(args, "--rate", "20", "--concurrency", "1", "-o", "json")...)
	assert.Equal(t, exitInterrupted, res.code, res.stderr)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc), res.stdout)
	n := len(doc.Zones)
	// The zones read well before the interrupt were checked (the one
	// whose read was in flight finishes its read but is not asked: DNS
	// stops at once).
	assert.GreaterOrEqual(t, n, 1, "the zones read were checked")
	assert.Less(t, n, 8)
	assert.Equal(t, jsonVerifySummary{Zones: n, InSync: n}, doc.Summary)
	assert.Contains(t, res.stderr, fmt.Sprintf("interrupted: %d of 8 zone(s) not checked", 8-n))
	assert.LessOrEqual(t, w.count(), 1+n+1, "no request started after the interrupt")
}

// TestVerifyNothingToAsk: a zone with no peer (and no --ns), or whose only
// peers have no IP, is never "in sync on every secondary": it gets a block
// saying there is nothing to ask and is counted apart in the text and in
// JSON ("unverified"); exit 0, as no_address alone is. Beside a zone that
// is in sync, the summary still adds up.
func TestVerifyNothingToAsk(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	r.srv.Seed(zoneB, secondarydnstest.Config{Name: "bare.example.", Peers: []string{}, Status: "Enabled"})
	r.srv.Seed(zoneC, secondarydnstest.Config{Name: "noip.example.", Peers: []string{r.peer(t, "no-ip", "", 0)}, Status: "Enabled"})

	res := r.run(t, zoneA, zoneB, zoneC)
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.Contains(t, res.stdout, "bare.example. ("+zoneB+")\n  Cloudflare's serial ")
	assert.Contains(t, res.stdout, "\n  no target to ask: the zone has no peers and no --ns was given\n")
	assert.Contains(t, res.stdout, "noip.example. ("+zoneC+")\n  Cloudflare's serial ")
	assert.Contains(t, res.stdout, "\n  no target to ask: no peer of the zone has an IP (or its peer IDs are not the account's), and no --ns was given\n")
	assert.NotContains(t, res.stdout, "example.com. (")
	assert.True(t, strings.HasSuffix(res.stdout, "\n3 zones: 1 in sync on every secondary, 0 behind, 0 failed, 2 with no secondary to ask\n"), res.stdout)

	js := r.run(t, zoneA, zoneB, zoneC, "-o", "json")
	assert.Equal(t, exitOK, js.code)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(js.stdout), &doc), js.stdout)
	assert.Equal(t, jsonVerifySummary{Zones: 3, InSync: 1, Unverified: 2}, doc.Summary)
	assert.Contains(t, js.stdout, `"unverified": 2`)

	// With --ns there is something to ask.
	sec := secondarydnstest.NewSecondary()
	defer sec.Close()
	cfg, _ := r.srv.Config(zoneB)
	sec.Serve("bare.example.", cfg.SOASerial)
	res = r.run(t, zoneB, "--ns", sec.Addr.String())
	assert.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.Equal(t, "1 zone: 1 in sync on every secondary, 0 behind, 0 failed\n", res.stdout)
}

// TestVerifyUnreachableIsNotBehind: a zone whose secondaries did not
// answer, or do not serve it, is counted as such, not as "behind" (which
// a NOTIFY fixes); with a target behind as well, it counts as behind.
func TestVerifyUnreachableIsNotBehind(t *testing.T) {
	r := newVerifyRig(t, 1)
	closed := r.peer(t, "gone", "127.0.0.1", closedPort(t))
	r.zone(t, zoneA, "example.com.", closed)
	r.zone(t, zoneB, "example.org.")
	r.secs[0].Refuse("example.org.")
	r.zone(t, zoneC, "example.net.", closed)
	r.srv.BumpSerial(zoneC)
	res := r.run(t, zoneA, zoneB, zoneC)
	assert.Equal(t, exitChanges, res.code, res.stdout+res.stderr)
	assert.True(t, strings.HasSuffix(res.stdout, "\n3 zones: 0 in sync on every secondary, 1 behind, 2 unreachable or not serving, 0 failed\n"), res.stdout)

	js := r.run(t, zoneA, zoneB, zoneC, "-o", "json")
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(js.stdout), &doc), js.stdout)
	assert.Equal(t, jsonVerifySummary{Zones: 3, OutOfSync: 3}, doc.Summary, "JSON keeps out_of_sync whole")
}

func TestVerifyNoAddressNote(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.", r.peer(t, "no-ip", "", 0))
	res := r.run(t, zoneA)
	assert.Equal(t, exitOK, res.code)
	assert.Contains(t, res.stderr, "1 zone(s) have peers without an IP, or peer IDs the account does not have (no_address)")
}

// startFakeLines runs fake in-process and returns its first n stdout lines
// as an environment.
func startFakeLines(t *testing.T, n int, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"fake"}, args...), func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code)
		case <-time.After(10 * time.Second):
			t.Error("fake did not stop")
		}
	})
	env := map[string]string{}
	sc := bufio.NewScanner(pr)
	for i := range n {
		require.True(t, sc.Scan(), "line %d", i+1)
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.True(t, ok, sc.Text())
		env[k] = v
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return env
}

// TestFakeSecondaries: fake --secondaries 2 prints the account as a third
// line, makes peers secondary-1 and secondary-2 of it, adds them to every
// seeded zone with a configuration, and serves those zones at their serial:
// verify of the seed is in sync at once. A zone created afterwards and
// enabled is taken by the secondaries through the fake's NOTIFY.
func TestFakeSecondaries(t *testing.T) {
	seed := writeFile(t, "seed.json", `{"zones": {
  "`+zoneA+`": {"name": "example.com.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+zoneB+`": {"name": "example.org.", "peers": [], "status": "Disabled"},
  "`+zoneD+`": {"absent": true}
}}`)
	env := startFakeLines(t, 3, "-f", seed, "--secondaries", "2", "--rate-limit", "4/1m")
	assert.Equal(t, secondarydnstest.DefaultAccountID, env["CLOUDFLARE_ACCOUNT_ID"])

	res := invoke(t, invocation{args: []string{"peers", "list", "-o", "json"}, env: env})
	require.Equal(t, exitOK, res.code, res.stderr)
	var peers []secondarydns.Peer
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &peers))
	require.Len(t, peers, 2, "making them spent none of the token's 4 requests a minute")
	assert.Equal(t, "secondary-1", peers[0].Name)
	assert.Equal(t, "secondary-2", peers[1].Name)
	assert.Equal(t, "127.0.0.1", peers[0].IP)

	res = invoke(t, invocation{args: []string{"verify", "-f", seed, "-o", "json"}, env: env})
	require.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	var doc jsonVerify
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc))
	require.Len(t, doc.Zones, 2)
	var names []string
	for _, tg := range doc.Zones[0].Targets {
		names = append(names, tg.Name)
	}
	assert.Equal(t, []string{peer1, "secondary-1", "secondary-2"}, names, "the file's peer (unknown: no address), then the secondaries")
	assert.Equal(t, verify.NoAddress, doc.Zones[0].Targets[0].State)
	assert.Equal(t, verify.InSync, doc.Zones[1].Targets[1].State, "a disabled zone is served at its serial too")
}

// TestFakeSecondariesUsage: --secondaries is 0 to 30.
func TestFakeSecondariesUsage(t *testing.T) {
	for _, n := range []string{"-1", "31"} {
		res := invoke(t, invocation{args: []string{"fake", "--secondaries", n}})
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "--secondaries "+n+": want 0 to 30")
	}
}

// TestVerifyAccountRefused: an account ID the SDK will not send is bad
// input (exit 2, nothing sent); one the API does not know fails the run
// before any zone is read (exit 1, with a hint).
func TestVerifyAccountRefused(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	res := r.run(t, zoneA, "--account", "not an account")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "check --account or CLOUDFLARE_ACCOUNT_ID")
	assert.Empty(t, r.srv.Requests())

	r.srv.Fail(secondarydnstest.Fault{Kind: "peer", Action: "list", Status: 500, Times: 3})
	res = r.run(t, zoneA)
	assert.Equal(t, exitFailed, res.code, res.stderr)
	assert.Contains(t, res.stderr, "listing the account's peers: ")
	assert.Contains(t, res.stderr, "no zone was checked")
	assert.Equal(t, 0, r.count("GET", "/secondary_dns/outgoing"))
}

// TestVerifyManyNames: more than 10 names are looked up in one read of the
// account's zone list (50 zones a page), not one list each.
func TestVerifyManyNames(t *testing.T) {
	r := newVerifyRig(t, 1)
	var args []string
	for i := range 12 {
		name := fmt.Sprintf("z%d.example.", i)
		r.zone(t, secondarydnstest.ZoneID(100+i), name)
		args = append(args, strings.TrimSuffix(name, "."))
	}
	res := r.run(t, args...)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "12 zones: 12 in sync on every secondary, 0 behind, 0 failed\n", res.stdout)
	assert.Equal(t, []string{"GET /zones?account.id=" + secondarydnstest.DefaultAccountID + "&page=1&per_page=50"},
		filter(r.requests(), "GET /zones?"))
}

func filter(s []string, prefix string) []string {
	var out []string
	for _, x := range s {
		if strings.HasPrefix(x, prefix) {
			out = append(out, x)
		}
	}
	return out
}

// TestVerifyUnaskableName: a configuration whose name DNS cannot carry (here
// none at all) fails its zone: nothing is asked, and it is never counted in
// sync.
func TestVerifyUnaskableName(t *testing.T) {
	r := newVerifyRig(t, 1)
	r.zone(t, zoneA, "example.com.")
	r.srv.Seed(zoneB, secondarydnstest.Config{Peers: r.peers, Status: "Enabled"})
	res := r.run(t, zoneA, zoneB)
	assert.Equal(t, exitFailed, res.code, res.stdout+res.stderr)
	assert.Contains(t, res.stdout, "failed: the configuration's zone name \"\" cannot be asked about")
	assert.Contains(t, res.stdout, "2 zones: 1 in sync on every secondary, 0 behind, 1 failed\n")
}

// TestVerifyTimeout: --timeout ends the reads (the pacing refuses a turn
// that would come after it); the zones read are checked and reported, the
// rest are counted in one line, and the exit code is 1. The line says the
// run stopped early, before --timeout passed, as the other commands' does.
func TestVerifyTimeout(t *testing.T) {
	r := newVerifyRig(t, 1)
	args := r.zones(t, 6)
	res := r.run(t, append(args, "--rate", "4", "--concurrency", "1", "--timeout", "700ms")...)
	assert.Equal(t, exitFailed, res.code, res.stdout+res.stderr)
	m := regexp.MustCompile(`^(\d) zones?: (\d) in sync on every secondary, 0 behind, 0 failed\n$`).FindStringSubmatch(res.stdout)
	require.NotNil(t, m, res.stdout)
	assert.Equal(t, m[1], m[2])
	assert.Regexp(t, `(?m)^secondarydns verify: stopped early: --timeout 700ms would pass before the remaining requests' turns under --rate 4; \d of 6 zone\(s\) not checked\n`, res.stderr)
	assert.NotContains(t, res.stdout, "failed:", "no zone's block for what --timeout left")
}

// TestVerifyTimeoutPassed: a DNS question still unanswered when --timeout
// passes is cut then; the line says it passed (no pacing stopped the run).
func TestVerifyTimeoutPassed(t *testing.T) {
	r := newVerifyRig(t, 0)
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // never answers
	require.NoError(t, err)
	t.Cleanup(func() { _ = silent.Close() })
	port := silent.LocalAddr().(*net.UDPAddr).Port
	r.zone(t, zoneA, "example.com.", r.peer(t, "silent", "127.0.0.1", port))
	res := r.run(t, zoneA, "--rate", "0", "--timeout", "300ms")
	assert.Equal(t, exitFailed, res.code, res.stdout+res.stderr)
	assert.Equal(t, "secondarydns verify: --timeout 300ms passed; 1 of 1 zone(s) not checked\n", res.stderr)
}
