// One catalogue (src/catalogue.ts): every check's id, name and category in one table, from which the checks
// take their id and category, and from which (with the checks' texts) the docs' index table, the headings of
// the check pages in both languages and `gpuctl checks` are generated. The generated files must be up to date.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../checks/index.js';
import type { CheckName } from '../src/catalogue.js';
import { CATALOGUE, catalogueEntry } from '../src/catalogue.js';
import { evidenceTable, renderCatalogueDocs } from '../src/catalogue-docs.js';
import { EVIDENCE_SOURCES } from '../src/data/evidence-sources.js';
import { ZH_DOCS_DIR } from '../src/i18n/docs.js';
import { listChecks } from '../src/commands/checks.js';
import type { Issue } from '../src/model.js';
import type { Playbook } from '../src/playbook/steps.js';
import { PLAYBOOKS } from '../src/playbook/steps.js';
import { PLAYBOOK_DOC, renderPlaybookDoc } from '../src/report/playbook.js';
import { EXEC_CHECK_DOC, INSTALL_DOC, profileTable, renderExecCheckDoc, renderInstallDoc } from '../src/install/profiles-doc.js';
import { CHARTS } from '../src/install/charts.js';
import { PROFILES } from '../src/install/profiles.js';
import { ROOT } from './helpers/cli.js';

const read = (file: string) => (existsSync(path.join(ROOT, file)) ? readFileSync(path.join(ROOT, file), 'utf8') : undefined);

