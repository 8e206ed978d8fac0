import { ALL_CHECKS } from '../../checks/index.js';
import { checkTexts } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import { textWidth } from '../report/style.js';

export function listChecks(output: 'text' | 'json', lang: Lang = 'en'): string {
  if (output === 'json') {
    const rows = ALL_CHECKS.map(({ id, name, category, title }) => ({ id, name, category, title }));
    return JSON.stringify(rows, null, 2) + '\n';
  }
  const words = ui(lang).checks;
  const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - textWidth(text)));
  const width = Math.max(textWidth(words.name), ...ALL_CHECKS.map((c) => c.name.length));
  const catWidth = Math.max(textWidth(words.category), ...ALL_CHECKS.map((c) => c.category.length));
  const lines = ALL_CHECKS.map((c) => `${c.id}  ${c.name.padEnd(width)}  ${c.category.padEnd(catWidth)}  ${checkTexts(c, lang).title}`);
  return [`${pad(words.id, 6)}  ${pad(words.name, width)}  ${pad(words.category, catWidth)}  ${words.title}`, ...lines].join('\n') + '\n';
}
