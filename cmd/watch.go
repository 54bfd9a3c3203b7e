package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// --watch[=INTERVAL] re-runs a subcommand that only reads: ping,
// queue status and summary, sippeers, command and action. Their NewCmdX
// hand their command to addWatch; the loop is here, once, around its RunE,
// and a command's run function neither knows nor cares that it is re-run. Each
// run writes into buffers of its own and borrows one session through
// Factory.Shared (as REPL lines borrow the shell's), so a watch logs in
// once however many runs it makes.

// DefaultWatchInterval is what --watch alone re-runs at, as watch(1) does.
const DefaultWatchInterval = 2 * time.Second

// minWatchInterval keeps a mistyped --watch=1ms from flooding Asterisk.
const minWatchInterval = 100 * time.Millisecond

// readOnlyActions are the actions `action NAME --watch` re-runs: those that
// list or get state and change none. Any other is refused, so
// a watch never repeats a Hangup, an Originate or a reload. Keys are lower
// case; AMI action names are case-insensitive. The set is built on first
// use: only --watch reads it.
var readOnlyActions = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, a := range []string{
		"Agents", "BridgeInfo", "BridgeList", "BridgeTechnologyList",
		"ConfbridgeList", "ConfbridgeListRooms", "CoreSettings", "CoreShowChannelMap",
		"CoreShowChannels", "CoreStatus", "DAHDIShowChannels", "DAHDIShowStatus",
		"DBGet", "DBGetTree", "DeviceStateList", "ExtensionState", "ExtensionStateList",
		"FAXSession", "FAXSessions", "FAXStats", "GetConfig", "GetConfigJSON", "Getvar",
		"IAXnetstats", "IAXpeerlist", "IAXpeers", "IAXregistry", "ListCategories",
		"ListCommands", "MailboxCount", "MailboxStatus", "MeetmeList", "MeetmeListRooms",
		"ModuleCheck", "ParkedCalls", "Parkinglots", "Ping", "PJSIPShowAors",
		"PJSIPShowAuths", "PJSIPShowContacts", "PJSIPShowEndpoint", "PJSIPShowEndpoints",
		"PJSIPShowRegistrationInboundContactStatuses", "PJSIPShowRegistrationsInbound",
		"PJSIPShowRegistrationsOutbound", "PJSIPShowResourceLists",
		"PJSIPShowSubscriptionsInbound", "PJSIPShowSubscriptionsOutbound",
		"PresenceState", "PresenceStateList", "PRIShowSpans", "QueueRule", "QueueStatus",
		"QueueSummary", "ShowDialPlan", "SIPpeers", "SIPpeerstatus", "SIPshowpeer",
		"SIPshowregistry", "SKINNYdevices", "SKINNYlines", "SKINNYshowdevice",
		"SKINNYshowline", "Status", "VoicemailUsersList", "VoicemailUserStatus",
	} {
		m[strings.ToLower(a)] = true
	}
	return m
})

// watchAction refuses --watch for an action that is not known to only read.
// A Command action is judged by its CLI text, as `command --watch` is.
func watchAction(args []string) error {
	parsed, err := parseActionArgs(args)
	if err != nil {
		return err
	}
	if strings.EqualFold(parsed.Name, "Command") {
		for _, h := range parsed.Params {
			if strings.EqualFold(h.Key, "Command") {
				return watchCLI(strings.Fields(h.Value))
			}
		}
		return usageErrorf("action Command --watch: no Command=CLI given")
	}
	if !readOnlyActions()[strings.ToLower(parsed.Name)] {
		return usageErrorf("action %s --watch: %s is not an action that only reads; --watch re-runs those only (CoreShowChannels, QueueStatus, Status, ...)",
			commandLabel(parsed.Name), commandLabel(parsed.Name))
	}
	return nil
}

