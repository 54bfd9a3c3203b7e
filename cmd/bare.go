package cmd

import "context"

// runBare is what `amsh` with no arguments does: the shell (SPEC §4, §5).
// With stdin and stdout on a terminal it is interactive; with stdin not a
// terminal it runs the lines read from stdin as a batch. A terminal on stdin
// with stdout redirected is a batch too, read from the keyboard: the
// interactive shell draws its prompt and redraws lines on stdout, which
// would end up in the file.
func runBare(ctx context.Context, f *Factory) error {
	return runShell(ctx, f)
}
