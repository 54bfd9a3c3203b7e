package cmd

import (
	"io"
	"os"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// IOStreams owns stdin, stdout and stderr, and the TTY and colour decisions,
// so commands can be run against fake streams in tests.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY, OutTTY, ErrTTY bool
	// Width is the terminal width of Out, 0 when it is not a terminal.
	Width int
	// Getenv reads the environment (os.Getenv outside tests).
	Getenv func(string) string
}

// SystemStreams returns the process's own streams.
func SystemStreams() *IOStreams {
	tty := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	ios := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY: tty(os.Stdin), OutTTY: tty(os.Stdout), ErrTTY: tty(os.Stderr),
		Getenv: os.Getenv,
	}
	if ios.OutTTY {
		ios.Width = terminalWidth(os.Stdout)
	}
	return ios
}

// ColorEnabled decides colour for stdout: "never" and "always" are explicit
// (always wins over NO_COLOR, as with ls and git); "auto" means a terminal
// and no NO_COLOR.
func (s *IOStreams) ColorEnabled(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if _, set := lookupEnv(s.Getenv, "NO_COLOR"); set {
		return false
	}
	return s.OutTTY
}

// errorPrefix is "amsh: ", in bold red when stderr is a terminal that may
// have colour (the same rules as stdout's, applied to stderr).
func (s *IOStreams) errorPrefix(mode string) string {
	_, noColor := lookupEnv(s.Getenv, "NO_COLOR")
	if mode == "never" || (mode != "always" && (noColor || !s.ErrTTY)) {
		return "amsh: "
	}
	c := color.New(color.FgRed, color.Bold)
	c.EnableColor() // the decision is ours, not fatih/color's stdout check
	return c.Sprint("amsh:") + " "
}

func lookupEnv(getenv func(string) string, key string) (string, bool) {
	v := getenv(key)
	return v, v != ""
}
