package main

// Groups of subcommands (peers list, tsigs create, …): how the first
// argument picks one, and the group's help.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// subcommand picks a group's subcommand (peers list, …) from args: the
// first argument that is neither a flag nor a flag's value names it, so
// flags may come before it. It returns the subcommand and the other
// arguments, or nil and the exit code to stop with.
func (a *app) subcommand(g *command, args []string) (*command, []string, int) {
	// Any subcommand's flag may come before the name: the scan knows them
	// all, so that it can skip their values.
	fs := scratchApp().newFlagSet(g.name)
	for _, s := range g.subs {
		sfs := flag.NewFlagSet(s.name, flag.ContinueOnError)
		s.flags(scratchApp(), sfs)
		sfs.VisitAll(func(f *flag.Flag) {
			if fs.Lookup(f.Name) == nil {
				fs.Var(f.Value, f.Name, f.Usage)
			}
		})
	}
	if err := fs.Parse(args); err != nil {
		// The subcommand, if it can be found, names the help or the error.
		c := subHelp(g, args)
		if errors.Is(err, flag.ErrHelp) {
			a.help(c, a.stdout)
			return nil, nil, exitOK
		}
		return nil, nil, a.usageError(c, flagErrorFrom(err, fs, suggestable(g, c), args))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return nil, nil, a.usageError(g, "missing subcommand: "+subNames(g, ", "))
	}
	i := len(args) - len(rest)
	for _, s := range g.subs {
		if s.name == g.name+" "+rest[0] {
			return s, append(args[:i:i], args[i+1:]...), -1
		}
	}
	msg := fmt.Sprintf("unknown subcommand %q: want %s", rest[0], subNames(g, ", "))
	best, bestD := "", 3
	for _, s := range g.subs {
		if d := distance(rest[0], subName(g, s)); d < bestD {
			best, bestD = subName(g, s), d
		}
	}
	if best != "" {
		msg = fmt.Sprintf("unknown subcommand %q; did you mean %q?", rest[0], best)
	}
	return nil, nil, a.usageError(g, msg)
}

// suggestable is the flags a mistyped flag before g's subcommand name may
// be taken for: those of the subcommand c, when the arguments name one,
// else those every subcommand of g accepts (the globals and --account), so
// that "did you mean" never names a flag the subcommand would refuse
// ("peers --nmae x list": list has no --name).
func suggestable(g, c *command) *flag.FlagSet {
	flagsOf := func(s *command) *flag.FlagSet {
		fs := scratchApp().newFlagSet(s.name)
		if s.flags != nil {
			s.flags(scratchApp(), fs)
		}
		return fs
	}
	if c != g {
		return flagsOf(c)
	}
	every := scratchApp().newFlagSet(g.name)
	sets := make([]*flag.FlagSet, len(g.subs))
	for i, s := range g.subs {
		sets[i] = flagsOf(s)
	}
	if len(sets) > 0 {
		sets[0].VisitAll(func(f *flag.Flag) {
			for _, other := range sets[1:] {
				if other.Lookup(f.Name) == nil {
					return
				}
			}
			if every.Lookup(f.Name) == nil {
				every.Var(f.Value, f.Name, f.Usage)
			}
		})
	}
	return every
}

// subHelp is the subcommand of g that the first argument naming one names
// ("help peers list"), else g itself.
func subHelp(g *command, args []string) *command {
	for _, arg := range args {
		for _, s := range g.subs {
			if subName(g, s) == arg {
				return s
			}
		}
	}
	return g
}

func subName(g, s *command) string { return strings.TrimPrefix(s.name, g.name+" ") }

func subNames(g *command, sep string) string {
	names := make([]string, len(g.subs))
	for i, s := range g.subs {
		names[i] = subName(g, s)
	}
	return strings.Join(names, sep)
}

// groupHelp is a group's help: each subcommand's usage line and summary,
// the global flags and an example.
func (a *app) groupHelp(g *command, w io.Writer) {
	fmt.Fprintf(w, "Usage: secondarydns %s %s [ARGS] [flags]\n\n", g.name, subNames(g, "|"))
	for _, s := range g.subs {
		fmt.Fprintf(w, "  %s\n", strings.TrimSpace("secondarydns "+s.name+" "+s.args))
	}
	fmt.Fprintf(w, "\n%s\n\nCommands:\n", g.detail)
	for _, s := range g.subs {
		fmt.Fprintf(w, "  %-8s %s\n", subName(g, s), s.summary)
	}
	fmt.Fprint(w, "\nEvery command takes --account ID (default $"+envAccountID+").\n")
	fmt.Fprint(w, "\nGlobal flags:\n")
	a.printFlags(w, scratchApp().newFlagSet(g.name))
	fmt.Fprintf(w, "\nExample:\n  %s\n\nRun 'secondarydns %s COMMAND --help' for a command's flags.\n", g.example, g.name)
}
