package cmd

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/profile"
	"github.com/amsh/amsh/render"
)

// completionBudget bounds everything one Tab may spend on the network:
// dial, login, the actions and the logoff. A shell that waits longer feels
// hung; a server that cannot answer in time offers nothing.
const completionBudget = time.Second

// candidate is one completion: the value, and what the shell shows beside it.
type candidate struct{ value, desc string }

// liveValues computes candidates over a logged-in session; args are the
// command's positional arguments before the one being completed.
type liveValues func(ctx context.Context, s *ami.Session, c *cobra.Command, args []string) []candidate

// registerCompletions gives the command tree its dynamic completion: profile
// names for --profile (from the profiles file, never dialling) and, over a
// short login, the values of positional args and flags by their kind in
// completion's table (completion.SubcommandArgs, completion.FlagKind), the
// one the REPL completes from: channels for hangup, queues and members for
// queue, endpoints for originate and queue add; action names and their
// parameters for action.
//
// Commands are found by name, so a command that is absent (or that set its
// own completion) is left alone; calling it twice changes nothing.
func registerCompletions(root *cobra.Command, f *Factory) {
	if _, done := root.GetFlagCompletionFunc("profile"); !done && root.Flag("profile") != nil {
		root.RegisterFlagCompletionFunc("profile", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return completions(targetCandidates(f, toComplete), toComplete), cobra.ShellCompDirectiveNoFileComp
		})
	}
	completeFlag(root, "output", fixedCandidates(render.FormatNames()...))
	completeFlag(root, "color", fixedCandidates("auto", "always", "never"))

	if c := childCommand(root, "hangup"); c != nil {
		completeFlag(c, "cause", func(*cobra.Command, []string) []candidate { return hangupCauses })
	}
	for _, path := range completion.SubcommandPaths() {
		f.completeArgs(commandAt(root, path), completion.SubcommandArgs(path))
	}
	var flags func(c *cobra.Command)
	flags = func(c *cobra.Command) {
		c.LocalNonPersistentFlags().VisitAll(func(fl *pflag.Flag) {
			if kind, ok := completion.FlagKind("--" + fl.Name); ok && liveKinds[kind] != nil {
				f.completeLiveFlag(c, fl.Name, liveKinds[kind])
			}
		})
		for _, sub := range c.Commands() {
			flags(sub)
		}
	}
	flags(root)
	if c := childCommand(root, "action"); c != nil && c.ValidArgsFunction == nil {
		c.ValidArgsFunction = f.completeAction
	}
}

// liveKinds are the kinds of values completed over a short login.
var liveKinds = map[completion.ArgKind]liveValues{
	completion.ArgChannel:  channelValues,
	completion.ArgQueue:    queueValues,
	completion.ArgMember:   memberValues,
	completion.ArgEndpoint: endpointValues,
}

// commandAt returns the command at path ("queue add"), or nil.
func commandAt(root *cobra.Command, path string) *cobra.Command {
	c := root
	for _, name := range strings.Fields(path) {
		if c = childCommand(c, name); c == nil {
			return nil
		}
	}
	return c
}

// childCommand returns parent's child called name (or aliased so), or nil.
func childCommand(parent *cobra.Command, name string) *cobra.Command {
	if parent == nil {
		return nil
	}
	for _, c := range parent.Commands() {
		if c.Name() == name || slices.Contains(c.Aliases, name) {
			return c
		}
	}
	return nil
}

