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

	"github.com/spf13/cobra"
)

// Main runs amsh with os.Args and returns the process exit code.
func Main() int {
	return Run(signalContext(), NewFactory(SystemStreams()), os.Args[1:])
}

// signalContext is cancelled by Ctrl-C, SIGTERM or SIGHUP: a command ends
// as it would on Ctrl-C, and a stream writes everything it received
// before it exits.
//
// The handlers are installed by a goroutine of their own, while the command
// line is parsed and the server dialled: signal.Notify starts the runtime's
// signal thread and waits on it once per signal, which cost a one-shot
// command 0.3-0.5 ms of its 6-7 ms in the foreground on a 2-core VM
// (bench/oneshot -shuffle, 3x200 runs, both binaries copied just before so
// that their pages sat alike in the page cache). A signal in the first
// moment, before the handlers are in, ends amsh as the signal's default
// does, before anything was received. The handlers are never removed: the
// process exits when Run returns.
func signalContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		<-sig
		cancel()
	}()
	return ctx
}

// Run runs one amsh command line against f's streams and returns its exit
// code, printing any error on f's stderr as one "amsh: MESSAGE" line (see
// Classify). Tests call it with fake streams.
func Run(ctx context.Context, f *Factory, args []string) int {
	f.args = args // a fleet runs the line again per target
	return execute(ctx, f, rootFor(f, args), args)
}

// execute runs args on root, a tree built over f, as Run does.
func execute(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, errSilent) {
		// Ctrl-C, SIGTERM or SIGHUP: whatever the command made of it.
		err = context.Canceled
	}
	code, msg := Classify(err)
	if msg != "" {
		fmt.Fprintln(f.IO.ErrOut, f.IO.errorPrefix(f.Global.Color)+msg)
	}
	return code
}
