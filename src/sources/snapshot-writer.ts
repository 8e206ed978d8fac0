// Writes a Collection in the snapshot layout of DESIGN.md (a directory, or a .tar.gz of one), redacted.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GpuctlError } from '../errors.js';
import type { KubeObject } from '../facts/kube.js';
import type { Collection, CommandOutput } from './collection.js';
import { redactCollection, redactEnviron, redactObject, redactText, type RedactionReport } from './redact.js';

export interface WriteOptions {
  /** The cluster objects as JSON (default) or YAML lists; the snapshot reader takes both. */
  format?: 'json' | 'yaml';
}

/** Writes the redacted collection; returns what was redacted where (also in the bundle's meta.json). */
export async function writeSnapshot(unredacted: Collection, target: string, options: WriteOptions = {}): Promise<RedactionReport> {
  // The one choke point: everything below writes from the redacted copy only.
  const { collection, report } = redactCollection(unredacted);
  if (/\.(tar\.gz|tgz)$/i.test(target)) {
    const staging = await mkdtemp(path.join(tmpdir(), 'gpuctl-collect-'));
    try {
      const name = path.basename(target).replace(/\.(tar\.gz|tgz)$/i, '');
      await writeDir(collection, path.join(staging, name), options);
      const tar = await import('tar');
      await tar.c({ gzip: true, file: target, cwd: staging, portable: true }, [name]);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return report;
  }
  await writeDir(collection, target, options);
  return report;
}

async function writeDir(collection: Collection, root: string, options: WriteOptions): Promise<void> {
  await mkdir(root, { recursive: true }).catch((err) => {
    throw new GpuctlError(`cannot write the snapshot to ${root}: ${(err as Error).message}`);
  });
  const byKind = new Map<string, KubeObject[]>();
  for (const obj of collection.objects) byKind.set(obj.kind, [...(byKind.get(obj.kind) ?? []), redactObject(obj)]);
  const files: [string, string][] = [];
  const { stringify } = options.format === 'yaml' ? await import('yaml') : { stringify: undefined };
  for (const [kind, items] of byKind) {
    const list = { apiVersion: 'v1', kind: 'List', items };
    if (stringify) files.push([`cluster/${kind.toLowerCase()}s.yaml`, stringify(list, { lineWidth: 0 })]);
    else files.push([`cluster/${kind.toLowerCase()}s.json`, JSON.stringify(list, null, 1)]);
  }
  for (const [key, text] of collection.logs) {
    const [ns, pod, rest] = splitKey(key);
    files.push([`logs/${ns}/${pod}/${rest}.log`, text]);
  }
  for (const [node, host] of collection.nodes) {
    for (const [file, text] of host.files) files.push([`nodes/${node}/files${file}`, redactText(text)]);
    if (host.dirs.size) files.push([`nodes/${node}/dirs.txt`, [...host.dirs].join('\n') + '\n']);
    files.push(...commandFiles(`nodes/${node}/commands`, host.commands));
  }
  if (collection.localCommands) files.push(...commandFiles('local/commands', collection.localCommands));
  if (collection.prometheus) files.push(['prometheus/queries.json', JSON.stringify(collection.prometheus, null, 1)]);
  for (const [key, table] of collection.processes) {
    const redacted = table.map((p) => ({ ...p, environ: redactEnviron(p.environ) }));
    files.push([`pods/${key}/processes.json`, JSON.stringify(redacted, null, 1)]);
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
