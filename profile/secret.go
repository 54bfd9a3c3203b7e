package profile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Limits on what a secret_command may print: a secret is short, and stderr only explains failure.
const (
	maxSecretOutput = 64 << 10
	maxStderrInErr  = 200
)

// ResolveSecret returns the profile's secret from whichever source it names: the literal secret,
// the environment variable secret_env, the file secret_file (one trailing newline removed) or the
// output of secret_command run with sh -c (one trailing newline removed).
//
// It returns ErrNoSecret when the profile names no source. Any other failure is a *SecretError; no
// error returned here contains the secret, nor the command's stdout.
//
// The command gets no stdin (amsh may be reading REPL lines from it) and is stopped when ctx ends;
// callers bound ctx as they see fit, bearing in mind that a password manager may wait for a person.
func (p *Profile) ResolveSecret(ctx context.Context, getenv func(string) string) (string, error) {
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
		return p.secretFromCommand(ctx)
	}
	return "", ErrNoSecret
}

func (p *Profile) secretFromFile() (string, error) {
	fail := func(msg string, err error) (string, error) {
		return "", &SecretError{Profile: p.Name, Key: "secret_file", Msg: msg, Err: err}
	}
	data, err := os.ReadFile(p.SecretFile)
	if err != nil {
		// The *PathError names the file and the reason, never the contents.
		return fail("cannot read the secret", err)
	}
	s, err := oneLine(data)
	if err != nil {
		return fail(p.SecretFile+" "+err.Error(), nil)
	}
	return s, nil
}

func (p *Profile) secretFromCommand(ctx context.Context) (string, error) {
	fail := func(msg string, err error) (string, error) {
		return "", &SecretError{Profile: p.Name, Key: "secret_command", Msg: msg, Err: err}
	}
	var stdout, stderr capped
	stdout.max, stderr.max = maxSecretOutput, 4<<10
	cmd := exec.CommandContext(ctx, "sh", "-c", p.SecretCommand)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A grandchild that outlives the killed shell would hold the pipes open and Wait with them.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return fail("stopped", ctx.Err())
	}
	if err != nil {
		msg := "failed: " + err.Error()
		if why := firstWords(stderr.buf.Bytes(), stdout.buf.Bytes()); why != "" {
			msg += ": " + why
		}
		return fail(msg, nil)
	}
	if stdout.over {
		return fail(fmt.Sprintf("printed more than %d bytes; a secret is one short line", maxSecretOutput), nil)
	}
	s, err := oneLine(stdout.buf.Bytes())
	if err != nil {
		return fail("output "+err.Error(), nil)
	}
	return s, nil
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

// firstWords is the start of a failed command's stderr, made fit for one error line. Should the
// command have echoed its stdout (maybe the secret) to stderr too, that text is masked.
func firstWords(stderr, stdout []byte) string {
	s := string(stderr)
	if secret := strings.TrimSpace(string(stdout)); len(secret) >= 4 {
		s = strings.ReplaceAll(s, secret, Redaction)
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxStderrInErr {
		s = string(r[:maxStderrInErr]) + "…"
	}
	return s
}

// capped keeps the first max bytes written and notes whether more came; it never fails a write,
// so the command is not killed by SIGPIPE before it reports its own error.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(b []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(b) {
		c.over = true
		c.buf.Write(b[:max(room, 0)])
		return len(b), nil
	}
	return c.buf.Write(b)
}
