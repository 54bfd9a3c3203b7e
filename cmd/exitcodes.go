package cmd

import (
	"context"
	"errors"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/profile"
	"github.com/amsh/amsh/render"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitAsterisk    = 1 // Asterisk answered Response: Error
	ExitUsage       = 2 // bad flags or arguments, unknown profile, invalid profiles file, unsafe value
	ExitNotAnswered = 3 // originate --wait: the call was not answered
	ExitAuth        = 4 // authentication failed
	ExitConn        = 5 // connection refused, TLS failure, timeout, lost mid-response
	ExitInterrupted = 130
)

// Classify is the one place that turns an error into an exit status and the
// one line to print for it (without a prefix; "" when the error was printed
// already). `amsh ARGS`, batch mode and the interactive shell all use it:
// the shell through shell.Options.Explain.
//
// An action that timed out on a live session (*ami.TimeoutError) exits 5,
// as connection failures do, but its message says the connection is still
// up. A cancelled context is "interrupted" (130).
func Classify(err error) (code int, msg string) {
	if err == nil {
		return ExitOK, ""
	}
	code = exitCode(err)
	switch {
	case errors.Is(err, errSilent):
		return code, ""
	case code == ExitInterrupted && errors.Is(err, context.Canceled):
		return code, "interrupted"
	}
	msg = err.Error()
	var ae *argsError
	if errors.As(err, &ae) {
		// It names its command itself; whatever wrapped it would name it twice.
		msg = ae.Error()
	}
	return code, oneLine(msg)
}

// ExitCode is Classify's exit status alone.
func ExitCode(err error) int {
	code, _ := Classify(err)
	return code
}

// usage is an error of another package (the shell's own line errors) that
// says it is a mistake in what was typed: exit 2, as a *UsageError.
type usage interface{ Usage() bool }

func exitCode(err error) int {
	var (
		ee *ExitError
		ue *UsageError
		ve *ami.UnsafeValueError
		fe *profile.ConfigError
		se *profile.SelectError
		re *profile.SecretError
		au *ami.AuthError
		ce *ami.ConnError
		te *ami.TimeoutError
		pe *ami.ProtocolError
		u  usage
	)
	switch {
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &ue), errors.As(err, &u) && u.Usage():
		return ExitUsage
	case errors.As(err, &ve), errors.As(err, &fe), errors.As(err, &se), errors.As(err, &re):
		return ExitUsage
	case errors.As(err, &au):
		return ExitAuth
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &te), errors.As(err, &ce), errors.As(err, &pe), errors.Is(err, context.DeadlineExceeded):
		return ExitConn
	}
	return ExitAsterisk // an *ami.ActionError, or anything else that failed
}

// oneLine makes msg fit one terminal line: server text escaped (error
// messages quote Asterisk), line breaks joined with "; ".
func oneLine(msg string) string {
	msg = strings.TrimSpace(msg)
	if strings.ContainsAny(msg, "\r\n") {
		var parts []string
		for l := range strings.Lines(msg) {
			if l = strings.TrimSpace(l); l != "" {
				parts = append(parts, l)
			}
		}
		msg = strings.Join(parts, "; ")
	}
	return render.TerminalSafe(msg)
}
