package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// EventsOptions are what `amsh events` needs.
type EventsOptions struct {
	IO *IOStreams
	// Connection is where the stream comes from: its event mask, and its
	// name in notes and in AmshReconnected.
	Connection func() (*Connection, error)
	// SessionConfig is what to dial with; events streams on sessions of its
	// own, redialled with the same config.
	SessionConfig  func(ctx context.Context, events string) (ami.Config, error)
	StreamRenderer func(w io.Writer) *render.Renderer
	Note           func(format string, a ...any)

	Filters   []string      // --filter expressions, ANDed (see EventFilter)
	Count     int           // stop after this many matching events; 0 = no limit
	For       time.Duration // stop after this long; 0 = no limit
	Buffer    string        // --buffer: the budget of events waiting for the output
	Drop      bool          // past the budget, drop and count instead of stopping
	Reconnect bool          // redial a lost link instead of ending the stream
	Mask      string        // --mask: the Login's event classes

	// Fleet, when it returns one, names the profiles of events over several
	// (-p a,b): their streams are merged (events_fleet.go).
	Fleet func() *EventsFleet
}

// defaultBuffer is the --buffer default: at about 1 KiB an event, a quarter
// of a million events waiting for a stalled consumer.
const defaultBuffer = "256MiB"

// streamBuffer is the stdout buffer of the streaming commands: a flood is
// written in 64 KiB chunks, not a syscall per message.
const streamBuffer = 64 << 10

// reconnectBackoff is the wait between attempts of --reconnect: 0.5 s
// doubling to 10 s.
var reconnectBackoff = ami.Backoff{Min: 500 * time.Millisecond, Max: 10 * time.Second}

