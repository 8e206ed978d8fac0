// The playbook: at the end of the doctor's report (the branches taken), and whole for `gpuctl playbook`.
import type { Finding } from '../model.js';
import type { TakenStep } from '../playbook/walk.js';
import type { Playbook } from '../playbook/steps.js';
import { makeChalk, paint, SYMBOL } from './style.js';

function subjectOf(f: Finding): string {
  return `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

export function renderTakenText(taken: TakenStep[], colour: boolean): string {
  if (taken.length === 0) return '';
  const c = makeChalk(colour);
  const lines = [c.bold('Playbook'), c.dim('--------'), c.dim('What to do, in order: each step builds on the ones before.')];
  taken.forEach(({ playbook, step, findings, commands }, i) => {
    lines.push(`${i + 1}. ${c.bold(step.title)} ${c.dim(`[${step.layer} · ${playbook.title}]`)}`);
    for (const f of findings) lines.push(`   ${paint(c, f.severity, SYMBOL[f.severity])} ${f.name}: ${subjectOf(f)}`);
    for (const cmd of commands) lines.push(`   ${c.cyan('$')} ${cmd}`);
  });
  return lines.join('\n') + '\n';
}

export function renderTakenMarkdown(taken: TakenStep[]): string {
  if (taken.length === 0) return '';
  const out = ['', '### Playbook', ''];
  taken.forEach(({ playbook, step, findings, commands }, i) => {
    out.push(`${i + 1}. **${step.title}** (${step.layer} · ${playbook.title}) — ${findings.map((f) => `\`${f.name}\` ${subjectOf(f)}`).join(', ')}`);
    if (commands.length) out.push('', '   ```sh', ...commands.map((c) => `   ${c}`), '   ```');
  });
  return out.join('\n') + '\n';
}

export function takenJson(taken: TakenStep[]) {
  return taken.map(({ playbook, step, findings, commands }) => ({
    playbook: playbook.id,
    step: step.id,
    layer: step.layer,
    title: step.title,
    findings: findings.map((f) => ({ name: f.name, subject: f.subject })),
    commands,
  }));
}

export function renderPlaybooks(playbooks: Playbook[], format: 'text' | 'markdown', colour: boolean): string {
  const c = makeChalk(colour && format === 'text');
  const out: string[] = [];
  for (const pb of playbooks) {
    if (format === 'markdown') out.push(`## ${pb.title}`, '', `Source: ${pb.source}`, '');
    else out.push(c.bold(pb.title), c.dim(`source: ${pb.source}`));
    pb.steps.forEach((step, i) => {
      if (format === 'markdown') {
        out.push(`${i + 1}. **${step.title}** (${step.layer}) — findings: ${step.findings.map((n) => `\`${n}\``).join(', ')}`, '', '   ```sh', ...step.verify.map((v) => `   ${v}`), '   ```', '');
      } else {
        out.push(`  ${i + 1}. ${step.title} ${c.dim(`[${step.layer}]`)}`, `     ${c.dim('findings:')} ${step.findings.join(', ')}`, ...step.verify.map((v) => `     ${c.cyan('$')} ${v}`));
      }
    });
    out.push('');
  }
  return out.join('\n');
}
