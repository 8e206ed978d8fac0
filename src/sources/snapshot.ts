// Reads a snapshot directory (or .tar.gz of one) in the layout of DESIGN.md into a Collection.
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GpuctlError } from '../errors.js';
import type { Collection, CommandOutput, NodeHost, ProcessInfo, PrometheusQueries, SnapshotMeta } from './collection.js';
import { emptyCollection, logKey } from './collection.js';
import { looksBinary, parseObjects } from './parse-objects.js';

export const LIMITS = {
  objectFileBytes: 1024 * 1024 * 1024,
  hostFileBytes: 8 * 1024 * 1024,
  /** Checks quote the end of a log; the head of a long log is noise. */
  logTailBytes: 512 * 1024,
};

export async function loadSnapshot(snapshotPath: string): Promise<Collection> {
  const info = await stat(snapshotPath).catch(() => undefined);
  if (!info) throw new GpuctlError(`snapshot not found: ${snapshotPath}`);
  if (info.isDirectory()) return loadSnapshotDir(snapshotPath, snapshotPath);
  if (/\.(tar\.gz|tgz|tar)$/i.test(snapshotPath)) return loadSnapshotArchive(snapshotPath);
  throw new GpuctlError(`snapshot must be a directory or a .tar.gz archive: ${snapshotPath}`);
}

async function loadSnapshotArchive(archive: string): Promise<Collection> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-snapshot-'));
  try {
    const tar = await import('tar');
    try {
      await tar.x({ file: archive, cwd: dir, strict: true, preservePaths: false });
    } catch (err) {
      throw new GpuctlError(`snapshot archive ${archive} is truncated or not a tar.gz: ${oneLine(err)}`);
    }
    // Archives made with `tar czf x.tar.gz snapshot/` hold one top directory: look inside it.
    const entries = await readdir(dir, { withFileTypes: true });
    const root =
      entries.length === 1 && entries[0]!.isDirectory() && !isLayoutDir(entries[0]!.name)
        ? path.join(dir, entries[0]!.name)
        : dir;
    return await loadSnapshotDir(root, archive);
  } finally {
    // tar may still be flushing entries after a failed extract: retry, and never mask the real error.
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
  }
}

const LAYOUT_DIRS = ['cluster', 'logs', 'nodes', 'pods', 'local', 'prometheus'];
function isLayoutDir(name: string): boolean {
  return LAYOUT_DIRS.includes(name);
}

export async function loadSnapshotDir(root: string, label: string): Promise<Collection> {
  const collection = emptyCollection(`snapshot ${label}`);
  const top = await readdir(root).catch((err) => {
    throw new GpuctlError(`cannot read snapshot ${label}: ${oneLine(err)}`);
  });
  if (!top.some((name) => isLayoutDir(name) || name === 'meta.json')) {
    // Bundles other tools write, recognised by their layout.
    const { isMustGather, loadMustGather } = await import('./imports/must-gather.js');
    if (await isMustGather(root)) return loadMustGather(root, label);
    const { isClusterInfoDump, loadClusterInfoDump } = await import('./imports/cluster-info-dump.js');
    if (await isClusterInfoDump(root)) return loadClusterInfoDump(root, label);
    throw new GpuctlError(
      `snapshot ${label} has none of cluster/, nodes/, logs/, pods/, and is no GPU Operator must-gather or cluster-info dump`,
      2,
      'write one with `gpuctl collect -f DIR` or see the snapshot format in docs/snapshot.md',
    );
  }
  await Promise.all([
    readClusterObjects(root, collection),
    readLogs(root, collection),
    readNodes(root, collection),
    readProcesses(root, collection),
    readMeta(root, collection),
    readLocalCommands(root, collection),
    readPrometheusQueries(root, collection),
  ]);
  for (const [kind, reason] of Object.entries(collection.meta.unavailable ?? {})) {
    collection.unavailable.set(kind, reason);
  }
  return collection;
}

async function readClusterObjects(root: string, collection: Collection): Promise<void> {
  const files = (await walk(path.join(root, 'cluster'))).filter((f) => /\.(json|ya?ml)$/i.test(f)).sort();
  for (const file of files) {
    const rel = path.relative(root, file);
    const size = (await stat(file)).size;
    if (size > LIMITS.objectFileBytes) {
      collection.problems.push({ path: rel, message: `${mb(size)} is over the ${mb(LIMITS.objectFileBytes)} limit; skipped` });
      continue;
    }
    if (await headIsBinary(file)) {
      collection.problems.push({ path: rel, message: 'binary data, not JSON or YAML' });
      continue;
    }
    const result = parseObjects(await readFile(file), file);
    if (result.error) collection.problems.push({ path: rel, message: result.error });
    for (const obj of result.objects) collection.objects.push(obj);
  }
}

async function readLogs(root: string, collection: Collection): Promise<void> {
  const base = path.join(root, 'logs');
  for (const file of await walk(base)) {
    const parts = path.relative(base, file).split(path.sep);
    const match = parts.length === 3 ? /^(.+?)(\.previous)?\.log$/.exec(parts[2]!) : null;
    if (!match) continue;
    collection.logs.set(logKey(parts[0]!, parts[1]!, match[1]!, !!match[2]), await readTail(file, LIMITS.logTailBytes));
  }
}

