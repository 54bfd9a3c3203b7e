package cmd

import (
	"errors"
	"fmt"
)

// errSilent marks an error whose message was already printed.
var errSilent = errors.New("silent")

// UsageError is a mistake in flags or arguments: exit 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// ExitError carries an exit code chosen by a command (e.g. 3 for an
// unanswered originate).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode maps an error to the exit codes of SPEC §2.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	if c, ok := amiExitCode(err); ok {
		return c
	}
	return ExitAsterisk
}
