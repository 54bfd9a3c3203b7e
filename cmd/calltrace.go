package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// TraceOptions are what `amsh trace` needs.
type TraceOptions struct {
	IO             *IOStreams
	Format         func() string // the -o format
	Connection     func() (*Connection, error)
	SessionConfig  func(ctx context.Context, events string) (ami.Config, error)
	StreamRenderer func(w io.Writer) *render.Renderer
	Note           func(format string, a ...any)

	Channel  string // a channel of the call; its Linkedid is looked up
	Linkedid string // or the call's Linkedid
	Buffer   string // --buffer: the budget of events waiting for the output
}

// NewCmdTrace is `amsh trace`; runF, when set, runs instead of traceRun.
func NewCmdTrace(f *Factory, runF func(*TraceOptions) error) *cobra.Command {
	opts := &TraceOptions{IO: f.IO, Format: f.format, Connection: f.Connection, SessionConfig: f.sessionConfig,
		StreamRenderer: f.streamRenderer, Note: f.note, Buffer: defaultBuffer}
	c := &cobra.Command{
		Use:   "trace CHANNEL|--linkedid ID",
		Short: "Follow one call: every event of its channels until the last hangs up",
		Long: `Trace prints every event of one call from now until its last channel hangs
up, then exits 0.

A call is the channels that share a Linkedid: Asterisk gives the first
channel's Uniqueid to every channel created for it (the legs Dial and
Originate make, Local channel halves, a transfer's new leg). amsh finds the
Linkedid of CHANNEL in CoreShowChannels (or takes --linkedid), starts from
the call's channels listed there, and follows each channel by its Uniqueid,
so a Rename does not lose it and a channel whose Linkedid changes (a
transfer that joins two calls) brings the other call's channels in.

Text is a timeline: the time (Asterisk's EventTV when it sends one), the
channel, the event, and the event's own headers with codes decoded (the
channel snapshot Asterisk repeats in each event is left out, except the
dialplan place on Newchannel). -o json writes every event whole, one JSON
object a line; -o yaml and -o raw as 'amsh events' does.

Nothing is lost: events are read from the login on, before the call's
channels are listed, and held in memory for a slow output up to --buffer
(past it the trace stops with exit 5). Ctrl-C stops it (exit 130); a lost
connection ends it with exit 5. A CHANNEL that is not up is an error (exit 1);
a Linkedid with no channel up is a call still to come, which trace waits
for (Originate's ChannelId, originate --channel-id, sets the Linkedid of the
call it makes).`,
		Example: `  amsh trace PJSIP/alice-00000012
  amsh trace --linkedid 1700000000.42 -o json > call.jsonl`,
		Args: argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Channel = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return traceRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.Linkedid, "linkedid", "", "trace the call whose Linkedid is `ID` instead of CHANNEL's")
	fl.StringVar(&opts.Buffer, "buffer", defaultBuffer, "hold at most `SIZE` of events waiting for the output (KiB, MiB, GiB)")
	return c
}

func (o *TraceOptions) label() string {
	if o.Channel != "" {
		return commandLabel("trace", o.Channel)
	}
	return commandLabel("trace", "--linkedid", o.Linkedid)
}

// traceRun follows the call until its last hangup, the buffer's budget, a
// lost connection or ctx.
func traceRun(ctx context.Context, opts *TraceOptions) error {
	switch {
	case opts.Channel == "" && opts.Linkedid == "":
		return usageErrorf("trace: give CHANNEL or --linkedid ID")
	case opts.Channel != "" && opts.Linkedid != "":
		return usageErrorf("%s: CHANNEL and --linkedid exclude each other", opts.label())
	}
	budget, err := ParseSize(opts.Buffer)
	if err != nil {
		return usageErrorf("--buffer %q: %v", opts.Buffer, err)
	}
	mask, err := eventMask("", opts.Connection)
	if err != nil {
		return err
	}
	cfg, err := opts.SessionConfig(ctx, mask)
	if err != nil {
		return err
	}
	conn, err := opts.Connection()
	if err != nil {
		return err
	}
	buf := ami.NewEventBuffer(int(budget), false)
	cfg.OnEvent = func(m *ami.Message) { buf.Put(m) }
	s, err := ami.Dial(ctx, cfg)
	if err != nil {
		return conn.where(err)
	}
	defer s.Close()
	go func() {
		select {
		case <-s.Done():
			buf.End(conn.where(fmt.Errorf("connection lost: %w", s.Err())))
		case <-buf.Done():
		}
	}()

	res, err := conn.send(ctx, s, ami.NewAction("CoreShowChannels"))
	if err != nil {
		return fmt.Errorf("%s: %w", opts.label(), err)
	}
	tr, err := newCallTracker(res.Events, opts.Channel, opts.Linkedid)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.label(), err)
	}
	switch {
	case len(tr.live) == 0:
		opts.Note("waiting for a channel of call %s; Ctrl-C to stop", tr.first)
	case opts.IO.ErrTTY:
		opts.Note("tracing call %s (%d channels up); Ctrl-C to stop", tr.first, len(tr.live))
	}

	out := bufio.NewWriterSize(opts.IO.Out, streamBuffer)
	var r *render.Renderer
	var tl *timeline
	if opts.Format() == "text" {
		tl = &timeline{w: out}
	} else {
		r = opts.StreamRenderer(out)
	}
	err = traceLoop(ctx, buf, tr, func(m *ami.Message) error {
		if tl != nil {
			return tl.write(m, time.Now())
		}
		return r.Message(m)
	}, out.Flush)
	buf.End(nil)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		lctx, cancel := context.WithTimeout(context.Background(), logoffWait)
		s.Logoff(lctx)
		cancel()
		opts.Note("call %s ended: %d channels, %d events", tr.first, tr.seen, tr.events)
	}
	var full *ami.BufferFullError
	if errors.As(err, &full) {
		return &ExitError{Code: ExitConn, Err: fmt.Errorf("%s: %w; raise --buffer", opts.label(), err)}
	}
	return err
}

