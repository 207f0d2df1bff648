package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// clock is the fake's clock in every test, so output is the same every run.
var clock = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// Zone and peer IDs the tests use.
var (
	zoneA = secondarydnstest.ZoneID(1)
	zoneB = secondarydnstest.ZoneID(2)
	zoneC = secondarydnstest.ZoneID(3)
	zoneD = secondarydnstest.ZoneID(4)
	zoneE = secondarydnstest.ZoneID(5)
	peer1 = "23ff594956f20c2a721606e94745a8aa"
	peer2 = "9f6b5c3ff10d4bd1a1f2b7cd0e4d2a11"
	peer3 = "0b7e2c9d3e5a4f6b8c1d2e3f4a5b6c7d"
)

func newFake(t *testing.T, opts ...secondarydnstest.ServerOption) *secondarydnstest.Server {
	t.Helper()
	srv := secondarydnstest.NewServer(append([]secondarydnstest.ServerOption{
		secondarydnstest.WithClock(func() time.Time { return clock }),
	}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// result is what one run of the command did.
type result struct {
	code   int
	stdout string
	stderr string
}

// invocation describes one run: the arguments, the environment, standard
// input and whether the streams are terminals.
type invocation struct {
	args      []string
	env       map[string]string
	stdin     string
	stdinR    io.Reader // standard input, instead of stdin
	stdinTTY  bool
	stderrTTY bool
	ctx       context.Context
	maxInput  int64 // the most an input may hold, if not the default
	// plainEvery, if set, is how often the progress line is written
	// without a terminal (10 s otherwise).
	plainEvery time.Duration
	// stdoutW and stderrW, if set, receive the output as it is written,
	// for tests that watch a run while it goes.
	stdoutW, stderrW *liveOutput
}

// liveOutput is output a test can read while the command writes it, and
// wait on.
type liveOutput struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // a signal after each write, never blocking
}

func newLiveOutput() *liveOutput { return &liveOutput{wrote: make(chan struct{}, 1)} }

func (s *liveOutput) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *liveOutput) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output contains sub, at most 10 s.
func (s *liveOutput) waitFor(t *testing.T, sub string) bool {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !strings.Contains(s.String(), sub) {
		select {
		case <-s.wrote:
		case <-deadline:
			t.Errorf("no %q in %q", sub, s.String())
			return false
		}
	}
	return true
}

// fakeEnv is the environment that points the command at srv.
func fakeEnv(srv *secondarydnstest.Server) map[string]string {
	return map[string]string{
		"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken,
		"CLOUDFLARE_BASE_URL":  srv.URL,
	}
}

// ttyReader and ttyWriter stand for a terminal.
type ttyReader struct{ io.Reader }

func (ttyReader) IsTerminal() bool { return true }

type ttyWriter struct{ *bytes.Buffer }

func (ttyWriter) IsTerminal() bool { return true }

// invoke runs the command in-process. Unless the arguments set --rate, the run
// is unpaced, so tests do not wait for the default 3 requests per second.
func invoke(t *testing.T, inv invocation) result {
	t.Helper()
	args := inv.args
	if !strings.Contains(strings.Join(args, " "), "--rate") {
		args = append([]string{"--rate=0"}, args...)
	}
	var stdin io.Reader = strings.NewReader(inv.stdin)
	if inv.stdinR != nil {
		stdin = inv.stdinR
	}
	if inv.stdinTTY {
		stdin = ttyReader{stdin}
	}
	var stdout, stderrBuf bytes.Buffer
	var stderr io.Writer = &stderrBuf
	if inv.stderrTTY {
		stderr = ttyWriter{&stderrBuf}
	}
	var out io.Writer = &stdout
	if inv.stdoutW != nil {
		out = inv.stdoutW
	}
	if inv.stderrW != nil {
		stderr = inv.stderrW
	}
	ctx := inv.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	env := func(k string) string { return inv.env[k] }
	a := newApp(ctx, env, stdin, out, stderr)
	if inv.maxInput > 0 {
		a.maxInput = inv.maxInput
	}
	a.plainEvery = inv.plainEvery
	code := a.main(args)
	r := result{code: code, stdout: stdout.String(), stderr: stderrBuf.String()}
	if inv.stdoutW != nil {
		r.stdout = inv.stdoutW.String()
	}
	if inv.stderrW != nil {
		r.stderr = inv.stderrW.String()
	}
	return r
}

// cli runs the command against srv.
func cli(t *testing.T, srv *secondarydnstest.Server, args ...string) result {
	t.Helper()
	return invoke(t, invocation{args: args, env: fakeEnv(srv)})
}

// writeFile writes content to a file in a temporary folder and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// golden compares got with testdata/<name>.golden (rewritten under -update).
func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), got, "output differs from %s (go test -update rewrites it)", path)
}

