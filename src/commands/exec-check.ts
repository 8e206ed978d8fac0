// `gpuctl exec-check`: does the injected GPU runtime reach the process that uses the GPU?
// In a pod (its /proc, or its command under strace), in a local command under strace, or in a saved trace.
import envDroppedByChild from '../../checks/env-dropped-by-child.js';
import injectionEnvMissing from '../../checks/injection-env-missing.js';
import shellDropsPreload from '../../checks/shell-drops-preload.js';
import type { Collection, ExecTrace } from '../collection/collection.js';
import { emptyCollection, logKey } from '../collection/collection.js';
import type { Report } from '../engine.js';
import { exitCodeOf, runChecks } from '../engine.js';
import { Facts } from '../facts/facts.js';
import { GpuctlError, UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { LiveSession } from '../sources/live/connect.js';
import type { ExecTarget } from '../sources/live/exec.js';
import { DEFAULT_PROBE_IMAGE, DEFAULT_PROBE_NAMESPACE } from '../sources/node-probe/pod-spec.js';
import type { GpuListing } from '../facts/container-probe.js';
import { osName, straceInstallLine } from '../facts/container-probe.js';
import type { ExecRecord } from '../facts/exec-tree.js';
import { commandLine, recordsFromProcesses } from '../facts/exec-tree.js';
import { chooseContainer, notRunningReason, runtimeContainerId, specCommand } from '../facts/exec-target.js';
import type { InjectionStack, InjectionStackId } from '../facts/injection.js';
import { detectPodStack, INJECTION_STACKS, stackById } from '../facts/injection.js';
import type { Pod } from '../collection/kube.js';
import { STRACE_ARGS } from '../facts/strace.js';
import type { WorkloadInjection } from '../facts/workload-injection.js';
import { stackFromEnv, workloadInjections } from '../facts/workload-injection.js';
import { orList } from '../stacks/derived.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { renderExecTree } from '../report/exec-tree.js';
import { renderReportJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { colourEnabled } from '../report/style.js';
import { renderText } from '../report/text.js';
import { terminalWidth, wrapText } from '../report/wrap.js';

export interface ExecCheckOptions {
  namespace?: string;
  container?: string;
  stack: 'auto' | InjectionStackId;
  output: 'text' | 'json' | 'markdown';
  local?: boolean;
  strace?: boolean;
  straceFromHost?: boolean;
  /** With --strace-from-host: print the kubectl debug commands instead of tracing. */
  printOnly?: boolean;
  probeImage?: string;
  probeNamespace?: string;
  probeTimeout?: string;
  traceFile?: string;
  timeout: string;
  lang?: Lang;
  kubeconfig?: string;
  context?: string;
  requestTimeout?: string;
  debug?: boolean;
}

export const INJECTION_CHECKS = [injectionEnvMissing, shellDropsPreload, envDroppedByChild];

/** What else the report shows besides the tree and the findings. */
interface Extras {
  /** Where the tree came from: "/proc" or the traced command. */
  source: string;
  gpus?: GpuListing;
  preloadFile?: string;
}

export async function execCheck(pod: string | undefined, command: string[], opts: ExecCheckOptions): Promise<number> {
  const modes = [opts.local && '--local', opts.traceFile && '--trace-file', opts.strace && '--strace', opts.straceFromHost && '--strace-from-host'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be used together`);
  if (opts.printOnly && !opts.straceFromHost) throw new UsageError('--print-only goes with --strace-from-host');
  if (opts.local) return execLocal(pod ? [pod, ...command] : command, opts);
  if (opts.traceFile) {
    if (pod) throw new UsageError('--trace-file reads a saved trace: give no pod');
    return execTraceFile(opts.traceFile, opts);
  }
  if (!pod) throw new UsageError('name the pod: gpuctl exec-check POD [-n NS] [-c CONTAINER] (or --local -- CMD…, --trace-file FILE)');
  if (command.length > 0 && !opts.strace) {
    throw new UsageError(`a command after the pod is what --strace runs: gpuctl exec-check ${pod} --strace -- ${command.join(' ')}`);
  }
  return execPod(pod, command, opts);
}

async function execLocal(command: string[], opts: ExecCheckOptions): Promise<number> {
  const { traceLocal } = await import('../sources/strace-local.js');
  const trace = await traceLocal(command, { timeoutMs: parseDuration(opts.timeout, '--timeout') });
  const code = judgeTrace(trace.records, command.join(' '), `local trace of ${command.join(' ')}`, opts);
  if (trace.timedOut) process.stderr.write(`gpuctl: warning: ${command[0]} was stopped after --timeout ${opts.timeout}; the trace is partial\n`);
  return code;
}

async function execTraceFile(file: string, opts: ExecCheckOptions): Promise<number> {
  const { readTraceFile } = await import('../sources/trace-file.js');
  const { records, unreadable } = await readTraceFile(file);
  if (unreadable.length > 0) process.stderr.write(`gpuctl: warning: ${unreadable.length} execve line(s) of ${file} could not be read\n`);
  return judgeTrace(records, file, `trace ${file}`, opts);
}

/** A local or saved trace: no pod, so the stack comes from --stack or from the first exec's environment. */
function judgeTrace(records: ExecRecord[], name: string, origin: string, opts: ExecCheckOptions): number {
  const detected = opts.stack === 'auto' ? stackFromEnv(records[0]?.env) : { stack: stackById(opts.stack), evidence: '--stack' };
  if (!detected) {
    throw new UsageError(
      'cannot tell which GPU stack to check: the first process carries none of its injected variables',
      `pass --stack ${INJECTION_STACKS.map((s) => s.id).join('|')}`,
    );
  }
  const { report, workload } = judge({ namespace: 'local', pod: name, container: 'strace', records, stack: idOf(detected), local: true }, origin);
  print(report, workload, opts, { source: 'strace' });
  return exitCodeOf(report);
}

async function execPod(podName: string, command: string[], opts: ExecCheckOptions): Promise<number> {
  const requestTimeoutMs = parseDuration(opts.requestTimeout ?? '10s', '--request-timeout');
  const traceMs = parseDuration(opts.timeout, '--timeout');
  const { connectLive, getPod } = await import('../sources/live/connect.js');
  const session = await connectLive({ kubeconfig: opts.kubeconfig, context: opts.context, requestTimeoutMs, debug: opts.debug });
  try {
    const namespace = opts.namespace ?? session.namespace;
    const pod = await getPod(session, namespace, podName);
    const chosen = chooseContainer(pod, opts.container);
    if ('error' in chosen) throw new GpuctlError(chosen.error);
    const container = chosen.container;
    if (opts.straceFromHost && opts.printOnly) {
      process.stdout.write(hostTraceInstructions(pod, container, { image: opts.probeImage ?? DEFAULT_PROBE_IMAGE, namespace: opts.probeNamespace ?? DEFAULT_PROBE_NAMESPACE }));
      return 0;
    }
    const notRunning = notRunningReason(pod, container);
    if (notRunning) throw new GpuctlError(`${notRunning}: exec-check looks at running processes`);
    const target = { namespace, pod: podName, container };
    if (opts.straceFromHost) return await execFromHost(session, pod, target, traceMs, requestTimeoutMs, opts);
    const live = await import('../sources/live/container.js');

    const tools = opts.strace ? await live.probeTools(session.exec, target, requestTimeoutMs) : undefined;
    if (tools && !tools.strace) throw new GpuctlError(straceMissing(target, tools));
    const capture = await live.captureProcesses(session.exec, target, requestTimeoutMs);
    const processRecords = recordsFromProcesses(capture.processes);
    const detected = podStack(opts.stack, pod, processRecords);
    const gpus = await live.listGpus(session.exec, target, requestTimeoutMs).catch((err: Error) => ({ lines: [], gpus: 0, error: err.message }));

    let records = processRecords;
    let source = '/proc';
    let timedOut = false;
    if (opts.strace) {
      const root = processRecords.find((r) => r.parent === undefined);
      const traced = command.length > 0 ? command : (specCommand(pod, container) ?? root?.argv);
      if (!traced?.length) throw new GpuctlError(`cannot tell the command of container ${container}: give it after --, e.g. gpuctl exec-check ${podName} --strace -- python3 train.py`);
      const trace = await live.traceInContainer(session.exec, target, traced, traceMs, requestTimeoutMs);
      records = trace.records;
      timedOut = trace.timedOut;
      source = `strace of ${commandLine({ id: 0, pid: 0, argv: traced }, 80)}`;
    }
    const { report, workload } = judge(
      { namespace, pod: podName, container, records, stack: idOf(detected) },
      `pod ${namespace}/${podName}, container ${container}`,
      capture.preloadFile,
    );
    print(report, workload, opts, { source, gpus, preloadFile: capture.preloadFile });
    if (capture.unreadable > 0) {
      process.stderr.write(`gpuctl: warning: the environment of ${capture.unreadable} process(es) could not be read (shown as ?)\n`);
    }
    if (timedOut) process.stderr.write(`gpuctl: warning: the traced command was stopped after --timeout ${opts.timeout}; the trace is partial\n`);
    return exitCodeOf(report);
  } finally {
    session.close();
  }
}

/** --strace-from-host: a probe pod on the pod's node attaches the host's strace to the container for --timeout. */
async function execFromHost(session: LiveSession, pod: Pod, target: ExecTarget, traceMs: number, requestTimeoutMs: number, opts: ExecCheckOptions): Promise<number> {
  const node = pod.spec?.nodeName;
  const containerId = runtimeContainerId(pod, target.container);
  const what = `container ${target.container} of pod ${target.namespace}/${target.pod}`;
  if (!node || !containerId) throw new GpuctlError(`${what} has no ${node ? 'container ID' : 'node'} in its status yet: --strace-from-host attaches to a running container`);
  const { probeApiOf } = await import('../sources/node-probe/cluster.js');
  const { traceFromHost } = await import('../sources/node-probe/host-trace.js');
  const notice = (line: string) => process.stderr.write(`gpuctl: ${line}\n`);
  const trace = await traceFromHost(
    probeApiOf(session),
    { node, containerId, what, traceMs, slackMs: Math.max(requestTimeoutMs, 10_000) },
    {
      namespace: opts.probeNamespace ?? DEFAULT_PROBE_NAMESPACE,
      image: opts.probeImage ?? DEFAULT_PROBE_IMAGE,
      timeoutMs: parseDuration(opts.probeTimeout ?? '60s', '--probe-timeout'),
      notice,
    },
  );
  const detected = podStack(opts.stack, pod, trace.records);
  const { report, workload } = judge(
    { namespace: target.namespace, pod: target.pod, container: target.container, records: trace.records, stack: idOf(detected) },
    `pod ${target.namespace}/${target.pod}, container ${target.container}`,
  );
  const seconds = Math.round(traceMs / 1000);
  print(report, workload, opts, { source: `host strace of pid ${trace.pid} on node ${node}, execs during ${seconds}s` });
  // Attaching misses what ran before: say so every time, not only when the tree looks thin.
  notice(`note: --strace-from-host saw only the execs of the ${seconds}s it traced; to see the entrypoint from its start, restart the pod while tracing or use --strace`);
  if (trace.unreadable.length > 0) notice(`warning: ${trace.unreadable.length} execve line(s) of the host trace could not be read`);
  return exitCodeOf(report);
}

/** --stack, else the pod's markers, else what pid 1 carries. */
function podStack(choice: ExecCheckOptions['stack'], pod: Pod, records: ExecRecord[]): { stack: InjectionStack; evidence: string } {
  if (choice !== 'auto') return { stack: stackById(choice), evidence: '--stack' };
  const root = records.find((r) => r.parent === undefined && r.env);
  const detected = detectPodStack(pod) ?? stackFromEnv(root?.env);
  if (!detected) {
    throw new UsageError(
      `cannot tell which GPU stack pod ${pod.metadata.namespace}/${pod.metadata.name} uses: it carries no ${orList(INJECTION_STACKS.map((s) => (s.generic ? s.markers.resources.join(', ') : s.name)), ' or ')} marker, and its first process none of their variables`,
      `pass --stack ${INJECTION_STACKS.map((s) => s.id).join('|')}`,
    );
  }
  return detected;
}

function straceMissing(target: { namespace: string; pod: string; container: string }, tools: Parameters<typeof straceInstallLine>[0]): string {
  const where = `container ${target.container} of pod ${target.namespace}/${target.pod}`;
  const os = osName(tools);
  const install = straceInstallLine(tools);
  const how = install
    ? `install it: kubectl exec -n ${target.namespace} ${target.pod} -c ${target.container} -- sh -c '${install}'`
    : 'the image has no package manager gpuctl knows';
  return `strace is not installed in ${where}${os ? ` (${os})` : ''}; ${how}; or trace from the node with --strace-from-host, or drop --strace for the /proc view`;
}

/**
 * The node-side trace, as commands to run: a privileged debug pod (the --probe-image, in the --probe-namespace)
 * with the host's PIDs runs the host's crictl and strace on the container, as --strace-from-host does.
 */
export function hostTraceInstructions(pod: Pod, container: string, probe: { image: string; namespace: string }): string {
  const node = pod.spec?.nodeName ?? 'NODE';
  const id = runtimeContainerId(pod, container) ?? 'CONTAINER_ID';
  const stack = detectPodStack(pod)?.stack.id;
  const inner = `PID=$(crictl inspect --output go-template --template "{{.info.pid}}" ${id}) && exec strace ${STRACE_ARGS.join(' ')} -p "$PID" 2>&1`;
  return [
    `To trace container ${container} of pod ${pod.metadata.namespace}/${pod.metadata.name} from its node ${node}, run a privileged debug pod`,
    "that shares the host's process IDs, attach the host's strace to the container's first process and save what it runs",
    '(Ctrl-C ends the trace; only execs that happen while it runs are seen, so restart the work inside the pod meanwhile):',
    '',
    `  kubectl debug node/${node} -i -n ${probe.namespace} --profile=sysadmin --image=${probe.image} -- chroot /host sh -c '${inner}' > trace.txt`,
    '',
    `kubectl debug leaves its pod (node-debugger-${node}-…) behind when the trace ends: delete it`,
    '',
    `  kubectl get pods -n ${probe.namespace} -o name | grep node-debugger-${node}- | xargs kubectl delete -n ${probe.namespace}`,
    '',
    "The host needs strace (apt-get install strace, dnf install strace); the image only needs sh (--probe-image).",
    '',
    ...(id === 'CONTAINER_ID' ? ['The container has no ID yet in the pod status: find it on the node with `crictl ps --name ' + container + '`.', ''] : []),
    'Then judge the trace:',
    '',
    `  gpuctl exec-check --trace-file trace.txt${stack ? ` --stack ${stack}` : ''}`,
    '',
    'On k3s or RKE2 the host has no crictl on its PATH: use /var/lib/rancher/{k3s,rke2}/data/current/bin/crictl instead.',
    '',
  ].join('\n');
}

/**
 * Each mode of exec-check (exec into the pod, strace in it, strace from its node, a local command, a saved
 * trace) is a source: what it captured becomes a Collection, judged by the doctor's engine and checks.
 */
export function traceCollection(trace: ExecTrace, origin: string, preloadFile?: string): Collection {
  const collection = emptyCollection(origin);
  // The run is about one workload, not a cluster: its ok findings name it.
  collection.meta.context = trace.pod;
  const key = logKey(trace.namespace, trace.pod, trace.container);
  collection.execTraces = new Map([[key, trace]]);
  if (preloadFile !== undefined) collection.preloadFiles.set(key, preloadFile);
  return collection;
}

/** The engine's report on one capture, and the workload the checks judged (for the tree and the JSON). */
export function judge(trace: ExecTrace, origin: string, preloadFile?: string): { report: Report; workload: WorkloadInjection } {
  const facts = new Facts(traceCollection(trace, origin, preloadFile));
  // One workload, no cluster read: no stacks header (DESIGN.md: absent where no cluster was read).
  const report: Report = { ...runChecks(INJECTION_CHECKS, facts), stacks: undefined };
  return { report, workload: workloadInjections(facts)[0]! };
}

const idOf = (detected: { stack: InjectionStack; evidence: string }) => ({ id: detected.stack.id, evidence: detected.evidence });

/** The GPU section: a heading line, the devices nvidia-smi listed, and a note where an empty list is expected. */
function gpuSection(gpus: GpuListing, stack: InjectionStackId, words = ui('en').execCheck): { head: string; devices: string[]; note?: string } {
  const note = gpus.error ? stackById(stack).emptyGpuListing : undefined;
  const head = gpus.error ? `${words.gpusNone}${gpus.error}` : words.gpus;
  return { head, devices: gpus.lines, ...(note ? { note } : {}) };
}

function gpusJson(gpus: GpuListing, stack: InjectionStackId) {
  const note = gpuSection(gpus, stack).note;
  return { count: gpus.gpus, lines: gpus.lines, ...(gpus.error ? { error: gpus.error } : {}), ...(note ? { note } : {}) };
}

function print(report: Report, w: WorkloadInjection, opts: ExecCheckOptions, extras: Extras): void {
  const { analysis } = w;
  if (opts.output === 'json') {
    const processes = analysis.records.map((r) => ({
      pid: r.pid,
      parent: r.parent,
      argv: r.argv,
      missing: analysis.missing.get(r.id) ?? null,
    }));
    const out = {
      ...(w.local ? {} : { target: { namespace: w.namespace, pod: w.pod, container: w.container } }),
      stack: analysis.stack.id,
      source: extras.source,
      processes,
      ...(extras.gpus ? { gpus: gpusJson(extras.gpus, analysis.stack.id) } : {}),
      ...(extras.preloadFile !== undefined ? { preloadFile: extras.preloadFile } : {}),
    };
    process.stdout.write(renderReportJson(report, out));
    return;
  }
  const words = ui(opts.lang).execCheck;
  const tree = renderExecTree(analysis, false, extras.preloadFile, opts.lang);
  const about = [
    `${words.stack}${analysis.stack.name} (${w.stackEvidence})${words.processesFrom}${extras.source}`,
    ...(extras.preloadFile !== undefined ? [`/etc/ld.so.preload: ${extras.preloadFile.trim() || '(empty)'}`] : []),
  ];
  const section = extras.gpus && gpuSection(extras.gpus, analysis.stack.id, words);
  if (opts.output === 'markdown') {
    const gpus = section ? ['', section.head, ...section.devices.map((d) => `- \`${d.trim()}\``), ...(section.note ? [`*${section.note}*`] : [])] : [];
    process.stdout.write(`${renderMarkdown(report, opts.lang, 'gpuctl exec-check')}\n${about.join('  \n')}\n\n\`\`\`\n${tree}\`\`\`\n${gpus.join('\n')}\n`);
    return;
  }
  const colour = colourEnabled(process.stdout);
  const width = terminalWidth(process.stdout);
  const gpus = section
    ? [...wrapText(section.head, width, '', '  '), ...section.devices.flatMap((d) => wrapText(d.trim(), width, '  ', '    ')), ...(section.note ? wrapText(`(${section.note})`, width, '  ') : []), '']
    : [];
  // The title first, then what was looked at, the process table and the GPUs, then the findings.
  const preamble = [...about.flatMap((line) => wrapText(line, width, '', '  ')), '', ...renderExecTree(analysis, colour, extras.preloadFile, opts.lang, width).trimEnd().split('\n'), '', ...gpus];
  process.stdout.write(renderText(report, { colour, title: 'gpuctl exec-check', lang: opts.lang, width, debug: opts.debug, preamble }));
}
