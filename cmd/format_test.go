package cmd

import (
	"strings"
	"testing"
)

// --output takes what render.ParseFormat takes: yml is yaml, case does not
// matter, and the commands see the canonical name.
func TestOutputFormatAliases(t *testing.T) {
	cfg, _ := goldenProfiles(t)
	yaml := (&run{Args: []string{"--config", cfg, "profiles", "list", "-o", "yaml"}}).exec(t)
	if yaml.Code != 0 || yaml.Stdout == "" {
		t.Fatalf("-o yaml: code %d stderr %q", yaml.Code, yaml.Stderr)
	}
	for _, o := range []string{"yml", "YAML", "Yml"} {
		r := (&run{Args: []string{"--config", cfg, "profiles", "list", "-o", o}}).exec(t)
		if r.Code != 0 || r.Stdout != yaml.Stdout || r.Stderr != "" {
			t.Errorf("-o %s: code %d stderr %q, stdout differs from -o yaml: %v", o, r.Code, r.Stderr, r.Stdout != yaml.Stdout)
		}
	}
	f := NewFactory(&IOStreams{Getenv: func(string) string { return "" }})
	f.Global.Output, f.Global.Color = "RAW", "auto"
	if err := f.validateGlobal(); err != nil || f.Global.Output != "raw" {
		t.Errorf("-o RAW: %v, Output %q; want raw", err, f.Global.Output)
	}

	r := (&run{Args: []string{"-o", "xml", "version"}}).exec(t)
	if r.Code != ExitUsage || !strings.Contains(r.Stderr, "want text, json, yaml, raw, csv or tsv (yml is yaml)") {
		t.Errorf("-o xml: code %d stderr %q", r.Code, r.Stderr)
	}
	r = (&run{Args: []string{"--help"}}).exec(t)
	if !strings.Contains(r.Stdout, "text, json, yaml, raw, csv or tsv (yml is yaml)") {
		t.Errorf("--help does not list the formats and the alias:\n%s", r.Stdout)
	}
}
