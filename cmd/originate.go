package cmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// OriginateOptions are what `amsh originate` needs.
type OriginateOptions struct {
	Format      func() string // the -o format
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error
	Note        func(format string, a ...any)
	// Connection gives the per-action timeout, which --wait adds to the
	// ringing time.
	Connection func() (*Connection, error)

	Channel  string
	Exten    string
	Context  string
	Priority string // a number or a label; "1" when empty
	App      string
	Data     string

	CallerID string
	Vars     []string // KEY=VALUE, one Variable header each
	Account  string
	// AnswerTimeout is Originate's Timeout: how long CHANNEL may ring. 0
	// leaves Asterisk's default (30s).
	AnswerTimeout time.Duration
	Codecs        string
	EarlyMedia    bool
	ChannelID     string

	// Wait follows the call to its OriginateResponse and reports whether it
	// was answered.
	Wait bool
	// UntilHangup, with Wait, follows an answered call on to its hangup and
	// reports the cause and the talk time (originate_hangup.go).
	UntilHangup bool
}

// originateDefaultRing is Asterisk's own default for Originate's Timeout,
// which --wait needs to know how long to wait.
const originateDefaultRing = 30 * time.Second

const originateAnswered = 4 // AST_CONTROL_ANSWER, OriginateResponse's Reason when answered

// newOriginateOptions is what f gives an Originate, for originate and spy.
func newOriginateOptions(f *Factory) *OriginateOptions {
	return &OriginateOptions{Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send,
		Confirm: f.Confirm, Note: f.note, Connection: f.Connection}
}