// completeArgs completes c's positional arguments by their kinds (the last
// one repeats), those with liveValues over a short login.
func (f *Factory) completeArgs(c *cobra.Command, kinds []completion.ArgKind) {
	if c == nil || c.ValidArgsFunction != nil || !slices.ContainsFunc(kinds, func(k completion.ArgKind) bool { return liveKinds[k] != nil }) {
		return
	}
	c.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		values := liveKinds[completion.ArgKindAt(kinds, len(args))]
		if values == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return f.live(c, toComplete, func(ctx context.Context, s *ami.Session) []candidate {
			return values(ctx, s, c, args)
		}), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeLiveFlag completes the value of c's flag name from the server.
func (f *Factory) completeLiveFlag(c *cobra.Command, name string, values liveValues) {
	completeFlag(c, name, func(c *cobra.Command, args []string) []candidate {
		return f.liveCandidates(c, func(ctx context.Context, s *ami.Session) []candidate {
			return values(ctx, s, c, args)
		})
	})
}

// completeFlag registers values for c's flag name, when c has that flag and
// no completion for it yet.
func completeFlag(c *cobra.Command, name string, values func(c *cobra.Command, args []string) []candidate) {
	if c == nil || c.Flag(name) == nil {
		return
	}
	if _, ok := c.GetFlagCompletionFunc(name); ok {
		return
	}
	c.RegisterFlagCompletionFunc(name, func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completions(values(c, args), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
}

func fixedCandidates(vs ...string) func(*cobra.Command, []string) []candidate {
	cs := make([]candidate, len(vs))
	for i, v := range vs {
		cs[i] = candidate{value: v}
	}
	return func(*cobra.Command, []string) []candidate { return cs }
}

// hangupCauses are the names an operator most often wants for --cause; any
// AST_CAUSE_* name or number works.
var hangupCauses = []candidate{
	{"normal_clearing", "16"}, {"user_busy", "17"}, {"no_user_response", "18"}, {"no_answer", "19"},
	{"call_rejected", "21"}, {"answered_elsewhere", "26"}, {"normal_unspecified", "31"}, {"congestion", "34"},
}

// live logs in for one completion and returns fn's candidates that start
// with toComplete.
func (f *Factory) live(c *cobra.Command, toComplete string, fn func(context.Context, *ami.Session) []candidate) []cobra.Completion {
	return completions(f.liveCandidates(c, fn), toComplete)
}

// liveCandidates runs fn over a session that lives at most completionBudget.
// Nothing here may reach the user's prompt: the connection uses a quiet copy
// of the Factory (no trace, no warnings, never a secret prompt), and a
// failure is one debug line on the stderr of the hidden __complete command,
// which every completion script throws away (and in $BASH_COMP_DEBUG_FILE).
//
// With several profiles (-p a,b, a glob, a group, --all) every target is
// asked at once within the same budget, and their values are merged; a
// target that fails or is late is left out.
func (f *Factory) liveCandidates(c *cobra.Command, fn func(context.Context, *ami.Session) []candidate) []candidate {
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionBudget)
	defer cancel()
	names, file, err := f.fleetTargets()
	if err != nil || len(names) <= 1 {
		qf := f.quietCopy()
		qf.preloaded = file // read once: -p NAME, or the one target
		if len(names) == 1 {
			qf.Global.Profile = names[0] // a glob or group of one
		}
		return qf.liveOn(ctx, c, fn)
	}
	results := make([][]candidate, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			qf := f.quietCopy()
			qf.Global.Profile, qf.Global.All = name, false
			qf.preloaded = file // every target reads the one copy
			results[i] = qf.liveOn(ctx, c, fn)
		})
	}
	wg.Wait()
	return mergeCandidates(names, results)
}

// liveOn logs in to f's profile and runs fn.
func (f *Factory) liveOn(ctx context.Context, c *cobra.Command, fn func(context.Context, *ami.Session) []candidate) []candidate {
	s, err := f.Session(ctx, "off")
	if err != nil {
		completionDebug(c, err)
		return nil
	}
	defer s.Close()
	out := fn(ctx, s)
	// Log off politely when there is time left; the work is done either way.
	lctx, lcancel := context.WithTimeout(ctx, completionBudget/4)
	defer lcancel()
	s.Logoff(lctx)
	return out
}

// mergeCandidates is the targets' candidates, each value once, in the
// order first seen. A value without a description of its own is described
// by the profiles that have it ("pbx1, pbx2").
func mergeCandidates(names []string, results [][]candidate) []candidate {
	var out []candidate
	at := map[string]int{}
	from := map[string][]string{}
	for i, cs := range results {
		for _, c := range cs {
			from[c.value] = append(from[c.value], names[i])
			if _, ok := at[c.value]; ok {
				continue
			}
			at[c.value] = len(out)
			out = append(out, c)
		}
	}
	for i := range out {
		if out[i].desc == "" {
			out[i].desc = strings.Join(from[out[i].value], ", ")
		}
	}
	return out
}

