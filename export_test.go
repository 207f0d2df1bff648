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
