package cmd

import (
	"slices"

	"github.com/spf13/cobra"
)

// completionShells are the shells cobra writes completion scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// CompletionOptions are what `amsh completion` needs.
type CompletionOptions struct {
	IO             *IOStreams
	Root           *cobra.Command // the tree to complete; set when the command runs
	Shell          string         // bash, zsh, fish or powershell
	NoDescriptions bool
}

// NewCmdCompletion replaces cobra's default completion command (cobra adds
// its own only when the tree has none), so its help says how to install the
// script and its errors are usage errors. The script calls back into amsh
// (the hidden __complete command), which is where the live values come from:
// see registerCompletions.
func NewCmdCompletion(f *Factory, runF func(*CompletionOptions) error) *cobra.Command {
	opts := &CompletionOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes your shell complete amsh's subcommands and flags,
and live values from the server: profile names, channels, queues, queue
members, endpoints, action names and each action's parameters. Completing a
live value logs in with the profile in use, for at most about a second; when
the server cannot be reached it offers nothing and says nothing. With
several profiles (-p pbx1,pbx2, a glob, a group, --all) every one is asked
at once within that second and their values are merged, each described by
the profiles that have it (amsh -p pbx1,pbx2 hangup <Tab>); -p itself
completes profiles and groups, in a comma list.

Bash (needs the bash-completion package):
  this shell only:   source <(amsh completion bash)
  every new shell:   amsh completion bash > ~/.local/share/bash-completion/completions/amsh
  system-wide:       amsh completion bash | sudo tee /etc/bash_completion.d/amsh >/dev/null

Zsh:
  completion must be on; if it is not, add this to ~/.zshrc first:
                     autoload -U compinit; compinit
  every new shell:   amsh completion zsh > "${fpath[1]}/_amsh"
  this shell only:   source <(amsh completion zsh)

Fish:
  this shell only:   amsh completion fish | source
  every new shell:   amsh completion fish > ~/.config/fish/completions/amsh.fish

PowerShell:
  this shell only:   amsh completion powershell | Out-String | Invoke-Expression
  every new shell:   add the line above to your profile ($PROFILE)

Start a new shell after installing a script for every new shell.`,
		Example: `  source <(amsh completion bash)
  amsh completion zsh > "${fpath[1]}/_amsh"`,
		ValidArgs:             completionShells,
		DisableFlagsInUseLine: true,
		Args: func(c *cobra.Command, args []string) error {
			if err := argsBetween(1, 1)(c, args); err != nil {
				return err
			}
			if !slices.Contains(completionShells, args[0]) {
				return usageErrorf("completion: unknown shell %q; want bash, zsh, fish or powershell", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Root, opts.Shell = c.Root(), args[0]
			if runF != nil {
				return runF(opts)
			}
			return completionRun(opts)
		},
	}
	c.Flags().BoolVar(&opts.NoDescriptions, "no-descriptions", false, "leave out the descriptions shown beside candidates")
	return c
}

// completionRun writes the completion script for opts.Shell.
func completionRun(opts *CompletionOptions) error {
	root, out, desc := opts.Root, opts.IO.Out, !opts.NoDescriptions
	switch opts.Shell {
	case "bash":
		return root.GenBashCompletionV2(out, desc)
	case "zsh":
		if !desc {
			return root.GenZshCompletionNoDesc(out)
		}
		return root.GenZshCompletion(out)
	case "fish":
		return root.GenFishCompletion(out, desc)
	default:
		if !desc {
			return root.GenPowerShellCompletion(out)
		}
		return root.GenPowerShellCompletionWithDesc(out)
	}
}
