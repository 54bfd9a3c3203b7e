package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Load reads and validates the profiles file at path. A missing file is ErrNoFile (wrapped with the
// path); a problem with the file as a whole (unreadable, not valid YAML, an unknown top-level key)
// is a *ConfigError naming the file, the line and the key. A problem inside one profile, or with
// default:, is not an error of Load: that profile goes to File.Broken with its *ConfigError, the
// others load, and File.Select returns the error when the broken profile or the default is chosen.
// Anything but a regular file of at most 1 MiB is refused unread (readSmallFile), and so is a file
// whose YAML aliases would make it too much work to walk (checkExpansion).
//
// The file is walked as a yaml.Node tree rather than decoded into a struct so that every error can
// carry its line, and so that "absent" and "false" stay distinct (confirm defaults to true).
func Load(path string) (*File, error) {
	if path == "" {
		return nil, ErrNoFile
	}
	data, err := readSmallFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, ErrNoFile)
	}
	if err != nil {
		return nil, &ConfigError{File: path, Msg: fileMsg(err)}
	}
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	l := &loader{path: path, dir: dir}
	f, err := l.parse(data)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && l.literalSecret {
		if perm := fi.Mode().Perm(); perm&0o044 != 0 {
			f.warnings = append(f.warnings, fmt.Sprintf(
				"warning: %s holds a secret and is readable by others (mode %04o); chmod 600 %s", path, perm, path))
		}
	}
	return f, nil
}

type loader struct {
	path string
	dir  string // relative secret_file and tls_ca paths are resolved against it

	literalSecret bool // some profile, broken or not, has a literal secret
}

// pair is one key and its value in a mapping, after merge keys are applied.
type pair struct{ key, val *yaml.Node }

var topKeys = []string{"default", "profiles", "groups"}

var profileKeys = []string{
	"host", "port", "username",
	"secret", "secret_env", "secret_file", "secret_command",
	"auth", "tls", "tls_ca", "tls_server_name", "tls_insecure",
	"events", "timeout", "confirm",
}

var secretKeys = []string{"secret", "secret_env", "secret_file", "secret_command"}

func (l *loader) errAt(n *yaml.Node, profile, key, format string, args ...any) *ConfigError {
	return &ConfigError{File: l.path, Line: n.Line, Profile: profile, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (l *loader) parse(data []byte) (*File, error) {
	f := &File{Path: l.path, Profiles: map[string]*Profile{}, Broken: map[string]*ConfigError{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return f, nil // empty or only comments: no profiles
	} else if err != nil {
		return nil, l.syntaxError(err, data)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, &ConfigError{File: l.path, Line: more.Line, Msg: "more than one YAML document; keep everything in one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, l.syntaxError(err, data)
	}
	if err := l.checkExpansion(&doc); err != nil {
		return nil, err
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, l.errAt(root, "", "", "the file must be a mapping with default: and profiles:, not %s", kindName(root))
	}
	top, err := l.pairs(root, "", 0)
	if err != nil {
		return nil, err
	}
	var def *pair
	var groups []groupEntry
	for _, kv := range top {
		switch k := kv.key.Value; k {
		case "default":
			def = &kv
		case "profiles":
			if err := l.profiles(f, kv.val); err != nil {
				return nil, err
			}
		case "groups":
			if groups, err = l.groups(kv.val); err != nil {
				return nil, err
			}
		default:
			return nil, l.errAt(kv.key, "", k, "unknown key %q%s", k, suggest(k, topKeys))
		}
	}
	if def != nil {
		l.defaultKey(f, *def)
	}
	l.checkGroups(f, groups)
	return f, nil
}

// defaultKey reads default:. A value that is not a name, or names no profile, is kept as the
// file's default error, which only Select("") reports: commands that name their profile, and
// profiles list, still work.
func (l *loader) defaultKey(f *File, kv pair) {
	name, err := l.str(kv, "")
	if err != nil {
		f.defaultErr = asConfigError(err)
		return
	}
	f.Default = name
	if name != "" && f.Profiles[name] == nil && f.Broken[name] == nil {
		f.defaultErr = l.errAt(resolve(kv.val), "", "default", "default: no profile named %q (have: %s)", name, strings.Join(f.Names, ", "))
	}
}

// profiles reads the profiles: mapping. What is wrong inside one profile (a bad value, an unknown
// key, a bad name, the same name twice) breaks only that profile: it goes to f.Broken and the
// others load. Only a profiles: that is not a mapping of names is an error for the whole file.
func (l *loader) profiles(f *File, n *yaml.Node) error {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return l.errAt(n, "", "profiles", "profiles: must be a mapping of profile names, not %s", kindName(n))
	}
	n, dups := l.withoutDuplicates(n)
	entries, err := l.pairs(n, "", 0)
	if err != nil {
		return err
	}
	for _, kv := range entries {
		name := kv.key.Value
		f.Names = append(f.Names, name)
		if ce := dups[name]; ce != nil {
			f.Broken[name] = ce
			continue
		}
		if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			f.Broken[name] = l.errAt(kv.key, "", "profiles", "profile name %q: use a name without spaces", name)
			continue
		}
		p, err := l.profile(name, kv)
		if err != nil {
			f.Broken[name] = asConfigError(err)
			continue
		}
		f.Profiles[name] = p
		f.Order = append(f.Order, name)
	}
	return nil
}

// withoutDuplicates returns the profiles mapping with the second and later entries of a name
// written twice left out, and for each such name the error that breaks it: which of the two was
// meant cannot be known, so neither is used.
func (l *loader) withoutDuplicates(m *yaml.Node) (*yaml.Node, map[string]*ConfigError) {
	var dups map[string]*ConfigError
	first := map[string]*yaml.Node{}
	kept := *m
	kept.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() != "!!merge" {
			if prev := first[k.Value]; prev != nil {
				if dups == nil {
					dups = map[string]*ConfigError{}
				}
				if dups[k.Value] == nil {
					dups[k.Value] = l.errAt(k, k.Value, k.Value, "the profile is written twice (first on line %d); keep one", prev.Line)
				}
				continue
			}
			first[k.Value] = k
		}
		kept.Content = append(kept.Content, k, v)
	}
	return &kept, dups
}

// asConfigError returns err as the *ConfigError the loader builds.
func asConfigError(err error) *ConfigError {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return ce
	}
	return &ConfigError{Msg: err.Error()}
}

