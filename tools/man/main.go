// Command man writes amsh's man pages, one per command (amsh.1,
// amsh-ping.1, amsh-queue-status.1, ...), from the cobra command tree: the
// same Short, Long, Example and flags that --help prints.
//
// Usage: go run ./tools/man [DIR]   (DIR defaults to ./man)
//
// The pages are roff written here, with no dependency beyond cobra and
// pflag, so `make man` works on a fresh clone without fetching anything.
// The date on each page is $SOURCE_DATE_EPOCH when set, else today.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/amsh/amsh/cmd"
)

func main() {
	dir := "man"
	switch len(os.Args) {
	case 1:
	case 2:
		dir = os.Args[1]
	default:
		fmt.Fprintln(os.Stderr, "usage: man [DIR]")
		os.Exit(2)
	}
	n, err := writePages(dir, pageDate())
	if err != nil {
		fmt.Fprintln(os.Stderr, "man:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d man pages into %s\n", n, dir)
}

// pageDate is $SOURCE_DATE_EPOCH (reproducible builds) or today, in UTC.
func pageDate() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC()
}

// rootCommand is amsh's command tree over streams that go nowhere: nothing
// is run, only read.
func rootCommand() *cobra.Command {
	ios := &cmd.IOStreams{
		In:     strings.NewReader(""),
		Out:    io.Discard,
		ErrOut: io.Discard,
		Getenv: func(string) string { return "" },
	}
	return cmd.NewRootCmd(cmd.NewFactory(ios))
}

// writePages writes a page for every available command into dir and
// returns how many it wrote.
func writePages(dir string, date time.Time) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	version, _, _ := cmd.VersionInfo()
	n := 0
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		var b bytes.Buffer
		writePage(&b, c, date, version)
		if err := os.WriteFile(filepath.Join(dir, pageName(c)+".1"), b.Bytes(), 0o644); err != nil {
			return err
		}
		n++
		for _, sub := range available(c) {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	return n, walk(rootCommand())
}

// available lists c's subcommands that have a page: not hidden, not help.
func available(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && sub.Name() != "help" {
			out = append(out, sub)
		}
	}
	return out
}

// pageName is the command path with dashes: amsh-queue-status.
func pageName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

func writePage(w *bytes.Buffer, c *cobra.Command, date time.Time, version string) {
	name := pageName(c)
	fmt.Fprintf(w, ".TH %s 1 %s %s %s\n", quoteArg(strings.ToUpper(name)), quoteArg(date.Format("2006-01-02")),
		quoteArg("amsh "+version), quoteArg("amsh manual"))
	w.WriteString(".SH NAME\n")
	fmt.Fprintf(w, "%s \\- %s\n", escape(name), escape(c.Short))

	w.WriteString(".SH SYNOPSIS\n")
	use := c.UseLine()
	if c.HasAvailableSubCommands() && !c.Runnable() {
		use = c.CommandPath() + " COMMAND"
	}
	fmt.Fprintf(w, ".B %s\n", escape(use))
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, ".br\n.B %s\n", escape(c.CommandPath()+" COMMAND [flags]"))
	}

	w.WriteString(".SH DESCRIPTION\n")
	long := c.Long
	if long == "" {
		long = c.Short
	}
	writeText(w, long)

	if subs := available(c); len(subs) > 0 {
		w.WriteString(".SH COMMANDS\n")
		for _, sub := range subs {
			fmt.Fprintf(w, ".TP\n.B %s\n%s\n", escape(sub.Name()), escape(sub.Short))
		}
	}
	if fs := c.NonInheritedFlags(); fs.HasAvailableFlags() {
		w.WriteString(".SH OPTIONS\n")
		writeFlags(w, fs)
	}
	if fs := c.InheritedFlags(); fs.HasAvailableFlags() {
		w.WriteString(".SH GLOBAL OPTIONS\n")
		writeFlags(w, fs)
	}
	if c.Example != "" {
		w.WriteString(".SH EXAMPLES\n")
		writePreformatted(w, strings.Split(strings.TrimRight(c.Example, "\n"), "\n"))
	}
	if !c.HasParent() {
		writeRootSections(w)
	}

	var see []string
	if c.HasParent() {
		see = append(see, pageName(c.Parent()))
	}
	for _, sub := range available(c) {
		see = append(see, pageName(sub))
	}
	if len(see) > 0 {
		w.WriteString(".SH SEE ALSO\n")
		for i, s := range see {
			sep := ","
			if i == len(see)-1 {
				sep = ""
			}
			fmt.Fprintf(w, ".BR %s (1)%s\n", escape(s), sep)
		}
	}
}

