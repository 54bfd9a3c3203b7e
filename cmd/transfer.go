package cmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// TransferOptions are what `amsh transfer` needs.
type TransferOptions struct {
	Format      func() string // the -o format
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error

	Channel  string // the transferer: the party whose peer moves
	To       string // EXTEN@CONTEXT
	Attended bool   // Atxfer instead of a blind transfer
}

// NewCmdTransfer is `amsh transfer`; runF, when set, runs instead of
// transferRun.
func NewCmdTransfer(f *Factory, runF func(*TransferOptions) error) *cobra.Command {
	opts := &TransferOptions{Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send, Confirm: f.Confirm}
	c := &cobra.Command{
		Use:   "transfer CHANNEL EXTEN@CONTEXT [--attended]",
		Short: "Transfer the call of a bridged channel to an extension",
		Long: `Transfer works as a phone's transfer key does: CHANNEL is the transferer,
and the channel bridged to it is the one sent to EXTEN@CONTEXT (priority
1). CHANNEL leaves the call.

A blind transfer uses BlindTransfer where the server's ListCommands offers
it (Asterisk 12 and later). On older servers amsh reads the peer from
Status (BridgedChannel, or Link on 1.4) and Redirects the peer; a channel
bridged to nothing is then an error (exit 1).

--attended uses Atxfer: CHANNEL dials EXTEN@CONTEXT while its peer waits,
and the transfer completes when CHANNEL hangs up. Asterisk refuses it
("No attended transfer feature code found") unless features.conf maps
atxfer to a key sequence.

In text amsh prints what moved where and through which action; -o json,
yaml and raw print Asterisk's reply to that action. Transferring asks for
confirmation on a terminal when the profile says confirm: true; --yes skips
the question.`,
		Example: `  # alice's caller goes to extension 200
  amsh transfer PJSIP/alice-00000012 200@from-internal
  amsh transfer PJSIP/alice-00000012 200@from-internal --attended`,
		Args: argsBetween(2, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel, opts.To = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return transferRun(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.Attended, "attended", false, "attended transfer (Atxfer): CHANNEL dials the target first")
	return c
}

func (o *TransferOptions) label() string { return commandLabel("transfer", o.Channel) }

// destination validates the options and reads EXTEN@CONTEXT. BlindTransfer
// and Atxfer take no priority, so one other than 1 is refused.
func (o *TransferOptions) destination() (destination, error) {
	if o.Channel == "" {
		return destination{}, usageErrorf("transfer: CHANNEL is empty")
	}
	if strings.ContainsAny(o.Channel, "\r\n\x00") {
		return destination{}, usageErrorf("%s: CHANNEL holds a line break or NUL", o.label())
	}
	to, err := parseDestination(o.To)
	if err != nil {
		return destination{}, usageErrorf("%s: %v", o.label(), err)
	}
	if to.Priority != "1" {
		return destination{}, usageErrorf("%s: %s: a transfer starts at priority 1; use redirect for another", o.label(), commandLabel(o.To))
	}
	if o.Attended && strings.Trim(to.Exten, "0123456789*#ABCDabcd") != "" {
		// Atxfer keys EXTEN in as DTMF: other characters never arrive, and
		// Asterisk waits for the digits without a word of error.
		return destination{}, usageErrorf("%s: --attended dials %q as DTMF digits: give an extension of 0-9, *, # and A-D", o.label(), to.Exten)
	}
	return to, nil
}

// transferRun picks the action (Atxfer, BlindTransfer, or Status and
// Redirect) and says what moved where.
func transferRun(ctx context.Context, opts *TransferOptions) error {
	to, err := opts.destination()
	if err != nil {
		return err
	}
	where := to.Exten + "@" + to.Context
	question := "transfer the call of " + commandLabel(opts.Channel) + " to " + commandLabel(where)
	if opts.Attended {
		question = "attended transfer of the call of " + commandLabel(opts.Channel) + " to " + commandLabel(where)
	}
	if err := opts.Confirm(question); err != nil {
		return err
	}
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		fields := [][2]string{{"Result", "transferred"}, {"Channel", opts.Channel}, {"To", where}}
		var a *ami.Message
		switch {
		case opts.Attended:
			a = ami.NewAction("Atxfer", "Channel", opts.Channel, "Exten", to.Exten, "Context", to.Context)
			fields[0][1] = "dialing (the transfer completes when " + opts.Channel + " hangs up)"
		default:
			lc, err := opts.Send(ctx, s, ami.NewAction("ListCommands"))
			if err != nil {
				return fmt.Errorf("%s: %w", opts.label(), err)
			}
			if lc.Response.Has("BlindTransfer") {
				a = ami.NewAction("BlindTransfer", "Channel", opts.Channel, "Exten", to.Exten, "Context", to.Context)
				break
			}
			peer, err := bridgedPeer(ctx, opts.Send, s, opts.Channel)
			if err != nil {
				return fmt.Errorf("%s: %w", opts.label(), err)
			}
			a = ami.NewAction("Redirect", "Channel", peer, "Exten", to.Exten, "Context", to.Context, "Priority", "1")
			fields = append(fields, [2]string{"Peer", peer})
		}
		res, err := opts.Send(ctx, s, a)
		if err != nil {
			return fmt.Errorf("%s: %w", opts.label(), err)
		}
		if opts.Format() != "text" {
			return opts.Renderer().Result(res)
		}
		fields = append(fields, [2]string{"Action", a.Get("Action")})
		if msg := res.Response.Get("Message"); msg != "" {
			fields = append(fields, [2]string{"Message", msg})
		}
		return opts.Renderer().Fields(fields)
	})
}

// errNotBridged is a transfer of a channel that has no peer to move.
var errNotBridged = errors.New("not bridged to another channel; nothing to transfer")

// bridgedPeer returns the channel bridged to channel, from its Status event:
// BridgedChannel (Asterisk 1.6 to 11) or Link (1.4). Servers from 12 on
// report bridges by BridgeID instead, but they have BlindTransfer.
func bridgedPeer(ctx context.Context, send SendFunc, s *ami.Session, channel string) (string, error) {
	res, err := send(ctx, s, ami.NewAction("Status", "Channel", channel))
	if err != nil {
		return "", err
	}
	for _, ev := range res.Events {
		if !strings.EqualFold(ev.Event(), "Status") {
			continue
		}
		if peer := cmp.Or(ev.Get("BridgedChannel"), ev.Get("Link")); peer != "" {
			return peer, nil
		}
		return "", fmt.Errorf("%s: %w", channel, errNotBridged)
	}
	return "", fmt.Errorf("%s: Status listed no such channel", channel)
}
