package cmd

import "context"

// runBare is what `amsh` with no arguments does: the shell. With stdin and
// stdout on a terminal it is interactive; with stdin not a terminal it runs
// the lines read from stdin as a batch. A terminal on stdin with stdout
// redirected is a batch too, read from the keyboard: the interactive shell
// draws its prompt and redraws lines on stdout, which would end up in the
// file. Either way the global flags given to amsh (-o, -q, --timeout, ...)
// apply to every line.
func runBare(ctx context.Context, f *Factory) error {
	return shellRun(ctx, &ShellOptions{Factory: f})
}
