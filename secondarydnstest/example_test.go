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

	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"

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

	_, err = client.Outgoing.Get(ctx, "269d8f4853475ca241c4e730be286b20")
	fmt.Println(errors.Is(err, secondarydns.ErrNotFound))
	// Output:
	// 023e105f4ecef8ad9ca31a8372d0c353 example.com. 2026112701 2026-11-27T17:09:42Z
	// Enabled <nil>
	// true
}

// Fail injects faults for retry tests: here two 503s, which the client
// retries at once because Retry-After is 0.
func ExampleServer_Fail() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com", Status: "Enabled"})
	srv.Fail(secondarydnstest.Fault{Times: 2, Status: 503, RetryAfter: "0"})

	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		panic(err)
	}
	var resp secondarydns.Response
	status, err := client.Outgoing.Status(context.Background(), zoneID, secondarydns.WithResponse(&resp))
	fmt.Println(status, err, resp.Attempts)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// Enabled <nil> 3
	// GET /zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing/status 503
	// GET /zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing/status 503
	// GET /zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing/status 200
}