// watchCLI refuses --watch for a CLI command that may change something: one
// is re-run only when "show" or "list" is among its first three words (core
// show channels, pjsip list endpoints, queue show), which no Asterisk
// command that acts has.
func watchCLI(words []string) error {
	if len(words) == 1 {
		words = strings.Fields(words[0]) // the REPL's !CLI line comes as one word
	}
	for i, w := range words {
		if i == 3 {
			break
		}
		if strings.EqualFold(w, "show") || strings.EqualFold(w, "list") {
			return nil
		}
	}
	return usageErrorf("command %s --watch: --watch re-runs CLI commands that show or list (core show channels, pjsip list endpoints) only",
		commandLabel(strings.Join(words, " ")))
}

// watchInterval is --watch's value: a Go duration (500ms, 2s, 1m) or, as
// watch(1) takes it, a number of seconds.
type watchInterval time.Duration

func (w *watchInterval) String() string {
	if *w == 0 {
		return "" // no "(default 0s)" in the help: --watch alone is 2s
	}
	return time.Duration(*w).String()
}

func (w *watchInterval) Type() string { return "interval" }

func (w *watchInterval) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return errors.New("want a duration such as 500ms, 2s or 1m, or seconds")
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < minWatchInterval {
		return fmt.Errorf("want at least %s", minWatchInterval)
	}
	*w = watchInterval(d)
	return nil
}

// addWatch gives c --watch and --count and wraps its RunE in the watch
// loop. check, when set, refuses arguments with which c would not only read.
func addWatch(f *Factory, c *cobra.Command, check func(args []string) error) *cobra.Command {
	var (
		interval watchInterval
		count    int
	)
	fl := c.Flags()
	fl.Var(&interval, "watch", "re-run until Ctrl-C over one login: every 2s, or every `INTERVAL` as --watch=INTERVAL")
	fl.Lookup("watch").NoOptDefVal = DefaultWatchInterval.String()
	fl.IntVar(&count, "count", 0, "with --watch, stop after `N` runs")
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		name := commandName(cmd)
		if !cmd.Flags().Changed("watch") {
			if cmd.Flags().Changed("count") {
				return usageErrorf("%s: --count goes with --watch", name)
			}
			return run(cmd, args)
		}
		if count < 0 {
			return usageErrorf("%s: --count %d: want 1 or more (none: until Ctrl-C)", name, count)
		}
		if check != nil {
			if err := check(args); err != nil {
				return err
			}
		}
		w := &watcher{f: f, label: watchLabel(cmd, args), interval: time.Duration(interval), count: count, now: time.Now}
		return w.loop(cmd.Context(), func() error { return run(cmd, args) })
	}
	return c
}

// watchLabel is the command line a frame's header shows: "amsh queue
// status support --member=PJSIP/alice", without --watch and --count, and without the
// global flags (the profile has a place of its own).
func watchLabel(c *cobra.Command, args []string) string {
	words := strings.Fields(c.CommandPath())
	words = append(words, args...)
	c.LocalNonPersistentFlags().Visit(func(fl *pflag.Flag) {
		if fl.Name != "watch" && fl.Name != "count" {
			words = append(words, "--"+fl.Name+"="+fl.Value.String())
		}
	})
	return commandLabel(words...)
}

// watcher re-runs one command.
type watcher struct {
	f        *Factory
	label    string
	interval time.Duration
	count    int // 0: until Ctrl-C
	now      func() time.Time
	jq       *render.JQ // --jq, applied by show
}

