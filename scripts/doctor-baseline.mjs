#!/usr/bin/env node
// Record `gpuctl doctor -o json` on every example and real case, or compare a fresh run with a record, so that
// a change of behaviour never loses a finding by accident (the developers' guide asks for it before such changes).
//   node scripts/doctor-baseline.mjs record DIR    # writes DIR/<example>.json and DIR/real-<case>.json
//   node scripts/doctor-baseline.mjs compare DIR   # prints LOST / CHANGED / NEW non-ok findings; exit 1 on LOST or CHANGED
// Run `npm run build` first: it runs dist/ through bin/gpuctl.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);
if (!['record', 'compare'].includes(mode) || !dir) {
  console.error('usage: node scripts/doctor-baseline.mjs record|compare DIR');
  process.exit(2);
}

const inputs = [];
for (const name of readdirSync('examples')) {
  if (statSync(join('examples', name)).isDirectory()) inputs.push({ key: name, path: join('examples', name) });
}
for (const name of readdirSync('test/cases/real')) {
  if (statSync(join('test/cases/real', name)).isDirectory()) inputs.push({ key: `real-${name}`, path: join('test/cases/real', name) });
}

function doctor(path) {
  try {
    return execFileSync('node', ['bin/gpuctl', 'doctor', '--snapshot', path, '-o', 'json', '--allow-partial'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, NO_COLOR: '1' },
    });
  } catch (error) {
    // Exit 1 (error findings) and 2 (incomplete) still print the report.
    if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('{')) return error.stdout;
    throw new Error(`${path}: ${error.stderr || error.message}`);
  }
}

const keyOf = (f) => `${f.name} ${JSON.stringify(f.subject)}`;

if (mode === 'record') {
  mkdirSync(dir, { recursive: true });
  for (const { key, path } of inputs) writeFileSync(join(dir, `${key}.json`), doctor(path));
  console.log(`recorded ${inputs.length} reports in ${dir}`);
  process.exit(0);
}

let broken = 0;
for (const { key, path } of inputs) {
  const file = join(dir, `${key}.json`);
  if (!existsSync(file)) {
    console.log(`NEW INPUT ${key}`);
    continue;
  }
  const before = new Map(JSON.parse(readFileSync(file, 'utf8')).findings.filter((f) => f.severity !== 'ok').map((f) => [keyOf(f), f]));
  const after = new Map(JSON.parse(doctor(path)).findings.filter((f) => f.severity !== 'ok').map((f) => [keyOf(f), f]));
  for (const [k, f] of before) {
    const now = after.get(k);
    if (!now) {
      broken++;
      console.log(`LOST    ${key}: ${f.severity} ${k}`);
    } else if (now.severity !== f.severity) {
      broken++;
      console.log(`CHANGED ${key}: ${k} ${f.severity} -> ${now.severity}`);
    }
  }
  for (const [k, f] of after) if (!before.has(k)) console.log(`NEW     ${key}: ${f.severity} ${k}`);
}
console.log(broken ? `${broken} finding(s) lost or changed` : 'no finding lost or changed');
process.exit(broken ? 1 : 0);
