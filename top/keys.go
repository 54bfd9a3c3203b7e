package top

import (
	"context"
	"fmt"
	"strconv"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/screen"
)

// event handles one screen event: a key or a resize. It returns errQuit
// to end the view.
func (l *loop) event(ev screen.Event) error {
	if ev.Key == screen.KeyResize {
		return nil // the screen repaints all of itself at the next Show
	}
	return l.key(ev)
}

func (l *loop) key(ev screen.Event) error {
	st := &l.st
	if ev.Key == screen.KeyCtrlC {
		return errQuit
	}
	st.message = ""
	switch {
	case st.prompt != "":
		run := l.pending
		st.prompt, l.pending = "", nil
		if ev.Key == screen.KeyRune && (ev.Rune == 'y' || ev.Rune == 'Y') {
			run()
		} else {
			st.message = "not confirmed; nothing done"
		}
		return nil
	case st.editing:
		switch ev.Key {
		case screen.KeyEnter:
			st.editing = false
		case screen.KeyEscape:
			st.editing, st.filter = false, ""
		case screen.KeyBackspace:
			if r := []rune(st.filter); len(r) > 0 {
				st.filter = string(r[:len(r)-1])
			}
		case screen.KeyRune:
			st.filter += string(ev.Rune)
		}
		return nil
	}
	sel := &st.sel[st.pane]
	page := max(l.last.height[st.pane]-1, 1)
	switch ev.Key {
	case screen.KeyTab, screen.KeyBacktab:
		st.pane = 1 - st.pane
	case screen.KeyUp:
		l.move(-1)
	case screen.KeyDown:
		l.move(1)
	case screen.KeyPgUp:
		l.move(-page)
	case screen.KeyPgDn:
		l.move(page)
	case screen.KeyHome:
		sel.key, sel.idx = "", 0
	case screen.KeyEnd:
		sel.key, sel.idx = "", l.last.shown[st.pane]-1
	case screen.KeyEscape:
		st.filter = ""
	case screen.KeyCtrlL:
		l.scr.Sync()
	case screen.KeyRune:
		switch ev.Rune {
		case 'q':
			return errQuit
		case '/':
			st.editing = true
		case 'k':
			l.move(-1)
		case 'j':
			l.move(1)
		case 'r':
			l.refresh()
			st.message = "refreshing"
		case 'h':
			l.hangup()
		case 'p':
			l.pause()
		}
	}
	return nil
}

// move moves the selection of the focused pane by d rows.
func (l *loop) move(d int) {
	sel := &l.st.sel[l.st.pane]
	sel.key = ""
	sel.idx = min(max(sel.idx+d, 0), max(l.last.shown[l.st.pane]-1, 0))
}

// hangup hangs up the selected channel (or the selected queue caller's),
// after the y/N question when the profile asks for confirmation.
func (l *loop) hangup() {
	r := l.last.selected[l.st.pane]
	if r == nil || r.channel == "" {
		l.st.message = "select a channel (or a queue caller) to hang up"
		return
	}
	name := r.channel
	l.ask("hang up "+name+"?", func() {
		l.send(ami.NewAction("Hangup", "Channel", name), "hang up "+name, "hung up "+name)
	})
}

// pause pauses or unpauses the selected member in the queue it is listed
// under.
func (l *loop) pause() {
	r := l.last.selected[l.st.pane]
	if r == nil || r.kind != rowMember {
		l.st.message = "select a queue member to pause or unpause"
		return
	}
	verb, did := "pause", "paused"
	if r.paused {
		verb, did = "unpause", "unpaused"
	}
	what := fmt.Sprintf("%s %s in %s", verb, r.iface, r.queue)
	a := ami.NewAction("QueuePause", "Interface", r.iface, "Queue", r.queue, "Paused", strconv.FormatBool(!r.paused))
	l.ask(what+"?", func() {
		l.send(a, what, fmt.Sprintf("%s %s in %s", did, r.iface, r.queue))
	})
}

// ask runs act now, or after a y on the question line when confirmation is
// on.
func (l *loop) ask(question string, act func()) {
	if !l.cfg.Confirm {
		act()
		return
	}
	l.st.prompt, l.pending = question, act
}

// send sends one action on the current session; its outcome comes back to
// the loop as a footer note.
func (l *loop) send(a *ami.Message, what, note string) {
	s := l.s
	if s == nil {
		l.st.message = what + ": not connected"
		return
	}
	if err := ami.ValidateMessage(a); err != nil {
		l.st.message = what + ": " + err.Error()
		return
	}
	l.st.message = what + "…"
	timeout := l.cfg.Timeout
	go func() {
		ctx, cancel := context.WithTimeout(l.ctx, timeout)
		defer cancel()
		d := done{note: note}
		if _, err := s.Send(ctx, a); err != nil {
			d.err = fmt.Errorf("%s: %w", what, err)
		}
		select {
		case l.actions <- d:
		case <-l.ctx.Done():
		}
	}()
}
