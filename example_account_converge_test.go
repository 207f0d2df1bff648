package secondarydns_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// PlanAccount reads the account's TSIG keys, peers and ACLs (three
// requests) and says what would change; ExecuteAccount runs exactly that.
// The peer is created after its TSIG, with the TSIG's new ID.
func ExampleClient_PlanAccount() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	account := secondarydnstest.DefaultAccountID

	want := secondarydns.AccountDesired{
		TSIGs: map[string]secondarydns.DesiredTSIG{
			"ns1-key.example.": {Algo: secondarydns.TSIGHMACSHA256, Secret: "c2VjcmV0LWtleS1ieXRlcw=="},
		},
		Peers: map[string]secondarydns.DesiredPeer{
			"ns1": {IP: "192.0.2.53", TSIG: "ns1-key.example."},
		},
		ACLs: map[string]secondarydns.DesiredACL{
			"ns1-xfr": {IPRange: "192.0.2.0/24"},
		},
	}
	plan, err := client.PlanAccount(ctx, account, want)
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range plan.Steps {
		fmt.Println("plan:", st.Action, st.Kind, st.Name)
	}
	fmt.Println(plan.Want.TSIGs["ns1-key.example."]) // secrets never print

	done, err := client.ExecuteAccount(ctx, plan)
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range done.Done {
		fmt.Println("done:", st.Action, st.Kind, st.Name, st.ID)
	}
	peers, err := client.Peers.List(ctx, account)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("peer", peers[0].Name, "uses TSIG", peers[0].TSIGID)

	again, err := client.PlanAccount(ctx, account, want)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("in sync:", again.InSync())
	// Output:
	// plan: create tsig ns1-key.example.
	// plan: create peer ns1
	// plan: create acl ns1-xfr
	// {hmac-sha256. [redacted] false}
	// done: create tsig ns1-key.example. 74736967000000000000000000000001
	// done: create peer ns1 70656572000000000000000000000001
	// done: create acl ns1-xfr 61636c00000000000000000000000001
	// peer ns1 uses TSIG 74736967000000000000000000000001
	// in sync: true
}

// Split runs an account plan around zone changes: the creates and updates
// first, so zones can use new peers (PeerID gives their IDs), then the zones,
// then the peer and TSIG deletes, once no zone uses them.
func ExampleAccountPlan_Split() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	account := secondarydnstest.DefaultAccountID
	zoneID := secondarydnstest.ZoneID(1)

	// Today the zone uses peer "old".
	old, err := client.Peers.Create(ctx, account, secondarydns.PeerParams{Name: "old", IP: "192.0.2.1"})
	if err != nil {
		log.Fatal(err)
	}
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com.", Peers: []string{old.ID}})

	// Replace it with "new".
	plan, err := client.PlanAccount(ctx, account, secondarydns.AccountDesired{Peers: map[string]secondarydns.DesiredPeer{
		"new": {IP: "192.0.2.2"},
		"old": {Absent: true},
	}})
	if err != nil {
		log.Fatal(err)
	}
	before, after := plan.Split()
	fmt.Println("before:", before.Steps[0].Action, before.Steps[0].Name, "| after:", after.Steps[0].Action, after.Steps[0].Name)

	ran, err := client.ExecuteAccount(ctx, before)
	if err != nil {
		log.Fatal(err)
	}
	newID, _ := ran.PeerID("new")
	if _, err := client.Outgoing.Apply(ctx, zoneID, secondarydns.Desired{Name: "example.com.", Peers: []string{newID}}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.ExecuteAccount(ctx, after); err != nil {
		log.Fatal(err)
	}
	cfg, _ := srv.Config(zoneID)
	peers, err := client.Peers.List(ctx, account)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("zone peers:", cfg.Peers, "account peers:", len(peers), peers[0].Name)
	// Output:
	// before: create new | after: delete old
	// zone peers: [70656572000000000000000000000002] account peers: 1 new
}