func (l *loader) profile(name string, entry pair) (*Profile, error) {
	m := resolve(entry.val)
	if isNull(m) {
		return nil, l.errAt(entry.key, name, "", "has no keys; it needs at least host and username")
	}
	if m.Kind != yaml.MappingNode {
		return nil, l.errAt(m, name, "", "must be a mapping of keys, not %s", kindName(m))
	}
	kvs, err := l.pairs(m, name, 0)
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, Auth: DefaultAuth, Timeout: DefaultTimeout, Confirm: true}
	at := map[string]*yaml.Node{} // key node of each key present
	for _, kv := range kvs {
		k := kv.key.Value
		at[k] = kv.key
		var err error
		switch k {
		case "host":
			p.Host, err = l.str(kv, name)
			if err == nil && strings.ContainsFunc(p.Host, func(r rune) bool { return r <= ' ' || r == '/' }) {
				err = l.errAt(kv.val, name, k, "host: %q is not a host name or address", p.Host)
			}
		case "port":
			p.Port, err = l.port(kv, name)
		case "username":
			p.Username, err = l.str(kv, name)
		case "secret":
			p.Secret, err = l.str(kv, name)
			l.literalSecret = l.literalSecret || p.Secret != ""
		case "secret_env":
			p.SecretEnv, err = l.str(kv, name)
			if err == nil && p.SecretEnv != "" && !envName().MatchString(p.SecretEnv) {
				err = l.errAt(kv.val, name, k, "secret_env: %q is not a variable name (write FOO, not $FOO)", p.SecretEnv)
			}
		case "secret_file":
			p.SecretFile, err = l.filePath(kv, name)
		case "secret_command":
			p.SecretCommand, err = l.text(kv, name, true)
		case "auth":
			p.Auth, err = l.auth(kv, name)
		case "tls":
			p.TLS, err = l.bool(kv, name)
		case "tls_ca":
			p.TLSCA, err = l.filePath(kv, name)
		case "tls_server_name":
			p.TLSServerName, err = l.str(kv, name)
		case "tls_insecure":
			p.TLSInsecure, err = l.bool(kv, name)
		case "events":
			p.Events, err = l.events(kv, name)
		case "timeout":
			p.Timeout, err = l.timeout(kv, name)
		case "confirm":
			p.Confirm, err = l.bool(kv, name)
		default:
			err = l.errAt(kv.key, name, k, "unknown key %q%s", k, suggest(k, profileKeys))
		}
		if err != nil {
			return nil, err
		}
	}
	if err := l.required(p, entry.key, at); err != nil {
		return nil, err
	}
	if err := l.oneSecret(p, at); err != nil {
		return nil, err
	}
	if err := l.tlsOnly(p, at); err != nil {
		return nil, err
	}
	if p.Port == 0 {
		p.Port = DefaultPort
		if p.TLS {
			p.Port = DefaultTLSPort
		}
	}
	return p, nil
}

