package shell

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/render"
)

// console serialises what reaches the terminal between prompts: the
// printer's lines, the running command's output (whole lines each, so an
// event never lands in the middle of a table row) and the shell's own
// errors and notices. In batch mode it is stderr, for notices and errors.
type console struct {
	mu  sync.Mutex
	w   io.Writer
	tty bool // w is the terminal the prompt is on (interactive)
	mid bool // the last write left a line unfinished
}

func (c *console) write(b []byte) {
	c.mu.Lock()
	c.w.Write(b)
	if len(b) > 0 {
		c.mid = b[len(b)-1] != '\n'
	}
	c.mu.Unlock()
}

// eraseEcho takes the cursor back to the start of the terminal's line and
// clears it: what the terminal echoed there while a command ran (keys typed
// ahead, "^C") goes, and readline shows keys typed ahead again at the next
// prompt.
const eraseEcho = "\r\x1b[K"

// line writes s as a line of its own: after a line a command left
// unfinished, and on the terminal over whatever was echoed since.
func (c *console) line(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := make([]byte, 0, len(s)+8)
	if c.mid {
		b = append(b, '\n')
	}
	if c.tty {
		b = append(b, eraseEcho...)
	}
	b = append(append(b, s...), '\n')
	c.w.Write(b)
	c.mid = false
}

// lineWriter is a command's stdout in the REPL: it passes on whole lines
// (all those a Write completes, in one Write) and keeps the rest until the
// next newline or Flush.
type lineWriter struct {
	con *console
	buf []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	if i := bytes.LastIndexByte(w.buf, '\n'); i >= 0 {
		w.con.write(w.buf[:i+1])
		w.buf = w.buf[:copy(w.buf, w.buf[i+1:])]
	}
	return len(p), nil
}

// Flush writes a pending partial line.
func (w *lineWriter) Flush() error {
	if len(w.buf) > 0 {
		w.con.write(w.buf)
		w.buf = w.buf[:0]
	}
	return nil
}

// eventQueue is the subscription's size: a burst rides it out while the
// terminal is slow; beyond it events are dropped and counted (the prompt
// shows the count), never allowed to stall the session's reader.
const eventQueue = 4096

// storeBatch and storeEvery bound how events reach the completion store:
// one merge per batch, whatever the rate.
const (
	storeBatch = 512
	storeEvery = 100 * time.Millisecond
)

// printer is the one goroutine that writes between prompts: events (one
// line each) and the shell's notices (connection lost, reconnected). It
// reads the session's subscription continuously, printing or not, and
// feeds channel and member changes to the completion store.
type printer struct {
	con    *console
	colour bool
	width  func() int
	store  *completion.Store // nil: nothing to feed

	on     atomic.Bool
	filter atomic.Pointer[eventFilter]

	subs  chan *ami.Subscription
	notes chan string
	stop  chan struct{}
	done  chan struct{}

	prevDropped atomic.Uint64 // dropped by subscriptions already ended
	cur         atomic.Pointer[ami.Subscription]
	onDropped   func() // the dropped count changed: redraw the prompt
	shown       uint64 // the count the prompt last showed (printer goroutine only)
}

// eventFilter is a parsed `events filter` with its text.
type eventFilter struct {
	text  string
	match func(*ami.Message) bool
}

func newPrinter(con *console, colour bool, width func() int, store *completion.Store, onDropped func()) *printer {
	p := &printer{
		con: con, colour: colour, width: width, store: store, onDropped: onDropped,
		subs:  make(chan *ami.Subscription, 1),
		notes: make(chan string, 64),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	p.on.Store(true)
	go p.run()
	return p
}

// follow makes sub the subscription the printer reads (after a reconnect).
func (p *printer) follow(sub *ami.Subscription) {
	select {
	case p.subs <- sub:
	case <-p.done:
		sub.Close()
	}
}

// note prints one line between prompts. It never blocks the caller for
// long: notices are few, and the queue is deep. A notice can quote the
// server (an error, the banner), so control characters are escaped.
func (p *printer) note(format string, a ...any) {
	select {
	case p.notes <- render.TerminalSafe(fmt.Sprintf(format, a...)):
	case <-p.done:
	}
}

// dropped is the number of events lost so far, across reconnections.
func (p *printer) dropped() uint64 {
	n := p.prevDropped.Load()
	if s := p.cur.Load(); s != nil {
		n += s.Dropped()
	}
	return n
}

// close stops the printer after it has written the notices queued so far.
func (p *printer) close() {
	close(p.stop)
	<-p.done
}

func (p *printer) run() {
	defer close(p.done)
	var (
		events <-chan *ami.Message
		batch  []*ami.Message
		buf    []byte
		width  = p.width()
	)
	tick := time.NewTicker(storeEvery)
	defer tick.Stop()
	flush := func() {
		if p.store != nil && len(batch) > 0 {
			p.store.ApplyEvents(batch)
		}
		batch = batch[:0]
	}
	// take makes sub the current subscription; the one it replaces has
	// ended, and its drops are kept in prevDropped.
	take := func(sub *ami.Subscription) <-chan *ami.Message {
		if old := p.cur.Swap(sub); old != nil {
			p.prevDropped.Add(old.Dropped())
		}
		return sub.Events()
	}
	// show feeds m to the completion store and prints it unless events
	// are off or the filter rejects it.
	show := func(m *ami.Message) {
		if p.store != nil {
			batch = append(batch, m)
			if len(batch) >= storeBatch {
				flush()
			}
		}
		if !p.on.Load() {
			return
		}
		if f := p.filter.Load(); f != nil && !f.match(m) {
			return
		}
		buf = render.AppendEventLine(buf[:0], m, time.Now(), width, p.colour)
		p.con.write(buf)
	}
	for {
		select {
		case sub := <-p.subs:
			events = take(sub)
		case m, ok := <-events:
			if !ok {
				events = nil // the session ended; the supervisor brings the next
				continue
			}
			show(m)
		case n := <-p.notes:
			p.con.line(n)
		case <-tick.C:
			flush()
			width = p.width()
			if d := p.dropped(); d != p.shown {
				p.shown = d
				if p.onDropped != nil {
					p.onDropped()
				}
			}
		case <-p.stop:
			// Whatever the subscription holds is written before the
			// printer ends, so every event it was given is printed (or
			// filtered out, or not shown with events off) or counted as
			// dropped, never lost unseen. Closing the subscription first
			// stops delivery, so the drain ends. A subscription handed
			// over by follow but not yet taken is drained the same way.
			for {
				if s := p.cur.Load(); s != nil {
					s.Close()
				}
				if events != nil {
					for m := range events {
						show(m)
					}
				}
				select {
				case sub := <-p.subs:
					events = take(sub)
					continue
				default:
				}
				break
			}
			flush()
			for {
				select {
				case n := <-p.notes:
					p.con.line(n)
				default:
					return
				}
			}
		}
	}
}
