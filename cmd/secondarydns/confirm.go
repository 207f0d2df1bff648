package main

import (
	"bufio"
	"fmt"
	"strings"
)

// confirmation is what a command asks before it changes something, and what
// it says when it stops there.
type confirmation struct {
	question string // asked on a terminal; only "yes" goes on
	verb     string // what --yes allows: "apply", "delete", "disable", ...
	// noTerminal ends the refusal without a terminal, before anything was
	// asked ("nothing was sent"); stopped ends the message when the run
	// stops at the question: declined, interrupted or --timeout ("nothing
	// was deleted").
	noTerminal, stopped string
	// plainInterrupt says an interruption as apply's report ends, on a line
	// of its own ("interrupted: nothing was changed"), instead of as an
	// error of the command.
	plainInterrupt bool
}

// confirm asks c's question on a terminal, or requires --yes without one
// (as doctl does for deletes). It returns -1 to go on, or the exit code to
// stop with: 2 without a terminal, 1 if the answer is not "yes" or
// --timeout passes, 130 on a signal.
func (a *app) confirm(c confirmation) int {
	if a.yes {
		return -1
	}
	if !a.stdinTTY {
		return a.inputError(noTerminalRefusal(c.verb, c.noTerminal))
	}
	fmt.Fprintf(a.stderr, "%s Only 'yes' is accepted: ", c.question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-a.sig.Done():
		fmt.Fprintln(a.stderr)
		msg := "interrupted: " + c.stopped
		if c.plainInterrupt {
			a.writeErrorJSON(msg)
			fmt.Fprintln(a.stderr, msg)
			return exitInterrupted
		}
		return a.failure(exitInterrupted, msg)
	case <-a.limit.Done():
		fmt.Fprintln(a.stderr)
		se := a.stopped("waiting for the confirmation", c.stopped)
		return a.failure(se.code, se.msg)
	case s := <-answer:
		if s != "yes" {
			return a.failure(exitFailed, "not confirmed: "+c.stopped)
		}
	}
	return -1
}

// noTerminalRefusal is the refusal to ask without a terminal: verb is what --yes
// allows, nothing what was done ("nothing was sent"). apply --plan says it
// before it reads anything.
func noTerminalRefusal(verb, nothing string) string {
	return "standard input is not a terminal: pass --yes to " + verb + " without confirmation; " + nothing
}

// confirmQ is apply's confirmation of its changes, question the summary
// of what it is about to do.
func (a *app) confirmQ(question string) int {
	return a.confirm(confirmation{question: question, verb: "apply", noTerminal: "nothing was changed", stopped: "nothing was changed", plainInterrupt: true})
}
