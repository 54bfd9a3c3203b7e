package completion

import (
	"maps"
	"slices"
	"sync"
)

// subcommandArgs says what the positional args of amsh's subcommands are,
// by command path: the kind of arg i, the last kind repeating (an ArgNone at
// the end stops it). It is the one table: the REPL gives it to Complete as
// Command.Args, and cmd/ completes the same values for cobra's shell
// completion from it.
var subcommandArgs = sync.OnceValue(func() map[string][]ArgKind {
	return map[string][]ArgKind{
		"hangup":         {ArgChannel, ArgNone},
		"originate":      {ArgEndpoint, ArgNone},
		"redirect":       {ArgChannel, ArgNone},
		"record start":   {ArgChannel, ArgNone},
		"record stop":    {ArgChannel, ArgNone},
		"transfer":       {ArgChannel, ArgNone},
		"spy":            {ArgChannel, ArgNone},
		"trace":          {ArgChannel, ArgNone},
		"action":         {ArgAction},
		"command":        {ArgCLI},
		"queue status":   {ArgQueue, ArgNone},
		"queue summary":  {ArgQueue, ArgNone},
		"queue reset":    {ArgQueue, ArgNone},
		"queue reload":   {ArgQueue, ArgNone},
		"queue log":      {ArgQueue, ArgNone},
		"queue add":      {ArgQueue, ArgEndpoint, ArgNone},
		"queue remove":   {ArgQueue, ArgMember, ArgNone},
		"queue pause":    {ArgMember, ArgNone},
		"queue unpause":  {ArgMember, ArgNone},
		"queue penalty":  {ArgMember, ArgNone},
		"profiles show":  {ArgProfile, ArgNone},
		"profiles check": {ArgProfile, ArgNone},
	}
})

// SubcommandArgs returns the kinds of the positional args of the subcommand
// at path (its words joined by one space: "queue add"), the last kind
// repeating; nil when its args complete to nothing.
func SubcommandArgs(path string) []ArgKind { return slices.Clone(subcommandArgs()[path]) }

// SubcommandPaths lists the paths SubcommandArgs knows, sorted.
func SubcommandPaths() []string { return slices.Sorted(maps.Keys(subcommandArgs())) }

// ArgKindAt returns the kind of positional arg i in kinds: the last one
// repeats, and none is ArgNone.
func ArgKindAt(kinds []ArgKind, i int) ArgKind { return argKind(kinds, i) }

// FlagKind returns what the value of amsh's flag name ("--queue", "-p")
// completes to, and whether amsh has such a flag that takes a value. The
// REPL reads it when a Command has no FlagArgs; cmd/ completes the same
// flags' values for cobra's shell completion from it.
func FlagKind(name string) (ArgKind, bool) {
	kind, ok := defaultFlagArgs()[name]
	return kind, ok
}
