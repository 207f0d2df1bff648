package main

// Format 2 of the desired-state file: the account's TSIG keys, peers and
// ACLs beside the zones, zones and peers by name, and defaults. It is
// decoded as strictly as format 1 (desired.go): every error names the file,
// the line and the field, and an unknown key gets a "did you mean". What
// needs the account's lists (a zone name's ID, a peer name's ID) is
// resolved later, in resolve2.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// errFormat2 is what the format-1 decoder returns when it meets a key only
// format 2 has: the file is then read again by decodeFormat2. Format-1
// files never get here, so their fast path and messages stay as they were.
var errFormat2 = errors.New("format 2")

// format2Keys are the top-level keys format 2 adds.
var format2Keys = []string{"account", "tsigs", "peers", "acls", "defaults"}

// topKeys2 are every top-level key of a format-2 file, for hints.
var topKeys2 = []string{"account", "tsigs", "peers", "acls", "defaults", "zones"}

// isFormat2Key reports whether a top-level key is one only format 2 has.
func isFormat2Key(key string) bool {
	for _, k := range format2Keys {
		if k == key {
			return true
		}
	}
	return false
}

// zoneKeyIsName reports whether a key of "zones" is a zone name (it has a
// dot) rather than a zone ID.
func zoneKeyIsName(key string) bool { return strings.Contains(key, ".") }

// file2 is a decoded format-2 file, before its names are resolved.
type file2 struct {
	name        string // the file as messages name it
	account     string
	accountLine int
	tsigs       map[string]tsigEntry
	peers       map[string]peerEntry
	acls        map[string]aclEntry
	defPeers    []string // defaults.peers; nil when not given
	defStatus   secondarydns.TransferStatus
	defLine     int
	zones       []zoneEntry // in the file's order
}

type tsigEntry struct {
	algo, secretEnv string
	absent          bool
	line            int
}

type peerEntry struct {
	want secondarydns.DesiredPeer
	line int
}

type aclEntry struct {
	want secondarydns.DesiredACL
	line int
}

// zoneEntry is one entry of "zones": its key is a zone name (byName) or ID.
type zoneEntry struct {
	key      string
	line     int
	byName   bool
	name     string // "name" as given, else the key for a zone by name
	peers    []string
	hasPeers bool // its own "peers"; else the defaults'
	status   secondarydns.TransferStatus
	absent   bool
}

// path2 is a place in a format-2 file as messages name it:
// peers["ns1"].ip, zones["example.com."].peers[1], defaults.status.
func path2(section, key, field string, index int) string {
	s := section
	if key != "" {
		s += "[" + strconv.Quote(clip(key)) + "]"
	}
	if field != "" {
		s += "." + clip(field)
	}
	if index > 0 {
		s += "[" + strconv.Itoa(index-1) + "]"
	}
	return s
}

// errorf2 is decoder.errorf with a format-2 path.
func (d *decoder) errorf2(line int, path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	return fmt.Errorf("%s:%d: %s", d.name, line, msg)
}

// token2 is decoder.token for a format-2 path.
func (d *decoder) token2(path string) (json.Token, int, error) {
	tok, err := d.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, 0, d.errorf2(d.lineAt(se.Offset), path, "invalid JSON: %s", se.Error())
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, 0, d.errorf2(d.lineAt(int64(len(d.data))), path, "unexpected end of the file")
		}
		return nil, 0, d.errorf2(d.line(), path, "invalid JSON: %s", err)
	}
	return tok, d.line(), nil
}

// unknownKey is the error for a key that is not one of known.
func (d *decoder) unknownKey(line int, path, key string, known []string) error {
	hint := ""
	if s := closestKey(key, known); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	p := keyText(key)
	if path != "" {
		p = path + "." + p
	}
	return d.errorf2(line, p, "unknown field (want %s)%s", fieldList(known), hint)
}

func (d *decoder) str2(path string) (string, error) {
	tok, line, err := d.token2(path)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", d.errorf2(line, path, "want a string, found %s", describe(tok))
	}
	return s, nil
}

