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
)

// lines turns byte offsets into line numbers without counting from the
// start of the file each time: offsets are asked for mostly in increasing
// order, so it counts only the newlines since the last one. Counting from
// the start made a 50,000-zone file take 35 s to parse.
type lines struct {
	data []byte
	off  int64 // the offset counted up to
	line int   // the line of off
}

func newLines(data []byte) *lines { return &lines{data: data, line: 1} }

// at is the line of byte offset off.
func (l *lines) at(off int64) int {
	off = min(max(off, 0), int64(len(l.data)))
	if off < l.off {
		l.off, l.line = 0, 1
	}
	l.line += bytes.Count(l.data[l.off:off], []byte("\n"))
	l.off = off
	return l.line
}

// keySchema lists, for each object of a document, the fields it may hold,
// by the object's path: "" for the top level, "zones[]" for each element of
// the top-level "zones" array, "zones[].want" for their "want" object.
type keySchema map[string][]string

// checkKeys walks a JSON document and refuses what encoding/json lets
// through: a duplicate field (it keeps the last), a field in the wrong case
// (it matches any case) or one the schema does not list, and a number out
// of the range of a float64. Errors name the file, the line and the field.
// Syntax and types are left to the decoder that runs after it.
func checkKeys(name string, data []byte, schema keySchema) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	ln := newLines(data)
	type frame struct {
		object bool
		path   string          // the schema path of this object or array
		field  string          // the field as messages name it: zones[2].want
		seen   map[string]bool // an object's fields so far
		key    string          // an object's current field, "" when a key comes next
		index  int             // an array's next element
	}
	var stack []*frame
	// value is the path and name of the value about to be read.
	value := func() (path, field string) {
		if len(stack) == 0 {
			return "", ""
		}
		f := stack[len(stack)-1]
		if f.object {
			if f.path == "" {
				return f.key, f.key
			}
			return f.path + "." + f.key, f.field + "." + f.key
		}
		return f.path + "[]", fmt.Sprintf("%s[%d]", f.field, f.index)
	}
	// done marks the end of a value in its parent.
	done := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.key = ""
		} else {
			f.index++
		}
	}
	errorf := func(field, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if field != "" {
			msg = field + ": " + msg
		}
		return fmt.Errorf("%s:%d: %s", name, ln.at(dec.InputOffset()), msg)
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // the decoder says what is wrong, with its own words
		}
		if len(stack) > 0 {
			if f := stack[len(stack)-1]; f.object && f.key == "" {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					done()
					continue
				}
				key := tok.(string)
				field := clip(key)
				if f.field != "" {
					field = f.field + "." + field
				}
				if f.seen[key] {
					return errorf(field, "duplicate field; each field may appear once")
				}
				f.seen[key] = true
				if allowed, ok := schema[f.path]; ok && !slices.Contains(allowed, key) {
					for _, a := range allowed {
						if strings.EqualFold(a, key) {
							return errorf(field, "field in the wrong case; want %q", a)
						}
					}
					return errorf(field, "unknown field (want %s)", fieldList(allowed))
				}
				f.key = key
				continue
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				path, field := value()
				stack = append(stack, &frame{object: t == '{', path: path, field: field, seen: map[string]bool{}})
			default: // ']': '}' is handled with the keys
				stack = stack[:len(stack)-1]
				done()
			}
		case json.Number:
			if _, err := strconv.ParseFloat(string(t), 64); err != nil {
				_, field := value()
				return errorf(field, "the number %s is out of range", clip(string(t)))
			}
			done()
		default:
			done()
		}
	}
}

// fieldList is ["a", "b", "c"] as `"a", "b" or "c"`.
func fieldList(fields []string) string {
	q := make([]string, len(fields))
	for i, f := range fields {
		q[i] = strconv.Quote(f)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
