// Where the time of a run goes: a V8 CPU profile (`node --cpu-prof`) summarised as self and total time
// per function, with names and places taken from the bundle's source maps (dist/*.js.map).
// `npx tsx bench/profile.ts FILE.cpuprofile [N]` prints the top N of each.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  /** `function src/file.ts:line`, or the bundle place where there is no source map. */
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  sampledMs: number;
  self: ProfileRow[];
  total: ProfileRow[];
}

export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The time of a sample is the delta to the next one.
  const sampled = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const label = labeller();
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of sampled) {
    const key = label(byId.get(id)!);
    self.set(key, (self.get(key) ?? 0) + us);
    // Total time counts a function once per sample, however deep its recursion.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const all = [...sampled.values()].reduce((a, b) => a + b, 0);
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: all ? us / all : 0 }));
  total.delete('(root)');
  return { sampledMs: all / 1000, self: rows(self), total: rows(total) };
}

/** Names functions by their source-mapped place: the bundle is minified. */
function labeller(): (node: ProfileNode) => string {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      let map: SourceMap | undefined;
      try {
        const file = url.startsWith('file:') ? fileURLToPath(url) : url;
        if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = undefined;
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
  return (node) => {
    const f = node.callFrame;
    const entry = f.url ? (mapOf(f.url)?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number; name?: string } | undefined) : undefined;
    if (entry?.originalSource) {
      const source = entry.originalSource.replace(/^.*?\/(src|checks|node_modules)\//, '$1/');
      return `${entry.name ?? (f.functionName || '(anonymous)')} ${source}:${(entry.originalLine ?? 0) + 1}`;
    }
    const where = f.url ? `${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
}

export function formatRows(rows: ProfileRow[]): string[] {
  return rows.map((r) => `${r.ms.toFixed(0).padStart(7)} ms ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile.ts FILE.cpuprofile [N]');
    process.exit(2);
  }
  const summary = summariseProfile(file, Number(top));
  console.log(`self time (of ${summary.sampledMs.toFixed(0)} ms sampled)`);
  console.log(formatRows(summary.self).join('\n'));
  console.log(`\ntotal time`);
  console.log(formatRows(summary.total).join('\n'));
}
