package ami

import (
	"errors"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

func lazy(c *Config) { c.LazyLogin = true }

// TestLazyLoginPipelines: with LazyLogin, Dial returns before the Login is
// answered and the first action follows it at once: the server reads both
// before it answers either. Quit sends a Logoff without waiting for it.
func TestLazyLoginPipelines(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		login := c.Expect("Login")
		ping := c.Expect("Ping") // read before the Login is answered
		c.Reply(login, "Success", "Message: Authentication accepted")
		c.Reply(ping, "Success", "Ping: Pong")
		c.Expect("Logoff")
	})
	s := dialFake(t, fs, lazy)
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	if err != nil || res.Response.Get("Ping") != "Pong" {
		t.Fatalf("Ping: %v %v", res, err)
	}
	if err := s.LoggedIn(ctxTimeout(t, time.Second)); err != nil {
		t.Errorf("LoggedIn after an accepted login: %v", err)
	}
	s.Quit()
	select {
	case <-s.Done():
	case <-time.After(time.Second):
		t.Error("Quit did not close the session")
	}
}

// TestLazyLoginRefused: the refused Login is the action's error, an
// *AuthError, even though the action itself was already sent.
func TestLazyLoginRefused(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		login := c.Expect("Login")
		c.Expect("Ping")
		c.Reply(login, "Error", "Message: Authentication failed")
		// Asterisk closes the connection after a refused login.
	})
	s := dialFake(t, fs, lazy)
	_, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Message != "Authentication failed" {
		t.Fatalf("Send after a refused lazy login: %v (%T); want *AuthError", err, err)
	}
	if err := s.LoggedIn(ctxTimeout(t, time.Second)); !errors.As(err, &ae) {
		t.Errorf("LoggedIn: %v; want the *AuthError again", err)
	}
}

// TestLazyLoginMD5: with MD5 the Challenge is answered inside Dial; the
// Login and the action are then pipelined.
func TestLazyLoginMD5(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		ch := c.Expect("Challenge")
		c.Reply(ch, "Success", "Challenge: 12345")
		login := c.Expect("Login")
		ping := c.Expect("Ping")
		c.Reply(login, "Success", "Message: Authentication accepted")
		c.Reply(ping, "Success", "Ping: Pong")
	})
	s := dialFake(t, fs, lazy, func(c *Config) { c.Auth = "md5" })
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); err != nil {
		t.Fatal(err)
	}
}
