package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/amsh/amsh/profile"
)

// A fleet is one command line run on several profiles: -p a,b,
// -p 'pbx-*', -p GROUP or --all naming more than one. The root's
// PersistentPreRunE expands the targets; with more than one, it runs the
// whole command line again once per target, concurrently (--parallel), each
// on a copy of the Factory pinned to its profile with its own output
// buffers, and then prints the targets' results in the order given
// (fleet_output.go), or one list of them all with --merge (fleet_merge.go).
// --jq applies to the fleet's one document, the array of the targets'
// documents (or the merged list), so the targets print plain json. The
// subcommands know nothing of it: each target's run is an ordinary one-shot
// run with its own connection, timeout and secret. events is the exception:
// it merges the targets' streams itself (events_fleet.go).

// fleetOnce are the subcommands that run once, as with one profile, when
// several are named: they never dial, except `profiles check NAME`, which
// logs in to the one profile it names (see runsOnce).
var fleetOnce = map[string]bool{
	"completion": true, "decode": true, "help": true, "profiles": true, "version": true,
	cobra.ShellCompRequestCmd: true, cobra.ShellCompNoDescRequestCmd: true,
}

// runsOnce says whether c with its arguments args runs once when several
// profiles are named. `profiles check` without NAME runs on each of them,
// as a one-shot command does: it checks the profiles -p names ("" names
// none, as without NAME).
func runsOnce(c *cobra.Command, args []string) bool {
	top := topName(c)
	if top == "profiles" && c.Name() == "check" && (len(args) == 0 || args[0] == "") {
		return false
	}
	return fleetOnce[top]
}

// fleetRefused are the subcommands that do not run on several profiles yet,
// with the reason given; "" is bare amsh (the shell).
var fleetRefused = map[string]string{
	"":      "the shell over several profiles is not supported yet; give one profile",
	"shell": "the shell over several profiles is not supported yet; give one profile",
	"top":   "top over several profiles is not supported yet",
}

// fleetPin is held by the copy of the Factory that runs one target.
type fleetPin struct {
	name string
	file *profile.File // loaded once for all targets

	// ask is set when confirmations are asked at all (a terminal and no
	// --yes); confirmed when the fleet's one question was answered yes.
	ask, confirmed bool
	// json makes the target print json whatever -o, --jq and --columns
	// say: the fleet applies them to the whole (--merge, --jq).
	json bool
	// probe is set for the dry run that finds the question: it stops at
	// Confirm or before dialling, whichever comes first.
	probe *fleetProbe
}

type fleetProbe struct {
	asked bool
	what  string // the question, with the target replaced by fleetHere
}

// fleetHere stands for the target in a probed question.
const fleetHere = "\x00PBXES\x00"

// errProbe ends a probe run.
var errProbe = errors.New("fleet probe: stopped before dialling")

// fleetTarget is one target's run and what it printed.
type fleetTarget struct {
	name        string
	addr        string // host:port, "" for a profile that did not load
	out, errOut bytes.Buffer
	err         error
}

// fleet runs c on every target when the profiles named are more than one,
// and then returns an *ExitError that ends the command line (code 0 and
// nothing more to print when every target succeeded). With one target, or
// none named, it returns nil and c runs as usual.
func (f *Factory) fleet(c *cobra.Command, args []string) error {
	if f.pin != nil {
		return nil // a target's own run
	}
	top := topName(c)
	if runsOnce(c, args) || top == "" && c.Flags().Changed("version") {
		return nil
	}
	names, file, err := f.fleetTargets()
	if err != nil {
		return err
	}
	if len(names) == 0 && f.Global.Merge {
		names, file = f.mergeTarget(file)
	}
	if len(names) == 0 {
		f.preloaded = file // -p NAME: the command's run reads no second copy
		return nil
	}
	if len(names) == 1 && (!f.Global.Merge || top == "events" || fleetRefusal(c) != nil) {
		f.Global.Profile = names[0] // a glob or group of one: that profile, as -p NAME
		f.preloaded = file
		return nil
	}
	return f.fleetRun(c, names, file, true)
}

