package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// savePlan2 makes a saved plan of file for f's fake and returns its path.
func savePlan2(t *testing.T, f *fmt2, file string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "plan.json")
	r := f.run(t, "plan", "-f", file, "--out", out)
	require.Equal(t, exitOK, r.code, r.stderr)
	f.srv.ResetRequests()
	return out
}

func sdkClient(t *testing.T, srv *secondarydnstest.Server) *secondarydns.Client {
	t.Helper()
	c, err := srv.Client()
	require.NoError(t, err)
	return c
}

// apply2JSON is the part of apply's format-2 document these tests read.
type apply2JSON struct {
	Account struct {
		Steps []struct {
			Kind, Name, Action string
			Done               bool
			Error              *jsonError
		} `json:"steps"`
	} `json:"account"`
	Zones []struct {
		ZoneID string     `json:"zone_id"`
		Error  *jsonError `json:"error"`
	} `json:"zones"`
}

// errs is each step's and each zone's error message ("" for none), by
// "kind name" and zone ID.
func (d apply2JSON) errs() map[string]string {
	out := map[string]string{}
	for _, st := range d.Account.Steps {
		out[st.Kind+" "+st.Name] = ""
		if st.Error != nil {
			out[st.Kind+" "+st.Name] = st.Error.Message
		}
	}
	for _, z := range d.Zones {
		out[z.ZoneID] = ""
		if z.Error != nil {
			out[z.ZoneID] = z.Error.Message
		}
	}
	return out
}

