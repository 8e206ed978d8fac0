// How the user invoked gpuctl, for every command a report or an error suggests: `kubectl gpuctl …` when kubectl
// ran us as its plugin (bin/kubectl-gpuctl sets GPUCTL_KUBECTL_PLUGIN), else `gpuctl …`.

export function invokedAs(env: NodeJS.ProcessEnv = process.env): string {
  return env.GPUCTL_KUBECTL_PLUGIN ? 'kubectl gpuctl' : 'gpuctl';
}

/** A gpuctl command line as the user would type it: gpuctlCommand('checks') → "kubectl gpuctl checks" in plugin mode. */
export function gpuctlCommand(rest: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${invokedAs(env)} ${rest}`;
}
