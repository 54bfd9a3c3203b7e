package ami

// Result is everything Asterisk sent back for one action: its response, the
// list events it announced (EventList / "... will follow"), and the event that
// completed the list. Events and Complete are empty for plain actions.
type Result struct {
	Action   *Message // the action as sent (secrets included; never print it unmasked)
	Response *Message
	Events   []*Message
	Complete *Message
}

// Output returns the CLI output lines when the result is a Command reply in
// either Asterisk format.
func (r *Result) Output() ([]string, bool) {
	if r == nil || r.Response == nil {
		return nil, false
	}
	return r.Response.CommandOutput()
}
