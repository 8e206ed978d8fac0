// A failed command's output, read for the known causes: what it means and what to do.
import type { Phase } from './types.js';

export interface Diagnosis {
  code: string;
  hint: string;
  /** Commands or steps a person follows, one a line. */
  route?: string[];
}

const NETWORK =
  /Could not resolve host|Temporary failure resolving|Failed to fetch|Network is unreachable|Connection timed out|Could not connect to|Connection refused|no such host|i\/o timeout|TLS handshake timeout|Failed to connect to|Curl error \(6\)|Cannot find a valid baseurl/i;

const APT_OFFLINE = [
  '# on a machine with network and the same OS release:',
  'apt-get install --download-only -y PACKAGES        # the .deb files land in /var/cache/apt/archives/',
  '# copy them to this node, then:',
  'sudo apt-get install -y ./*.deb',
  '# or point apt at a local mirror: a deb line in /etc/apt/sources.list.d/local.list, then apt-get update',
  'gpuctl install                                      # again: the steps already satisfied are skipped',
];

const HELM_OFFLINE = [
  '# on a machine with network:',
  'helm pull REPO/CHART --version VERSION              # e.g. helm pull nvidia/gpu-operator --version v25.3.0',
  '# copy the .tgz here (and mirror the images to a registry the nodes can reach), then:',
  'gpuctl install --cluster --chart COMPONENT=./CHART-VERSION.tgz',
];

export function diagnose(output: string, phase: Phase, timedOut: boolean, timeoutMs?: number): Diagnosis | undefined {
  if (timedOut) {
    return { code: 'command-timeout', hint: `the command did not finish within ${Math.round((timeoutMs ?? 0) / 1000)}s; raise the limit with --command-timeout, or look for what it waits on` };
  }
  if (/Could not get lock|Unable to acquire the dpkg frontend lock|is another process using it/i.test(output)) {
    const pid = /held by process (\d+)(?: \(([^)]+)\))?/.exec(output);
    return {
      code: 'apt-locked',
      hint: `apt is locked by another process${pid ? ` (${pid[1]}${pid[2] ? `, ${pid[2]}` : ''})` : ''}: wait for it to finish, then run gpuctl install again; do not delete the lock file`,
      ...(pid ? { route: [`ps -o pid,etime,cmd -p ${pid[1]}`] } : {}),
    };
  }
  if (/Unable to locate package nvidia-container-toolkit/.test(output)) {
    return { code: 'toolkit-repo-missing', hint: 'apt does not know the toolkit repository: check /etc/apt/sources.list.d/nvidia-container-toolkit.list and run apt-get update' };
  }
  if (/(Unable to locate package|has no installation candidate).*nvidia-driver\b|nvidia-driver.*has no installation candidate/.test(output)) {
    return {
      code: 'driver-package-missing',
      hint: 'apt has no nvidia-driver package: on Debian enable the contrib, non-free and non-free-firmware components in /etc/apt/sources.list and run apt-get update',
    };
  }
  if (NETWORK.test(output)) {
    return phase === 'host'
      ? { code: 'no-network', hint: 'this node cannot reach the package repositories; use the offline route', route: APT_OFFLINE }
      : { code: 'no-network', hint: 'helm cannot reach the chart repository (or the cluster); install from a downloaded chart', route: HELM_OFFLINE };
  }
  if (/another operation \(install\/upgrade\/rollback\) is in progress/.test(output)) {
    return { code: 'release-busy', hint: 'a previous helm operation on this release did not finish: helm history RELEASE -n NAMESPACE, then helm rollback' };
  }
  if (/Kubernetes cluster unreachable|Unable to connect to the server|connection to the server .* was refused/i.test(output)) {
    return { code: 'cluster-unreachable', hint: 'the cluster is not reachable with this kubeconfig: kubectl get nodes must work' };
  }
  if (/forbidden|Unauthorized/i.test(output)) {
    return { code: 'forbidden', hint: 'the kubeconfig user may not do this: installing charts needs cluster-admin' };
  }
  return undefined;
}