func (d *decoder) bool2(path string) (bool, error) {
	tok, line, err := d.token2(path)
	if err != nil {
		return false, err
	}
	b, ok := tok.(bool)
	if !ok {
		return false, d.errorf2(line, path, "want true or false, found %s", describe(tok))
	}
	return b, nil
}

// strings2 reads an array of non-empty strings.
func (d *decoder) strings2(path, what string) ([]string, error) {
	tok, line, err := d.token2(path)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, d.errorf2(line, path, "want an array of %s, found %s", what, describe(tok))
	}
	out := []string{}
	for i := 1; d.dec.More(); i++ {
		p := path + "[" + strconv.Itoa(i-1) + "]"
		s, err := d.str2(p)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, d.errorf2(d.line(), p, "empty; want a peer name or ID")
		}
		out = append(out, s)
	}
	_, _, err = d.token2(path)
	return out, err
}

// status2 reads "status".
func (d *decoder) status2(path string) (secondarydns.TransferStatus, error) {
	s, err := d.str2(path)
	if err != nil {
		return "", err
	}
	switch st := secondarydns.TransferStatus(s); st {
	case secondarydns.StatusEnabled, secondarydns.StatusDisabled:
		return st, nil
	}
	return "", d.errorf2(d.line(), path, `%q is not a status; want "Enabled" or "Disabled" (or leave "status" out to keep it as it is)`, clip(s))
}

// object2 reads an object's opening brace, then calls each for each key
// (with its line), refusing duplicate keys and those not in known.
func (d *decoder) object2(path, want string, known []string, each func(key string, line int) error) (int, error) {
	tok, line, err := d.token2(path)
	if err != nil {
		return 0, err
	}
	if tok != json.Delim('{') {
		return 0, d.errorf2(line, path, "want %s, found %s", want, describe(tok))
	}
	start := line
	seen := map[string]bool{}
	for d.dec.More() {
		tok, line, err := d.token2(path)
		if err != nil {
			return 0, err
		}
		key := tok.(string) // object keys are strings
		if known != nil {
			ok := false
			for _, k := range known {
				ok = ok || k == key
			}
			if !ok {
				return 0, d.unknownKey(line, path, key, known)
			}
			if seen[key] {
				p := keyText(key)
				if path != "" {
					p = path + "." + p
				}
				return 0, d.errorf2(line, p, "duplicate field")
			}
			seen[key] = true
		}
		if err := each(key, line); err != nil {
			return 0, err
		}
	}
	_, _, err = d.token2(path)
	return start, err
}

// parseFormat2 decodes a format-2 file strictly, then checks everything
// that needs no request. data is valid UTF-8 without a BOM.
func parseFormat2(name string, data []byte) (*file2, error) {
	d := &decoder{dec: json.NewDecoder(bytes.NewReader(data)), data: data, name: name, lines: newLines(data)}
	d.dec.UseNumber()
	f := &file2{name: name, tsigs: map[string]tsigEntry{}, peers: map[string]peerEntry{}, acls: map[string]aclEntry{}}
	seen := map[string]int{}
	_, err := d.object2("", `an object {"zones": {...}}`, nil, func(key string, line int) error {
		if first, dup := seen[key]; dup {
			return d.errorf2(line, "", "duplicate field %q (first on line %d)", clip(key), first)
		}
		seen[key] = line
		switch key {
		case "account":
			f.accountLine = line
			s, err := d.str2("account")
			f.account = s
			return err
		case "tsigs":
			return d.tsigs2(f)
		case "peers":
			return d.peers2(f)
		case "acls":
			return d.acls2(f)
		case "defaults":
			return d.defaults2(f)
		case "zones":
			return d.zones2(f)
		}
		return d.unknownKey(line, "", key, topKeys2)
	})
	if err != nil {
		return nil, err
	}
	if _, ok := seen["zones"]; !ok {
		return nil, d.errorf2(1, "", `missing field "zones"`)
	}
	end := d.dec.InputOffset()
	if _, err := d.dec.Token(); err != io.EOF {
		rest := d.data[end:]
		start := end + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		return nil, d.errorf2(d.lineAt(start), "", "trailing data after the top-level object")
	}
	if err := f.check(name); err != nil {
		return nil, err
	}
	return f, nil
}