async function readNodes(root: string, collection: Collection): Promise<void> {
  const base = path.join(root, 'nodes');
  for (const nodeName of await dirNames(base)) {
    const host: NodeHost = { files: new Map(), dirs: new Set(), commands: new Map() };
    const nodeDir = path.join(base, nodeName);
    const filesDir = path.join(nodeDir, 'files');
    for (const file of await walk(filesDir)) {
      const hostPath = '/' + path.relative(filesDir, file).split(path.sep).join('/');
      const size = (await stat(file)).size;
      if (size > LIMITS.hostFileBytes) {
        collection.problems.push({ path: path.relative(root, file), message: `${mb(size)} host file is over ${mb(LIMITS.hostFileBytes)}; skipped` });
        continue;
      }
      host.files.set(hostPath, await readFile(file, 'utf8'));
    }
    const dirs = await readFile(path.join(nodeDir, 'dirs.txt'), 'utf8').catch(() => '');
    for (const line of dirs.split('\n')) if (line.trim()) host.dirs.add(line.trim().replace(/\/+$/, ''));
    host.commands = await readCommands(path.join(nodeDir, 'commands'));
    collection.nodes.set(nodeName, host);
  }
}

/** COMMANDS_DIR/NAME.txt (stdout), NAME.exit (a non-zero exit code), NAME.stderr. */
async function readCommands(commandsDir: string): Promise<Map<string, CommandOutput>> {
  const commands = new Map<string, CommandOutput>();
  for (const entry of await readdir(commandsDir).catch(() => [] as string[])) {
    const m = /^(.+)\.txt$/.exec(entry);
    if (!m) continue;
    const name = m[1]!;
    const read = (suffix: string) => readFile(path.join(commandsDir, name + suffix), 'utf8').catch(() => undefined);
    const [stdout, exit, stderr] = await Promise.all([read('.txt'), read('.exit'), read('.stderr')]);
    const exitCode = exit === undefined ? 0 : Number.parseInt(exit.trim(), 10);
    commands.set(name, { stdout: stdout ?? '', exitCode: Number.isNaN(exitCode) ? 1 : exitCode, stderr });
  }
  return commands;
}

/** local/commands/: what ran on the machine gpuctl ran on (helm version…). */
async function readLocalCommands(root: string, collection: Collection): Promise<void> {
  const commands = await readCommands(path.join(root, 'local', 'commands'));
  if (commands.size > 0) collection.localCommands = commands;
}

/** prometheus/queries.json: the metric queries of a live run (see docs/checks/gpu-metrics-missing.md). */
async function readPrometheusQueries(root: string, collection: Collection): Promise<void> {
  const rel = path.join('prometheus', 'queries.json');
  const text = await readFile(path.join(root, rel), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  try {
    const value = JSON.parse(text) as PrometheusQueries;
    if (!value || typeof value !== 'object' || !Array.isArray(value.results)) throw new Error('expected an object with a "results" array');
    if (value.results.some((r) => !r || typeof r.query !== 'string')) throw new Error('every result needs a "query" string');
    collection.prometheus = value;
  } catch (err) {
    collection.problems.push({ path: rel, message: `invalid Prometheus queries: ${oneLine(err)}` });
  }
}

async function readProcesses(root: string, collection: Collection): Promise<void> {
  const base = path.join(root, 'pods');
  for (const container of await containerDirs(base)) {
    const commands = await readCommands(path.join(base, container, 'commands'));
    if (commands.size > 0) collection.containerCommands.set(container.split(path.sep).join('/'), commands);
  }
  for (const file of await walk(base)) {
    const parts = path.relative(base, file).split(path.sep);
    if (parts.length !== 4) continue;
    if (parts[3] === 'ld.so.preload') {
      collection.preloadFiles.set(parts.slice(0, 3).join('/'), await readFile(file, 'utf8'));
      continue;
    }
    if (parts[3] !== 'processes.json') continue;
    const rel = path.relative(root, file);
    try {
      const table = JSON.parse(await readFile(file, 'utf8')) as ProcessInfo[];
      if (!Array.isArray(table)) throw new Error('expected an array of processes');
      collection.processes.set(parts.slice(0, 3).join('/'), table);
    } catch (err) {
      collection.problems.push({ path: rel, message: `invalid process table: ${oneLine(err)}` });
    }
  }
}

async function readMeta(root: string, collection: Collection): Promise<void> {
  const text = await readFile(path.join(root, 'meta.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  try {
    collection.meta = JSON.parse(text) as SnapshotMeta;
  } catch (err) {
    collection.problems.push({ path: 'meta.json', message: `invalid JSON: ${oneLine(err)}` });
  }
}

/** `NS/POD/CONTAINER` directories under pods/. */
async function containerDirs(base: string): Promise<string[]> {
  const out: string[] = [];
  for (const ns of await dirNames(base)) {
    for (const pod of await dirNames(path.join(base, ns))) {
      for (const container of await dirNames(path.join(base, ns, pod))) out.push(path.join(ns, pod, container));
    }
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function dirNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

async function headIsBinary(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return looksBinary(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

async function readTail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await handle.close();
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}

export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}
