package secondarydnstest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
	"github.com/dnsxfer/secondarydns/verify"
)

// A Secondary answers SOA queries for the zones it serves, as a real
// secondary nameserver would, so monitoring code can be tested against it.
func ExampleSecondary() {
	sec := secondarydnstest.NewSecondary()
	defer sec.Close()
	sec.Serve("example.com.", 2026120401)
	sec.Refuse("example.org.")

	q := &verify.Querier{Timeout: time.Second}
	for _, zone := range []string{"example.com.", "example.org."} {
		soa, err := q.SOA(context.Background(), zone, sec.Addr)
		if err != nil {
			fmt.Println(zone, "not served")
			continue
		}
		fmt.Println(zone, soa.Serial)
	}
	serial, ok := sec.Serial("example.com.")
	fmt.Println(serial, ok)
	// Output:
	// example.com. 2026120401
	// example.org. not served
	// 2026120401 true
}
