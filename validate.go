package secondarydns

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxIDLen bounds zone and peer IDs. Cloudflare's are 32 hex characters; the
// schema sets no limit, so the SDK leaves room without accepting anything
// absurd in a URL path.
const maxIDLen = 64

// validateZoneID checks an identifier that goes into the URL path (or, for
// peers, names an account object): 1 to 64 of [A-Za-z0-9_-]. what names the
// argument in the error. The check is syntactic: a value that fits the rule
// is sent, whatever it is (a single-label name such as "localhost" fits, and
// the API answers for it).
func validateZoneID(what, id string) error {
	if validID(id) {
		return nil
	}
	if id == "" {
		return invalid("%s is empty", what)
	}
	if len(id) > maxIDLen {
		return invalid("%s is %d characters long; the limit is %d", what, len(id), maxIDLen)
	}
	for i := 0; i < len(id); i++ {
		if ch := id[i]; !isIDChar(ch) {
			if hint := idHint(what, id, ch); hint != "" {
				return invalid("%s %s %s", what, quoteShort(id), hint)
			}
			return invalid("%s %s contains %s at byte %d; only letters, digits, '-' and '_' are allowed", what, quoteShort(id), quoteByte(id, i), i)
		}
	}
	return nil
}

// idHint names the likely mistake behind an invalid ID whose first bad byte
// is ch: a zone name where the zone ID belongs, or a peer's address or host
// name where its ID belongs. A dot (or, for a peer, a colon) is what tells
// them apart from a typo; "" means no hint.
func idHint(what, id string, ch byte) string {
	if what == "zone ID" {
		switch {
		case looksLikeAddress(id):
			return "looks like an IP address: pass the zone ID, not an address"
		case ch == '.':
			return "looks like a zone name: pass the zone ID, not the zone name"
		}
		return ""
	}
	if looksLikeAddress(id) {
		return "looks like an IP address: " + peerIDAdvice
	}
	if ch == '.' {
		return "looks like a host name: " + peerIDAdvice
	}
	return ""
}

// looksLikeAddress reports an IP address, with or without a port, a zone
// ("fe80::1%eth0") or a prefix length ("192.0.2.0/24").
func looksLikeAddress(id string) bool {
	host := id
	if h, _, err := net.SplitHostPort(id); err == nil {
		host = h // "192.0.2.1:53", "[2001:db8::1]:53"
	}
	host = strings.Trim(host, "[]")
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(host)
	return err == nil
}

// peerIDAdvice says what a peer ID is; OutgoingParams.Peers says it too.
const peerIDAdvice = "pass the ID of a Secondary DNS peer of the account (listed by GET /accounts/{account_id}/secondary_dns/peers), not its address"

// validID is validateZoneID's rule without the diagnosis.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !isIDChar(id[i]) {
			return false
		}
	}
	return true
}

// validatePeers checks every peer ID with the zone-ID rule. The argument's
// name ("peers[i]") is built only for an error, not for every valid peer of
// every Create and Update.
func validatePeers(peers []string) error {
	for i, id := range peers {
		if !validID(id) {
			return validateZoneID("peers["+strconv.Itoa(i)+"]", id)
		}
	}
	return nil
}

func isIDChar(ch byte) bool {
	return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_'
}

// validateName checks a zone name the way DNS does: labels of 1 to 63
// octets, at most 253 octets without the one optional trailing dot, no
// whitespace or control characters. Punycode and underscores are fine. The
// characters that have a meaning in URLs (/ ? # % \) are refused too: no zone
// name contains them, and they usually mean a URL was pasted.
func validateName(name string) error {
	switch {
	case name == "":
		return invalid("name is empty")
	case strings.TrimSpace(name) == "":
		return invalid("name is only whitespace")
	case !utf8.ValidString(name):
		return invalid("name is not valid UTF-8")
	}
	for i, r := range name {
		switch {
		case unicode.IsSpace(r):
			return invalid("name %s contains whitespace at byte %d", quoteShort(name), i)
		case unicode.IsControl(r) || r == utf8.RuneError:
			return invalid("name %s contains a control character at byte %d", quoteShort(name), i)
		case strings.ContainsRune(`/?#%\`, r):
			return invalid("name %s contains %q; pass a zone name such as \"example.com.\", not a URL", quoteShort(name), r)
		}
	}
	n := strings.TrimSuffix(name, ".")
	if len(n) > 253 {
		return invalid("name is %d octets long without the trailing dot; the limit is 253", len(n))
	}
	i := 0 // SplitSeq walks the labels without allocating a slice of them
	for label := range strings.SplitSeq(n, ".") {
		i++
		switch {
		case label == "":
			return invalid("name %s has an empty label (label %d)", quoteShort(name), i)
		case len(label) > 63:
			return invalid("name %s has a label of %d octets (label %d); the limit is 63", quoteShort(name), len(label), i)
		}
	}
	return nil
}

// quoteShort quotes user input for an error message, cut to a readable length.
func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:80]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		return strconv.Quote(s) + "…"
	}
	return strconv.Quote(s)
}

func quoteByte(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError {
		return strconv.Quote(s[i : i+1])
	}
	return strconv.QuoteRune(r)
}
