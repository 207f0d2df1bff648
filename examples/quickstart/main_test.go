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

func TestFakeModeWalksTheLifecycle(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(testContext(t), &out, noEnv, nil))
	got := out.String()

	first, _, _ := strings.Cut(got, "\n")
	assert.Contains(t, first, "in-process fake")
	assert.Contains(t, first, "secondarydnstest")

	// Every step, in order.
	rest := got
	for _, step := range []string{
		"== Create", "== Get", "== Enable", "== Status", "== ForceNotify", "== Disable", "== Delete",
		"== Get after Delete (an error on purpose)",
	} {
		i := strings.Index(rest, step+"\n")
		require.GreaterOrEqual(t, i, 0, "step %q missing or out of order in:\n%s", step, got)
		rest = rest[i+len(step):]
	}
	for _, want := range []string{
		"id:                    023e105f4ecef8ad9ca31a8372d0c353",
		"name:                  example.com.",
		"peers:                 23ff594956f20c2a721606e94745a8aa, 00920f38ce07c2e2f4df50b1f61d4194",
		"checked_time:          (not yet)",
		"transfers are now Enabled",
		"Enabled (enabled: true)",
		"OK: a DNS NOTIFY went to the peers",
		"transfers are now Disabled",
		"deleted configuration 023e105f4ecef8ad9ca31a8372d0c353",
		"errors.Is(err, secondarydns.ErrNotFound): true",
		"StatusCode: 404",
		"first error: code 1003",
		"RayID: ",
	} {
		assert.Contains(t, got, want)
	}
	assert.Regexp(t, `created_time: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n`, got, "times are printed in RFC 3339")
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
