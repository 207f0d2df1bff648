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
// --timeout cuts says "--timeout 300ms passed" in one line (and as the
// JSON error's message), exit 1.
func TestTimeoutSingleRequest(t *testing.T) {
	srv := newFake(t)
	seedFleet(srv)
	env := map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken,
		"CLOUDFLARE_ACCOUNT_ID": secondarydnstest.DefaultAccountID, "CLOUDFLARE_BASE_URL": stallURL(t, srv, everything)}
	for _, args := range [][]string{
		{"get", zoneA}, {"status", zoneA}, {"disable", zoneA, "--yes"}, {"notify", zoneA},
		{"peers", "list"}, {"tsigs", "get", peer1}, {"zones", "list"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			t.Parallel()
			r := invoke(t, invocation{args: append(args, "--timeout", "300ms"), env: env})
			assert.Equal(t, exitFailed, r.code)
			name := args[0]
			if args[0] == "peers" || args[0] == "tsigs" || args[0] == "zones" {
				name += " " + args[1]
			}
			assert.Equal(t, "secondarydns "+name+": --timeout 300ms passed\n", r.stderr)

			r = invoke(t, invocation{args: append(args, "--timeout", "300ms", "-o", "json"), env: env})
			assert.Equal(t, exitFailed, r.code)
			assert.Equal(t, "secondarydns "+name+": --timeout 300ms passed\n", r.stderr)
			var doc struct{ Error struct{ Message string } }
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
			assert.Equal(t, "--timeout 300ms passed", doc.Error.Message)
		})
	}
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
