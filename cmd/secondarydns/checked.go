package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
)

// checkedWriter is standard output as every command writes it: it keeps the
// first write error (a full disk, /dev/full, a closed pipe) and drops what
// comes after it, so that a.main can end the command with exit 1 and one
// line instead of exit 0 over an empty or cut file. Commands write with
// fmt.Fprint* and encoders without looking at errors; checking here covers
// them all, the final flush of a tabwriter or encoder included, since those
// write through it.
type checkedWriter struct {
	w io.Writer

	mu  sync.Mutex
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// Sync passes Sync on to the stream underneath (fake syncs its first lines
// so a script reading them sees them at once); a stream without one has
// nothing to sync.
func (c *checkedWriter) Sync() error {
	s, ok := c.w.(interface{ Sync() error })
	if !ok {
		return nil
	}
	return s.Sync()
}

// failed is the first write error, nil if every write succeeded.
func (c *checkedWriter) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// checkStdout turns a failed write to standard output into exit 1 and one
// line on stderr, whatever the command returned; a code that already says
// the run failed (1, 2, 130) is kept.
func (a *app) checkStdout(code int) int {
	out, ok := a.stdout.(*checkedWriter)
	if !ok {
		return code
	}
	err := out.failed()
	if err == nil {
		return code
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // "write /dev/stdout: " says less than the line's start
	}
	prog := "secondarydns"
	if a.cmd != nil {
		prog += " " + a.cmd.name
	}
	fmt.Fprintf(a.stderr, "%s: writing standard output: %v\n", prog, err)
	if code == exitOK || code == exitChanges {
		return exitFailed
	}
	return code
}

// stdoutFailed reports whether a write to standard output failed.
func (a *app) stdoutFailed() bool {
	c, ok := a.stdout.(*checkedWriter)
	return ok && c.failed() != nil
}