// transcript renders a result for a golden file, with temporary paths made
// stable.
func transcript(r result, replace ...string) string {
	s := "exit " + strconv.Itoa(r.code) + "\n-- stdout --\n" + r.stdout + "-- stderr --\n" + r.stderr
	for i := 0; i+1 < len(replace); i += 2 {
		s = strings.ReplaceAll(s, replace[i], replace[i+1])
	}
	return s
}

// writes returns the requests that change something (anything but GET).
func writes(srv *secondarydnstest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// seedFleet gives the fake a mixed fleet:
//   - zoneA: example.com., peer1, Disabled   (the file wants peer1+peer2, Enabled: update, enable)
//   - zoneB: no configuration               (the file wants it: create, enable)
//   - zoneC: example.org., peer3, Enabled   (in sync)
//   - zoneD: old.example., peer1, Enabled   (the file wants it absent: disable, delete)
func seedFleet(srv *secondarydnstest.Server) {
	srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{peer1}, Status: "Disabled"})
	srv.Seed(zoneC, secondarydnstest.Config{Name: "example.org.", Peers: []string{peer3}, Status: "Enabled"})
	srv.Seed(zoneD, secondarydnstest.Config{Name: "old.example.", Peers: []string{peer1}, Status: "Enabled"})
}

// fleetFile is the desired state seedFleet is compared with.
var fleetFile = `{"zones": {
  "` + zoneA + `": {"name": "example.com.", "peers": ["` + peer1 + `", "` + peer2 + `"], "status": "Enabled"},
  "` + zoneB + `": {"name": "new.example.", "peers": ["` + peer2 + `"], "status": "Enabled"},
  "` + zoneC + `": {"name": "EXAMPLE.org", "peers": ["` + peer3 + `"], "status": "Enabled"},
  "` + zoneD + `": {"absent": true}
}}
`

// safeFile is fleetFile without the destructive zone.
var safeFile = `{"zones": {
  "` + zoneA + `": {"name": "example.com.", "peers": ["` + peer1 + `", "` + peer2 + `"], "status": "Enabled"},
  "` + zoneB + `": {"name": "new.example.", "peers": ["` + peer2 + `"], "status": "Enabled"},
  "` + zoneC + `": {"name": "EXAMPLE.org", "peers": ["` + peer3 + `"], "status": "Enabled"}
}}
`

func writeFileErr(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// watch is a proxy in front of a fake that sees every request arrive: when
// (for pacing), how many are in flight at once (for --concurrency), and how
// many have arrived (to wait on instead of sleeping). Each request is held
// for hold before it is forwarded.
type watch struct {
	URL  string // the base URL, with /client/v4
	hold time.Duration

	mu       sync.Mutex
	arrivals []time.Time
	writesIn int // arrivals that are not GETs
	inflight int
	maxIn    int
}

func newWatch(t *testing.T, srv *secondarydnstest.Server, hold time.Duration) *watch {
	t.Helper()
	return newWatchURL(t, srv.URL, hold)
}

// newWatchURL is newWatch in front of the API at base (with /client/v4).
func newWatchURL(t *testing.T, base string, hold time.Duration) *watch {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(base, "/client/v4"))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	w := &watch{hold: hold}
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.arrivals = append(w.arrivals, time.Now())
		if r.Method != http.MethodGet {
			w.writesIn++
		}
		w.inflight++
		w.maxIn = max(w.maxIn, w.inflight)
		w.mu.Unlock()
		defer func() {
			w.mu.Lock()
			w.inflight--
			w.mu.Unlock()
		}()
		time.Sleep(w.hold)
		proxy.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	w.URL = hs.URL + "/client/v4"
	return w
}