func (d *decoder) tsigs2(f *file2) error {
	_, err := d.object2("tsigs", `an object of TSIG name to {"algo": …, "secret_env": …}`, nil, func(name string, line int) error {
		if first, dup := f.tsigs[name]; dup {
			return d.errorf2(line, path2("tsigs", name, "", 0), "duplicate TSIG (first on line %d)", first.line)
		}
		t := tsigEntry{line: line}
		p := path2("tsigs", name, "", 0)
		_, err := d.object2(p, `an object such as {"algo": "hmac-sha256.", "secret_env": "NS1_TSIG_SECRET"} or {"absent": true}`,
			[]string{"algo", "secret_env", "absent"}, func(key string, _ int) error {
				var err error
				switch key {
				case "algo":
					t.algo, err = d.str2(p + ".algo")
				case "secret_env":
					t.secretEnv, err = d.str2(p + ".secret_env")
				case "absent":
					t.absent, err = d.bool2(p + ".absent")
				}
				return err
			})
		f.tsigs[name] = t
		return err
	})
	return err
}

func (d *decoder) peers2(f *file2) error {
	_, err := d.object2("peers", `an object of peer name to {"ip": …, "port": …}`, nil, func(name string, line int) error {
		if first, dup := f.peers[name]; dup {
			return d.errorf2(line, path2("peers", name, "", 0), "duplicate peer (first on line %d)", first.line)
		}
		pr := peerEntry{line: line}
		p := path2("peers", name, "", 0)
		_, err := d.object2(p, `an object such as {"ip": "192.0.2.53", "port": 53, "tsig": "ns1-key"} or {"absent": true}`,
			[]string{"ip", "port", "ixfr_enable", "tsig", "absent"}, func(key string, _ int) error {
				var err error
				switch key {
				case "ip":
					pr.want.IP, err = d.str2(p + ".ip")
				case "tsig":
					pr.want.TSIG, err = d.str2(p + ".tsig")
				case "ixfr_enable":
					pr.want.IXFREnable, err = d.bool2(p + ".ixfr_enable")
				case "absent":
					pr.want.Absent, err = d.bool2(p + ".absent")
				case "port":
					pr.want.Port, err = d.port2(p + ".port")
				}
				return err
			})
		f.peers[name] = pr
		return err
	})
	return err
}

// port2 reads a port: a whole number from 0 to 65535.
func (d *decoder) port2(path string) (int, error) {
	tok, line, err := d.token2(path)
	if err != nil {
		return 0, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, d.errorf2(line, path, "want a port number, found %s", describe(tok))
	}
	v, err := strconv.Atoi(string(n))
	if err != nil || v < 0 || v > 65535 {
		return 0, d.errorf2(line, path, "%s is not a port; want a whole number from 1 to 65535 (or leave \"port\" out for 53)", clip(string(n)))
	}
	return v, nil
}

func (d *decoder) acls2(f *file2) error {
	_, err := d.object2("acls", `an object of ACL name to {"ip_range": …}`, nil, func(name string, line int) error {
		if first, dup := f.acls[name]; dup {
			return d.errorf2(line, path2("acls", name, "", 0), "duplicate ACL (first on line %d)", first.line)
		}
		a := aclEntry{line: line}
		p := path2("acls", name, "", 0)
		_, err := d.object2(p, `an object such as {"ip_range": "192.0.2.0/24"} or {"absent": true}`,
			[]string{"ip_range", "absent"}, func(key string, _ int) error {
				var err error
				switch key {
				case "ip_range":
					a.want.IPRange, err = d.str2(p + ".ip_range")
				case "absent":
					a.want.Absent, err = d.bool2(p + ".absent")
				}
				return err
			})
		f.acls[name] = a
		return err
	})
	return err
}

func (d *decoder) defaults2(f *file2) error {
	var err error
	f.defLine, err = d.object2("defaults", `an object such as {"peers": ["ns1"], "status": "Enabled"}`,
		[]string{"peers", "status"}, func(key string, _ int) error {
			var err error
			switch key {
			case "peers":
				f.defPeers, err = d.strings2("defaults.peers", "peer names or IDs")
			case "status":
				f.defStatus, err = d.status2("defaults.status")
			}
			return err
		})
	return err
}

