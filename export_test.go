package secondarydns

// Test-only exports of the unexported hooks, so external test packages
// (package secondarydns_test) can switch real waiting off too.
var (
	WithSleepForTest  = withSleep
	WithClockForTest  = withClock
	WithJitterForTest = withJitter
	MaxBodyForTest    = maxBody
)

// SleepContextForTest is the real wait, for tests that prove it ends with
// the context without sleeping.
var SleepContextForTest = sleepContext

// ScrubForTest scrubs s as a client with these credentials scrubs response
// text (token, or email and key), for the scrubbing fuzz target.
func ScrubForTest(token, email, key, s string) string {
	c := credentials{token: secret(token), email: secret(email), key: secret(key)}.derive()
	return c.scrub(s)
}

// MinScrubLenForTest is the shortest token or key that is scrubbed.
const MinScrubLenForTest = minScrubLen
