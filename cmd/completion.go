package cmd

import (
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newCmdCompletion) }

// completionShells are the shells cobra writes completion scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// newCmdCompletion replaces cobra's default completion command (cobra adds
// its own only when the tree has none), so its help says how to install the
// script and its errors are usage errors. The script calls back into amsh
// (the hidden __complete command), which is where the live values come from:
// see registerCompletions.
func newCmdCompletion(f *Factory) *cobra.Command {
	var noDesc bool
	c := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes your shell complete amsh's subcommands and flags,
and live values from the server: profile names, channels, queues, queue
members, endpoints, action names and each action's parameters. Completing a
live value logs in with the profile in use, for at most about a second; when
the server cannot be reached it offers nothing and says nothing.

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
			if len(args) != 1 {
				return usageErrorf("%s: name one shell: bash, zsh, fish or powershell", c.CommandPath())
			}
			for _, sh := range completionShells {
				if args[0] == sh {
					return nil
				}
			}
			return usageErrorf("%s %q: unknown shell; want bash, zsh, fish or powershell", c.CommandPath(), args[0])
		},
		RunE: func(c *cobra.Command, args []string) error {
			root, out := c.Root(), f.IO.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(out)
				}
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, !noDesc)
			default:
				if noDesc {
					return root.GenPowerShellCompletion(out)
				}
				return root.GenPowerShellCompletionWithDesc(out)
			}
		},
	}
	c.Flags().BoolVar(&noDesc, "no-descriptions", false, "leave out the descriptions shown beside candidates")
	return c
}