// traceLoop takes events from buf in order and emits those of the call until
// its last channel hangs up (nil), the buffer ends (its error) or ctx ends.
// flush runs whenever no event is waiting.
func traceLoop(ctx context.Context, buf *ami.EventBuffer, tr *callTracker, emit func(*ami.Message) error, flush func() error) error {
	for {
		m, ok := buf.Get()
		if !ok {
			if ended, err := buf.Ended(); ended {
				if err == nil {
					err = errors.New("event stream ended")
				}
				return err
			}
			if err := flush(); err != nil {
				return err
			}
			select {
			case <-buf.Ready():
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		mine, done := tr.observe(m)
		if !mine {
			continue
		}
		if err := emit(m); err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// callTracker decides which events belong to one call. It holds the call's
// Linkedids (the first, and any a followed channel moves to) and the
// Uniqueids of its channels that are up.
type callTracker struct {
	first  string              // the Linkedid traced
	ids    map[string]bool     // Linkedids of the call
	live   map[string]bool     // Uniqueids of its channels that are up
	gone   map[string]bool     // Uniqueids of its channels that hung up
	known  map[string]struct{} // every Uniqueid seen, for the count
	seen   int
	events int
}

// newCallTracker starts from a CoreShowChannels listing: the Linkedid of
// channel (or linkedid), and the channels that share it. A linkedid with no
// channel up yet is a call still to come: the tracker waits for it.
func newCallTracker(listing []*ami.Message, channel, linkedid string) (*callTracker, error) {
	if channel != "" {
		for _, ev := range listing {
			if ev.Get("Channel") == channel {
				linkedid = ev.Get("Linkedid")
				if linkedid == "" {
					return nil, fmt.Errorf("CoreShowChannels gives no Linkedid for %s (Asterisk before 1.8?)", channel)
				}
				break
			}
		}
		if linkedid == "" {
			return nil, fmt.Errorf("no channel %s is up", channel)
		}
	}
	tr := &callTracker{first: linkedid, ids: map[string]bool{linkedid: true}, live: map[string]bool{}, gone: map[string]bool{}, known: map[string]struct{}{}}
	for _, ev := range listing {
		if ev.Get("Linkedid") == linkedid && ev.Get("Uniqueid") != "" {
			tr.add(ev.Get("Uniqueid"))
		}
	}
	return tr, nil
}

// add counts uid as a channel of the call that is up. A channel that hung
// up stays gone: Asterisk may still send an event or two about it after
// its Hangup (a NewCallerid during the teardown), which would otherwise
// keep the trace waiting for a hangup that already happened.
func (tr *callTracker) add(uid string) {
	if tr.gone[uid] {
		return
	}
	tr.live[uid] = true
	if _, ok := tr.known[uid]; !ok {
		tr.known[uid] = struct{}{}
		tr.seen++
	}
}

// observe reports whether m belongs to the call, and whether it was the
// hangup of the call's last channel. An event belongs to the call when one
// of its Linkedid headers (Linkedid, DestLinkedid, TransfererLinkedid...)
// names the call, or one of its Uniqueid headers names a channel of it.
// Each channel an event describes (a prefix with both headers) joins the
// call when its Linkedid is the call's; one of the call's channels that
// moved to another Linkedid brings that Linkedid in.
func (tr *callTracker) observe(m *ami.Message) (mine, done bool) {
	if !tr.mayBeMine(m) {
		return false, false // most events: no allocation for them
	}
	type party struct{ uid, lid string }
	parties := map[string]*party{}
	// of returns the party whose headers start with prefix.
	of := func(prefix string) *party {
		p := parties[prefix]
		if p == nil {
			p = &party{}
			parties[prefix] = p
		}
		return p
	}
	for _, h := range m.Headers {
		k := strings.ToLower(h.Key)
		switch {
		case strings.HasSuffix(k, "linkedid"):
			of(strings.TrimSuffix(k, "linkedid")).lid = h.Value
			mine = mine || tr.ids[h.Value]
		case strings.HasSuffix(k, "uniqueid") && !strings.HasPrefix(k, "bridge"):
			of(strings.TrimSuffix(k, "uniqueid")).uid = h.Value
			mine = mine || tr.live[h.Value]
		}
	}
	if !mine {
		return false, false
	}
	tr.events++
	hangup := strings.EqualFold(m.Event(), "Hangup")
	for prefix, p := range parties {
		if p.uid == "" {
			continue
		}
		if hangup && prefix == "" {
			continue // handled below
		}
		switch {
		case tr.ids[p.lid]:
			tr.add(p.uid)
		case tr.live[p.uid] && p.lid != "":
			tr.ids[p.lid] = true
		}
	}
	if hangup {
		delete(tr.live, m.Get("Uniqueid"))
		tr.gone[m.Get("Uniqueid")] = true
		return true, len(tr.live) == 0
	}
	return true, false
}

// mayBeMine is observe's test of whether m belongs to the call, without its
// allocations: false means observe would find m is not the call's. A header
// name that is not ASCII is left to observe (strings.ToLower may change its
// length); one that does not end in d or D is neither a Linkedid nor a
// Uniqueid, whatever it holds (no other rune lower-cases to d).
func (tr *callTracker) mayBeMine(m *ami.Message) bool {
	for _, h := range m.Headers {
		k := h.Key
		if k == "" || k[len(k)-1]|0x20 != 'd' {
			continue
		}
		for i := range len(k) {
			if k[i] >= utf8.RuneSelf {
				return true
			}
		}
		switch {
		case hasSuffixFold(k, "linkedid"):
			if tr.ids[h.Value] {
				return true
			}
		case hasSuffixFold(k, "uniqueid") && !(len(k) >= len("bridge") && strings.EqualFold(k[:len("bridge")], "bridge")):
			if tr.live[h.Value] {
				return true
			}
		}
	}
	return false
}

// hasSuffixFold is strings.HasSuffix ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// timeline writes the text form of a trace: one line an event.
type timeline struct {
	w     io.Writer
	width int // of the channel column so far
	b     []byte
}

// timelineEventWidth pads event names to the longest common one,
// SoftHangupRequest, so the headers start in one column.
const timelineEventWidth = len("SoftHangupRequest")

// timelineNoise are headers a timeline line leaves out: the name and
// bookkeeping (the channel snapshot goes by render.SnapshotHeader).
var timelineNoise = map[string]bool{
	"event": true, "channel": true, "privilege": true, "systemname": true, "eventtv": true,
	"eventversion": true, "sequencenumber": true, "file": true, "line": true, "func": true,
	"actionid": true, "linkedid": true, "uniqueid": true,
}

// timelineContext are snapshot headers still worth a place on some events:
// where a new channel starts in the dialplan, the state a Newstate reports.
var timelineContext = map[string][]string{
	"newchannel": {"Context", "Exten"},
	"newstate":   {"ChannelStateDesc"},
}

func (tl *timeline) write(m *ami.Message, received time.Time) error {
	at := received
	if t, ok := eventTV(m); ok {
		at = t
	}
	ch := m.Get("Channel")
	for _, h := range m.Headers {
		// Transfer events name their channels TransfererChannel, ...
		if ch != "" {
			break
		}
		if len(h.Key) > len("Channel") && strings.EqualFold(h.Key[len(h.Key)-len("Channel"):], "Channel") {
			ch = h.Value
		}
	}
	if ch == "" {
		ch = "-"
	}
	ch = render.TerminalSafe(ch)
	tl.width = max(tl.width, len(ch))
	b := tl.b[:0]
	b = at.AppendFormat(b, "15:04:05.000")
	b = append(b, "  "...)
	b = append(b, ch...)
	for range tl.width - len(ch) {
		b = append(b, ' ')
	}
	b = append(b, "  "...)
	event := m.Event()
	name := render.TerminalSafe(event)
	b = append(b, name...)
	for range timelineEventWidth + 1 - len(name) {
		b = append(b, ' ')
	}
	put := func(h ami.Header) {
		if b[len(b)-1] != ' ' {
			b = append(b, ' ')
		}
		b = append(b, render.TerminalSafe(h.Key)...)
		b = append(b, '=')
		v := h.Value
		if strings.ContainsAny(v, " \t\"") {
			v = fmt.Sprintf("%q", v)
		}
		b = append(b, render.TerminalSafe(v)...)
		if meaning, ok := render.Decode(event, h.Key, h.Value); ok {
			b = append(b, " ("...)
			b = append(b, meaning...)
			b = append(b, ')')
		}
	}
	for _, key := range timelineContext[strings.ToLower(event)] {
		if v := m.Get(key); v != "" {
			put(ami.Header{Key: key, Value: v})
		}
	}
	for _, h := range m.Headers {
		if h.Value == "" || h.Value == "<unknown>" || timelineNoise[strings.ToLower(h.Key)] || render.SnapshotHeader(h.Key) {
			continue
		}
		put(h)
	}
	for b[len(b)-1] == ' ' {
		b = b[:len(b)-1] // an event with no headers to show
	}
	b = append(b, '\n')
	tl.b = b
	_, err := tl.w.Write(b)
	return err
}
