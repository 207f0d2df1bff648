package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// format2Seeds are format-2 files, valid and not.
var format2Seeds = []string{
	exampleFile2,
	`{"zones": {"example.com.": {"peers": []}}}`,
	`{"account": "x", "zones": {}}`,
	`{"peers": {"ns1": {"port": 1e999}}, "zones": {}}`,
	`{"peers": {"ns1": {"port": -1}}, "zones": {}}`,
	`{"tsigs": {"k.": {"algo": "hmac-sha256.", "secret_env": "A", "absent": true}}, "zones": {}}`,
	`{"defaults": {"peers": ["a"], "status": "enabled"}, "zones": {"a.example.": {}}}`,
	`{"defaults": {"peers": []}, "zones": {"a.example.": {"name": "b.example."}}}`,
	`{"acls": {"a": {"ip_range": "192.0.2.5/24"}}, "zones": {}}`,
	`{"peers": {"old": {"absent": true}}, "zones": {"a.example.": {"peers": ["old"]}}}`,
	`{"peers": {}, "peers": {}, "zones": {}}`,
	`{"peers": {"a": {}}, "zones": {"a.example.": {"peers": ["a"]}, "A.EXAMPLE": {"peers": []}}}`,
	`{"peers": {"a": {"ixfr": true}}, "zones": {}}`,
	`{"peers": {"a": []}, "zones": {}`,
	`{"zones": {"a.example.": {"pe\ners": []}}}`,
	`{"pe\ners": {}, "zones": {}}`,
	`{"zones": {"` + zoneA + `": {"pe\ners": []}}}`,
	`{"peers": {"a\n": {"ip": "x"}}, "zones": {}}`,
}

// FuzzFormat2: the decoder never panics on any file, and every error it
// gives is one line.
func FuzzFormat2(f *testing.F) {
	for _, s := range append(format2Seeds, fastSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || strings.Count(string(data), "{") > 50 {
			return
		}
		d, err := parseDesired("zones.json", data)
		if err != nil {
			assert.NotContains(t, err.Error(), "\n", "one line")
			assert.True(t, strings.HasPrefix(err.Error(), "zones.json"), err.Error())
			return
		}
		if d.v2 != nil {
			for _, z := range d.v2.zones {
				assert.True(t, z.absent || z.hasPeers || d.v2.defPeers != nil, "a zone without peers and defaults is refused")
			}
		}
	})
}
