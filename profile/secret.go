package profile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// maxSecretOutput is how much of a secret_command's stdout amsh reads: a secret is one short line.
const maxSecretOutput = 64 << 10

// SecretOptions say how ResolveSecret may run a secret_command.
type SecretOptions struct {
	// Terminal reports that amsh's stdin is a terminal, so a person may be there to unlock a
	// password store: the command is then bounded only by ctx (Ctrl-C), and stays in amsh's
	// process group so that it may prompt on the terminal and gets the terminal's Ctrl-C.
	Terminal bool
	// Timeout bounds the command when Terminal is false (amsh passes the connection timeout).
	// Zero means no bound but ctx.
	Timeout time.Duration
}

// ResolveSecret returns the profile's secret from whichever source it names: the literal secret,
// the environment variable secret_env, the file secret_file (a regular file of at most 1 MiB, one
// trailing newline removed) or the first line of the output of secret_command, run with sh -c.
//
// It returns ErrNoSecret when the profile names no source. Any other failure is a *SecretError; no
// error returned here contains the secret, the command's output or anything it printed on stderr.
//
// The command gets no stdin (amsh may be reading REPL lines from it) and its stderr is discarded:
// a password manager's messages may quote the secret. Only the first line of its stdout is kept
// (one trailing CR removed); amsh reads up to 64 KiB and then stops it, so a command that never
// stops printing ends. It is stopped when ctx ends, and, without a terminal, when o.Timeout
// passes; see SecretOptions.
func (p *Profile) ResolveSecret(ctx context.Context, getenv func(string) string, o SecretOptions) (string, error) {
	switch {
	case p.Secret != "":
		return p.Secret, nil
	case p.SecretEnv != "":
		v := getenv(p.SecretEnv)
		if v == "" {
			return "", &SecretError{Profile: p.Name, Key: "secret_env", Msg: fmt.Sprintf("$%s is not set or empty", p.SecretEnv)}
		}
		return v, nil
	case p.SecretFile != "":
		return p.secretFromFile()
	case p.SecretCommand != "":
		return p.secretFromCommand(ctx, o)
	}
	return "", ErrNoSecret
}

func (p *Profile) secretFromFile() (string, error) {
	fail := func(msg string, err error) (string, error) {
		return "", &SecretError{Profile: p.Name, Key: "secret_file", Msg: msg, Err: err}
	}
	data, err := readSmallFile(p.SecretFile)
	var nr *notRegularError
	switch {
	case errors.Is(err, errTooLarge) || errors.As(err, &nr):
		return fail(p.SecretFile+" "+err.Error(), nil)
	case err != nil:
		// The *PathError names the file and the reason, never the contents.
		return fail("cannot read the secret", err)
	}
	s, err := oneLine(data)
	if err != nil {
		return fail(p.SecretFile+" "+err.Error(), nil)
	}
	return s, nil
}

// errTimedOut is the cause given to the context that carries SecretOptions.Timeout, to tell that
// deadline from one the caller's ctx brought.
var errTimedOut = errors.New("secret_command timed out")

// seeForYourself ends the errors of a command that ran: they never quote its stderr.
const seeForYourself = "; run the secret_command yourself to see its messages"

func (p *Profile) secretFromCommand(ctx context.Context, o SecretOptions) (string, error) {
	fail := func(msg string, err error) (string, error) {
		return "", &SecretError{Profile: p.Name, Key: "secret_command", Msg: msg, Err: err}
	}
	if !o.Terminal && o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, errTimedOut)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", p.SecretCommand)
	// Stdin and Stderr stay nil: the command reads from and writes to the null device.
	out := &firstLine{max: maxSecretOutput}
	cmd.Stdout = out
	if o.Terminal {
		// In a process group of its own the command would be in the background: reading the
		// terminal (a passphrase prompt) would stop it with SIGTTIN, and Ctrl-C would miss it.
		out.stop = func() error { return cmd.Process.Kill() }
	} else {
		out.stop = ownProcessGroup(cmd)
	}
	// A process that outlives the shell and still holds stdout would keep Wait waiting; after
	// WaitDelay, Wait closes the pipe and returns.
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return fail("cannot run sh", err)
	}
	err := cmd.Wait()
	switch {
	case out.over && out.complete:
		// It printed its first line and then too much more: amsh stopped it and takes that line.
	case out.over:
		return fail(fmt.Sprintf("printed more than %d bytes before its first line break; a secret is one short line", maxSecretOutput), nil)
	case err == nil || errors.Is(err, exec.ErrWaitDelay):
		// It exited with status 0. ErrWaitDelay means something it started still held stdout.
	case context.Cause(ctx) == errTimedOut:
		return fail(fmt.Sprintf("timed out after %v (the connection timeout, which bounds it when stdin is not a terminal)%s", o.Timeout, seeForYourself), nil)
	case ctx.Err() != nil:
		return fail("stopped", ctx.Err())
	default:
		// err is an *exec.ExitError: "exit status 2" or "signal: killed".
		return fail("failed: "+err.Error()+seeForYourself, nil)
	}
	line := bytes.TrimSuffix(out.line, []byte("\r"))
	switch {
	case out.total == 0:
		return fail("printed nothing"+seeForYourself, nil)
	case len(line) == 0:
		return fail("the first line of its output is empty", nil)
	case bytes.IndexByte(line, '\r') >= 0:
		return fail("the first line of its output holds a carriage return", nil)
	}
	return string(line), nil
}

// firstLine keeps the first line of what is written to it (without the newline) and counts the
// rest. Once more than max bytes have come it calls stop and fails the write, which makes
// os/exec close the pipe: the command's next write gets SIGPIPE or EPIPE.
type firstLine struct {
	max      int
	stop     func() error
	line     []byte
	complete bool // the first newline has come, at most max bytes in
	total    int  // bytes written
	over     bool // total went past max
}

var errTooMuchOutput = errors.New("secret_command: too much output")

func (w *firstLine) Write(b []byte) (int, error) {
	if w.over {
		return 0, errTooMuchOutput
	}
	if !w.complete && len(w.line) <= w.max {
		part := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			part, w.complete = b[:i], true
		}
		// A line longer than max is never complete: it is refused, not cut.
		if room := w.max - len(w.line); len(part) > room {
			part, w.complete = part[:room+1], false
		}
		w.line = append(w.line, part...)
	}
	w.total += len(b)
	if w.total > w.max {
		w.over = true
		_ = w.stop()
		return 0, errTooMuchOutput
	}
	return len(b), nil
}

// oneLine trims one trailing newline and refuses what is left if it is empty or still holds a line
// break, which would otherwise end the Login action early. The error never quotes the data.
func oneLine(data []byte) (string, error) {
	s := string(data)
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	switch {
	case s == "":
		return "", errors.New("is empty")
	case strings.ContainsAny(s, "\r\n"):
		return "", errors.New("holds more than one line")
	}
	return s, nil
}
