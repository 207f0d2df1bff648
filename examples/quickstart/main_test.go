package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

func noEnv(string) string { return "" }

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The fake's clock is fixed and its ray IDs count its answers, so the whole
// output is known: a change to what the quickstart shows must change this test.
func TestFakeModeOutput(t *testing.T) {
	clock := func() time.Time { return time.Date(2024, 10, 24, 9, 30, 0, 0, time.UTC) }
	var out bytes.Buffer
	require.NoError(t, run(testContext(t), &out, noEnv, nil, secondarydnstest.WithClock(clock)))
	want := `No Cloudflare credentials in the environment: using secondarydnstest, an in-process fake of the API.
Set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID to read a real zone instead.

== Apply: example.com. with 2 peers, transfers enabled
   actions: create, enable
   done:    create, enable

== Apply again: the zone is already as wanted
   in sync: no actions

== Get, with the fake failing the first attempt with a 503
   id:                    023e105f4ecef8ad9ca31a8372d0c353
   name:                  example.com.
   peers:                 23ff594956f20c2a721606e94745a8aa, 00920f38ce07c2e2f4df50b1f61d4194
   soa_serial:            2024102401
   created_time:          2024-10-24T09:30:00Z
   checked_time:          (not yet)
   last_transferred_time: (not yet)
   succeeded after 2 attempts (HTTP 200, ray ID 0000000000000007-SJC)

== Status
   Enabled (enabled: true)

== ForceNotify
   OK: Cloudflare accepted the NOTIFY request (it says nothing of whether a peer pulled; secondarydns verify asks them)

== Apply: the zone must have no configuration
   actions: disable, delete
   done:    disable, delete

== Get after the configuration is gone (an error on purpose)
   err: secondarydns: GET /client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing: 404 Not Found: [1003] Zone has no outgoing zone transfer configuration (ray 000000000000000e-SJC)
   errors.Is(err, secondarydns.ErrNotFound): true
   StatusCode: 404
   first error: code 1003, "Zone has no outgoing zone transfer configuration"
   RayID: 000000000000000e-SJC
`
	assert.Equal(t, want, out.String())
	// The fake's ray IDs are a counter Cloudflare has never seen.
	assert.NotContains(t, out.String(), "support")
}

