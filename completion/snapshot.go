package completion

import (
	"fmt"
	"slices"
	"strings"
)

// Command is a REPL subcommand for completion: name, its flags (with
// leading dashes, e.g. "--queue", "-y"), its subcommands, and what its
// positional args complete to.
//
// The REPL builds these from cmd/'s cobra tree, so this package needs
// neither cobra nor cmd.
type Command struct {
	Name  string
	Flags []string
	Sub   []Command
	Args  []ArgKind // kind of positional arg i (last one repeats); may be empty

	// FlagArgs names the flags that take a value (as in Flags, dashes
	// included) and what the value completes to; ArgNone is a value with
	// nothing to offer. A flag absent from it is boolean, so the word after
	// it is a positional arg. When FlagArgs is nil, amsh's own flags are
	// known by name (defaultFlagArgs) and any other flag is taken as boolean.
	FlagArgs map[string]ArgKind
}

// ArgKind says what a positional argument or flag value completes to.
type ArgKind int

const (
	ArgNone     ArgKind = iota
	ArgChannel          // live channel names
	ArgQueue            // queue names
	ArgMember           // queue members' interfaces
	ArgEndpoint         // dialable endpoints ("PJSIP/ep1")
	ArgAction           // action names; the words after it are that action's Key=Value
	ArgProfile          // profile names
	ArgCLI              // Asterisk CLI words (the server's own completion)
	ArgCommand          // the REPL's top-level command names (help CMD)
	ArgTargets          // profiles and groups, in a comma list (the REPL's use)
)

var argKindNames = [...]string{"none", "channel", "queue", "member", "endpoint", "action", "profile", "cli", "command", "targets"}

func (k ArgKind) String() string {
	if k >= 0 && int(k) < len(argKindNames) {
		return argKindNames[k]
	}
	return fmt.Sprintf("ArgKind(%d)", int(k))
}

// MarshalText and UnmarshalText spell kinds by name ("channel"), so
// snapshot fixtures in JSON read as what they mean.
func (k ArgKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

func (k *ArgKind) UnmarshalText(b []byte) error {
	i := slices.Index(argKindNames[:], strings.ToLower(string(b)))
	if i < 0 {
		return fmt.Errorf("unknown argument kind %q", b)
	}
	*k = ArgKind(i)
	return nil
}

// Snapshot is immutable once published; build a new one to change it.
//
// The value lists (Channels, Queues, Endpoints, Profiles) and Actions are
// kept sorted (byte order) and without repeats by everything in this
// package that builds them; Complete also accepts them in any order.
type Snapshot struct {
	Commands                              []Command           // REPL subcommands (from cmd/'s tree) + REPL built-ins (help, exit, events on|off|filter)
	Actions                               []Action            // from ListCommands
	Params                                map[string][]string // strings.ToLower(action) → parameter names (from manager show command)
	Channels, Queues, Endpoints, Profiles []string
	Groups                                []string // groups of profiles (the profiles file's groups:)
	Members                               []Member
	// CLI is the Asterisk CLI completion cache: key = CLIKey(the CLI line
	// before the word being completed) → candidate words.
	CLI map[string][]string

	// CLIWord is, per CLI key, the word the entry was fetched for: Asterisk
	// filters by it, so the entry holds every candidate that starts with it
	// and answers any Tab whose word extends it. Absent means "" (every
	// candidate at that position).
	CLIWord map[string]string
}

// Result is what Complete offers for one Tab.
//
// Word is always a suffix of the text before the cursor: the shell deletes
// it and inserts the chosen candidate. It is the whole word being typed
// (with its "Key=", "--flag=" or opening quote), except on a "!" line and
// an "Action:" header line, where it is the CLI word or the header value.
type Result struct {
	Candidates []string // full words to offer, sorted, deduplicated; each the whole word (the shell replaces Word with it)
	Word       string   // the partial word before the cursor being completed ("" after a space)
	// CLIMiss is set when the line is a "!" CLI line whose completion is
	// not in snap.CLI: the shell fetches it in the background (FetchCLI)
	// and stores it; the next Tab finds it. Line is the CLI text before Word.
	CLIMiss *CLIQuery
	// ParamsMiss is set to the action name when the line is
	// "ActionName ..." and snap.Params lacks it.
	ParamsMiss string
}

// CLIQuery is one Asterisk CLI completion to fetch: the CLI text before the
// word, and the word (unquoted).
type CLIQuery struct{ Line, Word string }

// CLIKey is the snap.CLI key for a CLI line: its words, trimmed and joined
// by single spaces, as Asterisk itself flattens them.
func CLIKey(line string) string {
	return strings.Join(strings.Fields(line), " ")
}

// emptySnapshot stands in for a nil one.
var emptySnapshot = &Snapshot{}
