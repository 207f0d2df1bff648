package main

import (
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestTimeoutMidApplyUnknown: --timeout passing while writes are in flight
// (a slow server holds them, then acts on them) reports each as unknown, not
// "not started" or "nothing done": the update, and the enable after a
// create that succeeded; the zone never reached is unfinished (--timeout
// cut it before it started). The server
// then has the update: "unknown" was the truth.
func TestTimeoutMidApplyUnknown(t *testing.T) {
	var (
		zU = secondarydnstest.ZoneID(970) // update held
		zE = secondarydnstest.ZoneID(971) // create passes, enable held
		zN = secondarydnstest.ZoneID(972) // never started: both workers are busy
	)
	f := writeFile(t, "zones.json", `{"zones": {
  "`+zU+`": {"name": "u.example.", "peers": ["`+peer1+`", "`+peer2+`"]},
  "`+zE+`": {"name": "e.example.", "peers": [], "status": "Enabled"},
  "`+zN+`": {"name": "n.example.", "peers": []}
}}`)
	for _, o := range []string{"text", "json"} {
		t.Run(o, func(t *testing.T) {
			t.Parallel() // each waits out its --timeout
			srv := newFake(t)
			srv.Seed(zU, secondarydnstest.Config{Name: "u.example.", Peers: []string{peer1}})
			g := newGate(t, srv, func(r *http.Request) bool {
				return r.Method == http.MethodPut || strings.HasSuffix(r.URL.Path, "/enable")
			})
			r := invoke(t, invocation{args: []string{"apply", "-f", f, "--yes", "--concurrency", "2", "--timeout", "1500ms", "-o", o}, env: g.env()})
			_, held := g.counts()
			require.Equal(t, 2, held, r.stdout+r.stderr)
			assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
			if o == "text" {
				assert.Contains(t, r.stdout, zU+" u.example.: unknown: update was sent, its answer was lost: ")
				assert.Contains(t, r.stdout, zE+" e.example.: unknown: enable was sent, its answer was lost (done before it: create): ")
				assert.Contains(t, r.stdout, "0 changed, 3 failed (2 unknown, 1 unfinished), 0 in sync\n")
				assert.NotContains(t, r.stdout, "nothing done): context")
			} else {
				var doc jsonFleet
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
				assert.Equal(t, jsonSummary{Zones: 3, Failed: 3, Unknown: 2}, doc.Summary)
				unknown := map[string]string{}
				for _, z := range doc.Zones {
					if z.Unknown != nil {
						unknown[z.ZoneID] = string(*z.Unknown)
					}
				}
				assert.Equal(t, map[string]string{zU: "update", zE: "enable"}, unknown)
			}
			g.release()
			require.Eventually(t, func() bool {
				cfg, _ := srv.Config(zU)
				return len(cfg.Peers) == 2
			}, 10*time.Second, 5*time.Millisecond, "the held update reached the server")
			_, ok := srv.Config(zN)
			assert.False(t, ok, "the zone not started was not touched")
		})
	}
}

// lossy is a proxy in front of a fake whose decide picks, per request, to
// pass it on ("pass"), to pass it on and then reset the connection instead
// of answering ("drop": the server acted, the client never hears), or to
// answer 403 without passing it on ("deny").
type lossy struct {
	URL string // the base URL, with /client/v4
}

func newLossy(t *testing.T, srv *secondarydnstest.Server, decide func(*http.Request) string) *lossy {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a request given up on when the test ends
	var mu sync.Mutex
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		what := decide(r)
		mu.Unlock()
		switch what {
		case "deny":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"success": false, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": [], "result": null}`))
		case "drop":
			proxy.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, not a clean close
			}
			conn.Close()
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(hs.Close)
	return &lossy{URL: hs.URL + "/client/v4"}
}

func (l *lossy) env() map[string]string {
	return map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": l.URL}
}

// TestAnswerLostUnknown: writes whose answers are lost are reported as
// unknown, never "failed (nothing done)": an update whose every attempt
// reached the server and lost its answer (the server has it), a create
// whose answer was lost and whose settling read failed too (the server has
// it), and an enable answered 503 on every attempt. A create whose answer
// was lost but whose settling read found it is done, as the SDK settles it;
// an update refused with a 400 failed, nothing done.
func TestAnswerLostUnknown(t *testing.T) {
	var (
		zUpd     = secondarydnstest.ZoneID(980) // every PUT dropped after it was applied
		zLost    = secondarydnstest.ZoneID(981) // create dropped, its settling read denied
		zSettled = secondarydnstest.ZoneID(982) // create dropped, settled by the SDK's read
		z503     = secondarydnstest.ZoneID(983) // enable answered 503 on every attempt
		zOK      = secondarydnstest.ZoneID(984) // a plain update
		z400     = secondarydnstest.ZoneID(985) // update refused with a 400: known, nothing done
	)
	f := writeFile(t, "zones.json", `{"zones": {
  "`+zUpd+`": {"name": "u.example.", "peers": ["`+peer1+`", "`+peer2+`"]},
  "`+zLost+`": {"name": "l.example.", "peers": ["`+peer1+`"]},
  "`+zSettled+`": {"name": "s.example.", "peers": ["`+peer1+`"], "status": "Enabled"},
  "`+z503+`": {"name": "e.example.", "peers": [], "status": "Enabled"},
  "`+zOK+`": {"name": "ok.example.", "peers": ["`+peer2+`"]},
  "`+z400+`": {"name": "r.example.", "peers": ["`+peer2+`"]}
}}`)
	for _, o := range []string{"text", "json"} {
		t.Run(o, func(t *testing.T) {
			t.Parallel() // each waits out the SDK's retry backoff
			srv := newFake(t)
			srv.Seed(zUpd, secondarydnstest.Config{Name: "u.example.", Peers: []string{peer1}})
			srv.Seed(z503, secondarydnstest.Config{Name: "e.example.", Status: "Disabled"})
			srv.Seed(zOK, secondarydnstest.Config{Name: "ok.example.", Peers: []string{peer1}})
			srv.Seed(z400, secondarydnstest.Config{Name: "r.example.", Peers: []string{peer1}})
			srv.Fail(secondarydnstest.Fault{Zone: z503, Action: "enable", Status: 503, Times: 3})
			srv.Fail(secondarydnstest.Fault{Zone: z400, Action: "update", Status: 400})
			created := map[string]bool{}
			l := newLossy(t, srv, func(r *http.Request) string {
				zone, act, write := zoneWrite(r)
				switch {
				case write && zone == zUpd && act == "update":
					return "drop"
				case write && (zone == zLost || zone == zSettled) && act == "create":
					created[zone] = true
					return "drop"
				case !write && zone == "" && strings.Contains(r.URL.Path, zLost) && created[zLost]:
					return "deny" // the settling read
				}
				return "pass"
			})
			r := invoke(t, invocation{args: []string{"apply", "-f", f, "--yes", "--concurrency", "6", "-o", o}, env: l.env()})
			assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
			assert.Empty(t, srv.PendingFaults())
			if o == "text" {
				assert.Contains(t, r.stdout, zUpd+" u.example.: unknown: update was sent, its answer was lost: ")
				assert.Contains(t, r.stdout, zLost+" l.example.: unknown: create was sent, its answer was lost: ")
				assert.Contains(t, r.stdout, z503+" e.example.: unknown: enable was sent, its answer was lost: ")
				assert.Contains(t, r.stdout, zSettled+" s.example.: done: create, enable\n")
				assert.Contains(t, r.stdout, zOK+" ok.example.: done: update\n")
				assert.Contains(t, r.stdout, z400+" r.example.: failed (nothing done): ")
				assert.Contains(t, r.stdout, "2 changed, 4 failed (3 unknown), 0 in sync\n")
				assert.Contains(t, r.stdout, "run plan again to see what is left to do\n")
			} else {
				var doc jsonFleet
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
				assert.Equal(t, jsonSummary{Zones: 6, Changed: 2, Failed: 4, Unknown: 3}, doc.Summary)
			}
			cfg, _ := srv.Config(zUpd)
			assert.Len(t, cfg.Peers, 2, "the update whose answer was lost happened")
			cfg, ok := srv.Config(zLost)
			assert.True(t, ok && cfg.Name == "l.example.", "the create whose answer was lost happened")
		})
	}
}

// roundTripFunc is a RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTrackerSentOrNot: a write whose connection was never made (nothing
// written) leaves its action "not sent", one written before the failure is
// unknown; GETs and other zones' writes do not count.
func TestTrackerSentOrNot(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	for _, tc := range []struct {
		name    string
		written bool
		want    secondarydns.Action
	}{
		{"never written", false, ""},
		{"written, then the connection broke", true, secondarydns.ActionUpdate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &tracker{cancel: func() {}, base: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if tc.written {
					if trace := httptrace.ContextClientTrace(r.Context()); trace != nil && trace.WroteRequest != nil {
						trace.WroteRequest(httptrace.WroteRequestInfo{})
					}
				}
				return nil, dialErr
			})}
			base := "http://api.example/client/v4/zones/"
			for _, req := range []*http.Request{
				httptest.NewRequest(http.MethodPut, base+zoneA+"/secondary_dns/outgoing", nil),
				httptest.NewRequest(http.MethodGet, base+zoneB+"/secondary_dns/outgoing", nil),
			} {
				_, err := tr.RoundTrip(req)
				require.Error(t, err)
			}
			plan := &secondarydns.Plan{ZoneID: zoneA, Actions: []secondarydns.Action{secondarydns.ActionUpdate, secondarydns.ActionEnable}}
			assert.Equal(t, tc.want, tr.unknownAction(secondarydns.ZoneResult{ZoneID: zoneA, Plan: plan, Err: dialErr}))
			other := &secondarydns.Plan{ZoneID: zoneB, Actions: []secondarydns.Action{secondarydns.ActionUpdate}}
			assert.Empty(t, tr.unknownAction(secondarydns.ZoneResult{ZoneID: zoneB, Plan: other, Err: dialErr}))
			done := &secondarydns.Plan{ZoneID: zoneA, Actions: plan.Actions, Done: plan.Actions[:1]}
			assert.Empty(t, tr.unknownAction(secondarydns.ZoneResult{ZoneID: zoneA, Plan: done, Err: dialErr}), "the next action, enable, was never sent")
		})
	}
}
