package completion

import (
	"slices"
	"strings"
)

// Complete is a pure function of the text before the cursor and a snapshot.
// It never blocks, never does I/O.
//
// A line is one of:
//
//   - a subcommand: `queue pause Local/101@amsh-agents --queue support`
//     completes subcommand names, sub-subcommands, flags (a word starting
//     with "-"), flag values, and positional args by their ArgKind;
//   - `!CLI words`: the server's CLI completion, from snap.CLI (or CLIMiss);
//   - an action: `Originate Channel=Local/long@amsh Application=Wait`
//     completes action names, then "Param=" (from snap.Params, or
//     ParamsMiss), then values after Channel=, Queue=, Interface=, Member=
//     and Endpoint=;
//   - a raw block line `Action: NAME` (action names) or `Channel: X`
//     (the same values as Channel=); given the whole block ("\n" between
//     its lines), a new line completes the header names of the block's
//     action, as "Name:".
//
// Subcommand names are matched exactly ("hangup" is the subcommand, "Hangup"
// the action); everything else is a case-insensitive prefix match.
func Complete(before string, snap *Snapshot) Result {
	if snap == nil {
		snap = emptySnapshot
	}
	if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
		return completeBlockLine(before[:nl], before[nl+1:], snap)
	}
	if rest, ok := strings.CutPrefix(strings.TrimLeft(before, " \t"), "!"); ok {
		return completeCLILine(rest, snap)
	}
	done, cur := splitLine(before)
	if len(done) == 0 {
		if key, val, ok := strings.Cut(cur.raw, ":"); ok && isName(key) {
			return completeHeader(key, val, snap)
		}
		return completeFirst(cur, snap)
	}
	first := done[0]
	if key, ok := strings.CutSuffix(first.raw, ":"); ok && isName(key) {
		if len(done) > 1 {
			return Result{Word: cur.raw}
		}
		return completeHeader(key, cur.raw, snap)
	}
	if c := findCommand(snap.Commands, first.value); c != nil {
		return completeCommand(c, done[1:], cur, snap)
	}
	if name, ok := actionName(snap, first.value); ok {
		return completeAction(name, values(done[1:]), cur, snap)
	}
	return Result{Word: cur.raw}
}

// completeBlockLine completes a line of a raw block after its first lines
// (when the shell passes the whole block): a header value as on a line of
// its own, or a header name from the parameters of the block's action, as
// "Name:".
func completeBlockLine(above, line string, snap *Snapshot) Result {
	lines := strings.Split(above, "\n")
	action := ""
	var given []string
	for _, l := range lines {
		k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if strings.EqualFold(k, "Action") && action == "" {
			action = v
		}
		given = append(given, k+"="+v)
	}
	if action == "" || strings.Contains(line, ":") {
		return Complete(line, snap)
	}
	key := strings.TrimLeft(line, " \t")
	if strings.ContainsAny(key, "= \t\"") {
		return Result{Word: key}
	}
	name, _ := actionName(snap, action)
	res := completeAction(name, given, word{raw: key, value: key}, snap)
	for i, c := range res.Candidates {
		res.Candidates[i] = strings.TrimSuffix(c, "=") + ":"
	}
	slices.Sort(res.Candidates)
	return res
}

// completeFirst offers subcommands and action names together.
func completeFirst(cur word, snap *Snapshot) Result {
	ld := leadAt(cur, 0)
	var out []string
	for i := range snap.Commands {
		if hasPrefixFold(snap.Commands[i].Name, ld.prefix) {
			out = append(out, snap.Commands[i].Name)
		}
	}
	out = appendActions(out, snap.Actions, ld.prefix)
	return Result{Word: cur.raw, Candidates: finish(out, ld)}
}

// completeHeader completes the value of a raw block's header line; Word is
// the value typed so far.
func completeHeader(key, val string, snap *Snapshot) Result {
	val = strings.TrimLeft(val, " \t")
	var out []string
	if strings.EqualFold(key, "Action") {
		out = appendActions(out, snap.Actions, val)
	} else {
		out = appendParamValues(out, key, "", val, nil, snap)
	}
	return Result{Word: val, Candidates: tidy(out)}
}

