package cmd

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/amsh/amsh/render"
)

// GlobalOptions are amsh's global flags, shared by every subcommand.
type GlobalOptions struct {
	Profile string
	Config  string
	Host    string
	User    string
	Output  string
	Timeout time.Duration
	Color   string
	Trace   bool
	Quiet   bool
	Yes     bool
	JQ      string   // --jq EXPR (shaping.go)
	Columns []string // --columns A,B,C

	outputSet bool       // -o was given: --jq then needs it to be json
	jq        *render.JQ // JQ compiled by validateGlobal

	All      bool // every profile of the file (fleet.go)
	Parallel int  // how many targets of a fleet run at once
	Merge    bool // a fleet's results as one list with a Profile column (fleet_merge.go)
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command { return newRoot(f, true) }

// subcommand is one of amsh's subcommands: the name and aliases its
// constructor gives it, so that a command line can be matched to it before
// it is built (a test checks that they agree).
type subcommand struct {
	name    string
	aliases []string
	build   func(f *Factory) *cobra.Command // a nil runF: the command runs its own xRun
	// whole: the command reads the tree it is in (completion hands the
	// root to cobra's script writers), so it runs on the whole tree.
	whole bool
}

// subcommands lists every subcommand, in one place: newRoot adds them all,
// rootFor only the one a command line names. It is a function because the
// constructors lead back to newRoot (the shell builds trees of its own).
func subcommands() []subcommand {
	return []subcommand{
		{name: "action", build: func(f *Factory) *cobra.Command { return NewCmdAction(f, nil) }},
		{name: "command", build: func(f *Factory) *cobra.Command { return NewCmdCommand(f, nil) }},
		{name: "completion", build: func(f *Factory) *cobra.Command { return NewCmdCompletion(f, nil) }, whole: true},
		{name: "decode", build: func(f *Factory) *cobra.Command { return NewCmdDecode(f, nil) }},
		{name: "events", build: func(f *Factory) *cobra.Command { return NewCmdEvents(f, nil) }},
		{name: "hangup", build: func(f *Factory) *cobra.Command { return NewCmdHangup(f, nil) }},
		{name: "originate", build: func(f *Factory) *cobra.Command { return NewCmdOriginate(f, nil) }},
		{name: "ping", build: func(f *Factory) *cobra.Command { return NewCmdPing(f, nil) }},
		{name: "profiles", build: NewCmdProfiles},
		{name: "queue", build: NewCmdQueue},
		{name: "record", build: NewCmdRecord},
		{name: "redirect", build: func(f *Factory) *cobra.Command { return NewCmdRedirect(f, nil) }},
		{name: "shell", build: func(f *Factory) *cobra.Command { return NewCmdShell(f, nil) }},
		{name: "sippeers", build: func(f *Factory) *cobra.Command { return NewCmdSIPPeers(f, nil) }},
		{name: "spy", build: func(f *Factory) *cobra.Command { return NewCmdSpy(f, nil) }},
		{name: "top", build: func(f *Factory) *cobra.Command { return NewCmdTop(f, nil) }},
		{name: "trace", build: func(f *Factory) *cobra.Command { return NewCmdTrace(f, nil) }},
		{name: "transfer", build: func(f *Factory) *cobra.Command { return NewCmdTransfer(f, nil) }},
		{name: "version", build: func(f *Factory) *cobra.Command { return NewCmdVersion(f, nil) }},
	}
}

// newRoot builds the whole command tree; completions registers the dynamic
// Tab completions, which only a `__complete` request uses. Registering them
// costs more than building the tree (about 1 ms), and cobra keeps them in a
// process-wide map, so one-shot runs and REPL lines leave them out.
func newRoot(f *Factory, completions bool) *cobra.Command {
	return finishRoot(rootCmd(f), f, subcommands(), completions)
}

// rootFor builds the tree that runs the command line args: the root with
// only the subcommand that args name, when they name one, else the whole
// tree (no arguments, help, --help, --version, a completion request, a
// mistyped name that needs "did you mean"). Building every subcommand and
// its flags is most of the work newRoot does, and a command line runs one.
// What a subcommand prints is the same in either tree: its help shows its
// own subcommands and the root's flags, never its siblings.
func rootFor(f *Factory, args []string) *cobra.Command {
	if len(args) > 0 && strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		return newRoot(f, true)
	}
	root := rootCmd(f)
	if s, ok := namedSubcommand(root.PersistentFlags(), args); ok && !s.whole {
		return finishRoot(root, f, []subcommand{s}, false)
	}
	return finishRoot(root, f, subcommands(), false)
}

