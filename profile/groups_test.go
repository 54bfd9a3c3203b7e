package profile

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const fleetFile = `profiles:
  pbx-b: {host: b, username: u}
  pbx-a: {host: a, username: u}
  eu-2: {host: e2, username: u}
  eu-1: {host: e1, username: u}
  broken: {host: x}
groups:
  prod: [pbx-b, pbx-a]
  all-eu: ['eu-*']
  mixed: [eu-2, 'pbx-*', eu-2]
  typo: [pbx-a, pbx-z]
  none: ['us-*']
  nested: [prod]
  scalar: pbx-a
  empty: []
  pbx-a: [eu-1]
`

func TestTargets(t *testing.T) {
	f, err := Load(writeFile(t, fleetFile, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ spec, want string }{
		{"pbx-a", "pbx-a"},
		{"pbx-b,pbx-a", "pbx-b pbx-a"},
		{" pbx-b , pbx-a ", "pbx-b pbx-a"},
		{"pbx-*", "pbx-a pbx-b"}, // glob matches sorted by name
		{"prod", "pbx-b pbx-a"},  // a group in its listed order
		{"all-eu", "eu-1 eu-2"},
		{"mixed", "eu-2 pbx-a pbx-b"},            // duplicates kept at their first place
		{"pbx-a,prod,pbx-a", "pbx-a pbx-b"},      // across items too
		{"broken,eu-?", "broken eu-1 eu-2"},      // broken profiles are targets: Select fails them
		{"*", "broken eu-1 eu-2 pbx-a pbx-b"},    // globs see broken profiles
		{"pbx-[ab]", "pbx-a pbx-b"},              // character classes
		{"eu-1,all-eu,pbx-a", "eu-1 eu-2 pbx-a"}, // a profile named as a group is the profile
	} {
		got, err := f.Targets(tc.spec)
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("Targets(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
	all, err := f.All()
	if want := []string{"pbx-b", "pbx-a", "eu-2", "eu-1", "broken"}; err != nil || !slices.Equal(all, want) {
		t.Errorf("All() = %q, %v; want %q", all, err, want)
	}
	if !f.IsGroup("prod") || !f.IsGroup("typo") || f.IsGroup("pbx-a") || f.IsGroup("nope") {
		t.Errorf("IsGroup: prod %v typo %v pbx-a %v nope %v", f.IsGroup("prod"), f.IsGroup("typo"), f.IsGroup("pbx-a"), f.IsGroup("nope"))
	}
	path := f.Path
	for _, tc := range []struct {
		spec, want string
		line       int // of a *ConfigError; 0 for a *SelectError or a plain error
	}{
		{"pbx-z", `unknown profile "pbx-z" in FILE (have: pbx-b, pbx-a, eu-2, eu-1, broken)`, 0},
		{"us-*", `no profile in FILE matches "us-*" (have: pbx-b, pbx-a, eu-2, eu-1, broken)`, 0},
		{"pbx-a,", `profiles "pbx-a,": an empty name in the list`, 0},
		{"pbx-[", `profiles "pbx-[": not a valid glob`, 0},
		{"typo", `FILE:11: group "typo": unknown profile "pbx-z" in FILE (have: pbx-b, pbx-a, eu-2, eu-1, broken)`, 11},
		{"none", `FILE:12: group "none": no profile in FILE matches "us-*" (have: pbx-b, pbx-a, eu-2, eu-1, broken)`, 12},
		{"nested", `FILE:13: group "nested": "prod" is a group; groups do not nest, list its profiles`, 13},
		{"scalar", `FILE:14: group "scalar": must be a list of profile names, not a single value`, 14},
		{"empty", `FILE:15: group "empty": lists no profiles`, 15},
		{"prod,typo", `FILE:11: group "typo": unknown profile "pbx-z" in FILE (have: pbx-b, pbx-a, eu-2, eu-1, broken)`, 11},
	} {
		got, err := f.Targets(tc.spec)
		if err == nil {
			t.Errorf("Targets(%q) = %q, want an error", tc.spec, got)
			continue
		}
		if msg := strings.ReplaceAll(err.Error(), path, "FILE"); msg != tc.want {
			t.Errorf("Targets(%q): %s\n want %s", tc.spec, msg, tc.want)
		}
		var ce *ConfigError
		if errors.As(err, &ce) != (tc.line > 0) || tc.line > 0 && (ce.Line != tc.line || ce.Key != "groups") {
			t.Errorf("Targets(%q): %#v, want a ConfigError on line %d", tc.spec, err, tc.line)
		}
	}
	warn := strings.Join(f.Warnings(), "\n")
	if want := path + `:16: group "pbx-a" has the name of a profile; -p pbx-a means the profile`; !strings.Contains(warn, want) {
		t.Errorf("warnings %q, want %q", warn, want)
	}
}

func TestGroupsFileErrors(t *testing.T) {
	const p = "profiles:\n  a: {host: h, username: u}\n"
	for _, tc := range []struct{ body, want string }{
		{p + "groups: [a]\n", `FILE:3: groups: must be a mapping of group names to lists of profiles, not a list`},
		{p + "groups:\n  <<: {x: [a]}\n", `FILE:4: groups: keys must be plain group names`},
	} {
		path := writeFile(t, tc.body, 0o600)
		_, err := Load(path)
		if err == nil || strings.ReplaceAll(err.Error(), path, "FILE") != tc.want {
			t.Errorf("%q: %v, want %s", tc.body, err, tc.want)
		}
	}
	// A group written twice is broken; the other groups still work.
	path := writeFile(t, p+"groups:\n  g: [a]\n  g: [a]\n  h: [a]\n", 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Targets("g"); err == nil || !strings.Contains(err.Error(), `:5: group "g" is written twice (first on line 4)`) {
		t.Errorf("g: %v", err)
	}
	if got, err := f.Targets("h"); err != nil || !slices.Equal(got, []string{"a"}) {
		t.Errorf("h: %q, %v", got, err)
	}
	// groups: may come before profiles:.
	path = writeFile(t, "groups: {g: [a]}\n"+p, 0o600)
	if f, err = Load(path); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Targets("g"); err != nil || !slices.Equal(got, []string{"a"}) {
		t.Errorf("groups first: %q, %v", got, err)
	}
}
