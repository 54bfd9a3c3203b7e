package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/profile"
	"github.com/amsh/amsh/render"
)

// NewCmdProfiles is the `amsh profiles` group.
func NewCmdProfiles(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "profiles",
		Short: "List, show and check connection profiles",
		Long: `Profiles name the Asterisk servers amsh connects to. They live in one YAML
file, the first found of: --config FILE, $AMSH_CONFIG,
$XDG_CONFIG_HOME/amsh/profiles.yaml (default ~/.config/amsh/profiles.yaml).

  default: lab
  profiles:
    lab:
      host: 127.0.0.1
      port: 5038             # 5039 with tls: true
      username: admin
      secret_file: ~/.config/amsh/lab.secret   # or secret, secret_env, secret_command
      auth: md5              # md5 (default) or plain
      tls: false

'list' and 'show' only read the file; 'check' logs in.`,
		Example: `  amsh profiles list
  amsh profiles show lab
  amsh profiles check lab`,
	}
	c.AddCommand(NewCmdProfilesList(f, nil), NewCmdProfilesShow(f, nil), NewCmdProfilesCheck(f, nil))
	return c
}

// ProfilesListOptions are what `amsh profiles list` needs.
type ProfilesListOptions struct {
	IO       *IOStreams
	Format   func() string // the -o format
	Renderer func() *render.Renderer
	Note     func(format string, a ...any)
	// LoadFile reads the profiles file: nil, and its path, when there is none.
	LoadFile func() (*profile.File, string, error)
}

// NewCmdProfilesList is `amsh profiles list`; runF, when set, runs instead
// of profilesListRun.
func NewCmdProfilesList(f *Factory, runF func(*ProfilesListOptions) error) *cobra.Command {
	opts := &ProfilesListOptions{IO: f.IO, Format: f.format, Renderer: f.Renderer, Note: f.note, LoadFile: f.loadProfilesFile}
	return &cobra.Command{
		Use:   "list",
		Short: "List the profiles in the profiles file (never connects)",
		Long: `List the profiles in the profiles file: name, address, user, login method,
TLS, and which one is the default (the file's default:, or its only profile).
Nothing is dialled and no secret is read.

A profile with a mistake in it is listed with its error (file, line and key)
in an ERROR column, and the others are listed as usual; commands that use
another profile still work. -o json and -o yaml give one object per profile
with the keys name, host, port, username, auth, tls and default, or name,
default and error for a broken one.`,
		Example: `  amsh profiles list
  amsh profiles list -o json | jq -r '.[].name'`,
		Args: argsBetween(0, 0),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return profilesListRun(opts)
		},
	}
}

// ProfilesShowOptions are what `amsh profiles show` needs.
type ProfilesShowOptions struct {
	IO       *IOStreams
	Format   func() string // the -o format
	Renderer func() *render.Renderer
	// Choose selects a profile by name; "" is the one amsh would use.
	Choose func(name string) (*profile.Profile, *profile.File, error)

	// Name is the profile; empty means the one amsh would use (--profile,
	// $AMSH_PROFILE, then the file's default).
	Name string
}

// NewCmdProfilesShow is `amsh profiles show`; runF, when set, runs instead
// of profilesShowRun.
func NewCmdProfilesShow(f *Factory, runF func(*ProfilesShowOptions) error) *cobra.Command {
	opts := &ProfilesShowOptions{IO: f.IO, Format: f.format, Renderer: f.Renderer, Choose: f.chooseProfile}
	return &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show every setting of a profile, the secret masked (never connects)",
		Long: `Show every setting of one profile, defaults filled in. A literal secret is
printed as ********; secret_env, secret_file and secret_command are shown as
the references they are, and are not resolved. Without NAME, the profile amsh
would use: --profile, $AMSH_PROFILE, then the file's default.`,
		Example: `  amsh profiles show lab
  amsh profiles show lab -o yaml`,
		Args:              argsBetween(0, 1),
		ValidArgsFunction: completeProfileArg(f),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return profilesShowRun(opts)
		},
	}
}

// ProfilesCheckOptions are what `amsh profiles check` needs.
type ProfilesCheckOptions struct {
	IO       *IOStreams
	Format   func() string // the -o format
	Renderer func() *render.Renderer
	Note     func(format string, a ...any)
	// Login dials and logs in with the named profile ("" for the one amsh
	// would use) and says what it connected to.
	Login func(ctx context.Context, name string) (*ami.Session, *Connection, error)

	Name string // as ProfilesShowOptions.Name
}

