package cmd

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/amsh/amsh/ami"
)

// EventFilter selects events by the expressions of `events --filter` (and
// the REPL's `events filter`). Every term must hold (AND). A term is:
//
//	NAME-GLOB      the event's name matches the glob
//	Header=GLOB    some value of Header matches the glob
//	Header~REGEX   some value of Header matches the regular expression (unanchored)
//	!TERM          the term does not hold
//
// Globs are whole-value and case-insensitive: '*' is any run of characters
// ('/' included, so Channel=*ep1* matches PJSIP/ep1-0001), '?' one
// character, [...] a class ([!...] or [^...] negated), '\' quotes the next
// character. Regular expressions are Go's (RE2), case-sensitive unless they
// say (?i). Header names are case-insensitive, as Asterisk's are. A header
// the event lacks matches nothing, so "Header=*" means "has Header" and
// "!Header=*" "lacks it".
type EventFilter struct {
	terms []filterTerm
}

type filterTerm struct {
	expr   string
	negate bool
	header string // "" for a name glob
	match  func(string) bool
}

// ParseEventFilter parses filter expressions; a bad one is a *UsageError
// quoting it.
func ParseEventFilter(exprs []string) (*EventFilter, error) {
	ef := &EventFilter{}
	for _, expr := range exprs {
		t, err := parseFilterTerm(expr)
		if err != nil {
			return nil, usageErrorf("--filter %q: %v", expr, err)
		}
		ef.terms = append(ef.terms, t)
	}
	return ef, nil
}

func parseFilterTerm(expr string) (filterTerm, error) {
	t := filterTerm{expr: expr}
	s := expr
	if strings.HasPrefix(s, "!") {
		t.negate, s = true, s[1:]
	}
	i := strings.IndexAny(s, "=~")
	if i < 0 {
		if strings.TrimSpace(s) == "" {
			return t, fmt.Errorf("empty filter; want NAME-GLOB, Header=GLOB or Header~REGEX")
		}
		m, err := compileGlob(s)
		t.match = m
		return t, err
	}
	t.header = strings.TrimSpace(s[:i])
	if t.header == "" {
		return t, fmt.Errorf("no header name before %q", s[i:i+1])
	}
	if strings.ContainsAny(t.header, ": \t") {
		return t, fmt.Errorf("header name %q holds a space or ':'", t.header)
	}
	pattern := s[i+1:]
	if s[i] == '=' {
		m, err := compileGlob(pattern)
		t.match = m
		return t, err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return t, fmt.Errorf("bad regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	t.match = re.MatchString
	return t, nil
}

// Match reports whether the event passes every term.
func (ef *EventFilter) Match(m *ami.Message) bool {
	if ef == nil {
		return true
	}
	for i := range ef.terms {
		if ef.terms[i].holds(m) != !ef.terms[i].negate {
			return false
		}
	}
	return true
}

// Empty reports whether the filter lets every event through.
func (ef *EventFilter) Empty() bool { return ef == nil || len(ef.terms) == 0 }

// String gives the expressions back, for the REPL's prompt and messages.
func (ef *EventFilter) String() string {
	if ef.Empty() {
		return ""
	}
	exprs := make([]string, len(ef.terms))
	for i, t := range ef.terms {
		exprs[i] = t.expr
	}
	return strings.Join(exprs, " ")
}

func (t *filterTerm) holds(m *ami.Message) bool {
	if t.header == "" {
		name, ok := m.Lookup("Event")
		return ok && t.match(name)
	}
	for _, h := range m.Headers {
		if strings.EqualFold(h.Key, t.header) && t.match(h.Value) {
			return true
		}
	}
	return false
}

// compileGlob turns a glob into a matcher. A glob without wildcards, the
// common case (--filter UserEvent), is a plain case-insensitive comparison:
// events can arrive at hundreds of thousands a second.
func compileGlob(glob string) (func(string) bool, error) {
	if !strings.ContainsAny(glob, `*?[\`) {
		return func(s string) bool { return strings.EqualFold(s, glob) }, nil
	}
	if prefix, ok := strings.CutSuffix(glob, "*"); ok && !strings.ContainsAny(prefix, `*?[\`) {
		return func(s string) bool {
			return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
		}, nil
	}
	var b strings.Builder
	b.WriteString(`(?is)^`)
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '\\':
			if i+1 == len(glob) {
				return nil, fmt.Errorf("glob ends in an unfinished '\\'")
			}
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		case '[':
			end, class, err := globClass(glob, i)
			if err != nil {
				return nil, err
			}
			b.WriteString(class)
			i = end
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad glob: %v", err)
	}
	return re.MatchString, nil
}

// globClass translates the class starting at glob[start] == '[' into a
// regexp class and returns the index of its closing ']'.
func globClass(glob string, start int) (int, string, error) {
	var b strings.Builder
	b.WriteByte('[')
	i := start + 1
	if i < len(glob) && (glob[i] == '!' || glob[i] == '^') {
		b.WriteByte('^')
		i++
	}
	first := true
	for ; i < len(glob); i++ {
		c := glob[i]
		switch {
		case c == ']' && !first:
			b.WriteByte(']')
			return i, b.String(), nil
		case c == '\\':
			if i+1 == len(glob) {
				return 0, "", fmt.Errorf("glob ends in an unfinished '\\'")
			}
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		case c == '-' && !first && i+1 < len(glob) && glob[i+1] != ']':
			b.WriteByte('-')
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
		first = false
	}
	return 0, "", fmt.Errorf("glob has '[' without a closing ']'")
}
