package secondarydnstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// AddZone makes zones known to GET /zones, which pages them and filters them
// by account and name. With WithStrictZones, a zone ID that was neither added
// nor seeded is refused as Cloudflare refuses an unknown ID (404, 7003 and
// 7000) instead of reading as a zone without a configuration.
func ExampleServer_AddZone() {
	srv := secondarydnstest.NewServer(secondarydnstest.WithStrictZones())
	defer srv.Close()
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(1), Name: "example.com."})
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(2), Name: "example.org"})

	req, err := http.NewRequest("GET", srv.URL+"/zones?name=example.com&per_page=5", nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+secondarydnstest.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Result     []secondarydns.Zone
		ResultInfo struct {
			Page       int `json:"page"`
			PerPage    int `json:"per_page"`
			TotalCount int `json:"total_count"`
			TotalPages int `json:"total_pages"`
		} `json:"result_info"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		panic(err)
	}
	for _, z := range page.Result {
		fmt.Println(z.ID, z.Name, z.Status, z.Account.ID == secondarydnstest.DefaultAccountID)
	}
	fmt.Printf("%+v\n", page.ResultInfo)

	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	_, err = client.Outgoing.Get(context.Background(), secondarydnstest.ZoneID(1))
	fmt.Println(err)
	_, err = client.Outgoing.Get(context.Background(), secondarydnstest.ZoneID(3))
	fmt.Println(err)
	// Output:
	// 00000000000000000000000000000001 example.com active true
	// {Page:1 PerPage:5 TotalCount:1 TotalPages:1}
	// secondarydns: GET /client/v4/zones/00000000000000000000000000000001/secondary_dns/outgoing: 404 Not Found: [1003] Zone has no outgoing zone transfer configuration (ray 0000000000000002-SJC)
	// secondarydns: GET /client/v4/zones/00000000000000000000000000000003/secondary_dns/outgoing: 404 Not Found: [7003] Could not route to /client/v4/zones/00000000000000000000000000000003/secondary_dns/outgoing, perhaps your object identifier is invalid? (and 1 more) (ray 0000000000000003-SJC)
}

// The account's peers, TSIGs and ACLs live under
// /accounts/{account_id}/secondary_dns/; each account has its own. Here a
// TSIG and a peer using it are made with plain HTTP, and the request log
// shows the TSIG's secret redacted.
func Example_accounts() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	base := srv.URL + "/accounts/" + secondarydnstest.DefaultAccountID + "/secondary_dns"
	call := func(method, path, body string) string {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer "+secondarydnstest.DefaultToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var env struct{ Result json.RawMessage }
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
			panic(err)
		}
		return fmt.Sprint(resp.StatusCode, " ", string(env.Result))
	}

	fmt.Println(call("POST", "/tsigs", `{"name":"tsig.example.com.","algo":"hmac-sha256.","secret":"c2VjcmV0"}`))
	fmt.Println(call("POST", "/peers", `{"name":"ns1","ip":"192.0.2.53","port":53,"tsig_id":"74736967000000000000000000000001"}`))
	fmt.Println(call("GET", "/peers", ""))
	fmt.Println(call("DELETE", "/peers/70656572000000000000000000000001", ""))
	fmt.Println(srv.Requests()[0].Body)
	// Output:
	// 200 {"id":"74736967000000000000000000000001","name":"tsig.example.com.","algo":"hmac-sha256.","secret":"c2VjcmV0"}
	// 200 {"id":"70656572000000000000000000000001","name":"ns1","ip":"192.0.2.53","port":53,"tsig_id":"74736967000000000000000000000001"}
	// 200 [{"id":"70656572000000000000000000000001","name":"ns1","ip":"192.0.2.53","port":53,"tsig_id":"74736967000000000000000000000001"}]
	// 200 {"id":"70656572000000000000000000000001"}
	// {"name":"tsig.example.com.","algo":"hmac-sha256.","secret":"[redacted]"}
}

// WithStrictZones tells a mistyped zone ID from a zone without a
// configuration, as Cloudflare does: the first answers 404 with codes 7003
// and 7000 (secondarydns.ErrUnknownID), the second 404 with the fake's 1003.
func ExampleWithStrictZones() {
	srv := secondarydnstest.NewServer(secondarydnstest.WithStrictZones())
	defer srv.Close()
	srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(1), Name: "example.com"})
	client, err := srv.Client()
	if err != nil {
		panic(err)
	}
	for _, zoneID := range []string{secondarydnstest.ZoneID(1), secondarydnstest.ZoneID(2)} {
		_, err := client.Outgoing.Get(context.Background(), zoneID)
		fmt.Println(zoneID, errors.Is(err, secondarydns.ErrNotFound), errors.Is(err, secondarydns.ErrUnknownID))
	}
	// Output:
	// 00000000000000000000000000000001 true false
	// 00000000000000000000000000000002 true true
}
