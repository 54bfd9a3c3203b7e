package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
)

// Renderer returns the one renderer every command prints AMI data with, set
// up from --output, --color and the terminal.
func (f *Factory) Renderer() *render.Renderer {
	return render.New(f.IO.Out, f.renderOptions())
}

// renderOptions are the Renderer options of the global flags and the
// terminal, for Renderer and streamRenderer.
func (f *Factory) renderOptions() render.Options {
	format, _ := render.ParseFormat(f.Global.Output) // validated in PersistentPreRunE
	return render.Options{
		Format:   format,
		Color:    format == render.Text && f.IO.ColorEnabled(f.Global.Color),
		Width:    f.IO.Width,
		Terminal: f.IO.OutTTY,
		Quiet:    f.Global.Quiet,
		Columns:  f.Global.Columns,
		JQ:       f.Global.jq,
	}
}

// WithSession dials, runs fn, and logs off. events is the Login event mask:
// "off" for commands that need none.
//
// Inside the REPL, f.Shared supplies the shell's long-lived session instead,
// neither closed nor logged off, for commands that need no events. A command
// that needs events (originate --wait) still gets a session of its own: the
// shell's mask is the profile's and may not include them, and the shell's
// subscription is shared with the event printer.
func (f *Factory) WithSession(ctx context.Context, events string, fn func(s *ami.Session) error) error {
	if f.Shared != nil && events == "off" {
		s, err := f.Shared(ctx)
		if err != nil {
			return err
		}
		return fn(s)
	}
	// A one-shot session pipelines: the first action goes out right behind
	// the Login, and the Logoff does not wait for the Goodbye.
	cfg, err := f.sessionConfig(ctx, events)
	if err != nil {
		return err
	}
	cfg.LazyLogin = true
	s, err := ami.Dial(ctx, cfg)
	if err != nil {
		return f.where(err)
	}
	defer s.Close()
	if err := fn(s); err != nil {
		return err
	}
	lctx, cancel := f.ActionContext(ctx)
	defer cancel()
	if err := s.LoggedIn(lctx); err != nil { // for an fn that sent nothing
		return f.where(err)
	}
	s.Quit()
	return nil
}

// ActionContext bounds one action by the per-action timeout.
func (f *Factory) ActionContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := f.Global.Timeout
	if c, err := f.Connection(); err == nil {
		d = c.Timeout
	}
	return context.WithTimeout(ctx, d)
}

// Send sends one action within the per-action timeout and says where a
// failure happened.
func (f *Factory) Send(ctx context.Context, s *ami.Session, action *ami.Message) (*ami.Result, error) {
	actx, cancel := f.ActionContext(ctx)
	defer cancel()
	res, err := s.Send(actx, action)
	if err != nil {
		return res, f.where(err)
	}
	return res, nil
}

// Confirm asks before a destructive action when stdin and stderr are a
// terminal, the profile says confirm: true, and --yes was not given. A "no"
// is an ExitError 1 with a message that says nothing was done.
//
// On one target of several, the fleet's one question stands for it (see
// fleetPin.confirm).
func (f *Factory) Confirm(what string) error {
	if f.pin != nil {
		return f.pin.confirm(f, what)
	}
	if f.Global.Yes || !f.IO.InTTY || !f.IO.ErrTTY {
		return nil
	}
	if c, err := f.Connection(); err == nil && !c.Confirm {
		return nil
	}
	return f.ask(what)
}

// ask puts what to the user on stderr and reads the answer from stdin.
func (f *Factory) ask(what string) error {
	fmt.Fprintf(f.IO.ErrOut, "%s? [y/N] ", what)
	line, err := bufio.NewReader(f.IO.In).ReadString('\n')
	if err != nil && line == "" {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("no answer; nothing done")}
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return &ExitError{Code: ExitAsterisk, Err: errors.New("not confirmed; nothing done")}
}
