package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dnsxfer/secondarydns"
)

// desiredFile is a decoded desired-state file:
//
//	{"zones": {"<zone id>": {"name": "example.com.", "peers": ["<peer id>"], "status": "Enabled"},
//	           "<zone id>": {"absent": true}}}
type desiredFile struct {
	zones map[string]secondarydns.Desired
	lines map[string]int // the line each zone starts on, for messages
	order []string       // the zone IDs in the file's order

	// v2 is a format-2 file (desired2.go), whose zones are resolved once
	// the account's lists are read; zones, lines and order are then empty.
	v2 *file2
}

// ids returns the zone IDs in order.
func (d *desiredFile) ids() []string {
	ids := make([]string, 0, len(d.zones))
	for id := range d.zones {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// checkBOM refuses a file that starts with a UTF-8 byte-order mark, which
// JSON does not allow and editors on Windows add.
func checkBOM(name string, data []byte) error {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return fmt.Errorf("%s: the file starts with a UTF-8 byte-order mark (BOM), which JSON does not allow; save it without one", name)
	}
	return nil
}

// fileKind sniffs a JSON file for the top-level fields that tell a saved
// plan ("format" and "zones" as an array) from a desired-state file ("zones"
// as an object, no "format"). It is "" when it cannot tell.
func fileKind(data []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return ""
	}
	zones := bytes.TrimSpace(top["zones"])
	_, format := top["format"]
	switch {
	case format && bytes.HasPrefix(zones, []byte("[")):
		return "plan"
	case !format && bytes.HasPrefix(zones, []byte("{")):
		return "desired"
	}
	return ""
}

// loadDesired reads, strictly decodes and validates a desired-state file.
// Every error names the file, the line and the field; nothing is sent.
func (a *app) loadDesired(path string) (*desiredFile, error) {
	data, name, err := a.readInput(path)
	if err != nil {
		return nil, err
	}
	return decodeDesired(path, name, data)
}

// decodeDesired decodes and validates a desired-state file read from path
// (name in messages).
func decodeDesired(path, name string, data []byte) (*desiredFile, error) {
	if err := checkBOM(name, data); err != nil {
		return nil, err
	}
	d, err := parseDesired(name, data)
	if err != nil {
		// Only now, as it reads the whole file once more: a saved plan
		// given to -f gets a message that says so.
		if fileKind(data) == "plan" {
			return nil, fmt.Errorf("%s is a saved plan (made by 'plan --out'), not a desired-state file: apply it with 'secondarydns apply --plan %s'", name, path)
		}
		return nil, err
	}
	if d.v2 != nil {
		return d, nil // checked by parseFormat2
	}
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	// In the file's order: the first invalid zone of the file is the one
	// reported, and a million IDs need no sorting here.
	for _, id := range d.order {
		if err := v.check(id, d.zones[id]); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %s", name, d.lines[id], field{zones: true, zone: id}, reason(err, id))
		}
	}
	return d, nil
}

// decoder walks a JSON document token by token, which encoding/json's
// Unmarshal cannot do strictly enough: it keeps the last of duplicate keys
// and cannot say on which line a problem is. Its cost is linear in the file
// (1,000,000 zones in seconds; BENCHMARKS.md): lines are counted
// incrementally, and the names of fields are built only for an error.
type decoder struct {
	dec   *json.Decoder
	data  []byte
	name  string
	lines *lines
}

// field is a place in the file as messages name it: "zones",
// zones["<id>"], zones["<id>"].peers[2]. It is made into text only for an
// error; the zone ID is cut to maxEcho bytes.
type field struct {
	zones bool   // in "zones"
	zone  string // the zone's ID, if in a zone
	key   string // the zone's field, if in one
	index int    // the element of "peers", if in one (from 1; 0 is none)
}

func (f field) String() string {
	switch {
	case !f.zones:
		return ""
	case f.zone == "" && f.key == "":
		return "zones"
	}
	s := "zones[" + strconv.Quote(clip(f.zone)) + "]"
	if f.key != "" {
		s += "." + keyText(f.key)
	}
	if f.index > 0 {
		s += "[" + strconv.Itoa(f.index-1) + "]"
	}
	return s
}

// lineAt is the line of byte offset off.
func (d *decoder) lineAt(off int64) int { return d.lines.at(off) }

// line is the line of the token just read.
func (d *decoder) line() int { return d.lineAt(d.dec.InputOffset()) }

func (d *decoder) errorf(line int, f field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if s := f.String(); s != "" {
		msg = s + ": " + msg
	}
	return fmt.Errorf("%s:%d: %s", d.name, line, msg)
}