// NewCmdProfilesCheck is `amsh profiles check`; runF, when set, runs
// instead of profilesCheckRun.
func NewCmdProfilesCheck(f *Factory, runF func(*ProfilesCheckOptions) error) *cobra.Command {
	opts := &ProfilesCheckOptions{IO: f.IO, Format: f.format, Renderer: f.Renderer, Note: f.note, Login: f.loginAs}
	return &cobra.Command{
		Use:   "check [NAME]",
		Short: "Log in with a profile and report the server's version and round-trip time",
		Long: `Log in with a profile and report the server's banner, its Asterisk
version (CoreSettings), how long the login took and the round-trip time of a
Ping. Exit 4 when the login is refused, 5 when the server cannot be reached.
Without NAME, the profile amsh would use: --profile, $AMSH_PROFILE, then the
file's default; when -p names several (a,b, a glob, a group, --all), each of
them, as any one-shot command runs on several.`,
		Example: `  amsh profiles check lab
  amsh profiles check lab -o json
  amsh -p lab,prod profiles check`,
		Args:              argsBetween(0, 1),
		ValidArgsFunction: completeProfileArg(f),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return profilesCheckRun(c.Context(), opts)
		},
	}
}

// loadProfilesFile finds and loads the profiles file, printing its warnings.
// A missing default file is not an error here: it has no profiles.
func (f *Factory) loadProfilesFile() (*profile.File, string, error) {
	path, _, err := profile.Locate(f.Global.Config, f.env)
	if err != nil {
		return nil, "", err
	}
	file, err := profile.Load(path)
	if errors.Is(err, profile.ErrNoFile) {
		return nil, path, nil
	}
	if err != nil {
		return nil, path, err
	}
	for _, w := range file.Warnings() {
		fmt.Fprintln(f.IO.ErrOut, w)
	}
	return file, path, nil
}

// fileDefaultProfile is the profile Select("") picks: the default, or the
// only one; "" when default: names no profile.
func fileDefaultProfile(file *profile.File) string {
	return file.DefaultName()
}

// profilesListRun prints the profiles file as a table, or as a list of
// documents in json and yaml. It never dials. A broken profile is listed
// with its error; a default: that names no profile is a note on stderr.
func profilesListRun(opts *ProfilesListOptions) error {
	file, path, err := opts.LoadFile()
	if err != nil {
		return err
	}
	var names []string
	def := ""
	if file != nil {
		names, def = file.Names, fileDefaultProfile(file)
		if err := file.DefaultError(); err != nil {
			opts.Note("note: %v", err)
		}
	}
	format := opts.Format()
	if ownDocument(format) {
		docs := []fields{}
		for _, name := range names {
			if ce := file.Broken[name]; ce != nil {
				docs = append(docs, fields{{"name", name}, {"default", name == def}, {"error", ce.Error()}})
				continue
			}
			p := file.Profiles[name]
			docs = append(docs, fields{
				{"name", name}, {"host", p.Host}, {"port", p.Port}, {"username", p.Username},
				{"auth", p.Auth}, {"tls", p.TLS}, {"default", name == def},
			})
		}
		return opts.Renderer().Document(docs)
	}
	if len(names) == 0 && (format == "text" || format == "raw") {
		where := path
		if where == "" {
			where = "$HOME/.config/amsh/profiles.yaml"
		}
		opts.Note("no profiles in %s; see profiles.yaml.example, or use --host HOST --user NAME", where)
		return nil
	}
	cols := []string{"NAME", "HOST:PORT", "USER", "AUTH", "TLS", "DEFAULT"}
	broken := file != nil && len(file.Broken) > 0
	if broken {
		cols = append(cols, "ERROR")
	}
	var rows [][]string
	for _, name := range names {
		isDef := strconv.FormatBool(name == def)
		if ce := file.Broken[name]; ce != nil {
			rows = append(rows, []string{name, "", "", "", "", isDef, ce.Error()})
			continue
		}
		p := file.Profiles[name]
		row := []string{name, p.Addr(), p.Username, p.Auth, strconv.FormatBool(p.TLS), isDef}
		if broken {
			row = append(row, "")
		}
		rows = append(rows, row)
	}
	return opts.Renderer().Table("", cols, rows)
}

// chooseProfile selects name, or the profile amsh would use when name is "".
func (f *Factory) chooseProfile(name string) (*profile.Profile, *profile.File, error) {
	file, path, err := f.loadProfilesFile()
	if err != nil {
		return nil, nil, err
	}
	if file == nil {
		return nil, nil, usageErrorf("no profiles file at %s; create one (see profiles.yaml.example)", path)
	}
	if name == "" {
		name = firstNonEmpty(f.Global.Profile, f.env("AMSH_PROFILE"))
	}
	p, err := file.Select(name)
	if err != nil {
		return nil, nil, err
	}
	return p, file, nil
}

