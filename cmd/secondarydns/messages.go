package main

import "unicode/utf8"

// maxEcho is the most bytes of a value a message repeats: a 10 MB key in a
// file must not make a 10 MB "one line" error.
const maxEcho = 64

// clip cuts s to maxEcho bytes, at a character boundary, and marks the cut
// with "…".
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