func (d *decoder) zones2(f *file2) error {
	lines := map[string]int{}
	_, err := d.object2("zones", "an object of zone name or ID to desired state", nil, func(key string, line int) error {
		if first, dup := lines[key]; dup {
			return d.errorf2(line, path2("zones", key, "", 0), "duplicate zone (first on line %d)", first)
		}
		lines[key] = line
		z := zoneEntry{key: key, line: line, byName: zoneKeyIsName(key)}
		p := path2("zones", key, "", 0)
		seen := map[string]bool{}
		_, err := d.object2(p, `an object such as {"peers": ["ns1"]} or {"absent": true}`,
			[]string{"name", "peers", "status", "absent"}, func(k string, _ int) error {
				seen[k] = true
				var err error
				switch k {
				case "name":
					z.name, err = d.str2(p + ".name")
				case "peers":
					z.peers, err = d.strings2(p+".peers", "peer names or IDs")
					z.hasPeers = true
				case "status":
					z.status, err = d.status2(p + ".status")
				case "absent":
					z.absent, err = d.bool2(p + ".absent")
				}
				return err
			})
		if err != nil {
			return err
		}
		switch {
		case z.absent && (seen["name"] || seen["peers"] || seen["status"]):
			return d.errorf2(line, p, `"absent": true goes alone: an absent zone has no name, peers or status`)
		case z.absent:
		case z.byName && seen["name"] && !secondarydns.EqualNames(z.name, key):
			return d.errorf2(line, p+".name", "%q differs from the zone's key %q; leave \"name\" out, or make them the same", clip(z.name), clip(key))
		case !z.byName && !seen["name"]:
			return d.errorf2(line, p, `missing field "name" (a zone given by its ID needs its name; or key it by name, or "absent": true to remove the configuration)`)
		case !z.hasPeers && f.defPeers == nil:
			// defaults may come after zones in the file: checked again
			// once the whole file is read (check).
		}
		if z.byName && !seen["name"] {
			z.name = key
		}
		f.zones = append(f.zones, z)
		return nil
	})
	return err
}

// errorAt is an error naming the file, a line and a path.
func errorAt(name string, line int, path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	return fmt.Errorf("%s:%d: %s", name, line, msg)
}

// validAccount is a well-formed account ID the checks below plan against:
// the validator never sends anything.
const validAccount = "00000000000000000000000000000000"