// Mistakes in the environment or flags fail before any client is built, so
// nothing is sent anywhere.
func TestMisconfigurationFailsClearly(t *testing.T) {
	const zone = "023e105f4ecef8ad9ca31a8372d0c353"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{
			name: "token without zone",
			env:  map[string]string{"CLOUDFLARE_API_TOKEN": "t0ken"},
			want: "credentials are set but no zone: set CLOUDFLARE_ZONE_ID or pass -zone",
		},
		{
			name: "email and key without zone",
			env:  map[string]string{"CLOUDFLARE_EMAIL": "a@example.com", "CLOUDFLARE_API_KEY": "k"},
			want: "credentials are set but no zone",
		},
		{
			name: "zone without credentials",
			env:  map[string]string{"CLOUDFLARE_ZONE_ID": zone},
			want: "a zone ID is set (CLOUDFLARE_ZONE_ID or -zone) but no credentials",
		},
		{
			name: "-zone without credentials",
			args: []string{"-zone", zone},
			want: "but no credentials",
		},
		{
			name: "-write against the fake",
			args: []string{"-write"},
			want: "-write, -name and -peers apply to a real zone",
		},
		{
			name: "stray argument",
			args: []string{"example.com"},
			want: `unexpected arguments ["example.com"]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(testContext(t), &out, envOf(tt.env), tt.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, out.String(), "nothing is printed before the mode is known")
		})
	}
}

// realMode points the "real" mode at a fake through CLOUDFLARE_BASE_URL,
// which secondarydns.WithEnv honours, to test what the quickstart does to a
// real zone.
func realMode(t *testing.T) *secondarydnstest.Server {
	t.Helper()
	srv := secondarydnstest.NewServer()
	t.Cleanup(srv.Close)
	t.Setenv("CLOUDFLARE_API_TOKEN", secondarydnstest.DefaultToken)
	t.Setenv("CLOUDFLARE_BASE_URL", srv.URL)
	t.Setenv("CLOUDFLARE_ZONE_ID", "")
	return srv
}

func methods(srv *secondarydnstest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Method+" "+r.Path[strings.LastIndex(r.Path, "/"):])
	}
	return out
}

func TestRealMode(t *testing.T) {
	const zone = "023e105f4ecef8ad9ca31a8372d0c353"
	seeded := secondarydnstest.Config{Name: "example.com.", Peers: []string{"23ff594956f20c2a721606e94745a8aa"}, Status: "Enabled"}

	t.Run("read-only, zone without configuration", func(t *testing.T) {
		srv := realMode(t)
		var out bytes.Buffer
		require.NoError(t, run(testContext(t), &out, os.Getenv, []string{"-zone", zone}))
		assert.Contains(t, out.String(), "The zone has no outgoing transfer configuration (404;")
		assert.Equal(t, []string{"GET /outgoing"}, methods(srv))
	})

	t.Run("read-only, configured zone", func(t *testing.T) {
		srv := realMode(t)
		srv.Seed(zone, seeded)
		t.Setenv("CLOUDFLARE_ZONE_ID", zone)
		var out bytes.Buffer
		require.NoError(t, run(testContext(t), &out, os.Getenv, nil))
		assert.Contains(t, out.String(), "name:                  example.com.")
		assert.Contains(t, out.String(), "== Status\n   Enabled\n")
		assert.Equal(t, []string{"GET /outgoing", "GET /status"}, methods(srv))
		assert.Contains(t, srv.Requests()[0].Header.Get("User-Agent"), "secondarydns-quickstart ")
	})

	t.Run("-write refuses a configured zone", func(t *testing.T) {
		srv := realMode(t)
		srv.Seed(zone, seeded)
		err := run(testContext(t), &bytes.Buffer{}, os.Getenv, []string{"-zone", zone, "-write", "-name", "example.com."})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "already has an outgoing transfer configuration")
		assert.Equal(t, []string{"GET /outgoing"}, methods(srv), "nothing was changed")
		cfg, ok := srv.Config(zone)
		require.True(t, ok)
		assert.Equal(t, "Enabled", cfg.Status)
	})

	t.Run("-write needs -name", func(t *testing.T) {
		srv := realMode(t)
		err := run(testContext(t), &bytes.Buffer{}, os.Getenv, []string{"-zone", zone, "-write"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "-write needs -name")
		assert.Empty(t, srv.Requests())
	})

	t.Run("-write leaves the zone as it found it", func(t *testing.T) {
		srv := realMode(t)
		var out bytes.Buffer
		err := run(testContext(t), &out, os.Getenv, []string{"-zone", zone, "-write", "-name", "example.net.", "-peers", "23ff594956f20c2a721606e94745a8aa"})
		require.NoError(t, err)
		assert.Contains(t, out.String(), "peers:                 23ff594956f20c2a721606e94745a8aa\n")
		assert.Contains(t, out.String(), "errors.Is(err, secondarydns.ErrNotFound): true")
		// A real ray ID is what Cloudflare support asks for.
		assert.Regexp(t, `RayID: \S+ \(quote it to Cloudflare support\)\n`, out.String())
		_, ok := srv.Config(zone)
		assert.False(t, ok)
	})

	t.Run("-write cleans up when a step fails", func(t *testing.T) {
		srv := realMode(t)
		srv.Fail(secondarydnstest.Fault{
			Method: http.MethodPost,
			Path:   "/zones/" + zone + "/secondary_dns/outgoing/enable",
			Status: http.StatusForbidden,
		})
		err := run(testContext(t), &bytes.Buffer{}, os.Getenv, []string{"-zone", zone, "-write", "-name", "example.net."})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Enable: ")
		_, ok := srv.Config(zone)
		assert.False(t, ok, "the configuration the quickstart created was deleted")
	})

	t.Run("half an email and key pair", func(t *testing.T) {
		realMode(t)
		t.Setenv("CLOUDFLARE_API_TOKEN", "")
		t.Setenv("CLOUDFLARE_EMAIL", "a@example.com")
		t.Setenv("CLOUDFLARE_API_KEY", "")
		err := run(testContext(t), &bytes.Buffer{}, os.Getenv, []string{"-zone", zone})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "CLOUDFLARE_API_KEY is not")
	})
}
