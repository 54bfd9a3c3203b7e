package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// ActionOptions are what `amsh action` needs.
type ActionOptions struct {
	IO          *IOStreams
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error
	Connection  func() (*Connection, error) // named in the confirmation question

	Name   string
	Params []ami.Header // in the order given; a key may repeat
}

// NewCmdAction is `amsh action`; runF, when set, runs instead of actionRun.
func NewCmdAction(f *Factory, runF func(*ActionOptions) error) *cobra.Command {
	opts := &ActionOptions{IO: f.IO, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send,
		Confirm: f.Confirm, Connection: f.Connection}
	return addWatch(f, &cobra.Command{
		Use:   "action NAME [KEY=VALUE ...]",
		Short: "Send any AMI action and print what Asterisk sends back",
		Long: `Send one AMI action with the given headers and print the response. For a
list action (CoreShowChannels, QueueStatus, PJSIPShowEndpoints, ...) every
list event is collected up to the one that completes the list, and text
output shows them as a table.

Each KEY=VALUE becomes one "KEY: VALUE" header, in the order given, split at
the first '=' (so a value may hold '='). A key may be repeated, as Originate's
Variable often is. A value holding a line break is refused before anything
is sent (exit 2): it would inject a second action.

Hangup, Originate, QueueRemove, Reload and a Command that stops or restarts
Asterisk ask for confirmation on a terminal when the profile says
confirm: true; --yes skips the question.`,
		Example: `  amsh action CoreShowChannels
  amsh -o json action QueueStatus Queue=support | jq '.events'
  amsh action Setvar Channel=PJSIP/101-00000001 Variable=LANG Value=fr
  amsh action Originate Channel=Local/100@default Application=Wait Data=5 \
      Async=true Variable=A=1 Variable=B=2`,
		Args: argsBetween(1, -1),
		RunE: func(c *cobra.Command, args []string) error {
			parsed, err := parseActionArgs(args)
			if err != nil {
				return err
			}
			opts.Name, opts.Params = parsed.Name, parsed.Params
			if runF != nil {
				return runF(opts)
			}
			return actionRun(c.Context(), opts)
		},
	}, watchAction)
}

// parseActionArgs reads NAME [KEY=VALUE ...]. The REPL's "Name Key=Value"
// lines go through it too.
func parseActionArgs(args []string) (*ActionOptions, error) {
	if len(args) == 0 || strings.TrimSpace(args[0]) == "" {
		return nil, usageErrorf("action: no action name given")
	}
	opts := &ActionOptions{Name: args[0]}
	if strings.ContainsAny(opts.Name, "=:") {
		return nil, usageErrorf("action %q: the first argument is the action's name, e.g. 'action Status Channel=...'", opts.Name)
	}
	for _, a := range args[1:] {
		k, v, ok := strings.Cut(a, "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok:
			return nil, usageErrorf("action %s: argument %q: want KEY=VALUE", opts.Name, a)
		case k == "":
			return nil, usageErrorf("action %s: argument %q: the key before '=' is empty", opts.Name, a)
		case strings.EqualFold(k, "Action"):
			return nil, usageErrorf("action %s: argument %q: the action's name is the first argument, not a key", opts.Name, a)
		}
		opts.Params = append(opts.Params, ami.Header{Key: k, Value: v})
	}
	return opts, nil
}

// actionRun sends the action and renders its result. The action is checked
// before dialing, so an unsafe value never opens a connection.
func actionRun(ctx context.Context, opts *ActionOptions) error {
	action := ami.NewAction(opts.Name)
	action.Headers = append(action.Headers, opts.Params...)
	if err := ami.ValidateMessage(action); err != nil {
		return fmt.Errorf("action %s: %w", opts.Name, err)
	}
	if destructiveAction(action) {
		target, err := confirmTarget(opts.Connection)
		if err != nil {
			return err
		}
		if err := opts.Confirm(fmt.Sprintf("send %s to %s", describeAction(action), target)); err != nil {
			return err
		}
	}
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		res, err := opts.Send(ctx, s, action)
		if err != nil && strings.EqualFold(opts.Name, "Command") {
			// The CLI's text, not "Command output follows".
			return commandError(opts.IO.ErrOut, opts.Connection, action.Get("Command"), res, err)
		}
		if err != nil {
			return err
		}
		return opts.Renderer().Result(res)
	})
}

// destructiveAction reports whether an action ends calls, starts them, or
// reloads configuration: the actions the hangup, originate, queue remove
// and queue reload commands send, and a Command that stops or restarts
// Asterisk.
func destructiveAction(m *ami.Message) bool {
	switch strings.ToLower(m.Action()) {
	case "hangup", "originate", "queueremove", "reload":
		return true
	case "command":
		return destructiveCLI([]string{m.Get("Command")})
	}
	return false
}

// describeAction is the action's name and first parameter, for a prompt.
func describeAction(m *ami.Message) string {
	if len(m.Headers) < 2 {
		return m.Action()
	}
	return fmt.Sprintf("%s %s=%q", m.Action(), m.Headers[1].Key, m.Headers[1].Value)
}
