package secondarydns

import (
	"encoding/base64"
	"errors"
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
	if !strings.HasPrefix(what, "peer") {
		switch {
		case looksLikeAddress(id):
			return "looks like an IP address: pass the " + what + ", not an address"
		case what == "TSIG ID" && ch == '.':
			// A TSIG's name is a domain name, and the one a person knows.
			return "looks like a TSIG name: pass the TSIG's ID (TSIGsService.List lists them), not its name"
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
func validateName(name string) error { return validateDomain("name", name) }

// validateDomain is validateName for a domain name that what names in errors
// ("TSIG name").
func validateDomain(what, name string) error {
	switch {
	case name == "":
		return invalid("%s is empty", what)
	case strings.TrimSpace(name) == "":
		return invalid("%s is only whitespace", what)
	case !utf8.ValidString(name):
		return invalid("%s is not valid UTF-8", what)
	}
	for i, r := range name {
		switch {
		case unicode.IsSpace(r):
			return invalid("%s %s contains whitespace at byte %d", what, quoteShort(name), i)
		case unicode.IsControl(r) || r == utf8.RuneError:
			return invalid("%s %s contains a control character at byte %d", what, quoteShort(name), i)
		case strings.ContainsRune(`/?#%\`, r):
			return invalid("%s %s contains %q; pass a zone name such as \"example.com.\", not a URL", what, quoteShort(name), r)
		}
	}
	n := strings.TrimSuffix(name, ".")
	if len(n) > 253 {
		return invalid("%s is %d octets long without the trailing dot; the limit is 253", what, len(n))
	}
	i := 0 // SplitSeq walks the labels without allocating a slice of them
	for label := range strings.SplitSeq(n, ".") {
		i++
		switch {
		case label == "":
			return invalid("%s %s has an empty label (label %d)", what, quoteShort(name), i)
		case len(label) > 63:
			return invalid("%s %s has a label of %d octets (label %d); the limit is 63", what, quoteShort(name), len(label), i)
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

// maxObjectName bounds the name of a peer, TSIG or ACL.
const maxObjectName = 255

// validateObjectName checks the name of an account object: required, valid
// UTF-8 (JSON would replace broken bytes, so the API would store another
// name), no control characters, at most 255 bytes. what names it ("peer
// name").
func validateObjectName(what, name string) error {
	switch {
	case name == "":
		return invalid("%s is empty; a name is required", what)
	case len(name) > maxObjectName:
		return invalid("%s is %d bytes long; the limit is %d", what, len(name), maxObjectName)
	case !utf8.ValidString(name):
		return invalid("%s is not valid UTF-8", what)
	}
	for i, r := range name {
		if unicode.IsControl(r) {
			return invalid("%s %s contains a control character at byte %d", what, quoteShort(name), i)
		}
	}
	return nil
}

// validatePeerIP checks a peer's IP: empty, or one IPv4 or IPv6 address
// without a port, a zone or a prefix length.
func validatePeerIP(ip string) error {
	if ip == "" {
		return nil
	}
	a, err := netip.ParseAddr(ip)
	if err == nil {
		if a.Zone() != "" {
			return invalid("peer IP %s has a zone (%%%s); give the address without it", quoteShort(ip), a.Zone())
		}
		return nil
	}
	if ap, err := netip.ParseAddrPort(ip); err == nil {
		return invalid("peer IP %s holds a port: set IP to %s and Port to %d", quoteShort(ip), ap.Addr().WithZone(""), ap.Port())
	}
	if _, err := netip.ParsePrefix(ip); err == nil {
		return invalid("peer IP %s is a prefix; give one address (ACLs take ranges)", quoteShort(ip))
	}
	if inner, ok := strings.CutPrefix(ip, "["); ok && strings.HasSuffix(inner, "]") {
		if _, err := netip.ParseAddr(strings.TrimSuffix(inner, "]")); err == nil {
			return invalid("peer IP %s is in brackets; give the address without them", quoteShort(ip))
		}
	}
	if h, _, err := net.SplitHostPort(ip); err == nil && h != "" {
		return invalid("peer IP %s looks like a host name and port; give the secondary's IP address, and the port in Port", quoteShort(ip))
	}
	if !strings.ContainsRune(ip, ':') && strings.ContainsFunc(ip, unicode.IsLetter) {
		return invalid("peer IP %s looks like a host name; give the secondary's IP address (resolve the name first)", quoteShort(ip))
	}
	return invalid("peer IP %s is not an IPv4 or IPv6 address", quoteShort(ip))
}

// validateIPRange checks an ACL's range: a CIDR prefix with no host bits set.
// The API sets the prefix-length limits (/24 for IPv4 and /64 for IPv6 at
// the time of writing), so they are not checked here.
func validateIPRange(r string) error {
	if r == "" {
		return invalid("ACL IP range is empty; give a CIDR prefix such as 192.0.2.0/24")
	}
	p, err := netip.ParsePrefix(r)
	if err != nil {
		if a, err := netip.ParseAddr(r); err == nil {
			if a.Zone() != "" {
				return invalid("ACL IP range %s has a zone; give a CIDR prefix such as 192.0.2.0/24", quoteShort(r))
			}
			bits := "/32"
			if a.Is6() {
				bits = "/128"
			}
			return invalid("ACL IP range %s is an address, not a prefix; add %s for this address alone", quoteShort(r), bits)
		}
		return invalid("ACL IP range %s is not a CIDR prefix such as 192.0.2.0/24", quoteShort(r))
	}
	if m := p.Masked(); m != p {
		return invalid("ACL IP range %s has host bits set; did you mean %s?", quoteShort(r), m)
	}
	return nil
}

// tsigAlgos are the algorithm names the API documents, as constants.
var tsigAlgos = [...]string{TSIGHMACSHA256, TSIGHMACSHA384, TSIGHMACSHA512, TSIGHMACSHA1, TSIGHMACMD5}

// validateAlgo checks a TSIG algorithm: one of the five constants, in any
// ASCII case, the trailing dot optional.
func validateAlgo(algo string) error {
	const list = "hmac-sha256., hmac-sha384., hmac-sha512., hmac-sha1. or hmac-md5.sig-alg.reg.int."
	if algo == "" {
		return invalid("TSIG algorithm is empty; use %s", list)
	}
	if knownAlgo(algo) {
		return nil
	}
	if knownAlgo("hmac-" + algo) {
		return invalid("TSIG algorithm %s is not one the API knows; did you mean %s?", quoteShort(algo), "hmac-"+strings.ToLower(strings.TrimSuffix(algo, "."))+".")
	}
	if strings.EqualFold(strings.TrimSuffix(algo, "."), "hmac-md5") {
		return invalid("TSIG algorithm %s is not one the API knows; did you mean %s?", quoteShort(algo), TSIGHMACMD5)
	}
	if looksLikeSecret(algo) {
		// Never quote it: fields swapped, or a positional TSIGParams
		// literal in the wrong order, put the secret here.
		return invalid("TSIG algorithm is not one the API knows and looks like a base64 secret (is the secret in Algo?); use %s", list)
	}
	return invalid("TSIG algorithm %s is not one the API knows; use %s", quoteShort(algo), list)
}

// looksLikeSecret reports a value of at least 8 bytes that decodes as
// standard base64, padded or not. Every algorithm name has a '-' or a '.',
// which that alphabet lacks.
func looksLikeSecret(s string) bool {
	if len(s) < 8 {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		_, err = base64.RawStdEncoding.DecodeString(s)
	}
	return err == nil
}

func knownAlgo(algo string) bool {
	for _, a := range tsigAlgos {
		if equalFoldASCII(algo, a) || equalFoldASCII(algo+".", a) {
			return true
		}
	}
	return false
}

// validateSecret checks a TSIG secret: non-empty standard base64 (the
// alphabet with + and /, padded with =). Its errors never quote it.
func validateSecret(s string) error {
	if s == "" {
		return invalid("TSIG secret is empty; give the key's secret in base64")
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n':
			return invalid("TSIG secret contains whitespace at byte %d (a newline from a file?); give the base64 text alone", i)
		case ch == '-' || ch == '_':
			return invalid("TSIG secret is in the URL-safe base64 alphabet ('-' or '_' at byte %d); use standard base64, with '+' and '/'", i)
		case !(isBase64Byte(ch) || ch == '='):
			return invalid("TSIG secret has a byte that is not base64 at byte %d", i)
		}
	}
	if len(s)%4 != 0 && !strings.HasSuffix(s, "=") {
		return invalid("TSIG secret is %d characters long, not a multiple of 4: is its '=' padding missing?", len(s))
	}
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		return invalid("TSIG secret is not valid standard base64 (%s)", describeBase64Error(err))
	}
	return nil
}

func isBase64Byte(ch byte) bool {
	return ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/'
}

// describeBase64Error says where decoding failed without quoting the input.
func describeBase64Error(err error) string {
	var ce base64.CorruptInputError
	if errors.As(err, &ce) {
		return "it breaks at byte " + strconv.FormatInt(int64(ce), 10)
	}
	return "it does not decode"
}
