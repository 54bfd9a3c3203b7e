package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Dispatch runs one REPL line that names a subcommand (args already split
// into words). Each line gets a fresh command tree over a copy of f, so the
// line's flags (-o json, --queue ...) start from the shell's own settings and
// nothing a line sets survives into the next: cobra keeps flag state inside
// its commands, which is why the REPL never re-executes one tree. Only the
// chosen command's RunE is called; cobra's Execute is not re-entered.
//
// It returns the command's error; ExitCode maps it. `--help` on a line
// prints that command's help.
func Dispatch(ctx context.Context, f *Factory, args []string) error {
	_, c, pos, err := parseLine(ctx, f, args)
	if err != nil || c == nil {
		return err
	}
	return c.RunE(c, pos)
}

// parseLine finds the command of a REPL line and parses its flags and
// arguments on a copy of f, which it returns. A nil command means the line
// asked for help, which was printed.
func parseLine(ctx context.Context, f *Factory, args []string) (*Factory, *cobra.Command, []string, error) {
	lf := *f
	lf.preloaded = nil // a line reads the profiles file as it is now
	root := newRoot(&lf, false)
	lf.Global = f.Global // newRoot reset the flags' targets to their defaults
	c, rest, err := root.Find(args)
	if err != nil || c == root {
		return nil, nil, nil, usageErrorf("unknown command %q (type 'help')", args[0])
	}
	c.SetContext(ctx)
	c.SetOut(lf.IO.Out)
	c.SetErr(lf.IO.ErrOut)
	if err := c.ParseFlags(rest); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, nil, nil, c.Help()
		}
		name := commandName(c) // "queue add", as typed on the line
		return nil, nil, nil, &UsageError{Err: fmt.Errorf("%s: %w (see '%s --help')", name, err, name)}
	}
	if help, _ := c.Flags().GetBool("help"); help || c.RunE == nil {
		return nil, nil, nil, c.Help()
	}
	pos := c.Flags().Args()
	if err := c.ValidateArgs(pos); err != nil {
		return nil, nil, nil, err // a usage error that names the command (see usageArgs)
	}
	if err := lf.validateGlobal(); err != nil {
		return nil, nil, nil, err
	}
	return &lf, c, pos, nil
}

// dispatchFleet runs one REPL line on several profiles (after `use a,b`),
// as `amsh -p a,b LINE` would: each target on a session of its own, the
// results in the order given, one confirmation, the summary line. What
// never dials runs once; what cannot run on several is refused as on the
// command line.
func dispatchFleet(ctx context.Context, f *Factory, sel *fleetSelection, args []string) error {
	lf, c, pos, err := parseLine(ctx, f, args)
	if err != nil || c == nil {
		return err
	}
	if runsOnce(c, pos) {
		return c.RunE(c, pos)
	}
	lf.Shared = nil // the shell's session is the first target's only
	lf.args = args
	// The same checks and run as `amsh -p a,b LINE`; the file's warnings
	// were printed at `use`.
	if err := lf.fleetRun(c, sel.names, sel.file, false); err != nil || lf.stream == nil {
		return err
	}
	return c.RunE(c, pos) // events, over the targets fleetRun set
}

// CommandNames lists the subcommands a REPL line may start with.
func CommandNames(f *Factory) []string {
	var names []string
	for _, c := range newRoot(f, false).Commands() {
		if c.IsAvailableCommand() && c.Name() != "shell" && c.Name() != "completion" {
			names = append(names, c.Name())
		}
	}
	return names
}

// CommandTree visits every subcommand with its path ("queue pause") and its
// flag names (with dashes), for the REPL's completion snapshot.
func CommandTree(f *Factory, visit func(path []string, flags []string, c *cobra.Command)) {
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.Name() == "shell" || sub.Name() == "completion" {
				continue
			}
			p := append(append([]string(nil), path...), sub.Name())
			var flags []string
			sub.Flags().VisitAll(func(fl *pflag.Flag) {
				if fl.Hidden {
					return
				}
				flags = append(flags, "--"+fl.Name)
				if fl.Shorthand != "" {
					flags = append(flags, "-"+fl.Shorthand)
				}
			})
			sub.InheritedFlags().VisitAll(func(fl *pflag.Flag) {
				if !fl.Hidden && !strings.HasPrefix(fl.Name, "help") {
					flags = append(flags, "--"+fl.Name)
				}
			})
			visit(p, flags, sub)
			walk(sub, p)
		}
	}
	walk(newRoot(f, false), nil)
}
