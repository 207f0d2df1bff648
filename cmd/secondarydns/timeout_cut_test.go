package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// stallURL is a proxy in front of srv that holds every request stall
// matches until the client gives up on it (the command's --timeout), and
// forwards the others at once: where --timeout cuts a run is then known,
// with no race against the clock. It returns the base URL (/client/v4).
func stallURL(t *testing.T, srv *secondarydnstest.Server, stall func(*http.Request) bool) string {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = nil
	done := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stall(r) {
			select {
			case <-r.Context().Done():
			case <-done: // the test is over (a client may leave its connection open)
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(done)
		hs.Close()
	})
	return hs.URL + "/client/v4"
}

// isZoneRead matches the requests that read a zone's configuration or
// status: planning's reads, not the account's lists.
func isZoneRead(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/secondary_dns/outgoing")
}

func everything(*http.Request) bool { return true }

// TestTimeoutWhilePlanning: --timeout that ends the planning reads (every
// zone read held until it passes) writes the one --timeout line counting
// the zones it left, for plan and apply, -f and --plan, format 1 and 2;
// apply's "nothing was changed" line says --timeout is why, and so does
// its JSON. Nothing is written.
func TestTimeoutWhilePlanning(t *testing.T) {
	f2 := newFmt2(t)
	file2 := writeFile(t, "zones2.json", exampleFile2)
	plan2 := filepath.Join(t.TempDir(), "plan2.json")
	r := invoke(t, invocation{args: []string{"plan", "-f", file2, "--out", plan2}, env: f2.env})
	require.Equal(t, exitOK, r.code, r.stderr)
	env2 := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "NS1_TSIG_SECRET": tsigSecret2,
		"CLOUDFLARE_BASE_URL": stallURL(t, f2.srv, isZoneRead)}

	srv1, file1, plan1 := savedFleetPlan(t)
	env1 := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": stallURL(t, srv1, isZoneRead)}
	f2.srv.ResetRequests()
	srv1.ResetRequests()

	const line = "secondarydns %s: --timeout 300ms passed; 4 of 4 zone(s) unfinished\n"
	const nothing = "secondarydns apply: not every zone could be read before --timeout 300ms: nothing was changed\n"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"plan format 1", env1, []string{"plan", "-f", file1}, fmt.Sprintf(line, "plan")},
		{"apply -f format 1", env1, []string{"apply", "-f", file1}, fmt.Sprintf(line, "apply") + nothing},
		{"apply --plan format 1", env1, []string{"apply", "--plan", plan1}, fmt.Sprintf(line, "apply") + nothing},
		{"plan format 2", env2, []string{"plan", "-f", file2}, fmt.Sprintf(line, "plan")},
		{"apply -f format 2", env2, []string{"apply", "-f", file2}, fmt.Sprintf(line, "apply") + nothing},
		{"apply --plan format 2", env2, []string{"apply", "--plan", plan2}, fmt.Sprintf(line, "apply") + nothing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append(tc.args, "--timeout", "300ms", "--yes", "--allow-destroy")
			if tc.args[0] == "plan" {
				args = append(tc.args, "--timeout", "300ms")
			}
			r := invoke(t, invocation{args: args, env: tc.env})
			assert.Equal(t, exitFailed, r.code)
			assert.Equal(t, tc.want, r.stderr)
			assert.Contains(t, r.stdout, "4 failed (4 unfinished)")

			if tc.args[0] == "apply" {
				r = invoke(t, invocation{args: append(args, "-o", "json"), env: tc.env})
				assert.Equal(t, exitFailed, r.code)
				assert.Equal(t, tc.want, r.stderr)
				var doc struct {
					Zones []struct {
						Error *struct{ Message string } `json:"error"`
					} `json:"zones"`
				}
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
				for _, z := range doc.Zones {
					if z.Error != nil && !strings.Contains(z.Error.Message, "--timeout would pass") && !strings.Contains(z.Error.Message, "deadline") {
						assert.Equal(t, "not applied: nothing was changed: not every zone could be read before --timeout 300ms", z.Error.Message)
					}
				}
			}
		})
	}
	t.Cleanup(func() {
		assert.Empty(t, writes(srv1))
		assert.Empty(t, writes(f2.srv))
	})
}

