package completion

import (
	"slices"
	"strings"

	"github.com/amsh/amsh/ami"
)

// Action is one manager action the server offers.
type Action struct {
	Name     string
	Synopsis string // one line, without the "(Priv: ...)" suffix
}

// ListCommands reads the response to a ListCommands action: one header per
// action, "Name: Synopsis.  (Priv: class,...)", in every Asterisk from 1.4 on.
// The reply's own headers (Response, ActionID, and the Message some versions
// add) are left out. The result is sorted by name, without repeats.
func ListCommands(resp *ami.Message) []Action {
	if resp == nil {
		return nil
	}
	var out []Action
	seen := map[string]bool{}
	for _, h := range resp.Headers {
		if ownHeader(h) || !isName(h.Key) || seen[strings.ToLower(h.Key)] {
			continue
		}
		seen[strings.ToLower(h.Key)] = true
		out = append(out, Action{Name: h.Key, Synopsis: synopsis(h.Value)})
	}
	slices.SortFunc(out, func(a, b Action) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ActionNames returns the action names of a ListCommands response, sorted.
func ActionNames(resp *ami.Message) []string {
	var names []string
	for _, a := range ListCommands(resp) {
		names = append(names, a.Name)
	}
	return names
}

// ownHeader reports the headers of the reply itself. No action is named
// Response or ActionID; an action named Message would carry "(Priv:".
func ownHeader(h ami.Header) bool {
	switch strings.ToLower(h.Key) {
	case "response", "actionid":
		return true
	case "message", "eventlist":
		return !strings.Contains(h.Value, "(Priv:")
	}
	return false
}

func synopsis(v string) string {
	if i := strings.LastIndex(v, "(Priv:"); i >= 0 {
		v = v[:i]
	}
	return strings.Join(strings.Fields(v), " ")
}

// isName reports whether s can be an action or parameter name: letters,
// digits, '_' and '-'. It keeps anything odd a server sends (and anything a
// user types) out of the CLI command built from it.
func isName(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

// IsActionName reports whether s is safe to ask the server about with
// "manager show command S".
func IsActionName(s string) bool { return isName(s) }
