// The small POSIX sh scripts exec-check runs inside a container besides the /proc dump, and the parsers of
// what they print: which tools the image has, a command run under strace, the #! lines of traced files,
// and `nvidia-smi -L`. Pure: the live source runs them, the simulator recognises them.
import { STRACE_ARGS } from './strace.js';

/** Package managers in the order an image is likelier to be driven by (microdnf images also carry rpm). */
export const PACKAGE_MANAGERS = ['apt-get', 'apk', 'dnf', 'microdnf', 'yum', 'zypper', 'pacman'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

const STRACE_INSTALL: Record<PackageManager, string> = {
  'apt-get': 'apt-get update && apt-get install -y strace',
  apk: 'apk add --no-cache strace',
  dnf: 'dnf install -y strace',
  microdnf: 'microdnf install -y strace',
  yum: 'yum install -y strace',
  zypper: 'zypper --non-interactive install strace',
  pacman: 'pacman -Sy --noconfirm strace',
};

/** /etc/os-release ID (or ID_LIKE) → its package manager, for images that ship the OS file but no manager on PATH. */
const MANAGER_OF_OS: Record<string, PackageManager> = {
  debian: 'apt-get',
  ubuntu: 'apt-get',
  alpine: 'apk',
  fedora: 'dnf',
  rhel: 'dnf',
  centos: 'yum',
  rocky: 'dnf',
  almalinux: 'dnf',
  amzn: 'yum',
  opensuse: 'zypper',
  'opensuse-leap': 'zypper',
  sles: 'zypper',
  arch: 'pacman',
};

/** Prints `@@strace PATH`, `@@pm NAME` per package manager on PATH, then /etc/os-release. */
export const TOOLS_PROBE_SCRIPT = [
  "printf '@@strace %s\\n' \"$(command -v strace 2>/dev/null)\"",
  `for m in ${PACKAGE_MANAGERS.join(' ')}; do command -v "$m" >/dev/null 2>&1 && printf '@@pm %s\\n' "$m"; done`,
  "printf '@@os-release\\n'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null",
  'exit 0',
].join('\n');

export interface ContainerTools {
  /** Where strace is, when the image has it. */
  strace?: string;
  packageManagers: PackageManager[];
  /** os-release fields: ID, ID_LIKE, VERSION_ID, PRETTY_NAME. */
  os: Record<string, string>;
}

export function parseToolsProbe(text: string): ContainerTools {
  const tools: ContainerTools = { packageManagers: [], os: {} };
  const [head = '', osRelease = ''] = text.split('@@os-release\n');
  for (const line of head.split('\n')) {
    const strace = /^@@strace (\S.*)$/.exec(line);
    if (strace) tools.strace = strace[1]!.trim();
    const pm = /^@@pm (\S+)$/.exec(line)?.[1];
    if (pm && (PACKAGE_MANAGERS as readonly string[]).includes(pm)) tools.packageManagers.push(pm as PackageManager);
  }
  for (const line of osRelease.split('\n')) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
    if (m) tools.os[m[1]!] = m[3]!;
  }
  return tools;
}

/** The shell line that installs strace in this image; undefined when nothing says how. */
export function straceInstallLine(tools: ContainerTools): string | undefined {
  const fromOs = [tools.os.ID, ...(tools.os.ID_LIKE?.split(/\s+/) ?? [])].map((id) => (id ? MANAGER_OF_OS[id] : undefined)).find(Boolean);
  const manager = tools.packageManagers[0] ?? fromOs;
  return manager ? STRACE_INSTALL[manager] : undefined;
}

export function osName(tools: ContainerTools): string | undefined {
  return tools.os.PRETTY_NAME || [tools.os.ID, tools.os.VERSION_ID].filter(Boolean).join(' ') || undefined;
}

/**
 * Runs `$2…` under strace for at most `$1` seconds: the trace goes to stdout (piped to fd 3 through
 * `-o '|cat >&3'`: reopening /dev/fd/3 fails when stdout is a socket), the program's own output to
 * stderr. When time is up, strace and every process below it are killed (found through
 * /proc/PID/stat), so a server started for the trace does not outlive it.
 */
export const STRACE_RUN_SCRIPT = [
  't=$1; shift',
  `strace ${STRACE_ARGS.join(' ')} -o '|cat >&3' -- "$@" 3>&1 1>&2 &`,
  's=$!',
  'children() { for d in /proc/[0-9]*; do read -r l < "$d/stat" 2>/dev/null || continue; l=${l##*) }; set -- "$1" $l; [ "$3" = "$1" ] && echo "${d#/proc/}"; done; }',
  'kill_tree() { for c in $(children "$1"); do kill_tree "$c"; done; kill -KILL "$1" 2>/dev/null; }',
  '( sleep "$t"; kill_tree "$s" ) >/dev/null 2>&1 &',
  'w=$!',
  'wait "$s"; rc=$?',
  'kill "$w" 2>/dev/null',
  'exit "$rc"',
].join('\n');

/** `sh -c STRACE_RUN_SCRIPT sh SECONDS CMD…` */
export function straceRunCommand(command: string[], timeoutMs: number): string[] {
  return ['sh', '-c', STRACE_RUN_SCRIPT, 'sh', String(Math.max(1, Math.ceil(timeoutMs / 1000))), ...command];
}

