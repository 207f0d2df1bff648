package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/dnsxfer/secondarydns"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Exit codes, as the README's table lists them.
const (
	exitOK          = 0   // success; with plan --exit-code, nothing to change
	exitFailed      = 1   // a request failed, a zone was stale, or the confirmation was declined
	exitUsage       = 2   // bad usage or input; no write was sent
	exitChanges     = 3   // plan --exit-code found changes
	exitInterrupted = 130 // SIGINT/SIGTERM/SIGHUP: no new request started, what finished reported
)

// app is one invocation of the command: its streams, environment, flags and,
// once a command runs, its request context.
type app struct {
	// sig ends when the process is told to stop (SIGINT/SIGTERM/SIGHUP, see
	// watchSignals). Requests do not run under it: in-flight requests
	// finish (see tracker).
	sig context.Context
	// limit ends when --timeout, counted from the start of the command,
	// passes; it never ends without one. Requests, reading standard input
	// and the confirmation prompt all stop with it.
	limit  context.Context
	env    func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer // serialised: the progress line and the SDK's log share it

	stdinTTY, stderrTTY bool

	// Global flags.
	output      string
	baseURL     string
	timeout     time.Duration
	concurrency int
	rate        float64
	quiet       bool
	verbose     bool

	// Command flags.
	name         string
	peers        stringList
	noPeers      bool
	file         string
	planFile     string
	idsFile      string
	out          string
	exitCode     bool
	yes          bool
	allowDestroy bool
	checksum     string
	addr         string
	rateLimit    string
	account      string      // --account: see accountID
	obj          objectFlags // the object commands' flags (objects.go)
	vfy          verifyFlags // verify's flags (verifycmd.go)
	exp          exportFlags // export's flags (export.go)
	secondaries  int         // fake --secondaries

	// sets holds the first value of each single-value flag given, and
	// twice says the first given again with another value (see
	// countSets).
	sets  map[string]string
	twice string

	// pacedOut is set when the pacing refused a request whose turn would
	// come after --timeout (see pacer, timeoutHow).
	pacedOut atomic.Bool
	// maxInput is the most bytes read from a file or standard input
	// (defaultMaxInput; tests lower it).
	maxInput int64
	// plainEvery is how often the progress line is written without a
	// terminal, if not plainProgressEvery (tests shorten it).
	plainEvery time.Duration

	// names, when set (a format-2 apply), turns the account's peer IDs in
	// apply's result lines into their names, as the plan showed them.
	names *strings.Replacer

	cmd     *command
	tracker *tracker    // set by a command that sends requests
	waits   *retryWaits // likewise: announces Retry-After waits
	log     *slog.Logger

	// onInterrupt, when set (by tests), is called once SIGINT/SIGTERM has
	// stopped new requests (see tracker).
	onInterrupt func()
	// sdkOptions are more options for the SDK's client (tests: a
	// rate-limit lockout of a second instead of minutes).
	sdkOptions []secondarydns.Option
}

// command is one subcommand: its usage, flags and logic.
type command struct {
	name    string
	args    string // what follows the name in the usage line
	summary string // one line, for "secondarydns help"
	detail  string // for the command's --help
	example string
	minArgs int
	maxArgs int // -1: any number
	flags   func(a *app, fs *flag.FlagSet)
	run     func(a *app, args []string) int
	// local: the command sends no request (fake, version): the global
	// request flags are accepted but mean nothing.
	local bool
	// globals, when not nil, is the global flags (by name) that do
	// something for this command: its help lists only these. The others
	// are still accepted (a script may pass them to every command).
	globals []string
	// subs: a group (peers, tsigs…) whose first argument names one of
	// these, named "GROUP SUB" (see subcommand).
	subs []*command
	// confirm, for a single-zone command that asks first (see app.confirm):
	// the question and what --yes allows, or "" when it need not ask.
	confirm func(a *app, zoneID string) (question, verb string)
}

var commands []*command

