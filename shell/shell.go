package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/render"
)

// Options configure a Shell. cmd/ fills them from its Factory, so this
// package needs neither cobra nor cmd.
type Options struct {
	// Label names the PBX in the prompt: the profile, or host:port ad hoc.
	Label string
	// Session is how to dial, and redial after a lost link. Keepalive
	// defaults to 20s: a half-open link is found and replaced.
	Session ami.Config
	// Timeout is the per-action timeout; a command typed while the link is
	// down waits that long for the reconnection.
	Timeout time.Duration

	// Interactive is a person at a terminal: a prompt, events printed above
	// it, Tab completion, history, Ctrl-C cancelling the running command.
	// Otherwise (batch) lines are read from In and run in order, output is
	// plain and events are not printed.
	Interactive bool
	// Editor is where lines come from. Nil: readline on the terminal when
	// Interactive, else plain lines from In.
	Editor      Editor
	In          io.Reader
	Out, ErrOut io.Writer
	// HistoryFile is the readline editor's history (see HistoryPath).
	HistoryFile string
	Colour      bool       // colour the event lines
	Width       func() int // terminal columns, 0 when unknown

	Commands []completion.Command // the subcommands, for Tab
	Topics   []Topic              // the subcommands, for help
	Profiles []string             // profile names, for Tab
	Groups   []string             // group names (of several profiles), for Tab after use

	// Use resolves `use SPEC` (see use.go); nil: the shell stays on its
	// one profile.
	Use func(ctx context.Context, spec string) (Targets, error)

	// Run runs a subcommand line (args[0] is the subcommand) with the given
	// output streams, through the same run functions as `amsh ARGS...`.
	Run func(ctx context.Context, args []string, out, errOut io.Writer) error
	// Explain is how a line's error is told: its exit status and the one
	// line to print, without a prefix ("" when it was printed already).
	// cmd gives Classify, so the shell, batch mode and `amsh ARGS` agree.
	// The shell's own errors for a mistake in the line have a Usage method
	// returning true; a line cancelled by Ctrl-C fails with
	// context.Canceled. Nil: status 1 and the error's text.
	Explain func(err error) (code int, message string)
	// EventFilter parses `events filter` expressions (those of `events --filter`).
	EventFilter func(exprs []string) (func(*ami.Message) bool, error)
}

// Topic is a subcommand as `help` lists it.
type Topic struct{ Name, Short string }

// keepalive is the Ping interval of the shell's session when the caller
// sets none: a shell sits idle for hours, and a dead link should be noticed
// before the next command, not by it.
const keepalive = 20 * time.Second

// Shell is the REPL: one long-lived session, one editor, one printer.
type Shell struct {
	opts Options
	cfg  ami.Config
	ed   Editor
	con  *console
	prn  *printer
	link *link

	store *completion.Store // nil in batch mode
	fetch *fetcher

	base    context.Context // what every line's context derives from
	cancel  context.CancelFunc
	bg      sync.WaitGroup // supervisor and refresh loop
	again   chan struct{}  // refresh the snapshot now (after a reconnection)
	stopSup func()         // stops the supervisor (startSupervisor)

	// label names the targets in the prompt (Options.Label, then what
	// `use` chose), under promptMu; primary is the profile of the
	// session, targets what `use` listed (nil: the session's profile alone).
	label   string
	primary string
	targets []string

	block    *rawBlock
	inBlock  atomic.Bool
	promptMu sync.Mutex

	mu      sync.Mutex // guards the action list fetched before the snapshot has one
	actions []completion.Action
	listed  bool

	last, first int // exit status of the last line, of the first failure
	leaving     bool
	exitCode    int // set by `exit N`; -1 when not given
}

// rawBlock is an "Action: NAME" block being typed.
type rawBlock struct {
	action  string
	headers [][2]string
}

