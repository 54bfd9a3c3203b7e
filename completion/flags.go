package completion

import (
	"sync"

	"github.com/amsh/amsh/render"
)

// defaultFlagArgs are amsh's flags that take a value (cmd/ defines them),
// with what the value completes to. They stand in for Command.FlagArgs when
// the REPL leaves it nil, and give a kind to a flag FlagArgs lists as
// ArgNone. The tables of this package are built on first use: a
// one-shot command that completes nothing never reads them.
var defaultFlagArgs = sync.OnceValue(func() map[string]ArgKind {
	return map[string]ArgKind{
		"--profile": ArgProfile, "-p": ArgProfile,
		"--queue":  ArgQueue,
		"--member": ArgMember, "--interface": ArgMember,

		"--config": ArgNone, "--host": ArgNone, "--user": ArgNone, "--output": ArgNone, "-o": ArgNone,
		"--timeout": ArgNone, "--color": ArgNone,
		"--cause": ArgNone,
		"--exten": ArgNone, "--context": ArgNone, "--priority": ArgNone, "--app": ArgNone, "--data": ArgNone,
		"--caller-id": ArgNone, "--var": ArgNone, "--account": ArgNone, "--codecs": ArgNone,
		"--channel-id": ArgNone, "--answer-timeout": ArgNone,
		"--penalty": ArgNone, "--name": ArgNone, "--reason": ArgNone, "--state-interface": ArgNone,
		"--uniqueid": ArgNone, "--message": ArgNone,
		"--filter": ArgNone, "--count": ArgNone, "--for": ArgNone, "--buffer": ArgNone, "--mask": ArgNone,
		"--tech": ArgNone, "--extra-channel": ArgChannel, "--extra-to": ArgNone, "--from": ArgEndpoint, "--linkedid": ArgNone,
		"--file": ArgNone, "--parallel": ArgNone,
		"--jq": ArgNone, "--columns": ArgNone,
	}
})

// flagChoices are the fixed values some flags take. The output formats are
// render's (its aliases, such as yml, are accepted but not offered).
var flagChoices = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"--output": render.FormatNames(),
		"-o":       render.FormatNames(),
		"--color":  {"always", "auto", "never"},
		"--tech":   {"pjsip", "sip"},
		// The hangup causes an operator most often wants (cmd/ offers the same).
		"--cause": {
			"answered_elsewhere", "call_rejected", "congestion", "no_answer", "no_user_response",
			"normal_clearing", "normal_unspecified", "user_busy",
		},
	}
})

// flagArg reports whether c's flag name takes a value, and its kind.
func flagArg(c *Command, name string) (kind ArgKind, takesValue bool) {
	if c.FlagArgs != nil {
		if kind, takesValue = c.FlagArgs[name]; !takesValue {
			return ArgNone, false
		}
		if kind != ArgNone {
			return kind, true
		}
	}
	def, known := defaultFlagArgs()[name]
	return def, known || c.FlagArgs != nil
}
