// Orders what the doctor found into the playbook steps to take, lowest layer first.
import type { Finding } from '../model.js';
import type { Playbook, PlaybookStep } from './steps.js';
import { LAYERS, PLAYBOOKS } from './steps.js';

export interface TakenStep {
  playbook: Playbook;
  step: PlaybookStep;
  findings: Finding[];
  commands: string[];
}

/** The steps whose findings fired (errors and warnings), each once, in dependency order. */
export function walkPlaybook(findings: Finding[], playbooks: Playbook[] = PLAYBOOKS): TakenStep[] {
  const problems = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  const taken: TakenStep[] = [];
  const claimed = new Set<Finding>();
  const candidates = playbooks.flatMap((playbook) => playbook.steps.map((step) => ({ playbook, step })));
  candidates.sort((a, b) => LAYERS.indexOf(a.step.layer) - LAYERS.indexOf(b.step.layer));
  for (const { playbook, step } of candidates) {
    // A finding belongs to the first (lowest) step that names it, so a step never repeats another's work.
    const mine = problems.filter((f) => step.findings.includes(f.name) && !claimed.has(f));
    if (mine.length === 0) continue;
    for (const f of mine) claimed.add(f);
    const commands = [...new Set(mine.flatMap((f) => f.fix?.commands ?? []))];
    taken.push({ playbook, step, findings: mine, commands });
  }
  return taken;
}

/** Where a finding name sits in the playbooks. */
export function placesOf(name: string): { playbook: Playbook; step: PlaybookStep; index: number }[] {
  return PLAYBOOKS.flatMap((playbook) =>
    playbook.steps.flatMap((step, index) => (step.findings.includes(name) ? [{ playbook, step, index }] : [])),
  );
}
