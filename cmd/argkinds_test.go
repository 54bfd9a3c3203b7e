package cmd

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/amsh/amsh/completion"
)

// The REPL and cobra's shell completion read one table of argument kinds
// (completion.SubcommandArgs, completion.FlagKind). Every path in it names a
// real command, the REPL's commands carry its kinds, cobra completes the
// commands with live values, and every flag that takes a value is in it (a
// flag it does not know is taken by the REPL for a boolean, and the word
// after it for a positional arg).
func TestOneTableOfArgKinds(t *testing.T) {
	f := NewFactory(&IOStreams{In: strings.NewReader(""), Getenv: func(string) string { return "" }})
	root := NewRootCmd(f)
	cmds, _ := shellCommands(f)
	for _, path := range completion.SubcommandPaths() {
		c := commandAt(root, path)
		if c == nil {
			t.Errorf("%q: no such command", path)
			continue
		}
		kinds := completion.SubcommandArgs(path)
		if got := replCommand(cmds, path); got == nil || !slices.Equal(got.Args, kinds) {
			t.Errorf("%q: the REPL's args are not the table's %v", path, kinds)
		}
		live := slices.ContainsFunc(kinds, func(k completion.ArgKind) bool { return liveKinds[k] != nil })
		if live && c.ValidArgsFunction == nil {
			t.Errorf("%q: kinds %v, but cobra completes nothing", path, kinds)
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			// A flag whose value is optional (--watch[=INTERVAL]) takes it
			// only after '=': the next word is never its value.
			if fl.Value.Type() == "bool" || fl.Hidden || fl.NoOptDefVal != "" {
				return
			}
			if _, ok := completion.FlagKind("--" + fl.Name); !ok {
				t.Errorf("%s --%s takes a value, but completion.FlagKind does not know it", c.CommandPath(), fl.Name)
			}
			if fl.Shorthand != "" {
				if _, ok := completion.FlagKind("-" + fl.Shorthand); !ok {
					t.Errorf("%s -%s takes a value, but completion.FlagKind does not know it", c.CommandPath(), fl.Shorthand)
				}
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func replCommand(cmds []completion.Command, path string) *completion.Command {
	var c *completion.Command
	for _, name := range strings.Fields(path) {
		i := slices.IndexFunc(cmds, func(c completion.Command) bool { return c.Name == name })
		if i < 0 {
			return nil
		}
		c = &cmds[i]
		cmds = c.Sub
	}
	return c
}
