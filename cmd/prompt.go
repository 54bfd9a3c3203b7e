package cmd

import (
	"errors"
	"strings"

	"github.com/chzyer/readline"
)

// promptSecret reads a secret on the terminal without echo.
func promptSecret(*IOStreams) func(string) (string, error) {
	return func(prompt string) (string, error) {
		b, err := readline.Password(prompt)
		if err != nil {
			if errors.Is(err, readline.ErrInterrupt) {
				return "", &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted")}
			}
			return "", &UsageError{Err: err}
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
}