describe('one catalogue', () => {
  it('has one check for every row and one row for every check, with its id and category', () => {
    expect(ALL_CHECKS.map((c) => c.name).sort()).toEqual(CATALOGUE.map((e) => e.name).sort());
    for (const check of ALL_CHECKS) expect({ id: check.id, category: check.category }, check.name).toEqual({ id: catalogueEntry(check.name as CheckName).id, category: catalogueEntry(check.name as CheckName).category });
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
  });

  it('no check file writes its own id or category (they come from the catalogue)', () => {
    for (const check of ALL_CHECKS) {
      const src = readFileSync(path.join(ROOT, 'checks', `${check.name}.ts`), 'utf8');
      const definition = src.slice(src.indexOf('export default defineCheck({'));
      expect(definition, check.name).toMatch(/^export default defineCheck\(\{\n {2}name: '/);
      expect(definition, check.name).not.toMatch(/^ {2}(id|category): /m);
    }
  });

  it('the English docs (index table, page headings and title lines) are generated from it: run `npm run docs`', () => {
    const files = renderCatalogueDocs(ALL_CHECKS, read);
    expect(files.size).toBe(ALL_CHECKS.length + 1);
    for (const [file, content] of files) expect(read(file), `${file} is stale: run npm run docs`).toBe(content);
  });

  it('the comparison sees a stale file (the guard can fail)', () => {
    const renamed = ALL_CHECKS.map((c) => (c.name === 'gpu-node-unlabeled' ? { ...c, title: 'another title' } : c));
    const files = renderCatalogueDocs(renamed, read);
    expect(files.get('docs/checks/gpu-node-unlabeled.md')).not.toBe(read('docs/checks/gpu-node-unlabeled.md'));
    expect(files.get('docs/checks/gpu-node-unlabeled.md')).toMatch(/^# gpu-node-unlabeled \(GPU102, nodes\)\n\n\*\*Checks:\*\* another title\n\n\*\*Detects:\*\*/);
    // Rendering again what it rendered changes nothing: the hand-written body is kept as it is.
    const page = files.get('docs/checks/gpu-node-unlabeled.md')!;
    expect(renderCatalogueDocs(renamed, (f) => (f.endsWith('gpu-node-unlabeled.md') ? page : read(f))).get('docs/checks/gpu-node-unlabeled.md')).toBe(page);
  });

  it('docs/install.md\'s profile table and docs/exec-check.md\'s --stack choices follow the stack modules: run `npm run docs`', () => {
    expect(read(INSTALL_DOC), `${INSTALL_DOC} is stale: run npm run docs`).toBe(renderInstallDoc(read(INSTALL_DOC)!));
    expect(read(EXEC_CHECK_DOC), `${EXEC_CHECK_DOC} is stale: run npm run docs`).toBe(renderExecCheckDoc(read(EXEC_CHECK_DOC)!));
    // Every profile is a row, its charts and their pinned versions in it; an alias beside its profile.
    const table = profileTable().join('\n');
    for (const id of ['gpu-operator', 'device-plugin', 'hami', 'kantaloupe', 'tensor-fusion']) expect(table).toContain(`| \`${id}\``);
    expect(table).toContain('`device-plugin` (alias `nvidia-device-plugin`)');
    expect(table).toContain(`\`hami-charts/hami\` ${CHARTS.hami.version}`);
    // A chart pinned to another version makes the page stale.
    const pinned = CHARTS.hami.version;
    try {
      (CHARTS.hami as { version: string }).version = '9.9.9';
      expect(renderInstallDoc(read(INSTALL_DOC)!)).not.toBe(read(INSTALL_DOC));
    } finally {
      (CHARTS.hami as { version: string }).version = pinned;
    }
    expect(read(EXEC_CHECK_DOC)).toContain('[--stack auto|');
    // README's usage line writes the profiles by hand: it must name them all, in the stacks' order.
    expect(read('README.md')).toContain(`# charts only: ${Object.keys(PROFILES).join('|')}\n`);
    expect(renderExecCheckDoc('gpuctl exec-check POD [--stack auto|nvidia]')).toMatch(/^gpuctl exec-check POD \[--stack auto\|[a-z-]+\|[a-z|-]+\]$/);
  });

  it('docs/playbook/README.md is generated from the playbooks (the stacks\' and the GPU node\'s): run `npm run docs`', () => {
    expect(read(PLAYBOOK_DOC), `${PLAYBOOK_DOC} is stale: run npm run docs`).toBe(renderPlaybookDoc(PLAYBOOKS));
    // A step retitled in its stack module makes the page stale.
    const retitled = PLAYBOOKS.map((p) => (p.id === 'tensor-fusion' ? { ...p, steps: p.steps.map((s) => (s.id === 'worker' ? { ...s, title: 'Another title?' } : s)) } : p));
    expect(renderPlaybookDoc(retitled)).not.toBe(read(PLAYBOOK_DOC));
    expect(renderPlaybookDoc(retitled)).toContain('1. **GPU nodes not found: are they labelled nvidia.com/gpu.present=true?** (nodes)');
    expect(renderPlaybookDoc(retitled)).toContain('3. **Another title?** (stack) — findings: `tf-worker-crashing`');
  });

  it('every evidence table, English and Chinese, is rendered from src/data/evidence-sources.ts: the same rows, in order', () => {
    const tableOf = (page: string, heading: string) => {
      const lines = page.split('\n');
      let i = lines.indexOf(heading) + 1;
      while (lines[i] === '') i++;
      const rows: string[] = [];
      while (lines[i]?.startsWith('|')) rows.push(lines[i++]!);
      return rows;
    };
    for (const check of ALL_CHECKS) {
      const name = check.name as CheckName;
      const en = tableOf(read(`docs/checks/${name}.md`)!, '## Evidence sources');
      const zh = tableOf(read(`${ZH_DOCS_DIR}/${name}.md`)!, '## 证据来源');
      expect(en, name).toEqual(evidenceTable(name));
      expect(zh, name).toEqual(evidenceTable(name, 'zh-CN'));
      expect(zh.length, name).toBe(EVIDENCE_SOURCES[name].length + 2);
      // each Chinese row is a translation, not a copy of the English one
      for (const row of EVIDENCE_SOURCES[name]) expect(`${row.zh.fact} ${row.zh.where}`, `${name}: ${row.fact}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('a page without an evidence section gets one before its fix, an empty heading gets its table', () => {
    const page = '# gpu-node-unlabeled (GPU102, nodes)\n\n**Checks:** x\n\n**Detects:** y.\n\n**Fix:** z.\n';
    const files = renderCatalogueDocs(ALL_CHECKS, (f) => (f.endsWith('/gpu-node-unlabeled.md') ? page : read(f)));
    expect(files.get('docs/checks/gpu-node-unlabeled.md')).toContain(`**Detects:** y.\n\n## Evidence sources\n\n${evidenceTable('gpu-node-unlabeled').join('\n')}\n\n**Fix:** z.\n`);
    const empty = page.replace('**Fix:**', '## Evidence sources\n\n**Fix:**');
    const filled = renderCatalogueDocs(ALL_CHECKS, (f) => (f.endsWith('/gpu-node-unlabeled.md') ? empty : read(f)));
    expect(filled.get('docs/checks/gpu-node-unlabeled.md')).toContain(`**Detects:** y.\n\n## Evidence sources\n\n${evidenceTable('gpu-node-unlabeled').join('\n')}\n\n**Fix:** z.\n`);
  });

  it('`gpuctl checks` lists the catalogue: every id and name, in the table of the docs', () => {
    const rows = JSON.parse(listChecks('json')) as { id: string; name: string; category: string }[];
    expect(rows.map(({ id, name, category }) => ({ id, name, category })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      CATALOGUE.map(({ id, name, category }) => ({ id, name, category })).sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('cross-references between checks are typed names', () => {
    // @ts-expect-error a misspelt check name in an issue is a type error
    const issue: Issue = { severity: 'error', subject: { kind: 'Node', name: 'n' }, message: 'm', name: 'nvidia-runtime-mising' };
    // @ts-expect-error so is one in a catalogue lookup
    const entry = () => catalogueEntry('gpu-node-unlabelled');
    const step: Playbook['steps'][number] = { id: 's', layer: 'driver', title: 't', verify: [], findings: ['driver-not-loaded'] };
    expect([issue.name, typeof entry, step.findings]).toEqual(['nvidia-runtime-mising', 'function', ['driver-not-loaded']]);
  });
});
