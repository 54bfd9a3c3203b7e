package profile

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoFile reports that the profiles file does not exist at the default location. Locate has
// already refused a missing file that was named explicitly, so callers treat this as "no profiles"
// and carry on with ad-hoc flags.
var ErrNoFile = errors.New("no profiles file")

// ErrNoSecret reports that a profile names none of secret, secret_env, secret_file and
// secret_command; the caller falls back to $AMSH_SECRET or a prompt.
var ErrNoSecret = errors.New("profile has no secret")

// ConfigError is a problem with the profiles file itself: it cannot be read, it is not valid YAML,
// or a value is wrong. Line is 0 when the problem has no line (the file is missing or unreadable).
type ConfigError struct {
	File    string
	Line    int
	Profile string // the profile the key belongs to; empty for top-level keys
	Key     string // the offending key; empty when the problem is not about one key
	Msg     string // what is wrong, already naming the key; never holds a secret
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Profile != "" {
		fmt.Fprintf(&b, "profile %q: ", e.Profile)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// SelectError reports that no profile could be chosen: the name is unknown, or none was given and
// the file has neither a default nor exactly one profile. It is a usage error (exit 2).
type SelectError struct {
	File string
	Name string   // the name asked for; empty when none was given
	Have []string // the profiles the file holds, in file order
	Glob bool     // Name is a glob that matches no profile
}

func (e *SelectError) Error() string {
	have := strings.Join(e.Have, ", ")
	switch {
	case len(e.Have) == 0 && e.Name == "":
		return fmt.Sprintf("no profiles in %s", e.File)
	case len(e.Have) == 0:
		return fmt.Sprintf("unknown profile %q: %s holds no profiles", e.Name, e.File)
	case e.Glob:
		return fmt.Sprintf("no profile in %s matches %q (have: %s)", e.File, e.Name, have)
	case e.Name == "":
		return fmt.Sprintf("no profile chosen and %s has no default (have: %s); use --profile NAME or set default:", e.File, have)
	default:
		return fmt.Sprintf("unknown profile %q in %s (have: %s)", e.Name, e.File, have)
	}
}

// SecretError reports that a profile's secret source did not yield a secret. Key is the source
// (secret_env, secret_file or secret_command). Err, when set, is the cause (an *os.PathError,
// context.DeadlineExceeded, ...) and never holds the secret.
type SecretError struct {
	Profile string
	Key     string
	Msg     string
	Err     error
}

func (e *SecretError) Error() string {
	s := fmt.Sprintf("profile %q: %s: %s", e.Profile, e.Key, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SecretError) Unwrap() error { return e.Err }
