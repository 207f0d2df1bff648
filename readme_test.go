package secondarydns_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dnsxfer/secondarydns"
	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestReadmeTestingSnippet runs the README's "Testing your code" snippet,
// which stands between the markers below exactly as the README shows it
// (TestReadmeTestingSnippetInSync checks that), then asserts what the
// snippet's closing comment promises.
func TestReadmeTestingSnippet(t *testing.T) {
	// README snippet begins
	srv := secondarydnstest.NewServer()
	defer srv.Close()
	zoneID := secondarydnstest.ZoneID(1) // a valid zone ID: 32 lowercase hex characters
	srv.Seed(zoneID, secondarydnstest.Config{Name: "example.com."})
	c, err := srv.Client() // the server's URL and token; credentials you pass replace the token
	if err != nil {
		t.Fatal(err)
	}

	// The next two enables of this zone fail with 503: the client retries them.
	srv.Fail(secondarydnstest.Fault{Zone: zoneID, Action: "enable", Status: 503, RetryAfter: "0", Times: 2})
	var resp secondarydns.Response
	st, err := c.Outgoing.Enable(t.Context(), zoneID, secondarydns.WithResponse(&resp))
	// st == secondarydns.StatusEnabled, err == nil, resp.Attempts == 3,
	// and srv.PendingFaults() is empty: both faults really fired.
	// README snippet ends

	require.NoError(t, err)
	assert.Equal(t, secondarydns.StatusEnabled, st)
	assert.Equal(t, 3, resp.Attempts)
	assert.Empty(t, srv.PendingFaults())
	assert.Len(t, srv.Requests(), 3)
}

// TestReadmeTestingSnippetInSync fails when the README's "Testing your code"
// snippet and the code TestReadmeTestingSnippet runs differ by a character.
func TestReadmeTestingSnippetInSync(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Testing your code\n")
	require.True(t, ok, "README.md has no section \"Testing your code\"")
	_, code, ok := strings.Cut(section, "\n```go\n")
	require.True(t, ok, "the section has no Go code block")
	code, _, ok = strings.Cut(code, "\n```\n")
	require.True(t, ok, "the code block does not end")

	assert.Equal(t, code, snippetRun(t, "readme_test.go"), "README.md and readme_test.go show different snippets")
}

// snippetRun is the code a test in file runs as a README snippet: the lines
// between its "README snippet begins" and "ends" markers, with the test's
// one tab of indentation taken off, as the README shows them.
func snippetRun(t *testing.T, file string) string {
	t.Helper()
	self, err := os.ReadFile(file)
	require.NoError(t, err)
	_, run, ok := strings.Cut(string(self), "\t// README snippet begins\n")
	require.True(t, ok, "%s has no snippet", file)
	run, _, ok = strings.Cut(run, "\t// README snippet ends\n")
	require.True(t, ok, "%s: the snippet does not end", file)
	lines := strings.Split(strings.TrimSuffix(run, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Join(lines, "\n")
}