func init() {
	commands = []*command{
		cmdGet, cmdCreate, cmdUpdate, cmdDelete, cmdEnable, cmdDisable, cmdNotify, cmdStatus,
		cmdExport, cmdPlan, cmdApply, cmdFake, cmdVersion,
		cmdPeers, cmdTSIGs, cmdACLs, cmdZones, cmdVerify,
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole command: it parses args, runs the command and returns the
// exit code. ctx ending means SIGINT/SIGTERM. env reads the environment
// (os.Getenv in main). main only wires the process to it; tests call it.
func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(ctx, env, stdin, stdout, stderr).main(args)
}

// newApp is an invocation with the flags' defaults, before parsing.
func newApp(ctx context.Context, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) *app {
	a := scratchApp()
	a.sig, a.env, a.stdin = ctx, env, stdin
	a.stdout = &checkedWriter{w: stdout} // see checkStdout
	a.limit = context.Background()
	lw, ok := stderr.(*lockedWriter) // main's, shared with its signal handler
	if !ok {
		lw = &lockedWriter{w: stderr}
	}
	a.stderr = lw
	a.stdinTTY, a.stderrTTY = isTerminal(stdin), isTerminal(lw.w)
	return a
}

// main runs the command and, whatever it returned, fails it when standard
// output could not be written (see checkedWriter).
func (a *app) main(args []string) int {
	return a.checkStdout(a.runArgs(args))
}

func (a *app) runArgs(args []string) int {
	// Bad usage is reported as JSON under -o json, even when the error comes
	// before the flag is parsed.
	a.output = scanOutput(args)
	// Global flags may come before the command's name.
	fs := a.newFlagSet("secondarydns")
	a.countSets(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// "secondarydns --help plan" is plan's help.
			for i, arg := range args {
				if c := lookup(arg); c != nil {
					a.help(subHelp(c, args[i+1:]), a.stdout)
					return exitOK
				}
			}
			a.topHelp(a.stdout)
			return exitOK
		}
		// A global flag before the command's name: name the command in
		// the message if it can be found.
		var c *command
		for _, arg := range args {
			if c = lookup(arg); c != nil {
				break
			}
		}
		return a.usageError(c, flagError(err, fs, args))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		a.writeErrorJSON("missing command; run 'secondarydns --help'")
		a.topHelp(a.stderr)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		// Help is text on stdout and exit 0, under -o json too.
		if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help" {
			a.topHelp(a.stdout)
			return exitOK
		}
		if c := lookup(rest[0]); c != nil {
			a.help(subHelp(c, rest[1:]), a.stdout)
			return exitOK
		}
		return a.usageError(nil, fmt.Sprintf("unknown command %q", clip(rest[0])))
	}
	c := lookup(name)
	if c == nil {
		hint := ""
		if s := suggest(name); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		return a.usageError(nil, fmt.Sprintf("unknown command %q%s", clip(name), hint))
	}
	if len(c.subs) > 0 {
		var code int
		if c, rest, code = a.subcommand(c, rest); c == nil {
			return code
		}
	}
	a.cmd = c
	pos, help, err := a.parse(c, rest)
	if help {
		a.help(c, a.stdout)
		return exitOK
	}
	if err != nil {
		return a.usageError(c, err.Error())
	}
	if msg := a.checkGlobals(); msg != "" {
		return a.usageError(c, msg)
	}
	if c == cmdFake && a.timeout != 0 {
		return a.usageError(c, "--timeout does not apply to fake, which runs until SIGINT or SIGTERM")
	}
	if a.timeout > 0 {
		var cancel context.CancelFunc
		a.limit, cancel = context.WithTimeout(a.limit, a.timeout)
		defer cancel()
	}
	switch {
	case len(pos) < c.minArgs:
		return a.usageError(c, "missing "+strings.Fields(c.args)[len(pos)])
	case c.maxArgs >= 0 && len(pos) > c.maxArgs:
		hint := ""
		if c.maxArgs == 0 && a.file == "" && a.planFile == "" && c.flags != nil && a.flagSetFor(c).Lookup("f") != nil && looksLikeFile(pos[0]) {
			// plan zones.json: the file is a flag's value here. Not
			// for a word that is no file ("fake foo"), nor beside
			// apply's --plan, which takes no -f.
			hint = "; pass the file with -f: secondarydns " + c.name + " -f " + clip(pos[0])
		}
		return a.usageError(c, fmt.Sprintf("unexpected argument %q%s", clip(pos[c.maxArgs]), hint))
	}
	if a.verbose {
		a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return c.run(a, pos)
}

