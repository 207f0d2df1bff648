package verify_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

// Ask a secondary which serial it serves. Here the secondary is the test
// kit's, on loopback; in production it is one of your peers' addresses.
func ExampleQuerier_SOA() {
	sec := secondarydnstest.NewSecondary()
	defer sec.Close()
	sec.Serve("example.com.", 2026120401)

	q := &verify.Querier{Timeout: time.Second}
	soa, err := q.SOA(context.Background(), "example.com", sec.Addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(soa.Serial, soa.MName)

	sec.Refuse("example.com.")
	_, err = q.SOA(context.Background(), "example.com", sec.Addr)
	fmt.Println(errors.Is(err, verify.ErrNotServing), errors.Is(err, verify.ErrUnreachable))
	// Output:
	// 2026120401 ns1.example.com.
	// true false
}

func ExampleCompareSerial() {
	fmt.Println(verify.CompareSerial(2026120401, 2026120402)) // an ordinary increment
	fmt.Println(verify.CompareSerial(4294967295, 0))          // wrapped: 0 follows the largest serial
	fmt.Println(verify.CompareSerial(7, 7))
	fmt.Println(verify.CompareSerial(0, 1<<31)) // exactly half the circle apart: no order
	// Output:
	// -1 true
	// -1 true
	// 0 true
	// 0 false
}

// Check two secondaries for two zones at once.
func ExampleChecker_Check() {
	a, b := secondarydnstest.NewSecondary(), secondarydnstest.NewSecondary()
	defer a.Close()
	defer b.Close()
	a.Serve("example.com.", 10)
	b.Serve("example.com.", 9) // has not transferred the latest change
	a.Serve("example.org.", 3)
	b.Refuse("example.org.") // not configured for the zone

	targets := []verify.Target{{Name: "ns-a", Addr: a.Addr}, {Name: "ns-b", Addr: b.Addr}, {Name: "no-ip"}}
	zones := []verify.Zone{
		{Name: "example.com.", Serial: 10, Targets: targets},
		{Name: "example.org.", Serial: 3, Targets: targets},
	}
	c := &verify.Checker{Querier: &verify.Querier{Timeout: time.Second}}
	results, err := c.Check(context.Background(), zones)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		fmt.Println(r.Zone.Name, "in sync:", r.InSync())
		for _, t := range r.Targets {
			fmt.Printf("  %s %s %d\n", t.Name, t.State, t.Serial)
		}
	}
	// Output:
	// example.com. in sync: false
	//   ns-a in_sync 10
	//   ns-b behind 9
	//   no-ip no_address 0
	// example.org. in sync: false
	//   ns-a in_sync 3
	//   ns-b not_serving 0
	//   no-ip no_address 0
}