// TestFormat2SavedPlanStale: an account object changed since a saved plan
// was made is stale per object, as a zone is: its step is reported stale
// (text and JSON) and not run, as is every step or zone that depends on
// it (a peer whose TSIG's create did not run, a zone using that peer or a
// stale peer, a TSIG delete while a peer that used it is not changed as
// planned), each saying why; the rest runs; exit 1. The plan shown before
// the confirmation marks them.
func TestFormat2SavedPlanStale(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	ctx := context.Background()
	a, b, c, e := "/zones/"+zoneA+"/secondary_dns/outgoing", "/zones/"+zoneB+"/secondary_dns/outgoing", "/zones/"+zoneC+"/secondary_dns/outgoing", "/zones/"+zoneE+"/secondary_dns/outgoing"

	t.Run("a TSIG to create was created meanwhile", func(t *testing.T) {
		f := newFmt2(t)
		out := savePlan2(t, f, writeFile(t, "zones.json", exampleFile2))
		_, err := sdkClient(t, f.srv).TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "ns1-key", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy", "--concurrency", "1")
		require.Equal(t, exitFailed, r.code, r.stderr)
		p := f.acctPath
		assert.Equal(t, []string{"POST " + p + "acls", "POST " + c + "/disable", "DELETE " + c, "POST " + e, "POST " + e + "/enable"}, writes(f.srv),
			"no TSIG create, no peer create with a wrong TSIG, no zone using that peer, no peer delete (not every zone changed)")
		dep := "depends on stale tsig ns1-key, which was created since the plan was made"
		assert.Contains(t, r.stdout, `tsig ns1-key
  create   algo hmac-sha256., secret from $NS1_TSIG_SECRET
  stale: tsig ns1-key was created since the plan was made; not touched
peer ns1
  create   ip 192.0.2.53, port 53, tsig ns1-key
  not run: `+dep+`
acl ns1-xfr
  create   ip_range 192.0.2.0/24
peer old
  delete   remove the peer (ip 192.0.2.1)
`, "the plan shown marks what will not run")
		zoneDep := "depends on peer ns1, which " + dep + "; not touched"
		assert.Contains(t, r.stdout, zoneA+" example.com. stale: "+zoneDep+"\n")
		assert.Regexp(t, regexp.QuoteMeta(`tsig ns1-key: stale: create: tsig ns1-key was created since the plan was made; not touched
peer ns1: not run: create (`+dep+`)
acl ns1-xfr: done: create (id `)+`\w{32}\)
`+regexp.QuoteMeta(zoneA+" example.com.: stale (nothing done): "+zoneDep+"\n"+ // the result lines: zone-ID order
			zoneB+" example.org.: stale (nothing done): "+zoneDep+"\n"+
			zoneC+" old.example.: done: disable, delete\n"+
			zoneE+" example.net.: done: create, enable\n"+
			"peer old: not run: delete (not every zone was changed)\n"+
			"account: 1 done, 3 failed (1 stale)\n"+
			"2 changed, 2 failed (2 stale), 0 in sync\nrun plan again to see what is left to do\n")+"$", r.stdout)

		// JSON: each step's and zone's error.
		f2 := newFmt2(t)
		out = savePlan2(t, f2, writeFile(t, "zones.json", exampleFile2))
		_, err = sdkClient(t, f2.srv).TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "ns1-key", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		r = f2.run(t, "apply", "--plan", out, "--yes", "--allow-destroy", "-o", "json", "--quiet")
		require.Equal(t, exitFailed, r.code, r.stderr)
		var doc apply2JSON
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
		assert.Equal(t, map[string]string{
			"tsig ns1-key": "tsig ns1-key was created since the plan was made; not touched",
			"peer ns1":     "not run: " + dep,
			"acl ns1-xfr":  "",
			"peer old":     "not run: not every zone was changed",
			zoneA:          zoneDep, zoneB: zoneDep, zoneC: "", zoneE: "",
		}, doc.errs())
		assert.True(t, doc.Account.Steps[2].Done)
	})

	t.Run("a peer without a step changed", func(t *testing.T) {
		f := newFmt2(t)
		out := savePlan2(t, f, writeFile(t, "zones.json", exampleFile2))
		_, err := sdkClient(t, f.srv).Peers.Update(ctx, acct, f.bindA, secondarydns.PeerParams{Name: "bind-a", IP: "2001:db8::54"})
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy", "--concurrency", "1")
		require.Equal(t, exitFailed, r.code, r.stderr)
		p := f.acctPath
		assert.Equal(t, []string{"POST " + p + "tsigs", "POST " + p + "peers", "POST " + p + "acls",
			"POST " + b, "POST " + b + "/enable", "POST " + c + "/disable", "DELETE " + c}, writes(f.srv),
			"the zones using bind-a are not touched; the others run")
		assert.Contains(t, r.stdout, "peer bind-a was changed since the plan was made (the plan has no step for it)\n")
		dep := "depends on stale peer bind-a, which was changed since the plan was made; not touched"
		assert.Contains(t, r.stdout, zoneA+" example.com.: stale (nothing done): "+dep+"\n")
		assert.Contains(t, r.stdout, zoneE+" example.net.: stale (nothing done): "+dep+"\n")
		assert.Contains(t, r.stdout, "peer old: not run: delete (not every zone was changed)\n"+
			"peer bind-a: stale: no step: peer bind-a was changed since the plan was made; not touched\n"+
			"account: 3 done, 2 failed (1 stale)\n2 changed, 2 failed (2 stale), 0 in sync\n")
	})

	t.Run("a peer to delete changed", func(t *testing.T) {
		f := newFmt2(t)
		out := savePlan2(t, f, writeFile(t, "zones.json", exampleFile2))
		_, err := sdkClient(t, f.srv).Peers.Update(ctx, acct, f.old, secondarydns.PeerParams{Name: "old", IP: "192.0.2.2"})
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy", "--concurrency", "1")
		require.Equal(t, exitFailed, r.code, r.stderr)
		p := f.acctPath
		assert.Equal(t, []string{"POST " + p + "tsigs", "POST " + p + "peers", "POST " + p + "acls",
			"PUT " + a, "POST " + b, "POST " + b + "/enable", "POST " + c + "/disable", "DELETE " + c, "POST " + e, "POST " + e + "/enable"}, writes(f.srv),
			"everything but the stale delete")
		assert.Contains(t, r.stdout, "peer old: stale: delete: peer old was changed since the plan was made; not touched\naccount: 3 done, 1 failed (1 stale)\n4 changed, 0 failed, 0 in sync\n"+
			"run plan again to see what is left to do\n")
	})

	t.Run("a TSIG delete waits for the peer that used it", func(t *testing.T) {
		f := newFmt2(t)
		sdk := sdkClient(t, f.srv)
		oldKey, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "oldkey", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		unused, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "unused", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		p1, err := sdk.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "p1", IP: "192.0.2.9", TSIGID: oldKey.ID})
		require.NoError(t, err)
		file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "tsigs": {"oldkey": {"absent": true}, "unused": {"absent": true}},
  "peers": {"p1": {"ip": "192.0.2.9"}},
  "acls": {"x": {"ip_range": "198.51.100.0/24"}},
  "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`)
		out := savePlan2(t, f, file)
		_, err = sdk.Peers.Update(ctx, acct, p1.ID, secondarydns.PeerParams{Name: "p1", IP: "192.0.2.10", TSIGID: oldKey.ID})
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy")
		require.Equal(t, exitFailed, r.code, r.stderr)
		p := f.acctPath
		assert.Equal(t, []string{"POST " + p + "acls", "DELETE " + p + "tsigs/" + unused.ID}, writes(f.srv), "oldkey is not deleted while p1 may use it")
		assert.Contains(t, r.stdout, `peer p1: stale: update: peer p1 was changed since the plan was made; not touched
acl x: done: create (id `)
		assert.Contains(t, r.stdout, `tsig oldkey: not run: delete (depends on stale peer p1, which was changed since the plan was made)
tsig unused: done: delete (id `+unused.ID+`)
account: 2 done, 2 failed (1 stale)
`)
	})

	t.Run("confirmed on a terminal", func(t *testing.T) {
		f := newFmt2(t)
		out := savePlan2(t, f, writeFile(t, "zones.json", exampleFile2))
		_, err := sdkClient(t, f.srv).TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "ns1-key", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		r := invoke(t, invocation{args: []string{"apply", "--plan", out, "--allow-destroy"}, env: f.env, stdin: "yes\n", stdinTTY: true})
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Contains(t, r.stderr, "Apply these changes to the account (2 step(s)) and to 2 zone(s)?", "the steps and zones that will run")
		plan, results, ok := cutAt(r.stdout, "account: 4 to change")
		require.True(t, ok, r.stdout)
		assert.Contains(t, plan, "  stale: tsig ns1-key was created since the plan was made; not touched\n")
		assert.Contains(t, plan, zoneB+" example.org. stale: depends on peer ns1")
		assert.Contains(t, results, "tsig ns1-key: stale: create")
	})
}

