package shell

import (
	"context"
	"errors"
	"time"

	"github.com/amsh/amsh/ami"
)

// errNotConnected is a background fetch tried while the link is down.
var errNotConnected = errors.New("not connected")

// startSupervisor starts supervise for the link's session and sh.cfg.
func (sh *Shell) startSupervisor() {
	ctx, cancel := context.WithCancel(sh.base)
	done := make(chan struct{})
	sh.stopSup = func() {
		cancel()
		<-done
	}
	cfg := sh.cfg
	sh.bg.Add(1)
	go func() {
		defer sh.bg.Done()
		defer close(done)
		sh.supervise(ctx, cfg)
	}()
}

// supervise watches the session. When it ends (Asterisk restarted, the
// network went, a keepalive Ping went unanswered) it says so, shows the
// disconnected prompt, redials with capped backoff saying so at each
// attempt, and swaps the new session in: events resubscribed, completion
// refreshed. A refused login ends the retrying: a wrong secret does not
// fix itself, and Asterisk throttles failed logins. It redials with cfg,
// and returns when ctx ends (the shell is leaving, or `use` moves it to
// another PBX and starts another supervisor).
func (sh *Shell) supervise(ctx context.Context, cfg ami.Config) {
	for {
		s := sh.link.watched()
		select {
		case <-s.Done():
		case <-ctx.Done():
			return
		}
		if sh.link.isClosing() {
			return
		}
		err := s.Err()
		sh.link.setDown(err)
		sh.updatePrompt()
		sh.prn.note("connection lost: %v; reconnecting", cause(err))
		ns, err := sh.redial(ctx, cfg)
		if err != nil {
			if ctx.Err() != nil || sh.link.isClosing() {
				return
			}
			sh.link.setFatal(err)
			sh.updatePrompt()
			sh.prn.note("reconnecting to %s failed: %v; not retrying (restart amsh, or 'use' a profile, once it is fixed)", sh.link.address(), err)
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
		sh.refreshSoon()
	}
}

// refreshSoon asks the completion fetcher for a refresh now, unless one is
// already asked for.
func (sh *Shell) refreshSoon() {
	select {
	case sh.again <- struct{}{}:
	default:
	}
}

// sessionDefaults fills in what the shell's sessions get unless the
// config says otherwise: the keepalive, and timeout as the dial timeout.
func sessionDefaults(cfg ami.Config, timeout time.Duration) ami.Config {
	if cfg.Keepalive == 0 {
		cfg.Keepalive = keepalive
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = timeout
	}
	return cfg
}

// redial dials until it gets a session, like ami.Redial, but a command
// waiting for the link (link.session) can cut a backoff short.
func (sh *Shell) redial(ctx context.Context, cfg ami.Config) (*ami.Session, error) {
	for n := 0; ; n++ {
		s, err := ami.Dial(ctx, cfg)
		if err == nil {
			return s, nil
		}
		var ae *ami.AuthError
		if errors.As(err, &ae) || ctx.Err() != nil {
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
		case <-ctx.Done():
			t.Stop()
			return nil, err
		}
	}
}
