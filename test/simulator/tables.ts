// Server-side printing, as kube-apiserver answers `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`
// (what `kubectl get` sends). Written from the behaviour of k8s.io/kubernetes v1.37.2
// pkg/printers/internalversion/printers.go (built-in types: the server always prints "wide", all columns,
// kubectl hides priority > 0), k8s.io/apiextensions-apiserver's tableconvertor (CRDs: Name plus the CRD's
// additionalPrinterColumns, Age when it declares none) and k8s.io/apiserver's default table convertor
// (types without a printer: Name, Created At). Rows carry the object as PartialObjectMetadata unless
// `includeObject=None|Object` says otherwise. Types whose printer is not written here get the default
// convertor's columns, which the real server would not use for them: test/simulator/README.md says which.
import type { IncomingMessage } from 'node:http';

const TABLE_MEDIA = /(^|[;,\s])as=Table(;|,|\s|$)/;

/** The Accept header asks for a Table (meta.k8s.io v1 or v1beta1, as kubectl sends both). */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((media) => TABLE_MEDIA.test(media) && /(^|;)\s*g=meta\.k8s\.io(;|$)/.test(media) && /(^|;)\s*v=v1(beta1)?(;|$)/.test(media));
}

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

type Cell = string | number | boolean | null;
type Obj = Record<string, any>;

// Descriptions are left empty: the real server fills them from its API docs; kubectl does not print them.
const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({ name, type, format, description: '', priority });
const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');

/** apimachinery's duration.HumanDuration: about two significant figures. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function since(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string' || !timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** labels.FormatLabels: sorted `k=v`, or `<none>`. */
function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** metav1.FormatLabelSelector: the selector's string form, `<none>` when it selects everything. */
function formatSelector(selector: Obj | undefined): string {
  if (!selector) return '<none>';
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) parts.push([k, `${k}=${v}`]);
  for (const e of (selector.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[]) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${values})` : e.operator === 'NotIn' ? `${e.key} notin (${values})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    parts.push([e.key, text]);
  }
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const text = parts.map((p) => p[1]).join(',');
  return text || '<none>';
}

const containerCells = (containers: Obj[] = []) => [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];