// cutAt cuts s before the line that starts with prefix.
func cutAt(s, prefix string) (before, after string, ok bool) {
	loc := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(prefix)).FindStringIndex(s)
	if loc == nil {
		return s, "", false
	}
	return s[:loc[0]], s[loc[0]:], true
}

// TestFormat2SavedPlanStaleNoStep: an object the saved plan has no step
// for, changed since the plan was made, is stale too: it is reported (a
// result line, the account's count, an account step with action "none"
// and its error in JSON), exit 1 with "run plan again"; a peer whose TSIG
// is such an object is not usable, so a zone using it is not touched.
func TestFormat2SavedPlanStaleNoStep(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	ctx := context.Background()

	t.Run("an ACL in sync changed", func(t *testing.T) {
		f := newFmt2(t)
		x, err := sdkClient(t, f.srv).ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "x", IPRange: "198.51.100.0/24"})
		require.NoError(t, err)
		file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "acls": {"x": {"ip_range": "198.51.100.0/24"}},
  "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`)
		out := savePlan2(t, f, file)
		_, err = sdkClient(t, f.srv).ACLs.Update(ctx, acct, x.ID, secondarydns.ACLParams{Name: "x", IPRange: "198.51.101.0/24"})
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes")
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Empty(t, writes(f.srv))
		assert.Contains(t, r.stdout, "acl x was changed since the plan was made (the plan has no step for it)\n", "the plan shown")
		assert.True(t, strings.HasSuffix(r.stdout, "acl x: stale: no step: acl x was changed since the plan was made; not touched\n"+
			"account: 0 done, 1 failed (1 stale)\n0 changed, 0 failed, 1 in sync\nrun plan again to see what is left to do\n"), r.stdout)

		r = f.run(t, "apply", "--plan", out, "--yes", "-o", "json", "--quiet")
		require.Equal(t, exitFailed, r.code, r.stderr)
		var doc struct {
			Account jsonAccount `json:"account"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
		assert.Equal(t, jsonAccount{ID: acct, InSync: false, Steps: []jsonStep{{Kind: secondarydns.KindACL, Name: "x", Action: "none", ID: x.ID, Changes: map[string]jsonValueChange{},
			Error: &jsonError{Message: "acl x was changed since the plan was made; not touched", Codes: []int{}}}}}, doc.Account)
	})

	t.Run("the TSIG of a peer in sync was deleted", func(t *testing.T) {
		f := newFmt2(t)
		sdk := sdkClient(t, f.srv)
		key, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "ns1-key", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		ns1, err := sdk.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "ns1", IP: "192.0.2.53", Port: 53, TSIGID: key.ID})
		require.NoError(t, err)
		f.srv.Seed(zoneB, secondarydnstest.Config{Name: "example.org.", Peers: []string{ns1.ID}, Status: "Disabled"})
		file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "tsigs": {"ns1-key": {"algo": "hmac-sha256.", "secret_env": "NS1_TSIG_SECRET"}},
  "peers": {"ns1": {"ip": "192.0.2.53", "port": 53, "tsig": "ns1-key"}},
  "zones": {"example.org.": {"peers": ["ns1"], "status": "Enabled"}}}`)
		out := savePlan2(t, f, file)
		_, err = sdk.TSIGs.Delete(ctx, acct, key.ID)
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes", "-o", "json")
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Empty(t, writes(f.srv), "example.org is not enabled with a peer whose TSIG is gone")
		cfg, ok := f.srv.Config(zoneB)
		require.True(t, ok)
		assert.Equal(t, "Disabled", cfg.Status)
		var doc apply2JSON
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
		dep := "depends on peer ns1, which depends on stale tsig ns1-key, which was deleted since the plan was made; not touched"
		assert.Equal(t, map[string]string{
			"tsig ns1-key": "tsig ns1-key was deleted since the plan was made; not touched",
			zoneB:          dep,
		}, doc.errs())
		assert.Contains(t, r.stderr, zoneB+" example.org.: stale (nothing done): "+dep+"\n")
		assert.Contains(t, r.stderr, "run plan again to see what is left to do\n")
	})
}

