package main

import (
	"bytes"
	"fmt"

	"github.com/dnsxfer/secondarydns"
)

// readIDs reads zone IDs for export --ids: one per line, surrounding
// whitespace (and a CR) trimmed, blank lines and lines starting with "#"
// skipped. Each is checked with the SDK's rules; an error names the line.
// A file is how accounts too large for argv (about 51,000 IDs fit) are
// exported whole.
func (a *app) readIDs(path string, v *validator) ([]string, error) {
	data, name, err := a.readInput(path)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(name, data); err != nil {
		return nil, err
	}
	var ids []string
	line := 0
	for rest := data; len(rest) > 0; {
		line++
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\n"))
		l = bytes.TrimSpace(l)
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		id := string(l)
		if err := v.check(id, secondarydns.Desired{Absent: true}); err != nil {
			return nil, fmt.Errorf("%s:%d: %s", name, line, reason(err, id))
		}
		ids = append(ids, id)
	}
	return ids, nil
}
