// Facts observe; checks judge (issue 11). No module under src/facts or src/data builds an Issue or a
// Fix, names a severity or reaches up into the remedies or the checks; no fact module grows past the
// size where it starts holding two jobs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The modules a file imports, resolved against the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*? from '([^']+)';/gms)]
    .map((m) => m[1]!)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.relative(ROOT, path.resolve(path.dirname(file), spec)));
}

const FACT_FILES = [...tsFiles(path.join(ROOT, 'src/facts')), ...tsFiles(path.join(ROOT, 'src/data'))];
const rel = (f: string) => path.relative(ROOT, f);

describe('src/facts holds observations', () => {
  it('reads fact modules at all', () => {
    expect(FACT_FILES.length).toBeGreaterThan(30);
  });

  it('no fact module imports the model of findings, the remedies, the checks or the report', () => {
    const offenders = FACT_FILES.flatMap((f) =>
      importsOf(f)
        .filter((m) => m === 'src/model.js' || m.startsWith('src/remedies/') || m.startsWith('checks/') || m.startsWith('src/report/') || m === 'src/node-check.js')
        .map((m) => `${rel(f)} imports ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no fact module names a severity or builds a fix', () => {
    // Code only: comments and quoted text (a wording table may quote an upstream "Fix: …") do not count.
    const code = (f: string) =>
      readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
        .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, "''");
    const offenders = FACT_FILES.filter((f) => /\bseverity\b|\bIssue\b|\bFix\b|\bfix\s*\(/.test(code(f))).map(rel);
    expect(offenders).toEqual([]);
  });

  it('no fact module is over 400 lines', () => {
    const big = FACT_FILES.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, lines]) => lines > 400);
    expect(big).toEqual([]);
  });

  it('the remedies read facts, never the checks', () => {
    const offenders = tsFiles(path.join(ROOT, 'src/remedies')).flatMap((f) => importsOf(f).filter((m) => m.startsWith('checks/')).map((m) => `${rel(f)} imports ${m}`));
    expect(offenders).toEqual([]);
  });
});
