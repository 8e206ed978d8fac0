// `gpuctl collect`: a live cluster into the snapshot layout, redacted, for `doctor --snapshot` elsewhere.
import { version } from '../../package.json';
import { UsageError } from '../errors.js';
import { gpuctlCommand } from '../invocation.js';
import { gatherLive, type LiveGatherOptions } from './gather.js';

export interface CollectOptions extends LiveGatherOptions {
  /** -f/--output-file: a directory, or a file ending in .tar.gz. */
  outputFile?: string;
  /** --output-directory: kubectl cluster-info dump's name for it. */
  outputDirectory?: string;
  /** -o: the format of the cluster objects (json, yaml); an older release took the path here. */
  output?: string;
  /** --redact-report: print what was redacted where. */
  redactReport?: boolean;
  /** Replace an existing bundle file, or write into a non-empty directory. */
  force?: boolean;
}

export const OBJECT_FORMATS = ['json', 'yaml'] as const;
export type ObjectFormat = (typeof OBJECT_FORMATS)[number];

/** Where to write and in which format, from -f, --output-directory and -o (a path given to -o still works). */
export function collectTarget(opts: CollectOptions): { target: string; format: ObjectFormat; notice?: string } {
  const output = opts.output ?? 'json';
  const isFormat = (OBJECT_FORMATS as readonly string[]).includes(output);
  const paths = [opts.outputFile, opts.outputDirectory].filter((p): p is string => !!p);
  if (paths.length > 1) throw new UsageError('give one place to write: -f/--output-file or --output-directory, not both');
  if (paths.length === 1) {
    if (!isFormat) throw new UsageError(`-o is the format of the objects (json or yaml), not "${output}"`, `the path goes to -f: ${gpuctlCommand(`collect -f ${paths[0]}`)}`);
    return { target: paths[0]!, format: output as ObjectFormat };
  }
  if (!isFormat) {
    return {
      target: output,
      format: 'json',
      notice: `-o is the format now, as in doctor; write the path with -f: ${gpuctlCommand(`collect -f ${output}`)}`,
    };
  }
  throw new UsageError('collect needs where to write the snapshot', `${gpuctlCommand('collect -f bundle.tar.gz')}, or --output-directory DIR`);
}

export async function collect(opts: CollectOptions): Promise<void> {
  const { target, format, notice } = collectTarget(opts);
  if (notice) process.stderr.write(`gpuctl: warning: ${notice}\n`);
  const { checkTarget, writeSnapshot } = await import('../sources/snapshot-writer.js');
  // Before reading the cluster: a refusal should not cost the user a whole collection.
  await checkTarget(target, opts.force);
  // A snapshot is whole: it also serves people reading it, not only the checks.
  const collection = await gatherLive({ ...opts, keepUnread: true });
  collection.meta.gpuctlVersion = version;
  const redactions = await writeSnapshot(collection, target, { format, force: opts.force });
  if (opts.redactReport) {
    for (const place of redactions.places) process.stdout.write(`redacted: ${place.where} (${place.rule})\n`);
    if (redactions.count > redactions.places.length) process.stdout.write(`redacted: … and ${redactions.count - redactions.places.length} more\n`);
  }
  const parts = [
    `${collection.objects.length} objects`,
    `${collection.logs.size} logs`,
    `${collection.nodes.size} node${collection.nodes.size === 1 ? '' : 's'} probed`,
    ...(collection.prometheus?.results.length ? [`${collection.prometheus.results.length} Prometheus queries`] : []),
    ...(collection.processes.size ? [`${collection.processes.size} process table${collection.processes.size === 1 ? '' : 's'}`] : []),
    ...(collection.unavailable.size ? [`${collection.unavailable.size} kinds unreadable (${[...collection.unavailable.keys()].join(', ')})`] : []),
  ];
  process.stderr.write(`gpuctl: wrote ${target}: ${parts.join(', ')}\n`);
}
