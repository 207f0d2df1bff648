package main

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// holdZones is a proxy in front of srv that holds every write to a zone
// of hold until that zone's channel is closed.
func holdZones(t *testing.T, srv *secondarydnstest.Server, hold map[string]chan struct{}) string {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		for zone, release := range hold {
			if r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/zones/"+zone+"/") {
				<-release
			}
		}
		proxy.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL + "/client/v4"
}

// TestFormat2ApplyStreamsResults: a format-2 apply (-f, and --plan of a
// version-2 plan) writes its result lines as they happen, as format 1
// does: the account's first-half steps once they have run, while the
// first zone's write is still held (so before any zone is written); each
// zone's line as it finishes, while a later zone is held; then the peer
// delete, the account's count and the summary. Text mode writes them on
// stdout, -o json on stderr, its stdout one JSON document at the end.
func TestFormat2ApplyStreamsResults(t *testing.T) {
	for _, tc := range []struct{ name, o string }{{"file", "text"}, {"file", "json"}, {"plan", "text"}} {
		t.Run(tc.name+"/"+tc.o, func(t *testing.T) {
			f := newFmt2(t)
			file := writeFile(t, "zones.json", exampleFile2)
			args := []string{"apply", "-f", file}
			if tc.name == "plan" {
				out := filepath.Join(t.TempDir(), "plan.json")
				r := f.run(t, "plan", "-f", file, "--out", out)
				require.Equal(t, exitOK, r.code, r.stderr)
				args = []string{"apply", "--plan", out}
			}
			args = append(args, "--yes", "--allow-destroy", "--concurrency", "1", "-o", tc.o)
			holdA, holdC := make(chan struct{}), make(chan struct{})
			env := acctEnv(f.env, "")
			delete(env, envAccountID)
			env["CLOUDFLARE_BASE_URL"] = holdZones(t, f.srv, map[string]chan struct{}{zoneA: holdA, zoneC: holdC})
			stdout, stderr := newLiveOutput(), newLiveOutput()
			lines := stdout
			if tc.o == "json" {
				lines = stderr
			}
			done := make(chan result, 1)
			go func() {
				done <- invoke(t, invocation{args: args, env: env, stdoutW: stdout, stderrW: stderr})
			}()
			// The results: what follows the plan's summary line.
			results := func() string {
				out := lines.String()
				loc := regexp.MustCompile(`(?m)^account: .*; zones: .*\n`).FindStringIndex(out)
				if loc == nil {
					return ""
				}
				return out[loc[1]:]
			}
			running := func() {
				t.Helper()
				select {
				case r := <-done:
					t.Fatalf("apply ended while a zone was held: %+v", r)
				default:
				}
			}
			account := `tsig ns1-key: done: create \(id \w{32}\)\npeer ns1: done: create \(id \w{32}\)\nacl ns1-xfr: done: create \(id \w{32}\)\n`

			// zoneA's write is held: the account's first half is reported.
			lines.waitFor(t, "acl ns1-xfr: done: create")
			running()
			assert.Regexp(t, "^"+account+"$", results())
			for _, w := range writes(f.srv) {
				assert.NotContains(t, w, "/zones/", "no zone written yet")
			}

			// zoneA goes; zoneC is held. The zones run in zone-ID order
			// (A, B, C, E: the SDK's), the lines come by name (A, E, B,
			// C: the file keys zones by name): A's is written, B's waits
			// for E's, which has not run, and so does not come yet.
			close(holdA)
			lines.waitFor(t, zoneA+" example.com.: done: update\n")
			waitWrite(t, f.srv, "POST /zones/"+zoneB+"/secondary_dns/outgoing/enable")
			running()
			assert.Regexp(t, "^"+account+regexp.QuoteMeta(zoneA+" example.com.: done: update\n")+"$", results())
			zones := zoneA + " example.com.: done: update\n" + zoneE + " example.net.: done: create, enable\n" + zoneB + " example.org.: done: create, enable\n"

			close(holdC)
			r := <-done
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Regexp(t, "^"+account+regexp.QuoteMeta(zones+zoneC+" old.example.: done: disable, delete\npeer old: done: delete (id "+f.old+")\naccount: 4 done, 0 failed\n4 changed, 0 failed, 0 in sync\n")+"$", results())
			if tc.o == "json" {
				doc := oneDocument(t, r.stdout)
				assert.Contains(t, string(doc["summary"]), `"changed": 4`)
				assert.Contains(t, string(doc["account"]), `"done": true`)
			}
		})
	}
}

// TestBinaryFormat2Streams: the built command, its stdout a pipe as in a
// CI job, writes a format-2 apply's account lines and the line of the
// first zone (by name) while a later zone's writes are held, the command
// still running; the other zones' lines (by name), the peer delete and
// the summary come once it is released.
func TestBinaryFormat2Streams(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix paths")
	}
	bin := builtBinary(t)

	f := newFmt2(t)
	holdC := make(chan struct{}) // old.example., the last zone by name
	released := false
	t.Cleanup(func() {
		if !released {
			close(holdC)
		}
	})
	base := holdZones(t, f.srv, map[string]chan struct{}{zoneC: holdC})
	env := append(os.Environ(), "CLOUDFLARE_API_TOKEN="+secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL="+base, "NS1_TSIG_SECRET="+tsigSecret2)
	c, so, se := startBinary(t, bin, env, "apply", "-f", writeFile(t, "zones.json", exampleFile2), "--yes", "--allow-destroy", "--rate", "0", "--concurrency", "1")

	so.waitFor(t, zoneA+" example.com.: done: update\n")
	assert.Nil(t, c.ProcessState, "the command still runs")
	assert.Contains(t, so.String(), "acl ns1-xfr: done: create")
	assert.NotContains(t, so.String(), "peer old: done")
	close(holdC)
	released = true
	require.NoError(t, c.Wait(), so.String()+se.String())
	assert.True(t, strings.HasSuffix(so.String(), zoneA+" example.com.: done: update\n"+zoneE+" example.net.: done: create, enable\n"+
		zoneB+" example.org.: done: create, enable\n"+zoneC+" old.example.: done: disable, delete\npeer old: done: delete (id "+f.old+")\naccount: 4 done, 0 failed\n4 changed, 0 failed, 0 in sync\n"), so.String())
}

// waitWrite waits until srv has seen the write req ("METHOD PATH").
func waitWrite(t *testing.T, srv *secondarydnstest.Server, req string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Contains(writes(srv), req) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s in %v", req, writes(srv))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
