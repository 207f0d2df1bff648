package secondarydns

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
)

// Credentials: the kinds a config can hold, the type that keeps each one
// redacted under every rendering, and the scrubbing of echoed credentials
// from response text.

// credKind says which credentials a config holds.
type credKind uint8

const (
	credNone  credKind = 0
	credToken credKind = 1 << iota
	credKey
)

// credentials is one kind of authentication, plus the TSIG secret a call
// sends (withSecret): everything scrub removes.
type credentials struct {
	kind  credKind
	token secret
	email secret
	key   secret
	tsig  secret // set per call by withSecret, never by an option

	// Derived by derive: the transformed echoes scrub looks for. They are
	// as secret as the credentials (base64 is no protection), and the type's
	// Format keeps them out of every rendering.
	forms  []string // replaced wherever they occur, exactly
	emails []string // the email percent-encoded; replaced as whole addresses
}

// secret holds a credential. It formats itself redacted under every fmt verb,
// slog and encoding/json, so no rendering of an SDK value can leak it.
type secret string

const redacted = "[redacted]"

// String, GoString, Format, LogValue and MarshalText all render a secret
// as "[redacted]": fmt (every verb), slog and encoding/json.
func (secret) String() string { return redacted }

// GoString renders the secret redacted for %#v.
func (secret) GoString() string { return `"` + redacted + `"` }

// Format renders the secret redacted for every fmt verb.
func (secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue renders the secret redacted in slog records.
func (secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText renders the secret redacted in JSON and text encodings.
func (secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// reveal is the one way to the credential itself: for the request headers.
func (s secret) reveal() string { return string(s) }

// Format keeps credentials redacted even when printed on their own.
func (credentials) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "credentials("+redacted+")") }

// minScrubLen is the shortest token or key that scrub looks for. Every real
// Cloudflare credential is far longer (API tokens are 40 characters, Global
// API keys 37), so none escapes; a shorter value is no credential the API
// accepts, and replacing it wherever it occurs would corrupt ordinary text
// (a token "a" turned "Authentication error" into "Authentic[redacted]tion
// error", and ray IDs with it). 8 bytes is short enough for any test token
// that imitates a real one and long enough not to match words by accident.
const minScrubLen = 8

// scrub removes these credentials from response text the SDK keeps (a proxy
// or a misconfigured edge may echo request headers back in a body), and
// changes nothing else:
//   - a token or key of at least minScrubLen bytes is replaced wherever it
//     occurs, inside longer text too and in any ASCII case (an echo may
//     upper-case a header): a real one is random, so no other text contains
//     it by accident, and an echo may have glued it to anything;
//   - a shorter token or key is left alone (see minScrubLen);
//   - the email, which is an identifier rather than a secret, is replaced at
//     any length, in any ASCII case (mail systems lower-case addresses), but
//     only as a whole address (see scrubAddress), so it never cuts into a
//     colleague's "devops@…" when it is "ops@…"; so is its percent-encoded
//     form ("ops%40example.com");
//   - the base64 encodings (standard and URL alphabets, with or without
//     padding) of each credential scrubbed above and of "email:key" (Basic
//     authentication's form) are replaced wherever they occur, exactly, when
//     they are at least minScrubLen bytes long;
//   - a TSIG secret the call sends is replaced wherever it occurs, at any
//     length (a valid one is at least 4 bytes of base64), exactly, with "/"
//     escaped as "\/" too, and its base64 encodings as above.
//
// Other transforms (hex, a hash, another encoding, a cut) cannot be
// recognised, and are not.
func (c credentials) scrub(s string) string {
	for _, v := range [...]secret{c.token, c.key} {
		if len(v) >= minScrubLen && indexFoldASCII(s, string(v)) >= 0 {
			s = replaceFoldASCII(s, string(v))
		}
	}
	if c.tsig != "" && strings.Contains(s, string(c.tsig)) {
		s = strings.ReplaceAll(s, string(c.tsig), redacted)
	}
	for _, f := range c.forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	if c.email != "" && indexFoldASCII(s, string(c.email)) >= 0 {
		s = scrubAddress(s, string(c.email))
	}
	for _, e := range c.emails {
		if indexFoldASCII(s, e) >= 0 {
			s = scrubAddress(s, e)
		}
	}
	return s
}

// derive returns c with the transformed forms scrub looks for.
func (c credentials) derive() credentials {
	var forms []string
	add := func(v string) {
		for _, enc := range [...]*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			// Unpadded: the padded form starts with it, so both go.
			f := enc.EncodeToString([]byte(v))
			if len(f) >= minScrubLen && !contains(forms, f) {
				forms = append(forms, f)
			}
		}
	}
	for _, v := range [...]secret{c.token, c.key} {
		if len(v) >= minScrubLen {
			add(string(v))
		}
	}
	if c.email != "" {
		add(string(c.email))
		if len(c.key) >= minScrubLen {
			add(string(c.email) + ":" + string(c.key))
		}
	}
	if c.tsig != "" {
		add(string(c.tsig))
		if strings.Contains(string(c.tsig), "/") {
			forms = append(forms, strings.ReplaceAll(string(c.tsig), "/", `\/`))
		}
	}
	// Longest first: base64(email) may begin base64("email:key"), and
	// replacing it first would leave the rest of that echo, the key's part,
	// readable.
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	c.forms = forms
	c.emails = nil
	if c.email != "" {
		if e := url.QueryEscape(string(c.email)); e != string(c.email) {
			c.emails = []string{e}
		}
	}
	return c
}