// token reads the next token, turning syntax errors into ones with a line.
func (d *decoder) token(f field) (json.Token, int, error) {
	tok, err := d.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, 0, d.errorf(d.lineAt(se.Offset), f, "invalid JSON: %s", se.Error())
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, 0, d.errorf(d.lineAt(int64(len(d.data))), f, "unexpected end of the file")
		}
		return nil, 0, d.errorf(d.line(), f, "invalid JSON: %s", err)
	}
	return tok, d.line(), nil
}

// describe names a token's JSON type for "want X, found Y" messages.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return "'" + t.String() + "'"
	case string:
		return "a string"
	case json.Number:
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return "the number " + clip(string(t)) + ", which is out of range"
		}
		return "a number"
	case float64:
		return "a number"
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// parseDesired decodes a desired-state file strictly: an unknown field, a
// duplicate zone or field, a wrong type, a missing "peers" or trailing data is
// an error naming the line and the field.
func parseDesired(name string, data []byte) (*desiredFile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: the file is empty; want {\"zones\": {...}}", name)
	}
	if err := checkUTF8(name, data); err != nil {
		return nil, err
	}
	if out, ok := fastDesired(data); ok && !anyZoneByName(out) {
		return out, nil
	}
	out, err := strictDesired(name, data)
	if errors.Is(err, errFormat2) {
		f, err := parseFormat2(name, data)
		if err != nil {
			return nil, err
		}
		return &desiredFile{v2: f}, nil
	}
	return out, err
}

// anyZoneByName reports whether a file in format 1's shape keys a zone by
// name, which makes it a format-2 file.
func anyZoneByName(d *desiredFile) bool {
	for _, id := range d.order {
		if zoneKeyIsName(id) {
			return true
		}
	}
	return false
}

// strictDesired is parseDesired token by token: slower, and able to say
// what is wrong and where.
func strictDesired(name string, data []byte) (*desiredFile, error) {
	d := &decoder{dec: json.NewDecoder(bytes.NewReader(data)), data: data, name: name, lines: newLines(data)}
	// Numbers are kept as text: none is valid here, and one out of the
	// range of a float64 (1e999) must not read as "invalid JSON".
	d.dec.UseNumber()
	top := field{}
	tok, line, err := d.token(top)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, d.errorf(line, top, `want an object {"zones": {...}}, found %s`, describe(tok))
	}
	out := &desiredFile{zones: map[string]secondarydns.Desired{}, lines: map[string]int{}}
	seen := false
	for d.dec.More() {
		tok, line, err := d.token(top)
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		switch {
		case isFormat2Key(key):
			return nil, errFormat2
		case key != "zones":
			if s := closestKey(key, format2Keys); s != "" {
				return nil, d.errorf(line, top, "unknown field %q; did you mean %q? (a file's fields are \"zones\" and, in format 2, %s)", clip(key), s, fieldList(format2Keys))
			}
			return nil, d.errorf(line, top, "unknown field %q; the file's only field is \"zones\"", clip(key))
		case seen:
			return nil, d.errorf(line, top, `duplicate field "zones"`)
		}
		seen = true
		if err := d.zones(out); err != nil {
			return nil, err
		}
	}
	if _, _, err := d.token(top); err != nil { // the closing brace
		return nil, err
	}
	if !seen {
		return nil, d.errorf(1, top, `missing field "zones"`)
	}
	end := d.dec.InputOffset()
	if _, err := d.dec.Token(); err != io.EOF {
		rest := d.data[end:]
		start := end + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		return nil, d.errorf(d.lineAt(start), top, "trailing data after the top-level object")
	}
	return out, nil
}

// zones decodes the "zones" object.
func (d *decoder) zones(out *desiredFile) error {
	f := field{zones: true}
	tok, line, err := d.token(f)
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return d.errorf(line, f, "want an object of zone ID to desired state, found %s", describe(tok))
	}
	for d.dec.More() {
		tok, line, err := d.token(f)
		if err != nil {
			return err
		}
		id := tok.(string) // object keys are strings
		if zoneKeyIsName(id) {
			return errFormat2
		}
		if first, dup := out.lines[id]; dup {
			return d.errorf(line, field{zones: true, zone: id}, "duplicate zone (first on line %d)", first)
		}
		out.lines[id] = line
		out.order = append(out.order, id)
		want, err := d.zone(id)
		if err != nil {
			return err
		}
		out.zones[id] = want
	}
	_, _, err = d.token(f)
	return err
}

// The fields of a zone, as bits of a set.
const (
	hasName = 1 << iota
	hasPeers
	hasStatus
	hasAbsent
)

