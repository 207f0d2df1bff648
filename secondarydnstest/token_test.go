package secondarydnstest_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dnsxfer/secondarydns/secondarydnstest"
)

// TestDefaultTokenFormat: the default token looks like a real one, so
// clients that check the format accept it. Terraform's Cloudflare provider
// (v5) refuses an api_token outside this pattern; real tokens have 40
// characters.
func TestDefaultTokenFormat(t *testing.T) {
	assert.Regexp(t, regexp.MustCompile(`^[0-9A-Za-z_-]{40,80}$`), secondarydnstest.DefaultToken)
	assert.Len(t, secondarydnstest.DefaultToken, 40)
}