// withSecret returns c that also scrubs the TSIG secret v.
func (c credentials) withSecret(v string) credentials {
	c.tsig = secret(v)
	return c.derive()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// replaceFoldASCII replaces every occurrence of sub in s, in any ASCII case,
// with "[redacted]".
func replaceFoldASCII(s, sub string) string {
	var b strings.Builder
	done := 0
	for {
		i := indexFoldASCII(s[done:], sub)
		if i < 0 {
			break
		}
		b.WriteString(s[done : done+i])
		b.WriteString(redacted)
		done += i + len(sub)
	}
	b.WriteString(s[done:])
	return b.String()
}

// scrubAddress replaces every occurrence of the address addr in s that is a
// whole address: not preceded by a character of an address's local part, and
// not followed by one that continues its domain (a letter, digit, '-', or a
// '.' before one of those: "a@b.io." ending a sentence is still addr,
// "a@b.io.evil" is not).
func scrubAddress(s, addr string) string {
	var b strings.Builder
	done := 0 // s[:done] is decided and, once anything was replaced, in b
	for from := 0; ; {
		i := indexFoldASCII(s[from:], addr)
		if i < 0 {
			break
		}
		i += from
		end := i + len(addr)
		// Judge by the original text around the match, so a match right
		// after one that was skipped still sees the byte before it.
		if i > 0 && isAddressByte(s[i-1]) || continuesDomain(s[end:]) {
			from = i + 1 // part of another address; look further
			continue
		}
		b.WriteString(s[done:i])
		b.WriteString(redacted)
		done, from = end, end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// isAddressByte reports whether ch may appear in an address's local part
// (the common set; quoted local parts are too rare to matter).
func isAddressByte(ch byte) bool {
	return isIDChar(ch) || strings.IndexByte(".+%", ch) >= 0
}

// continuesDomain reports whether rest, the text after a match, would make
// the match's domain longer.
func continuesDomain(rest string) bool {
	if rest == "" {
		return false
	}
	if rest[0] == '.' {
		return len(rest) > 1 && isIDChar(rest[1]) && rest[1] != '_'
	}
	return isIDChar(rest[0]) && rest[0] != '_'
}

// indexFoldASCII is strings.Index ignoring ASCII case. Unicode folding could
// change lengths and call different bytes equal; an address's case only
// varies in ASCII in practice.
func indexFoldASCII(s, sub string) int {
	if sub == "" {
		return 0
	}
	first := lowerASCII(sub[0])
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerASCII(s[i]) == first && equalFoldASCII(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case only.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
