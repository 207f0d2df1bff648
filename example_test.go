package secondarydns_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync/atomic"
	"time"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// The examples run against secondarydnstest, the SDK's fake of the API, so
// that `go test` proves their output. Against Cloudflare, build the client
// with WithAPIToken (or WithEnv) and leave out WithBaseURL.

func ExampleNewClient() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()

	// For the real API: secondarydns.NewClient(secondarydns.WithEnv()), or
	// secondarydns.WithAPIToken(token) with a token allowed to edit the zone.
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL), // only for the fake
		secondarydns.WithUserAgent("my-dns-tool/1.2"),
		secondarydns.WithMaxRetries(3),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = client // call the API through client.Outgoing; see the OutgoingService examples

	// Every mistake is caught here, before any request, as ErrInvalidInput.
	_, err = secondarydns.NewClient(secondarydns.WithBaseURL("http://api.example.com"))
	fmt.Println(errors.Is(err, secondarydns.ErrInvalidInput))
	fmt.Println(err)
	// Output:
	// true
	// secondarydns: invalid input: WithBaseURL: http is allowed only for loopback hosts; use https for api.example.com
}

func ExampleOutgoingService_Get() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{
		Name:        "example.com.",
		Peers:       []string{"23ff594956f20c2a721606e94745a8aa"},
		SOASerial:   2026112701,
		CreatedTime: time.Date(2026, 11, 27, 17, 9, 42, 0, time.UTC),
	})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	out, err := client.Outgoing.Get(context.Background(), zoneID)
	if errors.Is(err, secondarydns.ErrNotFound) {
		fmt.Println("the zone has no outgoing transfer configuration")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Name, out.Peers, out.SOASerial)
	fmt.Println("created:", out.CreatedTime.Format(time.RFC3339))
	fmt.Println("last transfer:", out.LastTransferredTime.IsZero()) // zero: none yet
	// Output:
	// example.com. [23ff594956f20c2a721606e94745a8aa] 2026112701
	// created: 2026-11-27T17:09:42Z
	// last transfer: true
}

func ExampleOutgoingService_Create() {
	srv := secondarydnstest.NewServer(secondarydnstest.WithClock(func() time.Time {
		return time.Date(2026, 11, 27, 17, 9, 42, 883908000, time.UTC)
	}))
	defer srv.Close()
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"

	// Peers are account-level objects created beforehand; their IDs link
	// them to the zone.
	out, err := client.Outgoing.Create(ctx, zoneID, secondarydns.OutgoingParams{
		Name:  "example.com.",
		Peers: []string{"23ff594956f20c2a721606e94745a8aa"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.ID, out.Name, out.CreatedTime.Format(time.RFC3339Nano))

	// A zone has one configuration: a second Create is a conflict. Update
	// changes an existing one.
	_, err = client.Outgoing.Create(ctx, zoneID, secondarydns.OutgoingParams{Name: "example.com."})
	fmt.Println(errors.Is(err, secondarydns.ErrConflict))
	// Output:
	// 023e105f4ecef8ad9ca31a8372d0c353 example.com. 2026-11-27T17:09:42.883908Z
	// true
}

func ExampleOutgoingService_Update() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Peers: []string{"23ff594956f20c2a721606e94745a8aa"}})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	// Update replaces the name and the whole peer list: send every peer to
	// keep, or none (nil is sent as []) to unlink them all.
	out, err := client.Outgoing.Update(context.Background(), zoneID, secondarydns.OutgoingParams{
		Name:  "example.com.",
		Peers: []string{"23ff594956f20c2a721606e94745a8aa", "00920f38ce07c2e2f4df50b1f61d4194"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Name, out.Peers)
	// Output:
	// example.com. [23ff594956f20c2a721606e94745a8aa 00920f38ce07c2e2f4df50b1f61d4194]
}

func ExampleOutgoingService_Delete() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Deleting does not disable transfers first: disable them yourself.
	if _, err := client.Outgoing.Disable(ctx, zoneID); err != nil {
		log.Fatal(err)
	}
	id, err := client.Outgoing.Delete(ctx, zoneID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted", id)
	// Output:
	// deleted 023e105f4ecef8ad9ca31a8372d0c353
}

func ExampleOutgoingService_Enable() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com."}) // Disabled, as after Create
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	status, err := client.Outgoing.Enable(context.Background(), zoneID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(status)
	// Output:
	// Enabled
}

func ExampleOutgoingService_Disable() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	// Secondaries stop receiving updates until Enable.
	status, err := client.Outgoing.Disable(context.Background(), zoneID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(status)
	// Output:
	// Disabled
}

func ExampleOutgoingService_ForceNotify() {
	notified := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	srv := secondarydnstest.NewServer(secondarydnstest.WithClock(func() time.Time { return notified }))
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	answer, err := client.Outgoing.ForceNotify(ctx, zoneID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer)

	// The fake's secondaries transfer at once; real ones do when they
	// act on the NOTIFY.
	out, err := client.Outgoing.Get(ctx, zoneID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.LastTransferredTime.Format(time.RFC3339))
	// Output:
	// OK
	// 2026-11-27T18:00:00Z
}

func ExampleOutgoingService_Status() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	status, err := client.Outgoing.Status(context.Background(), zoneID)
	if err != nil {
		log.Fatal(err)
	}
	// The set of statuses is open: compare with the constants and expect
	// others.
	switch status {
	case secondarydns.StatusEnabled:
		fmt.Println("transfers are enabled")
	case secondarydns.StatusDisabled:
		fmt.Println("transfers are disabled")
	default:
		fmt.Println("unknown status", status)
	}
	// Output:
	// transfers are enabled
}

