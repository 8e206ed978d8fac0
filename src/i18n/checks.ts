// Check and playbook texts in the language asked for, and how a reporter shows a finding in it.
// English comes from the definitions themselves; a translation replaces the generic texts and keeps the
// specific ones (the finding's message, evidence, fix summary and commands) beside them, untranslated.
import type { Check, Explain } from '../check.js';
import { docsPath } from '../check.js';
import type { Finding } from '../model.js';
import type { Playbook, PlaybookStep } from '../playbook/steps.js';
import type { Lang } from './lang.js';
import { ZH_CN_CHECKS } from './zh-CN.js';
import { ZH_CN_PLAYBOOKS } from './zh-CN-playbooks.js';

export interface CheckTranslation {
  title: string;
  /** Shown with ✓ when the check finds nothing. */
  ok: string;
  /** A short generic statement of the problem, for the finding's first line. */
  headline: string;
  /** What to do, in general; the finding's own commands follow it. */
  fixSummary: string;
  explain: Explain;
}

export interface PlaybookTranslation {
  title: string;
  /** Step id → title. */
  steps: Record<string, string>;
}

const CHECK_TRANSLATIONS: Record<Exclude<Lang, 'en'>, Record<string, CheckTranslation>> = { 'zh-CN': ZH_CN_CHECKS };
const PLAYBOOK_TRANSLATIONS: Record<Exclude<Lang, 'en'>, Record<string, PlaybookTranslation>> = { 'zh-CN': ZH_CN_PLAYBOOKS };

export function translationOf(name: string, lang: Lang): CheckTranslation | undefined {
  return lang === 'en' ? undefined : CHECK_TRANSLATIONS[lang][name];
}

/** Title, ok line and explain texts of a check in lang (English where no translation exists). */
export function checkTexts(check: Check, lang: Lang): { title: string; ok: string; explain: Explain } {
  const t = translationOf(check.name, lang);
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

/** Every translation table, for the completeness tests. */
export const TRANSLATIONS = { checks: CHECK_TRANSLATIONS, playbooks: PLAYBOOK_TRANSLATIONS };