// loop runs the command every interval, count times or until ctx ends
// (Ctrl-C, SIGTERM: exit 0). A run that fails shows its error in its frame
// and the watch goes on, except for a usage error, which every run would
// repeat. After --count runs the exit status is the last run's.
func (w *watcher) loop(ctx context.Context, run func() error) error {
	f := w.f
	conn, err := f.Connection()
	if err != nil {
		return err
	}
	target := conn.ProfileName
	if target == "" {
		target = conn.Addr
	}
	if f.Shared == nil { // in the REPL, runs borrow the shell's session instead
		ws := &watchSession{f: f}
		f.Shared = ws.get
		defer func() {
			f.Shared = nil
			ws.close()
		}()
	}
	ios := f.IO
	out, errOut, width := ios.Out, ios.ErrOut, ios.Width
	defer func() { ios.Out, ios.ErrOut, ios.Width = out, errOut, width }()
	// --jq applies to what show writes (a frame's document, or the run's
	// JSON line with time and profile), not inside each run.
	w.jq, f.Global.jq = f.Global.jq, nil
	defer func() { f.Global.jq = w.jq }()
	screen := screenOf(ios)
	var last error
	next := w.now()
	for n := 1; ; n++ {
		at := w.now()
		cols, rows := width, 0
		if screen != nil {
			if c, r, ok := terminalSize(screen); ok {
				cols, rows = c, r
			}
		}
		var stdout, stderr bytes.Buffer
		ios.Out, ios.ErrOut, ios.Width = &stdout, &stderr, cols
		err := run()
		ios.Out, ios.ErrOut, ios.Width = out, errOut, width
		if ctx.Err() != nil {
			return nil // interrupted: this run's frame is half a frame
		}
		if ExitCode(err) == ExitUsage {
			return err
		}
		last = err
		if err := w.show(at, target, stdout.Bytes(), stderr.Bytes(), err, cols, rows); err != nil {
			return err
		}
		if w.count > 0 && n >= w.count {
			break
		}
		next = next.Add(w.interval) // runs start an interval apart
		if now := w.now(); next.Before(now) {
			next = now // a run longer than the interval: the next starts now
		}
		t := time.NewTimer(next.Sub(w.now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	if last != nil {
		return &ExitError{Code: ExitCode(last), Err: errSilent} // shown in the frame
	}
	return nil
}

// show writes one run: on a terminal a frame that replaces the screen,
// else a timestamp line and the output, or one JSON line with -o json.
// Each is one Write, so a frame is never drawn half.
func (w *watcher) show(at time.Time, target string, stdout, stderr []byte, runErr error, cols, rows int) error {
	ios := w.f.IO
	format := w.f.Global.Output
	code, msg := Classify(runErr)
	if runErr != nil && msg == "" {
		msg = fmt.Sprintf("failed (exit status %d)", code)
	}
	var b []byte
	switch {
	case ios.OutTTY:
		body := bytes.Clone(stdout)
		if w.jq != nil && runErr == nil {
			var err error
			if body, err = w.jq.AppendResults(nil, stdout); err != nil {
				return err
			}
			// A string result is printed as it is: Asterisk's text.
			body = []byte(render.TerminalSafe(string(body)))
		}
		body = append(body, stderr...)
		if msg != "" {
			body = fmt.Appendf(body, "error: %s\n", msg)
		}
		b = w.frame(at, target, body, cols, rows)
	case format == "json":
		if len(stderr) > 0 {
			ios.ErrOut.Write(stderr)
		}
		b = watchJSON(at, target, stdout, msg)
		if w.jq != nil {
			var err error
			if b, err = w.jq.AppendResults(nil, b); err != nil {
				return err
			}
		}
	default:
		if len(stderr) > 0 {
			ios.ErrOut.Write(stderr)
		}
		mark := "--- "
		if format == "yaml" {
			mark = "--- # " // a document separator, so the stream stays YAML
		}
		b = fmt.Appendf(b, "%s%s %s\n", mark, at.Format(watchTimeFormat), target)
		b = append(b, stdout...)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
		if msg != "" {
			b = fmt.Appendf(b, "error: %s\n", msg)
		}
	}
	_, err := ios.Out.Write(b)
	return err
}

// watchTimeFormat is the time of a run off a terminal: RFC 3339 with
// milliseconds.
const watchTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// frame is one screen: the cursor home, a header line, a blank line, the
// output, each line cut to the width and cleared to its end, and the rest
// of the screen cleared. Lines past the screen's height are left out, as
// watch(1) does: the frame must not scroll, or the next one would not
// start where this one did. No alternate screen: the last frame stays
// on the terminal after Ctrl-C.
func (w *watcher) frame(at time.Time, target string, body []byte, cols, rows int) []byte {
	lines := []string{w.header(at, target, cols), ""}
	if len(body) > 0 {
		lines = append(lines, strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")...)
	}
	if rows > 1 && len(lines) > rows-1 {
		lines = lines[:rows-1] // the cursor ends on the line below the last
	}
	b := make([]byte, 0, len(body)+len(lines)*4+64)
	b = append(b, "\x1b[H"...)
	for _, l := range lines {
		l, n := render.ClipLine(l, cols)
		b = append(b, l...)
		if cols <= 0 || n < cols {
			// A line as wide as the screen leaves the cursor on its last
			// column, which a clear would erase.
			b = append(b, "\x1b[K"...)
		}
		b = append(b, '\n')
	}
	return append(b, "\x1b[J"...)
}

// header is watch(1)'s: "Every 2s: amsh queue summary" on the left, the
// profile and the time on the right.
func (w *watcher) header(at time.Time, target string, cols int) string {
	left := fmt.Sprintf("Every %s: %s", w.interval, w.label)
	right := target + "    " + at.Format("Mon Jan _2 15:04:05 2006")
	if pad := cols - len(left) - len(right); pad >= 4 {
		return left + strings.Repeat(" ", pad) + right
	}
	return left + "    " + right
}

// watchJSON is one run as one JSON line: "time" and "profile", then the
// keys of the document -o json prints for one run, in its order, or
// "error" for a run that failed.
func watchJSON(at time.Time, target string, doc []byte, errMsg string) []byte {
	b := []byte(`{"time":`)
	b, _ = appendJSON(b, at.Format(watchTimeFormat))
	b = append(b, `,"profile":`...)
	b, _ = appendJSON(b, target)
	doc = bytes.TrimSpace(doc)
	switch {
	case errMsg != "":
		b = append(b, `,"error":`...)
		b, _ = appendJSON(b, errMsg)
	case len(doc) == 0:
	case json.Valid(doc):
		var c bytes.Buffer
		json.Compact(&c, doc)
		if doc[0] != '{' {
			b = append(append(b, `,"document":`...), c.Bytes()...)
		} else if inner := c.Bytes()[1 : c.Len()-1]; len(inner) > 0 {
			b = append(append(b, ','), inner...) // the object's keys, as fleetJSON
		}
	default:
		b = append(b, `,"output":`...)
		b, _ = appendJSON(b, string(doc))
	}
	return append(b, "}\n"...)
}

// watchSession is the one session a watch's runs share: dialled for the
// first run, and again for the first run after it dropped.
type watchSession struct {
	f *Factory
	s *ami.Session
}

func (ws *watchSession) get(ctx context.Context) (*ami.Session, error) {
	if ws.s != nil {
		select {
		case <-ws.s.Done():
			ws.s = nil
		default:
			return ws.s, nil
		}
	}
	s, err := ws.f.Session(ctx, "off")
	if err != nil {
		return nil, err
	}
	ws.s = s
	return s, nil
}

func (ws *watchSession) close() {
	if ws.s != nil {
		ws.s.Quit()
	}
}

// screenOf is the terminal a watch draws on, for its size now (it may be
// resized while the watch runs): stdout, or in the REPL, whose stdout is
// the shell's writer, stdin. nil off a terminal.
func screenOf(ios *IOStreams) *os.File {
	if !ios.OutTTY {
		return nil
	}
	for _, s := range []any{ios.Out, ios.In} {
		if file, ok := s.(*os.File); ok {
			if _, _, ok := terminalSize(file); ok {
				return file
			}
		}
	}
	return nil
}
