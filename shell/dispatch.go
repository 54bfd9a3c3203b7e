package shell

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/render"
)

// handle runs one line.
func (sh *Shell) handle(text string) {
	if sh.block != nil {
		sh.blockLine(text)
		return
	}
	t := strings.TrimSpace(text)
	if t == "" || strings.HasPrefix(t, "#") {
		return
	}
	if sh.opts.Interactive && !holdsSecret(t) {
		sh.ed.SaveHistory(t)
	}
	l, err := sh.classifier().parse(t)
	if err != nil {
		sh.record(err)
		return
	}
	switch l.kind {
	case kindBuiltin:
		sh.record(sh.builtin(l.words))
	case kindSubcommand, kindCLI, kindAction, kindWatch:
		sh.record(sh.dispatch(l.args()))
	case kindBlock:
		sh.block = &rawBlock{action: l.text}
		sh.inBlock.Store(true)
	}
}

// blockLine adds a header to the raw block, or sends it on an empty line.
func (sh *Shell) blockLine(text string) {
	t := strings.TrimSpace(text)
	if t == "" {
		sh.sendBlock()
		return
	}
	if sh.opts.Interactive && !holdsSecret(t) && !holdsSecret(sh.block.action) {
		sh.ed.SaveHistory(t)
	}
	k, v, err := header(t)
	if err == nil && strings.EqualFold(k, "Action") {
		err = lineErrorf("raw block: one Action per block (an empty line sends %s)", sh.block.action)
	}
	if err != nil {
		sh.record(err)
		return
	}
	sh.block.headers = append(sh.block.headers, [2]string{k, v})
}

func (sh *Shell) endBlock() {
	sh.block = nil
	sh.inBlock.Store(false)
}

// sendBlock sends the raw block through `action`, so it is validated,
// confirmed and rendered like any action.
func (sh *Shell) sendBlock() {
	b := sh.block
	sh.endBlock()
	args := []string{"action", "--", b.action}
	for _, h := range b.headers {
		args = append(args, h[0]+"="+h[1])
	}
	sh.record(sh.dispatch(args))
}

// dispatch runs a subcommand line. Interactive, Ctrl-C (SIGINT: the
// terminal is in cooked mode while a command runs) cancels this line only.
// A line whose context was cancelled (Ctrl-C, or the end of a batch) fails
// with context.Canceled, whatever the command made of the cancellation.
func (sh *Shell) dispatch(args []string) error {
	ctx, cancel := sh.lineContext()
	defer cancel()
	out := sh.opts.Out
	if sh.opts.Interactive {
		lw := &lineWriter{con: sh.con}
		defer lw.Flush()
		out = lw
	}
	err := sh.opts.Run(ctx, args, out, sh.opts.ErrOut)
	if err != nil && ctx.Err() != nil {
		return context.Canceled
	}
	return err
}

// lineContext is the context of one line that may wait on the network (a
// subcommand, use): interactive, Ctrl-C (SIGINT: the terminal is in cooked
// mode while a line runs) cancels it, and not the shell. cancel also stops
// listening for SIGINT.
func (sh *Shell) lineContext() (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancelCtx := context.WithCancel(sh.base)
	if !sh.opts.Interactive {
		return ctx, cancelCtx
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		select {
		case <-sig:
			cancelCtx()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		cancelCtx()
	}
}

// Usage marks a line error as a mistake in what was typed: Options.Explain
// gives it the usage status.
func (e *lineError) Usage() bool { return true }

// record prints a line's error, if any, and keeps its exit status. The
// message and status are Options.Explain's. Batch mode prints
// "amsh: MESSAGE" on stderr, as `amsh ARGS` does; the interactive shell
// prints "error: MESSAGE" through the console, on a line of its own (never
// glued to keys typed ahead while the command ran), and a line ended by
// Ctrl-C as a plain "interrupted".
func (sh *Shell) record(err error) {
	code, msg := sh.explain(err)
	sh.last = code
	if code != 0 && sh.first == 0 {
		sh.first = code
	}
	switch {
	case msg == "":
	case !sh.opts.Interactive:
		sh.con.line("amsh: " + msg)
	case errors.Is(err, context.Canceled):
		sh.con.line(msg)
	default:
		sh.con.line("error: " + msg)
	}
}

// explain is Options.Explain, or without one: status 1 and the error's text.
func (sh *Shell) explain(err error) (code int, msg string) {
	switch {
	case err == nil:
		return 0, ""
	case sh.opts.Explain != nil:
		return sh.opts.Explain(err)
	}
	return 1, render.TerminalSafe(err.Error())
}

// classifier is the line parser over what the shell knows.
func (sh *Shell) classifier() classifier {
	return classifier{
		subcommand: func(w string) bool {
			return slices.ContainsFunc(sh.opts.Commands, func(c completion.Command) bool { return c.Name == w })
		},
		action: sh.actionName,
	}
}

// actionName says whether w names an action: one the server lists (any
// case; its spelling is returned), else any action-like word with a
// capital letter. A lower-case word the list has not been seen for yet
// costs one ListCommands, once.
func (sh *Shell) actionName(w string) (string, bool) {
	find := func() (string, bool) {
		for _, a := range sh.knownActions() {
			if strings.EqualFold(a.Name, w) {
				return a.Name, true
			}
		}
		return "", false
	}
	if name, ok := find(); ok {
		return name, true
	}
	if looksLikeAction(w) {
		return w, true
	}
	if !completion.IsActionName(w) || len(sh.knownActions()) > 0 {
		return "", false
	}
	sh.listActions()
	return find()
}

func (sh *Shell) knownActions() []completion.Action {
	if sh.store != nil {
		if as := sh.store.Load().Actions; len(as) > 0 {
			return as
		}
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.actions
}

// listActions fetches the server's action list once.
func (sh *Shell) listActions() {
	sh.mu.Lock()
	if sh.listed {
		sh.mu.Unlock()
		return
	}
	sh.listed = true
	sh.mu.Unlock()
	s, err := sh.Session(sh.base)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(sh.base, sh.opts.Timeout)
	defer cancel()
	res, err := s.Send(ctx, ami.NewAction("ListCommands"))
	if err != nil {
		return
	}
	actions := completion.ListCommands(res.Response)
	sh.mu.Lock()
	sh.actions = actions
	sh.mu.Unlock()
	if sh.store != nil {
		sh.store.Update(func(old *completion.Snapshot) *completion.Snapshot {
			if len(old.Actions) > 0 {
				return old
			}
			next := *old
			next.Actions = actions
			return &next
		})
	}
}
