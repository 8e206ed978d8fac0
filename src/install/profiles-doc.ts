// The parts of the docs that repeat the stack modules' install profiles and exec-check's --stack choices,
// written by `npm run docs` (scripts/gen-docs.ts); test/docs-generated.test.ts fails when a page is stale.
import { execCheckStackChoices } from '../stacks/derived.js';
import { CHARTS } from './charts.js';
import { DEFAULT_PROFILE, PROFILES, PROFILE_ALIASES } from './profiles.js';

export const INSTALL_DOC = 'docs/install.md';
export const EXEC_CHECK_DOC = 'docs/exec-check.md';

const BEGIN = (name: string) => `<!-- written by npm run docs from the stack modules: ${name} -->`;
const END = (name: string) => `<!-- end of ${name} -->`;

/** docs/install.md's table of profiles: name and aliases, charts in order and node labels, derived values. */
export function profileTable(): string[] {
  const aliasesOf = (id: string) => Object.entries(PROFILE_ALIASES).filter(([, to]) => to === id).map(([alias]) => `\`${alias}\``);
  const rows = Object.values(PROFILES).map((p) => {
    const aliases = aliasesOf(p.id);
    const name = [`\`${p.id}\``, p.id === DEFAULT_PROFILE ? ' (default)' : '', aliases.length ? ` (alias ${aliases.join(', ')})` : ''].join('');
    const charts = p.components.map((c) => `\`${CHARTS[c].repo.name}/${CHARTS[c].chart}\` ${CHARTS[c].version}`);
    const labels = p.nodeLabels.map((l) => `label \`${l.key}=${l.value}\``);
    return `| ${name} | ${[charts.join(', '), ...labels].join('; ')} | ${p.valuesDoc} |`;
  });
  return ['| profile | charts, in order | values derived from the facts |', '|---|---|---|', ...rows];
}

/** A page with the block between its markers (which it must have) replaced by these lines. */
function fillBlock(page: string, name: string, lines: string[], file: string): string {
  const begin = page.indexOf(BEGIN(name));
  const end = page.indexOf(END(name));
  if (begin < 0 || end < begin) throw new Error(`${file}: the markers of ${name} are missing (${BEGIN(name)} … ${END(name)})`);
  return `${page.slice(0, begin)}${BEGIN(name)}\n${lines.join('\n')}\n${page.slice(end)}`;
}

export function renderInstallDoc(page: string): string {
  return fillBlock(page, 'the install profiles', profileTable(), INSTALL_DOC);
}

/** exec-check's usage lines name the `--stack` choices inside a code block, where no marker can go. */
export function renderExecCheckDoc(page: string): string {
  const choices = `--stack ${execCheckStackChoices().join('|')}]`;
  if (!/--stack [a-z|-]+\]/.test(page)) throw new Error(`${EXEC_CHECK_DOC}: no '[--stack a|b|…]' usage line`);
  return page.replace(/--stack [a-z|-]+\]/g, choices);
}
