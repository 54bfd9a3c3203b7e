package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// Every command of the tree gets a page, and each page is roff that groff
// reads without a warning (when groff is installed).
func TestWritePages(t *testing.T) {
	dir := t.TempDir()
	n, err := writePages(dir, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		want = append(want, pageName(c)+".1")
		for _, sub := range available(c) {
			walk(sub)
		}
	}
	walk(rootCommand())
	if n != len(want) {
		t.Errorf("wrote %d pages, want %d", n, len(want))
	}
	for _, name := range []string{"amsh.1", "amsh-ping.1", "amsh-queue-status.1", "amsh-profiles-list.1", "amsh-version.1"} {
		if !strings.Contains(strings.Join(want, " "), name) {
			t.Errorf("no page %s among %v", name, want)
		}
	}
	groff, _ := exec.LookPath("groff")
	for _, name := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		title := strings.ToUpper(strings.TrimSuffix(name, ".1"))
		if !strings.HasPrefix(page, `.TH "`+strings.ReplaceAll(title, "-", `\-`)+`" 1 "2026\-01\-02"`) ||
			!strings.Contains(page, "\n.SH NAME\n") || !strings.Contains(page, "\n.SH SYNOPSIS\n") {
			t.Errorf("%s: no title, NAME or SYNOPSIS:\n%.300s", name, page)
		}
		if !strings.Contains(page, "\n.SH EXAMPLES\n") { // the README: every command's help has examples
			t.Errorf("%s: no EXAMPLES", name)
		}
		if groff == "" {
			continue
		}
		var stderr bytes.Buffer
		c := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", filepath.Join(dir, name))
		c.Stderr = &stderr
		if err := c.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("groff %s: %v\n%s", name, err, stderr.String())
		}
	}
	root, err := os.ReadFile(filepath.Join(dir, "amsh.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".SH EXIT STATUS\n", ".SH ENVIRONMENT\n", ".SH EXAMPLES\n", `\fB\-o\fR, \fB\-\-output\fR \fIFORMAT\fR`, `\fB\-\-version\fR`} {
		if !strings.Contains(string(root), want) {
			t.Errorf("amsh.1 lacks %q", want)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		`.hidden request`: `\&.hidden request`,
		`'quote request`:  `\&'quote request`,
		`a\b --flag`:      `a\eb \-\-flag`,
		``:                `\&`,
	} {
		if got := escapeLine(in); got != want {
			t.Errorf("escapeLine(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	writeText(&b, "First line\nsecond.\n\n  indented\n    more\n\nlast")
	want := ".PP\nFirst line\nsecond.\n.PP\n.RS 4\n.nf\nindented\n  more\n.fi\n.RE\n.PP\nlast\n"
	if b.String() != want {
		t.Errorf("writeText:\n got %q\nwant %q", b.String(), want)
	}
}
