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
	"strings"
	"testing"

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
			holdA, holdE := make(chan struct{}), make(chan struct{})
			env := acctEnv(f.env, "")
			delete(env, envAccountID)
			env["CLOUDFLARE_BASE_URL"] = holdZones(t, f.srv, map[string]chan struct{}{zoneA: holdA, zoneE: holdE})
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

			// zoneA goes; zoneE (the last) is held: the zones before it
			// are reported, not E, not the peer delete.
			close(holdA)
			zones := zoneA + " example.com.: done: update\n" + zoneB + " example.org.: done: create, enable\n" + zoneC + " old.example.: done: disable, delete\n"
			lines.waitFor(t, zoneC+" old.example.: done")
			running()
			assert.Regexp(t, "^"+account+regexp.QuoteMeta(zones)+"$", results())

			close(holdE)
			r := <-done
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Regexp(t, "^"+account+regexp.QuoteMeta(zones+zoneE+" example.net.: done: create, enable\npeer old: done: delete (id "+f.old+")\naccount: 4 done, 0 failed\n4 changed, 0 failed, 0 in sync\n")+"$", results())
			if tc.o == "json" {
				doc := oneDocument(t, r.stdout)
				assert.Contains(t, string(doc["summary"]), `"changed": 4`)
				assert.Contains(t, string(doc["account"]), `"done": true`)
			}
		})
	}
}

// TestBinaryFormat2Streams: the built command, its stdout a pipe as in a
// CI job, writes a format-2 apply's account lines and the lines of the
// zones done while the last zone's writes are held, the command still
// running; the peer delete and the summary come once it is released.
func TestBinaryFormat2Streams(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix paths")
	}
	bin := builtBinary(t)

	f := newFmt2(t)
	holdE := make(chan struct{})
	released := false
	t.Cleanup(func() {
		if !released {
			close(holdE)
		}
	})
	base := holdZones(t, f.srv, map[string]chan struct{}{zoneE: holdE})
	env := append(os.Environ(), "CLOUDFLARE_API_TOKEN="+secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL="+base, "NS1_TSIG_SECRET="+tsigSecret2)
	c, so, se := startBinary(t, bin, env, "apply", "-f", writeFile(t, "zones.json", exampleFile2), "--yes", "--allow-destroy", "--rate", "0", "--concurrency", "1")

	so.waitFor(t, zoneC+" old.example.: done: disable, delete\n")
	assert.Nil(t, c.ProcessState, "the command still runs")
	assert.Contains(t, so.String(), "acl ns1-xfr: done: create")
	assert.NotContains(t, so.String(), "peer old: done")
	close(holdE)
	released = true
	require.NoError(t, c.Wait(), so.String()+se.String())
	assert.True(t, strings.HasSuffix(so.String(), zoneE+" example.net.: done: create, enable\npeer old: done: delete (id "+f.old+")\naccount: 4 done, 0 failed\n4 changed, 0 failed, 0 in sync\n"), so.String())
}
