package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
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

// argsBetween is every command's check of its positional arguments (hi < 0:
// no limit). A wrong count is a usage error (exit 2), which cobra's own
// checks are not, worded one way for every command:
//
//	ping: too many arguments: "|", "head" (it takes none)
//	hangup: too many arguments: "a", "b" (it takes CHANNEL|/REGEX/)
//	action: needs NAME [KEY=VALUE ...]
//	queue add: needs QUEUE IFACE (got "support")
//
// The placeholders come from the command's Use line.
func argsBetween(lo, hi int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) >= lo && (hi < 0 || len(args) <= hi) {
			return nil
		}
		return &UsageError{Err: &argsError{cmd: commandName(c), usage: positionals(c.Use), lo: lo, hi: hi, got: args}}
	}
}

// argsError is a wrong number of positional arguments.
type argsError struct {
	cmd    string // "queue add"
	usage  string // the positional part of Use: "QUEUE IFACE"
	lo, hi int
	got    []string
}

func (e *argsError) Error() string {
	quoted := make([]string, len(e.got))
	for i, a := range e.got {
		quoted[i] = strconv.Quote(a)
	}
	got := strings.Join(quoted, ", ")
	if len(e.got) < e.lo {
		want := e.usage
		if want == "" {
			want = count(e.lo)
		}
		if got == "" {
			return fmt.Sprintf("%s: needs %s", e.cmd, want)
		}
		return fmt.Sprintf("%s: needs %s (got %s)", e.cmd, want, got)
	}
	takes := e.usage
	switch {
	case e.hi == 0:
		takes = "none"
	case takes == "":
		takes = "at most " + count(e.hi)
	}
	return fmt.Sprintf("%s: too many arguments: %s (it takes %s)", e.cmd, got, takes)
}

func count(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return strconv.Itoa(n) + " arguments"
}

// commandName is c's path without the program's name: "queue add".
func commandName(c *cobra.Command) string {
	if !c.HasParent() {
		return c.Name()
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// positionals is the part of a Use line that names positional arguments:
// "NAME [KEY=VALUE ...]" of "action NAME [KEY=VALUE ...]", up to the first
// flag or group.
func positionals(use string) string {
	_, rest, _ := strings.Cut(use, " ")
	var words []string
	for _, w := range strings.Fields(rest) {
		if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[-") || strings.HasPrefix(w, "(") {
			break
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}
