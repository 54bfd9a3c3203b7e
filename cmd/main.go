// Package cmd is amsh's command tree: cobra subcommands, global flags, the
// mapping from errors to exit codes, and the lazy Factory that hands out
// streams, profiles and AMI sessions. Commands parse flags into an Options
// struct and call a run function; the REPL calls the same run functions.
//
// It must not parse AMI bytes (ami/ does) or format AMI messages (render/
// does).
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/amsh/amsh/render"
)

// Exit codes of SPEC §2.
const (
	ExitOK          = 0
	ExitAsterisk    = 1 // Asterisk answered Response: Error
	ExitUsage       = 2 // bad flags or arguments, unknown profile, invalid profiles file, unsafe value
	ExitNotAnswered = 3 // originate --wait: the call was not answered
	ExitAuth        = 4 // authentication failed
	ExitConn        = 5 // connection refused, TLS failure, timeout, lost mid-response
	ExitInterrupted = 130
)

// Main runs amsh with os.Args and returns the process exit code.
func Main() int {
	// SIGTERM and SIGHUP end a command as Ctrl-C does: a stream writes
	// everything it received before it exits.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return Run(ctx, NewFactory(SystemStreams()), os.Args[1:])
}

// Run runs one amsh command line against f's streams and returns its exit
// code, printing any error on f's stderr. Tests call it with fake streams.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil && !errors.Is(err, errSilent) {
		fmt.Fprintln(f.IO.ErrOut, "amsh: interrupted")
		return ExitInterrupted
	}
	if !errors.Is(err, errSilent) {
		// Error messages quote Asterisk: never raw on a terminal.
		fmt.Fprintln(f.IO.ErrOut, f.IO.errorPrefix(f.Global.Color)+render.TerminalSafe(err.Error()))
	}
	return ExitCode(err)
}
