// The architecture reads in one direction (DESIGN.md): sources → facts → checks → report. Every file
// under src/ and checks/ belongs to one layer below, and imports only its own layer and the layers that
// layer reads. The layers and what each reads are data; the tests parse the imports of every file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

interface Layer {
  name: string;
  /** Folders and files, relative to the repository root. */
  paths: string[];
  /** The other layers its modules may import. */
  reads: string[];
}

/** The order data flows in: no layer reads one after it, and none but the commands read the sources. */
const FLOW = ['sources', 'facts', 'checks', 'report'];
/** The one exception: each phase of the collection reads a frozen Facts of the phase before. */
const FLOW_EXCEPTIONS: Record<string, string[]> = { sources: ['facts'] };

const LAYERS: Layer[] = [
  {
    // Neutral: the Collection and Kubernetes object types, the resource types, the stack definitions (data and
    // pure predicates over objects, src/stacks/), tables, errors, bounds.
    name: 'model',
    paths: ['src/collection', 'src/stacks', 'src/catalogue.ts', 'src/model.ts', 'src/data', 'src/bounded.ts', 'src/duration.ts', 'src/errors.ts', 'src/paths.ts', 'src/suggest.ts', 'src/invocation.ts'],
    reads: [],
  },
  // The process itself: signals, the terminal's keys, cleanups that must run however gpuctl ends.
  { name: 'process', paths: ['src/interrupt.ts'], reads: ['model'] },
  // Observations over a Collection: never the sources that fill it.
  { name: 'facts', paths: ['src/facts'], reads: ['model'] },
  // Which findings gpuctl may fix itself, as API calls (data).
  { name: 'fix', paths: ['src/fix'], reads: ['model', 'facts'] },
  // All I/O. The collection's later phases read a frozen Facts of the phase before (src/sources/pipeline.ts);
  // live/apply.ts carries out the API calls of the fix plan.
  { name: 'sources', paths: ['src/sources'], reads: ['model', 'process', 'facts', 'fix'] },
  // The causal graph over findings (the rules are data in checks/links.ts).
  { name: 'causes', paths: ['src/causes.ts'], reads: ['model', 'facts'] },
  // The troubleshooting playbooks as data, and their walk in the graph's order.
  { name: 'playbook', paths: ['src/playbook'], reads: ['model', 'causes'] },
  // Judgements over Facts, and the engine that runs them and links their findings.
  { name: 'checks', paths: ['checks', 'src/check.ts', 'src/node-check.ts', 'src/remedies', 'src/engine.ts'], reads: ['model', 'facts', 'causes', 'playbook'] },
  // Findings into text, JSON, Markdown, JUnit, the docs generated from the catalogue, the translations they print.
  { name: 'report', paths: ['src/report', 'src/i18n', 'src/catalogue-docs.ts'], reads: ['model', 'facts', 'causes', 'playbook', 'checks'] },
  // The subcommands put the layers together.
  { name: 'commands', paths: ['src/commands', 'src/cli.ts', 'src/flags.ts', 'src/install'], reads: ['model', 'process', 'facts', 'sources', 'causes', 'playbook', 'checks', 'report', 'fix'] },
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string): string | undefined {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  return LAYERS.find((l) => l.paths.some((p) => rel === p || rel.startsWith(`${p}/`)))?.name;
}

/** The relative modules a file imports: static imports, re-exports and dynamic import(). */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'";]*?\sfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.')) specs.push(spec);
  }
  return specs;
}

const FILES = [...tsFiles(path.join(ROOT, 'src')), ...tsFiles(path.join(ROOT, 'checks'))];

describe('layers', () => {
  it('reads imports of every kind', () => {
    const text = [
      "import type { A } from './a.js';",
      "import {\n  B,\n  C,\n} from '../b.js';",
      "export type * from '../c.js';",
      "const { d } = await import('./d.js');",
      "import './e.js';",
      "import pLimit from 'p-limit';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', '../b.js', '../c.js', './d.js', './e.js']);
  });

  it('the layers read in one direction: no cycle, nothing reads a later layer of the flow, only commands read sources', () => {
    const names = LAYERS.map((l) => l.name);
    for (const layer of LAYERS) for (const read of layer.reads) expect(names, `${layer.name} reads ${read}`).toContain(read);
    // Each layer reads only layers declared before it: a cycle cannot be written down.
    LAYERS.forEach((layer, i) => {
      const before = names.slice(0, i);
      expect(layer.reads.filter((r) => !before.includes(r)), `${layer.name} reads a layer declared after it`).toEqual([]);
    });
    FLOW.forEach((name, i) => {
      const layer = LAYERS.find((l) => l.name === name)!;
      const later = layer.reads.filter((r) => FLOW.indexOf(r) > i && !FLOW_EXCEPTIONS[name]?.includes(r));
      expect(later, `${name} reads a later layer`).toEqual([]);
      if (name !== 'sources') expect(layer.reads, `${name} reads the sources`).not.toContain('sources');
    });
    expect(LAYERS.find((l) => l.name === 'facts')!.reads).toEqual(['model']);
  });

  it('every file under src/ and checks/ belongs to a layer', () => {
    expect(FILES.length).toBeGreaterThan(200);
    const orphans = FILES.filter((f) => !layerOf(f)).map((f) => path.relative(ROOT, f));
    expect(orphans, 'add their folder to LAYERS in test/layers.test.ts').toEqual([]);
  });

  it('no module imports a layer its own layer does not read', () => {
    const wrong: string[] = [];
    for (const file of FILES) {
      const from = layerOf(file);
      const layer = LAYERS.find((l) => l.name === from);
      if (!layer) continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
        if (!target.startsWith(path.join(ROOT, 'src')) && !target.startsWith(path.join(ROOT, 'checks'))) continue;
        const to = layerOf(target);
        if (to === from || (to && layer.reads.includes(to))) continue;
        wrong.push(`${path.relative(ROOT, file)} (${from}) imports ${spec} (${to ?? 'no layer'})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('nothing under src/facts imports from src/sources', () => {
    const offenders = tsFiles(path.join(ROOT, 'src/facts')).filter((f) => importsOf(readFileSync(f, 'utf8')).some((s) => /\/sources\//.test(s)));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
