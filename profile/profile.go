package profile

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by Load to keys the file leaves out.
const (
	DefaultPort    = 5038
	DefaultTLSPort = 5039
	DefaultAuth    = "md5"
	DefaultTimeout = 10 * time.Second
)

// Redaction is what Redacted puts in place of a literal secret.
const Redaction = "********"

// Profile is one entry under profiles:, with Load's defaults filled in.
type Profile struct {
	Name     string
	Host     string
	Port     int // 5038, or 5039 with TLS, when the file leaves it out
	Username string

	// At most one of the four secret sources is set; see ResolveSecret.
	Secret        string
	SecretEnv     string // name of an environment variable
	SecretFile    string // path, "~/" expanded, relative paths resolved against the file's folder
	SecretCommand string // run with sh -c

	Auth          string // "md5" (default) or "plain"
	TLS           bool
	TLSCA         string // PEM bundle path, expanded like SecretFile; empty means system roots
	TLSServerName string
	TLSInsecure   bool

	// Events is the event mask as written: "on", "off", a comma list of classes, or "" when the
	// file leaves it to the caller (the REPL then uses "on", one-shot commands "off").
	Events  string
	Timeout time.Duration // per action; 10s by default
	Confirm bool          // ask before destructive actions; true unless the file says false
}

// File is a loaded profiles file. A profile with a mistake in it does not stop the others from
// loading: it is left out of Profiles and Order and kept in Broken with its error, which Select
// returns when that profile is asked for. A default: that names no profile is likewise reported
// only when the default is needed.
type File struct {
	Path     string
	Default  string              // the default: key as written, empty when absent
	Profiles map[string]*Profile // the profiles that loaded, by name
	Order    []string            // the names of the profiles that loaded, in file order

	// Names lists every profile in file order, broken ones included; Broken holds the first
	// problem of each profile that did not load, naming the file, the line and the key.
	Names  []string
	Broken map[string]*ConfigError

	// Groups holds each usable group of groups: with its members as written (profile names and
	// globs), GroupOrder every group name in file order, and BrokenGroups the first problem of
	// each group that is not usable; see Targets.
	Groups       map[string][]string
	GroupOrder   []string
	BrokenGroups map[string]*ConfigError

	defaultErr *ConfigError // what is wrong with default:, nil when nothing is
	warnings   []string
}

// Warnings returns what the caller should print on stderr, one line each; amsh still runs.
func (f *File) Warnings() []string {
	return append([]string(nil), f.warnings...)
}

// DefaultError returns what is wrong with the file's default: key (it names no profile, or is not
// a name), or nil. Select("") returns it; commands that name their profile never see it.
func (f *File) DefaultError() error {
	if f.defaultErr == nil {
		return nil
	}
	return f.defaultErr
}

// DefaultName is the profile Select("") picks when the file's default: is usable: the default, or
// the file's only profile. It is "" when there is none; the name may be that of a broken profile.
func (f *File) DefaultName() string {
	if f.defaultErr != nil {
		return ""
	}
	if f.Default != "" {
		return f.Default
	}
	if names := f.names(); len(names) == 1 {
		return names[0]
	}
	return ""
}

// Select returns the named profile or, when name is empty, the file's default, or its only
// profile. A profile that did not load gives its *ConfigError, as does an unusable default:;
// a name the file does not hold, or no name and no default, is a *SelectError.
func (f *File) Select(name string) (*Profile, error) {
	if name == "" {
		if f.defaultErr != nil {
			return nil, f.defaultErr
		}
		name = f.DefaultName()
		if name == "" {
			return nil, &SelectError{File: f.Path, Have: f.names()}
		}
	}
	if ce := f.Broken[name]; ce != nil {
		return nil, ce
	}
	p, ok := f.Profiles[name]
	if !ok {
		return nil, &SelectError{File: f.Path, Name: name, Have: f.names()}
	}
	return p, nil
}

// names lists every profile name in file order, broken ones included.
func (f *File) names() []string {
	if f.Names == nil {
		return append([]string(nil), f.Order...)
	}
	return append([]string(nil), f.Names...)
}

// Addr is host:port, with IPv6 hosts in brackets.
func (p *Profile) Addr() string {
	return net.JoinHostPort(p.Host, strconv.Itoa(p.Port))
}

// Redacted returns a copy fit for display: a literal secret becomes "********". The other secret
// sources are references, not secrets, and are kept.
func (p *Profile) Redacted() *Profile {
	q := *p
	if q.Secret != "" {
		q.Secret = Redaction
	}
	return &q
}

// ParseHostPort reads the --host flag: HOST, HOST:PORT, [IPV6]:PORT, [IPV6] or a bare IPv6
// address. Without a port it returns defaultPort: the profile's port when a profile is in use (so
// --host moves a profile to another machine and keeps its port), else DefaultPort.
func ParseHostPort(s string, defaultPort int) (host string, port int, err error) {
	port = defaultPort
	bad := func(why string) (string, int, error) {
		return "", 0, fmt.Errorf("host %q: %s", s, why)
	}
	if s == "" {
		return bad("empty")
	}
	portText := ""
	switch {
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		host = s[1 : len(s)-1]
		if _, err := netip.ParseAddr(host); err != nil || !strings.Contains(host, ":") {
			return bad("brackets are only for IPv6 addresses")
		}
	case strings.HasPrefix(s, "["):
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			return bad("want [IPV6]:PORT")
		}
		if _, err := netip.ParseAddr(h); err != nil || !strings.Contains(h, ":") {
			return bad("brackets are only for IPv6 addresses")
		}
		host, portText = h, p
	case strings.Count(s, ":") > 1:
		// Several colons and no brackets: only a whole IPv6 address makes sense.
		if _, err := netip.ParseAddr(s); err != nil {
			return bad("not an IPv6 address; write [ADDRESS]:PORT to give a port")
		}
		host = s
	case strings.Contains(s, ":"):
		host, portText, _ = strings.Cut(s, ":")
	default:
		host = s
	}
	if host == "" {
		return bad("no host name")
	}
	if strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '/' }) {
		return bad("not a host name")
	}
	if portText != "" || strings.HasSuffix(s, ":") {
		n, ok := parsePort(portText)
		if !ok {
			return bad(fmt.Sprintf("port %q is not a number from 1 to 65535", portText))
		}
		port = n
	}
	return host, port, nil
}

func parsePort(s string) (int, bool) {
	if s == "" || len(s) > 5 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	if n < 1 || n > 65535 {
		return 0, false
	}
	return n, true
}