/** Prints `PATH<TAB>first line` for each file given: a script's #! names the program that really runs. */
export const SHEBANG_SCRIPT = 'for f; do l=; IFS= read -r l < "$f" 2>/dev/null; case "$l" in "#!"*) printf \'%s\\t%s\\n\' "$f" "$l";; esac; done; exit 0';

/** `#!/usr/bin/env bash` → bash; `#!/bin/zsh -l` → /bin/zsh; undefined for anything else. */
export function shebangInterpreter(firstLine: string): string | undefined {
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
  if (!m) return undefined;
  return m[1]!.endsWith('/env') && m[2] ? m[2] : m[1];
}

export function parseShebangs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const interpreter = shebangInterpreter(line.slice(tab + 1));
    if (interpreter) out.set(line.slice(0, tab), interpreter);
  }
  return out;
}

/** What `nvidia-smi -L` showed inside the container, or why it could not. */
export interface GpuListing {
  /** `GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-…)` and MIG lines, as printed. */
  lines: string[];
  gpus: number;
  /** Set when nvidia-smi failed or is missing: the cause in words. */
  error?: string;
}

export function parseGpuListing(stdout: string, exitCode: number | undefined, stderr = ''): GpuListing {
  const lines = stdout.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  const gpus = lines.filter((l) => /^GPU \d+:/.test(l)).length;
  if (exitCode === 0 && gpus > 0) return { lines, gpus };
  const output = [...lines, ...stderr.split('\n').map((l) => l.trim()).filter(Boolean)];
  if (output.some((l) => /executable file not found|nvidia-smi: (command )?not found|no such file or directory/i.test(l)) || exitCode === 127) {
    return { lines: [], gpus: 0, error: 'nvidia-smi is not in the container (the NVIDIA runtime did not mount it, or the stack ships its own elsewhere)' };
  }
  const cause = output.find((l) => !/^\s*$/.test(l)) ?? `exit code ${exitCode}`;
  return { lines: [], gpus: 0, error: exitCode === 0 ? 'nvidia-smi -L listed no GPU' : `nvidia-smi -L failed (exit code ${exitCode}): ${cause}` };
}

/**
 * Run in a probe pod (hostPID, the host's / at /host) as `sh -c HOST_TRACE_SCRIPT sh CONTAINER_ID SECONDS`:
 * finds the container's first process on the host (crictl inspect, else the /proc/PID/cgroup naming the
 * container ID, lowest PID) and attaches the host's strace to it and its children for SECONDS. Prints
 * `@@pid PID` then the trace; `@@no-strace` and the host's os-release when the host has no strace;
 * `@@no-pid` when the container has no process on this node.
 */
export const HOST_TRACE_SCRIPT = [
  'id=$1; t=$2',
  // k3s and RKE2 keep crictl (and often strace's neighbours) off the default PATH.
  'P=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/var/lib/rancher/k3s/data/current/bin:/var/lib/rancher/rke2/bin',
  `if ! chroot /host env PATH="$P" sh -c 'command -v strace' >/dev/null 2>&1; then printf '@@no-strace\\n@@os-release\\n'; cat /host/etc/os-release 2>/dev/null || cat /host/usr/lib/os-release 2>/dev/null; exit 0; fi`,
  `pid=$(chroot /host env PATH="$P" crictl inspect --output go-template --template '{{.info.pid}}' "$id" 2>/dev/null)`,
  'case "$pid" in ""|0|*[!0-9]*) pid=',
  '  for f in /host/proc/[0-9]*/cgroup; do grep -q "$id" "$f" 2>/dev/null || continue; p=${f#/host/proc/}; p=${p%/cgroup}; if [ -z "$pid" ] || [ "$p" -lt "$pid" ]; then pid=$p; fi; done;;',
  'esac',
  `[ -n "$pid" ] || { printf '@@no-pid\\n'; exit 0; }`,
  `printf '@@pid %s\\n' "$pid"`,
  'if command -v timeout >/dev/null 2>&1; then T="timeout $t"; else T=""; fi',
  // strace writes the trace to stderr; SIGTERM from timeout detaches it and leaves the container running.
  `$T chroot /host env PATH="$P" strace ${STRACE_ARGS.join(' ')} -p "$pid" 2>&1`,
  'exit 0',
].join('\n');

/** `sh -c HOST_TRACE_SCRIPT sh CONTAINER_ID SECONDS` */
export function hostTraceCommand(containerId: string, timeoutMs: number): string[] {
  return ['sh', '-c', HOST_TRACE_SCRIPT, 'sh', containerId, String(Math.max(1, Math.ceil(timeoutMs / 1000)))];
}

export type HostTraceOutput = { kind: 'no-strace'; tools: ContainerTools } | { kind: 'no-pid' } | { kind: 'trace'; pid: number; trace: string };

export function parseHostTraceOutput(text: string): HostTraceOutput | undefined {
  if (text.startsWith('@@no-strace\n')) return { kind: 'no-strace', tools: parseToolsProbe(text.slice('@@no-strace\n'.length)) };
  if (text.startsWith('@@no-pid')) return { kind: 'no-pid' };
  const m = /^@@pid (\d+)\n/.exec(text);
  return m ? { kind: 'trace', pid: Number(m[1]), trace: text.slice(m[0].length) } : undefined;
}