// fleetRun runs c on names, the targets once they are known: those of -p
// or --all on the command line (from fleet), or of `use` in the shell
// (dispatchFleet). It refuses what cannot run on several profiles and
// checks --host and --parallel; warn prints the profiles file's warnings
// (the shell printed them at `use`). events only gets its targets set on f
// and returns nil: the caller then runs c, which merges their streams
// (events_fleet.go). Any other command runs on every target (runFleet).
func (f *Factory) fleetRun(c *cobra.Command, names []string, file *profile.File, warn bool) error {
	if err := fleetRefusal(c); err != nil {
		return err
	}
	if firstNonEmpty(f.Global.Host, f.env("AMSH_HOST")) != "" {
		return usageErrorf("--host ($AMSH_HOST) names one server; it cannot go with %d profiles", len(names))
	}
	if f.Global.Parallel < 1 {
		return usageErrorf("--parallel %d: want at least 1", f.Global.Parallel)
	}
	events := topName(c) == "events"
	if !events && f.args == nil {
		return usageErrorf("several profiles are for the command line and the shell's use")
	}
	if warn {
		for _, w := range file.Warnings() {
			fmt.Fprintln(f.IO.ErrOut, w)
		}
	}
	if events {
		// One command merging the targets' streams; --jq applies to each
		// line, as for one profile. Its goroutines share stderr.
		f.IO.ErrOut = &lockedWriter{w: f.IO.ErrOut}
		f.stream = &fleetSelection{names: names, file: file}
		return nil
	}
	return f.runFleet(c.Context(), names, file)
}

// mergeTarget is the one profile -p NAME, $AMSH_PROFILE or the file's
// default names, for --merge: its list then has the Profile column too, as
// with several. Nothing when there is no such profile (the command's own
// run reports why) or --host makes the run ad hoc. file is the profiles
// file when fleetTargets read it (-p NAME), else nil: it is read here. The
// file comes back when it was read, for the command's run.
func (f *Factory) mergeTarget(file *profile.File) ([]string, *profile.File) {
	if firstNonEmpty(f.Global.Host, f.env("AMSH_HOST")) != "" {
		return nil, file
	}
	if file == nil {
		var err error
		if file, _, err = f.loadFile(); err != nil {
			return nil, nil
		}
	}
	p, err := file.Select(firstNonEmpty(f.Global.Profile, f.env("AMSH_PROFILE")))
	if err != nil {
		return nil, file
	}
	return []string{p.Name}, file
}

// topName is the first word of c's path below the root: "queue" for
// "amsh queue add", "" for the root.
func topName(c *cobra.Command) string {
	for c.HasParent() && c.Parent().HasParent() {
		c = c.Parent()
	}
	if !c.HasParent() {
		return ""
	}
	return c.Name()
}

