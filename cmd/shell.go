package cmd

import (
	"context"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/shell"
	"github.com/spf13/cobra"
)

// ShellOptions are what `amsh shell` needs. Its lines run subcommands, each
// on a command tree built from a copy of the Factory, and lend them the
// shell's session through Factory.Shared, so it holds the Factory itself.
type ShellOptions struct {
	Factory *Factory
}

// NewCmdShell is `amsh shell`; runF, when set, runs instead of shellRun.
func NewCmdShell(f *Factory, runF func(*ShellOptions) error) *cobra.Command {
	opts := &ShellOptions{Factory: f}
	return &cobra.Command{
		Use:   "shell",
		Short: "Start the interactive shell (what amsh with no arguments runs)",
		Long: `Start amsh's shell: one session to Asterisk, kept up (it reconnects when
Asterisk goes away), and a line for each thing to do. A line is a subcommand
(hangup PJSIP/ep1-0001), !CLI WORDS for an Asterisk CLI command, an action
with Key=Value arguments (Setvar Channel=... Variable=x Value=1), or a raw
block: "Action: NAME", then Key: Value lines, then an empty line. 'help' in
the shell lists it all.

On a terminal (stdin and stdout) it prints events above the prompt,
completes with Tab from a snapshot of the PBX refreshed in the background,
and keeps a history in $XDG_STATE_HOME/amsh/history (lines holding a secret
are never written to it). Ctrl-C cancels the running command, Ctrl-D or
exit leaves.

With stdin not a terminal it reads lines from stdin, runs them all in order
with plain output and no events, and exits with the status of the first
line that failed (0 when none did).

'use NAME[,NAME...]' (a profile, a list, a glob or a group, as -p takes)
switches what the lines that follow run on; the prompt shows it ('amsh
pbx1,pbx2> '), and 'use' alone says what it is. The shell's session moves
to the first profile named: events above the prompt and Tab's live values
come from it. With several, each line runs on all of them as 'amsh -p
pbx1,pbx2 LINE' does: a block per profile (or one list with --merge), one
confirmation, a summary of the failures.`,
		Example: `  amsh shell
  amsh -p lab
  printf 'ping\nCoreShowChannels\n!core show uptime\n' | amsh -p lab
  printf 'use lab,prod\nqueue summary\n' | amsh -p lab`,
		Args: argsBetween(0, 0),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return shellRun(c.Context(), opts)
		},
	}
}

// shellRun runs the REPL: interactive when stdin and stdout are terminals,
// else batch over stdin. Every subcommand a line runs goes through Dispatch
// with f.Shared lending it the shell's one session.
func shellRun(ctx context.Context, o *ShellOptions) error {
	f := o.Factory
	interactive := f.IO.InTTY && f.IO.OutTTY
	conn, err := f.Connection()
	if err != nil {
		return err
	}
	events := conn.Events
	if events == "" {
		events = "on" // the REPL logs in with the profile's mask, default on
	}
	cfg, err := f.sessionConfig(ctx, events)
	if err != nil {
		return err
	}
	// A subcommand that dials its own session (events, profiles check)
	// gets the secret already given, not a second prompt.
	prompt := f.ReadSecret // `use` asks for another profile's
	if f.ReadSecret != nil {
		f.ReadSecret = func(string) (string, error) { return cfg.Secret, nil }
	}
	if !interactive && f.Global.Color == "auto" {
		f.Global.Color = "never" // batch output is plain
	}
	label := conn.ProfileName
	if label == "" {
		label = conn.Addr
	}
	tg := &shellTargets{f: f}
	opts := shell.Options{
		Label:       label,
		Session:     cfg,
		Timeout:     conn.Timeout,
		Interactive: interactive,
		In:          f.IO.In,
		Out:         f.IO.Out,
		ErrOut:      f.IO.ErrOut,
		Colour:      interactive && f.IO.ColorEnabled(f.Global.Color),
		Width:       func() int { return outWidth(f.IO) },
		Run: func(ctx context.Context, args []string, out, errOut io.Writer) error {
			base, sel := tg.get()
			ios := *f.IO
			ios.Out, ios.ErrOut = out, errOut
			ios.Width = outWidth(f.IO)
			lf := *base
			lf.IO = &ios
			if sel != nil {
				return dispatchFleet(ctx, &lf, sel, args)
			}
			return Dispatch(ctx, &lf, args)
		},
		Use: func(ctx context.Context, spec string) (shell.Targets, error) {
			return tg.use(ctx, prompt, spec)
		},
		Explain: Classify,
		EventFilter: func(exprs []string) (func(*ami.Message) bool, error) {
			ef, err := ParseEventFilter(exprs)
			if err != nil {
				return nil, err
			}
			return ef.Match, nil
		},
	}
	opts.Profiles, opts.Groups = profileNames(conn)
	if interactive {
		opts.HistoryFile = shell.HistoryPath(f.IO.Getenv)
	}
	// Building a command tree binds its flags to the factory's Global and
	// resets them to their defaults, so the tree is built over a copy: the
	// global flags given to amsh (-o json, -q, ...) apply to every line.
	tree := *f
	opts.Commands, opts.Topics = shellCommands(&tree)
	sh, err := shell.New(ctx, opts)
	if err != nil {
		return f.where(err)
	}
	f.Shared = sh.Session
	if code := sh.Run(); code != ExitOK {
		return &ExitError{Code: code, Err: errSilent} // each failure was printed as it happened
	}
	return nil
}