// TestTimeoutWhileReadingTheAccount: --timeout that passes while a
// format-2 plan reads the account's lists, apply --plan re-reads them, or
// export --all lists the zones, is said in one line naming what it cut,
// not as "context deadline exceeded".
func TestTimeoutWhileReadingTheAccount(t *testing.T) {
	f2 := newFmt2(t)
	file2 := writeFile(t, "zones2.json", exampleFile2)
	plan2 := filepath.Join(t.TempDir(), "plan2.json")
	r := invoke(t, invocation{args: []string{"plan", "-f", file2, "--out", plan2}, env: f2.env})
	require.Equal(t, exitOK, r.code, r.stderr)
	env := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "NS1_TSIG_SECRET": tsigSecret2,
		"CLOUDFLARE_ACCOUNT_ID": secondarydnstest.DefaultAccountID, "CLOUDFLARE_BASE_URL": stallURL(t, f2.srv, everything)}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-f", file2}, "secondarydns plan: --timeout 300ms passed while reading the account's lists; no zone was read, nothing was changed\n"},
		{[]string{"apply", "-f", file2, "--yes", "--allow-destroy"}, "secondarydns apply: --timeout 300ms passed while reading the account's lists; no zone was read, nothing was changed\n"},
		{[]string{"apply", "--plan", plan2, "--yes", "--allow-destroy"}, "secondarydns apply: --timeout 300ms passed while re-reading the account; no zone was read, nothing was changed\n"},
		{[]string{"export", "--all"}, "secondarydns export: --timeout 300ms passed while listing the account's zones; nothing was written\n"},
		{[]string{"export", "example.com"}, "secondarydns export: --timeout 300ms passed while looking up zone names; nothing was written\n"},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			t.Parallel()
			r := invoke(t, invocation{args: append(tc.args, "--timeout", "300ms"), env: env})
			assert.Equal(t, exitFailed, r.code)
			assert.Equal(t, tc.want, r.stderr)
		})
	}
}

// TestTimeoutSingleRequest: a single-zone or object command whose request
// --timeout cuts says so in one line (and as the JSON error's message),
// exit 1: which request it cut; for a write that was sent, that its
// outcome is unknown and how to check it; for a write never sent, that
// nothing was changed; a caller's words around the request ("nothing was
// deleted") stay.
func TestTimeoutSingleRequest(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	acct := secondarydnstest.DefaultAccountID
	direct := acctEnv(fakeEnv(srv), acct)
	r := invoke(t, invocation{args: []string{"peers", "create", "--name", "ns1", "--ip", "192.0.2.53", "-o", "json"}, env: direct})
	require.Equal(t, exitOK, r.code, r.stderr)
	peer := decode[secondarydns.Peer](t, r.stdout).ID
	peerPath := "/client/v4/accounts/" + acct + "/secondary_dns/peers"

	stalled := func(stall func(*http.Request) bool) map[string]string {
		return map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken,
			"CLOUDFLARE_ACCOUNT_ID": acct, "CLOUDFLARE_BASE_URL": stallURL(t, srv, stall)}
	}
	all := stalled(everything)
	puts := stalled(func(r *http.Request) bool { return r.Method == http.MethodPut })
	zone := "/client/v4/zones/" + zoneA + "/secondary_dns/outgoing"
	const passed = "--timeout 300ms passed; "
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"get", all, []string{"get", zoneA}, passed + "it cut GET " + zone},
		{"status", all, []string{"status", zoneA}, passed + "it cut GET " + zone + "/status"},
		{"disable", all, []string{"disable", zoneA, "--yes"},
			passed + "it cut POST " + zone + "/disable, which was sent: its outcome is unknown (check with 'secondarydns status " + zoneA + "')"},
		{"notify", all, []string{"notify", zoneA}, passed + "it cut POST " + zone + "/force_notify, which was sent: its outcome is unknown"},
		{"peers list", all, []string{"peers", "list"}, passed + "it cut GET " + peerPath},
		{"tsigs get", all, []string{"tsigs", "get", peer1}, passed + "it cut GET /client/v4/accounts/" + acct + "/secondary_dns/tsigs/" + peer1},
		{"zones list", all, []string{"zones", "list"}, passed + "it cut GET /client/v4/zones"},
		// peers update reads, then writes: which of the two was cut.
		{"peers update GET", all, []string{"peers", "update", peer, "--name", "ns2"}, passed + "it cut GET " + peerPath + "/" + peer},
		{"peers update PUT", puts, []string{"peers", "update", peer, "--name", "ns2"},
			passed + "it cut PUT " + peerPath + "/" + peer + ", which was sent: its outcome is unknown (check with 'secondarydns peers get " + peer + "')"},
		// --rate 1: the PUT's turn would come a second after the GET, past
		// --timeout, so the pacing never sends it.
		{"peers update PUT not sent", direct, []string{"peers", "update", peer, "--name", "ns2", "--rate", "1"},
			"stopped early: --timeout 300ms would pass before the remaining requests' turns under --rate 1; PUT " + peerPath + "/" + peer + " was not sent: nothing was changed"},
		{"tsigs delete", all, []string{"tsigs", "delete", peer1, "--yes"},
			"checking what uses the TSIG key first: " + passed + "it cut GET " + peerPath + "; nothing was deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name := tc.args[0]
			if name == "peers" || name == "tsigs" || name == "zones" {
				name += " " + tc.args[1]
			}
			r := invoke(t, invocation{args: append(tc.args, "--timeout", "300ms"), env: tc.env})
			assert.Equal(t, exitFailed, r.code)
			assert.Equal(t, "secondarydns "+name+": "+tc.want+"\n", r.stderr)

			r = invoke(t, invocation{args: append(tc.args, "--timeout", "300ms", "-o", "json"), env: tc.env})
			assert.Equal(t, exitFailed, r.code)
			assert.Equal(t, "secondarydns "+name+": "+tc.want+"\n", r.stderr)
			var doc struct{ Error struct{ Message string } }
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
			assert.Equal(t, tc.want, doc.Error.Message)
		})
	}
	t.Cleanup(func() {
		// Nothing reached the fake but what the proxy let through: the
		// peer's reads, never the stalled or unsent PUT.
		for _, q := range srv.Requests() {
			assert.NotEqual(t, http.MethodPut, q.Method, q.Path)
		}
	})
}