func (f *Factory) quietCopy() *Factory {
	g := f.Global
	g.Trace, g.Quiet = false, true
	return &Factory{
		IO: &IOStreams{
			In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard,
			Getenv: f.IO.Getenv,
		},
		Global: g,
	}
}

// completionDebugMu serialises debug lines: a fleet's targets are asked at
// once.
var completionDebugMu sync.Mutex

func completionDebug(c *cobra.Command, err error) {
	msg := fmt.Sprintf("amsh: completion: %v", err)
	completionDebugMu.Lock()
	defer completionDebugMu.Unlock()
	cobra.CompDebugln(msg, false)
	fmt.Fprintln(c.ErrOrStderr(), "[Debug] "+msg)
}

// completionSend sends the first of actions the server knows: a later one
// is tried only when Asterisk refuses the one before (Invalid/unknown
// command on an older version). A failure leaves a debug line and nil.
func completionSend(ctx context.Context, s *ami.Session, c *cobra.Command, actions ...*ami.Message) *ami.Result {
	var err error
	for _, a := range actions {
		var res *ami.Result
		if res, err = s.Send(ctx, a); err == nil {
			return res
		}
		if !asteriskSaidError(err) {
			break
		}
	}
	completionDebug(c, err)
	return nil
}

// resultEvents returns a list action's events; nil for a failed one.
func resultEvents(res *ami.Result) []*ami.Message {
	if res == nil {
		return nil
	}
	return res.Events
}

// completions keeps the candidates that start with toComplete (AMI names
// are case-insensitive, so case is ignored) in cobra's "value\tdescription"
// form.
func completions(cs []candidate, toComplete string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range cs {
		if len(c.value) < len(toComplete) || !strings.EqualFold(c.value[:len(toComplete)], toComplete) {
			continue
		}
		if c.desc == "" {
			out = append(out, c.value)
		} else {
			out = append(out, cobra.CompletionWithDesc(c.value, c.desc))
		}
	}
	return out
}

func plainCandidates(vs []string) []candidate {
	cs := make([]candidate, len(vs))
	for i, v := range vs {
		cs[i] = candidate{value: v}
	}
	return cs
}

// profileCandidates lists the profiles file's names. It reads the file and
// nothing else: no secret is resolved and nothing is dialled.
func profileCandidates(f *Factory) []candidate {
	file := completionFile(f)
	if file == nil {
		return nil
	}
	return fileProfiles(file)
}

// completionFile is the profiles file, read and nothing more; nil when
// there is none or it does not load.
func completionFile(f *Factory) *profile.File {
	file, _, err := f.loadFile()
	if err != nil {
		return nil
	}
	return file
}

// fileProfiles are file's profiles, each described by its user and
// address.
func fileProfiles(file *profile.File) []candidate {
	def := fileDefaultProfile(file)
	var out []candidate
	for _, name := range file.Order {
		p := file.Profiles[name]
		desc := p.Username + "@" + p.Addr()
		if name == def {
			desc += " (default)"
		}
		out = append(out, candidate{name, desc})
	}
	return out
}

// targetCandidates are what -p takes: profile names and groups, in a
// comma list: after "a," the names come after it, those already listed
// left out.
func targetCandidates(f *Factory, toComplete string) []candidate {
	file := completionFile(f)
	if file == nil {
		return nil
	}
	head, _, given := completion.SplitList(toComplete)
	var out []candidate
	for _, c := range fileProfiles(file) {
		if !slices.Contains(given, c.value) {
			out = append(out, candidate{head + c.value, c.desc})
		}
	}
	for _, g := range file.GroupOrder {
		if members, ok := file.Groups[g]; ok && !slices.Contains(given, g) {
			out = append(out, candidate{head + g, "group: " + strings.Join(members, ", ")})
		}
	}
	return out
}

