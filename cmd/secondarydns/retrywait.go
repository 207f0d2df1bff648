package main

// Announcing the waits the SDK makes inside a call for a 429's Retry-After.

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// retryWaits says on stderr when the SDK waits out a 429's Retry-After
// inside a call (up to 60 s, WithMaxRetryWait's default): the run stands
// still meanwhile, which looked like a hang. A longer one, or one met on
// a call's last attempt, is not waited for in the call but returned, and
// the fleet runner makes it a lockout, which progress.lockout announces;
// so the two lines never both come from one 429.
//
// The decision is the SDK's alone (attempts left, WithMaxRetryWait), and
// the HTTP transport cannot see it; the SDK logs it, as one "retry
// decision" record per failed attempt, before it waits. So the command
// always gives the SDK a logger, whose handler watches for that record and
// passes every record on to --verbose's handler when there is one.
type retryWaits struct {
	a   *app
	now func() time.Time // time.Now; tests move it

	mu sync.Mutex
	// until is when the latest announced wait, or lockout, ends. A wait
	// that ends no more than a second later is not announced again: the
	// zones in flight meet one rate limit with nearly the same resume
	// time, and a lockout already said that every request waits.
	until time.Time
}

// retryDecision is the SDK's log message for a retry decision, and the
// reason it gives for a 429 whose Retry-After it waits out.
const (
	retryDecision      = "secondarydns: retry decision"
	retryAfterPrefix   = "status 429;"
	retryAfterDecision = "waiting as Retry-After asks"
)

// waited is a retry decision to wait d for a 429's Retry-After.
func (w *retryWaits) waited(d time.Duration) {
	if d < time.Second {
		return // "Retry-After: 0" or a fraction: no pause worth a line
	}
	until := w.now().Add(d)
	w.mu.Lock()
	if !until.After(w.until.Add(time.Second)) {
		w.mu.Unlock()
		return
	}
	w.until = until
	w.mu.Unlock()
	s := int64(d.Round(time.Second) / time.Second)
	fmt.Fprintf(w.a.stderr, "rate limited by Cloudflare: retrying in %d s (Retry-After %d s)\n", s, s)
}

// lockedOut records a lockout (announced by progress.lockout): the waits
// it covers are not announced.
func (w *retryWaits) lockedOut(until time.Time) {
	if w == nil {
		return
	}
	w.mu.Lock()
	if until.After(w.until) {
		w.until = until
	}
	w.mu.Unlock()
}

// pausedUntil is when the latest announced wait or lockout ends.
func (w *retryWaits) pausedUntil() time.Time {
	if w == nil {
		return time.Time{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.until
}

// logger is the SDK's logger: next is --verbose's handler, nil without.
func (w *retryWaits) logger(next slog.Handler) *slog.Logger {
	return slog.New(&waitHandler{w: w, next: next})
}

// waitHandler watches the SDK's log for retry decisions (see retryWaits).
type waitHandler struct {
	w    *retryWaits
	next slog.Handler
}

// Enabled is true for debug records, the SDK's level, so it emits them.
func (h *waitHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelDebug
}

func (h *waitHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == retryDecision {
		var retry bool
		var wait time.Duration
		var reason string
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "retry":
				retry = a.Value.Kind() == slog.KindBool && a.Value.Bool()
			case "wait":
				if a.Value.Kind() == slog.KindDuration {
					wait = a.Value.Duration()
				}
			case "reason":
				reason = a.Value.String()
			}
			return true
		})
		if retry && strings.HasPrefix(reason, retryAfterPrefix) && strings.HasSuffix(reason, retryAfterDecision) {
			h.w.waited(wait)
		}
	}
	if h.next != nil && h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *waitHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if h.next == nil {
		return h
	}
	return &waitHandler{w: h.w, next: h.next.WithAttrs(attrs)}
}

func (h *waitHandler) WithGroup(name string) slog.Handler {
	if h.next == nil {
		return h
	}
	return &waitHandler{w: h.w, next: h.next.WithGroup(name)}
}