// TestUnreadWhy: apply's "nothing was changed" reason counts the zones
// that failed and those --timeout left when both happened; a stale zone
// is not a read that failed.
func TestUnreadWhy(t *testing.T) {
	a := &app{timeout: 15e9, sig: t.Context()}
	cut := fmt.Errorf("GET: %w", context.DeadlineExceeded)
	stale := fmt.Errorf("%w (name)", secondarydns.ErrStale)
	failed := errors.New("500")
	assert.Equal(t, "not every zone could be read", a.unreadWhy([]outcome{{err: failed}, {err: stale}}))
	assert.Equal(t, "not every zone could be read before --timeout 15s", a.unreadWhy([]outcome{{err: cut}, {err: stale}, {}}))
	assert.Equal(t, "not every zone could be read (1 failed; 2 unfinished: --timeout 15s)", a.unreadWhy([]outcome{{err: cut}, {err: failed}, {err: cut}}))
}

// TestTimeoutInAccountSteps: --timeout that cuts a format-2 apply in the
// account's steps (before any zone is written) says so in one line, as
// it does for zones; no zone is written.
func TestTimeoutInAccountSteps(t *testing.T) {
	f2 := newFmt2(t)
	file2 := writeFile(t, "zones2.json", exampleFile2)
	env := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "NS1_TSIG_SECRET": tsigSecret2,
		"CLOUDFLARE_BASE_URL": stallURL(t, f2.srv, func(r *http.Request) bool { return r.Method == http.MethodPost })}
	r := invoke(t, invocation{args: []string{"apply", "-f", file2, "--yes", "--allow-destroy", "--timeout", "300ms"}, env: env})
	assert.Equal(t, exitFailed, r.code)
	assert.Equal(t, "secondarydns apply: --timeout 300ms passed while running the account's steps\n", r.stderr)
	assert.Empty(t, writes(f2.srv))
}

// TestCutWhat: what the --timeout line says of the write it cut follows
// the attempts the tracker saw: none sent, nothing changed; a 429 and no
// retry, nothing changed; a 5xx (which may come after the change) or no
// answer, unknown; a request that is not the last one was never sent.
func TestCutWhat(t *testing.T) {
	try := func(sent bool, status int) *writeAttempt {
		w := &writeAttempt{}
		w.sent.Store(sent)
		w.status.Store(int32(status))
		w.answered.Store(status != 0)
		return w
	}
	const p = "/client/v4/zones/z/secondary_dns/outgoing"
	for _, tc := range []struct {
		tries []*writeAttempt
		want  string
	}{
		{nil, "PUT " + p + " was not sent: nothing was changed"},
		{[]*writeAttempt{try(false, 0)}, "PUT " + p + " was not sent: nothing was changed"},
		{[]*writeAttempt{try(true, 429)}, "PUT " + p + " was refused and not sent again: nothing was changed"},
		{[]*writeAttempt{try(true, 503)}, "it cut PUT " + p + ", which was sent: its outcome is unknown (check with 'secondarydns get z')"},
		{[]*writeAttempt{try(true, 503), try(true, 429)}, "it cut PUT " + p + ", which was sent: its outcome is unknown (check with 'secondarydns get z')"},
		{[]*writeAttempt{try(true, 0)}, "it cut PUT " + p + ", which was sent: its outcome is unknown (check with 'secondarydns get z')"},
	} {
		a := &app{cmd: cmdUpdate, tracker: &tracker{lastKey: "PUT " + p, lastTries: tc.tries}}
		assert.Equal(t, tc.want, a.cutWhat("PUT", p, "z"))
	}
	a := &app{cmd: cmdUpdate, tracker: &tracker{lastKey: "GET " + p, lastTries: []*writeAttempt{try(true, 200)}}}
	assert.Equal(t, "PUT "+p+" was not sent: nothing was changed", a.cutWhat("PUT", p, "z"), "another request was the last one")
	assert.Equal(t, "it cut GET "+p, a.cutWhat("GET", p, "z"))
}