// completeProfileArg completes a profile name as the first argument.
func completeProfileArg(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completions(profileCandidates(f), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func channelValues(ctx context.Context, s *ami.Session, c *cobra.Command, _ []string) []candidate {
	// Asterisk 1.4 has no CoreShowChannels; its Status lists channels too.
	res := completionSend(ctx, s, c, ami.NewAction("CoreShowChannels"), ami.NewAction("Status"))
	return plainCandidates(completion.Channels(resultEvents(res)))
}

func queueValues(ctx context.Context, s *ami.Session, c *cobra.Command, _ []string) []candidate {
	// QueueSummary is the short list; QueueStatus where it is missing (1.4).
	res := completionSend(ctx, s, c, ami.NewAction("QueueSummary"), ami.NewAction("QueueStatus"))
	return plainCandidates(completion.Queues(resultEvents(res)))
}

// memberValues lists queue members: those of the queue named by the first
// argument (queue remove QUEUE IFACE) or by --queue, else of every queue.
func memberValues(ctx context.Context, s *ami.Session, c *cobra.Command, args []string) []candidate {
	queue := ""
	if len(args) > 0 {
		queue = args[0]
	} else if fl := c.Flag("queue"); fl != nil {
		queue = fl.Value.String()
	}
	action := ami.NewAction("QueueStatus")
	if queue != "" {
		action.Add("Queue", queue)
	}
	var out []candidate
	at := map[string]int{}
	for _, m := range completion.Members(resultEvents(completionSend(ctx, s, c, action)), queue) {
		if i, ok := at[m.Interface]; ok {
			out[i].desc += ", " + m.Queue
			continue
		}
		at[m.Interface] = len(out)
		desc := m.Queue
		if m.Name != "" && m.Name != m.Interface {
			desc = m.Name + " in " + m.Queue
		}
		out = append(out, candidate{m.Interface, desc})
	}
	return out
}

// endpointValues lists dialable endpoints from chan_pjsip and chan_sip,
// asked at once; a server without one of them answers Error for it.
func endpointValues(ctx context.Context, s *ami.Session, c *cobra.Command, _ []string) []candidate {
	actions := []string{"PJSIPShowEndpoints", "SIPpeers"}
	results := make([]*ami.Result, len(actions))
	var wg sync.WaitGroup
	for i, name := range actions {
		wg.Go(func() {
			res, err := s.Send(ctx, ami.NewAction(name))
			if err == nil {
				results[i] = res
			}
		})
	}
	wg.Wait()
	var evs []*ami.Message
	for _, res := range results {
		evs = append(evs, resultEvents(res)...)
	}
	return plainCandidates(completion.Endpoints(evs))
}

// completeAction completes `action NAME [KEY=VALUE ...]`: the server's action
// names first, then NAME's parameters as "Key=" (no space after, so the
// value can be typed at once). Keys already given are not offered again,
// except Variable, which may repeat; ActionID is amsh's to set.
func (f *Factory) completeAction(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return f.live(c, toComplete, func(ctx context.Context, s *ami.Session) []candidate {
			res := completionSend(ctx, s, c, ami.NewAction("ListCommands"))
			if res == nil {
				return nil
			}
			var out []candidate
			for _, a := range completion.ListCommands(res.Response) {
				out = append(out, candidate{a.Name, a.Synopsis})
			}
			return out
		}), cobra.ShellCompDirectiveNoFileComp
	}
	name := args[0]
	if strings.Contains(toComplete, "=") || !completion.IsActionName(name) {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	used := map[string]bool{"actionid": true}
	for _, a := range args[1:] {
		if k, _, ok := strings.Cut(a, "="); ok && !strings.EqualFold(k, "Variable") {
			used[strings.ToLower(k)] = true
		}
	}
	params := f.live(c, toComplete, func(ctx context.Context, s *ami.Session) []candidate {
		res := completionSend(ctx, s, c, ami.NewAction("Command", "Command", "manager show command "+name))
		lines, ok := res.Output()
		if !ok {
			return nil
		}
		var out []candidate
		for _, p := range completion.ManagerCommandParams(lines) {
			if used[strings.ToLower(p.Name)] {
				continue
			}
			desc := ""
			if p.Required {
				desc = "required"
			}
			out = append(out, candidate{p.Name + "=", desc})
		}
		return out
	})
	return params, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
