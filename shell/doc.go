// Package shell is amsh's interactive REPL: the line editor (readline on a
// TTY, plain lines from a pipe), the dispatcher from a typed line to the same
// run functions the subcommands use, event printing above the prompt,
// history and reconnection.
//
// It must not parse AMI bytes (ami/ does) or format messages (render/ does).
package shell
