//go:build !race

package secondarydns_test

// raceEnabled tells tests that count allocations that the race detector,
// which changes the counts, is on.
const raceEnabled = false