// fleetTargets expands -p ($AMSH_PROFILE) or --all. It returns no names
// when one plain profile name, or none, was given: those resolve as they
// always have, with the same errors (the file, when it was read, comes back
// for them to use). A profiles file that does not load is left to that path
// too, unless --all needs it.
func (f *Factory) fleetTargets() ([]string, *profile.File, error) {
	g := f.Global
	if g.All && g.Profile != "" {
		return nil, nil, usageErrorf("--all and --profile: give one of them")
	}
	spec := firstNonEmpty(g.Profile, f.env("AMSH_PROFILE"))
	if !g.All && spec == "" {
		return nil, nil, nil
	}
	file, _, err := f.loadFile()
	if err != nil {
		if g.All {
			return nil, nil, err
		}
		return nil, nil, nil
	}
	var names []string
	switch {
	case g.All:
		names, err = file.All()
	case strings.ContainsAny(spec, `,*?[\`) || file.IsGroup(spec):
		names, err = file.Targets(spec)
	default:
		return nil, file, nil
	}
	if err != nil {
		return nil, nil, &UsageError{Err: err}
	}
	return names, file, nil
}

// fleetRefusal is the usage error for a command line that cannot run on
// several profiles (the shell, top, --watch), nil for one that can.
func fleetRefusal(c *cobra.Command) error {
	if why, refused := fleetRefused[topName(c)]; refused {
		return usageErrorf("%s", why)
	}
	if fl := c.Flags().Lookup("watch"); fl != nil && fl.Changed {
		return usageErrorf("--watch over several profiles is not supported yet")
	}
	return nil
}

// runFleet runs the command line on every target and prints the results.
func (f *Factory) runFleet(ctx context.Context, names []string, file *profile.File) error {
	if f.Global.Output == "csv" || f.Global.Output == "tsv" {
		// csv and tsv are one table for a program to read: header lines
		// between the profiles' blocks would break it, so several
		// profiles' results are always merged with a Profile column.
		f.Global.Merge = true
	}
	ask := !f.Global.Yes && f.IO.InTTY && f.IO.ErrTTY
	confirmed := false
	if ask {
		if q := f.fleetQuestion(ctx, names, file); q != "" {
			if err := f.ask(q); err != nil {
				return err
			}
			confirmed = true
		}
	}
	targets := make([]*fleetTarget, len(names))
	done := make([]chan struct{}, len(names))
	for i, name := range names {
		targets[i] = &fleetTarget{name: name}
		if p := file.Profiles[name]; p != nil {
			targets[i].addr = p.Addr()
		}
		done[i] = make(chan struct{})
	}
	go func() {
		slots := make(chan struct{}, f.Global.Parallel)
		for i, t := range targets {
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; close(done[i]) }()
				pin := &fleetPin{name: t.name, file: file, ask: ask, confirmed: confirmed,
					json: f.Global.Merge || f.Global.jq != nil}
				t.err = f.runTarget(ctx, pin, &t.out, &t.errOut)
			}()
		}
	}()
	p := newFleetPrinter(f, len(targets))
	for i, t := range targets {
		<-done[i]
		p.add(t)
	}
	err := p.finish()
	if ferr := p.failed.err(p.n); ferr != nil && ctx.Err() != nil {
		// Ctrl-C (SIGTERM, SIGHUP): Run says "interrupted" and exits 130;
		// the summary of the targets that did not finish comes before, as
		// for a merged event stream.
		fmt.Fprintln(f.IO.ErrOut, f.IO.errorPrefix(f.Global.Color)+ferr.Error())
		return ctx.Err()
	}
	return err
}

// runTarget runs the command line once on a copy of f pinned to one target.
// The copy has no stdin and no secret prompt: several targets cannot share
// the keyboard. Its stdout and stderr are out and errOut.
func (f *Factory) runTarget(ctx context.Context, pin *fleetPin, out, errOut io.Writer) error {
	ios := targetIO(f.IO)
	ios.Out, ios.ErrOut = out, errOut
	tf := &Factory{IO: ios, pin: pin, args: f.args}
	root := rootFor(tf, f.args)
	// The global flags start from f's: the same as args give on the
	// command line; in the shell, the shell's own with the line's on top.
	tf.Global = f.Global
	root.SetArgs(f.args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, errSilent) {
		err = context.Canceled // as Run does
	}
	return err
}

// targetIO is a copy of ios for one target of several: no stdin, and so
// no secret prompt, as several targets cannot share the keyboard.
func targetIO(ios *IOStreams) *IOStreams {
	t := *ios
	t.In, t.InTTY = strings.NewReader(""), false
	return &t
}

// fleetQuestion is the one question asked for all targets, "" when none of
// them asks. Each target is run as a probe, which stops at its Confirm (or
// before dialling when it has none): every command asks before it dials.
func (f *Factory) fleetQuestion(ctx context.Context, names []string, file *profile.File) string {
	var whats []string
	asking := 0
	for _, name := range names {
		probe := &fleetProbe{}
		f.runTarget(ctx, &fleetPin{name: name, file: file, ask: true, probe: probe}, io.Discard, io.Discard)
		if !probe.asked {
			continue
		}
		asking++
		if !slices.Contains(whats, probe.what) {
			whats = append(whats, probe.what)
		}
	}
	if asking == 0 {
		return ""
	}
	pbxes := fmt.Sprintf("%d PBXes", asking)
	if asking == 1 {
		pbxes = "1 PBX"
	}
	what := strings.Join(whats, "; ")
	if strings.Contains(what, fleetHere) {
		return strings.ReplaceAll(what, fleetHere, pbxes)
	}
	return what + " on " + pbxes
}

// confirm is Confirm on a target's copy of the Factory.
func (p *fleetPin) confirm(f *Factory, what string) error {
	if !p.ask {
		return nil // no terminal, or --yes: nothing is asked, as with one profile
	}
	if c, err := f.Connection(); err == nil && !c.Confirm {
		return nil
	}
	if p.probe != nil {
		if t, err := confirmTarget(f.Connection); err == nil {
			what = strings.ReplaceAll(what, t, fleetHere)
		}
		p.probe.asked, p.probe.what = true, what
		return errProbe
	}
	if p.confirmed {
		return nil
	}
	// A question the probe did not see: never act on it unasked.
	return &ExitError{Code: ExitAsterisk, Err: fmt.Errorf("%s: not confirmed; nothing done", what)}
}

// probing reports whether this copy of the Factory only looks for the
// question: it must not dial.
func (f *Factory) probing() error {
	if f.pin != nil && f.pin.probe != nil {
		return errProbe
	}
	return nil
}

// withoutProfile takes the "profile NAME: " that errors carry off msg,
// at its start or after a command's name ("queue summary: profile NAME:
// ..."): the fleet names the target itself. (A profiles file's error
// keeps its `FILE:LINE: profile "NAME": ...`: there it says what is where.)
func withoutProfile(msg, name string) string {
	for _, p := range []string{"profile " + name + ": ", fmt.Sprintf("profile %q: ", name)} {
		if rest, ok := strings.CutPrefix(msg, p); ok {
			return rest
		}
	}
	if before, after, ok := strings.Cut(msg, ": profile "+name+": "); ok {
		return before + ": " + after
	}
	return msg
}
