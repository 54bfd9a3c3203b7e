package shell

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/amsh/amsh/completion"
)

// builtin runs help, events, use, exit and quit (watch is dispatched: see
// classifier.watch).
func (sh *Shell) builtin(words []string) error {
	switch words[0] {
	case "help", "?":
		return sh.help(words[1:])
	case "events":
		return sh.events(words[1:])
	case "use":
		return sh.use(words[1:])
	case "exit", "quit":
		if len(words) > 2 {
			return lineErrorf("%s takes at most one argument, the exit status", words[0])
		}
		if len(words) == 2 {
			n, err := strconv.Atoi(words[1])
			if err != nil || n < 0 || n > 255 {
				return lineErrorf("%s %q: want an exit status 0-255", words[0], words[1])
			}
			sh.exitCode = n
		}
		sh.leaving = true
	}
	return nil
}

// events shows or changes event printing: `events`, `events on|off`,
// `events filter EXPR...` (no EXPR: every event again).
func (sh *Shell) events(args []string) error {
	out := sh.opts.Out
	if len(args) == 0 {
		state := "off"
		if sh.prn.on.Load() {
			state = "on"
		}
		if !sh.opts.Interactive {
			state += " (not printed in batch mode)"
		}
		fmt.Fprintf(out, "events: %s", state)
		if f := sh.prn.filter.Load(); f != nil {
			fmt.Fprintf(out, ", filter %s", f.text)
		}
		if d := sh.prn.dropped(); d > 0 {
			fmt.Fprintf(out, ", %d dropped", d)
		}
		fmt.Fprintln(out)
		return nil
	}
	switch args[0] {
	case "on", "off":
		if len(args) > 1 {
			return lineErrorf("events %s takes no arguments", args[0])
		}
		sh.prn.on.Store(args[0] == "on")
		if args[0] == "on" && strings.EqualFold(sh.cfg.Events, "off") {
			fmt.Fprintln(sh.opts.ErrOut, "note: this profile logs in with events: off, so Asterisk sends none")
		}
		return nil
	}
	// filter
	if len(args) == 1 {
		sh.prn.filter.Store(nil)
		return nil
	}
	if sh.opts.EventFilter == nil {
		return lineErrorf("events filter: not available")
	}
	match, err := sh.opts.EventFilter(args[1:])
	if err != nil {
		return err
	}
	sh.prn.filter.Store(&eventFilter{text: strings.Join(args[1:], " "), match: match})
	return nil
}

// help prints what a line can be, or the help of one subcommand, built-in
// or action (an action's syntax comes from the server).
func (sh *Shell) help(args []string) error {
	if len(args) == 0 {
		sh.overview(sh.opts.Out)
		return nil
	}
	name := args[0]
	switch {
	case sh.classifier().subcommand(name):
		return sh.dispatch(append(slices.Clone(args), "--help"))
	case isBuiltin([]string{name}) || name == "!":
		sh.overview(sh.opts.Out)
		return nil
	}
	if action, ok := sh.actionName(name); ok && len(args) == 1 {
		return sh.dispatch([]string{"command", "--", "manager show command " + action})
	}
	return lineErrorf("help %s: not a subcommand, an action or a built-in", strings.Join(args, " "))
}

func (sh *Shell) overview(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "A line is one of:")
	fmt.Fprintln(tw, "  SUBCOMMAND ARGS...\ta subcommand, as on the command line (below); NAME --help for its help")
	fmt.Fprintln(tw, "  !CLI WORDS\tan Asterisk CLI command, output verbatim: !core show channels")
	fmt.Fprintln(tw, "  ActionName Key=Value ...\tany AMI action; a key may repeat: Setvar Channel=... Variable=x Value=1")
	fmt.Fprintln(tw, "  Action: NAME\ta raw block: Key: Value lines follow, an empty line sends it, Ctrl-C drops it")
	fmt.Fprintln(tw, "\nSubcommands:")
	for _, t := range sh.opts.Topics {
		fmt.Fprintf(tw, "  %s\t%s\n", t.Name, t.Short)
	}
	fmt.Fprintln(tw, "\nBuilt-ins:")
	fmt.Fprintln(tw, "  help [NAME]\tthis text; a subcommand's help; an action's syntax (from Asterisk)")
	fmt.Fprintln(tw, "  events [on|off]\tshow whether events print above the prompt; turn printing on or off")
	fmt.Fprintln(tw, "  events filter [EXPR...]\tprint only matching events (as events --filter); no EXPR: all")
	fmt.Fprintln(tw, "  use [NAME[,NAME...]]\tshow or change the profiles lines run on: a profile, a list, a glob or a group;")
	fmt.Fprintln(tw, "  \twith several, events and Tab come from the first")
	fmt.Fprintln(tw, "  watch [INTERVAL] LINE\tre-run LINE (ping, queue summary, !core show channels, ...) every INTERVAL (2s) until Ctrl-C")
	fmt.Fprintln(tw, "  exit [STATUS], quit\tleave (so does Ctrl-D); Ctrl-C cancels the running command")
	fmt.Fprintln(tw, "\nTab completes subcommands, flags, actions and their parameters, channels, queues,")
	fmt.Fprintln(tw, "members, endpoints, profiles and (after !) CLI words; Ctrl-R searches the history.")
	tw.Flush()
}

// withBuiltins adds the REPL's own commands to the subcommands, for Tab:
// help, exit, quit, use, and on, off, filter under events.
func withBuiltins(cmds []completion.Command) []completion.Command {
	out := slices.Clone(cmds)
	evSubs := []completion.Command{{Name: "on"}, {Name: "off"}, {Name: "filter"}}
	found := false
	for i := range out {
		if out[i].Name == "events" {
			out[i].Sub = append(slices.Clone(out[i].Sub), evSubs...)
			found = true
		}
	}
	if !found {
		out = append(out, completion.Command{Name: "events", Sub: evSubs})
	}
	out = append(out,
		completion.Command{Name: "help", Args: []completion.ArgKind{completion.ArgAction}},
		completion.Command{Name: "exit"},
		completion.Command{Name: "quit"},
		completion.Command{Name: "use", Args: []completion.ArgKind{completion.ArgTargets}},
		completion.Command{Name: "watch"},
	)
	slices.SortFunc(out, func(a, b completion.Command) int { return strings.Compare(a.Name, b.Name) })
	return out
}
