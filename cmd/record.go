package cmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// RecordOptions are what `amsh record start` and `amsh record stop` need.
type RecordOptions struct {
	Format      func() string // the -o format
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
	Confirm     func(question string) error
	Now         func() time.Time // names the default file

	Stop    bool // record stop: StopMixMonitor; else MixMonitor
	Channel string
	File    string // record start: the file; "" for amsh-CHANNEL-UNIX.wav
}

// NewCmdRecord is `amsh record`, the group of start and stop.
func NewCmdRecord(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "record",
		Short: "Record a channel's call (MixMonitor)",
		Long: `record starts and stops a recording of a channel's call, both directions
mixed into one file, with app_mixmonitor:

  start CHANNEL [--file F]   MixMonitor
  stop CHANNEL               StopMixMonitor`,
		Example: `  amsh record start PJSIP/alice-00000012
  amsh record stop PJSIP/alice-00000012`,
	}
	c.AddCommand(NewCmdRecordStart(f, nil), NewCmdRecordStop(f, nil))
	return c
}

// NewCmdRecordStart is `amsh record start`; runF, when set, runs instead of
// recordRun.
func NewCmdRecordStart(f *Factory, runF func(*RecordOptions) error) *cobra.Command {
	opts := &RecordOptions{Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send,
		Confirm: f.Confirm, Now: time.Now}
	c := &cobra.Command{
		Use:   "start CHANNEL [--file F]",
		Short: "Start recording a channel's call (MixMonitor)",
		Long: `record start asks Asterisk to record CHANNEL's call, both directions mixed,
into a file on the Asterisk server, and prints the file's name.

The file is --file, or amsh-CHANNEL-UNIXTIME.wav with every character of
the channel name other than letters, digits, '.', '_' and '-' made a '-'.
A relative name is in Asterisk's monitor directory (astspooldir/monitor,
/var/spool/asterisk/monitor by default); an absolute one is used as is.
The extension picks the format (wav, gsm, ...); a name without one is
written as raw signed linear audio.

Asterisk writes the file from the first audio it sees: a call that carries
none yet has no file on disk. Recording asks for confirmation on a terminal
when the profile says confirm: true; --yes skips the question.`,
		Example: `  amsh record start PJSIP/alice-00000012
  amsh record start PJSIP/alice-00000012 --file support/case-4711.wav`,
		Args: argsBetween(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel = args[0]
			if runF != nil {
				return runF(opts)
			}
			return recordRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.File, "file", "", "record into `FILE` (default amsh-CHANNEL-UNIXTIME.wav in the monitor directory)")
	return c
}

// NewCmdRecordStop is `amsh record stop`; runF, when set, runs instead of
// recordRun.
func NewCmdRecordStop(f *Factory, runF func(*RecordOptions) error) *cobra.Command {
	opts := &RecordOptions{Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send,
		Confirm: f.Confirm, Now: time.Now, Stop: true}
	c := &cobra.Command{
		Use:   "stop CHANNEL",
		Short: "Stop recording a channel's call (StopMixMonitor)",
		Long: `record stop ends the MixMonitor recordings of CHANNEL and closes their
files. A channel that is not being recorded is an error from Asterisk
("Could not stop monitoring channel", exit 1).

Stopping asks for confirmation on a terminal when the profile says
confirm: true; --yes skips the question.`,
		Example: `  amsh record stop PJSIP/alice-00000012`,
		Args:    argsBetween(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Channel = args[0]
			if runF != nil {
				return runF(opts)
			}
			return recordRun(c.Context(), opts)
		},
	}
	return c
}

// recordFileName is the default file of record start: amsh-CHANNEL-UNIX.wav,
// the channel name reduced to characters safe in a file name (a channel's
// '/' would make a folder, and MixMonitor takes ',' for a separator).
func recordFileName(channel string, now time.Time) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, channel)
	return "amsh-" + safe + "-" + strconv.FormatInt(now.Unix(), 10) + ".wav"
}

// action validates the options and builds MixMonitor or StopMixMonitor.
func (o *RecordOptions) action() (*ami.Message, error) {
	label := o.label()
	switch {
	case o.Channel == "":
		return nil, usageErrorf("%s: CHANNEL is empty", label)
	case o.Stop:
		a := ami.NewAction("StopMixMonitor", "Channel", o.Channel)
		if err := ami.ValidateMessage(a); err != nil {
			return nil, usageErrorf("%s: %v", label, err)
		}
		return a, nil
	case strings.Contains(o.File, ","):
		// The MixMonitor action hands FILE to the application as its first
		// comma-separated argument: a comma would end it.
		return nil, usageErrorf("%s: --file %s: a comma would end the file name; use another character", label, commandLabel(o.File))
	}
	file := o.File
	if file == "" {
		file = recordFileName(o.Channel, o.Now())
	}
	a := ami.NewAction("MixMonitor", "Channel", o.Channel, "File", file)
	if err := ami.ValidateMessage(a); err != nil {
		return nil, usageErrorf("%s: %v", label, err)
	}
	return a, nil
}

func (o *RecordOptions) label() string {
	if o.Stop {
		return commandLabel("record stop", o.Channel)
	}
	return commandLabel("record start", o.Channel)
}

// recordRun starts or stops the recording and says which file it is.
func recordRun(ctx context.Context, opts *RecordOptions) error {
	a, err := opts.action()
	if err != nil {
		return err
	}
	question := "stop recording " + commandLabel(opts.Channel)
	if !opts.Stop {
		question = "record " + commandLabel(opts.Channel) + " into " + commandLabel(a.Get("File"))
	}
	if err := opts.Confirm(question); err != nil {
		return err
	}
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		res, err := opts.Send(ctx, s, a)
		if err != nil {
			return fmt.Errorf("%s: %w", opts.label(), err)
		}
		if opts.Format() != "text" {
			// The file is not in Asterisk's reply: it goes in as a header of
			// the response, so a script finds it where it finds the rest.
			if !opts.Stop && !res.Response.Has("File") {
				res.Response.Add("File", a.Get("File"))
			}
			return opts.Renderer().Result(res)
		}
		fields := [][2]string{{"Result", "recording"}, {"Channel", opts.Channel}, {"File", a.Get("File")}}
		if opts.Stop {
			fields = [][2]string{{"Result", "stopped"}, {"Channel", opts.Channel}}
		}
		if id := res.Response.Get("MixMonitorID"); id != "" {
			fields = append(fields, [2]string{"MixMonitorID", id})
		}
		return opts.Renderer().Fields(fields)
	})
}
