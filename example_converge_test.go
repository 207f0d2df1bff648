package secondarydns_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"golang.org/x/time/rate"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// Plan reads a zone and says what Apply would change; nothing is sent but
// the reads. Review it, then hand it to Execute to run exactly that.
func ExampleOutgoingService_Plan() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "Example.com", Peers: []string{"23ff594956f20c2a721606e94745a8aa"}})
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	want := secondarydns.Desired{
		Name:   "example.com.", // names compare without case and trailing dot
		Peers:  []string{"23ff594956f20c2a721606e94745a8aa", "00920f38ce07c2e2f4df50b1f61d4194"},
		Status: secondarydns.StatusEnabled,
	}
	plan, err := client.Outgoing.Plan(ctx, zoneID, want)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("current:", plan.Current.Name, plan.Current.Peers, plan.Status)
	fmt.Println("actions:", plan.Actions)

	done, err := client.Outgoing.Execute(ctx, plan)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("done:", done.Done)
	// Output:
	// current: Example.com [23ff594956f20c2a721606e94745a8aa] Disabled
	// actions: [update enable]
	// done: [update enable]
}

// Execute reads the zone again before its first write. A zone someone
// changed after its plan was reviewed is reported stale, saying what
// differs, and left as they made it.
func ExampleOutgoingService_Execute() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1)
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com."})
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	want := secondarydns.Desired{Name: "example.com.", Peers: []string{"23ff594956f20c2a721606e94745a8aa"}}
	plan, err := client.Outgoing.Plan(ctx, zoneID, want)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("actions:", plan.Actions)

	// While the plan waits for review, someone renames the zone.
	srv.Seed(zoneID, secondarydnstest.Config{Name: "other.example."})

	done, err := client.Outgoing.Execute(ctx, plan)
	fmt.Println("stale:", errors.Is(err, secondarydns.ErrStale), "done:", done.Done)
	fmt.Println(err)
	// Output:
	// actions: [update]
	// stale: true done: []
	// secondarydns: zone 00000000000000000000000000000001: update: the zone changed since it was planned: the name is "other.example.", not "example.com."
}

// Apply makes a zone look like the desired state in one call, recovering
// from a concurrent change by planning again. Calling it again costs only
// the reads.
func ExampleOutgoingService_Apply() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1)
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	want := secondarydns.Desired{
		Name:   "example.com.",
		Peers:  []string{"23ff594956f20c2a721606e94745a8aa"},
		Status: secondarydns.StatusEnabled,
	}

	plan, err := client.Outgoing.Apply(ctx, zoneID, want)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first run:", plan.Done)

	var resp secondarydns.Response
	plan, err = client.Outgoing.Apply(ctx, zoneID, want, secondarydns.WithResponse(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("second run in sync:", plan.InSync(), "after", len(srv.Requests())-3, "reads")

	// Removing the configuration disables transfers first.
	plan, err = client.Outgoing.Apply(ctx, zoneID, secondarydns.Desired{Absent: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("absent:", plan.Done)
	// Output:
	// first run: [create enable]
	// second run in sync: true after 2 reads
	// absent: [disable delete]
}

// ApplyAll converges a fleet: bounded concurrency, one result per zone in
// zone-ID order, and Progress once per zone, never concurrently. Pace it to
// Cloudflare's budget (1,200 requests per 5 minutes per user, shared with
// the dashboard and every other tool) with a rate limiter.
func ExampleOutgoingService_ApplyAll() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	peer := "23ff594956f20c2a721606e94745a8aa"
	srv.Seed(secondarydnstest.ZoneID(2), secondarydnstest.Config{Name: "two.example.", Peers: []string{peer}, Status: "Enabled"})
	srv.Seed(secondarydnstest.ZoneID(3), secondarydnstest.Config{Name: "three.example.", Status: "Enabled"})

	// Against Cloudflare: rate.NewLimiter(4, 1), four requests a second,
	// stays within the budget. The fake allows a faster example.
	client, err := srv.Client(secondarydns.WithRateLimiter(rate.NewLimiter(1000, 1)))
	if err != nil {
		log.Fatal(err)
	}
	zones := map[string]secondarydns.Desired{
		secondarydnstest.ZoneID(1): {Name: "one.example.", Peers: []string{peer}, Status: secondarydns.StatusEnabled},
		secondarydnstest.ZoneID(2): {Name: "two.example.", Peers: []string{peer}, Status: secondarydns.StatusEnabled},
		secondarydnstest.ZoneID(3): {Absent: true},
	}
	finished, failed := 0, 0 // no lock needed: Progress is never called concurrently
	results, err := client.Outgoing.ApplyAll(context.Background(), zones, secondarydns.FleetOptions{
		Concurrency: 2,
		Progress: func(r secondarydns.ZoneResult) {
			// Called as each zone finishes, in any order: a good place
			// for a progress line ("2/3 zones").
			finished++
			if r.Err != nil {
				failed++
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Println(r.ZoneID, r.Plan.Done, r.Err)
	}
	fmt.Println(finished, "zones finished,", failed, "failed,", len(srv.Requests()), "requests")
	// Output:
	// 00000000000000000000000000000001 [create enable] <nil>
	// 00000000000000000000000000000002 [] <nil>
	// 00000000000000000000000000000003 [disable delete] <nil>
	// 3 zones finished, 0 failed, 9 requests
}

func ExampleEqualNames() {
	fmt.Println(secondarydns.EqualNames("Example.COM", "example.com."))
	fmt.Println(secondarydns.EqualNames("example.com..", "example.com"))
	// Output:
	// true
	// false
}