// New dials the session and sets up the editor, the printer and the
// background work. The caller runs the shell with Run. A failed first dial
// is returned as is (a refused login exits 4, a refused connection 5).
func New(ctx context.Context, opts Options) (*Shell, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Width == nil {
		opts.Width = func() int { return 0 }
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.ErrOut == nil {
		opts.ErrOut = io.Discard
	}
	cfg := sessionDefaults(opts.Session, opts.Timeout)
	s, err := ami.Dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	sh := &Shell{opts: opts, cfg: cfg, link: newLink(s), again: make(chan struct{}, 1), exitCode: -1,
		label: opts.Label, primary: opts.Label}
	// Ctrl-C cancels the running command, never the shell: the process's
	// own interrupt context is cut off and each line gets its own (see
	// dispatch). In batch mode Ctrl-C stops the whole run.
	base := ctx
	if opts.Interactive {
		base = context.WithoutCancel(ctx)
	}
	sh.base, sh.cancel = context.WithCancel(base)

	if opts.Interactive {
		sh.store = completion.NewStore(&completion.Snapshot{
			Commands: withBuiltins(opts.Commands),
			Profiles: sortedSet(opts.Profiles),
			Groups:   sortedSet(opts.Groups),
		})
		sh.fetch = newFetcher(sh.store, sh.link.current, opts.Timeout)
	}
	sh.ed = opts.Editor
	if sh.ed == nil {
		if opts.Interactive {
			sh.ed, err = NewReadlineEditor(ReadlineOptions{HistoryFile: opts.HistoryFile, Complete: sh.complete})
			if err != nil && sh.ed == nil {
				s.Close()
				sh.cancel()
				return nil, fmt.Errorf("terminal: %w", err)
			}
		} else {
			sh.ed = NewLineEditor(opts.In, opts.Out)
		}
	}
	if opts.Interactive {
		sh.con = &console{w: sh.ed.Stdout(), tty: true}
		if err != nil {
			sh.con.line(render.TerminalSafe(fmt.Sprintf("history is not saved: %v", err)))
		}
		sh.prn = newPrinter(sh.con, opts.Colour, opts.Width, sh.store, sh.updatePrompt)
		sh.prn.follow(s.Subscribe(eventQueue))
	} else {
		// Batch output is the commands' own; notices (reconnecting) go to
		// stderr, and no events are subscribed to.
		sh.con = &console{w: opts.ErrOut}
		sh.prn = newPrinter(sh.con, false, opts.Width, nil, nil)
	}
	sh.startSupervisor()
	if opts.Interactive {
		sh.bg.Add(1)
		go func() { defer sh.bg.Done(); sh.fetch.refreshLoop(sh.base, sh.again) }()
	}
	return sh, nil
}

// Session is the shell's live session, for cmd's Factory.Shared: every
// subcommand run in the shell uses it. While the link is down it waits up
// to the per-action timeout for the reconnection.
func (sh *Shell) Session(ctx context.Context) (*ami.Session, error) {
	return sh.link.session(ctx, sh.opts.Timeout)
}

// Run reads and runs lines until exit, quit, Ctrl-D or the end of input,
// then logs off. Interactive, it returns the status of the last line (or
// exit's argument); in batch mode the status of the first line that failed,
// after running them all, or 130 when interrupted (the lines
// after the interrupted one are not run).
func (sh *Shell) Run() int {
	defer sh.close()
	if sh.opts.Interactive {
		s := sh.link.current()
		if s != nil {
			sh.con.write(fmt.Appendf(nil, "connected to %s, %s; 'help' lists what you can type, Ctrl-D leaves\n", describe(sh.opts.Label, s.Addr()), render.TerminalSafe(s.Banner())))
		}
	}
	for !sh.leaving {
		sh.updatePrompt()
		text, err := sh.ed.Readline()
		if errors.Is(err, ErrInterrupt) {
			if sh.block != nil {
				sh.endBlock()
				sh.con.line("raw block dropped")
			}
			continue
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				sh.record(fmt.Errorf("reading input: %w", err))
			}
			if sh.block != nil && !sh.opts.Interactive {
				sh.sendBlock() // the end of a script ends its last block
			}
			break
		}
		sh.handle(text)
		if !sh.opts.Interactive && sh.base.Err() != nil {
			// Ctrl-C (or the caller) stopped the batch: the rest is not run.
			if sh.last != 130 {
				sh.record(context.Canceled)
			}
			sh.exitCode = 130
			break
		}
	}
	switch {
	case sh.exitCode >= 0:
		return sh.exitCode
	case sh.opts.Interactive:
		return sh.last
	}
	return sh.first
}

func describe(label, addr string) string {
	if label == "" || label == addr {
		return addr
	}
	return fmt.Sprintf("%s (profile %s)", addr, label)
}

// logoffWait bounds how long leaving waits for Asterisk's Goodbye. The
// Logoff is a courtesy (closing the socket ends the session all the same),
// and Asterisk answers a session's actions in order, so a busy server would
// otherwise keep the user waiting for answers nobody wants any more.
const logoffWait = 300 * time.Millisecond

// close stops everything New started and logs off. The background work
// (refresh, prefetch, Tab fetches, the supervisor) stops first, so it puts
// no more actions in front of the Logoff.
func (sh *Shell) close() {
	s := sh.link.startClosing()
	sh.cancel()
	if s != nil && s.Err() == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(sh.base), min(sh.opts.Timeout, logoffWait))
		s.Logoff(ctx)
		cancel()
	}
	sh.bg.Wait()
	sh.prn.close()
	sh.ed.Close()
}

// complete answers a Tab from the snapshot and starts fetching what it lacks.
func (sh *Shell) complete(before string) completion.Result {
	res := completion.Complete(before, sh.store.Load())
	if res.CLIMiss != nil || res.ParamsMiss != "" {
		sh.fetch.miss(sh.base, res)
	}
	return res
}

// updatePrompt sets the prompt from the shell's state. It is called from
// the loop, the printer and the supervisor.
func (sh *Shell) updatePrompt() {
	// Computed and set under one lock, so a stale state read by one
	// goroutine never overwrites a newer one set by another.
	sh.promptMu.Lock()
	defer sh.promptMu.Unlock()
	if sh.inBlock.Load() {
		sh.ed.SetPrompt("... ")
		return
	}
	var dropped uint64
	if sh.prn != nil {
		dropped = sh.prn.dropped()
	}
	sh.ed.SetPrompt(promptText(sh.label, sh.link.up(), dropped))
}

// promptText is "amsh LABEL> ", with "(disconnected)" while the link is
// down and "[dropped N]" once events have been lost. LABEL names every
// target after `use a,b`: "amsh a,b> ".
func promptText(label string, up bool, dropped uint64) string {
	var b strings.Builder
	b.WriteString("amsh")
	if label != "" {
		b.WriteString(" " + label)
	}
	if !up {
		b.WriteString(" (disconnected)")
	}
	if dropped > 0 {
		fmt.Fprintf(&b, " [dropped %d]", dropped)
	}
	b.WriteString("> ")
	return b.String()
}

func sortedSet(vs []string) []string {
	out := slices.Clone(vs)
	slices.Sort(out)
	return slices.Compact(out)
}