// NewCmdOriginate is `amsh originate`; runF, when set, runs instead of
// originateRun.
func NewCmdOriginate(f *Factory, runF func(*OriginateOptions) error) *cobra.Command {
	opts := newOriginateOptions(f)
	c := &cobra.Command{
		Use:   "originate CHANNEL (--exten EXTEN --context CONTEXT [--priority P] | --app APP [--data DATA])",
		Short: "Place a call: ring CHANNEL, then connect it to an extension or an application",
		Long: `Originate asks Asterisk to call CHANNEL and, once it answers, to connect it
to an extension (--exten and --context, --priority 1 unless given) or to
run an application (--app, with --data as its arguments).

amsh always sends Async: true, so Asterisk answers as soon as the call is
queued. With --wait, amsh follows the call to its OriginateResponse event
(matched by ActionID) and reports how it ended:

  exit 0  answered; prints the channel and its Uniqueid
  exit 3  not answered: busy, no answer, congestion, or a failure such as
          a missing extension; the decoded reason is on stderr
  exit 5  no OriginateResponse within --answer-timeout plus --timeout

With --until-hangup as well, an answered call is followed on until the
channel hangs up; then amsh prints the hangup cause (decoded) and the talk
time, from the answer to the hangup, and exits 0.

Without --wait, amsh prints Asterisk's reply ("Originate successfully
queued") and exits.

Each --var KEY=VALUE is sent as its own Variable header, and the value is
set literally: amsh escapes the commas, double quotes and backslashes that
Asterisk would otherwise take as separators.

--answer-timeout is Originate's Timeout header: how long CHANNEL may ring
(Asterisk's default is 30s). It is not called --timeout because that name
is amsh's global per-action timeout.

Originating a call asks for confirmation on a terminal when the profile
says confirm: true; --yes skips the question.`,
		Example: `  # ring PJSIP/alice, and when she answers connect her to extension 100
  amsh originate PJSIP/alice --exten 100 --context from-internal

  # call a number through a trunk and play a recording; report the outcome
  amsh originate PJSIP/trunk/5551234 --app Playback --data tt-monkeys --wait

  # set channel variables (one Variable header each) and a caller ID
  amsh originate Local/200@dialer --app Wait --data 10 \
      --caller-id '"Dialer" <200>' --var CAMPAIGN=spring --var NOTE='a,b'`,
		Args: argsBetween(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel = args[0]
			if runF != nil {
				return runF(opts)
			}
			return originateRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.Exten, "exten", "", "connect the answered call to extension `EXTEN` (needs --context)")
	fl.StringVar(&opts.Context, "context", "", "dialplan `CONTEXT` of --exten")
	fl.StringVar(&opts.Priority, "priority", "", "`PRIORITY` (number or label) of --exten (default 1)")
	fl.StringVar(&opts.App, "app", "", "run application `APP` on the answered call instead of --exten")
	fl.StringVar(&opts.Data, "data", "", "arguments `DATA` of --app")
	fl.StringVar(&opts.CallerID, "caller-id", "", "caller ID `CALLERID`, e.g. '\"Name\" <100>'")
	fl.StringArrayVar(&opts.Vars, "var", nil, "set channel variable `KEY=VALUE` (repeatable)")
	fl.StringVar(&opts.Account, "account", "", "account `CODE` of the call (CDR)")
	fl.DurationVar(&opts.AnswerTimeout, "answer-timeout", 0, "let CHANNEL ring for `DURATION`, e.g. 20s (Originate's Timeout; default 30s)")
	fl.StringVar(&opts.Codecs, "codecs", "", "codecs `LIST` to offer, e.g. ulaw,alaw")
	fl.BoolVar(&opts.EarlyMedia, "early-media", false, "connect on early media (before answer)")
	fl.StringVar(&opts.ChannelID, "channel-id", "", "Uniqueid `ID` to give the new channel")
	fl.BoolVar(&opts.Wait, "wait", false, "wait for the outcome: exit 0 answered, 3 not answered")
	fl.BoolVar(&opts.UntilHangup, "until-hangup", false, "with --wait, follow the answered call to its hangup: print the cause and the talk time")
	return c
}

// originateRun places the call; see the command's help for the exit codes.
func originateRun(ctx context.Context, opts *OriginateOptions) error {
	action, err := opts.action()
	if err != nil {
		return err
	}
	if err := opts.Confirm("originate a call on " + commandLabel(opts.Channel)); err != nil {
		return err
	}
	events := "off"
	if opts.Wait {
		events = "call" // OriginateResponse is in the call class
	}
	return opts.WithSession(ctx, events, func(s *ami.Session) error {
		var sub *ami.Subscription
		if opts.Wait {
			// Subscribed before sending: the OriginateResponse of a call
			// that fails at once can arrive right behind the reply.
			sub = s.Subscribe(0)
			defer sub.Close()
		}
		id := s.NewActionID()
		action.Add("ActionID", id)
		res, err := opts.Send(ctx, s, action)
		if err != nil {
			return fmt.Errorf("%s: %w", opts.label(), err)
		}
		if !opts.Wait {
			return opts.Renderer().Result(res)
		}
		var (
			hangups = hangupLog{}
			keep    func(*ami.Message)
		)
		if opts.UntilHangup {
			keep = hangups.keep
		}
		ev, err := opts.await(ctx, s, sub, id, keep)
		if err != nil {
			return err
		}
		if opts.UntilHangup {
			return opts.followToHangup(ctx, s, sub, res, ev, hangups)
		}
		return opts.report(res, ev)
	})
}

// action validates the options and builds the Originate action. Every
// mistake is a usage error, found before anything is dialled.
func (o *OriginateOptions) action() (*ami.Message, error) {
	switch {
	case o.Channel == "":
		return nil, usageErrorf("originate: CHANNEL is empty")
	case strings.ContainsAny(o.Channel, "\r\n\x00"):
		return nil, usageErrorf("%s: CHANNEL holds a line break or NUL; refused, nothing sent", o.label())
	case o.Exten == "" && o.App == "":
		return nil, usageErrorf("%s: give --exten and --context, or --app", o.label())
	case o.Exten != "" && o.App != "":
		return nil, usageErrorf("%s: --exten and --app exclude each other", o.label())
	case o.Exten != "" && o.Context == "":
		return nil, usageErrorf("%s: --exten needs --context", o.label())
	case o.App != "" && (o.Context != "" || o.Priority != ""):
		return nil, usageErrorf("%s: --context and --priority go with --exten, not --app", o.label())
	case o.Exten != "" && o.Data != "":
		return nil, usageErrorf("%s: --data goes with --app, not --exten", o.label())
	case o.AnswerTimeout < 0:
		return nil, usageErrorf("%s: --answer-timeout %s: must be positive", o.label(), o.AnswerTimeout)
	case o.UntilHangup && !o.Wait:
		return nil, usageErrorf("%s: --until-hangup goes with --wait", o.label())
	}
	a := ami.NewAction("Originate", "Channel", o.Channel)
	if o.Exten != "" {
		a.Add("Exten", o.Exten)
		a.Add("Context", o.Context)
		a.Add("Priority", cmp.Or(o.Priority, "1"))
	} else {
		a.Add("Application", o.App)
		if o.Data != "" {
			a.Add("Data", o.Data)
		}
	}
	if o.AnswerTimeout > 0 {
		a.Add("Timeout", strconv.FormatInt(max(o.AnswerTimeout.Milliseconds(), 1), 10))
	}
	for _, kv := range []struct{ key, value string }{
		{"CallerID", o.CallerID},
		{"Account", o.Account},
		{"Codecs", o.Codecs},
		{"ChannelId", o.ChannelID},
	} {
		if kv.value != "" {
			a.Add(kv.key, kv.value)
		}
	}
	if o.EarlyMedia {
		a.Add("EarlyMedia", "true")
	}
	for _, v := range o.Vars {
		key, _, ok := strings.Cut(v, "=")
		switch {
		case !ok || key == "":
			return nil, usageErrorf("%s: --var %q: want KEY=VALUE", o.label(), v)
		case strings.ContainsAny(v, "\r\n\x00"):
			// The value is never quoted: it may be a secret.
			return nil, usageErrorf("%s: --var %s: the value holds a line break or NUL; refused, nothing sent", o.label(), commandLabel(key))
		}
		a.Add("Variable", escapeAppArgs(v))
	}
	a.Add("Async", "true")
	if err := ami.ValidateMessage(a); err != nil {
		return nil, fmt.Errorf("%s: %w", o.label(), err)
	}
	return a, nil
}

// escapeAppArgs protects a Variable value from Asterisk's argument parser
// (ast_app_separate_args, 1.6+), which splits each Variable header on
// commas and strips double quotes and backslashes: B=2,3 would set B to 2.
func escapeAppArgs(s string) string {
	if !strings.ContainsAny(s, `,"\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// label names the command in messages: "originate PJSIP/alice".
func (o *OriginateOptions) label() string { return commandLabel("originate", o.Channel) }

// commandLabel joins a command and its arguments for errors, notes and
// questions, which must stay one line: an argument that is empty or holds a
// control character is quoted.
func commandLabel(words ...string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if w == "" || strings.ContainsFunc(w, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			w = strconv.Quote(w)
		}
		b.WriteString(w)
	}
	return b.String()
}

// await waits for the OriginateResponse that carries id: as long as the
// call may ring, plus the per-action timeout for Asterisk to report it.
// Every other event goes to other, when set.
func (o *OriginateOptions) await(ctx context.Context, s *ami.Session, sub *ami.Subscription, id string, other func(*ami.Message)) (*ami.Message, error) {
	limit := cmp.Or(o.AnswerTimeout, originateDefaultRing)
	if c, err := o.Connection(); err == nil {
		limit += c.Timeout
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-sub.Events():
			if !ok {
				err := s.Err()
				if err == nil {
					err = errors.New("session ended")
				}
				return nil, fmt.Errorf("%s: waiting for OriginateResponse: %w", o.label(), err)
			}
			if strings.EqualFold(ev.Event(), "OriginateResponse") && ev.ActionID() == id {
				return ev, nil
			}
			if other != nil {
				other(ev)
			}
		case <-timer.C:
			why := "does the AMI user have read permission for call events?"
			if n := sub.Dropped(); n > 0 {
				why = fmt.Sprintf("%d events were dropped while amsh fell behind", n)
			}
			return nil, &ExitError{Code: ExitConn, Err: fmt.Errorf(
				"%s: no OriginateResponse within %s; the call was queued but its outcome is unknown (%s)", o.label(), limit, why)}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// report prints the outcome of a followed call and turns "not answered"
// into exit 3. json, yaml and raw print the action's result with the
// OriginateResponse as its event, answered or not.
func (o *OriginateOptions) report(res *ami.Result, ev *ami.Message) error {
	reason := strings.TrimSpace(ev.Get("Reason"))
	code, err := strconv.Atoi(reason)
	numeric := err == nil
	answered := originateWasAnswered(ev)
	r := o.Renderer()
	if o.Format() == "text" {
		if answered {
			fields := [][2]string{{"Result", "answered"}}
			if reason != "" {
				fields = append(fields, [2]string{"Reason", describeReason(reason, code, numeric)})
			}
			fields = append(fields,
				[2]string{"Channel", ev.Get("Channel")},
				[2]string{"Uniqueid", ev.Get("Uniqueid")})
			if err := r.Fields(fields); err != nil {
				return err
			}
		}
	} else if err := r.Result(&ami.Result{Action: res.Action, Response: res.Response, Events: []*ami.Message{ev}}); err != nil {
		return err
	}
	if answered {
		return nil
	}
	why := describeReason(reason, code, numeric)
	if reason == "" {
		why = "Response " + ev.Response()
	}
	return &ExitError{Code: ExitNotAnswered, Err: fmt.Errorf("%s: not answered: %s", o.label(), why)}
}

func describeReason(reason string, code int, numeric bool) string {
	switch {
	case !numeric:
		return reason
	case code == 0:
		// Asterisk's catch-all: the channel could not be created or the
		// extension does not exist.
		return "0 (Failure: no such extension, or the channel could not be created)"
	}
	return fmt.Sprintf("%d (%s)", code, render.OriginateReason(code))
}
