package shell

import (
	"errors"
	"time"

	"github.com/amsh/amsh/ami"
)

// errNotConnected is a background fetch tried while the link is down.
var errNotConnected = errors.New("not connected")

// supervise watches the session. When it ends (Asterisk restarted, the
// network went, a keepalive Ping went unanswered) it says so, shows the
// disconnected prompt, redials with capped backoff saying so at each
// attempt, and swaps the new session in: events resubscribed, completion
// refreshed. A refused login ends the retrying: a wrong secret does not
// fix itself, and Asterisk throttles failed logins.
func (sh *Shell) supervise() {
	for {
		s := sh.link.watched()
		select {
		case <-s.Done():
		case <-sh.base.Done():
			return
		}
		if sh.link.isClosing() {
			return
		}
		err := s.Err()
		sh.link.setDown(err)
		sh.updatePrompt()
		sh.prn.note("connection lost: %v; reconnecting", cause(err))
		ns, err := sh.redial()
		if err != nil {
			if sh.base.Err() != nil || sh.link.isClosing() {
				return
			}
			sh.link.setFatal(err)
			sh.updatePrompt()
			sh.prn.note("reconnecting to %s failed: %v; not retrying (restart amsh once it is fixed)", sh.link.addr, err)
			return
		}
		if !sh.link.setUp(ns) {
			ns.Close()
			return
		}
		if sh.opts.Interactive {
			sh.prn.follow(ns.Subscribe(eventQueue))
		}
		sh.updatePrompt()
		sh.prn.note("reconnected to %s (%s)", ns.Addr(), ns.Banner())
		select {
		case sh.again <- struct{}{}:
		default:
		}
	}
}

// redial dials until it gets a session, like ami.Redial, but a command
// waiting for the link (link.session) can cut a backoff short.
func (sh *Shell) redial() (*ami.Session, error) {
	for n := 0; ; n++ {
		s, err := ami.Dial(sh.base, sh.cfg)
		if err == nil {
			return s, nil
		}
		var ae *ami.AuthError
		if errors.As(err, &ae) || sh.base.Err() != nil {
			return nil, err
		}
		sh.link.attemptFailed(err)
		wait := reconnectBackoff.Delay(n)
		sh.prn.note("reconnect attempt %d: %v; next in %s", n+1, cause(err), wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-sh.link.kick:
			t.Stop()
		case <-sh.base.Done():
			t.Stop()
			return nil, err
		}
	}
}
