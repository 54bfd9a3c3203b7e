package shell

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/amsh/amsh/ami"
)

// reconnectBackoff spaces reconnection attempts: quick while Asterisk
// restarts, never more than 10s apart once it stays away.
var reconnectBackoff = ami.Backoff{Min: 500 * time.Millisecond, Max: 10 * time.Second}

// link owns the shell's one session across reconnections. The supervisor
// (Shell.supervise) moves it between up and down; every reader waits on
// changed, a channel closed and replaced at each move.
type link struct {
	mu      sync.Mutex
	addr    string
	cur     *ami.Session // nil while down
	fatal   error        // set when reconnecting was given up (a refused login)
	last    error        // why the last attempt failed
	closing bool         // the shell is leaving; a lost session is expected
	changed chan struct{}

	kick chan struct{} // asks for an attempt now, not after the backoff
}

func newLink(s *ami.Session) *link {
	return &link{addr: s.Addr(), cur: s, changed: make(chan struct{}), kick: make(chan struct{}, 1)}
}

// transition changes the state under the lock and wakes the waiters.
func (l *link) transition(fn func()) {
	l.mu.Lock()
	fn()
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// setUp makes s, redialled after the link went down, the live session
// unless the shell is closing; then it reports false and the caller must
// close s. It is replace with no session to hand back: the link is down.
func (l *link) setUp(s *ami.Session) bool {
	_, ok := l.replace(s)
	return ok
}
func (l *link) setDown(err error)  { l.transition(func() { l.cur, l.last = nil, err }) }
func (l *link) setFatal(err error) { l.transition(func() { l.cur, l.fatal = nil, err }) }
func (l *link) attemptFailed(err error) {
	l.mu.Lock()
	l.last = err
	l.mu.Unlock()
}

// current returns the live session, nil while down.
func (l *link) current() *ami.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur != nil && l.cur.Err() == nil {
		return l.cur
	}
	return nil
}

// up reports whether the link is up, for the prompt.
func (l *link) up() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur != nil
}

// startClosing marks the link as closing and returns the session to log off.
func (l *link) startClosing() *ami.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closing = true
	return l.cur
}

func (l *link) isClosing() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closing
}

// kickNow asks the supervisor to try at once.
func (l *link) kickNow() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// session returns the live session. While the link is down it asks for an
// attempt now and waits up to wait for the reconnection, so the command
// typed right after Asterisk comes back just works. A refused login on
// reconnect is returned as is (exit 4); running out of time is a ConnError
// (exit 5).
func (l *link) session(ctx context.Context, wait time.Duration) (*ami.Session, error) {
	var timeout <-chan time.Time
	for {
		l.mu.Lock()
		s, fatal, last, changed := l.cur, l.fatal, l.last, l.changed
		l.mu.Unlock()
		switch {
		case fatal != nil:
			return nil, fatal
		case s != nil && s.Err() == nil:
			return s, nil
		}
		if timeout == nil {
			l.kickNow()
			t := time.NewTimer(wait)
			defer t.Stop()
			timeout = t.C
		}
		// Down, or dead and about to be marked down by the supervisor.
		select {
		case <-changed:
		case <-timeout:
			return nil, l.notBack(wait, last)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (l *link) notBack(wait time.Duration, last error) error {
	err := fmt.Errorf("not connected: no reconnection within %s", wait)
	if last != nil {
		err = fmt.Errorf("not connected: no reconnection within %s (last: %v)", wait, cause(last))
	}
	return &ami.ConnError{Op: "dial", Addr: l.address(), Err: err}
}

// address is where the link connects: it changes with `use`.
func (l *link) address() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.addr
}

// replace makes s the live session in place of the current one (`use`
// moved the shell to another PBX), which it returns for the caller to log
// off. A link that had given up is live again. It reports false when the
// shell is closing; then the caller must close s. Checking and setting under
// one lock leaves no gap for close() to miss a session being installed.
func (l *link) replace(s *ami.Session) (old *ami.Session, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return nil, false
	}
	old = l.cur
	l.cur, l.addr, l.fatal, l.last = s, s.Addr(), nil, nil
	close(l.changed)
	l.changed = make(chan struct{})
	return old, true
}

// cause strips a ConnError down to what went wrong, for one-line notices
// that already say where.
func cause(err error) error {
	var ce *ami.ConnError
	if errors.As(err, &ce) && ce.Err != nil {
		return ce.Err
	}
	return err
}

// watched returns the session the supervisor watches (live or just ended).
func (l *link) watched() *ami.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}
