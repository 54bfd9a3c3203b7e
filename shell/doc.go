// Package shell is amsh's REPL: one long-lived AMI session kept up
// across Asterisk restarts, a line editor (readline on a terminal, plain
// lines from a pipe or a test), and a small dispatcher from a typed line to
// what runs it: a subcommand (through cmd's run functions, by the Run
// callback), "!CLI WORDS", "ActionName Key=Value ...", an "Action: NAME"
// raw block, or a built-in (help, events, use, exit). `use` switches the
// profiles the lines run on (use.go); cmd runs a line on several.
//
// Between prompts one printer goroutine writes, whole lines through the
// editor's own writer so the half-typed line is redrawn: events as one-line
// summaries, and the shell's notices (connection lost, reconnected). Tab
// answers from completion's immutable snapshot, which background fetches
// keep fresh; a keystroke never waits on the network. History goes to
// $XDG_STATE_HOME/amsh/history, mode 0600, never with a line that may hold
// a secret.
//
// It must not import cmd (cmd imports it, and hands it callbacks), parse AMI
// bytes (ami/ does) or render results (render/ does, the one-line event
// summary included: render.AppendEventLine). A line is split into words by
// internal/lex, the grammar completion reads too.
package shell
