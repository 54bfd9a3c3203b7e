package shell

import (
	"context"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/render"
)

// `use NAME[,NAME...]` chooses the profiles the lines that follow run on:
// a profile, a comma list, a glob or a group, as -p takes them. The shell
// keeps one session, on the first of them (the primary): events above the
// prompt, Tab's live values and the prompt's "(disconnected)" are that
// PBX's. When the primary changes, the shell logs in there first and moves
// its session only once that worked (a failure leaves everything as it
// was). With several targets, each subcommand, !CLI, action or raw block
// line runs on all of them, as `amsh -p a,b LINE` would (Options.Use's
// Apply tells cmd so); built-ins (help, events, exit) stay the shell's own.

// Targets are what `use` switches to; Options.Use resolves them.
type Targets struct {
	// Label names them in the prompt: "pbx1" or "pbx1,pbx2".
	Label string
	// Names are the profiles, in order; the first is the primary.
	Names []string
	// Session is how to dial the primary.
	Session ami.Config
	// Apply, when set, is called once the shell has switched: from then
	// on Run runs lines on these targets.
	Apply func()
}

// use shows or changes the targets.
func (sh *Shell) use(args []string) error {
	if len(args) == 0 {
		sh.showTargets()
		return nil
	}
	// "use a, b" is "use a,b".
	var items []string
	for _, a := range args {
		for it := range strings.SplitSeq(a, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
	}
	spec := strings.Join(items, ",")
	if spec == "" {
		return lineErrorf("use: name a profile, a comma list, a glob or a group")
	}
	if sh.opts.Use == nil {
		return lineErrorf("use: this shell cannot change its profile")
	}
	// Resolving may run a secret command or prompt, and dialling may wait
	// on a PBX that does not answer: Ctrl-C ends it, changing nothing.
	ctx, cancel := sh.lineContext()
	defer cancel()
	t, err := sh.opts.Use(ctx, spec)
	if err != nil {
		if ctx.Err() != nil {
			return context.Canceled
		}
		return err
	}
	if len(t.Names) == 0 {
		return lineErrorf("use %s: no profile", spec)
	}
	if t.Names[0] != sh.primary {
		if err := sh.moveSession(ctx, t.Names[0], t.Session); err != nil {
			if ctx.Err() != nil {
				return context.Canceled
			}
			return fmt.Errorf("use %s: %w (still using %s)", spec, err, sh.currentLabel())
		}
	}
	if t.Apply != nil {
		t.Apply()
	}
	sh.promptMu.Lock()
	sh.label = t.Label
	sh.promptMu.Unlock()
	sh.targets = nil
	if len(t.Names) > 1 {
		sh.targets = t.Names
	}
	sh.updatePrompt()
	return nil
}

// showTargets prints what the lines run on.
func (sh *Shell) showTargets() {
	if len(sh.targets) == 0 {
		fmt.Fprintf(sh.opts.Out, "using %s\n", render.TerminalSafe(sh.currentLabel()))
		return
	}
	fmt.Fprintf(sh.opts.Out, "using %s (events and Tab completion from %s)\n",
		render.TerminalSafe(strings.Join(sh.targets, ", ")), render.TerminalSafe(sh.primary))
}

func (sh *Shell) currentLabel() string {
	sh.promptMu.Lock()
	defer sh.promptMu.Unlock()
	return sh.label
}

// moveSession logs in to primary with cfg (ctx bounds the dial and the
// login) and, once that worked, makes it the shell's session: the
// supervisor is restarted on it, the printer follows its events, the
// completion snapshot forgets the old PBX's values and refreshes, and the
// old session is logged off.
func (sh *Shell) moveSession(ctx context.Context, primary string, cfg ami.Config) error {
	cfg = sessionDefaults(cfg, sh.opts.Timeout)
	ns, err := ami.Dial(ctx, cfg)
	if err != nil {
		return err
	}
	sh.stopSup()
	old, ok := sh.link.replace(ns)
	if !ok {
		ns.Close()
		return context.Canceled
	}
	sh.cfg, sh.primary = cfg, primary
	sh.mu.Lock()
	sh.actions, sh.listed = nil, false // the old PBX's
	sh.mu.Unlock()
	sh.startSupervisor()
	if sh.opts.Interactive {
		sh.prn.follow(ns.Subscribe(eventQueue))
		sh.store.Update(func(s *completion.Snapshot) *completion.Snapshot {
			return &completion.Snapshot{Commands: s.Commands, Profiles: s.Profiles, Groups: s.Groups}
		})
		sh.refreshSoon()
		sh.con.line(fmt.Sprintf("connected to %s, %s", describe(primary, ns.Addr()), render.TerminalSafe(ns.Banner())))
	}
	if old != nil {
		ctx, cancel := context.WithTimeout(sh.base, min(sh.opts.Timeout, logoffWait))
		old.Logoff(ctx)
		cancel()
	}
	return nil
}
