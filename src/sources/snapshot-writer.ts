// Writes a Collection in the snapshot layout of DESIGN.md (a directory, or a .tar.gz of one), redacted.
import { removeOnInterrupt } from '../interrupt.js';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GpuctlError } from '../errors.js';
import type { KubeObject } from '../collection/kube.js';
import type { Collection, CommandOutput } from '../collection/collection.js';
import { redactCollection, type RedactionReport } from './redact.js';
import { pluralOf } from '../collection/resources.js';

export interface WriteOptions {
  /** The cluster objects as JSON (default) or YAML lists; the snapshot reader takes both. */
  format?: 'json' | 'yaml';
  /** Replace an existing bundle file, or write into a directory that is not empty. */
  force?: boolean;
}

const isTarball = (target: string) => /\.(tar\.gz|tgz)$/i.test(target);

/**
 * Refuses to write over the user's files: an existing bundle file, or a directory that holds anything,
 * unless `force`. Returns whether the target directory exists (empty, or forced).
 */
export async function checkTarget(target: string, force = false): Promise<{ exists: boolean; empty: boolean }> {
  const info = await stat(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new GpuctlError(`cannot write the snapshot to ${target}: ${err.message}`);
  });
  if (!info) return { exists: false, empty: true };
  if (isTarball(target) || !info.isDirectory()) {
    if (info.isDirectory()) throw new GpuctlError(`${target} is a directory, not a bundle file`);
    if (!isTarball(target)) throw new GpuctlError(`${target} exists and is not a directory: give a new or empty directory, or a path ending in .tar.gz`);
    if (!force) throw new GpuctlError(`${target} exists: collect does not overwrite it`, 2, 'pass --force to replace it, or give another name');
    return { exists: true, empty: false };
  }
  const empty = (await readdir(target)).length === 0;
  if (!empty && !force) throw new GpuctlError(`${target} is not empty: collect writes into a new or empty directory`, 2, 'give a new directory, or pass --force to write into this one');
  return { exists: true, empty };
}

/** Writes the redacted collection; returns what was redacted where (also in the bundle's meta.json). */
export async function writeSnapshot(unredacted: Collection, target: string, options: WriteOptions = {}): Promise<RedactionReport> {
  // The one choke point: everything below writes from the redacted copy only.
  const { collection, report } = redactCollection(unredacted);
  const existing = await checkTarget(target, options.force);
  // Written under a temporary name beside the target, then renamed: an interrupted or failed collect
  // leaves no half bundle under the name the user gave (and never a half-overwritten one).
  const parent = path.dirname(path.resolve(target));
  await mkdir(parent, { recursive: true }).catch((err) => {
    throw new GpuctlError(`cannot write the snapshot to ${target}: ${(err as Error).message}`);
  });
  if (isTarball(target)) {
    const staging = await mkdtemp(path.join(tmpdir(), 'gpuctl-collect-'));
    const partial = path.join(parent, `.${path.basename(target)}.gpuctl-partial-${process.pid}`);
    const unregister = [removeOnInterrupt(staging), removeOnInterrupt(partial, true)];
    try {
      const name = path.basename(target).replace(/\.(tar\.gz|tgz)$/i, '');
      await writeDir(collection, path.join(staging, name), options);
      const tar = await import('tar');
      await tar.c({ gzip: true, file: partial, cwd: staging, portable: true }, [name]);
      await rename(partial, target);
    } finally {
      await rm(staging, { recursive: true, force: true });
      await rm(partial, { force: true });
      for (const undo of unregister) undo();
    }
    return report;
  }
  // --force into a directory that holds other files: written in place, as asked.
  if (existing.exists && !existing.empty) {
    await writeDir(collection, target, options);
    return report;
  }
  const partial = await mkdtemp(path.join(parent, `.${path.basename(target)}.gpuctl-partial-`));
  const unregister = removeOnInterrupt(partial, true);
  try {
    await writeDir(collection, partial, options);
    if (existing.exists) await rmdir(target);
    await rename(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
    unregister();
  }
  return report;
}

async function writeDir(collection: Collection, root: string, options: WriteOptions): Promise<void> {
  await mkdir(root, { recursive: true }).catch((err) => {
    throw new GpuctlError(`cannot write the snapshot to ${root}: ${(err as Error).message}`);
  });
  const byKind = new Map<string, KubeObject[]>();
  // The collection is redacted already (writeSnapshot); one push per object, not a copy of the list each time.
  for (const obj of collection.objects) {
    const list = byKind.get(obj.kind);
    if (list) list.push(obj);
    else byKind.set(obj.kind, [obj]);
  }
  const files: [string, string][] = [];
  const { stringify } = options.format === 'yaml' ? await import('yaml') : { stringify: undefined };
  for (const [kind, items] of byKind) {
    const list = { apiVersion: 'v1', kind: 'List', items };
    // Named as the API names the resource (runtimeclasses, clusterpolicies); the reader takes any name.
    if (stringify) files.push([`cluster/${pluralOf(kind)}.yaml`, stringify(list, { lineWidth: 0 })]);
    else files.push([`cluster/${pluralOf(kind)}.json`, JSON.stringify(list, null, 1)]);
  }
  for (const [key, text] of collection.logs) {
    const [ns, pod, rest] = splitKey(key);
    files.push([`logs/${ns}/${pod}/${rest}.log`, text]);
  }
  for (const [node, host] of collection.nodes) {
    for (const [file, text] of host.files) files.push([`nodes/${node}/files${file}`, text]);
    if (host.dirs.size) files.push([`nodes/${node}/dirs.txt`, [...host.dirs].join('\n') + '\n']);
    files.push(...commandFiles(`nodes/${node}/commands`, host.commands));
  }
  if (collection.localCommands) files.push(...commandFiles('local/commands', collection.localCommands));
  if (collection.prometheus) files.push(['prometheus/queries.json', JSON.stringify(collection.prometheus, null, 1)]);
  for (const [key, table] of collection.processes) {
    files.push([`pods/${key}/processes.json`, JSON.stringify(table, null, 1)]);
  }
  for (const [key, text] of collection.preloadFiles) files.push([`pods/${key}/ld.so.preload`, text]);
  for (const [key, commands] of collection.containerCommands) files.push(...commandFiles(`pods/${key}/commands`, commands));
  const unavailable = Object.fromEntries(collection.unavailable);
  files.push(['meta.json', JSON.stringify({ ...collection.meta, ...(collection.unavailable.size ? { unavailable } : {}) }, null, 2)]);
  for (const [rel, content] of files) {
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep)) continue; // a hostile name must not escape the snapshot
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

function commandFiles(dir: string, commands: Map<string, CommandOutput>): [string, string][] {
  const files: [string, string][] = [];
  for (const [name, out] of commands) {
    files.push([`${dir}/${name}.txt`, out.stdout]);
    if (out.exitCode !== 0) files.push([`${dir}/${name}.exit`, `${out.exitCode}\n`]);
    if (out.stderr) files.push([`${dir}/${name}.stderr`, out.stderr]);
  }
  return files;
}

function splitKey(key: string): [string, string, string] {
  const [ns, pod, ...rest] = key.split('/');
  return [ns!, pod!, rest.join('/')];
}
