// What the docs repeat of the catalogue, generated from it (src/catalogue.ts) and the checks' texts: the
// table of docs/checks/README.md, and the heading and title line of each English check page
// (docs/checks/NAME.md) and its evidence table (src/data/evidence-sources.ts, which the Chinese pages of
// src/i18n/docs.ts share). The rest of an English page (what it detects, the fix) is written by hand and
// kept. `npm run docs` writes them (scripts/gen-docs.ts); test/docs-generated.test.ts renders them again.
import type { Check } from './check.js';
import { docsPath } from './check.js';
import type { CheckName } from './catalogue.js';
import { CATALOGUE } from './catalogue.js';
import { EVIDENCE_SOURCES } from './data/evidence-sources.js';

export const CHECKS_INDEX = 'docs/checks/README.md';
const TABLE_BEGIN = '<!-- generated from src/catalogue.ts by `npm run docs`: edit the catalogue, not this table -->';
const TABLE_END = '<!-- end of the generated table -->';
/** The generated title line of an English page, after its heading. */
const TITLE = '**Checks:** ';

/**
 * The English files as they should be, path → content, given what is on disk now (`read`, undefined for a
 * missing file): the index table and every check page's heading and title line; the hand-written rest kept.
 */
export function renderCatalogueDocs(checks: Check[], read: (file: string) => string | undefined): Map<string, string> {
  const files = new Map<string, string>();
  const index = read(CHECKS_INDEX);
  if (index === undefined) throw new Error(`${CHECKS_INDEX} is missing`);
  files.set(CHECKS_INDEX, withTable(index));
  for (const check of checks) {
    const file = docsPath(check.name);
    const page = read(file);
    if (page === undefined) throw new Error(`${file} is missing: every check has a hand-written page`);
    files.set(file, withEvidence(withHeading(page, check), check.name as CheckName));
  }
  return files;
}

function withTable(index: string): string {
  const table = ['| id | name | category |', '|---|---|---|', ...CATALOGUE.map((e) => `| ${e.id} | ${e.name} | ${e.category} |`)];
  const begin = index.indexOf(TABLE_BEGIN);
  const end = index.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`${CHECKS_INDEX}: the table's markers are missing`);
  return `${index.slice(0, begin)}${[TABLE_BEGIN, ...table, TABLE_END].join('\n')}${index.slice(end + TABLE_END.length)}`;
}

function withHeading(page: string, check: Check): string {
  let body = page.slice(page.indexOf('\n') + 1).replace(/^\n+/, '');
  if (body.startsWith(TITLE)) body = body.slice(body.search(/\n\n|$/)).replace(/^\n+/, '');
  return `# ${check.name} (${check.id}, ${check.category})\n\n${TITLE}${check.title}\n\n${body}`;
}

const EVIDENCE_HEADING = '## Evidence sources';

/** A check's evidence table as Markdown lines, in English or Chinese, from src/data/evidence-sources.ts. */
export function evidenceTable(name: CheckName, lang: 'en' | 'zh-CN' = 'en'): string[] {
  const rows = EVIDENCE_SOURCES[name].map((r) => (lang === 'en' ? r : r.zh));
  const header = lang === 'en' ? ['| fact | where gpuctl reads it |', '|---|---|'] : ['| 事实 | gpuctl 从哪里读取 |', '|---|---|'];
  return [...header, ...rows.map((r) => `| ${r.fact} | ${r.where} |`)];
}

/** The page with its "## Evidence sources" table rendered from the data (the heading is hand-placed; added before the fix when absent). */
function withEvidence(page: string, name: CheckName): string {
  const table = evidenceTable(name).join('\n');
  const lines = page.split('\n');
  const at = lines.indexOf(EVIDENCE_HEADING);
  if (at < 0) {
    const fix = page.search(/^\*\*Fix:\*\*/m);
    const section = `${EVIDENCE_HEADING}\n\n${table}\n\n`;
    return fix < 0 ? `${page.replace(/\n*$/, '\n\n')}${section}` : `${page.slice(0, fix)}${section}${page.slice(fix)}`;
  }
  let start = at + 1;
  while (lines[start] === '') start++;
  let end = start;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  return [...lines.slice(0, at + 1), '', table, ...(lines[end] === '' ? [] : ['']), ...lines.slice(end)].join('\n');
}