// looksLikeFile says that a stray argument is probably the file meant for
// -f: it names a file (not a directory), or ends in .json.
func looksLikeFile(arg string) bool {
	if strings.HasSuffix(strings.ToLower(arg), ".json") {
		return true
	}
	st, err := os.Stat(arg)
	return err == nil && !st.IsDir()
}

// scanOutput finds the value of the last -o flag in args, "text" if none.
func scanOutput(args []string) string {
	out := "text"
	for i, arg := range args {
		if arg == "--" {
			break
		}
		switch {
		case (arg == "-o" || arg == "--o") && i+1 < len(args):
			out = args[i+1]
		case strings.HasPrefix(arg, "-o="), strings.HasPrefix(arg, "--o="):
			_, out, _ = strings.Cut(arg, "=")
		}
	}
	if out != "json" {
		out = "text" // an invalid value is reported once it is parsed
	}
	return out
}

// newFlagSet makes a flag set holding the global flags. Their defaults are
// a's current values, so that a global flag given before the command's name
// (parsed into a by the first flag set) survives the command's own parse.
func (a *app) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("o", "the output format: `text|json` (default text)", func(s string) error {
		a.output = s
		return nil
	})
	fs.StringVar(&a.baseURL, "base-url", a.baseURL, "send requests to the API at `URL` (default $CLOUDFLARE_BASE_URL, else https://api.cloudflare.com/client/v4)")
	fs.DurationVar(&a.timeout, "timeout", a.timeout, "stop the whole command after `DURATION`, e.g. 30s (default none)")
	fs.IntVar(&a.concurrency, "concurrency", a.concurrency, "work on `N` zones at once, at most 64")
	fs.Float64Var(&a.rate, "rate", a.rate, rateHelp)
	fs.BoolVar(&a.quiet, "quiet", a.quiet, "no progress line and no remarks on stderr (errors, rate-limit pauses, warnings and the --timeout line still print)")
	fs.BoolVar(&a.verbose, "verbose", a.verbose, "log every HTTP attempt (the SDK's debug log) on stderr")
	return fs
}