// tlsOnly refuses TLS settings on a plain connection: the operator who wrote tls_ca surely meant
// the link to be encrypted, and silently connecting in clear text would hide the mistake.
func (l *loader) tlsOnly(p *Profile, at map[string]*yaml.Node) error {
	if p.TLS {
		return nil
	}
	for _, s := range []struct {
		key string
		set bool
	}{{"tls_ca", p.TLSCA != ""}, {"tls_server_name", p.TLSServerName != ""}, {"tls_insecure", p.TLSInsecure}} {
		if s.set {
			return l.errAt(at[s.key], p.Name, s.key, "%s is set but tls is not true; add tls: true or remove %s", s.key, s.key)
		}
	}
	return nil
}

func (l *loader) required(p *Profile, nameKey *yaml.Node, at map[string]*yaml.Node) error {
	for _, r := range []struct{ key, val string }{{"host", p.Host}, {"username", p.Username}} {
		if r.val != "" {
			continue
		}
		if at[r.key] != nil {
			return l.errAt(at[r.key], p.Name, r.key, "%s: is empty", r.key)
		}
		return l.errAt(nameKey, p.Name, r.key, "missing required key %q", r.key)
	}
	return nil
}

// oneSecret enforces "exactly one of" as "at most one": a profile with none is fine, and leaves
// the secret to $AMSH_SECRET or a prompt. An empty value does not count as set.
func (l *loader) oneSecret(p *Profile, at map[string]*yaml.Node) error {
	vals := map[string]string{"secret": p.Secret, "secret_env": p.SecretEnv, "secret_file": p.SecretFile, "secret_command": p.SecretCommand}
	var first *yaml.Node
	for _, k := range secretKeys {
		if vals[k] == "" {
			continue
		}
		if first == nil || at[k].Line < first.Line {
			first = at[k]
		}
	}
	for _, k := range secretKeys {
		if vals[k] == "" || at[k] == first {
			continue
		}
		return l.errAt(at[k], p.Name, k, "%s: %s is already set on line %d; use only one of %s",
			k, first.Value, first.Line, strings.Join(secretKeys, ", "))
	}
	return nil
}

// pairs lists a mapping's keys and values, applying YAML merge keys ("<<: *anchor") so profiles
// can share settings, and refusing duplicate keys, which yaml.v3's Node API lets through.
func (l *loader) pairs(m *yaml.Node, profile string, depth int) ([]pair, error) {
	if depth > 8 {
		return nil, l.errAt(m, profile, "<<", "<<: merges nested too deep (an anchor that includes itself?)")
	}
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, l.errAt(k, profile, "", "keys must be plain names, not %s", kindName(k))
		}
		if k.ShortTag() == "!!merge" {
			ps, err := l.merge(v, profile, depth)
			if err != nil {
				return nil, err
			}
			merged = append(merged, ps...)
			continue
		}
		if prev := seen[k.Value]; prev != nil {
			return nil, l.errAt(k, profile, k.Value, "duplicate key %q (first on line %d)", k.Value, prev.Line)
		}
		seen[k.Value] = k
		own = append(own, pair{k, v})
	}
	for _, p := range merged { // explicit keys win, then earlier merge sources
		if seen[p.key.Value] == nil {
			seen[p.key.Value] = p.key
			own = append(own, p)
		}
	}
	return own, nil
}

