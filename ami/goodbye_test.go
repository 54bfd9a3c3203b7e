package ami

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// A server that answers an action other than Logoff with Response: Goodbye
// is ending the session: the action fails with a *ConnError and the session
// is over, for it and for every other action in flight.
func TestSessionGoodbyeEndsTheSession(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		p := c.Expect("Ping")
		c.Reply(p, "Goodbye", "Message: Thanks for all the fish.")
	})
	s := dialFake(t, fs)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	var ce *ConnError
	if !errors.As(err, &ce) || !IsClosed(err) || ce.Addr != fs.Addr() {
		t.Fatalf("err = %#v, want a ConnError closed at %s", err, fs.Addr())
	}
	for _, want := range []string{fs.Addr(), "Ping", "Goodbye", "Thanks for all the fish."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if res == nil || res.Response.Response() != "Goodbye" {
		t.Errorf("result = %+v, want the Goodbye as its response", res)
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("session still up after Goodbye")
	}
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); !errors.As(err, &ce) {
		t.Errorf("send after Goodbye: %v", err)
	}
}

// A Goodbye with no ActionID still ends the session, whoever it is matched to.
func TestSessionGoodbyeWithoutActionID(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		c.Expect("Originate")
		c.Send("Response: Goodbye\nMessage: Thanks for all the fish.\n\n")
	})
	s := dialFake(t, fs)
	_, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Originate", "Channel", "Local/1@x", "Application", "Wait"))
	var ce *ConnError
	if !errors.As(err, &ce) {
		t.Fatalf("Originate answered Goodbye: err = %v, want a ConnError", err)
	}
	<-s.Done()
}

// Goodbye is Logoff's success.
func TestSessionGoodbyeAnswersLogoff(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		l := c.Expect("Logoff")
		c.Reply(l, "Goodbye", "Message: Thanks for all the fish.")
	})
	s := dialFake(t, fs)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Logoff"))
	if err != nil || res.Response.Response() != "Goodbye" {
		t.Fatalf("Logoff: %+v, %v", res, err)
	}
}

// A Goodbye during the login fails Dial with a *ConnError, not an AuthError.
func TestSessionGoodbyeDuringLogin(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		l := c.Expect("Login")
		c.Reply(l, "Goodbye", "Message: Thanks for all the fish.")
	})
	_, err := Dial(ctxTimeout(t, 5*time.Second), Config{Addr: fs.Addr(), Username: "u", Secret: "s", Auth: "plain"})
	var ce *ConnError
	var ae *AuthError
	if !errors.As(err, &ce) || errors.As(err, &ae) {
		t.Fatalf("err = %v, want a ConnError", err)
	}
}

func TestResponseErrorGoodbye(t *testing.T) {
	bye := &Message{Headers: []Header{{"Response", "Goodbye"}, {"Message", "Thanks for all the fish."}}}
	if err := responseError("Logoff", bye); err != nil {
		t.Errorf("Logoff: %v", err)
	}
	if err := responseError("logoff", bye); err != nil {
		t.Errorf("logoff: %v", err)
	}
	for _, action := range []string{"Ping", "Originate", "Login", ""} {
		if err := responseError(action, bye); !IsClosed(err) {
			t.Errorf("%q: %v, want a ConnError", action, err)
		}
	}
}
