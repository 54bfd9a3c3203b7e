package cmd

import (
	"context"
	"fmt"
	"strconv"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// The queue family drives app_queue. status, summary and rule render their
// lists (queue_status.go); the others send one action and print Asterisk's
// reply. Member changes (add, remove, pause, penalty, log) need the AMI
// user's write class "agent"; the rest need none.

// NewCmdQueue is the `amsh queue` group.
func NewCmdQueue(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "queue",
		Short: "Show and change call queues (app_queue)",
		Long: `queue shows call queues and changes their members:

  status [QUEUE]         params, members and waiting callers, per queue
  summary [QUEUE]        one line per queue: members logged in, callers
  add QUEUE IFACE        add a member           remove QUEUE IFACE
  pause IFACE            pause a member         unpause IFACE
  penalty IFACE N        set a member's penalty
  reset [QUEUE]          reset statistics       reload [QUEUE]
  rule [RULE]            show penalty rules     log QUEUE EVENT

A member is named by its interface (IFACE), e.g. PJSIP/alice or
Local/101@agents. pause, unpause and penalty act on every queue the member
is in unless --queue names one.`,
		Example: `  amsh queue status support
  amsh queue add support PJSIP/alice --name Alice --penalty 1
  amsh queue pause PJSIP/alice --reason lunch
  amsh queue unpause PJSIP/alice`,
	}
	c.AddCommand(
		NewCmdQueueStatus(f, nil),
		NewCmdQueueSummary(f, nil),
		NewCmdQueueAdd(f, nil),
		NewCmdQueueRemove(f, nil),
		NewCmdQueuePause(f, nil),
		NewCmdQueueUnpause(f, nil),
		NewCmdQueuePenalty(f, nil),
		NewCmdQueueReset(f, nil),
		NewCmdQueueReload(f, nil),
		NewCmdQueueRule(f, nil),
		NewCmdQueueLog(f, nil),
	)
	return c
}

// queueDeps are what every queue subcommand uses of the Factory: one action
// on a session, its result rendered.
type queueDeps struct {
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
}

func newQueueDeps(f *Factory) queueDeps {
	return queueDeps{Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send}
}

// sendQueueAction sends one app_queue action and prints Asterisk's reply.
// what names the command in errors ("queue add support PJSIP/alice").
func sendQueueAction(ctx context.Context, d queueDeps, what string, a *ami.Message) error {
	return queueRequest(ctx, d, what, a, d.Renderer().Result)
}

// queueRequest checks a, sends it on a session and hands the result to show;
// every queue subcommand goes through it, so errors read "WHAT: ..." alike.
func queueRequest(ctx context.Context, d queueDeps, what string, a *ami.Message, show func(*ami.Result) error) error {
	if err := ami.ValidateMessage(a); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return d.WithSession(ctx, "off", func(s *ami.Session) error {
		res, err := d.Send(ctx, s, a)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return show(res)
	})
}

// addHeaderIf adds a header when its value is set.
func addHeaderIf(a *ami.Message, key, value string) {
	if value != "" {
		a.Add(key, value)
	}
}

// penaltyValue checks a penalty: app_queue takes a non-negative integer.
func penaltyValue(what, s string) (string, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return "", usageErrorf("%s: penalty %q: want a whole number 0 or more", what, s)
	}
	return strconv.Itoa(n), nil
}

// QueueAddOptions are what `amsh queue add` needs.
type QueueAddOptions struct {
	queueDeps

	Queue, Interface string
	Penalty          string // empty: Asterisk's default (0)
	Paused           bool
	Name             string // MemberName
	StateInterface   string
	Reason           string // the pause reason, with Paused
}

