import { UsageError } from '../errors.js';
import type { Lang } from '../i18n/lang.js';
import { PLAYBOOKS } from '../playbook/steps.js';
import { renderPlaybooks } from '../report/playbook.js';
import { colourEnabled } from '../report/style.js';

export function playbook(opts: { stack?: string; output: 'text' | 'markdown'; lang?: Lang }): string {
  const chosen = opts.stack ? PLAYBOOKS.filter((p) => p.id === opts.stack) : PLAYBOOKS;
  if (chosen.length === 0) throw new UsageError(`no playbook "${opts.stack}"`, `choose one of ${PLAYBOOKS.map((p) => p.id).join(', ')}`);
  return renderPlaybooks(chosen, opts.output, colourEnabled(process.stdout), opts.lang);
}
