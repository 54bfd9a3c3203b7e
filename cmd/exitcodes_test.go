package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/profile"
)

// shellLineError stands in for the shell's own errors for a mistake in the
// line: cmd knows them only by their Usage method.
type shellLineError struct{}

func (shellLineError) Error() string { return "unknown command \"nosuch\"" }
func (shellLineError) Usage() bool   { return true }

func TestClassify(t *testing.T) {
	timeout := &ami.TimeoutError{Action: "QueueStatus", Wait: 10 * time.Second}
	args := &UsageError{Err: &argsError{cmd: "ping", hi: 0, got: []string{"|", "head"}}}
	for _, tc := range []struct {
		name string
		err  error
		code int
		msg  string // "" : no message; otherwise the whole message
	}{
		{"nil", nil, ExitOK, ""},
		{"usage", usageErrorf("--timeout 0s: must be positive"), ExitUsage, "--timeout 0s: must be positive"},
		{"arguments", args, ExitUsage, `ping: too many arguments: "|", "head" (it takes none)`},
		{"arguments named twice", &UsageError{Err: fmt.Errorf("amsh ping: %w", args)}, ExitUsage, `ping: too many arguments: "|", "head" (it takes none)`},
		{"shell line error", shellLineError{}, ExitUsage, `unknown command "nosuch"`},
		{"exit error", &ExitError{Code: ExitNotAnswered, Err: errors.New("originate: Busy")}, ExitNotAnswered, "originate: Busy"},
		{"printed already", &ExitError{Code: ExitAsterisk, Err: errSilent}, ExitAsterisk, ""},
		{"asterisk said error", &ami.ActionError{Action: "Hangup", Message: "No such channel"}, ExitAsterisk, "Hangup: Asterisk said: No such channel"},
		{"auth", &ami.AuthError{Addr: "h:5038", User: "amsh", Message: "Authentication failed"}, ExitAuth, `login to h:5038 as "amsh" failed: Authentication failed`},
		{"refused", &ami.ConnError{Op: ami.OpDial, Addr: "h:5038", Err: errors.New("connection refused")}, ExitConn, "dial h:5038: connection refused"},
		{"lost", &ami.ConnError{Op: ami.OpClosed, Addr: "h:5038", Err: io.ErrUnexpectedEOF}, ExitConn, "h:5038: connection lost: unexpected EOF"},
		{"protocol", &ami.ProtocolError{Reason: "line too long", Input: "x"}, ExitConn, `ami: line too long: "x"`},
		{"timeout on a live session", fmt.Errorf("profile lab: %w", timeout), ExitConn, "profile lab: QueueStatus: no response within 10s (the connection is still up)"},
		{"bare deadline", context.DeadlineExceeded, ExitConn, "context deadline exceeded"},
		{"interrupted", fmt.Errorf("profile lab: %w", context.Canceled), ExitInterrupted, "interrupted"},
		{"unsafe value", &ami.UnsafeValueError{Key: "Channel", Reason: "value contains a line break"}, ExitUsage, ""},
		{"unknown profile", &profile.SelectError{Name: "nope", File: "p.yaml", Have: []string{"lab"}}, ExitUsage, `unknown profile "nope" in p.yaml (have: lab)`},
		{"anything else", errors.New("something failed"), ExitAsterisk, "something failed"},
		{"several lines", errors.New("first\nsecond\n"), ExitAsterisk, "first; second"},
		{"server text", errors.New("Getvar: Asterisk said: \x1b[2Jx"), ExitAsterisk, `Getvar: Asterisk said: \x1b[2Jx`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := Classify(tc.err)
			if code != tc.code {
				t.Errorf("code %d, want %d", code, tc.code)
			}
			if tc.msg != "" && msg != tc.msg || tc.err == nil && msg != "" {
				t.Errorf("message %q, want %q", msg, tc.msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q spans lines", msg)
			}
			if ExitCode(tc.err) != code {
				t.Errorf("ExitCode %d, Classify %d", ExitCode(tc.err), code)
			}
		})
	}
	if _, msg := Classify(&ExitError{Code: ExitAsterisk, Err: errSilent}); msg != "" {
		t.Errorf("a printed error printed again: %q", msg)
	}
}

// Every error line of `amsh ARGS` is "amsh: MESSAGE", the command named once.
func TestErrorLineHasOnePrefix(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"action"}, "amsh: action: needs NAME [KEY=VALUE ...]\n"},
		{[]string{"ping", "|", "head"}, "amsh: ping: too many arguments: \"|\", \"head\" (it takes none)\n"},
		{[]string{"queue", "add", "support"}, "amsh: queue add: needs QUEUE IFACE (got \"support\")\n"},
		{[]string{"hangup", "a", "b"}, "amsh: hangup: too many arguments: \"a\", \"b\" (it takes CHANNEL|/REGEX/)\n"},
	} {
		r := (&run{Args: tc.args}).exec(t)
		if r.Code != ExitUsage || r.Stderr != tc.want {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, r.Code, r.Stderr, tc.want)
		}
	}
}

// In the shell a line goes through Dispatch, which wraps an argument error
// with the command's path: the message still names the command once.
func TestDispatchArgumentErrorNamesTheCommandOnce(t *testing.T) {
	f := NewFactory(&IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, Getenv: func(string) string { return "" }})
	f.Global.Output, f.Global.Color = "text", "auto"
	err := Dispatch(context.Background(), f, []string{"ping", "|", "head"})
	code, msg := Classify(err)
	if code != ExitUsage || msg != `ping: too many arguments: "|", "head" (it takes none)` {
		t.Errorf("exit %d, message %q", code, msg)
	}
}
