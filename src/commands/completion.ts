// Shell completion: small scripts that ask `gpuctl __complete WORDS…` for candidates.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ALL_CHECKS } from '../../checks/index.js';

export function completionScript(shell: 'bash' | 'zsh' | 'fish'): string {
  switch (shell) {
    case 'bash':
      return `# gpuctl bash completion: source <(gpuctl completion bash)
_gpuctl() {
  local IFS=$'\\n'
  COMPREPLY=($(gpuctl __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _gpuctl gpuctl
complete -o default -F _gpuctl kubectl-gpuctl
`;
    case 'zsh':
      return `#compdef gpuctl kubectl-gpuctl
# gpuctl zsh completion: source <(gpuctl completion zsh)
_gpuctl() {
  local -a candidates
  candidates=("\${(@f)$(gpuctl __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _gpuctl gpuctl kubectl-gpuctl
`;
    case 'fish':
      return `# gpuctl fish completion: gpuctl completion fish | source
function __gpuctl_complete
  set -l words (commandline -opc)[2..-1] (commandline -ct)
  gpuctl __complete $words 2>/dev/null
end
complete -c gpuctl -f -a '(__gpuctl_complete)'
complete -c kubectl-gpuctl -f -a '(__gpuctl_complete)'
`;
  }
}

/** Candidates for the last word, given all words after `gpuctl`. */
export async function complete(program: Command, words: string[]): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const commands = program.commands.filter((c) => !c.name().startsWith('__'));
  const sub = commands.find((c) => before.includes(c.name()));
  const previous = before.at(-1);
  const filter = (list: string[]) => list.filter((c) => c.startsWith(current));
  // Program-level options (--lang, --debug) are read after the subcommand too.
  const globals = program.options.filter((o) => o.long !== '--version');
  if (previous && !sub) {
    const global = globals.find((o) => o.long === previous);
    if (global?.argChoices) return filter(global.argChoices);
  }
  if (!sub) return filter(current.startsWith('-') ? ['--help', '--version', ...globals.map((o) => o.long!)] : commands.map((c) => c.name()));
  const checkWords = [...ALL_CHECKS.map((c) => c.name), ...new Set(ALL_CHECKS.map((c) => c.category))];
  if (previous === '--checks' || previous === '--skip') {
    // Comma lists: complete the last element.
    const head = current.slice(0, current.lastIndexOf(',') + 1);
    return checkWords.map((w) => head + w).filter((c) => c.startsWith(current));
  }
  if (previous === '--context') return filter(kubeconfigContexts());
  const option = [...sub.options, ...globals].find((o) => o.long === previous || o.short === previous);
  if (option?.argChoices) return filter(option.argChoices);
  if (option && option.required) return []; // a value the shell completes (files) or the user types
  if (current.startsWith('-')) return filter([...sub.options, ...globals].flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)));
  if (sub.name() === 'explain') return filter(checkWords.filter((w) => ALL_CHECKS.some((c) => c.name === w)));
  if (sub.name() === 'completion') return filter(['bash', 'zsh', 'fish']);
  return [];
}

/** Context names from KUBECONFIG (several files) or ~/.kube/config, without loading client-node. */
export function kubeconfigContexts(env = process.env): string[] {
  const files = (env.KUBECONFIG ?? path.join(homedir(), '.kube', 'config')).split(path.delimiter).filter(Boolean);
  const names = new Set<string>();
  for (const file of files) {
    try {
      const doc = parse(readFileSync(file, 'utf8')) as { contexts?: { name?: string }[] };
      for (const c of doc?.contexts ?? []) if (c.name) names.add(c.name);
    } catch {
      // completion must never print an error into the user's shell
    }
  }
  return [...names];
}
