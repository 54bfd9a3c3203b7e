package cmd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/profile"
	"github.com/amsh/amsh/render"
)

// Factory hands out what commands need, lazily: `version`, `--help` and
// `completion` never read the profiles file or dial.
type Factory struct {
	IO     *IOStreams
	Global GlobalOptions

	// ReadSecret prompts for a secret without echo; nil when no TTY prompt is possible.
	ReadSecret func(prompt string) (string, error)

	// Shared, when set (by the REPL), hands out the shell's one long-lived
	// session; see WithSession.
	Shared func(ctx context.Context) (*ami.Session, error)

	conn *Connection // resolved once

	args []string  // the command line Run was given; a fleet runs it again per target
	pin  *fleetPin // set on the copy that runs one target of several (fleet.go)
	// preloaded is the profiles file the fleet check read for a command
	// line on one profile; loadProfile takes it instead of reading the
	// file again, once.
	preloaded *profile.File
	// stream is set when events runs over several profiles: it merges
	// their streams itself (events_fleet.go).
	stream *fleetSelection
}

// NewFactory returns a Factory over the given streams.
func NewFactory(ios *IOStreams) *Factory {
	f := &Factory{IO: ios}
	if ios.InTTY && ios.ErrTTY {
		f.ReadSecret = promptSecret(ios)
	}
	return f
}

// Connection is the resolved connection settings: profile, flags and
// environment merged with the precedence flag > environment > profile > default.
type Connection struct {
	ProfileName string // "" for ad-hoc (--host) use
	Profile     *profile.Profile
	File        string // the profiles file, when one was read
	Addr        string
	Username    string
	Auth        string
	TLS         *tls.Config
	Events      string // the profile's event mask, "" when unset
	Timeout     time.Duration
	Confirm     bool

	secretSource func(ctx context.Context) (string, error)
	file         *profile.File // the profiles file as read, when one was
}

// Connection resolves where to connect. Errors are usage errors (exit 2).
func (f *Factory) Connection() (*Connection, error) {
	if f.conn != nil {
		return f.conn, nil
	}
	c, err := f.resolve()
	if err != nil {
		return nil, err
	}
	f.conn = c
	return c, nil
}

func (f *Factory) env(key string) string { return f.IO.Getenv(key) }

func (f *Factory) resolve() (*Connection, error) {
	g := f.Global
	host := firstNonEmpty(g.Host, f.env("AMSH_HOST"))
	user := firstNonEmpty(g.User, f.env("AMSH_USER"))
	name := firstNonEmpty(g.Profile, f.env("AMSH_PROFILE"))
	if f.pin != nil {
		name = f.pin.name
	}

	c := &Connection{Auth: profile.DefaultAuth, Timeout: profile.DefaultTimeout, Confirm: true}

	// With --host and no profile named, amsh is used ad hoc: the profiles
	// file is not read, so a profile's secret is never offered to another host.
	if host == "" || name != "" {
		p, file, err := f.loadProfile(name)
		if err != nil {
			return nil, err
		}
		c.ProfileName, c.Profile, c.File, c.file = p.Name, p, file.Path, file
		c.Addr, c.Username, c.Auth = p.Addr(), p.Username, p.Auth
		c.Events, c.Timeout, c.Confirm = p.Events, p.Timeout, p.Confirm
		if p.TLS {
			tc, err := tlsConfig(p)
			if err != nil {
				return nil, &UsageError{Err: fmt.Errorf("profile %q: %w", p.Name, err)}
			}
			c.TLS = tc
			if p.TLSInsecure {
				f.note("warning: profile %q skips TLS certificate verification (tls_insecure)", p.Name)
			}
		}
		c.secretSource = func(ctx context.Context) (string, error) {
			return p.ResolveSecret(ctx, f.env, profile.SecretOptions{Terminal: f.IO.InTTY, Timeout: c.Timeout})
		}
	}
	if host != "" {
		// A host without a port keeps the profile's port (5039 by default with
		// TLS), so --host moves a profile to another machine and nothing else.
		port := profile.DefaultPort
		if c.Profile != nil {
			port = c.Profile.Port
		}
		h, port, err := profile.ParseHostPort(host, port)
		if err != nil {
			return nil, &UsageError{Err: fmt.Errorf("--host: %w", err)}
		}
		c.Addr = joinHostPort(h, port)
		if c.TLS != nil && c.Profile != nil && c.Profile.TLSServerName == "" {
			c.TLS.ServerName = h
		}
	}
	if user != "" {
		c.Username = user
	}
	if c.Username == "" {
		return nil, usageErrorf("no user to log in as: give --user NAME or set $AMSH_USER")
	}
	if t := f.env("AMSH_TIMEOUT"); t != "" && g.Timeout == 0 {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return nil, usageErrorf("$AMSH_TIMEOUT %q: want a duration such as 10s", t)
		}
		c.Timeout = d
	}
	if g.Timeout > 0 {
		c.Timeout = g.Timeout
	}
	return c, nil
}

func (f *Factory) loadProfile(name string) (*profile.Profile, *profile.File, error) {
	var file *profile.File
	if f.pin != nil {
		file = f.pin.file // its warnings were printed once for all targets
	} else {
		if file = f.preloaded; file != nil {
			f.preloaded = nil
		} else {
			var err error
			if file, _, err = f.loadFile(); err != nil {
				return nil, nil, err
			}
		}
		for _, w := range file.Warnings() {
			fmt.Fprintln(f.IO.ErrOut, w)
		}
	}
	p, err := file.Select(name)
	if err != nil {
		return nil, nil, &UsageError{Err: err}
	}
	return p, file, nil
}

