package cmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// HangupOptions are the arguments of `hangup`.
type HangupOptions struct {
	// Channel is an exact channel name, or /REGEX/ for every channel whose
	// name matches (Asterisk 11+ matches it, with POSIX extended regexes).
	Channel string
	// Cause is a hangup cause, a number 0-127 or a name such as
	// normal_clearing; empty leaves Asterisk's default.
	Cause string
}

func init() { subcommands = append(subcommands, newCmdHangup) }

func newCmdHangup(f *Factory) *cobra.Command {
	opts := &HangupOptions{}
	c := &cobra.Command{
		Use:   "hangup CHANNEL|/REGEX/ [--cause N|NAME]",
		Short: "Hang up a channel, or every channel whose name matches /REGEX/",
		Long: `Hangup ends one channel by its exact name, or with /REGEX/ every channel
whose name matches (Asterisk 11 and later; the regex is Asterisk's POSIX
extended syntax, matched anywhere in the name unless anchored).

The regex form prints the channels Asterisk hung up, one a line under a
Channel heading, or says on stderr that no channel matched (exit 0).
A channel name that does not exist is an error from Asterisk (exit 1).

--cause sets the Q.850 hangup cause: a number 0-127, or a name such as
normal_clearing, user_busy, no_answer, call_rejected or congestion
(case-insensitive; spaces or dashes for underscores; AST_CAUSE_ optional).

Hanging up asks for confirmation on a terminal when the profile says
confirm: true; --yes skips the question.`,
		Example: `  amsh hangup PJSIP/alice-00000012
  amsh hangup PJSIP/alice-00000012 --cause user_busy
  # every Local channel of the dialer context
  amsh -y hangup '/^Local\/.*@dialer-/'`,
		Args: argRange(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel = args[0]
			return runHangup(c.Context(), f, opts)
		},
	}
	c.Flags().StringVar(&opts.Cause, "cause", "", "hangup cause: a number 0-127 or a name such as normal_clearing")
	return c
}

// runHangup hangs up one channel or, for /REGEX/, every matching channel and
// lists them.
func runHangup(ctx context.Context, f *Factory, opts *HangupOptions) error {
	if opts.Channel == "" {
		return usageErrorf("hangup: CHANNEL is empty")
	}
	label := commandLabel("hangup", opts.Channel)
	a := ami.NewAction("Hangup", "Channel", opts.Channel)
	if opts.Cause != "" {
		n, err := render.ParseHangupCause(opts.Cause)
		if err != nil {
			return usageErrorf("%s: --cause: %v", label, err)
		}
		a.Add("Cause", strconv.Itoa(n))
	}
	if err := ami.ValidateMessage(a); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	// Asterisk takes a name that starts with "/" as a regex; channel names never do.
	regex := strings.HasPrefix(opts.Channel, "/")
	question := "hang up " + commandLabel(opts.Channel)
	if regex {
		question = "hang up every channel matching " + commandLabel(opts.Channel)
	}
	if err := f.Confirm(question); err != nil {
		return err
	}
	return f.WithSession(ctx, "off", func(s *ami.Session) error {
		res, err := f.Send(ctx, s, a)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		r := f.Renderer()
		if !regex || f.Global.Output != "text" {
			return r.Result(res)
		}
		rows := make([][]string, 0, len(res.Events))
		for _, ev := range res.Events {
			rows = append(rows, []string{ev.Get("Channel")})
		}
		if len(rows) == 0 {
			f.note("no channel matched %s", commandLabel(opts.Channel))
			return nil
		}
		return r.Table("", []string{"Channel"}, rows)
	})
}
