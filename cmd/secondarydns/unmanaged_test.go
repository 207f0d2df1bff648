package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestFormat2UnmanagedOnlyWithAccount: plan reports the account's
// unmanaged zones when the file names the account ("account" key), in the
// text summary and as "unmanaged" in JSON; a file without it, whose zones
// by name are resolved for --account, reads the same zone list but reports
// no unmanaged zones: it manages those zones, not the account.
func TestFormat2UnmanagedOnlyWithAccount(t *testing.T) {
	acct := secondarydnstest.DefaultAccountID
	body := `"peers": {"bind-a": {"ip": "2001:db8::53"}}, "zones": {"example.com.": {"peers": ["bind-a"], "status": "Enabled"}}}`
	withKey := `{"account": "` + acct + `", ` + body
	without := `{` + body
	for _, tc := range []struct {
		name, file string
		args       []string
		want       bool
	}{
		{"file names the account", withKey, nil, true},
		{"--account", without, []string{"--account", acct}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFmt2(t)
			file := writeFile(t, "zones.json", tc.file)
			r := f.run(t, append([]string{"plan", "-f", file}, tc.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, lookups(), requestList(f.srv)[:4], "the zone list is read either way")
			summary := "account: in sync; zones: 0 to change, 1 in sync"
			if tc.want {
				summary += "; 4 unmanaged zone(s) (in the account, not in the file)"
			}
			assert.Equal(t, summary+"\n", r.stdout)

			r = f.run(t, append([]string{"plan", "-f", file, "-o", "json"}, tc.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			var doc map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
			got, ok := doc["unmanaged"]
			if !tc.want {
				assert.False(t, ok, "no \"unmanaged\" key: %s", r.stdout)
				return
			}
			assert.JSONEq(t, `["example.net", "example.org", "old.example", "other.example"]`, string(got))
		})
	}
}
