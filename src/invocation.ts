// How the user invoked gpuctl, for every command a report or an error suggests: `kubectl gpuctl …` when kubectl
// ran us as its plugin (bin/kubectl-gpuctl sets GPUCTL_KUBECTL_PLUGIN), else `gpuctl …`.

export function invokedAs(env: NodeJS.ProcessEnv = process.env): string {
  return env.GPUCTL_KUBECTL_PLUGIN ? 'kubectl gpuctl' : 'gpuctl';
}

/** A gpuctl command line as the user would type it: gpuctlCommand('checks') → "kubectl gpuctl checks" in plugin mode. */
export function gpuctlCommand(rest: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${invokedAs(env)} ${rest}`;
}

/**
 * Text with every `gpuctl SUBCOMMAND` written as the user invoked gpuctl: in plugin mode `kubectl gpuctl
 * SUBCOMMAND`. Only the word gpuctl standing alone before a subcommand (or --help/--version) counts: not
 * kubectl-gpuctl, paths (/tmp/gpuctl-x), labels (installed-by=gpuctl --set …) or text already saying kubectl gpuctl.
 */
export function asInvoked(text: string, subcommands: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  if (!env.GPUCTL_KUBECTL_PLUGIN || subcommands.length === 0) return text;
  const words = [...subcommands.map(escapeRegExp), '--help', '--version'].join('|');
  return text.replace(new RegExp(`(?<![\\w./=@:-])(?<!kubectl )gpuctl(?= (?:${words})(?![\\w-]))`, 'g'), 'kubectl gpuctl');
}

/** The one place plugin mode rewrites output: whatever gpuctl writes to this stream passes through asInvoked. */
export function writeAsInvoked(stream: NodeJS.WriteStream, subcommands: readonly string[]): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? asInvoked(chunk, subcommands) : chunk, ...rest)) as typeof stream.write;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
