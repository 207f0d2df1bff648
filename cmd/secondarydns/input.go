package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
)

// readInput reads a file, or standard input for "-", and returns the name to
// quote in messages. It reads at most a.maxInput bytes (more is bad input,
// exit 2), and stops when --timeout passes or SIGINT/SIGTERM arrives (a
// *stopError then), whatever the file is: a FIFO nobody writes to, a
// terminal, /dev/zero.
func (a *app) readInput(path string) ([]byte, string, error) {
	name := path
	if path == "-" {
		name = "<stdin>"
	}
	r := &inputRead{path: path, max: a.maxInput, stdin: a.stdin, done: make(chan struct{})}
	go r.run()
	select {
	case <-r.done:
		if r.err != nil {
			return nil, name, r.describe(name)
		}
		return r.data, name, nil
	case <-a.limit.Done():
	case <-a.sig.Done():
	}
	r.stop()
	what := "reading " + name
	if path == "-" {
		what = "reading standard input"
	}
	return nil, name, a.stopped(what, "nothing was sent")
}

// inputLimit, set at link time (go build -ldflags "-X main.inputLimit=N"),
// replaces defaultMaxInput: the binary's tests show the limit at work
// without reading 512 MiB.
var inputLimit string

// maxInputDefault is defaultMaxInput, or inputLimit when it was set.
func maxInputDefault() int64 {
	if n, err := strconv.ParseInt(inputLimit, 10, 64); err == nil && n > 0 {
		return n
	}
	return defaultMaxInput
}

// inputRead is one read of an input, in its own goroutine: opening a FIFO
// blocks until a writer comes, and reading a terminal or a pipe until data
// does, so the caller waits on it with the signals and --timeout.
type inputRead struct {
	path  string
	max   int64
	stdin io.Reader
	done  chan struct{} // closed when data and err are set

	data []byte
	err  error

	stopped atomic.Bool
	mu      sync.Mutex
	file    *os.File // the open file, closed by stop to end a blocked read
}

// errTooLarge is an input over the limit.
var errTooLarge = errors.New("too large")

func (r *inputRead) run() {
	defer close(r.done)
	var in io.Reader = r.stdin
	size := int64(-1)
	if r.path != "-" {
		f, err := os.Open(r.path)
		if err != nil {
			r.err = err
			return
		}
		defer f.Close()
		r.mu.Lock()
		r.file = f
		r.mu.Unlock()
		if r.stopped.Load() {
			return
		}
		fi, err := f.Stat()
		if err != nil {
			r.err = err
			return
		}
		switch {
		case fi.IsDir():
			r.err = errors.New("is a directory")
			return
		case fi.Mode().IsRegular():
			size = fi.Size()
			if size > r.max {
				r.err = errTooLarge
				return
			}
		}
		in = f
	}
	r.data, r.err = r.readAll(in, size)
}

// readAll reads in to its end, or to one byte past the limit. size is the
// file's size when it is known (-1 if not), to allocate once; 0, which
// /proc and some other file systems report for files that are not empty,
// counts as unknown. Otherwise it reads into chunks (64 KiB, doubling up
// to 16 MiB) joined once at the end: an input that passes the limit
// (/dev/zero) never holds more than the limit and a chunk, and one within
// it at most twice its size, during the join (a buffer grown by copying
// held its old and new copies at every step, and the garbage of the steps
// before).
func (r *inputRead) readAll(in io.Reader, size int64) ([]byte, error) {
	next := int64(64 << 10)
	if size > 0 {
		next = size + 1 // one more, to see the end
	}
	var chunks [][]byte
	total := int64(0)
	for !r.stopped.Load() {
		if len(chunks) == 0 || len(chunks[len(chunks)-1]) == cap(chunks[len(chunks)-1]) {
			if len(chunks) > 0 {
				next = min(2*int64(cap(chunks[len(chunks)-1])), 16<<20)
			}
			chunks = append(chunks, make([]byte, 0, min(next, r.max+1-total)))
		}
		c := chunks[len(chunks)-1]
		m, err := in.Read(c[len(c):cap(c)])
		chunks[len(chunks)-1] = c[:len(c)+m]
		total += int64(m)
		if total > r.max {
			return nil, errTooLarge
		}
		if err == io.EOF {
			if len(chunks) == 1 {
				return chunks[0], nil
			}
			out := make([]byte, 0, total)
			for _, c := range chunks {
				out = append(out, c...)
			}
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return nil, errors.New("stopped")
}

// stop ends the read: the reading goroutine sees the flag between reads, a
// blocked read of a FIFO or pipe ends when its file is closed, and a FIFO
// whose open is still waiting for a writer is opened for writing once, which
// lets that open return (and the reader then sees the end at once).
func (r *inputRead) stop() {
	r.stopped.Store(true)
	r.mu.Lock()
	f := r.file
	r.mu.Unlock()
	if f != nil {
		_ = f.Close()
		return
	}
	if r.path == "-" {
		return
	}
	if fi, err := os.Stat(r.path); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
		if w, err := os.OpenFile(r.path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = w.Close()
		}
	}
}

// describe is the error of a read that ended by itself.
func (r *inputRead) describe(name string) error {
	if errors.Is(r.err, errTooLarge) {
		return fmt.Errorf("%s: larger than %s, the most an input may hold; nothing was sent", name, sizeText(r.max))
	}
	var pe *os.PathError
	if errors.As(r.err, &pe) {
		return pe // "open zones.json: no such file or directory"
	}
	return fmt.Errorf("%s: %w", name, r.err)
}

// sizeText is a byte count as people write it: 512 MiB, 1 KiB, 1000 bytes.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
