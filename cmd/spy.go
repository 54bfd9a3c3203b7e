package cmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// SpyOptions are what `amsh spy` needs: an Originate of From into ChanSpy.
type SpyOptions struct {
	Originate *OriginateOptions // Channel, App, Data and Confirm are set by spyRun

	Channel string // the channel listened to
	From    string // the endpoint that listens: PJSIP/ep1, Local/x@ctx
	Whisper bool   // the listener talks to CHANNEL
	Barge   bool   // the listener talks to both parties
}

// NewCmdSpy is `amsh spy`; runF, when set, runs instead of spyRun.
func NewCmdSpy(f *Factory, runF func(*SpyOptions) error) *cobra.Command {
	opts := &SpyOptions{Originate: newOriginateOptions(f)}
	c := &cobra.Command{
		Use:   "spy CHANNEL --from ENDPOINT [--whisper|--barge] [--wait]",
		Short: "Listen to a channel's call from an endpoint (ChanSpy)",
		Long: `Spy calls ENDPOINT (a channel string such as PJSIP/supervisor or
Local/200@internal) and, once it answers, connects it to ChanSpy on
CHANNEL:

  (default)   listen: ENDPOINT hears both parties, nobody hears ENDPOINT
  --whisper   ENDPOINT also talks to CHANNEL (ChanSpy option w)
  --barge     ENDPOINT talks to both parties (ChanSpy option B)

ChanSpy runs with options q (no beep, the channel name is not spoken),
E (the spy call ends when CHANNEL hangs up) and S (it ends at once when no
channel's name starts with CHANNEL, so a mistyped name does not leave it
waiting).

It is an Originate: without --wait amsh prints Asterisk's reply ("Originate
successfully queued"); with --wait it follows the call to its
OriginateResponse (exit 0 answered, 3 not answered), as originate --wait
does; --answer-timeout is how long ENDPOINT may ring.

Spying asks for confirmation on a terminal when the profile says
confirm: true; --yes skips the question.`,
		Example: `  amsh spy PJSIP/alice-00000012 --from PJSIP/supervisor
  amsh spy PJSIP/alice-00000012 --from PJSIP/supervisor --whisper --wait`,
		Args: argsBetween(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel = args[0]
			if runF != nil {
				return runF(opts)
			}
			return spyRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.From, "from", "", "call `ENDPOINT` (PJSIP/ep1, Local/x@ctx) and let it listen")
	fl.BoolVar(&opts.Whisper, "whisper", false, "ENDPOINT talks to CHANNEL (ChanSpy w)")
	fl.BoolVar(&opts.Barge, "barge", false, "ENDPOINT talks to both parties (ChanSpy B)")
	fl.BoolVar(&opts.Originate.Wait, "wait", false, "wait for ENDPOINT to answer: exit 0 answered, 3 not answered")
	fl.DurationVar(&opts.Originate.AnswerTimeout, "answer-timeout", 0, "let ENDPOINT ring for `DURATION` (default 30s)")
	return c
}

// chanSpyData is ChanSpy's argument: the channel (a name prefix to ChanSpy)
// and its options.
func (o *SpyOptions) chanSpyData() (string, string, error) {
	label := commandLabel("spy", o.Channel)
	mode, options := "listen", "qES"
	switch {
	case o.Channel == "":
		return "", "", usageErrorf("spy: CHANNEL is empty")
	case strings.ContainsAny(o.Channel, ",|\r\n\x00"):
		// ChanSpy's arguments are comma separated (| before 1.6).
		return "", "", usageErrorf("%s: CHANNEL holds a comma, '|' or a line break", label)
	case o.From == "":
		return "", "", usageErrorf("%s: give --from ENDPOINT, the channel that listens", label)
	case o.Whisper && o.Barge:
		return "", "", usageErrorf("%s: --whisper and --barge exclude each other", label)
	case o.Whisper:
		mode, options = "whisper", options+"w"
	case o.Barge:
		mode, options = "barge", options+"B"
	}
	return o.Channel + "," + options, mode, nil
}

// spyRun originates From into ChanSpy.
func spyRun(ctx context.Context, opts *SpyOptions) error {
	data, mode, err := opts.chanSpyData()
	if err != nil {
		return err
	}
	o := *opts.Originate
	o.Channel, o.App, o.Data = opts.From, "ChanSpy", data
	question := "spy on " + commandLabel(opts.Channel) + " from " + commandLabel(opts.From) + " (" + mode + ")"
	o.Confirm = func(string) error { return opts.Originate.Confirm(question) }
	return originateRun(ctx, &o)
}
