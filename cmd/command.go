package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// CommandOptions are what `amsh command` needs.
type CommandOptions struct {
	IO          *IOStreams
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error
	Connection  func() (*Connection, error) // named in the confirmation question

	Words []string // the CLI command, one word per element
}

// NewCmdCommand is `amsh command`; runF, when set, runs instead of commandRun.
func NewCmdCommand(f *Factory, runF func(*CommandOptions) error) *cobra.Command {
	opts := &CommandOptions{IO: f.IO, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send,
		Confirm: f.Confirm, Connection: f.Connection}
	return addWatch(f, &cobra.Command{
		Use:   "command WORDS...",
		Short: "Run an Asterisk CLI command and print its output",
		Long: `Run an Asterisk CLI command through the Command action and print its output
verbatim, whatever the Asterisk version (the legacy "Response: Follows" body
of 1.4-13, or the "Output:" lines of 14 and later).

When Asterisk says the command failed (an unknown command, bad syntax, or a
command this user may not run), its text goes to stderr and amsh exits 1.

"core stop ..." and "core restart ..." ask for confirmation on a terminal
when the profile says confirm: true; --yes skips the question.`,
		Example: `  amsh command core show channels
  amsh -p lab command pjsip show endpoints
  amsh -o json command core show version | jq -r '.output[]'
  amsh -y command core restart gracefully`,
		Args: argsBetween(1, -1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Words = args
			if runF != nil {
				return runF(opts)
			}
			return commandRun(c.Context(), opts)
		},
	}, watchCLI)
}

// commandRun sends one Command action and renders its output.
//
// On Response: Error the CLI's own text (Asterisk 14+ puts it in Output:
// lines) is what the user needs, so nothing goes to stdout: a one-line
// output becomes the error message itself, a longer one (a usage text) is
// printed verbatim on stderr above a one-line error. Either way the exit
// status is 1.
func commandRun(ctx context.Context, opts *CommandOptions) error {
	line := strings.Join(opts.Words, " ")
	if strings.TrimSpace(line) == "" {
		return usageErrorf("command: no CLI command given")
	}
	action := ami.NewAction("Command", "Command", line)
	if err := ami.ValidateMessage(action); err != nil {
		return fmt.Errorf("command %q: %w", line, err)
	}
	if destructiveCLI(opts.Words) {
		target, err := confirmTarget(opts.Connection)
		if err != nil {
			return err
		}
		if err := opts.Confirm(fmt.Sprintf("run %q on %s", line, target)); err != nil {
			return err
		}
	}
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		res, err := opts.Send(ctx, s, action)
		if err != nil {
			return commandError(opts.IO.ErrOut, opts.Connection, line, res, err)
		}
		return opts.Renderer().Result(res)
	})
}

// commandError turns a refused Command into the error the user sees,
// printing a multi-line CLI text on errOut first.
func commandError(errOut io.Writer, conn func() (*Connection, error), line string, res *ami.Result, err error) error {
	var ae *ami.ActionError
	if !errors.As(err, &ae) {
		return err
	}
	out, _ := res.Output()
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	ce := &cliError{line: line, err: ae}
	switch len(out) {
	case 0:
		// "Command output follows" with no output says nothing; any other
		// Message ("Permission denied", "Command blacklisted") does.
		if !strings.EqualFold(ae.Message, "Command output follows") {
			ce.text = ae.Message
		}
	case 1:
		ce.text = strings.TrimSpace(out[0])
	default:
		for _, l := range out {
			fmt.Fprintln(errOut, render.TerminalSafe(l))
		}
		ce.text = "Asterisk refused it (its output is above)"
	}
	if c, err := conn(); err == nil {
		return c.where(ce)
	}
	return ce
}

// cliError is a Command that Asterisk answered with Error. It unwraps to the
// *ami.ActionError, so it exits 1.
type cliError struct {
	line string
	text string
	err  *ami.ActionError
}

func (e *cliError) Error() string {
	text := e.text
	if text == "" {
		text = "Asterisk said " + e.err.Response.Response()
	}
	return fmt.Sprintf("command %q: %s", e.line, text)
}

func (e *cliError) Unwrap() error { return e.err }

// destructiveCLI reports whether a CLI command stops or restarts Asterisk:
// "core stop|restart ..." (1.6+) or the bare "stop|restart ..." of 1.4.
func destructiveCLI(words []string) bool {
	var first []string
	for _, w := range words {
		first = append(first, strings.Fields(strings.ToLower(w))...)
		if len(first) >= 2 {
			break
		}
	}
	if len(first) > 0 && first[0] == "core" {
		first = first[1:]
	}
	return len(first) > 0 && (first[0] == "stop" || first[0] == "restart")
}

// confirmTarget names where an action goes, for a confirmation prompt:
// "profile lab (10.0.0.5:5038)", or the address alone for ad-hoc use. It
// resolves the connection first, so a bad profile fails before the question.
func confirmTarget(conn func() (*Connection, error)) (string, error) {
	c, err := conn()
	if err != nil {
		return "", err
	}
	return targetAddr(c), nil
}

// targetAddr is confirmTarget's name for c, which top shows too.
func targetAddr(c *Connection) string {
	if c.ProfileName != "" {
		return fmt.Sprintf("profile %s (%s)", c.ProfileName, c.Addr)
	}
	return c.Addr
}
