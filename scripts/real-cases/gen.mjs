// Regenerates the real-case corpus test/cases/real/<id>/ (deterministic: same input, same bytes).
//   node scripts/real-cases/gen.mjs [case-id…]
// Each case module under cases/ exports `cases`: [{ id, title, thread, quotes, rootCause, confirmation,
// expect, setup, rebuilt, build(snapshot) }]. The snapshot is data, committed as written; CASE.md and case.json
// are written next to it from the same definition.
import fs from 'node:fs';
import path from 'node:path';
import { Snapshot } from './lib.mjs';

const here = import.meta.dirname;
const root = path.resolve(here, '../../test/cases/real');
const modules = fs.readdirSync(path.join(here, 'cases')).filter((f) => f.endsWith('.mjs')).sort();
const all = [];
for (const m of modules) all.push(...(await import(path.join(here, 'cases', m))).cases);

const wanted = process.argv.slice(2);
const ids = new Set();
for (const c of all) {
  if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
  ids.add(c.id);
  if (wanted.length && !wanted.includes(c.id)) continue;
  const s = new Snapshot(c.snapshot);
  c.build(s);
  const dir = path.join(root, c.id);
  s.write(dir);
  fs.writeFileSync(path.join(dir, 'case.json'), JSON.stringify(caseJson(c), null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'CASE.md'), caseMd(c));
}
if (!wanted.length) fs.writeFileSync(path.join(root, 'README.md'), indexMd(all));

function caseJson(c) {
  return {
    id: c.id,
    title: c.title,
    thread: c.thread.url,
    healthy: c.expect.errors.length === 0,
    expect: c.expect,
    confirmedBy: c.confirmation.by,
    components: c.components,
  };
}

function caseMd(c) {
  const q = (t) => t.split('\n').map((l) => `> ${l}`).join('\n');
  return [
    `# ${c.id}: ${c.title}`,
    '',
    `Thread: ${c.thread.url} (${c.thread.state})`,
    '',
    `Setup: ${c.setup}`,
    '',
    c.expect.errors.length ? '## Evidence, quoted exactly from the thread' : '## What the thread shows working, quoted exactly',
    '',
    ...c.quotes.flatMap((x) => [`${x.who}:`, '', '```', x.text, '```', '']),
    c.expect.errors.length ? '## Root cause, as confirmed there' : '## Why this setup is valid',
    '',
    c.rootCause,
    '',
    `Confirmed by: ${c.confirmation.by}${c.confirmation.quote ? ` — "${c.confirmation.quote}"` : ''}`,
    '',
    '## What gpuctl should report',
    '',
    c.expect.errors.length ? `Errors: ${c.expect.errors.map((e) => `\`${e}\``).join(', ')}.` : 'No error findings (a healthy cluster with an unusual but valid setup).',
    ...(c.expect.note ? ['', c.expect.note] : []),
    '',
    '## How the snapshot was rebuilt',
    '',
    c.rebuilt,
    '',
  ].join('\n');
}

function indexMd(cases) {
  const rows = cases.map((c) => `| [${c.id}](${c.id}/CASE.md) | ${c.title.replace(/\|/g, '\\|')} | ${c.expect.errors.length ? c.expect.errors.map((e) => `\`${e}\``).join(', ') : 'healthy'} | ${c.thread.url} |`);
  const broken = cases.filter((c) => c.expect.errors.length).length;
  return [
    '# Real-case corpus',
    '',
    `Snapshots rebuilt from public bug reports and discussions: ${cases.length} cases, ${broken} broken (the confirmed root cause must be reported as an error) and ${cases.length - broken} healthy clusters with unusual but valid setups (no error at all).`,
    'Each directory is a snapshot in gpuctl\'s format (docs/snapshot.md) with `CASE.md` (thread, exact quotes, root cause, how it was rebuilt) and `case.json` (`expect.errors`).',
    'Regenerate with `node scripts/real-cases/gen.mjs`; run gpuctl on one with `bin/gpuctl doctor --snapshot test/cases/real/ID -o json`.',
    '',
    '| case | what happened | expected errors | thread |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
