package secondarydns_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// A peer is a secondary nameserver of the account: where Cloudflare sends
// NOTIFY, optionally signed with a TSIG key. Its ID is what a zone's
// outgoing configuration lists.
func ExamplePeersService() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID

	peer, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns1", IP: "192.0.2.53", Port: 53})
	if err != nil {
		panic(err)
	}
	fmt.Println(peer.Name, peer.IP, peer.Port)

	// Update replaces the whole peer: what it leaves unset is cleared.
	peer, err = c.Peers.Update(ctx, acct, peer.ID, secondarydns.PeerParams{Name: "ns1", IP: "2001:db8::53"})
	if err != nil {
		panic(err)
	}
	fmt.Println(peer.Name, peer.IP, peer.Port)

	peers, err := c.Peers.List(ctx, acct)
	fmt.Println(len(peers), err)

	// Arguments are checked before anything is sent.
	_, err = c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns2", IP: "ns2.example.net"})
	fmt.Println(errors.Is(err, secondarydns.ErrInvalidInput))

	id, err := c.Peers.Delete(ctx, acct, peer.ID)
	fmt.Println(id == peer.ID, err)
	_, err = c.Peers.Get(ctx, acct, peer.ID)
	fmt.Println(errors.Is(err, secondarydns.ErrNotFound))
	// Output:
	// ns1 192.0.2.53 53
	// ns1 2001:db8::53 0
	// 1 <nil>
	// true
	// true <nil>
	// true
}

// A TSIG key's secret is returned by the API, and kept in the TSIG value for
// the caller, but no fmt verb and no log record shows it.
func ExampleTSIGsService() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID

	key, err := c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{
		Name:   "ns1-key.example.com.",
		Algo:   secondarydns.TSIGHMACSHA256,
		Secret: "c2VjcmV0LVRTSUcta2V5LTlmMmU0Yg==",
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %s %s\n", key.Name, key.Algo, key.Secret)
	fmt.Printf("%+v\n", secondarydns.TSIG{Name: key.Name, Algo: key.Algo, Secret: key.Secret})

	// A secret must be standard base64; the error never quotes it.
	_, err = c.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k.", Algo: "hmac-sha256", Secret: "not base64!"})
	fmt.Println(err)

	// A peer signs with the key by its ID.
	peer, err := c.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns1", IP: "192.0.2.53", TSIGID: key.ID})
	fmt.Println(peer.TSIGID == key.ID, err)
	// Output:
	// ns1-key.example.com. hmac-sha256. c2VjcmV0LVRTSUcta2V5LTlmMmU0Yg==
	// {ID: Name:ns1-key.example.com. Algo:hmac-sha256. Secret:[redacted]}
	// secondarydns: invalid input: TSIG secret contains whitespace at byte 3 (a newline from a file?); give the base64 text alone
	// true <nil>
}

// An ACL allows an extra address range to transfer the account's zones. A
// range with host bits set is refused with the prefix that was probably meant.
func ExampleACLsService() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	acct := secondarydnstest.DefaultAccountID

	_, err = c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "xfr", IPRange: "192.0.2.5/24"})
	fmt.Println(err)

	acl, err := c.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "xfr", IPRange: "192.0.2.0/24"})
	if err != nil {
		panic(err)
	}
	fmt.Println(acl.Name, acl.IPRange)

	acls, err := c.ACLs.List(ctx, acct)
	fmt.Println(len(acls), err)
	// Output:
	// secondarydns: invalid input: ACL IP range "192.0.2.5/24" has host bits set; did you mean 192.0.2.0/24?
	// xfr 192.0.2.0/24
	// 1 <nil>
}

// Zones.List turns zone names into IDs, reading every page (50 zones to a
// page): here 120 zones, in three requests.
func ExampleZonesService_List() {
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	for i := 1; i <= 120; i++ {
		srv.AddZone(secondarydns.Zone{ID: secondarydnstest.ZoneID(i), Name: fmt.Sprintf("zone-%03d.example", i)})
	}
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	zones, err := c.Zones.List(ctx, secondarydns.ZoneListOptions{AccountID: secondarydnstest.DefaultAccountID})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(zones), zones[0].Name, zones[119].Name, len(srv.Requests()))

	// A name, its trailing dot allowed, finds one zone.
	zones, err = c.Zones.List(ctx, secondarydns.ZoneListOptions{Name: "zone-042.example."})
	fmt.Println(len(zones), zones[0].ID, zones[0].Status, err)
	// Output:
	// 120 zone-001.example zone-120.example 3
	// 1 0000000000000000000000000000002a active <nil>
}
