package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// The readers of single values. Each names its key in the error and, since any string may be a
// secret, quotes the value only for keys whose values are not.

func (l *loader) scalar(kv pair, profile string) (*yaml.Node, error) {
	v := resolve(kv.val)
	if v.Kind != yaml.ScalarNode {
		return nil, l.errAt(v, profile, kv.key.Value, "%s: must be a single value, not %s", kv.key.Value, kindName(v))
	}
	return v, nil
}

// str reads a one-line string. Numbers and booleans are taken as written (username: 1001), and
// null as empty. The value is never quoted in errors: it may be a secret.
func (l *loader) str(kv pair, profile string) (string, error) {
	return l.text(kv, profile, false)
}

func (l *loader) text(kv pair, profile string, multiline bool) (string, error) {
	v, err := l.scalar(kv, profile)
	if err != nil {
		return "", err
	}
	if isNull(v) {
		return "", nil
	}
	bad := func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }
	if multiline {
		bad = func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' || r == 0x7f }
	}
	if strings.ContainsFunc(v.Value, bad) {
		return "", l.errAt(v, profile, kv.key.Value, "%s: must be one line without control characters", kv.key.Value)
	}
	return v.Value, nil
}

func (l *loader) filePath(kv pair, profile string) (string, error) {
	s, err := l.str(kv, profile)
	if err != nil || s == "" {
		return s, err
	}
	k := kv.key.Value
	switch {
	case s == "~" || strings.HasPrefix(s, "~/"):
		home, err := os.UserHomeDir()
		if err != nil {
			return "", l.errAt(kv.val, profile, k, "%s: cannot expand ~: %v", k, err)
		}
		return filepath.Join(home, s[1:]), nil
	case strings.HasPrefix(s, "~"):
		return "", l.errAt(kv.val, profile, k, "%s: only ~/ is expanded, not ~user/", k)
	case filepath.IsAbs(s):
		return s, nil
	}
	return filepath.Join(l.dir, s), nil
}

func (l *loader) port(kv pair, profile string) (int, error) {
	v, err := l.scalar(kv, profile)
	if err != nil {
		return 0, err
	}
	n, ok := parsePort(v.Value)
	if !ok {
		return 0, l.errAt(v, profile, "port", "port: %q is not a port number from 1 to 65535", v.Value)
	}
	return n, nil
}

func (l *loader) bool(kv pair, profile string) (bool, error) {
	v, err := l.scalar(kv, profile)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(v.Value) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off":
		return false, nil
	}
	return false, l.errAt(v, profile, kv.key.Value, "%s: %q is not true or false", kv.key.Value, v.Value)
}

func (l *loader) timeout(kv pair, profile string) (time.Duration, error) {
	v, err := l.scalar(kv, profile)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil || d <= 0 {
		return 0, l.errAt(v, profile, "timeout", "timeout: %q is not a duration such as 10s or 1m30s", v.Value)
	}
	return d, nil
}

func (l *loader) auth(kv pair, profile string) (string, error) {
	s, err := l.str(kv, profile)
	if err != nil {
		return "", err
	}
	switch a := strings.ToLower(s); a {
	case "":
		return DefaultAuth, nil
	case "md5", "plain":
		return a, nil
	}
	return "", l.errAt(kv.val, profile, "auth", "auth: %q is not md5 or plain", s)
}

// EventClasses are the names AMI accepts in an Events: mask, besides on and off.
var EventClasses = []string{
	"system", "call", "log", "verbose", "command", "agent", "user", "config", "dtmf", "reporting",
	"cdr", "dialplan", "originate", "agi", "cc", "aoc", "test", "security", "message", "all", "none",
}

// events returns the mask lower-cased, with spaces around commas removed.
func (l *loader) events(kv pair, profile string) (string, error) {
	s, err := l.str(kv, profile)
	if err != nil {
		return "", err
	}
	mask := strings.ToLower(strings.TrimSpace(s))
	if mask == "" || mask == "on" || mask == "off" {
		return mask, nil
	}
	parts := strings.Split(mask, ",")
	for i, c := range parts {
		c = strings.TrimSpace(c)
		if !slices.Contains(EventClasses, c) {
			return "", l.errAt(kv.val, profile, "events", "events: %q is not on, off or a comma list of %s",
				strings.TrimSpace(s), strings.Join(EventClasses, ", "))
		}
		parts[i] = c
	}
	return strings.Join(parts, ","), nil
}

// envName matches an environment variable name. It is compiled on first
// use: most runs read no secret_env.
var envName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "empty"
		}
		return "a single value"
	}
	return "something else"
}

// suggest offers the closest known key for a typo ("hots" -> "host").
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
