package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

var cmdFake = &command{
	name: "fake", args: "[--addr HOST:PORT] [-f FILE] [--rate-limit N/DURATION] [--secondaries N]", maxArgs: 0, local: true,
	globals: []string{"quiet"}, // -o is ignored, --timeout refused, the rest are for requests
	summary: "serve an in-memory fake of the API, for tests of scripts",
	detail: `Serve secondarydnstest, an in-memory fake of the outgoing transfer API, until
SIGINT or SIGTERM (then exit 0). The first two lines on standard output are
  CLOUDFLARE_BASE_URL=<url>
  CLOUDFLARE_API_TOKEN=<token>
so a shell can take them with eval or export. Zones are seeded from -f, a
desired-state file in format 1 (zones keyed by ID, peers by ID; a format-2
file is exit 2); "absent" zones are known to the fake, as zones without a
configuration. --rate-limit makes it answer 429 as Cloudflare does when over
N requests per DURATION. The fake's zone IDs are 32 lowercase hexadecimal
characters. -o is ignored; --timeout is refused (exit 2): the fake runs
until it is told to stop. SIGINT or SIGTERM while seeding a large file
stops it there (exit 0, nothing served).

--secondaries N also starts N DNS secondaries on 127.0.0.1 that follow the
fake (a NOTIFY from enable or notify makes them take the zone's serial),
makes peers secondary-1…secondary-N of the account pointing at them, adds
them to every seeded zone that has a configuration, and serves each such
zone on them at its serial, so 'verify' of the seed is in sync at once. A
third line then gives the account:
  CLOUDFLARE_ACCOUNT_ID=<account id>`,
	example: "secondarydns fake --addr 127.0.0.1:8787 -f zones.json --rate-limit 1200/5m",
	flags: func(a *app, fs *flag.FlagSet) {
		fs.StringVar(&a.addr, "addr", a.addr, "`HOST:PORT` to listen on")
		fs.StringVar(&a.file, "f", "", "seed the zones from a desired-state `FILE` in format 1; - reads standard input")
		fs.StringVar(&a.rateLimit, "rate-limit", "", "answer 429 beyond `N/DURATION` requests per credential, e.g. 1200/5m")
		fs.IntVar(&a.secondaries, "secondaries", 0, "also start `N` DNS secondaries that follow the fake, as peers of every seeded zone")
	},
	run: runFake,
}

// parseRateLimit reads N/DURATION, e.g. 1200/5m or 10/s.
func parseRateLimit(s string) (int, time.Duration, error) {
	ns, ds, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return 0, 0, fmt.Errorf("--rate-limit %q: want N/DURATION with N ≥ 1, e.g. 1200/5m", clip(s))
	}
	if ds != "" && (ds[0] < '0' || ds[0] > '9') {
		ds = "1" + ds
	}
	d, err := time.ParseDuration(ds)
	if err != nil || d <= 0 {
		return 0, 0, fmt.Errorf("--rate-limit %q: want N/DURATION with a positive duration, e.g. 1200/5m", clip(s))
	}
	return n, d, nil
}

