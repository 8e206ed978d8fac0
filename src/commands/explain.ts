import { ALL_CHECKS } from '../../checks/index.js';
import { checkTexts, localDocsPath, playbookTitle, stepTitle } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { UsageError } from '../errors.js';
import { gpuctlCommand } from '../invocation.js';
import { didYouMean } from '../suggest.js';
import { placesOf } from '../playbook/walk.js';
import { docsUrl } from '../paths.js';

export function explain(token: string, lang: Lang = 'en'): string {
  const t = token.trim().toLowerCase();
  const check = ALL_CHECKS.find((c) => c.name === t || c.id.toLowerCase() === t);
  if (!check) {
    throw new UsageError(
      `no check named "${token}"`,
      didYouMean(t, ALL_CHECKS.map((c) => c.name)) ?? `list them with \`${gpuctlCommand('checks')}\``,
    );
  }
  const words = ui(lang);
  const texts = checkTexts(check, lang);
  return [
    `${check.name} (${check.id}, ${check.category})`,
    ...(lang === 'en' ? [] : [texts.title]),
    '',
    `${words.explain.detects}${texts.explain.detects}`,
    '',
    `${words.explain.why}${texts.explain.why}`,
    '',
    `${words.explain.fix}${texts.explain.fix}`,
    '',
    `${words.explain.reads}${check.needs.length ? check.needs.join(', ') : words.explain.readsInput}`,
    ...placesOf(check.name).map(
      ({ playbook, step, index }) => `${words.explain.playbook}${playbookTitle(playbook, lang)} › ${words.playbook.step(index + 1)}${stepTitle(playbook, step, lang)} (${step.layer})`,
    ),
    `${words.explain.docs}${docsUrl(localDocsPath(check.name, lang))}`,
    '',
  ].join('\n');
}
