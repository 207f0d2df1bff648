package main

// zones list: the zone lookup that turns names into IDs.

import (
	"context"
	"flag"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

var cmdZones = &command{
	name: "zones", args: "list [--name NAME]",
	summary: "list zones, to find their IDs",
	detail: `Look zones up (GET /zones), to turn zone names into the IDs the other commands
take. With an account (--account or ` + envAccountID + `) only that account's zones are
listed; without one, every zone the credentials can see.`,
	example: "secondarydns zones list --name example.com",
}

func init() {
	cmdZones.subs = []*command{{
		name: "zones list", args: "[--name NAME]", maxArgs: 0,
		flags: func(a *app, fs *flag.FlagSet) {
			accountFlag(a, fs)
			fs.StringVar(&a.obj.zoneName, "name", "", "only the zone with this exact `NAME`")
		},
		summary: "list zones with their IDs",
		detail: `List zones with their IDs, names, status and Cloudflare nameservers (GET /zones,
every page). With an account (--account or ` + envAccountID + `) only that account's
zones; without one, every zone the credentials can see.`,
		example: "secondarydns zones list --name example.com -o json",
		run:     runZonesList,
	}}
}

func runZonesList(a *app, _ []string) int {
	acct, err := a.accountID("")
	if err != nil {
		return a.inputError(err.Error())
	}
	o := secondarydns.ZoneListOptions{AccountID: acct, Name: a.obj.zoneName}
	return a.objectCall("", nil, func(ctx context.Context, c *secondarydns.Client) (*output, error) {
		zones, err := c.Zones.List(ctx, o)
		if err != nil {
			return nil, err
		}
		views := make([]objectView, len(zones))
		for i, z := range zones {
			if z.NameServers == nil {
				z.NameServers = []string{}
			}
			views[i] = objectView{id: z.ID, json: z, fields: []viewField{
				{"id", z.ID}, {"name", z.Name}, {"status", z.Status}, {"account", z.Account.ID},
				{"name servers", strings.Join(z.NameServers, ",")},
			}}
		}
		return listOutput("zones", views), nil
	})
}
