package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestApplyFileStale: apply -f, where someone changes a zone while the
// plan waits for its confirmation (its name, its peers or its status, one
// case each), reports that zone stale, writes nothing to it, keeps their
// change and exits 1; a zone nobody touched is applied in the same run.
func TestApplyFileStale(t *testing.T) {
	var (
		zone  = secondarydnstest.ZoneID(990) // changed at the prompt
		other = secondarydnstest.ZoneID(991) // left alone: applied
	)
	f := writeFile(t, "zones.json", `{"zones": {
  "`+zone+`": {"name": "a.example.", "peers": ["`+peer1+`", "`+peer2+`"], "status": "Enabled"},
  "`+other+`": {"name": "b.example.", "peers": ["`+peer1+`"], "status": "Enabled"}
}}`)
	for _, tc := range []struct {
		name  string
		their secondarydnstest.Config
		why   string
	}{
		{"name", secondarydnstest.Config{Name: "theirs.example.", Peers: []string{peer1}, Status: "Disabled"}, `the name is "theirs.example.", not "a.example."`},
		{"peers", secondarydnstest.Config{Name: "a.example.", Peers: []string{peer3}, Status: "Disabled"}, `the peers differ`},
		{"status", secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}, Status: "Enabled"}, `the status is "Enabled", not "Disabled"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t)
			srv.Seed(zone, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}, Status: "Disabled"})
			srv.Seed(other, secondarydnstest.Config{Name: "b.example.", Peers: []string{peer1}, Status: "Disabled"})
			pr, pw := io.Pipe()
			defer pw.Close()
			in := &readSignal{reading: make(chan struct{}), Reader: pr}
			go func() {
				<-in.reading // the prompt is up: the plan was read
				srv.Seed(zone, tc.their)
				_, _ = io.WriteString(pw, "yes\n")
			}()
			r := invoke(t, invocation{args: []string{"apply", "-f", f}, env: fakeEnv(srv), stdinR: in, stdinTTY: true})
			assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stdout, zone+" a.example.: stale (nothing done): ")
			assert.Contains(t, r.stdout, tc.why)
			assert.Contains(t, r.stdout, other+" b.example.: done: enable\n")
			assert.Contains(t, r.stdout, "1 changed, 1 failed (1 stale), 0 in sync\n")
			assert.Equal(t, []string{"POST /zones/" + other + "/secondary_dns/outgoing/enable"}, writes(srv), "nothing written to the stale zone")
			cfg, _ := srv.Config(zone)
			assert.Equal(t, tc.their.Name, cfg.Name, "their change is kept")
			assert.ElementsMatch(t, tc.their.Peers, cfg.Peers)
			assert.Equal(t, tc.their.Status, cfg.Status)
		})
	}
}

// TestApplyStaleAfterLockout: a zone whose enable met a rate-limit lockout
// (a 429 with a Retry-After longer than the client waits for) resumes after
// the pause only if nobody changed it meanwhile: here someone did, so it is
// stale (its update done, its enable not sent again), exit 1, their change
// kept.
func TestApplyStaleAfterLockout(t *testing.T) {
	zone := secondarydnstest.ZoneID(995)
	srv := newFake(t)
	srv.Seed(zone, secondarydnstest.Config{Name: "a.example.", Peers: []string{peer1}, Status: "Disabled"})
	srv.Fail(secondarydnstest.Fault{Zone: zone, Action: "enable", Status: http.StatusTooManyRequests, RetryAfter: "1"})
	f := writeFile(t, "zones.json", `{"zones": {"`+zone+`": {"name": "a.example.", "peers": ["`+peer1+`", "`+peer2+`"], "status": "Enabled"}}}`)
	their := secondarydnstest.Config{Name: "a.example.", Peers: []string{peer3}, Status: "Disabled"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Once the enable was refused, the run pauses for a second:
		// someone changes the zone then.
		for ctx.Err() == nil {
			if len(srv.PendingFaults()) == 0 {
				srv.Seed(zone, their)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	env := fakeEnv(srv)
	a := newApp(ctx, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	// The client waits for no Retry-After: the 429's second is a lockout.
	a.sdkOptions = []secondarydns.Option{secondarydns.WithMaxRetryWait(0)}
	code := a.main([]string{"--rate=0", "apply", "-f", f, "--yes"})
	assert.Equal(t, exitFailed, code, stdout.String()+stderr.String())
	assert.Contains(t, stdout.String(), zone+" a.example.: stale (done: update): ")
	assert.Contains(t, stdout.String(), "the peers differ")
	assert.Equal(t, []string{
		"PUT /zones/" + zone + "/secondary_dns/outgoing",
		"POST /zones/" + zone + "/secondary_dns/outgoing/enable",
	}, writes(srv), "the enable is not sent again")
	cfg, _ := srv.Config(zone)
	assert.Equal(t, []string{peer3}, cfg.Peers, "their change is kept")
	assert.Equal(t, "Disabled", cfg.Status)
	require.Empty(t, srv.PendingFaults())
}
