// Check and playbook texts in the language asked for, and how a reporter shows a finding in it.
// Both languages come from the check definitions themselves (checks/NAME.ts: the English texts and `zh`); a
// translation replaces the generic texts and keeps the specific ones (the finding's message, evidence, fix
// summary and commands) beside them, untranslated. Playbook titles: src/i18n/zh-CN-playbooks.ts.
import type { Check, CheckTranslation, Explain } from '../check.js';
import { definedCheck, docsPath } from '../check.js';
import type { Finding } from '../model.js';
import type { Playbook, PlaybookStep } from '../playbook/steps.js';
import type { Lang } from './lang.js';
import { ZH_CN_PLAYBOOKS } from './zh-CN-playbooks.js';

export type { CheckTranslation } from '../check.js';

export interface PlaybookTranslation {
  title: string;
  /** Step id → title. */
  steps: Record<string, string>;
}

/** Where a check definition keeps its texts in each language other than English. */
const CHECK_TRANSLATION: Record<Exclude<Lang, 'en'>, (check: Check) => CheckTranslation | undefined> = { 'zh-CN': (check) => check.zh };
const PLAYBOOK_TRANSLATIONS: Record<Exclude<Lang, 'en'>, Record<string, PlaybookTranslation>> = { 'zh-CN': ZH_CN_PLAYBOOKS };

/** A check's texts in lang, from its definition; undefined for English. */
export function checkTranslation(check: Check, lang: Lang): CheckTranslation | undefined {
  return lang === 'en' ? undefined : CHECK_TRANSLATION[lang](check);
}

/** The texts in lang of the check of that name, from its definition (when its module is loaded: src/check.ts). */
export function translationOf(name: string, lang: Lang): CheckTranslation | undefined {
  const check = definedCheck(name);
  return check && checkTranslation(check, lang);
}

/** Title, ok line and explain texts of a check in lang (English where no translation exists). */
export function checkTexts(check: Check, lang: Lang): { title: string; ok: string; explain: Explain } {
  const t = checkTranslation(check, lang);
  return t ? { title: t.title, ok: t.ok, explain: t.explain } : { title: check.title, ok: check.ok, explain: check.explain };
}

export function localDocsPath(name: string, lang: Lang): string {
  return lang === 'en' ? docsPath(name) : `docs/${lang}/checks/${name}.md`;
}

/** A finding as a reporter prints it. */
export interface ShownFinding {
  /** The line after the severity symbol. */
  headline: string;
  /** The finding's own message, when the headline is a translation of the generic problem. */
  message?: string;
  fixSummary?: string;
  /** The finding's own fix summary, when fixSummary is a translation. */
  fixDetail?: string;
  docs: string;
}

export function showFinding(f: Finding, lang: Lang): ShownFinding {
  const t = translationOf(f.name, lang);
  if (!t) return { headline: f.message, ...(f.fix ? { fixSummary: f.fix.summary } : {}), docs: f.docs };
  if (f.severity === 'ok') return { headline: t.ok, docs: localDocsPath(f.name, lang) };
  return {
    headline: t.headline,
    message: f.message,
    ...(f.fix ? { fixSummary: t.fixSummary, fixDetail: f.fix.summary } : {}),
    docs: localDocsPath(f.name, lang),
  };
}

export function playbookTitle(playbook: Playbook, lang: Lang): string {
  return (lang === 'en' ? undefined : PLAYBOOK_TRANSLATIONS[lang][playbook.id]?.title) ?? playbook.title;
}

export function stepTitle(playbook: Playbook, step: PlaybookStep, lang: Lang): string {
  return (lang === 'en' ? undefined : PLAYBOOK_TRANSLATIONS[lang][playbook.id]?.steps[step.id]) ?? step.title;
}

/** The playbook translation tables, for the completeness tests (the checks' are in their definitions). */
export const TRANSLATIONS = { playbooks: PLAYBOOK_TRANSLATIONS };