// loadFile finds and loads the profiles file. Errors are usage errors.
func (f *Factory) loadFile() (*profile.File, string, error) {
	path, _, err := profile.Locate(f.Global.Config, f.env)
	if err != nil {
		return nil, "", &UsageError{Err: err}
	}
	file, err := profile.Load(path)
	if errors.Is(err, profile.ErrNoFile) {
		return nil, "", usageErrorf("no profiles file at %s; create one (see profiles.yaml.example) or use --host HOST --user NAME", path)
	}
	if err != nil {
		return nil, "", &UsageError{Err: err}
	}
	return file, path, nil
}

// Secret returns the secret to log in with: $AMSH_SECRET, else the profile's
// source, else a no-echo prompt on a terminal.
func (c *Connection) secret(ctx context.Context, f *Factory) (string, error) {
	if s := f.env("AMSH_SECRET"); s != "" {
		return s, nil
	}
	if c.secretSource != nil {
		s, err := c.secretSource(ctx)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, profile.ErrNoSecret) {
			return "", &UsageError{Err: err}
		}
	}
	if f.ReadSecret == nil {
		return "", usageErrorf("no secret for %s@%s: set $AMSH_SECRET or give the profile a secret_* key", c.Username, c.Addr)
	}
	return f.ReadSecret(fmt.Sprintf("Secret for %s@%s: ", c.Username, c.Addr))
}

// Session dials and logs in. events is the Login's event mask ("off" for
// one-shot commands that need none).
func (f *Factory) Session(ctx context.Context, events string) (*ami.Session, error) {
	cfg, err := f.sessionConfig(ctx, events)
	if err != nil {
		return nil, err
	}
	s, err := ami.Dial(ctx, cfg)
	if err != nil {
		return nil, f.where(err)
	}
	return s, nil
}

// sessionConfig is what Session dials with: the shell keeps it to redial
// with the same secret, asked for once.
func (f *Factory) sessionConfig(ctx context.Context, events string) (ami.Config, error) {
	if err := f.probing(); err != nil {
		return ami.Config{}, err
	}
	c, err := f.Connection()
	if err != nil {
		return ami.Config{}, err
	}
	secret, err := c.secret(ctx, f)
	if err != nil {
		return ami.Config{}, err
	}
	cfg := ami.Config{
		Addr:        c.Addr,
		TLS:         c.TLS,
		Username:    c.Username,
		Secret:      secret,
		Auth:        c.Auth,
		Events:      events,
		DialTimeout: c.Timeout,
	}
	if f.Global.Trace {
		// Control characters from the server are escaped, not sent to the
		// terminal.
		cfg.Trace = render.NewTerminalWriter(f.IO.ErrOut)
	}
	// -o raw prints messages exactly as received, so the reader keeps their bytes.
	cfg.Reader.KeepRaw = f.Global.Output == "raw"
	return cfg, nil
}

// where adds the profile to an error so it says where things failed.
func (f *Factory) where(err error) error {
	if f.conn != nil {
		return f.conn.where(err)
	}
	return err
}

// where adds the profile to an error so it says where things failed.
func (c *Connection) where(err error) error {
	if c.ProfileName != "" {
		return fmt.Errorf("profile %s: %w", c.ProfileName, err)
	}
	return err
}

// target names the connection in notes and questions: "profile lab", or
// the address for ad-hoc use.
func (c *Connection) target() string {
	if c.ProfileName != "" {
		return "profile " + c.ProfileName
	}
	return c.Addr
}

// send is Factory.Send on a session of this connection.
func (c *Connection) send(ctx context.Context, s *ami.Session, action *ami.Message) (*ami.Result, error) {
	actx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	res, err := s.Send(actx, action)
	if err != nil {
		return res, c.where(err)
	}
	return res, nil
}

// format is the -o format's canonical name: text, raw, json or yaml.
func (f *Factory) format() string { return f.Global.Output }

// SessionFunc is Factory.WithSession: it dials (or, in the shell, borrows
// the shell's session), runs fn and logs off. events is the Login's event
// mask, "off" for commands that need none.
type SessionFunc func(ctx context.Context, events string, fn func(s *ami.Session) error) error

// SendFunc is Factory.Send: one action within the per-action timeout, its
// error naming the profile.
type SendFunc func(ctx context.Context, s *ami.Session, action *ami.Message) (*ami.Result, error)

// note prints a line on stderr unless --quiet.
func (f *Factory) note(format string, a ...any) {
	if !f.Global.Quiet {
		// Notes can quote the server (an error, a name): escaped, as errors are.
		fmt.Fprintln(f.IO.ErrOut, render.TerminalSafe(fmt.Sprintf(format, a...)))
	}
}

func tlsConfig(p *profile.Profile) (*tls.Config, error) {
	tc := &tls.Config{ServerName: p.Host, InsecureSkipVerify: p.TLSInsecure}
	if p.TLSServerName != "" {
		tc.ServerName = p.TLSServerName
	}
	if p.TLSCA != "" {
		pem, err := os.ReadFile(p.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("tls_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls_ca %s: no PEM certificate in it", p.TLSCA)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinHostPort(h string, port int) string {
	if strings.Contains(h, ":") {
		return fmt.Sprintf("[%s]:%d", h, port)
	}
	return fmt.Sprintf("%s:%d", h, port)
}