// completeCommand walks c's words: subcommands while no positional arg has
// been given, flags (and the value of a flag that takes one), positional args.
func completeCommand(c *Command, rest []word, cur word, snap *Snapshot) Result {
	res := Result{Word: cur.raw}
	var args []string
	queue, pending, dashdash := "", "", false
	for i := 0; i < len(rest); i++ {
		v := rest[i].value
		if !dashdash && isFlag(v) {
			if v == "--" {
				dashdash = true
				continue
			}
			name, val, hasVal := strings.Cut(v, "=")
			if _, takes := flagArg(c, name); takes && !hasVal {
				if i+1 == len(rest) {
					pending = name
					break
				}
				i++
				val = rest[i].value
			}
			if name == "--queue" {
				queue = val
			}
			continue
		}
		if len(args) == 0 && len(c.Sub) > 0 {
			if sub := findCommand(c.Sub, v); sub != nil {
				c = sub
				continue
			}
		}
		args = append(args, v)
	}
	if queue == "" {
		queue = queueArg(c, args)
	}

	if pending != "" {
		ld := leadAt(cur, 0)
		res.Candidates = finish(appendFlagValues(nil, c, pending, ld.prefix, queue, snap), ld)
		return res
	}
	if !dashdash && strings.HasPrefix(cur.value, "-") {
		if name, ld, ok := splitKeyValue(cur); ok {
			if _, takes := flagArg(c, name); takes {
				res.Candidates = finish(appendFlagValues(nil, c, name, ld.prefix, queue, snap), ld)
			}
			return res
		}
		res.Candidates = finish(matchAppend(nil, c.Flags, cur.value), leadAt(cur, 0))
		return res
	}

	n := len(args)
	if j := slices.Index(c.Args, ArgAction); j >= 0 && n > j {
		name, _ := actionName(snap, args[j])
		return completeAction(name, args[j+1:], cur, snap)
	}
	if j := slices.Index(c.Args, ArgCLI); j >= 0 && n >= j {
		return completeCLIArg(args[j:], cur, snap)
	}
	ld := leadAt(cur, 0)
	var out []string
	if n == 0 {
		for i := range c.Sub {
			if hasPrefixFold(c.Sub[i].Name, ld.prefix) {
				out = append(out, c.Sub[i].Name)
			}
		}
	}
	out = appendKind(out, argKind(c.Args, n), ld.prefix, queue, snap)
	res.Candidates = finish(out, ld)
	return res
}

// completeAction completes the words after an action name: "Param=" from
// snap.Params (not those already given, except Variable, which repeats;
// never ActionID, which is the session's), or a parameter's value.
func completeAction(name string, given []string, cur word, snap *Snapshot) Result {
	res := Result{Word: cur.raw}
	params, known := snap.Params[strings.ToLower(name)]
	if !known && isName(name) {
		res.ParamsMiss = name
	}
	if key, ld, ok := splitKeyValue(cur); ok {
		res.Candidates = finish(appendParamValues(nil, key, name, ld.prefix, given, snap), ld)
		return res
	}
	var out []string
	for _, p := range params {
		if !hasPrefixFold(p, cur.value) || strings.EqualFold(p, "ActionID") ||
			(!strings.EqualFold(p, "Variable") && givenKey(given, p)) {
			continue
		}
		out = append(out, p+"=")
	}
	res.Candidates = tidy(out)
	return res
}

// appendParamValues appends the values of an action parameter (or raw
// header) key that start with prefix. Originate's Channel is a dial string,
// so it offers endpoints as well as live channels.
func appendParamValues(dst []string, key, action, prefix string, given []string, snap *Snapshot) []string {
	switch strings.ToLower(key) {
	case "channel":
		dst = matchAppend(dst, snap.Channels, prefix)
		if strings.EqualFold(action, "Originate") {
			dst = matchAppend(dst, snap.Endpoints, prefix)
		}
	case "queue":
		dst = matchAppend(dst, snap.Queues, prefix)
	case "interface", "member", "location":
		dst = appendMembers(dst, snap.Members, givenValue(given, "Queue"), prefix)
	case "endpoint":
		dst = matchAppend(dst, snap.Endpoints, prefix)
	}
	return dst
}

// appendFlagValues appends the values of c's flag name.
func appendFlagValues(dst []string, c *Command, name, prefix, queue string, snap *Snapshot) []string {
	kind, _ := flagArg(c, name)
	dst = appendKind(dst, kind, prefix, queue, snap)
	return matchAppend(dst, flagChoices()[name], prefix)
}

// appendKind appends the values of kind that start with prefix; members
// are those of queue when it has any.
func appendKind(dst []string, kind ArgKind, prefix, queue string, snap *Snapshot) []string {
	switch kind {
	case ArgChannel:
		return matchAppend(dst, snap.Channels, prefix)
	case ArgQueue:
		return matchAppend(dst, snap.Queues, prefix)
	case ArgMember:
		return appendMembers(dst, snap.Members, queue, prefix)
	case ArgEndpoint:
		return matchAppend(dst, snap.Endpoints, prefix)
	case ArgAction:
		return appendActions(dst, snap.Actions, prefix)
	case ArgProfile:
		return matchAppend(dst, snap.Profiles, prefix)
	case ArgTargets:
		// A comma list: the word after the last comma completes, the
		// names before it are kept.
		// The names already in the list are not offered again.
		head, prefix, given := SplitList(prefix)
		n := len(dst)
		dst = matchAppend(dst, snap.Profiles, prefix)
		dst = matchAppend(dst, snap.Groups, prefix)
		kept := dst[:n]
		for _, name := range dst[n:] {
			if !slices.Contains(given, name) {
				kept = append(kept, head+name)
			}
		}
		return kept
	case ArgCommand:
		for i := range snap.Commands {
			if hasPrefixFold(snap.Commands[i].Name, prefix) {
				dst = append(dst, snap.Commands[i].Name)
			}
		}
	}
	return dst
}

