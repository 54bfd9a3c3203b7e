package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// HangupOptions are what `amsh hangup` needs.
type HangupOptions struct {
	Format      func() string // the -o format
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error
	Note        func(format string, a ...any)

	// Channel is an exact channel name, or /REGEX/ for every channel whose
	// name matches (POSIX extended syntax; Asterisk 11+ matches it itself,
	// amsh does on older servers).
	Channel string
	// Cause is a hangup cause, a number 0-127 or a name such as
	// normal_clearing; empty leaves Asterisk's default.
	Cause string
}

// NewCmdHangup is `amsh hangup`; runF, when set, runs instead of hangupRun.
func NewCmdHangup(f *Factory, runF func(*HangupOptions) error) *cobra.Command {
	opts := &HangupOptions{Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send,
		Confirm: f.Confirm, Note: f.note}
	c := &cobra.Command{
		Use:   "hangup CHANNEL|/REGEX/ [--cause N|NAME]",
		Short: "Hang up a channel, or every channel whose name matches /REGEX/",
		Long: `Hangup ends one channel by its exact name, or with /REGEX/ every channel
whose name matches (POSIX extended syntax, matched anywhere in the name
unless anchored).

Asterisk 11 and later match /REGEX/ themselves. Older servers (an AMI
banner version below 1.3: Asterisk 1.4 to 10) take it for a channel name,
so there amsh lists the channels (CoreShowChannels, or Status where that is
missing or refused), matches the names itself and hangs up each by its
exact name; the output is the same, and on those servers the regex must be
plain POSIX extended syntax (no \d, no (?i)).

The regex form prints the channels hung up, one a line under a Channel
heading, or says on stderr that no channel matched (exit 0). A channel name
that does not exist is an error from Asterisk (exit 1).

--cause sets the Q.850 hangup cause: a number 0-127, or a name such as
normal_clearing, user_busy, no_answer, call_rejected or congestion
(case-insensitive; spaces or dashes for underscores; AST_CAUSE_ optional).

Hanging up asks for confirmation on a terminal when the profile says
confirm: true; --yes skips the question.`,
		Example: `  amsh hangup PJSIP/alice-00000012
  amsh hangup PJSIP/alice-00000012 --cause user_busy
  # every Local channel of the dialer context
  amsh -y hangup '/^Local\/.*@dialer-/'`,
		Args: argsBetween(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel = args[0]
			if runF != nil {
				return runF(opts)
			}
			return hangupRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Cause, "cause", "", "hangup cause: a number 0-127 or a name such as normal_clearing")
	return c
}

// hangupRun hangs up one channel or, for /REGEX/, every matching channel and
// lists them.
func hangupRun(ctx context.Context, opts *HangupOptions) error {
	if opts.Channel == "" {
		return usageErrorf("hangup: CHANNEL is empty")
	}
	label := commandLabel("hangup", opts.Channel)
	a := ami.NewAction("Hangup", "Channel", opts.Channel)
	cause := ""
	if opts.Cause != "" {
		n, err := render.ParseHangupCause(opts.Cause)
		if err != nil {
			return usageErrorf("%s: --cause: %v", label, err)
		}
		cause = strconv.Itoa(n)
		a.Add("Cause", cause)
	}
	if err := ami.ValidateMessage(a); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	// Asterisk takes a name that starts with "/" as a regex; channel names never do.
	regex := strings.HasPrefix(opts.Channel, "/")
	var (
		re    *regexp.Regexp
		reErr error
	)
	if regex {
		// Asterisk 11+ refuses a value that starts with "/" but does not end
		// with one ("Regex format invalid"); so does amsh, before dialling.
		if len(opts.Channel) < 2 || !strings.HasSuffix(opts.Channel, "/") {
			return usageErrorf("%s: a regex is written /REGEX/, between two slashes", label)
		}
		// CompilePOSIX, not Compile: Asterisk compiles the regex with
		// regcomp(REG_EXTENDED), and CompilePOSIX accepts POSIX extended
		// syntax only, so Perl syntax such as \d (a digit in Perl, not in
		// POSIX extended syntax) or (?i) is refused instead of matching
		// other channels than Asterisk would. Its leftmost-longest rule
		// changes which text a match spans, not whether a name matches.
		// The error counts only where amsh matches (an older server):
		// Asterisk 11+ compiles the regex itself, with its own extensions.
		re, reErr = regexp.CompilePOSIX(opts.Channel[1 : len(opts.Channel)-1])
	}
	question := "hang up " + commandLabel(opts.Channel)
	if regex {
		question = "hang up every channel matching " + commandLabel(opts.Channel)
	}
	if err := opts.Confirm(question); err != nil {
		return err
	}
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		if regex && !serverMatchesRegex(s.Banner()) {
			if reErr != nil {
				return usageErrorf("%s: %v (Asterisk before 11 does not match regexes; amsh does, in POSIX extended syntax)", label, reErr)
			}
			res, err := hangupMatching(ctx, opts.Send, s, re, cause)
			if err != nil {
				if len(res.Events) > 0 {
					// Say what was hung up before the failure.
					printHungUp(opts, res)
				}
				return fmt.Errorf("%s: %w", label, err)
			}
			return printHungUp(opts, res)
		}
		res, err := opts.Send(ctx, s, a)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		if !regex {
			return opts.Renderer().Result(res)
		}
		return printHungUp(opts, res)
	})
}

