package verify

import (
	"fmt"

	"github.com/dnsxfer/secondarydns"
)

// invalidInput is an error for a bad argument: its text is the package's
// own ("verify: …"), and it matches secondarydns.ErrInvalidInput, as the
// SDK's errors for bad arguments do, so a caller tells a mistake in what
// it passed from a secondary that does not answer with one errors.Is.
type invalidInput struct{ msg string }

func (e *invalidInput) Error() string { return e.msg }

// Unwrap returns secondarydns.ErrInvalidInput.
func (e *invalidInput) Unwrap() error { return secondarydns.ErrInvalidInput }

// invalid builds an invalidInput from a format and its arguments.
func invalid(format string, args ...any) error {
	return &invalidInput{fmt.Sprintf(format, args...)}
}