// TestFormat2SavedPlanNoLongerPlannable: a change since the plan was made
// that leaves the plan's want impossible to plan (a TSIG a peer names,
// declared only in the account, deleted; a second ACL of a name the file
// uses) refuses the whole plan, exit 1, naming what changed since the plan
// and saying nothing was changed: the SDK's "invalid input" would read as
// a fault of the plan's.
func TestFormat2SavedPlanNoLongerPlannable(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	ctx := context.Background()
	p := "/accounts/" + acct + "/secondary_dns/"
	reads := []string{"GET " + p + "tsigs", "GET " + p + "peers", "GET " + p + "acls"}

	t.Run("a TSIG a peer names was deleted", func(t *testing.T) {
		f := newFmt2(t)
		sdk := sdkClient(t, f.srv)
		k, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "k", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		_, err = sdk.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "p1", IP: "192.0.2.9", TSIGID: k.ID})
		require.NoError(t, err)
		file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "peers": {"p1": {"ip": "192.0.2.10", "tsig": "k"}},
  "acls": {"x": {"ip_range": "198.51.100.0/24"}},
  "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`)
		out := savePlan2(t, f, file)
		_, err = sdk.TSIGs.Delete(ctx, acct, k.ID)
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes")
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Equal(t, "secondarydns apply: the account changed since the plan was made (tsig k was deleted since the plan was made), "+
			`and the plan can no longer run (peer "p1": TSIG "k" is neither in the desired state nor in the account); nothing was changed. Run plan again`+"\n", r.stderr)
		assert.Empty(t, r.stdout)
		assert.Equal(t, slices.Concat(reads, reads), requestList(f.srv), "the plan's reads, then the lists once more to see what changed; no write")
	})

	t.Run("a second ACL of a name the file uses", func(t *testing.T) {
		f := newFmt2(t)
		sdk := sdkClient(t, f.srv)
		_, err := sdk.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "x", IPRange: "198.51.100.0/24"})
		require.NoError(t, err)
		file := writeFile(t, "zones.json", `{"account": "`+acct+`",
  "peers": {"p1": {"ip": "192.0.2.10"}},
  "acls": {"x": {"ip_range": "198.51.100.0/24"}},
  "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`)
		out := savePlan2(t, f, file)
		_, err = sdk.ACLs.Create(ctx, acct, secondarydns.ACLParams{Name: "x", IPRange: "198.51.101.0/24"})
		require.NoError(t, err)
		f.srv.ResetRequests()

		r := f.run(t, "apply", "--plan", out, "--yes", "-o", "json")
		require.Equal(t, exitFailed, r.code, r.stderr)
		assert.Contains(t, errorMessage(t, r.stdout), "the account changed since the plan was made (acl x now has 2 of that name, not 1), and the plan can no longer run (ACL name \"x\" is ambiguous")
		assert.Contains(t, errorMessage(t, r.stdout), "; nothing was changed. Run plan again")
		assert.Empty(t, writes(f.srv))
	})
}

