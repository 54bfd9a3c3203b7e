// Package top is `amsh top`: a full-screen view of one Asterisk's channels
// and queues, kept current by AMI events and corrected by a full refresh
// (CoreShowChannels and QueueStatus) every 30 s and after a reconnect.
//
// One goroutine, the loop in Run, owns the live.Model, the screen and the
// UI state: events reach it from the session's reader through an
// ami.EventBuffer, keys from the screen, refresh lists and action answers from
// short-lived goroutines, all over channels. What is drawn is a pure
// function of a model snapshot and the UI state (frame), tested without a
// terminal. The package dials and sends; it does not read profiles or
// flags (cmd does) and writes nothing outside its screen.
package top

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/live"
	"github.com/amsh/amsh/screen"
)

// Config is what Run needs.
type Config struct {
	// Session is dialled, and redialled after a lost link; Run sets its
	// OnEvent (and Events, when empty).
	Session ami.Config
	Target  string        // names the server on the title line
	Confirm bool          // ask y/N inside the view before h and p
	Color   bool          // colours; without, attributes only (bold, reverse)
	Timeout time.Duration // per action
	Backoff ami.Backoff   // between reconnection attempts

	// Refresh is the period of the full refresh (default 30 s); Tick the
	// period of the redraw that advances durations (default 1 s).
	Refresh, Tick time.Duration
	// EventBudget bounds the events waiting for the loop; past it they are
	// dropped and counted, and a refresh is made sooner (default 64 MiB).
	EventBudget int
	// Now is the clock (time.Now outside tests).
	Now func() time.Time
}

// Events is the Login's event mask top asks for: channels and bridges are
// "call", queue callers and members "agent", Newexten (the application a
// channel runs) "dialplan".
const Events = "call,agent,dialplan"

// minRedraw is the shortest time between two redraws that events cause:
// under a flood the screen is redrawn at most this often, and events are
// applied in between.
const minRedraw = 100 * time.Millisecond

// maxApply bounds the events applied between two looks at the keys, so a
// flood does not make q wait.
const maxApply = 4096

// Run dials, opens the screen newScreen returns, and shows the view until q,
// Ctrl-C or ctx ends it. A failed first dial is returned before the screen
// opens; later failures are shown on the banner while Run redials, except a
// refused login, which ends it.
func Run(ctx context.Context, newScreen func() (*screen.Screen, error), cfg Config) error {
	cfg.defaults()
	buf := ami.NewEventBuffer(cfg.EventBudget, true)
	cfg.Session.OnEvent = func(m *ami.Message) { buf.Put(m) }
	if cfg.Session.Events == "" {
		cfg.Session.Events = Events
	}
	s, err := ami.Dial(ctx, cfg.Session)
	if err != nil {
		return err
	}
	scr, err := newScreen()
	if err != nil {
		s.Close()
		return fmt.Errorf("top: %w", err)
	}
	defer scr.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l := newLoop(ctx, scr, cfg, buf)
	links := make(chan linkNews, 8)
	supervised := make(chan struct{})
	go func() {
		defer close(supervised)
		supervise(ctx, cfg, s, links)
	}()
	err = l.run(s, links)
	cancel()
	<-supervised
	return err
}

