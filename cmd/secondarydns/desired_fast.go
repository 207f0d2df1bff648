package main

import (
	"bytes"

	"github.com/dnsxfer/secondarydns"
)

// fastDesired decodes a desired-state file in the shape export writes and
// people usually write, without encoding/json's Token API, which allocates
// a syntax error for every scalar it reads (65 allocations per zone; 1M
// zones took minutes). It takes only what the strict decoder (parseDesired)
// takes, and gives the same result; at anything unusual — an escape in a
// string, a number, a duplicate, a missing field, a syntax error — it gives
// up (ok false) and the strict decoder reads the file again and says what
// is wrong, with the line and the field. data is valid UTF-8.
func fastDesired(data []byte) (out *desiredFile, ok bool) {
	p := &fastParser{data: data, line: 1}
	// Maps sized once: growing them a million zones long was a third of
	// the time. A zone is a line in files export writes, and takes more
	// than 30 bytes in any file.
	n := min(bytes.Count(data, []byte("\n"))+1, len(data)/30)
	out = &desiredFile{zones: make(map[string]secondarydns.Desired, n), lines: make(map[string]int, n), order: make([]string, 0, n)}
	if !p.byte('{') || !p.literal(`"zones"`) || !p.byte(':') || !p.byte('{') {
		return nil, false
	}
	if !p.peek('}') {
		for {
			p.space()
			line := p.line
			id, ok := p.str()
			if !ok || !p.byte(':') {
				return nil, false
			}
			if _, dup := out.lines[id]; dup {
				return nil, false
			}
			want, ok := p.zone()
			if !ok {
				return nil, false
			}
			out.lines[id], out.zones[id] = line, want
			out.order = append(out.order, id)
			if p.peek(',') {
				p.pos++
				continue
			}
			break
		}
	}
	for range 2 { // the ends of "zones" and of the file
		if !p.byte('}') {
			return nil, false
		}
	}
	p.space()
	return out, p.pos == len(p.data)
}

type fastParser struct {
	data []byte
	pos  int
	line int
}

// space skips JSON whitespace, counting lines.
func (p *fastParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\n':
			p.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

// peek reports whether c comes next, after whitespace.
func (p *fastParser) peek(c byte) bool {
	p.space()
	return p.pos < len(p.data) && p.data[p.pos] == c
}

// byte reads c, after whitespace.
func (p *fastParser) byte(c byte) bool {
	if !p.peek(c) {
		return false
	}
	p.pos++
	return true
}

// literal reads s exactly, after whitespace.
func (p *fastParser) literal(s string) bool {
	p.space()
	if len(p.data)-p.pos < len(s) || string(p.data[p.pos:p.pos+len(s)]) != s {
		return false
	}
	p.pos += len(s)
	return true
}

// str reads a string without escapes or control characters, after
// whitespace.
func (p *fastParser) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.pos
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '"':
			s := string(p.data[start:p.pos])
			p.pos++
			return s, true
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.pos++
	}
	return "", false
}

// zone reads one zone's object.
func (p *fastParser) zone() (secondarydns.Desired, bool) {
	var want secondarydns.Desired
	if !p.byte('{') {
		return want, false
	}
	seen := 0
	if !p.peek('}') {
		for {
			key, ok := p.str()
			if !ok || !p.byte(':') {
				return want, false
			}
			bit := zoneFields[key]
			if bit == 0 || seen&bit != 0 {
				return want, false
			}
			seen |= bit
			switch bit {
			case hasName:
				if want.Name, ok = p.str(); !ok {
					return want, false
				}
			case hasStatus:
				s, ok := p.str()
				st := secondarydns.TransferStatus(s)
				if !ok || st != secondarydns.StatusEnabled && st != secondarydns.StatusDisabled {
					return want, false
				}
				want.Status = st
			case hasAbsent:
				switch {
				case p.literal("true"):
					want.Absent = true
				case p.literal("false"):
				default:
					return want, false
				}
			case hasPeers:
				if want.Peers, ok = p.peers(); !ok {
					return want, false
				}
			}
			if p.peek(',') {
				p.pos++
				continue
			}
			break
		}
	}
	if !p.byte('}') {
		return want, false
	}
	switch {
	case want.Absent && seen&(hasName|hasPeers|hasStatus) != 0:
		return want, false
	case want.Absent:
	case seen&hasName == 0, seen&hasPeers == 0:
		return want, false
	}
	return want, true
}

// peers reads an array of strings.
func (p *fastParser) peers() ([]string, bool) {
	if !p.byte('[') {
		return nil, false
	}
	peers := []string{}
	if !p.peek(']') {
		for {
			s, ok := p.str()
			if !ok {
				return nil, false
			}
			peers = append(peers, s)
			if p.peek(',') {
				p.pos++
				continue
			}
			break
		}
	}
	return peers, p.byte(']')
}