// NewCmdEvents is `amsh events`; runF, when set, runs instead of eventsRun.
func NewCmdEvents(f *Factory, runF func(*EventsOptions) error) *cobra.Command {
	opts := &EventsOptions{IO: f.IO, Connection: f.Connection, SessionConfig: f.sessionConfig,
		StreamRenderer: f.streamRenderer, Note: f.note, Buffer: defaultBuffer, Fleet: f.eventsFleet}
	c := &cobra.Command{
		Use:   "events [--filter EXPR]... [--count N] [--for DURATION] [--reconnect]",
		Short: "Print Asterisk's events as they arrive",
		Long: `Log in with events on and print each event as it arrives: a Key: Value
block in text, one JSON object a line (JSON Lines) with -o json, one YAML
document each with -o yaml, the bytes as received with -o raw. Output is
flushed whenever no more events are waiting, so it appears at once when idle
and in large writes under a flood.

Nothing is lost: the first events after the login (FullyBooted,
SuccessfulAuth) are printed, and the connection is read continuously
whatever the output does (Asterisk cuts off a client it cannot write to
within its writetimeout, 100 ms by default). Events waiting for a slow
output are held in memory up to --buffer; past it the stream stops with
exit 5, or, with --drop, further events are dropped and counted on stderr.

It runs until --count matching events have been printed, --for has passed,
or Ctrl-C, SIGTERM or SIGHUP (exit 130, after everything received has been
printed). A lost connection ends it with exit 5, unless --reconnect: then
amsh redials (0.5 s doubling to 10 s between attempts) and writes one
pseudo-event AmshReconnected (Host, Down, Up, Missed: unknown) before the
new events, whatever the filters say; a refused login stops it (exit 4).

Over several profiles (-p a,b, a glob, a group or --all) the streams are
merged: each target has its own connection and --reconnect, and each event
says where it came from: every text line begins with "[NAME] ", and json,
yaml, csv and tsv have "_profile" as the first key or column (raw: a first
header line "_profile: NAME"). --count counts the merged stream; --buffer
is one budget for all targets. A target that cannot connect, refuses the
login or drops (without --reconnect) ends its part with its error at once,
and the others go on; at the end the exit status is the first failing
target's, in the order given, after a summary line.

Filters (--filter, repeatable; all must hold):
  NAME-GLOB       the event name matches: Newchannel, Queue*, *Bridge*
  Header=GLOB     some value of Header matches: Channel=PJSIP/101-*
  Header~REGEX    some value of Header matches the regular expression
  !EXPR           negates: !RTCP*, !Channel~^Local/
Globs are case-insensitive and match the whole value ('*' crosses '/');
regular expressions are unanchored and case-sensitive unless given (?i).
--mask asks Asterisk for fewer events in the first place: a comma list of
classes (system,call,agent,user,...), or on (the default: the profile's
events: setting when it names classes, else every class).`,
		Example: `  amsh events
  amsh events --filter 'Hangup' --filter 'Cause~^(17|21)$'
  amsh events --filter '!RTCP*' --filter '!VarSet' --for 1m
  amsh events --mask call,user --reconnect -o json >> events.jsonl
  amsh -o json events --filter UserEvent --count 5 | jq .UserEvent
  amsh -p 'pbx-*' events --filter Hangup --reconnect
  amsh -p prod --jq 'select(.Cause != "16") | "\(._profile) \(.Channel)"' events --filter Hangup`,
		Args: argsBetween(0, 0),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return eventsRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringArrayVar(&opts.Filters, "filter", nil, "print only events matching `EXPR` (repeatable, ANDed)")
	fl.IntVar(&opts.Count, "count", 0, "stop after `N` matching events (0: no limit)")
	fl.DurationVar(&opts.For, "for", 0, "stop after `DURATION` (0: no limit)")
	fl.StringVar(&opts.Buffer, "buffer", defaultBuffer, "hold at most `SIZE` of events waiting for the output (KiB, MiB, GiB)")
	fl.BoolVar(&opts.Drop, "drop", false, "past --buffer, drop and count events instead of stopping")
	fl.BoolVar(&opts.Reconnect, "reconnect", false, "redial when the connection is lost, marking the gap with an AmshReconnected event")
	fl.StringVar(&opts.Mask, "mask", "", "log in with this event mask: `CLASSES` such as call,user (default: on)")
	return c
}

// eventsRun streams events until the count, the duration or ctx ends it.
// A Ctrl-C (ctx cancelled) returns ctx.Err(), which exits 130, but only
// after every event already received has been printed and flushed.
func eventsRun(ctx context.Context, opts *EventsOptions) error {
	filter, err := ParseEventFilter(opts.Filters)
	if err != nil {
		return err
	}
	if opts.Count < 0 {
		return usageErrorf("--count %d: must be 0 (no limit) or more", opts.Count)
	}
	if opts.For < 0 {
		return usageErrorf("--for %s: must be positive", opts.For)
	}
	budget, err := ParseSize(opts.Buffer)
	if err != nil {
		return usageErrorf("--buffer %q: %v", opts.Buffer, err)
	}
	st := &eventStream{note: opts.Note, filter: filter, buf: ami.NewEventBuffer(int(budget), opts.Drop), reconnect: opts.Reconnect}
	if opts.Fleet != nil {
		if fl := opts.Fleet(); fl != nil {
			return eventsFleetRun(ctx, opts, st, fl)
		}
	}
	mask, err := eventMask(opts.Mask, opts.Connection)
	if err != nil {
		return err
	}
	cfg, err := opts.SessionConfig(ctx, mask)
	if err != nil {
		return err
	}
	conn, err := opts.Connection() // resolved by SessionConfig
	if err != nil {
		return err
	}
	src := &eventSource{st: st, conn: conn, end: st.buf.End}
	cfg.OnEvent = src.hook(time.Time{})
	s, err := ami.Dial(ctx, cfg)
	if err != nil {
		return conn.where(err)
	}
	if opts.IO.ErrTTY {
		opts.Note("listening for events on %s; Ctrl-C to stop", s.Addr())
	}
	sctx, stopSession := context.WithCancel(context.Background())
	supervised := make(chan struct{})
	go func() {
		defer close(supervised)
		src.supervise(sctx, ctx, cfg, s)
	}()

	out := bufio.NewWriterSize(opts.IO.Out, streamBuffer)
	r := opts.StreamRenderer(out)
	// stop ends the session (or a redial in progress) and waits, so nothing
	// more is put: what is still buffered then was received before the stop.
	stop := func() {
		stopSession()
		<-supervised
		st.buf.End(nil)
	}
	err = st.print(ctx, r, opts, stop)
	stop()
	if ferr := r.Flush(); err == nil {
		err = ferr
	}
	if n := st.buf.Dropped(); n > 0 {
		opts.Note("%d events dropped: the output could not keep up (past --buffer %s)", n, opts.Buffer)
	}
	return err
}

// eventMask is the Login's Events header: --mask, else the profile's mask,
// else on. A profile's "off" is for the REPL; this command exists to see events.
func eventMask(flag string, conn func() (*Connection, error)) (string, error) {
	if flag != "" {
		for c := range strings.SplitSeq(flag, ",") {
			if strings.TrimSpace(c) == "" || strings.ContainsAny(c, " \t\r\n:") {
				return "", usageErrorf("--mask %q: want a comma list of event classes such as call,user", flag)
			}
		}
		if strings.EqualFold(flag, "off") {
			return "", usageErrorf("--mask off: would send no events; leave --mask out or name classes")
		}
		return flag, nil
	}
	c, err := conn()
	if err != nil {
		return "", err
	}
	if c.Events == "" || strings.EqualFold(c.Events, "off") {
		return "on", nil
	}
	return c.Events, nil
}

// eventStream carries events from the sessions' readers, through one
// buffer, to the output. It reads one server, or the targets of a fleet
// (events over several profiles), each numbered in the buffer by its place
// in names.
type eventStream struct {
	note      func(format string, a ...any)
	filter    *EventFilter
	buf       *ami.EventBuffer
	reconnect bool
	names     []string // a fleet's profiles, by source number; nil for one server
}

// eventSource is one server of a stream, through its reconnections.
type eventSource struct {
	st   *eventStream
	from int // its number in the buffer
	conn *Connection
	// end is called when the source's stream ends for good, with why: the
	// buffer's End for a stream of one server.
	end func(error)
	// passed counts its events that passed the filter.
	passed atomic.Int64
}

// hook is a session's OnEvent: the filter, then the buffer. After a
// reconnection (down is set) the AmshReconnected marker goes first, before
// the new session's first event.
func (src *eventSource) hook(down time.Time) func(*ami.Message) {
	var once sync.Once
	buf := src.st.buf
	return func(m *ami.Message) {
		if !down.IsZero() {
			once.Do(func() { buf.PutFrom(src.marker(down), src.from) })
		}
		if m != nil && src.st.filter.Match(m) {
			src.passed.Add(1)
			buf.PutFrom(m, src.from)
		}
	}
}

// marker is the pseudo-event written where a stream has a gap.
func (src *eventSource) marker(down time.Time) *ami.Message {
	return ami.NewEvent("AmshReconnected",
		"Host", src.conn.Addr,
		"Down", down.Format(time.RFC3339),
		"Up", time.Now().Format(time.RFC3339),
		"Missed", "unknown")
}

// supervise watches the session: when it ends, the source ends with the
// reason, or with --reconnect a new session is dialled. It returns when ctx
// is cancelled (the output has stopped), after logging off.
func (src *eventSource) supervise(ctx, parent context.Context, cfg ami.Config, s *ami.Session) {
	st, c := src.st, src.conn
	for {
		select {
		case <-ctx.Done():
			// The output stopped. Log off politely, but do not wait long: under a flood the
			// Goodbye queues behind every event Asterisk has buffered for us.
			lctx, cancel := context.WithTimeout(context.Background(), logoffWait)
			s.Logoff(lctx)
			cancel()
			return
		case <-st.buf.Done():
			s.Close()
			return
		case <-s.Done():
		}
		err := s.Err()
		if !st.reconnect || parent.Err() != nil {
			src.end(c.where(err))
			return
		}
		down := time.Now()
		st.note("%s: %v; reconnecting", c.target(), err)
		cfg.OnEvent = src.hook(down)
		ns, rerr := ami.Redial(ctx, cfg, reconnectBackoff, func(attempt int, err error, wait time.Duration) {
			st.note("%s: reconnect attempt %d: %v; next in %s", c.target(), attempt, err, wait)
		})
		if rerr != nil {
			if ctx.Err() == nil {
				src.end(c.where(rerr))
			}
			return
		}
		cfg.OnEvent(nil) // puts the marker, unless an event already has
		st.note("%s: reconnected after %s; events in the gap are lost (AmshReconnected marks it)",
			c.target(), time.Since(down).Round(time.Millisecond))
		s = ns
	}
}

// print writes events until the buffer ends, --count or --for is reached,
// or ctx is cancelled; then it calls stop and writes what is still buffered
// (everything received before the stop).
func (st *eventStream) print(ctx context.Context, r *render.Renderer, opts *EventsOptions, stop func()) error {
	var timeUp <-chan time.Time
	if opts.For > 0 {
		t := time.NewTimer(opts.For)
		defer t.Stop()
		timeUp = t.C
	}
	printed := 0
	for {
		m, from, ok := st.buf.GetFrom()
		if !ok {
			if ended, err := st.buf.Ended(); ended {
				return st.ended(err, printed)
			}
			if err := r.Flush(); err != nil {
				return err
			}
			select {
			case <-st.buf.Ready():
				continue
			case <-timeUp:
			case <-ctx.Done():
			}
			// Stopped: what arrived before now is still written.
			stop()
			for {
				m, from, ok := st.buf.GetFrom()
				if !ok {
					return ctx.Err()
				}
				if done, err := st.emit(r, m, from, &printed, opts.Count); done || err != nil {
					return err
				}
			}
		}
		if done, err := st.emit(r, m, from, &printed, opts.Count); done || err != nil {
			return err
		}
	}
}

// emit renders one event (the marker, or one that passed the filter), a
// fleet's tagged with its profile, and reports whether --count is reached.
func (st *eventStream) emit(r *render.Renderer, m *ami.Message, from int, printed *int, count int) (bool, error) {
	if m == nil {
		return false, nil
	}
	var err error
	if st.names != nil {
		err = r.SourcedMessage(st.names[from], m)
	} else {
		err = r.Message(m)
	}
	if err != nil {
		return true, err
	}
	if m.Event() == "AmshReconnected" {
		return false, nil
	}
	*printed++
	return count > 0 && *printed >= count, nil
}

// ended explains why the stream ended early: the connection, or the buffer.
func (st *eventStream) ended(err error, printed int) error {
	if err == nil {
		return nil
	}
	var full *ami.BufferFullError
	if errors.As(err, &full) {
		return &ExitError{Code: ExitConn, Err: fmt.Errorf("%w; stopped after writing %d events: raise --buffer, narrow --filter or --mask, or use --drop", err, printed)}
	}
	return fmt.Errorf("%w (after %d events; --reconnect redials)", err, printed)
}

// logoffWait bounds the wait for the Goodbye at the end of a stream.
const logoffWait = 250 * time.Millisecond

// streamRenderer is a Renderer for a stream of messages over w: like
// Factory.Renderer, but it leaves flushing to the caller, who flushes when
// its queue runs dry.
func (f *Factory) streamRenderer(w io.Writer) *render.Renderer {
	opts := f.renderOptions()
	opts.Quiet = false
	opts.DeferFlush = true
	return render.New(w, opts)
}

// ParseSize reads a byte count: a number with an optional unit B, KiB, MiB
// or GiB (K, M, G and KB, MB, GB are taken as the same binary units).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "B": 1,
		"K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
		"G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 {
		return 0, fmt.Errorf("want a size such as 64MiB or 1GiB")
	}
	n := v * mult
	if n < 64<<10 || n > 1<<40 {
		return 0, fmt.Errorf("want between 64KiB and 1TiB")
	}
	return int64(n), nil
}