func (cfg *Config) defaults() {
	if cfg.Refresh <= 0 {
		cfg.Refresh = 30 * time.Second
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Second
	}
	if cfg.EventBudget <= 0 {
		cfg.EventBudget = 64 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
}

// linkNews is what the supervisor tells the loop: the link is down (err,
// and the next attempt), back up (s), or given up (fatal).
type linkNews struct {
	s       *ami.Session
	err     error
	attempt int
	wait    time.Duration
	fatal   bool
}

// supervise watches the session and redials it when it ends, until ctx
// ends; then it logs off.
func supervise(ctx context.Context, cfg Config, s *ami.Session, links chan<- linkNews) {
	tell := func(n linkNews) bool {
		select {
		case links <- n:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case <-ctx.Done():
			lctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
			s.Logoff(lctx)
			cancel()
			return
		case <-s.Done():
		}
		if !tell(linkNews{err: s.Err()}) {
			return
		}
		ns, err := ami.Redial(ctx, cfg.Session, cfg.Backoff, func(attempt int, err error, wait time.Duration) {
			tell(linkNews{err: err, attempt: attempt, wait: wait})
		})
		if err != nil {
			if ctx.Err() == nil {
				tell(linkNews{err: err, fatal: true})
			}
			return
		}
		s = ns
		if !tell(linkNews{s: ns}) {
			ns.Close()
			return
		}
	}
}

// refreshed is a full refresh's lists, or why it failed.
type refreshed struct {
	s                *ami.Session // the session it was made on
	channels, queues []*ami.Message
	err              error
}

// done is an action's outcome, for the footer.
type done struct {
	note string
	err  error
}

// loop is the goroutine that owns the model, the UI state and the screen.
type loop struct {
	ctx    context.Context
	scr    *screen.Screen
	cfg    Config
	buf    *ami.EventBuffer
	model  *live.Model
	st     uiState
	styles [styleFooter + 1]screen.Style

	s          *ami.Session // nil while the link is down
	refreshing bool
	refreshes  chan refreshed
	actions    chan done
	pending    func() // the action the y/N prompt asks about
	last       frameResult
	lastDraw   time.Time
	channels   []live.Channel // the last snapshot's, reused by the next
	dropped    uint64         // buf.Dropped() at the last refresh
}

func newLoop(ctx context.Context, scr *screen.Screen, cfg Config, buf *ami.EventBuffer) *loop {
	return &loop{ctx: ctx, scr: scr, cfg: cfg, buf: buf, model: live.New(), styles: styles(cfg.Color),
		refreshes: make(chan refreshed, 1), actions: make(chan done, 4)}
}

// errQuit ends the loop on q or Ctrl-C.
var errQuit = errors.New("quit")

func (l *loop) run(s *ami.Session, links <-chan linkNews) error {
	keys := l.scr.Events()
	tick := time.NewTicker(l.cfg.Tick)
	defer tick.Stop()
	every := time.NewTicker(l.cfg.Refresh)
	defer every.Stop()
	var redraw *time.Timer // armed when events wait for minRedraw to pass
	var redrawC <-chan time.Time

	l.s = s
	l.st.loading = true
	l.refresh()
	l.draw()
	dirty := false
	closed := make(chan struct{})
	close(closed)
	more := false
	for {
		ready := l.buf.Ready()
		if more {
			ready = closed
		}
		select {
		case <-l.ctx.Done():
			return l.ctx.Err()
		case ev := <-keys:
			if err := l.event(ev); err != nil {
				if errors.Is(err, errQuit) {
					return nil
				}
				return err
			}
			dirty = false
			l.draw()
			continue
		case <-ready:
			more = l.applyEvents()
			dirty = true
		case <-tick.C:
			l.draw()
			dirty = false
			continue
		case <-every.C:
			l.refresh()
		case r := <-l.refreshes:
			l.loaded(r)
			dirty = true
		case d := <-l.actions:
			if d.err != nil {
				l.st.message = d.err.Error()
			} else {
				l.st.message = d.note
			}
			dirty = true
		case n := <-links:
			if err := l.link(n); err != nil {
				return err
			}
			dirty = true
		case <-redrawC:
			redrawC = nil
		}
		if !dirty || redrawC != nil {
			continue
		}
		if wait := minRedraw - time.Since(l.lastDraw); wait > 0 {
			if redraw == nil {
				redraw = time.NewTimer(wait)
			} else {
				redraw.Reset(wait)
			}
			redrawC = redraw.C
			continue
		}
		l.draw()
		dirty = false
	}
}

// applyEvents applies up to maxApply waiting events and reports whether
// more wait.
func (l *loop) applyEvents() bool {
	now := l.cfg.Now()
	for range maxApply {
		m, ok := l.buf.Get()
		if !ok {
			if n := l.buf.Dropped(); n > l.dropped && !l.refreshing {
				// The model missed events: the refresh puts it right.
				l.refresh()
			}
			return false
		}
		l.model.Apply(m, now)
	}
	return true
}

// refresh starts a full refresh, unless one is running or the link is down.
func (l *loop) refresh() {
	if l.refreshing || l.s == nil {
		return
	}
	l.refreshing = true
	s, timeout := l.s, l.cfg.Timeout
	go func() {
		r := refreshed{s: s}
		get := func(action string) []*ami.Message {
			if r.err != nil {
				return nil
			}
			ctx, cancel := context.WithTimeout(l.ctx, timeout)
			defer cancel()
			res, err := s.Send(ctx, ami.NewAction(action))
			if err != nil {
				r.err = fmt.Errorf("refresh: %s: %w", action, err)
				return nil
			}
			return res.Events
		}
		r.channels = get("CoreShowChannels")
		r.queues = get("QueueStatus")
		select {
		case l.refreshes <- r:
		case <-l.ctx.Done():
		}
	}()
}

// loaded replaces the model's state with a refresh's lists. Events that
// arrived before the lists were complete are applied first.
func (l *loop) loaded(r refreshed) {
	if r.s != l.s {
		return // made on a session since lost; the new one has its own
	}
	l.refreshing = false
	if r.err != nil {
		l.st.loading = false
		if l.s != nil {
			l.st.message = r.err.Error()
		}
		return
	}
	for l.applyEvents() {
	}
	if l.st.loading {
		// The selection so far fell on a row that events brought in before
		// the first list, and would follow it to wherever the list sorts
		// it (the end of 10,000 older channels): start at the top instead.
		l.st.sel = [2]selection{}
	}
	l.st.loading = false
	now := l.cfg.Now()
	l.dropped = l.buf.Dropped()
	l.model.LoadChannels(r.channels, now)
	l.model.LoadQueues(r.queues, now)
}

// link takes the supervisor's news: the banner while down, a refresh when
// back up.
func (l *loop) link(n linkNews) error {
	switch {
	case n.fatal:
		return fmt.Errorf("reconnecting: %w", n.err)
	case n.s != nil:
		l.s = n.s
		l.st.down = ""
		l.st.message = "reconnected; refreshing"
		l.refreshing = false // a refresh on the old session ends with an error
		l.refresh()
	default:
		l.s = nil
		down := n.err.Error()
		if n.attempt > 0 {
			down += fmt.Sprintf("; attempt %d failed, next in %s", n.attempt, n.wait)
		} else {
			down += "; reconnecting"
		}
		l.st.down = down
	}
	return nil
}

// draw takes a snapshot of the model and shows it.
func (l *loop) draw() {
	l.layout()
	draw(l.scr, l.last.lines, &l.styles)
	l.lastDraw = time.Now()
}

// layout takes a snapshot of the model and lays out the frame to show
// (l.last).
func (l *loop) layout() {
	now := l.cfg.Now()
	was := len(l.channels)
	l.channels = l.model.AppendChannels(l.channels[:0], now)
	if n := len(l.channels); n < was {
		clear(l.channels[n:was]) // keep no strings of channels gone alive
	}
	snap := &snapshot{now: now, target: l.cfg.Target, channels: l.channels, queues: l.model.Queues(now)}
	l.st.dropped = l.buf.Dropped()
	w, h := l.scr.Size()
	l.last = frame(snap, &l.st, w, h)
	l.st.sel = l.last.sel
}
