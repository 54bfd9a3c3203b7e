package profile

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The optional top-level groups: key names sets of profiles for commands run on several PBXes at
// once (-p GROUP):
//
//	groups:
//	  prod: [pbx1, pbx2]
//	  all-eu: ['eu-*']
//
// A member is a profile name or a glob over profile names (path.Match syntax). Groups do not nest.
// As with profiles, a mistake inside one group (a member that names no profile, a glob that
// matches none, a value that is not a list) breaks only that group: it is kept in
// File.BrokenGroups with its *ConfigError, which Targets returns when the group is asked for.

// groupEntry is one group as read, checked once every profile is known.
type groupEntry struct {
	name    string
	key     *yaml.Node
	members []*yaml.Node
	value   *yaml.Node // the value, when it is not a list
}

// groups reads the groups: mapping. Only a groups: that is not a mapping is an error for the whole
// file. The members are checked by checkGroups, after profiles:, which may come later in the file.
func (l *loader) groups(n *yaml.Node) ([]groupEntry, error) {
	n = resolve(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, l.errAt(n, "", "groups", "groups: must be a mapping of group names to lists of profiles, not %s", kindName(n))
	}
	var out []groupEntry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
			return nil, l.errAt(k, "", "groups", "groups: keys must be plain group names")
		}
		g := groupEntry{name: k.Value, key: k}
		if v.Kind == yaml.SequenceNode {
			for _, m := range v.Content {
				g.members = append(g.members, resolve(m))
			}
		} else {
			g.value = v // refused by checkGroup, with its line
		}
		out = append(out, g)
	}
	return out, nil
}

// checkGroups fills f.Groups, f.GroupOrder and f.BrokenGroups from the groups read.
func (l *loader) checkGroups(f *File, entries []groupEntry) {
	if len(entries) == 0 {
		return
	}
	f.Groups = map[string][]string{}
	f.BrokenGroups = map[string]*ConfigError{}
	first := map[string]*yaml.Node{}
	for _, g := range entries {
		if prev := first[g.name]; prev != nil {
			if f.BrokenGroups[g.name] == nil {
				f.BrokenGroups[g.name] = l.errAt(g.key, "", "groups", "group %q is written twice (first on line %d); keep one", g.name, prev.Line)
				delete(f.Groups, g.name)
			}
			continue
		}
		first[g.name] = g.key
		f.GroupOrder = append(f.GroupOrder, g.name)
		if ce := l.checkGroup(f, g); ce != nil {
			f.BrokenGroups[g.name] = ce
			continue
		}
		if f.Profiles[g.name] != nil || f.Broken[g.name] != nil {
			f.warnings = append(f.warnings, fmt.Sprintf(
				"warning: %s:%d: group %q has the name of a profile; -p %s means the profile", l.path, g.key.Line, g.name, g.name))
		}
		members := make([]string, len(g.members))
		for i, m := range g.members {
			members[i] = m.Value
		}
		f.Groups[g.name] = members
	}
}

func (l *loader) checkGroup(f *File, g groupEntry) *ConfigError {
	if g.name == "" || strings.ContainsFunc(g.name, func(r rune) bool { return r <= ' ' || r == 0x7f || r == ',' }) {
		return l.errAt(g.key, "", "groups", "group name %q: use a name without spaces or commas", g.name)
	}
	if g.value != nil {
		return l.errAt(g.value, "", "groups", "group %q: must be a list of profile names, not %s", g.name, kindName(g.value))
	}
	if len(g.members) == 0 {
		return l.errAt(g.key, "", "groups", "group %q: lists no profiles", g.name)
	}
	for _, m := range g.members {
		if m.Kind != yaml.ScalarNode || isNull(m) {
			return l.errAt(m, "", "groups", "group %q: each member must be a profile name or a glob, not %s", g.name, kindName(m))
		}
		if _, err := f.expand(m.Value, false); err != nil {
			return l.errAt(m, "", "groups", "group %q: %v", g.name, err)
		}
	}
	return nil
}

// Targets expands what -p names into profile names: a comma list whose items are each a profile
// name, a group name or a glob over profile names (path.Match: *, ?, [...]). A name that is both a
// profile and a group is the profile. Glob matches come sorted by name, a group's profiles in the
// group's order, and a name given twice is kept at its first place. Broken profiles are included:
// Select reports their errors, so one broken profile fails only itself.
//
// An unknown name, or a glob that matches nothing, is a *SelectError; a broken group its
// *ConfigError; an empty item or a malformed glob a plain error.
func (f *File) Targets(spec string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("profiles %q: an empty name in the list", spec)
		}
		names, err := f.expand(item, true)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// All lists every profile in file order, broken ones included (--all).
func (f *File) All() ([]string, error) {
	names := f.names()
	if len(names) == 0 {
		return nil, &SelectError{File: f.Path}
	}
	return names, nil
}

// IsGroup reports whether name is a group of the file, broken or not, and not also a profile's
// name (which -p takes for the profile).
func (f *File) IsGroup(name string) bool {
	if f.isProfile(name) {
		return false
	}
	_, ok := f.Groups[name]
	return ok || f.BrokenGroups[name] != nil
}

func (f *File) isProfile(name string) bool {
	return f.Profiles[name] != nil || f.Broken[name] != nil
}

// expand is one item of a -p list (groups true) or one member of a group (groups false).
func (f *File) expand(item string, groups bool) ([]string, error) {
	if f.isProfile(item) {
		return []string{item}, nil
	}
	if groups {
		if ce := f.BrokenGroups[item]; ce != nil {
			return nil, ce
		}
		if members, ok := f.Groups[item]; ok {
			var out []string
			for _, m := range members {
				names, err := f.expand(m, false)
				if err != nil {
					return nil, err
				}
				out = append(out, names...)
			}
			return out, nil
		}
	} else if _, ok := f.Groups[item]; ok || f.BrokenGroups[item] != nil {
		return nil, fmt.Errorf("%q is a group; groups do not nest, list its profiles", item)
	}
	if !strings.ContainsAny(item, `*?[\`) {
		return nil, &SelectError{File: f.Path, Name: item, Have: f.names()}
	}
	if _, err := path.Match(item, ""); errors.Is(err, path.ErrBadPattern) {
		return nil, fmt.Errorf("profiles %q: not a valid glob", item)
	}
	var out []string
	for _, n := range f.names() {
		if ok, _ := path.Match(item, n); ok {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, &SelectError{File: f.Path, Name: item, Have: f.names(), Glob: true}
	}
	slices.Sort(out)
	return out, nil
}