// SplitList cuts a comma list being typed (-p a,b,c; use a,b) at its last
// comma: head is what comes before, kept as typed and ending in the comma
// ("" when there is none), last the word being completed, and given the
// names head holds, which a completion does not offer again.
func SplitList(word string) (head, last string, given []string) {
	i := strings.LastIndexByte(word, ',')
	if i < 0 {
		return "", word, nil
	}
	return word[:i+1], word[i+1:], strings.Split(word[:i], ",")
}

func appendActions(dst []string, actions []Action, prefix string) []string {
	for i := range actions {
		if hasPrefixFold(actions[i].Name, prefix) {
			dst = append(dst, actions[i].Name)
		}
	}
	return dst
}

// appendMembers appends member interfaces: of queue when it is given and
// has members, else of every queue.
func appendMembers(dst []string, members []Member, queue, prefix string) []string {
	n := len(dst)
	if queue != "" {
		for i := range members {
			if members[i].Queue == queue && hasPrefixFold(members[i].Interface, prefix) {
				dst = append(dst, members[i].Interface)
			}
		}
		if len(dst) > n {
			return dst
		}
	}
	for i := range members {
		if hasPrefixFold(members[i].Interface, prefix) {
			dst = append(dst, members[i].Interface)
		}
	}
	return dst
}

// completeCLILine completes a "!" line from the CLI cache. The shell sends
// the text after "!" as it is, and Asterisk's CLI reads its own quotes, so
// the candidates are the CLI words behind what was typed in front of them
// in the word (an opening quote), never quoted or escaped.
func completeCLILine(text string, snap *Snapshot) Result {
	_, cur := splitLine(text)
	ld := leadAt(cur, 0)
	res := Result{Word: cur.raw}
	cands, miss := cliCandidates(text[:cur.start], ld.prefix, snap)
	if ld.text != "" {
		cands = slices.DeleteFunc(cands, func(c string) bool { return !strings.HasPrefix(c, ld.kept) })
		for i, c := range cands {
			cands[i] = ld.text + c[len(ld.kept):]
		}
	}
	res.Candidates, res.CLIMiss = tidy(cands), miss
	return res
}

// completeCLIArg completes a CLI word inside a subcommand's args (`command
// core sh`), where one quoted arg may hold several CLI words (`command "core
// sh`): what is in front of the last of them stays in front of every
// candidate.
func completeCLIArg(args []string, cur word, snap *Snapshot) Result {
	res := Result{Word: cur.raw}
	ld := leadAt(cur, 0)
	line := strings.Join(args, " ")
	if i := strings.LastIndexAny(cur.raw, " \t"); i >= 0 {
		ld = leadAt(cur, i+1)
		if line != "" {
			line += " "
		}
		line += textOf(cur.raw[:i+1])
	} else if line != "" {
		line += " "
	}
	cands, miss := cliCandidates(line, ld.prefix, snap)
	res.Candidates, res.CLIMiss = finish(cands, ld), miss
	return res
}

// cliCandidates looks the CLI line up in the cache. An entry answers when it
// was fetched for a word that the word typed extends.
func cliCandidates(line, prefix string, snap *Snapshot) ([]string, *CLIQuery) {
	key := CLIKey(line)
	words, ok := snap.CLI[key]
	if !ok || !hasPrefixFold(prefix, snap.CLIWord[key]) {
		return nil, &CLIQuery{Line: line, Word: prefix}
	}
	return matchAppend(nil, words, prefix), nil
}

func findCommand(cmds []Command, name string) *Command {
	for i := range cmds {
		if cmds[i].Name == name {
			return &cmds[i]
		}
	}
	return nil
}

// actionName returns the server's spelling of the action named (in any
// case) name. Before the action list is known, any name-like word is taken
// for an action, so its parameters can be fetched.
func actionName(snap *Snapshot, name string) (string, bool) {
	for i := range snap.Actions {
		if strings.EqualFold(snap.Actions[i].Name, name) {
			return snap.Actions[i].Name, true
		}
	}
	return name, len(snap.Actions) == 0 && isName(name)
}

// argKind returns the kind of positional arg i; the last kind repeats.
func argKind(kinds []ArgKind, i int) ArgKind {
	if len(kinds) == 0 {
		return ArgNone
	}
	return kinds[min(i, len(kinds)-1)]
}

// queueArg returns the positional arg that names a queue (queue remove
// QUEUE IFACE), to narrow member completion.
func queueArg(c *Command, args []string) string {
	for i, a := range args {
		if argKind(c.Args, i) == ArgQueue {
			return a
		}
	}
	return ""
}

func isFlag(v string) bool { return len(v) > 1 && v[0] == '-' }

func values(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.value
	}
	return out
}

func givenKey(given []string, key string) bool {
	for _, g := range given {
		if k, _, ok := strings.Cut(g, "="); ok && strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

func givenValue(given []string, key string) string {
	for _, g := range given {
		if k, v, ok := strings.Cut(g, "="); ok && strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}
