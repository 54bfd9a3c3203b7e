package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// RedirectOptions are what `amsh redirect` needs.
type RedirectOptions struct {
	Format      func() string // the -o format
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error

	Channel string
	To      string // EXTEN@CONTEXT[:PRIO]
	// ExtraChannel is a second channel (the other leg of the call), sent to
	// ExtraTo, or to To when ExtraTo is empty, by the same action.
	ExtraChannel string
	ExtraTo      string
}

// NewCmdRedirect is `amsh redirect`; runF, when set, runs instead of
// redirectRun.
func NewCmdRedirect(f *Factory, runF func(*RedirectOptions) error) *cobra.Command {
	opts := &RedirectOptions{Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send, Confirm: f.Confirm}
	c := &cobra.Command{
		Use:   "redirect CHANNEL EXTEN@CONTEXT[:PRIO] [--extra-channel C [--extra-to EXTEN@CONTEXT[:PRIO]]]",
		Short: "Send a channel to another place in the dialplan",
		Long: `Redirect takes CHANNEL out of whatever it is doing (an application, a
bridge) and starts it again at EXTEN@CONTEXT, priority PRIO (1 unless
given; a number or a label).

Redirecting one channel of a bridged call leaves its peer behind, which
Asterisk then hangs up or sends on through the dialplan. --extra-channel
moves a second channel (usually that peer) in the same action, to
--extra-to, or to the same place when --extra-to is not given.

In text amsh prints what was moved and where; -o json, yaml and raw print
Asterisk's reply. A channel that does not exist is an error from Asterisk
(exit 1).

Redirecting asks for confirmation on a terminal when the profile says
confirm: true; --yes skips the question.`,
		Example: `  amsh redirect PJSIP/alice-00000012 100@from-internal
  amsh redirect PJSIP/alice-00000012 menu@ivr:start
  # both legs of a call to a conference
  amsh redirect PJSIP/alice-00000012 800@conf --extra-channel PJSIP/bob-00000013`,
		Args: argsBetween(2, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel, opts.To = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return redirectRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.ExtraChannel, "extra-channel", "", "also redirect `CHANNEL` (the call's other leg)")
	fl.StringVar(&opts.ExtraTo, "extra-to", "", "send --extra-channel to `EXTEN@CONTEXT[:PRIO]` (default: the same place)")
	return c
}

// destination is a place in the dialplan: EXTEN@CONTEXT[:PRIO].
type destination struct {
	Exten, Context, Priority string
}

func (d destination) String() string { return d.Exten + "@" + d.Context + ":" + d.Priority }

// parseDestination reads EXTEN@CONTEXT[:PRIO]; the priority is "1" when
// not given. Context names hold neither '@' nor ':', so the last '@' ends
// the extension and the first ':' after it starts the priority.
func parseDestination(s string) (destination, error) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 || i == len(s)-1 {
		return destination{}, fmt.Errorf("%s: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal", commandLabel(s))
	}
	d := destination{Exten: s[:i], Context: s[i+1:], Priority: "1"}
	if ctx, prio, ok := strings.Cut(d.Context, ":"); ok {
		if ctx == "" || prio == "" {
			return destination{}, fmt.Errorf("%s: want EXTEN@CONTEXT[:PRIO], such as 100@from-internal:1", commandLabel(s))
		}
		d.Context, d.Priority = ctx, prio
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		return destination{}, fmt.Errorf("%s: holds a line break or NUL", commandLabel(s))
	}
	return d, nil
}

// action validates the options and builds the Redirect action.
func (o *RedirectOptions) action() (*ami.Message, destination, *destination, error) {
	label := commandLabel("redirect", o.Channel)
	if o.Channel == "" {
		return nil, destination{}, nil, usageErrorf("redirect: CHANNEL is empty")
	}
	to, err := parseDestination(o.To)
	if err != nil {
		return nil, destination{}, nil, usageErrorf("%s: %v", label, err)
	}
	a := ami.NewAction("Redirect", "Channel", o.Channel, "Exten", to.Exten, "Context", to.Context, "Priority", to.Priority)
	var extra *destination
	switch {
	case o.ExtraTo != "" && o.ExtraChannel == "":
		return nil, destination{}, nil, usageErrorf("%s: --extra-to goes with --extra-channel", label)
	case o.ExtraChannel != "":
		d := to
		if o.ExtraTo != "" {
			if d, err = parseDestination(o.ExtraTo); err != nil {
				return nil, destination{}, nil, usageErrorf("%s: --extra-to %v", label, err)
			}
		}
		extra = &d
		a.Add("ExtraChannel", o.ExtraChannel)
		a.Add("ExtraExten", d.Exten)
		a.Add("ExtraContext", d.Context)
		a.Add("ExtraPriority", d.Priority)
	}
	if err := ami.ValidateMessage(a); err != nil {
		return nil, destination{}, nil, usageErrorf("%s: %v", label, err)
	}
	return a, to, extra, nil
}

// redirectRun sends the Redirect and says what moved where.
func redirectRun(ctx context.Context, opts *RedirectOptions) error {
	a, to, extra, err := opts.action()
	if err != nil {
		return err
	}
	label := commandLabel("redirect", opts.Channel)
	question := "redirect " + commandLabel(opts.Channel) + " to " + commandLabel(to.String())
	if extra != nil {
		question += " and " + commandLabel(opts.ExtraChannel) + " to " + commandLabel(extra.String())
	}
	if err := opts.Confirm(question); err != nil {
		return err
	}
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		res, err := opts.Send(ctx, s, a)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		if opts.Format() != "text" {
			return opts.Renderer().Result(res)
		}
		fields := [][2]string{{"Result", "redirected"}, {"Channel", opts.Channel}, {"To", to.String()}}
		if extra != nil {
			fields = append(fields, [2]string{"ExtraChannel", opts.ExtraChannel}, [2]string{"ExtraTo", extra.String()})
		}
		if msg := res.Response.Get("Message"); msg != "" {
			fields = append(fields, [2]string{"Message", msg})
		}
		return opts.Renderer().Fields(fields)
	})
}
