// Package completion computes completion candidates for the REPL and for
// cobra's shell completion: a pure function of the text before the cursor and
// an immutable Snapshot of what the server offers (actions, their parameters,
// channels, queues, members, endpoints, profiles).
//
// It must not block on the network: snapshots are built elsewhere and swapped
// in whole.
//
// The parsers that turn server replies into candidates live here too, shared
// by the REPL's snapshot and by cobra's shell completion in cmd/:
// ListCommands and ActionNames (the ListCommands action), ManagerCommandParams
// and ParseManagerShowCommand (the CLI's "manager show command NAME", in its
// 1.4–1.6 and 1.8+ forms), Channels, Queues, Members and Endpoints (list
// events), and Match (case-insensitive prefix filtering). They are pure
// functions of ami messages and lines, tested over captured replies in
// testdata/.
package completion