// env is the environment that points the command at the proxy.
func (w *watch) env() map[string]string {
	return map[string]string{"CLOUDFLARE_API_TOKEN": secondarydnstest.DefaultToken, "CLOUDFLARE_BASE_URL": w.URL}
}

// count is how many requests have arrived.
func (w *watch) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.arrivals)
}

// writesArrived is how many writes (anything but a GET) have arrived; a
// write counted here is held for hold before the fake sees it.
func (w *watch) writesArrived() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writesIn
}

// maxInflight is the most requests that were in flight at once.
func (w *watch) maxInflight() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.maxIn
}

// minGap is the shortest time between two consecutive arrivals.
func (w *watch) minGap() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	gap := time.Duration(1<<63 - 1)
	for i := 1; i < len(w.arrivals); i++ {
		gap = min(gap, w.arrivals[i].Sub(w.arrivals[i-1]))
	}
	return gap
}

func (w *watch) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.arrivals, w.writesIn, w.maxIn = nil, 0, 0
}

// zonesFile writes a desired-state file of n zones, IDs from first on, each
// wanting entry(id) (a JSON object).
func zonesFile(t *testing.T, name string, first, n int, entry func(id string) string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"zones": {`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		id := secondarydnstest.ZoneID(first + i)
		b.WriteString(`"` + id + `": ` + entry(id))
	}
	b.WriteString("}}")
	return writeFile(t, name, b.String())
}

// absentFile is a desired-state file of n zones wanted absent, none of which
// exists: planning each is one GET.
func absentFile(t *testing.T, first, n int) string {
	t.Helper()
	return zonesFile(t, "absent.json", first, n, func(string) string { return `{"absent": true}` })
}

// blockedStdin is standard input with nothing to read, as a terminal nobody
// types on, for 5 s; then it ends (so a command that does not stop waiting
// fails its test instead of hanging it).
func blockedStdin(t *testing.T) io.Reader {
	pr, pw := io.Pipe()
	stop := time.AfterFunc(5*time.Second, func() { pw.Close() })
	t.Cleanup(func() { stop.Stop(); pw.Close() })
	return pr
}

// gaps are the times between consecutive arrivals.
func (w *watch) gaps() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var g []time.Duration
	for i := 1; i < len(w.arrivals); i++ {
		g = append(g, w.arrivals[i].Sub(w.arrivals[i-1]))
	}
	return g
}

// readSignal is standard input that closes reading when it is first read
// (as the confirmation prompt does, once it is written), then has nothing to
// read until the test ends.
type readSignal struct {
	reading chan struct{}
	once    sync.Once
	io.Reader
}

func newReadSignal(t *testing.T) *readSignal {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	return &readSignal{reading: make(chan struct{}), Reader: pr}
}

// interruptOnRead is standard input and a context for invoke: the context
// is cancelled, as SIGINT cancels the command's, once the command first
// reads the input (at its confirmation prompt, say).
func interruptOnRead(t *testing.T) (context.Context, io.Reader) {
	in := newReadSignal(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		select {
		case <-in.reading:
		case <-ctx.Done():
		}
		cancel()
	}()
	return ctx, in
}

func (r *readSignal) Read(p []byte) (int, error) {
	r.once.Do(func() { close(r.reading) })
	return r.Reader.Read(p)
}

// savePlan runs plan -f f --out against srv, which must succeed, and
// returns the saved plan's path (in a new temporary folder).
func savePlan(t *testing.T, srv *secondarydnstest.Server, f string) string {
	t.Helper()
	planPath := filepath.Join(t.TempDir(), "plan.json")
	r := cli(t, srv, "plan", "-f", f, "--out", planPath)
	require.Equal(t, exitOK, r.code, r.stderr)
	return planPath
}

// savedFleetPlan is a fake seeded by seedFleet, fleetFile written to a file
// f, and the plan of f against the fake saved at planPath.
func savedFleetPlan(t *testing.T) (srv *secondarydnstest.Server, f, planPath string) {
	t.Helper()
	srv = newFake(t)
	seedFleet(srv)
	f = writeFile(t, "zones.json", fleetFile)
	return srv, f, savePlan(t, srv, f)
}