// printHungUp prints the answer to a /REGEX/ hangup: in text the channels
// under a Channel heading, or a note on stderr when there are none; in the
// other formats the whole result.
func printHungUp(opts *HangupOptions, res *ami.Result) error {
	r := opts.Renderer()
	if opts.Format() != "text" {
		return r.Result(res)
	}
	rows := make([][]string, 0, len(res.Events))
	for _, ev := range res.Events {
		rows = append(rows, []string{ev.Get("Channel")})
	}
	if len(rows) == 0 {
		opts.Note("no channel matched %s", commandLabel(opts.Channel))
		return nil
	}
	return r.Table("", []string{"Channel"}, rows)
}

// serverMatchesRegex reports whether the server that greeted with banner
// hangs up /REGEX/ itself. Asterisk 11 was the first to; its banner says
// "Asterisk Call Manager/1.3", 10 says 1.2, 1.6 and 1.8 say 1.1, 1.4 says
// 1.0, and 12 and later say 2.0.0 or more. A banner without a version amsh
// can read (not Asterisk's own) is taken for a current server.
func serverMatchesRegex(banner string) bool {
	major, minor, ok := bannerVersion(banner)
	return !ok || major > 1 || major == 1 && minor >= 3
}

// bannerVersion reads the first two numbers of "Asterisk Call Manager/X.Y[.Z]".
func bannerVersion(banner string) (major, minor int, ok bool) {
	v, found := strings.CutPrefix(banner, "Asterisk Call Manager/")
	if !found {
		return 0, 0, false
	}
	parts := strings.SplitN(strings.TrimSpace(v), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return major, minor, true
}

// hangupMatching is /REGEX/ for servers that do not match regexes: it lists
// the channels, hangs up each one whose name re matches, by that exact name,
// and returns what Asterisk 11+ would have answered: a list of ChannelHungup
// events, one per channel hung up (without ActionIDs, as it was built here).
// On an error the result holds the channels hung up before it.
func hangupMatching(ctx context.Context, send SendFunc, s *ami.Session, re *regexp.Regexp, cause string) (*ami.Result, error) {
	var hung []string
	names, err := listChannelNames(ctx, send, s)
	if err == nil {
		for _, name := range names {
			if !re.MatchString(name) {
				continue
			}
			h := ami.NewAction("Hangup", "Channel", name)
			if cause != "" {
				h.Add("Cause", cause)
			}
			if _, err = send(ctx, s, h); err != nil {
				if noSuchChannel(err) {
					// It ended after the listing (hanging up one half of a
					// Local pair takes the other half with it): Asterisk
					// 11+ would not have found it either.
					err = nil
					continue
				}
				err = fmt.Errorf("%s: %w", name, err)
				break
			}
			hung = append(hung, name)
		}
	}
	res := &ami.Result{Response: &ami.Message{}, Complete: &ami.Message{}}
	res.Response.Add("Response", "Success")
	res.Response.Add("EventList", "start")
	res.Response.Add("Message", "Channels hung up will follow")
	for _, name := range hung {
		ev := &ami.Message{}
		ev.Add("Event", "ChannelHungup")
		ev.Add("Channel", name)
		res.Events = append(res.Events, ev)
	}
	res.Complete.Add("Event", "ChannelsHungupListComplete")
	res.Complete.Add("EventList", "Complete")
	res.Complete.Add("ListItems", strconv.Itoa(len(hung)))
	return res, err
}

// listChannelNames returns the names of the server's channels, from
// CoreShowChannels (Asterisk 1.6+; its items are CoreShowChannel events) or,
// where that is missing (1.4, whose banner says 1.0) or refused (it needs
// the system or reporting class, where Status and Hangup also take call),
// from Status (its items are Status events).
func listChannelNames(ctx context.Context, send SendFunc, s *ami.Session) ([]string, error) {
	lists := [][2]string{{"CoreShowChannels", "CoreShowChannel"}, {"Status", "Status"}}
	if major, minor, ok := bannerVersion(s.Banner()); ok && major == 1 && minor == 0 {
		lists = lists[1:]
	}
	var err error
	for _, l := range lists {
		var res *ami.Result
		res, err = send(ctx, s, ami.NewAction(l[0]))
		var ae *ami.ActionError
		if errors.As(err, &ae) {
			continue
		}
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(res.Events))
		for _, ev := range res.Events {
			if strings.EqualFold(ev.Event(), l[1]) && ev.Get("Channel") != "" {
				names = append(names, ev.Get("Channel"))
			}
		}
		return names, nil
	}
	return nil, err
}

// noSuchChannel reports Asterisk's answer to a Hangup of a channel that is gone.
func noSuchChannel(err error) bool {
	var ae *ami.ActionError
	return errors.As(err, &ae) && strings.EqualFold(strings.TrimSpace(ae.Message), "No such channel")
}
