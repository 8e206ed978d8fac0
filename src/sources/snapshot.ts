// Reads a snapshot directory (or .tar.gz of one) in the layout of DESIGN.md into a Collection.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { removeOnInterrupt } from '../interrupt.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GpuctlError, oneLine } from '../errors.js';
import type { Collection, CommandOutput, NodeHost, ProcessInfo, PrometheusQueries, SnapshotMeta, SourceProblem } from '../collection/collection.js';
import { emptyCollection, logKey } from '../collection/collection.js';
import { RESOURCE_TYPES } from '../collection/resources.js';
import { dedupeObjects, parseObjects } from './parse-objects.js';
import type { Phase } from './pipeline.js';
import { runPhases } from './pipeline.js';
import { FILE_LIMITS, SnapshotFiles } from './snapshot-files.js';

export async function loadSnapshot(snapshotPath: string): Promise<Collection> {
  const info = await stat(snapshotPath).catch(() => undefined);
  if (!info) throw new GpuctlError(`snapshot not found: ${snapshotPath}`);
  let collection: Collection;
  if (info.isDirectory()) collection = await loadSnapshotDir(snapshotPath, snapshotPath);
  else if (/\.(tar\.gz|tgz|tar)$/i.test(snapshotPath)) collection = await loadSnapshotArchive(snapshotPath);
  else throw new GpuctlError(`snapshot must be a directory or a .tar.gz archive: ${snapshotPath}`);
  collection.objects = dedupeObjects(collection.objects);
  return collection;
}

async function loadSnapshotArchive(archive: string): Promise<Collection> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-snapshot-'));
  const unregister = removeOnInterrupt(dir);
  try {
    const problems = await extractArchive(archive, dir);
    // Archives made with `tar czf x.tar.gz snapshot/` hold one top directory: look inside it.
    const entries = await readdir(dir, { withFileTypes: true });
    const root =
      entries.length === 1 && entries[0]!.isDirectory() && !isLayoutDir(entries[0]!.name)
        ? path.join(dir, entries[0]!.name)
        : dir;
    const collection = await loadSnapshotDir(root, archive);
    collection.problems.unshift(...problems);
    return collection;
  } finally {
    // tar may still be flushing entries after a failed extract: retry, and never mask the real error.
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
    unregister();
  }
}

/**
 * Unpacks regular files and directories only (links, devices and FIFOs are refused), at most
 * ARCHIVE_LIMITS.bytes of tar stream once uncompressed: a small .tar.gz can unpack to terabytes. What was
 * unpacked before a limit is analysed; the refusals come back as problems.
 */
async function extractArchive(archive: string, dir: string): Promise<SourceProblem[]> {
  const problems: SourceProblem[] = [];
  const name = path.basename(archive);
  const tar = await import('tar');
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  const { pipeline } = await import('node:stream/promises');
  const { Transform } = await import('node:stream');
  let bytes = 0;
  let entries = 0;
  let overLimit: string | undefined;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > ARCHIVE_LIMITS.bytes) {
        overLimit = `the archive unpacks to more than ${ARCHIVE_LIMITS.bytes / 1073741824} GB; what came after was not read`;
        done(new Error(overLimit));
      } else done(null, chunk);
    },
  });
  const extract = tar.x({
    cwd: dir,
    strict: true,
    preservePaths: false,
    filter: (entryPath, entry) => {
      const type = (entry as { type?: string }).type;
      if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile' && type !== 'Directory') {
        problems.push({ path: `${name}:${entryPath}`, message: `a ${type === 'SymbolicLink' ? 'symbolic link' : type === 'Link' ? 'hard link' : (type ?? 'special file').toLowerCase()} in the archive, not unpacked` });
        return false;
      }
      if (++entries > ARCHIVE_LIMITS.entries) {
        if (entries === ARCHIVE_LIMITS.entries + 1) problems.push({ path: name, message: `the archive has more than ${ARCHIVE_LIMITS.entries} entries; the rest were not unpacked` });
        return false;
      }
      return true;
    },
  });
  const gzipped = await isGzip(archive);
  try {
    const source = createReadStream(archive);
    if (gzipped) await pipeline(source, createGunzip(), cap, extract as unknown as NodeJS.WritableStream);
    else await pipeline(source, cap, extract as unknown as NodeJS.WritableStream);
  } catch (err) {
    if (!overLimit) throw new GpuctlError(`snapshot archive ${archive} is truncated or not a tar.gz: ${oneLine(err)}`);
    problems.push({ path: name, message: overLimit });
  }
  return problems;
}