// parse parses a command's flags and positional arguments, in any order. A
// "--" ends the flags.
func (a *app) parse(c *command, args []string) (pos []string, help bool, err error) {
	fs := a.newFlagSet(c.name)
	if c.flags != nil {
		c.flags(a, fs)
	}
	a.countSets(fs)
	if msg := flagAsValue(fs, args); msg != "" {
		return nil, false, errors.New(msg)
	}
	all := args
	defer func() {
		if err == nil && !help && a.twice != "" {
			name, vals, _ := strings.Cut(a.twice, " ")
			err = fmt.Errorf("%s given twice %s: give it once", typed(name, all), vals)
		}
	}()
	for {
		before := len(args)
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, errors.New(flagError(err, fs, args))
		}
		rest := fs.Args()
		if n := before - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), false, nil
		}
		if len(rest) == 0 {
			return pos, false, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagAsValue reports a flag that takes a value followed by another of
// fs's flags ("--out --exit-code", "--out $EMPTY --exit-code"): the flag
// package would take the second flag as the value, write a plan to a file
// named "--exit-code" and drop the gate a CI job relies on. A value that
// really starts with a dash is given with "=" (--out=--x); "-" alone and
// negative numbers are values.
func flagAsValue(fs *flag.FlagSet, args []string) string {
	for i := 0; i < len(args)-1; i++ {
		arg := args[i]
		if arg == "--" {
			return ""
		}
		if len(arg) < 2 || arg[0] != '-' || strings.Contains(arg, "=") {
			continue
		}
		f := fs.Lookup(strings.TrimLeft(arg, "-"))
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		next := args[i+1]
		name, _, _ := strings.Cut(strings.TrimLeft(next, "-"), "=")
		isFlag := fs.Lookup(name) != nil || name == "h" || name == "help" // help is the flag package's
		if len(next) > 1 && next[0] == '-' && name != "" && isFlag {
			return fmt.Sprintf("%s needs a value, but the next argument is the flag %s (an empty variable?); write %s=VALUE for a value that starts with a dash",
				typed(f.Name, args), clip(next), typed(f.Name, args))
		}
		i++ // the value
	}
	return ""
}

func (a *app) checkGlobals() string {
	switch {
	case a.output != "text" && a.output != "json":
		return fmt.Sprintf("-o %q: want text or json", clip(a.output))
	case a.concurrency < 1:
		return fmt.Sprintf("--concurrency %d: want 1 or more", a.concurrency)
	case math.IsNaN(a.rate) || math.IsInf(a.rate, 0):
		return fmt.Sprintf("--rate %g: want a number, 0 (unpaced) or more", a.rate)
	case a.rate < 0:
		return fmt.Sprintf("--rate %g: want 0 (unpaced) or more", a.rate)
	case a.timeout < 0:
		return fmt.Sprintf("--timeout %s: want a positive duration such as 30s (or 0 for no limit)", a.timeout)
	}
	return a.checkLimits()
}

// usageError reports bad usage in one line with a hint, and returns exit 2.
func (a *app) usageError(c *command, msg string) int {
	prog, helpCmd := "secondarydns", "secondarydns --help"
	if c != nil {
		prog, helpCmd = "secondarydns "+c.name, "secondarydns "+c.name+" --help"
	}
	a.writeErrorJSON(msg)
	fmt.Fprintf(a.stderr, "%s: %s (see '%s')\n", prog, msg, helpCmd)
	return exitUsage
}

// flagError rewrites an error of the flag package for people: the flag as
// it was typed (--rate, not -rate) and, for a bad value, what is wanted.
func flagError(err error, fs *flag.FlagSet, args []string) string {
	return flagErrorFrom(err, fs, fs, args)
}

// flagErrorFrom is flagError suggesting, for an unknown flag, only from
// hints' flags: a group's scan parses with every subcommand's flags, and
// must not suggest one the subcommand refuses (see subcommand).
func flagErrorFrom(err error, fs, hints *flag.FlagSet, args []string) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		msg := "unknown flag " + clip(typed(name, args))
		if s := suggestFlag(name, hints); s != "" {
			msg += "; did you mean " + s + "?"
		}
		return msg
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag needs an argument: " + clip(typed(strings.TrimLeft(name, "-"), args))
	}
	// invalid value "abc" for flag -rate: parse error
	// invalid boolean value "x" for -quiet: parse error
	var value, name string
	rest, ok := strings.CutPrefix(msg, "invalid value ")
	if !ok {
		rest, ok = strings.CutPrefix(msg, "invalid boolean value ")
	}
	if ok {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			value, _ = strconv.Unquote(q)
			rest = strings.TrimPrefix(strings.TrimPrefix(rest[len(q):], " for "), "flag ")
			name, _, _ = strings.Cut(strings.TrimLeft(rest, "-"), ":")
		}
	}
	f := fs.Lookup(name)
	if f == nil {
		return clip(msg)
	}
	want := "want a valid value"
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case time.Duration:
			want = "want a duration such as 30s, 1m30s or 500ms"
		case float64:
			want = "want a number such as 4 or 0.5"
		case int, int64, uint, uint64:
			want = "want a whole number such as 4"
		case bool:
			want = "want true or false"
		}
	}
	return fmt.Sprintf("%s %q: %s", typed(name, args), clip(value), want)
}

