package verify

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompareSerial(t *testing.T) {
	const max = 1<<32 - 1
	tests := []struct {
		a, b uint32
		c    int
		ok   bool
	}{
		{0, 0, 0, true},
		{2026120401, 2026120401, 0, true},
		{1, 2, -1, true},
		{2, 1, +1, true},
		{2026120401, 2026120402, -1, true},
		// Wrap-around: max precedes 0, and 0 follows max.
		{max, 0, -1, true},
		{0, max, +1, true},
		{max, 5, -1, true},
		{max - 10, 10, -1, true},
		// The largest step forward is 2^31 - 1 ...
		{0, 1<<31 - 1, -1, true},
		{1<<31 - 1, 0, +1, true},
		{100, 100 + 1<<31 - 1, -1, true},
		// ... and one more is past half the circle: a follows b.
		{0, 1<<31 + 1, +1, true},
		{100, 100 + 1<<31 + 1, +1, true},
		// Exactly 2^31 apart: undefined, either way round.
		{0, 1 << 31, 0, false},
		{1 << 31, 0, 0, false},
		{5, 5 + 1<<31, 0, false},
		{max, 1<<31 - 1, 0, false},
	}
	for _, tt := range tests {
		c, ok := CompareSerial(tt.a, tt.b)
		assert.Equal(t, tt.ok, ok, "CompareSerial(%d, %d)", tt.a, tt.b)
		assert.Equal(t, tt.c, c, "CompareSerial(%d, %d)", tt.a, tt.b)
	}
}

func TestCompareSerialAntisymmetric(t *testing.T) {
	for _, a := range []uint32{0, 1, 1 << 30, 1 << 31, 1<<32 - 1, 2026120401} {
		for _, d := range []uint32{0, 1, 2, 1<<31 - 1, 1 << 31, 1<<31 + 1, 1<<32 - 1} {
			b := a + d
			c1, ok1 := CompareSerial(a, b)
			c2, ok2 := CompareSerial(b, a)
			assert.Equal(t, ok1, ok2)
			assert.Equal(t, c1, -c2, "a=%d b=%d", a, b)
		}
	}
}

func TestStateOf(t *testing.T) {
	assert.Equal(t, InSync, stateOf(10, 10))
	assert.Equal(t, InSync, stateOf(10, 11), "a later serial is in sync")
	assert.Equal(t, InSync, stateOf(1<<32-1, 0), "a wrapped later serial is in sync")
	assert.Equal(t, Behind, stateOf(10, 9))
	assert.Equal(t, Behind, stateOf(0, 1<<32-1))
	assert.Equal(t, OrderUndefined, stateOf(10, 10+1<<31))
}
