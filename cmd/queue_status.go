package cmd

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// The read side of the queue family: status, summary and rule. In text they
// get layouts of their own; json, yaml and raw print the action's result as
// Asterisk sent it.

// QueueStatusOptions are what `amsh queue status` needs.
type QueueStatusOptions struct {
	queueDeps
	Format func() string // the -o format
	Note   func(format string, a ...any)

	Queue  string // empty: every queue
	Member string // interface or member name; empty: every member
}

var (
	queueMemberColumns = []string{"Member", "Interface", "Status", "Paused", "In call", "Calls", "Penalty", "Membership"}
	queueCallerColumns = []string{"Position", "Channel", "Caller ID", "Wait", "Priority"}

	// On a narrow terminal the last of these are hidden first (README,
	// Tables that fit the terminal). The interface is what pause and remove
	// take, so it outranks the counters.
	queueMemberRanking = render.Ranking{Keys: 2, Names: []string{"Member", "Status",
		"Paused", "In call", "Interface", "Calls", "Penalty", "Membership"}}
	queueCallerRanking = render.Ranking{Keys: 2, Names: []string{"Position", "Channel",
		"Wait", "Caller ID", "Priority"}}
)

// NewCmdQueueStatus is `amsh queue status`; runF, when set, runs instead of
// queueStatusRun.
func NewCmdQueueStatus(f *Factory, runF func(*QueueStatusOptions) error) *cobra.Command {
	opts := &QueueStatusOptions{queueDeps: newQueueDeps(f), Format: f.format, Note: f.note}
	c := &cobra.Command{
		Use:   "status [QUEUE] [--member IFACE|NAME]",
		Short: "Show queues: parameters, members and waiting callers (QueueStatus)",
		Long: `status shows QUEUE, or every queue (QueueStatus). In text each queue is
a title line with its strategy, calls waiting, average hold and talk times,
completed and abandoned calls and service level, then a table of its
members (device status decoded, paused and why, in a call, calls taken,
penalty) and, when callers wait, a table of them (position, channel,
caller ID, seconds waited).

--member limits the members to one, by interface or member name.
-o json and -o yaml print the QueueParams, QueueMember and QueueEntry
events as Asterisk sent them.`,
		Example: `  amsh queue status
  amsh queue status support --member PJSIP/alice
  amsh -o json queue status support | jq '.events[] | select(.Event == "QueueMember")'`,
		Args: argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Queue = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return queueStatusRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Member, "member", "", "show only member `M` (interface or name)")
	return addWatch(f, c, nil)
}

