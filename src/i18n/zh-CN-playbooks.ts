// Simplified Chinese titles of the playbooks and their steps, keyed by ids: written beside the English ones
// (`zh:` in src/stacks/<id>.ts and src/playbook/steps.ts), indexed here. Verify commands and finding names
// stay as they are; a title without `zh` stays English.
import { PLAYBOOKS } from '../playbook/steps.js';
import type { PlaybookTranslation } from './checks.js';

export const ZH_CN_PLAYBOOKS: Record<string, PlaybookTranslation> = Object.fromEntries(
  PLAYBOOKS.filter((p) => p.zh).map((p) => [p.id, { title: p.zh!, steps: Object.fromEntries(p.steps.flatMap((s) => (s.zh ? [[s.id, s.zh]] : []))) }]),
);
