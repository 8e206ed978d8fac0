// The playbook: at the end of the doctor's report (the branches taken), and whole for `gpuctl playbook`.
import { playbookTitle, stepTitle } from '../i18n/checks.js';
import type { Lang } from '../i18n/lang.js';
import { ui } from '../i18n/ui.js';
import type { Finding } from '../model.js';
import type { TakenStep } from '../playbook/walk.js';
import type { Playbook } from '../playbook/steps.js';
import { makeChalk, paint, SYMBOL, textWidth } from './style.js';
import { wrapCommand, wrapText } from './wrap.js';

function subjectOf(f: Finding): string {
  return `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
}

export function renderTakenText(taken: TakenStep[], colour: boolean, lang: Lang = 'en', width?: number): string {
  if (taken.length === 0) return '';
  const c = makeChalk(colour);
  const words = ui(lang).playbook;
  const lines = [c.bold(words.heading), c.dim('-'.repeat(textWidth(words.heading))), ...wrapText(c.dim(words.intro), width)];
  taken.forEach(({ playbook, step, findings, commands }, i) => {
    const number = `${i + 1}. `;
    lines.push(...wrapText(`${c.bold(stepTitle(playbook, step, lang))} ${c.dim(`[${step.layer} · ${playbookTitle(playbook, lang)}]`)}`, width, number, ' '.repeat(number.length)));
    for (const f of findings) lines.push(...wrapText(`${f.name}: ${subjectOf(f)}`, width, `   ${paint(c, f.severity, SYMBOL[f.severity])} `, '     '));
    for (const cmd of commands) lines.push(...wrapCommand(cmd, width, `   ${c.cyan('$')} `, '       '));
  });
  return lines.join('\n') + '\n';
}

export function renderTakenMarkdown(taken: TakenStep[], lang: Lang = 'en'): string {
  if (taken.length === 0) return '';
  const out = ['', `### ${ui(lang).playbook.heading}`, ''];
  taken.forEach(({ playbook, step, findings, commands }, i) => {
    out.push(`${i + 1}. **${stepTitle(playbook, step, lang)}** (${step.layer} · ${playbookTitle(playbook, lang)}) — ${findings.map((f) => `\`${f.name}\` ${subjectOf(f)}`).join(', ')}`);
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

export function renderPlaybooks(playbooks: Playbook[], format: 'text' | 'markdown', colour: boolean, lang: Lang = 'en'): string {
  const c = makeChalk(colour && format === 'text');
  const words = ui(lang).playbook;
  const out: string[] = [];
  for (const pb of playbooks) {
    const title = playbookTitle(pb, lang);
    if (format === 'markdown') out.push(`## ${title}`, '', `${words.sourceHeading}${pb.source}`, '');
    else out.push(c.bold(title), c.dim(`${words.source}${pb.source}`));
    pb.steps.forEach((step, i) => {
      const stepText = stepTitle(pb, step, lang);
      if (format === 'markdown') {
        out.push(`${i + 1}. **${stepText}** (${step.layer}) — ${words.findings}${step.findings.map((n) => `\`${n}\``).join(', ')}`, '', '   ```sh', ...step.verify.map((v) => `   ${v}`), '   ```', '');
      } else {
        out.push(`  ${i + 1}. ${stepText} ${c.dim(`[${step.layer}]`)}`, `     ${c.dim(words.findings)}${step.findings.join(', ')}`, ...step.verify.map((v) => `     ${c.cyan('$')} ${v}`));
      }
    });
    out.push('');
  }
  return out.join('\n');
}
