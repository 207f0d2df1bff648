package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dnsxfer/secondarydns"
)

// readIDs reads the zones for export --ids: one zone ID or zone name (a
// name has a dot) per line, surrounding whitespace (and a CR) trimmed, blank
// lines and lines starting with "#" skipped. Each is checked with the SDK's
// rules; an error names the line. A file is how accounts too large for argv
// (about 51,000 IDs fit) are exported whole.
func (a *app) readIDs(path string, v *validator) (ids, names []string, err error) {
	data, name, err := a.readInput(path)
	if err != nil {
		return nil, nil, err
	}
	if err := checkUTF8(name, data); err != nil {
		return nil, nil, err
	}
	line := 0
	for rest := data; len(rest) > 0; {
		line++
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\n"))
		l = bytes.TrimSpace(l)
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		zone := string(l)
		if strings.Contains(zone, ".") {
			if err := v.check(validZoneID, secondarydns.Desired{Name: zone}); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %q is neither a zone ID nor a zone name", name, line, zone)
			}
			names = append(names, zone)
			continue
		}
		if err := v.check(zone, secondarydns.Desired{Absent: true}); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %s", name, line, reason(err, zone))
		}
		ids = append(ids, zone)
	}
	return ids, names, nil
}