// Branch on the HTTP class with errors.Is, and read the details Cloudflare
// support asks for (status, error codes, ray ID) with errors.As.
func ExampleAPIError() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Outgoing.Get(context.Background(), "023e105f4ecef8ad9ca31a8372d0c353")
	fmt.Println(errors.Is(err, secondarydns.ErrNotFound))

	var apiErr *secondarydns.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Method, apiErr.Path)
		for _, e := range apiErr.Errors {
			fmt.Println(e.Code, e.Message) // the fake's codes are illustrative
		}
		fmt.Println(apiErr.RayID != "") // e.g. "8f2a6b1c3d4e5f60-SJC"
	}
	// Output:
	// true
	// 404 GET /client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/secondary_dns/outgoing
	// 1003 Zone has no outgoing zone transfer configuration
	// true
}

// WithResponse reports on the call's last attempt, on success and on failure.
func ExampleWithResponse() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com."})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}

	var resp secondarydns.Response
	status, err := client.Outgoing.Status(context.Background(), zoneID, secondarydns.WithResponse(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(status, resp.StatusCode, resp.Attempts, resp.Header.Get("Content-Type"))
	fmt.Println(resp.RayID != "")
	// Output:
	// Disabled 200 1 application/json
	// true
}

// pacer is a minimal RateLimiter: one request per tick of its ticker, counted.
// In real code use *rate.Limiter from golang.org/x/time/rate, which satisfies
// RateLimiter as it is: secondarydns.WithRateLimiter(rate.NewLimiter(4, 1)).
type pacer struct {
	tick  *time.Ticker
	waits atomic.Int32
}

func (p *pacer) Wait(ctx context.Context) error {
	p.waits.Add(1)
	select {
	case <-p.tick.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The limiter is waited on before every attempt, retries included, so a
// client shared by many goroutines stays under the API's rate limit.
func ExampleWithRateLimiter() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	srv.Fail(secondarydnstest.Fault{Status: 503, RetryAfter: "0"}) // one retry

	limiter := &pacer{tick: time.NewTicker(10 * time.Millisecond)} // see pacer above
	defer limiter.tick.Stop()
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
		secondarydns.WithRateLimiter(limiter),
	)
	if err != nil {
		log.Fatal(err)
	}

	status, err := client.Outgoing.Status(context.Background(), zoneID)
	fmt.Println(status, err, limiter.waits.Load())
	// Output:
	// Enabled <nil> 2
}

// Test your own retry handling with faults injected into secondarydnstest:
// two 503s with "Retry-After: 0" are retried at once, and the third attempt
// succeeds. WithMaxRetries, per call, can turn retries off.
func ExampleWithMaxRetries() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
		secondarydns.WithMaxRetries(2), // the default
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	srv.Fail(secondarydnstest.Fault{Times: 2, Status: 503, RetryAfter: "0"})
	var resp secondarydns.Response
	status, err := client.Outgoing.Status(ctx, zoneID, secondarydns.WithResponse(&resp))
	fmt.Println(status, err, "attempts:", resp.Attempts)

	srv.Fail(secondarydnstest.Fault{Status: 503, RetryAfter: "0"})
	_, err = client.Outgoing.Status(ctx, zoneID, secondarydns.WithMaxRetries(0), secondarydns.WithResponse(&resp))
	fmt.Println(errors.Is(err, secondarydns.ErrServerError), "attempts:", resp.Attempts)
	// Output:
	// Enabled <nil> attempts: 3
	// true attempts: 1
}

// WithBackoff sets the wait before each retry; WithBackoff(0, 0) retries at
// once, which keeps tests of retry paths fast. The *APIError counts the
// attempts the call made.
func ExampleWithBackoff() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
		secondarydns.WithBackoff(0, 0), // production code keeps the default: 500 ms doubling, at most 8 s
	)
	if err != nil {
		log.Fatal(err)
	}

	srv.Fail(secondarydnstest.Fault{Times: 3, Status: 503}) // no Retry-After: the backoff applies
	_, err = client.Outgoing.Status(context.Background(), zoneID)
	var apiErr *secondarydns.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, "after", apiErr.Attempts, "attempts")
	}
	// Output:
	// 503 after 3 attempts
}

// WithMaxRetryWait bounds the Retry-After a call waits for. A longer one is
// returned at once, with RetryAfter set, so the caller decides: Cloudflare's
// rate-limit block lasts five minutes.
func ExampleWithMaxRetryWait() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Status: "Enabled"})
	client, err := secondarydns.NewClient(
		secondarydns.WithAPIToken(secondarydnstest.DefaultToken),
		secondarydns.WithBaseURL(srv.URL),
		secondarydns.WithMaxRetryWait(10*time.Second), // the default is 60 s
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	srv.Fail(secondarydnstest.Fault{Status: 429, RetryAfter: "300"})
	_, err = client.Outgoing.Status(ctx, zoneID)
	var apiErr *secondarydns.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(errors.Is(err, secondarydns.ErrRateLimited), "retry after", apiErr.RetryAfter, "attempts:", apiErr.Attempts)
	}

	// "Retry-After: 0" means "retry now": it is honoured even with
	// WithMaxRetryWait(0), which refuses every longer wait.
	srv.Fail(secondarydnstest.Fault{Status: 429, RetryAfter: "0"})
	var resp secondarydns.Response
	status, err := client.Outgoing.Status(ctx, zoneID, secondarydns.WithMaxRetryWait(0), secondarydns.WithResponse(&resp))
	fmt.Println(status, err, "attempts:", resp.Attempts)
	// Output:
	// true retry after 5m0s attempts: 1
	// Enabled <nil> attempts: 2
}