// TestFormat2StaleLinesByName: in a format-2 apply, the result line of a
// zone someone changed names its peers as the plan did ("bind-a", "old"),
// not by their 32-digit IDs: live (changed at the prompt) and from a saved
// plan. (TestResultNames covers a created peer's new ID.)
func TestFormat2StaleLinesByName(t *testing.T) {
	t.Run("live", func(t *testing.T) {
		f := newFmt2(t)
		file := writeFile(t, "zones.json", exampleFile2)
		pr, pw := io.Pipe()
		defer pw.Close()
		in := &readSignal{reading: make(chan struct{}), Reader: pr}
		go func() {
			<-in.reading // the prompt is up: the plan was read
			f.srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{f.old}, Status: "Enabled"})
			_, _ = io.WriteString(pw, "yes\n")
		}()
		r := invoke(t, invocation{args: []string{"apply", "-f", file, "--allow-destroy"}, env: f.env, stdinR: in, stdinTTY: true})
		assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, zoneA+` example.com.: stale (nothing done): `)
		assert.Contains(t, r.stdout, `the peers differ (extra "old", missing "bind-a")`)
		i := strings.Index(r.stdout, "tsig ns1-key: done")
		require.Positive(t, i, r.stdout)
		assert.NotContains(t, r.stdout[i:], f.bindA, "no peer ID in the result lines")
		assert.NotContains(t, r.stdout[i:], f.old)
	})
	t.Run("saved plan", func(t *testing.T) {
		f := newFmt2(t)
		out := savePlan2(t, f, writeFile(t, "zones.json", exampleFile2))
		f.srv.Seed(zoneA, secondarydnstest.Config{Name: "example.com.", Peers: []string{f.old}, Status: "Enabled"})
		r := f.run(t, "apply", "--plan", out, "--yes", "--allow-destroy")
		assert.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, zoneA+` example.com.: stale (nothing done): secondarydns: the zone changed since it was planned (peers +old -bind-a); not touched`)
		assert.NotContains(t, r.stdout, f.bindA, "no peer ID in the output")
		assert.NotContains(t, r.stdout, f.old)
	})
}

// TestResultNames: apply's result lines turn the account's peer IDs into
// their names (where the name is unique), the placeholders of peers to
// create and, once created, their new IDs into "name (new)".
func TestResultNames(t *testing.T) {
	const (
		oldID  = "70656572000000000000000000000001"
		twinA  = "70656572000000000000000000000002"
		twinB  = "70656572000000000000000000000003"
		madeID = "70656572000000000000000000000004"
	)
	r := &resolved{
		newPeers: map[string]string{placeholder(0): "ns1"},
		acct: &secondarydns.AccountPlan{Peers: []secondarydns.Peer{
			{ID: oldID, Name: "old"}, {ID: twinA, Name: "twin"}, {ID: twinB, Name: "twin"},
		}},
	}
	done := &secondarydns.AccountPlan{Done: []secondarydns.Step{
		{Kind: secondarydns.KindTSIG, Name: "k.", Action: secondarydns.ActionCreate, ID: "74736967000000000000000000000001"},
		{Kind: secondarydns.KindPeer, Name: "ns1", Action: secondarydns.ActionCreate, ID: madeID},
	}}
	line := `peers differ (extra "` + oldID + `", missing "` + madeID + `"); ` + twinA + " " + placeholder(0) + " 74736967000000000000000000000001"
	assert.Equal(t, `peers differ (extra "old", missing "ns1 (new)"); `+twinA+" ns1 (new) 74736967000000000000000000000001",
		r.resultNames(done).Replace(line), "a twin's ID stays; a TSIG's ID is no peer's")
	assert.Equal(t, `peers differ (extra "old", missing "`+madeID+`"); `+twinA+" ns1 (new) 74736967000000000000000000000001",
		r.resultNames(nil).Replace(line), "before the account ran, no ID is new")
}
