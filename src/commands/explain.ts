import { ALL_CHECKS } from '../../checks/index.js';
import { docsPath } from '../check.js';
import { UsageError } from '../errors.js';
import { placesOf } from '../playbook/walk.js';

export function explain(token: string): string {
  const t = token.trim().toLowerCase();
  const check = ALL_CHECKS.find((c) => c.name === t || c.id.toLowerCase() === t);
  if (!check) {
    const close = ALL_CHECKS.filter((c) => c.name.includes(t) || t.includes(c.name)).map((c) => c.name);
    throw new UsageError(
      `no check named "${token}"`,
      close.length ? `did you mean ${close.join(', ')}?` : 'list them with `gpuctl checks`',
    );
  }
  return [
    `${check.name} (${check.id}, ${check.category})`,
    '',
    `Detects: ${check.explain.detects}`,
    '',
    `Why it matters: ${check.explain.why}`,
    '',
    `Fix: ${check.explain.fix}`,
    '',
    `Reads: ${check.needs.length ? check.needs.join(', ') : 'the input files'}`,
    ...placesOf(check.name).map(({ playbook, step, index }) => `Playbook: ${playbook.title} › step ${index + 1}: ${step.title} (${step.layer})`),
    `Docs: ${docsPath(check.name)}`,
    '',
  ].join('\n');
}
