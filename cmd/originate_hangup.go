package cmd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
)

// originateWasAnswered reads an OriginateResponse: Reason 4 (AST_CONTROL_ANSWER),
// or Response: Success where Reason is not a number.
func originateWasAnswered(ev *ami.Message) bool {
	code, err := strconv.Atoi(strings.TrimSpace(ev.Get("Reason")))
	if err != nil {
		return strings.EqualFold(ev.Response(), "Success")
	}
	return code == originateAnswered
}

// hangupLog keeps the Hangup events that arrive while originate waits for
// its OriginateResponse: a call that ends right at its answer can hang up
// before Asterisk reports the answer. They are by Uniqueid.
type hangupLog map[string]*ami.Message

func (h hangupLog) keep(m *ami.Message) {
	if !strings.EqualFold(m.Event(), "Hangup") || m.Get("Uniqueid") == "" {
		return
	}
	h[m.Get("Uniqueid")] = m
}

// hangupCheckEvery is how often --until-hangup, once its subscription has
// dropped events (the Hangup may be among them), asks Asterisk whether the
// channel is still up.
const hangupCheckEvery = 5 * time.Second

// followToHangup is --until-hangup: an answered call is followed to the
// Hangup of the answered channel (by Uniqueid), then the answer, the hangup
// cause and the talk time are printed. A call not answered is reported as
// --wait reports it.
func (o *OriginateOptions) followToHangup(ctx context.Context, s *ami.Session, sub *ami.Subscription, res *ami.Result, answer *ami.Message, early hangupLog) error {
	if !originateWasAnswered(answer) {
		return o.report(res, answer)
	}
	uid, channel := answer.Get("Uniqueid"), answer.Get("Channel")
	if uid == "" {
		return fmt.Errorf("%s: answered, but the OriginateResponse names no Uniqueid to follow", o.label())
	}
	answeredAt := time.Now() // the OriginateResponse has just arrived
	if o.Note != nil {
		o.Note("answered: %s; following it until it hangs up", channel)
	}
	hangup, hungUpAt := early[uid], answeredAt // an early Hangup: no talk time
	tick := time.NewTicker(hangupCheckEvery)
	defer tick.Stop()
	for hangup == nil {
		select {
		case ev, ok := <-sub.Events():
			if !ok {
				err := s.Err()
				if err == nil {
					err = errors.New("session ended")
				}
				return &ExitError{Code: ExitConn, Err: fmt.Errorf("%s: answered, then lost while waiting for its hangup: %w", o.label(), err)}
			}
			if strings.EqualFold(ev.Event(), "Hangup") && ev.Get("Uniqueid") == uid {
				hangup, hungUpAt = ev, time.Now()
			}
		case <-tick.C:
			if sub.Dropped() == 0 {
				continue
			}
			if _, err := o.Send(ctx, s, ami.NewAction("Status", "Channel", channel)); err != nil {
				if asteriskSaidError(err) {
					// Gone, and its Hangup was among the dropped events.
					hangup, hungUpAt = ami.NewEvent("Hangup", "Channel", channel, "Uniqueid", uid), time.Now()
					continue
				}
				return fmt.Errorf("%s: %w", o.label(), err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Asterisk's own times when both events carry them (EventTV); else
	// when they arrived.
	talk := hungUpAt.Sub(answeredAt)
	if a, ok := eventTV(answer); ok {
		if h, ok := eventTV(hangup); ok {
			talk = h.Sub(a)
		}
	}
	talk = max(talk, 0).Round(10 * time.Millisecond) // an early Hangup's EventTV is before the answer's
	cause := hangup.Get("Cause")
	if meaning, ok := render.Decode("Hangup", "Cause", cause); ok {
		cause += " (" + meaning + ")"
	}
	if cause == "" {
		cause = fmt.Sprintf("unknown (%d events dropped while amsh fell behind)", sub.Dropped())
	}
	r := o.Renderer()
	if o.Format() != "text" {
		return r.Result(&ami.Result{Action: res.Action, Response: res.Response, Events: []*ami.Message{answer, hangup}})
	}
	return r.Fields([][2]string{
		{"Result", "answered, hung up"},
		{"Channel", channel},
		{"Uniqueid", uid},
		{"Cause", cause},
		{"TalkTime", talk.String()},
	})
}

// eventTV is when Asterisk sent m, from its EventTV header (millisecond
// precision; Asterisk 22 sends it on some events only, such as
// SuccessfulAuth, and not on OriginateResponse or Hangup).
func eventTV(m *ami.Message) (time.Time, bool) {
	if tv := m.Get("EventTV"); tv != "" {
		if t, err := time.Parse("2006-01-02T15:04:05.000-0700", tv); err == nil {
			return t.Local(), true
		}
	}
	return time.Time{}, false
}
