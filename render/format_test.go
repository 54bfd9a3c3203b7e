package render

import (
	"strings"
	"testing"
)

// Every name FormatNames lists and every alias FormatUsage mentions is
// accepted, and names its own format.
func TestFormatNamesParse(t *testing.T) {
	names := FormatNames()
	if strings.Join(names, " ") != "text json yaml raw csv tsv" {
		t.Errorf("FormatNames = %q", names)
	}
	for _, n := range names {
		f, err := ParseFormat(n)
		if err != nil || f.String() != n {
			t.Errorf("ParseFormat(%q) = %v, %v", n, f, err)
		}
	}
	usage := FormatUsage()
	if usage != "text, json, yaml, raw, csv or tsv (yml is yaml)" {
		t.Errorf("FormatUsage = %q", usage)
	}
	for _, alias := range []string{"yml", "YML", " yml "} {
		if f, err := ParseFormat(alias); err != nil || f != YAML {
			t.Errorf("ParseFormat(%q) = %v, %v; want yaml", alias, f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), usage) {
		t.Errorf("ParseFormat(xml) error = %v; want it to list %q", err, usage)
	}
	names[0] = "changed"
	if FormatNames()[0] != "text" {
		t.Error("FormatNames hands out the package's own list")
	}
}
