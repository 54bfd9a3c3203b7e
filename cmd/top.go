package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/screen"
	"github.com/amsh/amsh/top"
)

// TopOptions are what `amsh top` needs.
type TopOptions struct {
	IO         *IOStreams
	Connection func() (*Connection, error)
	// SessionConfig is what to dial with; top redials with the same config.
	SessionConfig func(ctx context.Context, events string) (ami.Config, error)
	Color         func() bool // colours on the screen (--color, NO_COLOR)
	Yes           bool        // -y: act on h and p without asking
	// NewScreen opens the terminal (screen.Open outside tests).
	NewScreen func() (*screen.Screen, error)
}

// NewCmdTop is `amsh top`; runF, when set, runs instead of topRun.
func NewCmdTop(f *Factory, runF func(*TopOptions) error) *cobra.Command {
	opts := &TopOptions{IO: f.IO, Connection: f.Connection, SessionConfig: f.sessionConfig,
		Color: func() bool { return f.IO.ColorEnabled(f.Global.Color) }, NewScreen: screen.Open}
	return &cobra.Command{
		Use:   "top",
		Short: "A full-screen live view of channels and queues",
		Long: `top shows the server's channels and queues on the whole terminal, kept
current by AMI events, with a full refresh (CoreShowChannels and
QueueStatus) every 30 s and after a reconnect.

Channels: name, state, caller ID, application and its data, the peer it
talks to (bridged, dialing, or the other half of a Local channel) and how
long it has existed. Queues: each queue, its callers waiting with their
wait, and its members with their device status, paused and in call.

Keys:
  /           filter: type a substring of the rows to keep; Enter keeps
              it, Esc clears it
  Tab         switch between the channels and queues panes
  Up, Down    select a row (also k, j, PgUp, PgDn, Home, End)
  h           hang up the selected channel (or queue caller)
  p           pause or unpause the selected member in its queue
  r           refresh now
  q, Ctrl-C   quit

h and p ask y/N on the last line when the profile says confirm: true,
unless -y was given. A lost connection shows a banner and is redialled
(0.5 s doubling to 10 s between attempts); a refused login ends top.
Colours follow --color and NO_COLOR; without them the selection is shown
in reverse video.`,
		Example: `  amsh top
  amsh -p lab --color never top`,
		Args: argsBetween(0, 0),
		RunE: func(c *cobra.Command, _ []string) error {
			opts.Yes = f.Global.Yes
			if runF != nil {
				return runF(opts)
			}
			return topRun(c.Context(), opts)
		},
	}
}

func topRun(ctx context.Context, opts *TopOptions) error {
	if !opts.IO.InTTY || !opts.IO.OutTTY {
		return usageErrorf("top: needs a terminal on stdin and stdout (for a stream, see 'amsh events')")
	}
	cfg, err := opts.SessionConfig(ctx, top.Events)
	if err != nil {
		return err
	}
	conn, err := opts.Connection() // resolved by SessionConfig
	if err != nil {
		return err
	}
	err = top.Run(ctx, opts.NewScreen, top.Config{
		Session: cfg,
		Target:  targetAddr(conn),
		Confirm: conn.Confirm && !opts.Yes,
		Color:   opts.Color(),
		Timeout: conn.Timeout,
		Backoff: reconnectBackoff,
	})
	if err != nil {
		return conn.where(err)
	}
	return nil
}