// check validates what needs no request, with the SDK's own rules (through
// a client that cannot send): the account ID, each TSIG, peer and ACL, each
// zone's name and ID, the zones' peers and defaults.
func (f *file2) check(name string) error {
	v, err := newValidator()
	if err != nil {
		return err
	}
	ctx := context.Background()
	planErr := func(want secondarydns.AccountDesired) error {
		_, err := v.c.PlanAccount(ctx, validAccount, want)
		if errors.Is(err, secondarydns.ErrInvalidInput) {
			return err
		}
		return nil
	}
	if f.accountLine > 0 {
		if _, err := v.c.PlanAccount(ctx, f.account, secondarydns.AccountDesired{}); errors.Is(err, secondarydns.ErrInvalidInput) {
			return errorAt(name, f.accountLine, "account", "%s", strings.TrimPrefix(reason(err, ""), "account ID "))
		}
	}
	tsigs := map[string]secondarydns.DesiredTSIG{}
	for _, n := range sortedKeys(f.tsigs) {
		t := f.tsigs[n]
		p := path2("tsigs", n, "", 0)
		switch {
		case t.absent && (t.algo != "" || t.secretEnv != ""):
			return errorAt(name, t.line, p, `"absent": true goes alone: an absent TSIG has no algo or secret_env`)
		case !t.absent && t.algo == "":
			return errorAt(name, t.line, p, `missing field "algo" (e.g. "hmac-sha256.")`)
		case t.secretEnv != "" && !envName(t.secretEnv):
			// The value is not repeated: it may be the secret itself.
			return errorAt(name, t.line, p+".secret_env", "not an environment variable's name (letters, digits and _, not starting with a digit): give the name of the variable that holds the secret; the secret itself never goes in the file")
		}
		dt := secondarydns.DesiredTSIG{Algo: t.algo, Absent: t.absent}
		if err := planErr(secondarydns.AccountDesired{TSIGs: map[string]secondarydns.DesiredTSIG{n: dt}}); err != nil {
			return errorAt(name, t.line, p, "%s", objectReason(err))
		}
		tsigs[n] = dt
	}
	for _, n := range sortedKeys(f.peers) {
		pr := f.peers[n]
		if err := planErr(secondarydns.AccountDesired{TSIGs: tsigs, Peers: map[string]secondarydns.DesiredPeer{n: pr.want}}); err != nil {
			return errorAt(name, pr.line, path2("peers", n, "", 0), "%s", objectReason(err))
		}
	}
	for _, n := range sortedKeys(f.acls) {
		a := f.acls[n]
		if err := planErr(secondarydns.AccountDesired{ACLs: map[string]secondarydns.DesiredACL{n: a.want}}); err != nil {
			return errorAt(name, a.line, path2("acls", n, "", 0), "%s", objectReason(err))
		}
	}
	// A zone's or the defaults' peer entry may not name a peer the file
	// marks absent.
	absentPeer := func(line int, path string, entries []string) error {
		for i, e := range entries {
			if pr, ok := f.peers[e]; ok && pr.want.Absent {
				return errorAt(name, line, fmt.Sprintf("%s[%d]", path, i), "names peer %q, which \"peers\" marks absent (line %d); drop it from the list", clip(e), pr.line)
			}
		}
		return nil
	}
	if err := absentPeer(f.defLine, "defaults.peers", f.defPeers); err != nil {
		return err
	}
	names := map[string]zoneEntry{}
	for _, z := range f.zones {
		p := path2("zones", z.key, "", 0)
		if z.byName {
			if err := v.check(validAccount, secondarydns.Desired{Name: z.key}); err != nil {
				return errorAt(name, z.line, p, "%s", reason(err, validAccount))
			}
		} else {
			want := secondarydns.Desired{Absent: true}
			if !z.absent {
				want = secondarydns.Desired{Name: z.name}
			}
			if err := v.check(z.key, want); err != nil {
				return errorAt(name, z.line, p, "%s", reason(err, z.key))
			}
		}
		if z.absent {
			if z.byName {
				names[normName(z.key)] = z
			}
			continue
		}
		if first, dup := names[normName(z.name)]; dup {
			return errorAt(name, z.line, p, "the same zone as zones[%q] (line %d): a zone appears once, by name or by ID", clip(first.key), first.line)
		}
		names[normName(z.name)] = z
		if !z.hasPeers && f.defPeers == nil {
			return errorAt(name, z.line, p, `missing field "peers", and "defaults" has none (write "peers": [] for a zone without peers)`)
		}
		if err := absentPeer(z.line, p+".peers", z.peers); err != nil {
			return err
		}
	}
	return nil
}

// closestKey is closest, or else the one known key that starts with key
// ("secret" for "secret_env", "ixfr" for "ixfr_enable").
func closestKey(key string, known []string) string {
	if s := closest(key, known); s != "" {
		return s
	}
	found := ""
	for _, k := range known {
		if len(key) >= 2 && strings.HasPrefix(k, strings.ToLower(key)) {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}

// keyText is a field's name as a message shows it: as it is, or quoted
// when it holds a character that would break the one-line message.
func keyText(key string) string {
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return strconv.Quote(clip(key))
		}
	}
	return clip(key)
}

// normName is a zone name as zone names compare: without ASCII case and a
// trailing dot.
func normName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

// envName reports whether s can name an environment variable.
func envName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// objectReason is the SDK's message for one object without the prefixes
// the caller's path already says (`TSIG "k": `, `peer "ns1": `).
func objectReason(err error) string {
	msg := strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": ")
	for _, kind := range []string{"TSIG ", "peer ", "ACL "} {
		if rest, ok := strings.CutPrefix(msg, kind); ok {
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				return strings.TrimPrefix(rest[len(q):], ": ")
			}
		}
	}
	return msg
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
