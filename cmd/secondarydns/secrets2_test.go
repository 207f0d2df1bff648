package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestFormat2SavedPlanSecretHashes: a saved plan keeps a SHA-256 only of
// the secrets the file holds (a TSIG it declares with secret_env: the
// wanted secret, and the read one only when it is that same secret); the
// account's other TSIGs (k2, which a peer of the file uses, k3 and k4,
// which it does not mention, and rot's secret that the plan replaces) are
// kept without any hash, so that a low-entropy secret cannot be confirmed
// offline from the plan. The staleness checks still hold: a secret_env
// TSIG whose secret changed in the account since the plan is stale; a
// version-2 plan written before (a read SHA-256 for every TSIG) still
// loads and runs.
func TestFormat2SavedPlanSecretHashes(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	ctx := context.Background()
	weak := map[string]string{} // TSIG name → its (low-entropy) secret in the account
	for _, n := range []string{"k2", "k3", "k4", "rot"} {
		weak[n] = base64.StdEncoding.EncodeToString([]byte("password-" + n))
	}
	rotWanted := base64.StdEncoding.EncodeToString([]byte("the new rot secret, 32 bytes...."))
	file := `{"account": "` + acct + `",
  "tsigs": {"ns1-key": {"algo": "hmac-sha256.", "secret_env": "NS1_TSIG_SECRET"},
            "rot": {"algo": "hmac-sha256.", "secret_env": "ROT_SECRET"}},
  "peers": {"p2": {"ip": "192.0.2.20", "tsig": "k2"}},
  "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`
	setup := func(t *testing.T) (*fmt2, map[string]secondarydns.TSIG, string) {
		f := newFmt2(t)
		f.env["ROT_SECRET"] = rotWanted
		sdk := sdkClient(t, f.srv)
		keys := map[string]secondarydns.TSIG{}
		k, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: "ns1-key", Algo: "hmac-sha256.", Secret: tsigSecret2})
		require.NoError(t, err)
		keys["ns1-key"] = *k
		for _, n := range []string{"k2", "k3", "k4", "rot"} {
			k, err := sdk.TSIGs.Create(ctx, acct, secondarydns.TSIGParams{Name: n, Algo: "hmac-sha256.", Secret: weak[n]})
			require.NoError(t, err)
			keys[n] = *k
		}
		_, err = sdk.Peers.Create(ctx, acct, secondarydns.PeerParams{Name: "p2", IP: "192.0.2.20", TSIGID: keys["k2"].ID})
		require.NoError(t, err)
		out := savePlan2(t, f, writeFile(t, "zones.json", file))
		return f, keys, out
	}

	t.Run("only the file's secrets are hashed", func(t *testing.T) {
		f, _, out := setup(t)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		saved := string(data)
		for n, s := range weak {
			assert.False(t, strings.Contains(saved, secretSum(s)), "no hash of %s's secret in the account", n)
			assert.False(t, strings.Contains(saved, s), "no secret of %s", n)
		}
		var sp struct {
			Account savedAccount `json:"account"`
		}
		require.NoError(t, json.Unmarshal(data, &sp))
		sums := map[string]string{}
		for _, x := range sp.Account.Want.TSIGs {
			sums["want "+x.Name] = x.SecretSHA256
		}
		for _, x := range sp.Account.Read.TSIGs {
			sums["read "+x.Name] = x.SecretSHA256
		}
		assert.Equal(t, map[string]string{
			"want ns1-key": secretSum(tsigSecret2), "want rot": secretSum(rotWanted),
			"read ns1-key": secretSum(tsigSecret2), // the wanted secret, already in the account
			"read rot":     "",                     // another secret: not even its hash
			"read k2":      "", "read k3": "", "read k4": "",
		}, sums)

		// The plan runs: rot's secret is replaced, nothing is stale.
		r := f.run(t, "apply", "--plan", out, "--yes")
		require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "tsig rot: done: update")
		assert.NotContains(t, r.stdout, "stale")
	})

	t.Run("a managed secret changed since the plan is stale", func(t *testing.T) {
		f, keys, out := setup(t)
		k := keys["ns1-key"]
		_, err := sdkClient(t, f.srv).TSIGs.Update(ctx, acct, k.ID, secondarydns.TSIGParams{Name: k.Name, Algo: k.Algo, Secret: weak["k3"]})
		require.NoError(t, err)
		f.srv.ResetRequests()
		r := f.run(t, "apply", "--plan", out, "--yes")
		require.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "tsig ns1-key: stale: no step: tsig ns1-key was changed since the plan was made; not touched\n")
	})

	t.Run("a plan written before still loads", func(t *testing.T) {
		f, keys, out := setup(t)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		// As the writer did before: a read SHA-256 for every TSIG.
		old := string(data)
		for _, n := range []string{"k2", "k3", "k4", "rot"} {
			from := `"id": "` + keys[n].ID + `",
          "name": "` + n + `",
          "algo": "hmac-sha256."`
			require.Contains(t, old, from)
			old = strings.Replace(old, from, from+`,
          "secret_sha256": "`+secretSum(weak[n])+`"`, 1)
		}
		r := f.run(t, "apply", "--plan", writeFile(t, "old.json", old), "--yes")
		require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "tsig rot: done: update")
		assert.NotContains(t, r.stdout, "stale")
	})
}