async function isGzip(file: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** An archive's limits, once uncompressed (docs/snapshot.md "Limits"). */
export const ARCHIVE_LIMITS = { bytes: 4 * 1073741824, entries: 200_000 };

const LAYOUT_DIRS = ['cluster', 'logs', 'nodes', 'pods', 'local', 'prometheus'];
function isLayoutDir(name: string): boolean {
  return LAYOUT_DIRS.includes(name);
}

/**
 * A snapshot directory's collection: the one declared phase of its source (src/sources/pipeline.ts), as the live
 * run has its lists, logs and node probes — the layout of DESIGN.md, or a bundle another tool wrote.
 */
export async function loadSnapshotDir(root: string, label: string): Promise<Collection> {
  const { origin, phase } = await snapshotSource(root, label);
  return runPhases(emptyCollection(origin), [phase]);
}

/** Which reader a snapshot directory takes, told by its layout: where its collection comes from, and its phase. */
export async function snapshotSource(root: string, label: string): Promise<{ origin: string; phase: Phase }> {
  const top = await readdir(root).catch((err) => {
    throw new GpuctlError(`cannot read snapshot ${label}: ${oneLine(err)}`);
  });
  const files = new SnapshotFiles(root, []);
  if (top.some((name) => isLayoutDir(name) || name === 'meta.json')) return { origin: `snapshot ${label}`, phase: layoutPhase(files) };
  // Bundles other tools write, recognised by their layout.
  const { isMustGather, mustGatherPhase } = await import('./imports/must-gather.js');
  if (await isMustGather(files)) return { origin: `GPU Operator must-gather ${label}`, phase: mustGatherPhase(files) };
  const { isClusterInfoDump, clusterInfoDumpPhase } = await import('./imports/cluster-info-dump.js');
  if (await isClusterInfoDump(files)) return { origin: `cluster-info dump ${label}`, phase: clusterInfoDumpPhase(files) };
  throw new GpuctlError(
    `snapshot ${label} has none of cluster/, nodes/, logs/, pods/, and is no GPU Operator must-gather or cluster-info dump`,
    2,
    'write one with `gpuctl collect -f DIR` or see the snapshot format in docs/snapshot.md',
  );
}

/** The snapshot layout (DESIGN.md): its directories read at once, each into its own fields. */
function layoutPhase(files: SnapshotFiles): Phase {
  return {
    name: 'snapshot',
    reads: [],
    adds: ['objects', 'logs', 'nodes', 'processes', 'preloadFiles', 'containerCommands', 'meta', 'localCommands', 'prometheus', 'problems', 'unavailable'],
    async run(_before, collection) {
      files.reportInto(collection.problems);
      await Promise.all([
        readClusterObjects(files, collection),
        readLogs(files, collection),
        readNodes(files, collection),
        readProcesses(files, collection),
        readMeta(files, collection),
        readLocalCommands(files, collection),
        readPrometheusQueries(files, collection),
      ]);
      for (const [kind, reason] of Object.entries(collection.meta.unavailable ?? {})) {
        collection.unavailable.set(kind, reason);
      }
    },
  };
}

async function readClusterObjects(files: SnapshotFiles, collection: Collection): Promise<void> {
  for (const rel of (await files.walk('cluster')).filter((f) => /\.(json|ya?ml)$/i.test(f))) {
    const problems = collection.problems.length;
    const buf = await files.read(rel, FILE_LIMITS.objectFileBytes, { what: 'object file' });
    const result = buf === undefined ? undefined : parseObjects(buf, rel);
    if (result?.error) collection.problems.push({ path: rel, message: result.error });
    for (const obj of result?.objects ?? []) collection.objects.push(obj);
    // A file named after a kind (cluster/pods.json, cluster/pods/NS.yaml) that could not be read: that kind
    // was not read, as a list the API server refused is not (docs/output.md, "Incomplete runs").
    const kind = buf === undefined || result?.error ? kindNamedBy(rel) : undefined;
    const why = collection.problems.slice(problems).find((p) => p.path === rel)?.message;
    if (kind && !collection.unavailable.has(kind)) collection.unavailable.set(kind, `${rel}: ${why ?? 'not read'}`);
  }
}

/** The kind a cluster/ file is named after (its name or its folder's: the plural, or the kind in lower case). */
function kindNamedBy(rel: string): string | undefined {
  const parts = rel.split('/').slice(1);
  const names = [parts.at(-1)!.replace(/\.(json|ya?ml)$/i, ''), ...parts.slice(0, -1)].map((n) => n.toLowerCase());
  for (const name of names) {
    const type = RESOURCE_TYPES.find((t) => t.plural === name || t.kind.toLowerCase() === name);
    if (type) return type.kind;
  }
  return undefined;
}

async function readLogs(files: SnapshotFiles, collection: Collection): Promise<void> {
  for (const rel of await files.walk('logs')) {
    const parts = rel.split('/').slice(1);
    const match = parts.length === 3 ? /^(.+?)(\.previous)?\.log$/.exec(parts[2]!) : null;
    if (!match) continue;
    const text = await files.readText(rel, FILE_LIMITS.logTailBytes, { tail: true });
    if (text !== undefined) collection.logs.set(logKey(parts[0]!, parts[1]!, match[1]!, !!match[2]), text);
  }
}

async function readNodes(files: SnapshotFiles, collection: Collection): Promise<void> {
  for (const nodeName of await files.dirNames('nodes')) {
    const host: NodeHost = { files: new Map(), dirs: new Set(), commands: new Map() };
    const nodeDir = `nodes/${nodeName}`;
    for (const rel of await files.walk(`${nodeDir}/files`)) {
      const text = await files.readText(rel, FILE_LIMITS.hostFileBytes, { what: 'host file' });
      if (text !== undefined) host.files.set(rel.slice(`${nodeDir}/files`.length), text);
    }
    const dirs = (await files.readText(`${nodeDir}/dirs.txt`, FILE_LIMITS.hostFileBytes)) ?? '';
    for (const line of dirs.split('\n')) if (line.trim()) host.dirs.add(line.trim().replace(/\/+$/, ''));
    host.commands = await readCommands(files, `${nodeDir}/commands`);
    collection.nodes.set(nodeName, host);
  }
}

/** COMMANDS_DIR/NAME.txt (stdout), NAME.exit (a non-zero exit code), NAME.stderr; one that cannot be read is left out. */
async function readCommands(files: SnapshotFiles, commandsDir: string): Promise<Map<string, CommandOutput>> {
  const commands = new Map<string, CommandOutput>();
  const names = new Set(await files.fileNames(commandsDir));
  for (const entry of names) {
    const m = /^(.+)\.txt$/.exec(entry);
    if (!m) continue;
    const name = m[1]!;
    // undefined: absent; null: there but refused (a link, a FIFO, too big), which is a problem already.
    const read = async (suffix: string) => {
      const rel = `${commandsDir}/${name}${suffix}`;
      if (!names.has(name + suffix)) return (await files.has(rel)) ? null : undefined;
      return (await files.readText(rel, FILE_LIMITS.commandFileBytes, { what: 'command output' })) ?? null;
    };
    const [stdout, exit, stderr] = await Promise.all([read('.txt'), read('.exit'), read('.stderr')]);
    // A refused file (null) is a problem already: its command is unknown, not an empty output.
    if (stdout == null || exit === null) continue;
    const exitCode = exit === undefined ? 0 : Number.parseInt(exit.trim(), 10);
    commands.set(name, { stdout, exitCode: Number.isNaN(exitCode) ? 1 : exitCode, stderr: stderr ?? undefined });
  }
  return commands;
}

/** local/commands/: what ran on the machine gpuctl ran on (helm version…). */
async function readLocalCommands(files: SnapshotFiles, collection: Collection): Promise<void> {
  const commands = await readCommands(files, 'local/commands');
  if (commands.size > 0) collection.localCommands = commands;
}

/** prometheus/queries.json: the metric queries of a live run (see docs/checks/gpu-metrics-missing.md). */
async function readPrometheusQueries(files: SnapshotFiles, collection: Collection): Promise<void> {
  const rel = 'prometheus/queries.json';
  const text = await files.readText(rel, FILE_LIMITS.smallFileBytes * 16);
  if (text === undefined) return;
  try {
    const value = parseJson(text) as PrometheusQueries;
    if (!value || typeof value !== 'object' || !Array.isArray(value.results)) throw new Error('expected an object with a "results" array');
    if (value.results.some((r) => !r || typeof r.query !== 'string')) throw new Error('every result needs a "query" string');
    collection.prometheus = value;
  } catch (err) {
    collection.problems.push({ path: rel, message: `invalid Prometheus queries: ${oneLine(err)}` });
  }
}

async function readProcesses(files: SnapshotFiles, collection: Collection): Promise<void> {
  for (const ns of await files.dirNames('pods')) {
    for (const pod of await files.dirNames(`pods/${ns}`)) {
      for (const container of await files.dirNames(`pods/${ns}/${pod}`)) {
        const key = `${ns}/${pod}/${container}`;
        const dir = `pods/${key}`;
        const commands = await readCommands(files, `${dir}/commands`);
        if (commands.size > 0) collection.containerCommands.set(key, commands);
        const names = await files.fileNames(dir);
        if (names.includes('ld.so.preload')) {
          const preload = await files.readText(`${dir}/ld.so.preload`, FILE_LIMITS.hostFileBytes, { what: 'ld.so.preload' });
          if (preload !== undefined) collection.preloadFiles.set(key, preload);
        }
        if (!names.includes('processes.json')) continue;
        const rel = `${dir}/processes.json`;
        const text = await files.readText(rel, FILE_LIMITS.processTableBytes, { what: 'process table' });
        if (text === undefined) continue;
        try {
          const table = parseJson(text) as ProcessInfo[];
          if (!Array.isArray(table)) throw new Error('expected an array of processes');
          collection.processes.set(key, table);
        } catch (err) {
          collection.problems.push({ path: rel, message: `invalid process table: ${oneLine(err)}` });
        }
      }
    }
  }
}

async function readMeta(files: SnapshotFiles, collection: Collection): Promise<void> {
  const text = await files.readText('meta.json', FILE_LIMITS.smallFileBytes);
  if (text === undefined) return;
  let meta: unknown;
  try {
    meta = parseJson(text);
  } catch (err) {
    collection.problems.push({ path: 'meta.json', message: `invalid JSON: ${oneLine(err)}` });
    return;
  }
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) collection.meta = meta as SnapshotMeta;
  else collection.problems.push({ path: 'meta.json', message: `not a JSON object (found ${meta === null ? 'null' : Array.isArray(meta) ? 'an array' : typeof meta}); ignored` });
}

/** JSON.parse of a file's text, a leading byte-order mark allowed. */
function parseJson(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

