package verify

// CompareSerial compares SOA serials by RFC 1982 arithmetic: -1 when a precedes b,
// 0 when equal, +1 when a follows b; ok is false when the order is undefined
// (they differ by exactly 2^31).
//
// Serials wrap: 4294967295 precedes 0, and 0 precedes 2147483647. When ok is
// false, c is 0 but the serials are not equal: RFC 1982 leaves that pair
// unordered, and a caller must not guess (a secondary whose serial is 2^31
// away from the primary's cannot be said to be behind or ahead).
func CompareSerial(a, b uint32) (c int, ok bool) {
	const half = 1 << 31
	switch d := b - a; { // the distance from a forward to b, modulo 2^32
	case d == 0:
		return 0, true
	case d == half:
		return 0, false
	case d < half:
		return -1, true
	default:
		return +1, true
	}
}
