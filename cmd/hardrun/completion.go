package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"
)

// completionScripts complete hardrun's own commands, flags and profile
// names, and hand everything else to docker's completion: docker 28's is
// cobra's, which asks `${words[0]} __complete ...`, and hardrun passes
// `__complete` to the real docker unchanged, so `hardrun ps --<TAB>` (and
// `docker` through the alias or the PATH link) completes as docker.
var completionScripts = map[string]string{
	"bash": `# hardrun completion for bash: eval "$(hardrun completion bash)"
_hardrun_profiles() { hardrun profiles list 2>/dev/null | awk 'NR>1 {print $1}'; }
_hardrun() {
  local cur prev verb i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  for ((i=1; i<COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in -*) ;; *) verb="${COMP_WORDS[i]}"; break ;; esac
  done
  case "$prev" in
    --profile) COMPREPLY=($(compgen -W "$(_hardrun_profiles)" -f -- "$cur")); return ;;
    --profile-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  case "$verb" in
    "") if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --profile-dir --hardrun-version --help --version" -- "$cur")); return; fi
        COMPREPLY=($(compgen -W "run create explain verify audit profiles seccomp apparmor shell-init completion version help" -- "$cur"))
        if declare -F __start_docker >/dev/null; then local own=("${COMPREPLY[@]}"); __start_docker; COMPREPLY+=("${own[@]}"); fi
        return ;;
    explain|verify|audit) if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--profile --profile-dir --format" -- "$cur")); return; fi ;;
    profiles) COMPREPLY=($(compgen -W "list show validate schema diff $(_hardrun_profiles)" -- "$cur")); return ;;
    seccomp|apparmor) COMPREPLY=($(compgen -W "export install --profile" -- "$cur")); return ;;
    shell-init|completion) COMPREPLY=($(compgen -W "bash zsh fish --path" -- "$cur")); return ;;
  esac
  if declare -F __start_docker >/dev/null; then
    __start_docker
    case "$verb" in run|create) [[ "$cur" == --p* || "$cur" == --e* ]] && COMPREPLY+=($(compgen -W "--profile --profile-dir --explain" -- "$cur")) ;; esac
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "--profile --profile-dir --explain" -- "$cur"))
  fi
}
complete -o default -F _hardrun hardrun
`,
	"zsh": `# hardrun completion for zsh: eval "$(hardrun completion zsh)"
autoload -U +X bashcompinit && bashcompinit
`,
	"fish": `# hardrun completion for fish: hardrun completion fish | source
function __hardrun_profiles; hardrun profiles list 2>/dev/null | awk 'NR>1 {print $1}'; end
set -l own run create explain verify audit profiles seccomp apparmor shell-init completion
complete -c hardrun -n "not __fish_seen_subcommand_from $own" -a "$own"
complete -c hardrun -l profile -r -a "(__hardrun_profiles)" -d "security profile"
complete -c hardrun -l profile-dir -r -F -d "extra profile directory"
complete -c hardrun -l hardrun-version -d "hardrun's own version"
complete -c hardrun -n "__fish_seen_subcommand_from run" -l explain -d "print what the profile changes"
complete -c hardrun -n "__fish_seen_subcommand_from explain verify audit" -l format -r -a "text json docker"
complete -c hardrun -n "__fish_seen_subcommand_from profiles" -a "list show validate schema diff (__hardrun_profiles)"
complete -c hardrun -n "__fish_seen_subcommand_from shell-init completion" -a "bash zsh fish"
# everything else: docker's completion, when fish has it
complete -c hardrun -w docker
`,
}

func (a *app) completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "Print a shell completion script: hardrun's commands, flags and profiles; docker's completion for the rest",
		ArgsUsage: "bash|zsh|fish",
		Action: func(_ context.Context, cmd *cli.Command) error {
			shell := cmd.Args().First()
			s, ok := completionScripts[shell]
			if !ok {
				return fmt.Errorf("completion: unknown shell %q: use bash, zsh or fish", shell)
			}
			if shell == "zsh" {
				s += completionScripts["bash"]
			}
			fmt.Fprint(a.stdout, s)
			return nil
		},
	}
}
