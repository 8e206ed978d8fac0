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

/** Candidates for the last word, given all words after `gpuctl`; `--flag=val` completes the value after the `=`. */
export async function complete(program: Command, words: string[]): Promise<string[]> {
  const inline = /^(--?[A-Za-z][\w-]*)=(.*)$/s.exec(words.at(-1) ?? '');
  if (inline) {
    const values = await complete(program, [...words.slice(0, -1), inline[1]!, inline[2]!]);
    return values.map((v) => `${inline[1]}=${v}`);
  }
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
  if (previous === '-n' || previous === '--namespace') return filter(await clusterNames(words, 'namespaces'));
  const option = [...sub.options, ...globals].find((o) => o.long === previous || o.short === previous);
  if (option?.argChoices) return filter(option.argChoices);
  if (option && option.required) return []; // a value the shell completes (files) or the user types
  if (current.startsWith('-')) return filter([...sub.options, ...globals].flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)));
  if (sub.name() === 'explain') return filter(checkWords.filter((w) => ALL_CHECKS.some((c) => c.name === w)));
  if (sub.name() === 'completion') return filter(['bash', 'zsh', 'fish']);
  // exec-check's first argument is a pod: only while no pod was typed yet.
  if (sub.name() === 'exec-check' && !positionalAfter(before, 'exec-check', sub)) return filter(await clusterNames(words, 'pods'));
  return [];
}

/**
 * Cobra's completion protocol, which kubectl (1.26+) speaks with a plugin's `kubectl_complete-NAME`: one
 * candidate a line, then `:DIRECTIVE` — 4 (no file completion) unless the word is a flag's free value
 * (--snapshot, --kubeconfig, -f …), where 0 lets the shell complete file names.
 */
export async function completeCobra(program: Command, words: string[]): Promise<string> {
  const candidates = await complete(program, words);
  const previous = words.at(-2);
  const commands = program.commands;
  const sub = commands.find((c) => words.slice(0, -1).includes(c.name()));
  const option = [...(sub?.options ?? []), ...program.options].find((o) => o.long === previous || o.short === previous);
  const freeValue = candidates.length === 0 && !!option && option.required && !option.argChoices;
  return [...candidates, `:${freeValue ? 0 : 4}`].join('\n') + '\n';
}

/** Whether a positional argument already follows the subcommand (skipping options and their values). */
function positionalAfter(words: string[], command: string, sub: Command): boolean {
  const rest = words.slice(words.indexOf(command) + 1);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '--') return true;
    if (!word.startsWith('-')) return true;
    const option = sub.options.find((o) => o.long === word || o.short === word);
    if (option && (option.required || option.optional) && !word.includes('=')) i++;
  }
  return false;
}

/** How long completion may wait for the cluster: a shell must never hang on TAB. */
const CLUSTER_TIMEOUT_MS = 1500;

/**
 * Namespaces, or pods of the namespace given with -n (else the context's), from the cluster when it answers
 * within the time limit; nothing otherwise. Honours --kubeconfig and --context typed on the line.
 */
export async function clusterNames(words: string[], what: 'namespaces' | 'pods'): Promise<string[]> {
  const valueOf = (...flags: string[]) => {
    const i = words.findIndex((w) => flags.includes(w));
    return i >= 0 && i + 1 < words.length - 1 ? words[i + 1] : undefined;
  };
  try {
    const { connectLive } = await import('../sources/live/connect.js');
    const session = await connectLive({ kubeconfig: valueOf('--kubeconfig'), context: valueOf('--context'), requestTimeoutMs: CLUSTER_TIMEOUT_MS });
    try {
      const namespace = valueOf('-n', '--namespace') ?? session.namespace;
      const path = what === 'namespaces' ? '/api/v1/namespaces' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
      // Names only: metadata-only lists keep a big namespace cheap.
      const res = await session.client.getJson<{ items?: { metadata?: { name?: string } }[] }>(
        `${path}?limit=500`,
        'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
      );
      return (res.value?.items ?? []).map((i) => i.metadata?.name ?? '').filter(Boolean);
    } finally {
      session.close();
    }
  } catch {
    return []; // unreachable cluster, no kubeconfig: complete nothing, print nothing
  }
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
