package completion

import (
	"regexp"
	"strings"
	"sync"
)

// Param is one parameter (header) an action takes.
type Param struct {
	Name     string
	Required bool
}

// ParseManagerShowCommand returns the parameter names listed by the output
// of the CLI command "manager show command NAME", in the order given, without
// "Action" itself. See ManagerCommandParams.
func ParseManagerShowCommand(lines []string) []string {
	ps := ManagerCommandParams(lines)
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

// ManagerCommandParams reads the output of "manager show command NAME" in
// either of the forms Asterisk has printed:
//
//   - 1.8 and later (XML documentation): a "[Syntax]" block of lines
//     "Action: NAME", "[ActionID:] <value>" (optional), "Channel: <value>"
//     (required), ended by an empty line or the next "[Section]";
//   - 1.4 and 1.6: a "Variables:" line followed by indented lines
//     "*Channel: what it is" (the star marks a required one).
//
// Terminal colour codes, which some versions put around section titles, are
// ignored. An unknown action prints nothing, and gives nothing.
func ManagerCommandParams(lines []string) []Param {
	var out []Param
	seen := map[string]bool{}
	add := func(name string, required bool) {
		key := strings.ToLower(name)
		if !isName(name) || key == "action" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Param{Name: name, Required: required})
	}
	const (
		outside = iota
		syntax  // inside [Syntax]
		legacy  // after "Variables:"
	)
	state := outside
	for _, raw := range lines {
		line := ansi().ReplaceAllString(raw, "")
		trimmed := strings.TrimSpace(line)
		switch state {
		case syntax:
			if trimmed == "" || isSection(trimmed) {
				state = outside
				break
			}
			if name, ok := strings.CutPrefix(trimmed, "["); ok {
				if name, _, ok = strings.Cut(name, "]"); ok {
					add(strings.TrimSuffix(name, ":"), false)
				}
				continue
			}
			if name, _, ok := strings.Cut(trimmed, ":"); ok {
				add(name, true)
			}
			continue
		case legacy:
			indented := line != trimmed && (line[0] == ' ' || line[0] == '\t')
			if trimmed == "" || !indented {
				state = outside
				break
			}
			required := strings.HasPrefix(trimmed, "*")
			if name, _, ok := strings.Cut(strings.TrimPrefix(trimmed, "*"), ":"); ok {
				add(strings.TrimSpace(name), required)
			}
			continue
		}
		switch {
		case strings.EqualFold(trimmed, "[Syntax]"):
			state = syntax
		case hasPrefixFold(trimmed, "Variables:"):
			state = legacy
		}
	}
	return out
}

// ansi matches the SGR sequences of Asterisk's term_color. It is compiled
// on first use: only the completion of action parameters reads help text.
var ansi = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]") })

// isSection reports a section title such as "[Arguments]" or "[See Also]";
// a parameter line "[ActionID:] <value>" is not one.
func isSection(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	return !strings.Contains(s, ":")
}

// hasPrefixFold reports whether s starts with prefix, ignoring case as
// strings.EqualFold does.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