// outWidth is the terminal's width now (it may have been resized).
func outWidth(ios *IOStreams) int {
	if file, ok := ios.Out.(*os.File); ok && ios.OutTTY {
		return terminalWidth(file)
	}
	return ios.Width
}

// profileNames lists the profiles and the groups of the file the
// connection came from, as it was read; none for ad-hoc use (--host).
func profileNames(c *Connection) (profiles, groups []string) {
	file := c.file
	if file == nil {
		return nil, nil
	}
	for _, g := range file.GroupOrder {
		if _, ok := file.Groups[g]; ok {
			groups = append(groups, g)
		}
	}
	return file.Order, groups
}

// shellTargets are what the shell's lines run on: a Factory on the
// profile of the shell's session, and with `use a,b` the profiles to run
// each line on (nil: that one profile, on the shell's session).
type shellTargets struct {
	mu  sync.Mutex
	f   *Factory
	sel *fleetSelection
}

func (tg *shellTargets) get() (*Factory, *fleetSelection) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.f, tg.sel
}

// use resolves `use SPEC` as -p resolves it: the first profile is the
// shell's new session (dialled by the shell, with the config returned),
// and the lines run on all of them once the shell applies the result.
// prompt asks for a secret the profile does not hold.
func (tg *shellTargets) use(ctx context.Context, prompt func(string) (string, error), spec string) (shell.Targets, error) {
	f, _ := tg.get()
	if f.env("AMSH_HOST") != "" {
		return shell.Targets{}, usageErrorf("use: $AMSH_HOST names one server; unset it to switch profiles")
	}
	file, _, err := f.loadFile()
	if err != nil {
		return shell.Targets{}, err
	}
	names, err := file.Targets(spec)
	if err != nil {
		return shell.Targets{}, &UsageError{Err: err}
	}
	nf := *f
	nf.conn, nf.ReadSecret, nf.preloaded = nil, prompt, file // the file just read, not a second copy
	nf.Global.Profile, nf.Global.Host = names[0], ""         // a profile's own host, not --host's
	conn, err := nf.Connection()
	if err != nil {
		return shell.Targets{}, err
	}
	events := conn.Events
	if events == "" {
		events = "on"
	}
	cfg, err := nf.sessionConfig(ctx, events)
	if err != nil {
		return shell.Targets{}, err
	}
	if nf.ReadSecret != nil {
		nf.ReadSecret = func(string) (string, error) { return cfg.Secret, nil }
	}
	var sel *fleetSelection
	if len(names) > 1 {
		sel = &fleetSelection{names: names, file: file}
	}
	return shell.Targets{
		Label:   strings.Join(names, ","),
		Names:   names,
		Session: cfg,
		Apply: func() {
			tg.mu.Lock()
			tg.f, tg.sel = &nf, sel
			tg.mu.Unlock()
		},
	}, nil
}

// shellCommands turns the command tree into the REPL's completion commands
// and its help topics.
func shellCommands(f *Factory) ([]completion.Command, []shell.Topic) {
	type node struct {
		cmd  completion.Command
		subs []*node
	}
	root := &node{}
	byPath := map[string]*node{"": root}
	var topics []shell.Topic
	CommandTree(f, func(path []string, flags []string, c *cobra.Command) {
		key := strings.Join(path, " ")
		n := &node{cmd: completion.Command{Name: path[len(path)-1], Flags: flags, Args: completion.SubcommandArgs(key)}}
		byPath[key] = n
		parent := byPath[strings.Join(path[:len(path)-1], " ")]
		if parent != nil {
			parent.subs = append(parent.subs, n)
		}
		if len(path) == 1 {
			topics = append(topics, shell.Topic{Name: c.Name(), Short: c.Short})
		}
	})
	var build func(n *node) []completion.Command
	build = func(n *node) []completion.Command {
		var out []completion.Command
		for _, s := range n.subs {
			c := s.cmd
			c.Sub = build(s)
			out = append(out, c)
		}
		return out
	}
	return build(root), topics
}