func runFake(a *app, _ []string) int {
	var opts []secondarydnstest.ServerOption
	if a.rateLimit != "" {
		n, d, err := parseRateLimit(a.rateLimit)
		if err != nil {
			return a.usageError(a.cmd, err.Error())
		}
		opts = append(opts, secondarydnstest.WithRateLimit(n, d))
	}
	if a.secondaries < 0 || a.secondaries > maxFakeSecondaries {
		return a.usageError(a.cmd, fmt.Sprintf("--secondaries %d: want 0 to %d (a zone has at most %d peers)", a.secondaries, maxFakeSecondaries, maxFakeSecondaries))
	}
	setupKey := fakeSetupKey()
	if a.secondaries > 0 {
		opts = append(opts, secondarydnstest.WithAPIKey(fakeSetupEmail, setupKey))
	}
	srv := secondarydnstest.NewServer(opts...)
	defer srv.Close()
	var secs *fakeSecondaries
	if a.secondaries > 0 {
		var err error
		if secs, err = startFakeSecondaries(srv, a.secondaries, setupKey); err != nil {
			return a.failure(exitFailed, err.Error())
		}
		defer secs.close()
	}
	seeded := 0
	if a.file != "" {
		d, err := a.loadDesired(a.file)
		if err != nil {
			return a.inputFailed(err)
		}
		if d.v2 != nil {
			// Seeding it would need zone IDs for its names and the
			// account's peers made first; ignoring it served no zone.
			return a.inputError(fmt.Sprintf("%s is a format-2 file; fake -f reads format 1 only (zones keyed by ID, each with \"name\" and \"peers\" as peer IDs, no \"account\", \"peers\", \"tsigs\", \"acls\" or \"defaults\"); nothing was served", a.file))
		}
		ids := d.ids()
		for i, id := range ids {
			if a.sig.Err() != nil {
				a.note("secondarydns fake: stopped while seeding (%d of %d zone(s) seeded)\n", i, len(ids))
				return exitOK
			}
			w := d.zones[id]
			if secs != nil && !w.Absent {
				w.Peers = append(append([]string{}, w.Peers...), secs.peerIDs...)
			}
			if err := seedZone(srv, id, w); err != nil {
				return a.inputError(fmt.Sprintf("%s:%d: zones[%q]: %v", a.file, d.lines[id], id, err))
			}
			if !w.Absent {
				seeded++
				if secs != nil {
					secs.serve(srv, id)
				}
			}
		}
	}
	ln, err := net.Listen("tcp", a.addr)
	if err != nil {
		return a.inputError(fmt.Sprintf("--addr %s: %v", a.addr, err))
	}
	// The fake listens on a loopback port of its own choosing; a reverse
	// proxy puts it on the address asked for, unchanged.
	target, err := url.Parse(strings.TrimSuffix(srv.URL, "/client/v4"))
	if err != nil {
		return a.failure(exitFailed, err.Error())
	}
	hs := &http.Server{Handler: newFakeProxy(target), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	fmt.Fprintf(a.stdout, "CLOUDFLARE_BASE_URL=http://%s/client/v4\n", ln.Addr())
	fmt.Fprintf(a.stdout, "CLOUDFLARE_API_TOKEN=%s\n", secondarydnstest.DefaultToken)
	if secs != nil {
		fmt.Fprintf(a.stdout, "CLOUDFLARE_ACCOUNT_ID=%s\n", secondarydnstest.DefaultAccountID)
		for i, s := range secs.secs {
			a.note("secondarydns fake: secondary-%d (peer %s) answers DNS on %s\n", i+1, secs.peerIDs[i], s.Addr)
		}
	}
	if f, ok := a.stdout.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	a.note("secondarydns fake: serving %d zone(s) on http://%s/client/v4; stop with Ctrl-C\n", seeded, ln.Addr())

	select {
	case <-a.sig.Done():
	case err := <-served:
		return a.failure(exitFailed, fmt.Sprintf("serving: %v", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		a.note("secondarydns fake: shutting down: %v\n", err)
	}
	a.note("secondarydns fake: stopped\n")
	return exitOK
}

// fakeIdleConns is how many idle connections the fake's proxy keeps to the
// server behind it: net/http's default of 2 per host made every burst of
// concurrent requests (a fleet run at --concurrency 64) open, and then close,
// a connection for nearly every request.
const fakeIdleConns = 256

// newFakeProxy forwards every request, unchanged, to the server at target,
// over connections it keeps for reuse.
func newFakeProxy(target *url.URL) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        fakeIdleConns,
			MaxIdleConnsPerHost: fakeIdleConns,
			IdleConnTimeout:     90 * time.Second,
		},
	}
}

// seedZone makes one zone of the file known to the fake: seeded with its
// configuration, or, for an absent zone, added without one (so that a fake
// under secondarydnstest.WithStrictZones answers it as a zone without a
// configuration, not as an unknown ID). It turns the panic Seed and AddZone
// raise for a zone ID the fake cannot serve into an error.
func seedZone(srv *secondarydnstest.Server, id string, w secondarydns.Desired) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("the fake's zone IDs are 32 lowercase hexadecimal characters")
		}
	}()
	if w.Absent {
		srv.AddZone(secondarydns.Zone{ID: id, Name: w.Name})
		return nil
	}
	srv.Seed(id, secondarydnstest.Config{Name: w.Name, Peers: w.Peers, Status: string(w.Status)})
	return nil
}