// NewCmdQueueAdd is `amsh queue add`; runF, when set, runs instead of
// queueAddRun.
func NewCmdQueueAdd(f *Factory, runF func(*QueueAddOptions) error) *cobra.Command {
	opts := &QueueAddOptions{queueDeps: newQueueDeps(f)}
	c := &cobra.Command{
		Use:   "add QUEUE IFACE [--penalty N] [--paused [--reason R]] [--name NAME] [--state-interface SI]",
		Short: "Add a member (QueueAdd)",
		Long: `add makes interface IFACE a dynamic member of QUEUE (QueueAdd).

--state-interface is the device whose state says whether the member is
busy, when it differs from IFACE (e.g. IFACE Local/101@agents, state
interface PJSIP/alice).`,
		Example: `  amsh queue add support PJSIP/alice
  amsh queue add support Local/101@agents --name Alice --state-interface PJSIP/alice --penalty 2`,
		Args: argsBetween(2, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Queue, opts.Interface = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return queueAddRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.Penalty, "penalty", "", "member penalty `N` (lower is rung first; default 0)")
	fl.BoolVar(&opts.Paused, "paused", false, "add the member paused")
	fl.StringVar(&opts.Name, "name", "", "member `NAME` shown in queue status")
	fl.StringVar(&opts.StateInterface, "state-interface", "", "device `SI` whose state is the member's")
	fl.StringVar(&opts.Reason, "reason", "", "pause `REASON`, with --paused")
	return c
}

func queueAddRun(ctx context.Context, opts *QueueAddOptions) error {
	what := commandLabel("queue add", opts.Queue, opts.Interface)
	if opts.Queue == "" || opts.Interface == "" {
		return usageErrorf("%s: QUEUE and IFACE must not be empty", what)
	}
	if opts.Reason != "" && !opts.Paused {
		return usageErrorf("%s: --reason goes with --paused", what)
	}
	a := ami.NewAction("QueueAdd", "Queue", opts.Queue, "Interface", opts.Interface)
	if opts.Penalty != "" {
		p, err := penaltyValue(what, opts.Penalty)
		if err != nil {
			return err
		}
		a.Add("Penalty", p)
	}
	if opts.Paused {
		a.Add("Paused", "true")
	}
	addHeaderIf(a, "Reason", opts.Reason)
	addHeaderIf(a, "MemberName", opts.Name)
	addHeaderIf(a, "StateInterface", opts.StateInterface)
	return sendQueueAction(ctx, opts.queueDeps, what, a)
}

// QueueRemoveOptions are what `amsh queue remove` needs.
type QueueRemoveOptions struct {
	queueDeps
	Confirm func(question string) error

	Queue, Interface string
}

// NewCmdQueueRemove is `amsh queue remove`; runF, when set, runs instead of
// queueRemoveRun.
func NewCmdQueueRemove(f *Factory, runF func(*QueueRemoveOptions) error) *cobra.Command {
	opts := &QueueRemoveOptions{queueDeps: newQueueDeps(f), Confirm: f.Confirm}
	return &cobra.Command{
		Use:   "remove QUEUE IFACE",
		Short: "Remove a member (QueueRemove)",
		Long: `remove takes interface IFACE out of QUEUE (QueueRemove). Asterisk removes
only dynamic members (added with queue add or AddQueueMember), not those
of queues.conf.

It asks for confirmation on a terminal when the profile says confirm: true;
--yes skips the question.`,
		Example: `  amsh queue remove support PJSIP/alice`,
		Args:    argsBetween(2, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Queue, opts.Interface = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return queueRemoveRun(c.Context(), opts)
		},
	}
}

func queueRemoveRun(ctx context.Context, opts *QueueRemoveOptions) error {
	what := commandLabel("queue remove", opts.Queue, opts.Interface)
	if opts.Queue == "" || opts.Interface == "" {
		return usageErrorf("%s: QUEUE and IFACE must not be empty", what)
	}
	a := ami.NewAction("QueueRemove", "Queue", opts.Queue, "Interface", opts.Interface)
	if err := ami.ValidateMessage(a); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := opts.Confirm(fmt.Sprintf("remove %s from queue %s", commandLabel(opts.Interface), commandLabel(opts.Queue))); err != nil {
		return err
	}
	return sendQueueAction(ctx, opts.queueDeps, what, a)
}

// QueuePauseOptions are what `amsh queue pause` and `amsh queue unpause` need.
type QueuePauseOptions struct {
	queueDeps

	Interface string
	Paused    bool   // true for pause, false for unpause
	Queue     string // empty: every queue the member is in
	Reason    string
}

// NewCmdQueuePause is `amsh queue pause`; runF, when set, runs instead of
// queuePauseRun.
func NewCmdQueuePause(f *Factory, runF func(*QueuePauseOptions) error) *cobra.Command {
	return newCmdQueuePause(f, runF, true)
}

// NewCmdQueueUnpause is `amsh queue unpause`; runF, when set, runs instead
// of queuePauseRun.
func NewCmdQueueUnpause(f *Factory, runF func(*QueuePauseOptions) error) *cobra.Command {
	return newCmdQueuePause(f, runF, false)
}

func newCmdQueuePause(f *Factory, runF func(*QueuePauseOptions) error, paused bool) *cobra.Command {
	opts := &QueuePauseOptions{queueDeps: newQueueDeps(f), Paused: paused}
	verb, short := "pause", "Pause a member: no calls until unpaused (QueuePause)"
	long := `pause stops queues from ringing member IFACE until it is unpaused
(QueuePause with Paused: true), in every queue it is in unless --queue
names one. --reason is shown in queue status and written to the queue log.`
	example := `  amsh queue pause PJSIP/alice --reason lunch
  amsh queue pause PJSIP/alice --queue support`
	if !paused {
		verb, short = "unpause", "Unpause a member (QueuePause)"
		long = `unpause lets queues ring member IFACE again (QueuePause with Paused:
false), in every queue it is in unless --queue names one.`
		example = `  amsh queue unpause PJSIP/alice`
	}
	c := &cobra.Command{
		Use:     verb + " IFACE [--queue QUEUE] [--reason REASON]",
		Short:   short,
		Long:    long,
		Example: example,
		Args:    argsBetween(1, 1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Interface = args[0]
			if runF != nil {
				return runF(opts)
			}
			return queuePauseRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Queue, "queue", "", "only in `QUEUE` (default: every queue of the member)")
	c.Flags().StringVar(&opts.Reason, "reason", "", "`REASON` for the queue log and queue status")
	return c
}

func queuePauseRun(ctx context.Context, opts *QueuePauseOptions) error {
	verb := "unpause"
	if opts.Paused {
		verb = "pause"
	}
	what := commandLabel("queue "+verb, opts.Interface)
	if opts.Interface == "" {
		return usageErrorf("%s: IFACE must not be empty", what)
	}
	a := ami.NewAction("QueuePause", "Interface", opts.Interface, "Paused", strconv.FormatBool(opts.Paused))
	addHeaderIf(a, "Queue", opts.Queue)
	addHeaderIf(a, "Reason", opts.Reason)
	return sendQueueAction(ctx, opts.queueDeps, what, a)
}

// QueuePenaltyOptions are what `amsh queue penalty` needs.
type QueuePenaltyOptions struct {
	queueDeps

	Interface string
	Penalty   string
	Queue     string // empty: every queue the member is in
}

// NewCmdQueuePenalty is `amsh queue penalty`; runF, when set, runs instead of
// queuePenaltyRun.
func NewCmdQueuePenalty(f *Factory, runF func(*QueuePenaltyOptions) error) *cobra.Command {
	opts := &QueuePenaltyOptions{queueDeps: newQueueDeps(f)}
	c := &cobra.Command{
		Use:   "penalty IFACE N [--queue QUEUE]",
		Short: "Set a member's penalty (QueuePenalty)",
		Long: `penalty sets member IFACE's penalty to N (QueuePenalty), in every queue it
is in unless --queue names one. Members with a lower penalty are rung
first.`,
		Example: `  amsh queue penalty PJSIP/alice 2 --queue support`,
		Args:    argsBetween(2, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Interface, opts.Penalty = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return queuePenaltyRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Queue, "queue", "", "only in `QUEUE` (default: every queue of the member)")
	return c
}

func queuePenaltyRun(ctx context.Context, opts *QueuePenaltyOptions) error {
	what := commandLabel("queue penalty", opts.Interface)
	if opts.Interface == "" {
		return usageErrorf("%s: IFACE must not be empty", what)
	}
	p, err := penaltyValue(what, opts.Penalty)
	if err != nil {
		return err
	}
	a := ami.NewAction("QueuePenalty", "Interface", opts.Interface, "Penalty", p)
	addHeaderIf(a, "Queue", opts.Queue)
	return sendQueueAction(ctx, opts.queueDeps, what, a)
}

// QueueResetOptions are what `amsh queue reset` needs.
type QueueResetOptions struct {
	queueDeps

	Queue string
}

// NewCmdQueueReset is `amsh queue reset`; runF, when set, runs instead of
// queueResetRun.
func NewCmdQueueReset(f *Factory, runF func(*QueueResetOptions) error) *cobra.Command {
	opts := &QueueResetOptions{queueDeps: newQueueDeps(f)}
	return &cobra.Command{
		Use:   "reset [QUEUE]",
		Short: "Reset queue statistics (QueueReset)",
		Long: `reset zeroes the statistics of QUEUE, or of every queue (QueueReset):
completed and abandoned calls, hold and talk times, service level, and the
members' calls taken.`,
		Example: `  amsh queue reset support`,
		Args:    argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Queue = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return queueResetRun(c.Context(), opts)
		},
	}
}

func queueResetRun(ctx context.Context, opts *QueueResetOptions) error {
	a := ami.NewAction("QueueReset")
	addHeaderIf(a, "Queue", opts.Queue)
	return sendQueueAction(ctx, opts.queueDeps, queueWhat("queue reset", opts.Queue), a)
}

// QueueReloadOptions are what `amsh queue reload` needs. With none of
// Members, Rules and Parameters set, Asterisk reloads all three.
type QueueReloadOptions struct {
	queueDeps
	Confirm func(question string) error

	Queue                      string
	Members, Rules, Parameters bool
}

// NewCmdQueueReload is `amsh queue reload`; runF, when set, runs instead of
// queueReloadRun.
func NewCmdQueueReload(f *Factory, runF func(*QueueReloadOptions) error) *cobra.Command {
	opts := &QueueReloadOptions{queueDeps: newQueueDeps(f), Confirm: f.Confirm}
	c := &cobra.Command{
		Use:   "reload [QUEUE] [--members] [--rules] [--parameters]",
		Short: "Reload queues from queues.conf (QueueReload)",
		Long: `reload re-reads QUEUE, or every queue, from queues.conf and
queuerules.conf (QueueReload). --members, --rules and --parameters reload
only those parts; with none of them Asterisk reloads all three. Statistics
are kept (see queue reset).

It asks for confirmation on a terminal when the profile says confirm: true;
--yes skips the question.`,
		Example: `  amsh queue reload
  amsh queue reload support --members`,
		Args: argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Queue = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return queueReloadRun(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.Members, "members", false, "reload the members")
	c.Flags().BoolVar(&opts.Rules, "rules", false, "reload the penalty rules (queuerules.conf)")
	c.Flags().BoolVar(&opts.Parameters, "parameters", false, "reload the queue parameters")
	return c
}

func queueReloadRun(ctx context.Context, opts *QueueReloadOptions) error {
	what := queueWhat("queue reload", opts.Queue)
	a := ami.NewAction("QueueReload")
	addHeaderIf(a, "Queue", opts.Queue)
	// app_queue reads exactly "yes"; any of the three present narrows the reload.
	for _, p := range []struct {
		key string
		on  bool
	}{{"Members", opts.Members}, {"Rules", opts.Rules}, {"Parameters", opts.Parameters}} {
		if p.on {
			a.Add(p.key, "yes")
		}
	}
	if err := ami.ValidateMessage(a); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	target := "every queue"
	if opts.Queue != "" {
		target = commandLabel("queue", opts.Queue)
	}
	if err := opts.Confirm("reload " + target); err != nil {
		return err
	}
	return sendQueueAction(ctx, opts.queueDeps, what, a)
}

// QueueLogOptions are what `amsh queue log` needs.
type QueueLogOptions struct {
	queueDeps

	Queue, Event string
	UniqueID     string
	Interface    string
	Message      string
}

// NewCmdQueueLog is `amsh queue log`; runF, when set, runs instead of
// queueLogRun.
func NewCmdQueueLog(f *Factory, runF func(*QueueLogOptions) error) *cobra.Command {
	opts := &QueueLogOptions{queueDeps: newQueueDeps(f)}
	c := &cobra.Command{
		Use:   "log QUEUE EVENT [--uniqueid ID] [--interface IFACE] [--message TEXT]",
		Short: "Write a custom entry to the queue log (QueueLog)",
		Long: `log appends an entry with event name EVENT for QUEUE to Asterisk's
queue_log (QueueLog), for reports that track events of their own.`,
		Example: `  amsh queue log support WRAPUPSTART --interface PJSIP/alice --message "ticket 4711"`,
		Args:    argsBetween(2, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Queue, opts.Event = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return queueLogRun(c.Context(), opts)
		},
	}
	fl := c.Flags()
	fl.StringVar(&opts.UniqueID, "uniqueid", "", "Uniqueid `ID` of the call the entry is about")
	fl.StringVar(&opts.Interface, "interface", "", "member interface `IFACE` the entry is about")
	fl.StringVar(&opts.Message, "message", "", "free `TEXT` of the entry")
	return c
}

func queueLogRun(ctx context.Context, opts *QueueLogOptions) error {
	what := commandLabel("queue log", opts.Queue, opts.Event)
	if opts.Queue == "" || opts.Event == "" {
		return usageErrorf("%s: QUEUE and EVENT must not be empty", what)
	}
	a := ami.NewAction("QueueLog", "Queue", opts.Queue, "Event", opts.Event)
	addHeaderIf(a, "Uniqueid", opts.UniqueID)
	addHeaderIf(a, "Interface", opts.Interface)
	addHeaderIf(a, "Message", opts.Message)
	return sendQueueAction(ctx, opts.queueDeps, what, a)
}

// queueWhat labels a command with an optional argument for messages.
func queueWhat(cmd, arg string) string {
	if arg == "" {
		return cmd
	}
	return commandLabel(cmd, arg)
}