func (l *loader) merge(v *yaml.Node, profile string, depth int) ([]pair, error) {
	sources := []*yaml.Node{v}
	if r := resolve(v); r.Kind == yaml.SequenceNode {
		sources = r.Content
	}
	var out []pair
	for _, s := range sources {
		r := resolve(s)
		if r.Kind != yaml.MappingNode {
			return nil, l.errAt(s, profile, "<<", "<<: must name a mapping (<<: *anchor), not %s", kindName(r))
		}
		ps, err := l.pairs(r, profile, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// maxExpandedNodes bounds the YAML nodes of a profiles file counted with every alias replaced by
// what it names. A real file has a few hundred; merge keys that each merge the previous anchor
// several times grow exponentially, and walking them would take minutes.
const maxExpandedNodes = 100_000

// checkExpansion refuses a document that would have more than maxExpandedNodes nodes with its
// aliases expanded, before pairs walks merge keys, which expands them. Decoding into a yaml.Node
// does not expand aliases (an alias node just points at its anchor), so the check runs before any
// work that grows with the expansion. The document is walked once, in order; each alias adds the
// expanded size of its anchor, computed once per anchor, so the check costs time linear in the
// file. The error names the alias at which the count went over.
func (l *loader) checkExpansion(doc *yaml.Node) error {
	c := &expansion{size: map[*yaml.Node]int{}, busy: map[*yaml.Node]bool{}}
	if at := c.walk(doc); at != nil {
		msg := fmt.Sprintf("the file holds more than %d YAML nodes", maxExpandedNodes)
		if at.Kind == yaml.AliasNode {
			msg = fmt.Sprintf("*%s: aliases expand the file to more than %d YAML nodes; use fewer aliases and merge keys",
				at.Value, maxExpandedNodes)
		}
		return &ConfigError{File: l.path, Line: at.Line, Msg: msg}
	}
	return nil
}

type expansion struct {
	total int
	size  map[*yaml.Node]int  // expanded size of each node measured, at most maxExpandedNodes+1
	busy  map[*yaml.Node]bool // nodes being measured, to stop at an anchor that contains itself
}

// walk counts n and what it holds into c.total, and returns the node at which the total went over
// maxExpandedNodes (nil while it has not).
func (c *expansion) walk(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		c.total += c.measure(n)
		if c.total > maxExpandedNodes {
			return n
		}
		return nil
	}
	c.total++
	if c.total > maxExpandedNodes {
		return n
	}
	for _, k := range n.Content {
		if at := c.walk(k); at != nil {
			return at
		}
	}
	return nil
}

// measure returns the number of nodes n stands for with aliases expanded, saturating at
// maxExpandedNodes+1. An alias that names one of its own ancestors counts as one node: pairs
// refuses such a merge with its own message, and no other reader follows it.
func (c *expansion) measure(n *yaml.Node) int {
	if s, ok := c.size[n]; ok {
		return s
	}
	if c.busy[n] {
		return 1
	}
	c.busy[n] = true
	s := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		s += c.measure(n.Alias)
	}
	for _, k := range n.Content {
		s = min(s+c.measure(k), maxExpandedNodes+1)
	}
	s = min(s, maxExpandedNodes+1)
	delete(c.busy, n)
	c.size[n] = s
	return s
}

// yamlLine matches yaml.v3's "yaml: line N: MSG". It is compiled on first use: only a file
// that is not valid YAML needs it.
var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// syntaxError turns a yaml.v3 parse error into a ConfigError. yaml.v3 gives the line where the
// enclosing mapping began, not the line at fault, so the file is re-parsed a line at a time: the
// first prefix that fails holds the mistake (or, for an unclosed quote or bracket, opens it).
// That costs lines × size, so it is done only for files of at most 2000 lines and 64 KiB; larger
// ones get yaml.v3's line.
func (l *loader) syntaxError(err error, data []byte) *ConfigError {
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) <= 2000 && len(data) <= 64<<10 {
		var prefix strings.Builder
		for i, line := range lines {
			prefix.WriteString(line)
			var n yaml.Node
			if perr := yaml.Unmarshal([]byte(prefix.String()), &n); perr != nil {
				return l.syntaxAt(i+1, line, perr)
			}
		}
	}
	e := l.syntaxAt(0, "", err)
	if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
	}
	return e
}

func (l *loader) syntaxAt(n int, line string, err error) *ConfigError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
		msg = m[2]
	}
	if indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]; strings.Contains(indent, "\t") {
		msg = "indent with spaces, not tabs"
	}
	return &ConfigError{File: l.path, Line: n, Msg: "not valid YAML: " + msg}
}