func queueStatusRun(ctx context.Context, opts *QueueStatusOptions) error {
	what := queueWhat("queue status", opts.Queue)
	a := ami.NewAction("QueueStatus")
	addHeaderIf(a, "Queue", opts.Queue)
	addHeaderIf(a, "Member", opts.Member)
	return queueRequest(ctx, opts.queueDeps, what, a, func(res *ami.Result) error {
		r := opts.Renderer()
		if opts.Format() != "text" {
			return r.Result(res)
		}
		queues := groupQueueStatus(res.Events)
		if len(queues) == 0 {
			if opts.Queue != "" {
				opts.Note("%s: no queue named %s", what, commandLabel(opts.Queue))
			} else {
				opts.Note("%s: no queues", what)
			}
			return nil
		}
		for _, q := range queues {
			var err error
			if len(q.members) == 0 {
				err = r.Table(q.title(), []string{"No members"}, nil)
			} else {
				err = r.RankedTable(q.title(), queueMemberRanking, queueMemberColumns, q.members)
			}
			if err != nil {
				return err
			}
			if len(q.callers) > 0 {
				if err := r.RankedTable("Callers waiting in "+q.name, queueCallerRanking, queueCallerColumns, q.callers); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// queueStatus is one queue of a QueueStatus answer, ready to print.
type queueStatus struct {
	name    string
	params  *ami.Message // QueueParams; nil when Asterisk sent none
	members [][]string
	callers [][]string
}

// groupQueueStatus sorts QueueParams, QueueMember and QueueEntry events into
// their queues, in the order the queues first appear.
func groupQueueStatus(events []*ami.Message) []*queueStatus {
	var queues []*queueStatus
	byName := map[string]*queueStatus{}
	for _, ev := range events {
		name := ev.Get("Queue")
		q := byName[name]
		if q == nil {
			q = &queueStatus{name: name}
			byName[name] = q
			queues = append(queues, q)
		}
		switch strings.ToLower(ev.Event()) {
		case "queueparams":
			q.params = ev
		case "queuemember":
			q.members = append(q.members, queueMemberRow(ev))
		case "queueentry":
			q.callers = append(q.callers, queueCallerRow(ev))
		}
	}
	return queues
}

// title is the queue's one-line summary, in the spirit of `queue show`.
func (q *queueStatus) title() string {
	p := q.params
	if p == nil {
		return "Queue " + q.name
	}
	limit := p.Get("Max")
	if limit == "" || limit == "0" {
		limit = "unlimited"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s (max %s), holdtime %ss, talktime %ss, completed %s, abandoned %s",
		q.name, p.Get("Strategy"), queuePlural(p.Get("Calls"), "call"), limit,
		p.Get("Holdtime"), p.Get("TalkTime"), p.Get("Completed"), p.Get("Abandoned"))
	if sl := p.Get("ServiceLevel"); sl != "" {
		fmt.Fprintf(&b, ", service level %s%% within %ss", p.Get("ServicelevelPerf"), sl)
	}
	if w := p.Get("Weight"); w != "" && w != "0" {
		fmt.Fprintf(&b, ", weight %s", w)
	}
	return b.String()
}

func queueMemberRow(ev *ami.Message) []string {
	status := ev.Get("Status")
	if meaning, ok := render.Decode("QueueMember", "Status", status); ok {
		status += " (" + meaning + ")"
	}
	paused := queueYesNo(ev.Get("Paused"))
	if reason := ev.Get("PausedReason"); reason != "" && paused == "yes" {
		paused += " (" + reason + ")"
	}
	return []string{
		ev.Get("Name"),
		cmp.Or(ev.Get("Location"), ev.Get("Interface")), // Interface before 1.6
		status,
		paused,
		queueYesNo(ev.Get("InCall")),
		ev.Get("CallsTaken"),
		ev.Get("Penalty"),
		ev.Get("Membership"),
	}
}

func queueCallerRow(ev *ami.Message) []string {
	wait := ev.Get("Wait")
	if wait != "" {
		wait += "s"
	}
	return []string{
		ev.Get("Position"),
		ev.Get("Channel"),
		queueCallerID(ev.Get("CallerIDName"), ev.Get("CallerIDNum")),
		wait,
		ev.Get("Priority"),
	}
}

// queueCallerID formats a caller ID as Asterisk writes one: "Name" <number>.
func queueCallerID(name, num string) string {
	known := func(s string) bool { return s != "" && s != "<unknown>" }
	switch {
	case known(name) && known(num):
		return fmt.Sprintf("%q <%s>", name, num)
	case known(name):
		return fmt.Sprintf("%q", name)
	case known(num):
		return num
	}
	return ""
}

func queueYesNo(v string) string {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return "yes"
	case "0", "false", "no":
		return "no"
	}
	return v
}

func queuePlural(n, word string) string {
	if n == "1" {
		return n + " " + word
	}
	return n + " " + word + "s"
}

// QueueSummaryOptions are what `amsh queue summary` needs.
type QueueSummaryOptions struct {
	queueDeps
	Format func() string // the -o format
	Note   func(format string, a ...any)

	Queue string
}

// NewCmdQueueSummary is `amsh queue summary`; runF, when set, runs instead of
// queueSummaryRun.
func NewCmdQueueSummary(f *Factory, runF func(*QueueSummaryOptions) error) *cobra.Command {
	opts := &QueueSummaryOptions{queueDeps: newQueueDeps(f), Format: f.format, Note: f.note}
	return addWatch(f, &cobra.Command{
		Use:   "summary [QUEUE]",
		Short: "One line per queue: members logged in and available, callers (QueueSummary)",
		Long: `summary prints one row per queue, or for QUEUE alone (QueueSummary):
members logged in and available, callers waiting, average hold and talk
times, and the longest current wait, in seconds.`,
		Example: `  amsh queue summary
  amsh queue summary support -o json`,
		Args: argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Queue = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return queueSummaryRun(c.Context(), opts)
		},
	}, nil)
}

func queueSummaryRun(ctx context.Context, opts *QueueSummaryOptions) error {
	what := queueWhat("queue summary", opts.Queue)
	a := ami.NewAction("QueueSummary")
	addHeaderIf(a, "Queue", opts.Queue)
	return queueRequest(ctx, opts.queueDeps, what, a, func(res *ami.Result) error {
		if opts.Format() == "text" {
			if len(res.Events) == 0 {
				opts.Note("%s: no queues", what)
				return nil
			}
			// The table alone: "Queue summary will follow" says nothing here.
			res = &ami.Result{Action: res.Action, Events: res.Events, Complete: res.Complete}
		}
		return opts.Renderer().Result(res)
	})
}

// QueueRuleOptions are what `amsh queue rule` needs.
type QueueRuleOptions struct {
	queueDeps
	Format func() string // the -o format
	Note   func(format string, a ...any)

	Rule string
}

// NewCmdQueueRule is `amsh queue rule`; runF, when set, runs instead of
// queueRuleRun.
func NewCmdQueueRule(f *Factory, runF func(*QueueRuleOptions) error) *cobra.Command {
	opts := &QueueRuleOptions{queueDeps: newQueueDeps(f), Format: f.format, Note: f.note}
	return &cobra.Command{
		Use:   "rule [RULE]",
		Short: "Show queue penalty rules from queuerules.conf (QueueRule)",
		Long: `rule shows the penalty rules of queuerules.conf (QueueRule): every rule
list, or the list named RULE. Each rule reads SECONDS,MAX,MIN: after
SECONDS of waiting, the caller's maximum and minimum member penalties
become MAX and MIN (a leading + or - makes them relative).`,
		Example: `  amsh queue rule
  amsh queue rule escalate`,
		Args: argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Rule = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return queueRuleRun(c.Context(), opts)
		},
	}
}

func queueRuleRun(ctx context.Context, opts *QueueRuleOptions) error {
	what := queueWhat("queue rule", opts.Rule)
	a := ami.NewAction("QueueRule")
	addHeaderIf(a, "Rule", opts.Rule)
	// QueueRule's reply ends with two empty lines (app_queue keeps the
	// second from before it sent Response:); the reader skips the
	// stray one.
	return queueRequest(ctx, opts.queueDeps, what, a, func(res *ami.Result) error {
		if opts.Format() != "text" {
			return opts.Renderer().Result(res)
		}
		// One reply: RuleList: NAME, then its Rule: lines, per list.
		var rows [][]string
		list := ""
		for _, h := range res.Response.Headers {
			switch {
			case strings.EqualFold(h.Key, "RuleList"):
				list = h.Value
			case strings.EqualFold(h.Key, "Rule"):
				rows = append(rows, []string{list, h.Value})
			}
		}
		if len(rows) == 0 {
			if opts.Rule != "" {
				opts.Note("%s: no rule list named %s", what, commandLabel(opts.Rule))
			} else {
				opts.Note("%s: no queue rules", what)
			}
			return nil
		}
		return opts.Renderer().Table("", []string{"Rule list", "Rule (seconds,max,min)"}, rows)
	})
}
