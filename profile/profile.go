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

// File is a loaded profiles file.
type File struct {
	Path     string
	Default  string              // the default: key, empty when absent
	Profiles map[string]*Profile // by name
	Order    []string            // profile names in file order

	warnings []string
}

// Warnings returns what the caller should print on stderr, one line each; amsh still runs.
func (f *File) Warnings() []string {
	return append([]string(nil), f.warnings...)
}

// Select returns the named profile or, when name is empty, the file's default, or its only
// profile. The error is a *SelectError.
func (f *File) Select(name string) (*Profile, error) {
	if name == "" {
		name = f.Default
		if name == "" && len(f.Order) == 1 {
			name = f.Order[0]
		}
		if name == "" {
			return nil, &SelectError{File: f.Path, Have: f.names()}
		}
	}
	p, ok := f.Profiles[name]
	if !ok {
		return nil, &SelectError{File: f.Path, Name: name, Have: f.names()}
	}
	return p, nil
}

func (f *File) names() []string { return append([]string(nil), f.Order...) }

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
// address. Without a port it returns 5038, or 5039 when tls is set.
func ParseHostPort(s string, tls bool) (host string, port int, err error) {
	port = DefaultPort
	if tls {
		port = DefaultTLSPort
	}
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