// namedSubcommand is the subcommand that args name, found as cobra finds
// it: the first argument that is neither a flag nor the value of one. pf is
// the root's persistent flags; a flag with no NoOptDefVal takes the next
// argument as its value unless it has one after "=" (-pNAME for a short
// one), as in cobra. It names none when args name no subcommand, and when
// an argument before the name is one whose reading is in doubt: "--" (cobra
// then finds no subcommand), -h, --help, --version, a flag that is not a
// global one, or short flags run together (-qy). The bool is false when
// it names none.
func namedSubcommand(pf *pflag.FlagSet, args []string) (subcommand, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "" || a == "-" || a == "--":
			return subcommand{}, false
		case strings.HasPrefix(a, "--"):
			name, _, inline := strings.Cut(a[2:], "=")
			fl := pf.Lookup(name)
			if fl == nil {
				return subcommand{}, false
			}
			if !inline && fl.NoOptDefVal == "" {
				i++ // --profile NAME
			}
		case strings.HasPrefix(a, "-"):
			fl := pf.ShorthandLookup(a[1:2])
			switch {
			case fl == nil:
				return subcommand{}, false
			case len(a) == 2 && fl.NoOptDefVal == "":
				i++ // -p NAME
			case len(a) > 2 && fl.NoOptDefVal != "":
				return subcommand{}, false // -qy, -qpNAME
			}
		default:
			for _, sc := range subcommands() {
				if sc.name == a || slices.Contains(sc.aliases, a) {
					return sc, true
				}
			}
			return subcommand{}, false
		}
	}
	return subcommand{}, false
}

// finishRoot adds subs to root and makes its errors amsh's.
func finishRoot(root *cobra.Command, f *Factory, subs []subcommand, completions bool) *cobra.Command {
	for _, s := range subs {
		root.AddCommand(s.build(f))
	}
	if completions {
		registerCompletions(root, f)
	}
	suggestCommands(root)
	usageArgs(root)
	return root
}

// rootCmd is the root command with its flags and no subcommands.
func rootCmd(f *Factory) *cobra.Command {
	g := &f.Global
	showVersion := false
	root := &cobra.Command{
		Use:   "amsh",
		Short: "A shell for the Asterisk Manager Interface",
		Long: `amsh talks to Asterisk over AMI: one-shot subcommands for scripts, and an
interactive shell when run with no arguments on a terminal.

Connection settings come from a profile (see 'amsh profiles --help'), from
flags, or from the environment: flag > environment > profile > default.
The secret is never a flag: it comes from the profile, $AMSH_SECRET, or a
prompt on a terminal.`,
		Example: `  amsh -p lab command core show channels
  amsh --host 127.0.0.1:5038 --user admin ping
  amsh -o json action CoreShowChannels | jq '.events[].Channel'
  amsh -p 'pbx-*' --merge queue summary`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		Args:              cobra.NoArgs,
		PersistentPreRunE: f.preRun,
		RunE: func(c *cobra.Command, _ []string) error {
			if showVersion {
				return versionRun(newVersionOptions(f))
			}
			return runBare(c.Context(), f)
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &UsageError{Err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	// amsh has its own completion command; a tree without it (see rootFor)
	// needs no cobra default in its place.
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)

	pf := root.PersistentFlags()
	pf.StringVarP(&g.Profile, "profile", "p", "", "profile `NAME` from the profiles file ($AMSH_PROFILE); several: a,b, 'pbx-*' or a group")
	pf.BoolVar(&g.All, "all", false, "run on every profile of the profiles file")
	pf.IntVar(&g.Parallel, "parallel", 16, "with several profiles, run on at most `N` at once")
	pf.BoolVar(&g.Merge, "merge", false, "print one list whose first column is Profile instead of a block per profile (with one profile, still the Profile column)")
	pf.StringVar(&g.Config, "config", "", "profiles `FILE` ($AMSH_CONFIG; default $XDG_CONFIG_HOME/amsh/profiles.yaml)")
	pf.StringVar(&g.Host, "host", "", "connect to `HOST[:PORT]` instead of the profile's host ($AMSH_HOST)")
	pf.StringVar(&g.User, "user", "", "log in as `NAME` ($AMSH_USER); the secret comes from $AMSH_SECRET or a prompt")
	g.Output, g.outputSet = "text", false // the default, as a StringVar would set it
	pf.VarP(&outputFlag{&g.Output, &g.outputSet}, "output", "o", "output `FORMAT`: "+render.FormatUsage())
	pf.DurationVar(&g.Timeout, "timeout", 0, "per-action `DURATION` (default the profile's, else 10s)")
	pf.StringVar(&g.Color, "color", "auto", "colour: auto, always or never (NO_COLOR is honoured)")
	pf.BoolVar(&g.Trace, "trace", false, "write every AMI byte both ways to stderr (secrets masked)")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print only data, no progress or notes")
	pf.BoolVarP(&g.Yes, "yes", "y", false, "do not ask before destructive actions")
	pf.StringVar(&g.JQ, "jq", "", "filter json output with a jq `EXPR`: strings print raw, other results as one-line JSON (implies -o json)")
	pf.StringSliceVar(&g.Columns, "columns", nil, "choose and order the columns of text tables, csv and tsv: `A,B,C` (header names, any case)")
	root.Flags().BoolVar(&showVersion, "version", false, "print amsh's version, as 'amsh version' does")

	return root
}

// suggestCommands makes a mistyped subcommand a usage error that says
// "did you mean …?", at every level: amsh pign, amsh queue statu. cobra
// suggests only for the root, and only when the root takes no Args of its
// own; amsh's root has Args (bare amsh runs the shell).
func suggestCommands(c *cobra.Command) {
	if !c.HasSubCommands() {
		return
	}
	c.SuggestionsMinimumDistance = 2
	if !c.HasParent() {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q for %q%s (see '%s --help')",
					args[0], cmd.CommandPath(), didYouMean(cmd, args[0]), cmd.CommandPath())
			}
			if check != nil {
				return check(cmd, args)
			}
			return nil
		}
	} else {
		// A group (queue, profiles) reports a word that names none of its
		// subcommands from RunE, which the shell's Dispatch runs as is.
		run := c.RunE
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("%s: unknown subcommand %q%s (see '%s --help')",
					cmd.Name(), args[0], didYouMean(cmd, args[0]), cmd.CommandPath())
			}
			if run == nil {
				return cmd.Help()
			}
			return run(cmd, args)
		}
	}
	for _, sub := range c.Commands() {
		suggestCommands(sub)
	}
}