function podRow(pod: Obj, now: number): { cells: Cell[]; conditions?: Obj[] } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs = new Map<string, Obj>((spec.initContainers ?? []).map((c: Obj) => [c.name, c]));
  const restartable = (name: string) => initSpecs.get(name)?.restartPolicy === 'Always';
  let total = (spec.containers ?? []).length + [...initSpecs.values()].filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c: Obj) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  const finished = (c: Obj) => Date.parse(c.lastState?.terminated?.finishedAt ?? '') || 0;

  let initializing = false;
  const inits: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finished(c));
    if (restartable(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finished(c));
    }
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (restartable(c.name) && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some((c: Obj) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    let errorReason = '';
    const containers: Obj[] = status.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const c = containers[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finished(c));
      const t = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (t) {
        reason = t.reason ? t.reason : t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
        if (t.exitCode !== 0) errorReason = reason;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed') {
      const podReady = (status.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
      if (hasRunning && podReady) reason = 'Running';
      else if (errorReason) reason = errorReason;
      else if (hasRunning) reason = 'NotReady';
    }
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates: Obj[] = spec.readinessGates ?? [];
  const gatesText = gates.length
    ? `${gates.filter((g) => (status.conditions ?? []).find((c: Obj) => c.type === g.conditionType)?.status === 'True').length}/${gates.length}`
    : '<none>';
  total = Math.max(total, 0);
  const row: { cells: Cell[]; conditions?: Obj[] } = {
    cells: [
      pod.metadata?.name ?? '',
      `${ready}/${total}`,
      reason,
      restartText,
      since(pod.metadata?.creationTimestamp, now),
      status.podIPs?.[0]?.ip || status.podIP || '<none>',
      spec.nodeName || '<none>',
      status.nominatedNodeName || '<none>',
      gatesText,
    ],
  };
  if (terminal)
    row.conditions = [
      { type: 'Completed', status: 'True', reason: status.phase, message: status.phase === 'Succeeded' ? 'The pod has completed successfully.' : 'The pod failed.' },
    ];
  return row;
}

function nodeRow(node: Obj, now: number): Cell[] {
  const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((node.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  const info = node.status?.nodeInfo ?? {};
  const address = (type: string) => (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
  const kernel = (info.kernelVersion || '<unknown>') + (info.architecture ? ` (${info.architecture})` : '');
  return [
    node.metadata?.name ?? '',
    status.join(','),
    roles.size ? [...roles].sort().join(',') : '<none>',
    since(node.metadata?.creationTimestamp, now),
    info.kubeletVersion ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    info.osImage || '<unknown>',
    kernel,
    info.containerRuntimeVersion || '<unknown>',
  ];
}

function eventRow(event: Obj, now: number): Cell[] {
  const first = event.firstTimestamp ? since(event.firstTimestamp, now) : since(event.eventTime, now);
  let last = event.lastTimestamp ? since(event.lastTimestamp, now) : first;
  let count = event.count ?? 0;
  if (event.series) {
    last = since(event.series.lastObservedTime, now);
    count = event.series.count ?? 0;
  } else if (count === 0) count = 1;
  const involved = event.involvedObject ?? {};
  const kind = String(involved.kind ?? '').toLowerCase();
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return [
    last,
    event.type ?? '',
    event.reason ?? '',
    involved.name ? `${kind}/${involved.name}` : kind,
    involved.fieldPath ?? '',
    instance ? `${component}, ${instance}` : component,
    String(event.message ?? '').trim(),
    first,
    count,
    event.metadata?.name ?? '',
  ];
}

interface Printer {
  columns: Column[];
  row(obj: Obj, now: number): { cells: Cell[]; conditions?: Obj[] };
}

const cellsOnly = (f: (obj: Obj, now: number) => Cell[]) => (obj: Obj, now: number) => ({ cells: f(obj, now) });

/** Built-in printers by `group/plural`: the types kubectl users `get` in the playbooks gpuctl replaces. */
const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    row: podRow,
  },
  '/nodes': {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    row: cellsOnly(nodeRow),
  },
  '/events': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'string', 1), col('Name', 'string', 1, 'name')],
    row: cellsOnly(eventRow),
  },
  '/namespaces': {
    columns: [NAME, col('Status'), AGE],
    row: cellsOnly((ns, now) => [ns.metadata?.name ?? '', ns.status?.phase ?? '', since(ns.metadata?.creationTimestamp, now)]),
  },
  'apps/daemonsets': {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: cellsOnly((ds, now) => {
      const s = ds.status ?? {};
      const template = ds.spec?.template?.spec ?? {};
      return [
        ds.metadata?.name ?? '',
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        formatLabels(template.nodeSelector),
        since(ds.metadata?.creationTimestamp, now),
        ...containerCells(template.containers),
        formatSelector(ds.spec?.selector),
      ];
    }),
  },
  'apps/deployments': {
    // Declared strings, though the cells are numbers (as printers.go declares them).
    columns: [NAME, col('Ready'), col('Up-to-date'), col('Available'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: cellsOnly((d, now) => {
      const s = d.status ?? {};
      return [
        d.metadata?.name ?? '',
        `${s.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        s.updatedReplicas ?? 0,
        s.availableReplicas ?? 0,
        since(d.metadata?.creationTimestamp, now),
        ...containerCells(d.spec?.template?.spec?.containers),
        formatSelector(d.spec?.selector),
      ];
    }),
  },
  'node.k8s.io/runtimeclasses': {
    columns: [NAME, col('Handler'), AGE],
    row: cellsOnly((rc, now) => [rc.metadata?.name ?? '', rc.handler ?? '', since(rc.metadata?.creationTimestamp, now)]),
  },
};

/** The group/plurals with a printer of their own here (the rest get the default convertor's columns). */
export const PRINTED_TYPES = Object.keys(PRINTERS);

/** The values a simple JSONPath (`.a.b[0].c`, as CRDs' printer columns use) finds in `obj`. */
function jsonPathValue(obj: unknown, path: string): unknown {
  let value: any = obj;
  for (const part of path.replace(/^\{?\.?/, '').replace(/\}$/, '').split(/\.|(?=\[)/)) {
    if (!part) continue;
    if (value === undefined || value === null) return undefined;
    const index = /^\[(\d+)\]$/.exec(part);
    value = index ? value[Number(index[1])] : value[part];
  }
  return value;
}

/** A CRD printer column's cell: the value converted to the column's type, null when absent or mistyped. */
function crdCell(value: unknown, type: string, now: number): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date':
      return typeof value === 'string' ? (Number.isNaN(Date.parse(value)) ? '<invalid>' : since(value, now)) : null;
  }
  return null;
}

function printerFor(group: string, plural: string, crdColumns: PrinterColumn[] | undefined): Printer {
  const builtin = PRINTERS[`${group}/${plural}`];
  if (builtin) return builtin;
  if (crdColumns) {
    // A v1 CRD without columns is defaulted to one: Age from .metadata.creationTimestamp.
    const columns = crdColumns.length ? crdColumns : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
    return {
      columns: [NAME, ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }))],
      row: (obj, now) => ({ cells: [obj.metadata?.name ?? '', ...columns.map((c) => crdCell(jsonPathValue(obj, c.jsonPath), c.type, now))] }),
    };
  }
  return {
    columns: [NAME, col('Created At', 'date')],
    row: (obj) => ({ cells: [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ? new Date(obj.metadata.creationTimestamp).toISOString().replace(/\.\d{3}Z$/, 'Z') : '0001-01-01T00:00:00Z'] }),
  };
}

export interface TableRequest {
  group: string;
  plural: string;
  /** The served version's additionalPrinterColumns when the type comes from a CRD. */
  crdColumns?: PrinterColumn[];
  includeObject: string | null;
  now?: number;
}

/** A list body (or one object) turned into the Table the real server would send. */
export function asTable(body: Iterable<string | Buffer>, request: TableRequest): { status: number; body: string } {
  const parsed = JSON.parse(Buffer.concat([...body].map((c) => (Buffer.isBuffer(c) ? c : Buffer.from(c)))).toString('utf8')) as Obj;
  const include = request.includeObject ?? 'Metadata';
  if (!['None', 'Metadata', 'Object'].includes(include)) {
    return {
      status: 400,
      body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Unable to convert to Table as requested: includeObject: Invalid value: "${include}": must be 'Metadata', 'Object', 'None', or empty`, reason: 'BadRequest', code: 400 }),
    };
  }
  const now = request.now ?? Date.now();
  const printer = printerFor(request.group, request.plural, request.crdColumns);
  const items: Obj[] = Array.isArray(parsed.items) ? parsed.items : [parsed];
  const apiVersion = Array.isArray(parsed.items) ? undefined : parsed.apiVersion;
  const rows = items.map((item) => {
    const { cells, conditions } = printer.row(item, now);
    const object =
      include === 'None'
        ? undefined
        : include === 'Object'
          ? { kind: item.kind ?? parsed.kind?.replace(/List$/, ''), apiVersion: item.apiVersion ?? apiVersion, ...item }
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata ?? {} };
    return { cells, ...(conditions ? { conditions } : {}), ...(object ? { object } : {}) };
  });
  const metadata: Obj = {};
  if (parsed.metadata?.resourceVersion) metadata.resourceVersion = parsed.metadata.resourceVersion;
  if (parsed.metadata?.continue) metadata.continue = parsed.metadata.continue;
  if (parsed.metadata?.remainingItemCount !== undefined) metadata.remainingItemCount = parsed.metadata.remainingItemCount;
  return {
    status: 200,
    body: JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: printer.columns, rows }),
  };
}