// writeRootSections adds what amsh(1) says about the whole program.
func writeRootSections(w *bytes.Buffer) {
	w.WriteString(".SH EXIT STATUS\n")
	for _, e := range []struct {
		code int
		what string
	}{
		{cmd.ExitOK, "success"},
		{cmd.ExitAsterisk, "Asterisk answered Response: Error (its Message on stderr)"},
		{cmd.ExitUsage, "usage: bad flags or arguments, unknown profile, invalid profiles file, unsafe value refused"},
		{cmd.ExitNotAnswered, "originate --wait: the call was not answered"},
		{cmd.ExitAuth, "authentication failed"},
		{cmd.ExitConn, "connection refused, TLS failure, timeout, or connection lost mid-response"},
		{cmd.ExitInterrupted, "interrupted"},
	} {
		fmt.Fprintf(w, ".TP\n.B %d\n%s\n", e.code, escape(e.what))
	}
	w.WriteString(".SH ENVIRONMENT\n")
	for _, e := range [][2]string{
		{"AMSH_CONFIG", "the profiles file, when --config is not given"},
		{"AMSH_PROFILE", "the profile, when -p/--profile is not given"},
		{"AMSH_HOST", "the host to connect to, as --host"},
		{"AMSH_USER", "the user to log in as, as --user"},
		{"AMSH_SECRET", "the secret to log in with; it overrides the profile's"},
		{"AMSH_TIMEOUT", "the per-action timeout, as --timeout"},
		{"NO_COLOR", "no colour, whatever --color says"},
		{"XDG_CONFIG_HOME", "where the default profiles file is: $XDG_CONFIG_HOME/amsh/profiles.yaml"},
		{"XDG_STATE_HOME", "where the shell's history is: $XDG_STATE_HOME/amsh/history"},
	} {
		fmt.Fprintf(w, ".TP\n.B %s\n%s\n", escape(e[0]), escape(e[1]))
	}
	w.WriteString(".SH FILES\n")
	fmt.Fprintf(w, ".TP\n.I %s\n%s\n", escape("~/.config/amsh/profiles.yaml"),
		escape("the profiles file when neither --config nor $AMSH_CONFIG names one; see amsh-profiles(1)"))
	fmt.Fprintf(w, ".TP\n.I %s\n%s\n", escape("~/.local/state/amsh/history"), escape("the shell's history"))
}

// writeFlags lists flags as tagged paragraphs: -o, --output FORMAT.
func writeFlags(w *bytes.Buffer, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(f)
		tag := ""
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			tag = `\fB` + escape("-"+f.Shorthand) + `\fR, `
		}
		tag += `\fB` + escape("--"+f.Name) + `\fR`
		if varname != "" {
			tag += ` \fI` + escape(varname) + `\fR`
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" && d != "[]" {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		fmt.Fprintf(w, ".TP\n%s\n%s\n", tag, escape(usage))
	})
}

// writeText writes help text as roff paragraphs. A paragraph with an
// indented line (a list, a YAML sample) keeps its lines as written; any
// other is filled.
func writeText(w *bytes.Buffer, text string) {
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		lines := strings.Split(strings.Trim(para, "\n"), "\n")
		if len(lines) == 0 || strings.TrimSpace(para) == "" {
			continue
		}
		indented := false
		for _, l := range lines {
			if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
				indented = true
			}
		}
		if indented {
			writePreformatted(w, lines)
			continue
		}
		w.WriteString(".PP\n")
		for _, l := range lines {
			w.WriteString(escapeLine(strings.TrimSpace(l)))
			w.WriteByte('\n')
		}
	}
}

// writePreformatted writes lines unfilled, indented, their common leading
// indentation removed.
func writePreformatted(w *bytes.Buffer, lines []string) {
	cut := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if cut < 0 || n < cut {
			cut = n
		}
	}
	w.WriteString(".PP\n.RS 4\n.nf\n")
	for _, l := range lines {
		if len(l) >= cut && cut > 0 {
			l = l[cut:]
		}
		w.WriteString(escapeLine(strings.ReplaceAll(l, "\t", "    ")))
		w.WriteByte('\n')
	}
	w.WriteString(".fi\n.RE\n")
}

// escape makes text safe inside a roff line: a backslash is \e, and a
// hyphen is \- so that options copied from the page are plain ASCII.
func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// escapeLine escapes a whole output line: one that starts with . or ' would
// be a roff request, so it starts with \& instead; an empty line in filled
// text would break the paragraph, so it is a zero-width \&.
func escapeLine(s string) string {
	s = escape(s)
	if s == "" || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		return `\&` + s
	}
	return s
}

// quoteArg quotes a .TH argument.
func quoteArg(s string) string {
	return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"`
}
