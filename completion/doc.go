// Package completion computes completion candidates for the REPL and for
// cobra's shell completion: a pure function of the text before the cursor and
// an immutable Snapshot of what the server offers (actions, their parameters,
// channels, queues, members, endpoints, profiles).
//
// It must not block on the network: snapshots are built elsewhere and swapped
// in whole.
package completion