// didYouMean is "; did you mean "x"?" for the subcommands of c that are
// close to typed (cobra's SuggestionsFor: edit distance or prefix), or "".
func didYouMean(c *cobra.Command, typed string) string {
	s := c.SuggestionsFor(typed)
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, name := range s {
		q[i] = strconv.Quote(name)
	}
	if len(q) == 1 {
		return "; did you mean " + q[0] + "?"
	}
	return "; did you mean " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1] + "?"
}

// preRun checks the global flags and, when they name several profiles,
// runs the command on each (fleet.go), which ends the command line.
func (f *Factory) preRun(c *cobra.Command, args []string) error {
	if err := f.validateGlobal(); err != nil {
		return err
	}
	if f.Global.jq != nil {
		f.Global.jq = f.Global.jq.WithContext(c.Context())
	}
	return f.fleet(c, args)
}

func (f *Factory) validateGlobal() error {
	g := &f.Global
	if f.pin != nil && f.pin.json {
		// One target of a fleet whose output the fleet shapes itself.
		g.Output, g.outputSet, g.JQ, g.Columns = "json", true, "", nil
	}
	format, err := render.ParseFormat(g.Output)
	if err != nil {
		return usageErrorf("--output %q: want %s", g.Output, render.FormatUsage())
	}
	if format, err = f.shapeOutput(format); err != nil {
		return err
	}
	g.Output = format.String() // the commands compare the canonical name ("text", "raw")
	switch g.Color {
	case "auto", "always", "never":
	default:
		return usageErrorf("--color %q: want auto, always or never", g.Color)
	}
	if g.Timeout < 0 {
		return usageErrorf("--timeout %s: must be positive", g.Timeout)
	}
	return nil
}

// usageArgs makes every command's argument-count error a usage error (exit
// 2): cobra's own validators return plain errors, which would exit 1.
func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				var ue *UsageError
				if errors.As(err, &ue) {
					return err
				}
				if !cmd.HasParent() {
					return &UsageError{Err: fmt.Errorf("%w (see 'amsh --help')", err)}
				}
				return &UsageError{Err: fmt.Errorf("%s: %w (see '%s --help')", cmd.CommandPath(), err, cmd.CommandPath())}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}
