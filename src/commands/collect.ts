// `gpuctl collect`: a live cluster into the snapshot layout, redacted, for `doctor --snapshot` elsewhere.
import { version } from '../../package.json';
import { gatherLive, type LiveGatherOptions } from './gather.js';

export async function collect(opts: LiveGatherOptions & { output: string; redactReport?: boolean }): Promise<void> {
  // A snapshot is whole: it also serves people reading it, not only the checks.
  const collection = await gatherLive({ ...opts, keepUnread: true });
  collection.meta.gpuctlVersion = version;
  const { writeSnapshot } = await import('../sources/snapshot-writer.js');
  const redactions = await writeSnapshot(collection, opts.output);
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
  process.stderr.write(`gpuctl: wrote ${opts.output}: ${parts.join(', ')}\n`);
}
