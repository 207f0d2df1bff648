package secondarydnstest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// The fake serves the client like the real API, with a fixed clock here so
// the output is stable.
func ExampleNewServer() {
	srv := secondarydnstest.NewServer(secondarydnstest.WithClock(func() time.Time {
		return time.Date(2026, 11, 27, 17, 9, 42, 883908000, time.UTC)
	}))
	defer srv.Close()

	client, err := srv.Client() // the server's URL and token
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	zoneID := secondarydnstest.ZoneID(1)

	out, err := client.Outgoing.Create(ctx, zoneID, secondarydns.OutgoingParams{
		Name:  "example.com.",
		Peers: []string{"23ff594956f20c2a721606e94745a8aa"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.ID, out.Name, out.SOASerial, out.CreatedTime.Format(time.RFC3339))

	status, err := client.Outgoing.Enable(ctx, zoneID)
	fmt.Println(status, err)

	_, err = client.Outgoing.Get(ctx, secondarydnstest.ZoneID(2))
	fmt.Println(errors.Is(err, secondarydns.ErrNotFound))
	// Output:
	// 00000000000000000000000000000001 example.com. 2026112701 2026-11-27T17:09:42Z
	// Enabled <nil>
	// true
}

// Fail injects faults for retry tests: here two 503s, which the client
// retries at once because Retry-After is 0. PendingFaults proves they fired.
func ExampleServer_Fail() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com", Status: "Enabled"})
	srv.Fail(secondarydnstest.Fault{Action: "status", Times: 2, Status: 503, RetryAfter: "0"})

	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	var resp secondarydns.Response
	status, err := client.Outgoing.Status(context.Background(), zoneID, secondarydns.WithResponse(&resp))
	fmt.Println(status, err, resp.Attempts, len(srv.PendingFaults()))
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// Enabled <nil> 3 0
	// GET /zones/00000000000000000000000000000001/secondary_dns/outgoing/status 503
	// GET /zones/00000000000000000000000000000001/secondary_dns/outgoing/status 503
	// GET /zones/00000000000000000000000000000001/secondary_dns/outgoing/status 200
}

// A fault by zone and action fails only that endpoint of that zone: here
// Enable on the second of two zones, with a 403 the client does not retry.
// The error names the request and its ray ID, deterministic in the fake.
func ExampleFault_zoneAndAction() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	first, second := secondarydnstest.ZoneID(1), secondarydnstest.ZoneID(2)
	srv.Seed(first, secondarydnstest.Config{Name: "example.com"})
	srv.Seed(second, secondarydnstest.Config{Name: "example.org"})
	srv.Fail(secondarydnstest.Fault{Zone: second, Action: "enable", Status: 403})

	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	status, err := client.Outgoing.Enable(ctx, first)
	fmt.Println(status, err)
	_, err = client.Outgoing.Enable(ctx, second)
	fmt.Println(err)
	fmt.Println(errors.Is(err, secondarydns.ErrForbidden), len(srv.PendingFaults()))
	// Output:
	// Enabled <nil>
	// secondarydns: POST /client/v4/zones/00000000000000000000000000000002/secondary_dns/outgoing/enable: 403 Forbidden: [1000] Forbidden (ray 0000000000000002-SJC)
	// true 0
}

// WithRateLimit limits each credential as Cloudflare does: once the window's
// requests are used up, the next request starts a block of one window. A
// Retry-After over a minute is not waited for: the client returns the 429 at
// once, with RetryAfter set. The window runs on the server's clock, stopped
// here so the seconds printed are exact; a test moves such a clock to reach
// the end of a block without sleeping.
func ExampleWithRateLimit() {
	stopped := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	srv := secondarydnstest.NewServer(
		secondarydnstest.WithRateLimit(2, 5*time.Minute),
		secondarydnstest.WithClock(func() time.Time { return stopped }),
	)
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com"})

	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	for range 3 {
		var resp secondarydns.Response
		_, err := client.Outgoing.Get(context.Background(), zoneID, secondarydns.WithResponse(&resp))
		fmt.Println(resp.StatusCode, resp.Header.Get("Ratelimit"), resp.Header.Get("Ratelimit-Policy"))
		var apiErr *secondarydns.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(apiErr.HasCode(10100), apiErr.RetryAfter, apiErr.Errors[0].Message)
		}
	}
	// Output:
	// 200 "default";r=1;t=0 "default";q=2;w=300
	// 200 "default";r=0;t=300 "default";q=2;w=300
	// 429 "default";r=0;t=300 "default";q=2;w=300
	// true 5m0s More than 2 requests per 300 seconds reached
}
