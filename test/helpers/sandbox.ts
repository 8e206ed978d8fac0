// A sandbox for `gpuctl install`: recording stand-ins first on PATH (test/standins), a fake host root, and
// only a handful of real tools (sh, sed, tee, node, containerd…) — a command without a stand-in is "not found",
// so a test can never reach the real apt-get or systemctl.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gpuctl, ROOT, type CliResult } from './cli.js';

const STANDINS = path.join(ROOT, 'test/standins');

/** Real programs the stand-ins, gpuctl and the node probe script need. */
const REAL_TOOLS = [
  'sh', 'sed', 'tee', 'cat', 'grep', 'mkdir', 'sleep', 'basename', 'dirname', 'sort', 'head', 'tail', 'rm', 'ls',
  'mktemp', 'timeout', 'uname', 'printf', 'cut', 'tr', 'env', 'node', 'hostname', 'kill', 'test', 'chmod',
];

export interface Sandbox {
  dir: string;
  bin: string;
  state: string;
  root: string;
  env: Record<string, string>;
  /** Every stand-in call so far, argv[0] first. */
  calls(): Promise<string[][]>;
  /** The calls that change something (installs, writes, restarts, helm upgrade…). */
  mutating(): Promise<string[][]>;
  put(rootRelative: string, text: string): Promise<void>;
  read(rootRelative: string): Promise<string | undefined>;
  stateFile(name: string, text: string): Promise<void>;
  clearState(name: string): Promise<void>;
  /** Make NAME fail with CODE and STDERR when its "NAME ARGS" matches PATTERN. */
  failOn(name: string, pattern: string, code: number, stderr: string): Promise<void>;
  /** Send gpuctl SIGINT while NAME runs with arguments matching PATTERN. */
  interruptOn(name: string, pattern: string): Promise<void>;
  clearLog(): Promise<void>;
  /** Take a stand-in off PATH: the program is then not installed. */
  removeStandin(name: string): Promise<void>;
  cluster(): Promise<ClusterState>;
  setCluster(patch: Partial<ClusterState>): Promise<void>;
  run(args: string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export interface ClusterState {
  repos: { name: string; url: string }[];
  releases: { name: string; namespace: string; status: string; chart: string; values: Record<string, unknown>; labels: Record<string, string>; revision?: string }[];
  nodes: unknown[];
  objects: { kind: string; metadata: { name: string; labels?: Record<string, string> } }[];
  pods: unknown[];
  serverVersion: string;
  helmVersion: string;
}

/** Which argv counts as a change, judged independently of gpuctl's own labels. */
export function isMutatingCall(argv: string[]): boolean {
  const [cmd, a, b] = argv;
  switch (cmd) {
    case 'apt-get':
      return a === 'install' || a === 'update' || a === 'remove';
    case 'apt-mark':
      return a === 'hold' || a === 'unhold';
    case 'ubuntu-drivers':
      return a === 'install';
    case 'nvidia-ctk':
      return a === 'runtime' && b === 'configure';
    case 'systemctl':
      return a === 'restart' || a === 'start' || a === 'stop';
    case 'gpg':
    case 'update-initramfs':
    case 'dracut':
      return true;
    case 'curl':
      return false; // downloads to stdout; the write is the gpg/tee after it
    case 'dnf':
      return true;
    case 'helm':
      return ['upgrade', 'install', 'uninstall'].includes(a!) || (a === 'repo' && (b === 'add' || b === 'update'));
    case 'kubectl':
      return argv.some((x) => ['apply', 'label', 'delete', 'create', 'patch'].includes(x));
    default:
      return false;
  }
}

export async function makeSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-install-'));
  const bin = path.join(dir, 'bin');
  const real = path.join(dir, 'real');
  const state = path.join(dir, 'state');
  const root = path.join(dir, 'root');
  await Promise.all([bin, real, state, root].map((d) => mkdir(d, { recursive: true })));
  for (const name of await readdir(STANDINS)) {
    if (name.endsWith('.mjs')) continue;
    await copyFile(path.join(STANDINS, name), path.join(bin, name));
    await chmod(path.join(bin, name), 0o755);
  }
  for (const tool of REAL_TOOLS) {
    const found = which(tool);
    if (found?.startsWith('/')) await symlink(found, path.join(real, tool));
  }
  const env = {
    PATH: `${bin}:${real}`,
    STANDIN_STATE: state,
    STANDIN_LIB: STANDINS,
    STANDIN_REAL_CONTAINERD: which('containerd') ?? '/nonexistent/containerd',
    GPUCTL_HOST_ROOT: root,
    GPUCTL_INSTALL_POLL_MS: '50',
    HOME: dir,
    NO_COLOR: '1',
  };
  const calls = async () =>
    ((await readFile(path.join(state, 'log'), 'utf8').catch(() => '')) as string)
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\x1f'));
  const stateFile = async (name: string, text: string) => {
    await mkdir(path.dirname(path.join(state, name)), { recursive: true });
    await writeFile(path.join(state, name), text);
  };
  const sandbox: Sandbox = {
    dir,
    bin,
    state,
    root,
    env,
    calls,
    mutating: async () => (await calls()).filter(isMutatingCall),
    put: async (rel, text) => {
      const file = path.join(root, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    },
    read: (rel) => readFile(path.join(root, rel), 'utf8').catch(() => undefined),
    stateFile,
    clearState: (name) => rm(path.join(state, name), { force: true, recursive: true }),
    failOn: (name, pattern, code, stderr) => stateFile(`fail/${name}`, `${pattern}\n${code}\n${stderr}\n`),
    interruptOn: (name, pattern) => stateFile(`sigint/${name}`, `${pattern}\n`),
    clearLog: () => rm(path.join(state, 'log'), { force: true }),
    removeStandin: (name) => rm(path.join(bin, name), { force: true }),
    cluster: async () => JSON.parse(await readFile(path.join(state, 'cluster.json'), 'utf8').catch(() => '{}')) as ClusterState,
    setCluster: async (patch) => {
      const current = JSON.parse(await readFile(path.join(state, 'cluster.json'), 'utf8').catch(() => '{}')) as object;
      await writeFile(path.join(state, 'cluster.json'), JSON.stringify({ ...current, ...patch }, null, 2));
    },
    run: (args) => gpuctl(args, env),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  return sandbox;
}

/** The real kubectl, for the tests of `install --cluster` against the API simulator; '' where it is not installed. */
export const REAL_KUBECTL = which('kubectl') ?? '';

/**
 * `install --cluster` against the API simulator through the real kubectl (REAL_KUBECTL): kubectl's stand-in
 * replaced, and helm's side holding the GPU Operator release gpuctl installed earlier, with the values the
 * run derives. Returns the kubeconfig to pass.
 */
export async function clusterWithOperatorRelease(sb: Sandbox, writeKubeconfig: (file: string) => Promise<unknown>): Promise<string> {
  const kubeconfig = path.join(sb.dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig);
  await sb.removeStandin('kubectl');
  await symlink(REAL_KUBECTL, path.join(sb.dir, 'real', 'kubectl'));
  await sb.setCluster({
    repos: [{ name: 'nvidia', url: 'https://helm.ngc.nvidia.com/nvidia' }],
    releases: [
      {
        name: 'gpu-operator',
        namespace: 'gpu-operator',
        status: 'deployed',
        chart: 'gpu-operator-v25.3.0',
        values: { driver: { enabled: false }, toolkit: { enabled: false } },
        labels: { 'installed-by': 'gpuctl' },
      },
    ],
  });
  return kubeconfig;
}

/** A program's path on this machine's PATH, if it is there. */
export function which(tool: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const LSPCI_RTX3060 = '2f:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA106 [GeForce RTX 3060 Lite Hash Rate] [10de:2504] (rev a1)\n2f:00.1 Audio device [0403]: NVIDIA Corporation GA106 High Definition Audio Controller [10de:228e] (rev a1)\n';
export const LSPCI_NO_GPU = '00:00.0 Host bridge [0600]: Intel Corporation 440FX - 82441FX PMC [Natoma] [8086:1237] (rev 02)\n00:02.0 VGA compatible controller [0300]: Device [1234:1111] (rev 02)\n';
export const UBUNTU_2204 = 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n';
export const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
export const ROCKY_9 = 'NAME="Rocky Linux"\nVERSION="9.4 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n';
export const ALPINE = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n';

/** A GPU node as a fresh Ubuntu install leaves it: a GPU, containerd running with its default config, no driver. */
export async function freshUbuntuGpuNode(sb: Sandbox, options: { containerdConfig?: string } = {}): Promise<void> {
  await sb.put('etc/os-release', UBUNTU_2204);
  await sb.put('proc/modules', 'overlay 151552 0 - Live 0x0000000000000000\nbr_netfilter 32768 0 - Live 0x0000000000000000\n');
  await sb.stateFile('lspci', LSPCI_RTX3060);
  await sb.stateFile('units/containerd', 'active\n');
  await sb.put('etc/containerd/config.toml', options.containerdConfig ?? defaultContainerdConfig());
}

/** `containerd config default` of the containerd installed here, with SystemdCgroup on as kubeadm wants. */
export function defaultContainerdConfig(): string {
  const real = which('containerd');
  const text = real ? execFileSync(real, ['config', 'default'], { encoding: 'utf8' }) : 'version = 2\n';
  return text.replace('SystemdCgroup = false', 'SystemdCgroup = true');
}

export function gpuNode(name: string, labels: Record<string, string> = {}, runtime = 'containerd://1.7.12'): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'feature.node.kubernetes.io/pci-10de.present': 'true', ...labels } },
    status: { nodeInfo: { kubeletVersion: 'v1.28.4', containerRuntimeVersion: runtime }, capacity: {}, allocatable: {} },
  };
}