// typed is flag name as it was typed in args (-f, --rate), else as the help
// lists it.
func typed(name string, args []string) string {
	for _, arg := range args {
		if arg == "--" {
			break
		}
		n, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if strings.HasPrefix(arg, "-") && n == name {
			return arg[:len(arg)-len(strings.TrimLeft(arg, "-"))] + name
		}
	}
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// inputError reports bad input (a file, a zone ID, the credentials) and
// returns exit 2: no write was sent.
func (a *app) inputError(msg string) int {
	msg = strings.TrimPrefix(msg, secondarydns.ErrInvalidInput.Error()+": ")
	a.writeErrorJSON(msg)
	fmt.Fprintf(a.stderr, "secondarydns %s: %s\n", a.cmd.name, unprefixed(msg))
	return exitUsage
}

// stopError is reading the input cut short by --timeout or SIGINT/SIGTERM:
// not bad input, so not exit 2.
type stopError struct {
	code int
	msg  string
}

func (e *stopError) Error() string { return e.msg }

// stopped is the error for what --timeout or SIGINT/SIGTERM ended while
// waiting (on standard input, for the confirmation): "while " + what.
func (a *app) stopped(what, outcome string) *stopError {
	if a.sig.Err() != nil {
		return &stopError{exitInterrupted, fmt.Sprintf("interrupted while %s; %s", what, outcome)}
	}
	return &stopError{exitFailed, fmt.Sprintf("--timeout %s passed while %s; %s", a.timeout, what, outcome)}
}

// inputFailed reports an error reading the input: exit 2 for bad input,
// the stopError's code when --timeout or a signal ended the reading.
func (a *app) inputFailed(err error) int {
	var se *stopError
	if errors.As(err, &se) {
		return a.failure(se.code, se.msg)
	}
	return a.inputError(err.Error())
}

// unprefixed drops the SDK's "secondarydns: " from the start of an error
// message, which the command's own "secondarydns CMD: " already says.
func unprefixed(msg string) string { return strings.TrimPrefix(msg, "secondarydns: ") }

// failure reports a failure that is not about one zone's request (exit 1).
func (a *app) failure(code int, msg string) int {
	a.writeErrorJSON(msg)
	fmt.Fprintf(a.stderr, "secondarydns %s: %s\n", a.cmd.name, unprefixed(msg))
	return code
}

func (a *app) json() bool { return a.output == "json" }

// say writes people-facing text: on stdout in text mode, on stderr under -o json.
func (a *app) say() io.Writer {
	if a.json() {
		return a.stderr
	}
	return a.stdout
}

// note writes a remark for people on stderr, unless --quiet or standard
// output could not be written: "exported 200 zone(s)" after a failed write
// would contradict the error that ends the command (see checkStdout).
func (a *app) note(format string, args ...any) {
	if !a.quiet && !a.stdoutFailed() {
		fmt.Fprintf(a.stderr, format, args...)
	}
}

func (a *app) topHelp(w io.Writer) {
	fmt.Fprint(w, `secondarydns manages Cloudflare Secondary DNS outgoing zone transfers.

Usage:
  secondarydns COMMAND [ARGS] [FLAGS]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Global flags (on every command, before or after its arguments):
`)
	a.printFlags(w, scratchApp().newFlagSet("secondarydns"))
	fmt.Fprint(w, `
Credentials come from the environment only: CLOUDFLARE_API_TOKEN, or
CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY. CLOUDFLARE_BASE_URL sets the API.
CLOUDFLARE_ACCOUNT_ID is the account of peers, tsigs and acls (or --account).

Exit codes: 0 ok; 1 a request failed, a zone was stale, the confirmation
was declined or --timeout passed; 2 bad usage or input, no write sent; 3 plan
--exit-code found changes; 130 interrupted.

Example:
  secondarydns plan -f zones.json

Run 'secondarydns COMMAND --help' (or 'secondarydns help COMMAND') for a
command's flags. Help is always text on standard output, exit 0: -o json
does not apply to it.
`)
}

// help prints a command's usage line, description, every flag and an example.
func (a *app) help(c *command, w io.Writer) {
	if len(c.subs) > 0 {
		a.groupHelp(c, w)
		return
	}
	usage := "secondarydns " + c.name
	if c.args != "" {
		usage += " " + c.args
	}
	if !strings.Contains(c.args, "--") {
		usage += " [flags]"
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", usage, c.detail)
	if c.flags != nil {
		fmt.Fprint(w, "\nFlags:\n")
		a.printFlags(w, a.flagSetFor(c))
	}
	fmt.Fprint(w, "\nGlobal flags:\n")
	a.printFlags(w, globalFlags(c))
	fmt.Fprintf(w, "\nExample:\n  %s\n", c.example)
}

// globalFlags is the global flags c's help lists: c.globals when set, else
// all of them.
func globalFlags(c *command) *flag.FlagSet {
	all := scratchApp().newFlagSet(c.name)
	if c.globals == nil {
		return all
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	all.VisitAll(func(f *flag.Flag) {
		if slices.Contains(c.globals, f.Name) {
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
	return fs
}

// flagSetFor is the command's own flags, with their defaults.
func (a *app) flagSetFor(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(scratchApp(), fs)
	return fs
}

// scratchApp holds the flags' defaults, for help texts.
func scratchApp() *app {
	return &app{output: "text", concurrency: 4, rate: defaultRate, addr: "127.0.0.1:0", maxInput: maxInputDefault()}
}

// printFlags lists fs's flags.
func (a *app) printFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		left := dash + f.Name
		if name != "" {
			left += " " + name
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" && def != "0s" && !strings.Contains(usage, "(default") {
			usage += " (default " + def + ")"
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	sort.SliceStable(rows, func(i, j int) bool {
		return strings.TrimLeft(rows[i].left, "-") < strings.TrimLeft(rows[j].left, "-")
	})
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.left, r.usage)
	}
}

// suggest returns the command closest to a mistyped name, if any is close.
func suggest(name string) string {
	if len(name) > maxEcho {
		return "" // no command is that long, and distance is quadratic
	}
	best, bestD := "", 3
	for _, c := range commands {
		if d := distance(name, c.name); d < bestD {
			best, bestD = c.name, d
		}
	}
	return best
}

// suggestFlag returns the flag of fs (the command's own and the globals)
// closest to a mistyped name, as the help lists it (--exit-code), if one
// is close: as for commands, fewer than 3 edits, and fewer than the name
// has letters (-x is no typo of -f).
func suggestFlag(name string, fs *flag.FlagSet) string {
	if len(name) > maxEcho {
		return ""
	}
	best, bestD := "", min(3, len(name))
	fs.VisitAll(func(f *flag.Flag) {
		if d := distance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	switch {
	case best == "":
		return ""
	case len(best) == 1:
		return "-" + best
	}
	return "--" + best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// countSets makes each single-value flag of fs note, in a.twice, the
// first one given twice with different values (-f a.json -f b.json): the
// flag package keeps the last, which silently drops the other. The same
// value again (a wrapper that always adds -o json) changes nothing and
// is let be; so are repeatable flags (stringList: --peer, --ns) and
// switches (--yes). The values are kept in a.sets, across the flag set
// of the global flags given before the command's name and the command's
// own.
func (a *app) countSets(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(*stringList); ok {
			return
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			return
		}
		f.Value = &countedValue{Value: f.Value, name: f.Name, a: a}
	})
}

// countedValue is a flag's value that counts how often it is set.
type countedValue struct {
	flag.Value
	name string
	a    *app
}

func (v *countedValue) Set(s string) error {
	if v.a.sets == nil {
		v.a.sets = map[string]string{}
	}
	if first, ok := v.a.sets[v.name]; ok && first != s && v.a.twice == "" {
		v.a.twice = fmt.Sprintf("%s (%s, then %s)", v.name, clip(first), clip(s))
	}
	if _, ok := v.a.sets[v.name]; !ok {
		v.a.sets[v.name] = s
	}
	return v.Value.Set(s)
}

// Get keeps the value's type visible to flagError's "want" hints.
func (v *countedValue) Get() any {
	if g, ok := v.Value.(flag.Getter); ok {
		return g.Get()
	}
	return nil
}

// stringList is a repeatable string flag (--peer A --peer B).
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// lockedWriter serialises writes from several goroutines. It knows whether
// the progress line is on screen: any other write (a --verbose log line, a
// remark) clears it first, so that text never lands after the progress
// line's own; the line is drawn again at its next tick.
//
// Once a write fails (stderr piped into a "head" that has exited, a full
// disk) it writes nothing more: logging ends there, the run and its report
// on stdout do not.
type lockedWriter struct {
	mu   sync.Mutex
	w    io.Writer
	line bool  // the progress line is drawn and not cleared
	err  error // the first failed write's error
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return 0, l.err
	}
	if l.line {
		l.line = false
		if _, err := io.WriteString(l.w, clearLine); err != nil {
			l.err = err
			return 0, err
		}
	}
	n, err := l.w.Write(p)
	if err != nil {
		l.err = err
	}
	return n, err
}

// writeBeside writes s to w, another stream that may show on the same
// terminal (stdout), once the progress line is cleared: s then never lands
// after the progress line's text.
func (l *lockedWriter) writeBeside(w io.Writer, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.line {
		l.line = false
		_, _ = io.WriteString(l.w, clearLine)
	}
	_, _ = io.WriteString(w, s)
}

// clearLine returns to the start of the line and erases it.
const clearLine = "\r\033[K"

// drawLine replaces the progress line with s ("" clears it).
func (l *lockedWriter) drawLine(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return
	}
	if _, err := io.WriteString(l.w, clearLine+s); err != nil {
		l.err = err
	}
	l.line = s != ""
}