// profilesShowRun prints one profile's settings. It never dials and never
// resolves a secret.
func profilesShowRun(opts *ProfilesShowOptions) error {
	p, file, err := opts.Choose(opts.Name)
	if err != nil {
		return err
	}
	return writeFields(opts.IO.Out, opts.Format(), opts.Renderer, profileFields(p.Redacted(), file))
}

// writeFields prints one document: typed in json and yaml, an aligned
// Key: Value block otherwise.
func writeFields(w io.Writer, format string, renderer func() *render.Renderer, doc fields) error {
	if ownDocument(format) {
		return renderer().Document(doc)
	}
	kv := make([][2]string, len(doc))
	for i, p := range doc {
		kv[i] = [2]string{p.Key, fmt.Sprint(p.Value)}
	}
	return renderer().Fields(kv)
}

// profileFields lists a profile under the keys of the profiles file, so
// what is shown can be copied back into it. Of the secret sources, only the
// one set is shown; a literal secret has already been redacted.
func profileFields(p *profile.Profile, file *profile.File) fields {
	doc := fields{
		{"name", p.Name},
		{"file", file.Path},
		{"default", p.Name == fileDefaultProfile(file)},
		{"host", p.Host},
		{"port", p.Port},
		{"username", p.Username},
	}
	switch {
	case p.Secret != "":
		doc = append(doc, field{"secret", p.Secret})
	case p.SecretEnv != "":
		doc = append(doc, field{"secret_env", p.SecretEnv})
	case p.SecretFile != "":
		doc = append(doc, field{"secret_file", p.SecretFile})
	case p.SecretCommand != "":
		doc = append(doc, field{"secret_command", p.SecretCommand})
	default:
		doc = append(doc, field{"secret", "(none: $AMSH_SECRET or a prompt)"})
	}
	return append(doc,
		field{"auth", p.Auth},
		field{"tls", p.TLS},
		field{"tls_ca", p.TLSCA},
		field{"tls_server_name", p.TLSServerName},
		field{"tls_insecure", p.TLSInsecure},
		field{"events", p.Events},
		field{"timeout", p.Timeout.String()},
		field{"confirm", p.Confirm},
	)
}

// loginAs dials and logs in with profile name ("" for the one amsh would
// use). It uses a Factory of its own, so checking another profile from the
// REPL does not change the profile the REPL is using.
func (f *Factory) loginAs(ctx context.Context, name string) (*ami.Session, *Connection, error) {
	// preloaded: the file -p NAME had read, not a second copy.
	pf := &Factory{IO: f.IO, Global: f.Global, ReadSecret: f.ReadSecret, preloaded: f.preloaded}
	f.preloaded = nil
	if name != "" {
		// Checked as any command would use it: flags and environment still
		// override the profile's address and user.
		pf.Global.Profile = name
	} else {
		pf.pin = f.pin // one target of several: that target's profile
	}
	s, err := pf.Session(ctx, "off")
	if err != nil {
		return nil, nil, err
	}
	c, _ := pf.Connection()
	return s, c, nil
}

// profilesCheckRun logs in with a profile and reports what it reached.
func profilesCheckRun(ctx context.Context, opts *ProfilesCheckOptions) error {
	start := time.Now()
	s, c, err := opts.Login(ctx, opts.Name)
	if err != nil {
		return err
	}
	defer s.Close()
	login := time.Since(start)

	doc := fields{
		{"profile", firstNonEmpty(c.ProfileName, "(none)")},
		{"address", c.Addr},
		{"username", c.Username},
		{"tls", c.TLS != nil},
		{"banner", s.Banner()},
	}
	version, amiVersion := "", ""
	if res, err := c.send(ctx, s, ami.NewAction("CoreSettings")); err == nil {
		version = strings.TrimSpace(res.Response.Get("AsteriskVersion"))
		amiVersion = strings.TrimSpace(res.Response.Get("AMIversion"))
	} else if !asteriskSaidError(err) {
		return err
	} else {
		// A user without the system class may not read CoreSettings; the
		// login itself still worked, which is what check is for.
		opts.Note("note: %v", err)
	}
	doc = append(doc, field{"asterisk_version", version}, field{"ami_version", amiVersion})

	pingStart := time.Now()
	if _, err := c.send(ctx, s, ami.NewAction("Ping")); err != nil {
		return err
	}
	rtt := time.Since(pingStart)
	doc = append(doc,
		field{"login_time", roundRTT(login).String()},
		field{"round_trip", roundRTT(rtt).String()},
	)
	if err := writeFields(opts.IO.Out, opts.Format(), opts.Renderer, doc); err != nil {
		return err
	}
	lctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	s.Logoff(lctx) // best effort: the check is done
	return nil
}

func asteriskSaidError(err error) bool {
	var ae *ami.ActionError
	return errors.As(err, &ae)
}

// roundRTT keeps about three significant figures: 1.235ms, not 1.234567ms.
func roundRTT(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