var zoneFields = map[string]int{"name": hasName, "peers": hasPeers, "status": hasStatus, "absent": hasAbsent}

// zone decodes one zone's desired state.
func (d *decoder) zone(id string) (secondarydns.Desired, error) {
	var want secondarydns.Desired
	zf := field{zones: true, zone: id}
	tok, line, err := d.token(zf)
	if err != nil {
		return want, err
	}
	if tok != json.Delim('{') {
		return want, d.errorf(line, zf, `want an object such as {"name": "example.com.", "peers": [...]} or {"absent": true}, found %s`, describe(tok))
	}
	zoneLine := line
	seen := 0
	for d.dec.More() {
		tok, line, err := d.token(zf)
		if err != nil {
			return want, err
		}
		key := tok.(string)
		f := field{zones: true, zone: id, key: key}
		bit, known := zoneFields[key]
		if !known {
			hint := ""
			if s := closest(key, []string{"name", "peers", "status", "absent"}); s != "" {
				hint = fmt.Sprintf("; did you mean %q?", s)
			}
			return want, d.errorf(line, f, `unknown field (want "name", "peers", "status" or "absent")%s`, hint)
		}
		if seen&bit != 0 {
			return want, d.errorf(line, f, "duplicate field")
		}
		seen |= bit
		switch bit {
		case hasName:
			if want.Name, err = d.str(f); err != nil {
				return want, err
			}
		case hasStatus:
			s, err := d.str(f)
			if err != nil {
				return want, err
			}
			switch st := secondarydns.TransferStatus(s); st {
			case secondarydns.StatusEnabled, secondarydns.StatusDisabled:
				want.Status = st
			default:
				return want, d.errorf(d.line(), f, `%q is not a status; want "Enabled" or "Disabled" (or leave "status" out to keep it as it is)`, clip(s))
			}
		case hasAbsent:
			tok, line, err := d.token(f)
			if err != nil {
				return want, err
			}
			b, ok := tok.(bool)
			if !ok {
				return want, d.errorf(line, f, "want true or false, found %s", describe(tok))
			}
			want.Absent = b
		case hasPeers:
			if want.Peers, err = d.peers(f); err != nil {
				return want, err
			}
		}
	}
	if _, _, err := d.token(zf); err != nil {
		return want, err
	}
	switch {
	case want.Absent && seen&(hasName|hasPeers|hasStatus) != 0:
		return want, d.errorf(zoneLine, zf, `"absent": true goes alone: an absent zone has no name, peers or status`)
	case want.Absent:
	case seen&hasName == 0:
		return want, d.errorf(zoneLine, zf, `missing field "name" (or "absent": true to remove the configuration)`)
	case seen&hasPeers == 0:
		return want, d.errorf(zoneLine, zf, `missing field "peers" (write "peers": [] for a zone without peers)`)
	}
	return want, nil
}

func (d *decoder) str(f field) (string, error) {
	tok, line, err := d.token(f)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", d.errorf(line, f, "want a string, found %s", describe(tok))
	}
	return s, nil
}

func (d *decoder) peers(f field) ([]string, error) {
	tok, line, err := d.token(f)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, d.errorf(line, f, "want an array of peer IDs, found %s", describe(tok))
	}
	peers := []string{}
	for i := 1; d.dec.More(); i++ {
		pf := f
		pf.index = i
		p, err := d.str(pf)
		if err != nil {
			return nil, err
		}
		peers = append(peers, p)
	}
	_, _, err = d.token(f)
	return peers, err
}

// checkUTF8 refuses a file that is not valid UTF-8, naming the first bad
// byte by its offset, line and column. encoding/json would take the bytes
// as U+FFFD and a later check would call them a control character, at a
// byte of the decoded text rather than of the file.
func checkUTF8(name string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Errorf("%s:%d: invalid UTF-8 at byte %d (line %d, column %d: byte 0x%02x); JSON files are UTF-8: save the file as UTF-8",
		name, line, off, line, off-lineStart+1, data[off])
}

// closest returns the candidate nearest to a mistyped field name, if close.
func closest(s string, candidates []string) string {
	if len(s) > maxEcho {
		return ""
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if d := distance(strings.ToLower(s), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// reason is the SDK's validation message without the prefixes that repeat
// what the caller's message already says.
func reason(err error, zoneID string) string {
	msg := strings.TrimPrefix(err.Error(), secondarydns.ErrInvalidInput.Error()+": ")
	return strings.TrimPrefix(msg, "zone "+zoneID+": ")
}
