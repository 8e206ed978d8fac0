// Orders what the doctor found into the playbook steps to take, lowest layer first.
import type { CauseGraph } from '../causes.js';
import type { Finding } from '../model.js';
import type { Playbook, PlaybookStep } from './steps.js';
import { LAYERS, PLAYBOOKS } from './steps.js';

export interface TakenStep {
  playbook: Playbook;
  step: PlaybookStep;
  findings: Finding[];
  commands: string[];
}

/**
 * The steps whose findings fired (errors and warnings), each once, in dependency order: with the causal
 * graph, steps of root causes first, then those of the findings they explain (by distance from their root),
 * then the layer order; each command once, in the first step that has it.
 */
export function walkPlaybook(findings: Finding[], playbooks: Playbook[] = PLAYBOOKS, graph?: Pick<CauseGraph, 'explainedBy' | 'roots'>): TakenStep[] {
  const problems = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
  const depth = graph ? depthsFrom(graph) : new Map<Finding, number>();
  const depthOf = (step: PlaybookStep) => Math.min(Infinity, ...problems.filter((f) => step.findings.includes(f.name)).map((f) => depth.get(f) ?? 0));
  const taken: TakenStep[] = [];
  const claimed = new Set<Finding>();
  const printed = new Set<string>();
  const candidates = playbooks.flatMap((playbook) => playbook.steps.map((step) => ({ playbook, step, depth: depthOf(step) })));
  candidates.sort((a, b) => a.depth - b.depth || LAYERS.indexOf(a.step.layer) - LAYERS.indexOf(b.step.layer));
  for (const { playbook, step } of candidates) {
    // A finding belongs to the first step that names it, so a step never repeats another's work.
    const mine = problems.filter((f) => step.findings.includes(f.name) && !claimed.has(f));
    if (mine.length === 0) continue;
    for (const f of mine) claimed.add(f);
    const commands: string[] = [];
    for (const c of mine.flatMap((f) => f.fix?.commands ?? [])) {
      if (printed.has(commandKey(c))) continue;
      printed.add(commandKey(c));
      commands.push(c);
    }
    taken.push({ playbook, step, findings: mine, commands });
  }
  return taken;
}

/** A command without its trailing `# comment`: the same command with another comment is the same step. */
export function commandKey(command: string): string {
  return command.includes('\n') ? command : command.replace(/\s+#\s.*$/, '').trim();
}

/** How far each finding is from the root cause that explains it (0: a root cause). */
function depthsFrom(graph: Pick<CauseGraph, 'explainedBy' | 'roots'>): Map<Finding, number> {
  const explains = new Map<Finding, Finding[]>();
  for (const [symptom, causes] of graph.explainedBy) for (const c of causes) explains.set(c, [...(explains.get(c) ?? []), symptom]);
  const depth = new Map<Finding, number>();
  let level = graph.roots.flatMap((r) => r.findings);
  for (let d = 0; level.length; d++) {
    const next: Finding[] = [];
    for (const f of level) {
      if (depth.has(f)) continue;
      depth.set(f, d);
      next.push(...(explains.get(f) ?? []));
    }
    level = next;
  }
  return depth;
}

/** Where a finding name sits in the playbooks. */
export function placesOf(name: string): { playbook: Playbook; step: PlaybookStep; index: number }[] {
  return PLAYBOOKS.flatMap((playbook) =>
    playbook.steps.flatMap((step, index) => (step.findings.includes(name) ? [{ playbook, step, index }] : [])),
  );
}
