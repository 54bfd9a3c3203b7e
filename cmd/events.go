package cmd

import (
	"bufio"
	"context"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// EventsOptions are the arguments of `amsh events`.
type EventsOptions struct {
	Filters []string      // --filter expressions, ANDed (see EventFilter)
	Count   int           // stop after this many matching events; 0 = no limit
	For     time.Duration // stop after this long; 0 = no limit
}

// eventQueue is the subscription's size: deep enough to ride out a GC pause
// or a burst while stdout is slow, small enough to bound memory (a parsed
// event of the corpus takes about 1 KiB, so a full queue is about 16 MiB).
// Beyond it events are dropped and counted: the subscription never stalls
// the session's reader.
const eventQueue = 16384

// streamBuffer is the stdout buffer of the streaming commands: a flood is
// written in 64 KiB chunks, not a syscall per message.
const streamBuffer = 64 << 10

func init() { subcommands = append(subcommands, newCmdEvents) }

func newCmdEvents(f *Factory) *cobra.Command {
	opts := &EventsOptions{}
	c := &cobra.Command{
		Use:   "events [--filter EXPR]... [--count N] [--for DURATION]",
		Short: "Print Asterisk's events as they arrive",
		Long: `Log in with events on (the profile's event mask when it sets one) and print
each event as it arrives: a Key: Value block in text, one JSON object a line
(JSON Lines) with -o json, one YAML document each with -o yaml, the bytes as
received with -o raw. Output is flushed whenever no more events are waiting,
so it appears at once when idle and in large writes under a flood.

It runs until --count matching events have been printed, --for has passed,
or Ctrl-C (exit 130, after everything received has been printed). When the
output could not keep up, the number of events dropped is reported on stderr.

Filters (--filter, repeatable; all must hold):
  NAME-GLOB       the event name matches: Newchannel, Queue*, *Bridge*
  Header=GLOB     some value of Header matches: Channel=PJSIP/101-*
  Header~REGEX    some value of Header matches the regular expression
  !EXPR           negates: !RTCP*, !Channel~^Local/
Globs are case-insensitive and match the whole value ('*' crosses '/');
regular expressions are unanchored and case-sensitive unless given (?i).`,
		Example: `  amsh events
  amsh events --filter 'Hangup' --filter 'Cause~^(17|21)$'
  amsh events --filter '!RTCP*' --filter '!VarSet' --for 1m
  amsh -o json events --filter UserEvent --count 5 | jq .UserEvent`,
		Args: argsBetween(0, 0),
		RunE: func(c *cobra.Command, _ []string) error {
			return runEvents(c.Context(), f, opts)
		},
	}
	fl := c.Flags()
	fl.StringArrayVar(&opts.Filters, "filter", nil, "print only events matching `EXPR` (repeatable, ANDed)")
	fl.IntVar(&opts.Count, "count", 0, "stop after `N` matching events (0: no limit)")
	fl.DurationVar(&opts.For, "for", 0, "stop after `DURATION` (0: no limit)")
	return c
}

// runEvents streams events until the count, the duration or ctx ends it.
// A Ctrl-C (ctx cancelled) returns ctx.Err(), which exits 130, but only
// after every event already received has been printed and flushed.
func runEvents(ctx context.Context, f *Factory, opts *EventsOptions) error {
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
	c, err := f.Connection()
	if err != nil {
		return err
	}
	mask := c.Events
	if mask == "" || strings.EqualFold(mask, "off") {
		mask = "on" // a profile's "off" is for the REPL; this command exists to see events
	}
	// The subscription can only be made once Dial has returned, so the
	// events Asterisk sends right after the login (FullyBooted,
	// SuccessfulAuth) may be missed. Logging in with events off and then
	// sending an Events action would close that gap, but costs a round trip
	// and is not understood by every AMI proxy or replay server.
	s, err := f.Session(ctx, mask)
	if err != nil {
		return err
	}
	defer s.Close()
	boundMemory(f)
	sub := s.Subscribe(eventQueue)
	defer sub.Close()
	if f.IO.ErrTTY {
		f.note("listening for events on %s; Ctrl-C to stop", s.Addr())
	}

	out := bufio.NewWriterSize(f.IO.Out, streamBuffer)
	r := f.streamRenderer(out)
	var stop <-chan time.Time
	if opts.For > 0 {
		t := time.NewTimer(opts.For)
		defer t.Stop()
		stop = t.C
	}
	printed := 0
	// emit prints m when it passes the filter and reports whether the count is reached.
	emit := func(m *ami.Message) (bool, error) {
		if !filter.Match(m) {
			return false, nil
		}
		printed++
		return opts.Count > 0 && printed >= opts.Count, r.Message(m)
	}
	// drain prints what was received before the stop (--for, Ctrl-C), and
	// nothing after.
	drain := func() error {
		for range len(sub.Events()) {
			m, ok := <-sub.Events()
			if !ok {
				return nil
			}
			if done, err := emit(m); done || err != nil {
				return err
			}
		}
		return nil
	}
	err = func() error {
		for {
			select {
			case m, ok := <-sub.Events():
				if !ok {
					return f.where(s.Err())
				}
				if done, err := emit(m); done || err != nil {
					return err
				}
				if len(sub.Events()) == 0 {
					if err := r.Flush(); err != nil {
						return err
					}
				}
			case <-stop:
				return drain()
			case <-ctx.Done():
				if err := drain(); err != nil {
					return err
				}
				return ctx.Err()
			}
		}
	}()
	if ferr := r.Flush(); err == nil {
		err = ferr
	}
	if n := sub.Dropped(); n > 0 {
		f.note("%d events dropped: the output could not keep up", n)
	}
	if err != nil {
		return err
	}
	// Log off politely, but do not wait long: under a flood the Goodbye
	// queues behind every event Asterisk has buffered for us, and a replay
	// server may never answer.
	lctx, cancel := context.WithTimeout(ctx, logoffWait)
	defer cancel()
	s.Logoff(lctx)
	return nil
}

// logoffWait bounds the wait for the Goodbye at the end of a stream.
const logoffWait = 250 * time.Millisecond

// streamRenderer is a Renderer for a stream of messages over w: like
// Factory.Renderer, but it leaves flushing to the caller, who flushes when
// its queue runs dry.
func (f *Factory) streamRenderer(w io.Writer) *render.Renderer {
	format, _ := render.ParseFormat(f.Global.Output)
	return render.New(w, render.Options{
		Format:     format,
		Color:      format == render.Text && f.IO.ColorEnabled(f.Global.Color),
		Width:      f.IO.Width,
		DeferFlush: true,
	})
}

// boundMemory gives a one-shot event stream a soft heap limit. With the
// default GOGC the heap may grow to twice the live set (the queue, read
// blocks, the output buffer) before a collection: ~55 MB peak RSS at
// 800k events/s. A 24 MiB soft limit keeps it near 28 MB at the same rate
// (bench/events.sh). It is a process setting, so the shell (which runs
// `events` on its shared session) and an explicit GOMEMLIMIT are left alone.
func boundMemory(f *Factory) {
	if f.Shared == nil && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(24 << 20)
	}
}
