// Commands gpuctl runs on the machine it runs on (the operator's workstation, not a node), as data: what
// a check's `local-command:NAME` need may name. The runner is src/sources/local-commands.ts.

export interface LocalCommand {
  name: string;
  argv: [string, ...string[]];
  why: string;
}

export const LOCAL_COMMANDS = localCommands([
  { name: 'helm-version', argv: ['helm', 'version', '--short'], why: 'Kantaloupe needs Helm 3.14 or newer' },
]);

/** The name of a command gpuctl runs where it runs: what a check's `local-command:NAME` need may name. */
export type LocalCommandName = (typeof LOCAL_COMMANDS)[number]['name'];

function localCommands<const N extends string>(commands: (LocalCommand & { name: N })[]): (LocalCommand & { name: N })[] {
  return commands;
}
