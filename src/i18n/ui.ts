// The words around the findings (headings, labels, counts) in each language. Check texts live in the
// check definitions, both languages (checks/NAME.ts: the English texts and `zh`); names, ids, severities
// and commands are never translated.
import type { Category } from '../model.js';
import { orList, stackCategories } from '../stacks/derived.js';
import { STACKS } from '../stacks/index.js';
import type { Lang } from './lang.js';

export interface Counts {
  errors: number;
  warnings: number;
  ok: number;
  skipped: number;
  checks: number;
}

export interface Ui {
  /** The category as a heading; the id stays visible where it is translated, since --checks takes it. */
  category(category: Category): string;
  /** Labels that precede a value, separator included. */
  on: string;
  fix: string;
  see: string;
  skipped: string;
  status: string;
  /** The parts of "1 error, 2 warnings, 30 passed, 1 skipped (34 checks)": the four counts, their separator, the total. */
  counts(counts: Counts): { errors: string; warnings: string; passed: string; skipped: string; separator: string; total: string };
  markdown: { check: string; subject: string; message: string; details(n: number): string; evidence: string; fix: string; see: string; more(n: number, command: string): string };
  playbook: { heading: string; intro: string; source: string; sourceHeading: string; findings: string; step(n: number): string };
  explain: { detects: string; why: string; fix: string; reads: string; readsInput: string; playbook: string; docs: string; english: string };
  checks: { id: string; name: string; category: string; title: string };
  execCheck: {
    stack: string;
    process: string;
    /** "; processes from /proc" */
    processesFrom: string;
    gpus: string;
    /** Followed by why nvidia-smi listed nothing. */
    gpusNone: string;
  };
  /** The doctor's header: the GPU stacks found. */
  stacks: { heading: string; none: string; noneWhy: string; notDetected: string; notRun(n: number): string; incomplete: string };
  /** An incomplete run (docs/output.md): before the counts, and the line naming what was not read. */
  incomplete: { status: string; notRead: string };
  /** The default text report: root causes first (src/report/summary.ts). */
  causes: {
    heading(n: number): string;
    /** "explains 5 findings:" before the symptoms folded under a root cause. */
    explains(n: number): string;
    /** A symptom that an earlier root cause already lists. */
    alsoAbove(n: number): string;
    /** "explained by " before the causes of a finding in the full report. */
    explainedBy: string;
    notes: string;
    none: string;
    /** "on 212 nodes" */
    onCount(n: number, kind: string): string;
    /** "… and 209 more" */
    more(n: number): string;
    /** A group's fix: the commands of the first, to repeat for each. */
    forEach(n: number, kind: string, placeholder: string): string;
    /** The same commands, run on each node of a group. */
    onEach(n: number, kind: string): string;
    /** The commands shown are the first member's; the others' differ. */
    others(n: number, kind: string): string;
    /** Before the symptoms' own follow-ups: recreate the pods that gave up waiting, once the cause is fixed. */
    then: string;
    /** A follow-up for each of a symptom's pods: "POD: each of the 12 pods of operand-unhealthy". */
    thenEach(n: number, kind: string, placeholder: string, name: string): string;
    /** Follow-ups not shown: "… and 4 more in -o wide". */
    thenMore(n: number): string;
    /** The last line: where the full report is. */
    wide(command: string): string;
    stacks: string;
  };
  fleet: {
    incomplete: string;
    headers: [string, string, string, string, string, string];
    unreachable: string;
    failing: string;
    warnings: string;
    healthy: string;
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The stacks' short names (src/stacks), for "no … objects". */
const STACK_SHORT = STACKS.map((s) => s.short);

const EN: Ui = {
  category: (category) => category,
  on: 'on ',
  fix: 'fix: ',
  see: 'see: ',
  skipped: 'skipped: ',
  status: 'Status: ',
  counts: (n) => ({
    errors: plural(n.errors, 'error'),
    warnings: plural(n.warnings, 'warning'),
    passed: `${n.ok} passed`,
    skipped: `${n.skipped} skipped`,
    separator: ', ',
    total: ` (${n.checks} checks)`,
  }),
  markdown: { check: 'check', subject: 'subject', message: 'message', details: (n) => `Details: ${n === 1 ? 'the finding' : `the ${n} findings`} with evidence and fix`, evidence: 'evidence', fix: 'Fix:', see: 'see', more: (n, command) => `… and ${n} more not shown here, to keep this under GitHub's 65,536 characters: \`${command}\` has them all` },
  playbook: {
    heading: 'Playbook',
    intro: 'What to do, in order: each step builds on the ones before.',
    source: 'source: ',
    sourceHeading: 'Source: ',
    findings: 'findings: ',
    step: (n) => `step ${n}: `,
  },
  explain: {
    detects: 'Detects: ',
    why: 'Why it matters: ',
    fix: 'Fix: ',
    reads: 'Reads: ',
    readsInput: 'the input files',
    playbook: 'Playbook: ',
    docs: 'Docs: ',
    english: 'English: ',
  },
  checks: { id: 'ID', name: 'NAME', category: 'CATEGORY', title: 'CHECKS THAT' },
  execCheck: {
    stack: 'Stack: ',
    process: 'PROCESS',
    processesFrom: '; processes from ',
    gpus: 'GPUs the container sees (nvidia-smi -L):',
    gpusNone: 'GPUs the container sees: none known — ',
  },
  stacks: {
    heading: 'GPU stacks',
    none: 'none detected',
    noneWhy: `(no ${orList(STACK_SHORT.map((s) => s.en), ' or ')} objects)`,
    notDetected: 'not detected: ',
    notRun: (n) => ` (${plural(n, 'check')} not run)`,
    incomplete: 'detection incomplete: objects it reads could not be listed, so a stack not shown here may still run',
  },
  incomplete: { status: 'INCOMPLETE — ', notRead: 'not read, so the checks that need it did not pass or fail: ' },
  causes: {
    heading: (n) => (n === 1 ? 'Root cause' : 'Root causes'),
    explains: (n) => `explains ${plural(n, 'finding')}:`,
    alsoAbove: (n) => `and ${plural(n, 'finding')} listed under a root cause above`,
    explainedBy: 'explained by ',
    notes: 'Notes',
    none: 'no problem found',
    onCount: (n, kind) => `on ${n} ${kind}`,
    more: (n) => `… and ${n} more`,
    forEach: (n, kind, placeholder) => `the same on each of the ${n} ${kind}, ${placeholder} set to each name:`,
    onEach: (n, kind) => `on each of the ${n} ${kind}`,
    others: (n, kind) => `the commands above are for the first; the other ${n} ${kind} need the same steps with their own names (-o wide lists them)`,
    then: 'then, once that is fixed, recreate what gave up waiting:',
    thenEach: (n, kind, placeholder, name) => `${placeholder}: each of the ${n} ${kind} of ${name}`,
    thenMore: (n) => `… and ${n} more in -o wide's playbook`,
    wide: (command) => `Every finding with its evidence, the passes and the playbook: ${command}`,
    stacks: 'GPU stacks: ',
  },
  fleet: {
    incomplete: 'incomplete',
    headers: ['CONTEXT', 'STATUS', 'ERRORS', 'WARNINGS', 'SKIPPED', 'ROOT CAUSE'],
    unreachable: 'unreachable',
    failing: 'failing',
    warnings: 'warnings',
    healthy: 'healthy',
  },
};

/** Category names as the seeds write them (节点, 容器运行时, 驱动程序, 镜像仓库, 注入). */
const ZH_CATEGORIES = {
  snapshot: '快照',
  nodes: '节点',
  runtime: '容器运行时',
  driver: '驱动程序',
  registry: '镜像仓库',
  operator: 'GPU Operator 与设备插件',
  injection: '运行时注入',
  // The stacks' own categories name themselves (src/stacks/<id>.ts `category.zh`).
  ...Object.fromEntries(stackCategories().map((c) => [c.id, c.zh])),
} as Record<Category, string>;

const ZH_CN: Ui = {
  category: (category) => (ZH_CATEGORIES[category].toLowerCase() === category ? ZH_CATEGORIES[category] : `${ZH_CATEGORIES[category]} (${category})`),
  on: '对象：',
  fix: '修复：',
  see: '参见：',
  skipped: '已跳过：',
  status: '状态：',
  counts: (n) => ({
    errors: `${n.errors} 个错误`,
    warnings: `${n.warnings} 个警告`,
    passed: `${n.ok} 项通过`,
    skipped: `${n.skipped} 项跳过`,
    separator: '，',
    total: `（共 ${n.checks} 项检查）`,
  }),
  markdown: { check: '检查', subject: '对象', message: '问题', details: (n) => `详情：${n} 项发现的证据与修复`, evidence: '证据', fix: '修复：', see: '参见', more: (n, command) => `…… 另有 ${n} 项未在此列出（GitHub 正文上限 65,536 个字符）：\`${command}\` 包含全部` },
  playbook: {
    heading: '排查手册',
    intro: '按顺序处理：每一步都建立在前面各步的基础上。',
    source: '来源：',
    sourceHeading: '来源：',
    findings: '对应检查：',
    step: (n) => `第 ${n} 步：`,
  },
  explain: {
    detects: '检测内容：',
    why: '为什么重要：',
    fix: '如何修复：',
    reads: '读取：',
    readsInput: '输入文件',
    playbook: '排查手册：',
    docs: '文档：',
    english: '英文：',
  },
  checks: { id: 'ID', name: '名称', category: '类别', title: '检查内容' },
  execCheck: {
    stack: 'GPU 软件栈：',
    process: '进程',
    processesFrom: '；进程来自 ',
    gpus: '容器内可见的 GPU（nvidia-smi -L）：',
    gpusNone: '容器内可见的 GPU：无 — ',
  },
  stacks: {
    heading: 'GPU 软件栈',
    none: '未检测到',
    noneWhy: `（没有 ${orList(STACK_SHORT.map((s) => s.zh), ' 或 ', '、')} 的对象）`,
    notDetected: '未检测到：',
    notRun: (n) => `（${n} 项检查未运行）`,
    incomplete: '检测不完整：部分对象无法读取，这里未列出的软件栈仍可能在运行',
  },
  incomplete: { status: '不完整 — ', notRead: '未能读取（依赖它们的检查既未通过也未失败）：' },
  causes: {
    heading: () => '根本原因',
    explains: (n) => `由此导致的 ${n} 项问题：`,
    alsoAbove: (n) => `以及上面已列出的 ${n} 项问题`,
    explainedBy: '原因：',
    notes: '提示',
    none: '未发现问题',
    onCount: (n, kind) => `共 ${n} 个 ${kind}`,
    more: (n) => `… 另有 ${n} 个`,
    forEach: (n, kind, placeholder) => `对 ${n} 个 ${kind} 逐一执行，把 ${placeholder} 换成各自的名称：`,
    onEach: (n, kind) => `在 ${n} 个 ${kind} 上逐一执行`,
    others: (n, kind) => `以上命令针对第一个对象；其余 ${n} 个 ${kind} 需用各自的名称执行相同步骤（-o wide 列出全部）`,
    then: '修复之后，重建因等待而放弃的对象：',
    thenEach: (n, kind, placeholder, name) => `${placeholder}：${name} 的 ${n} 个 ${kind}，逐一替换`,
    thenMore: (n) => `… 另有 ${n} 条，见 -o wide 的排查步骤`,
    wide: (command) => `每项发现的证据、通过的检查和排查步骤：${command}`,
    stacks: 'GPU 软件栈：',
  },
  fleet: {
    incomplete: '不完整',
    headers: ['上下文', '状态', '错误', '警告', '跳过', '根本原因'],
    unreachable: '无法连接',
    failing: '有错误',
    warnings: '有警告',
    healthy: '正常',
  },
};

const UI: Record<Lang, Ui> = { en: EN, 'zh-CN': ZH_CN };

export function ui(lang: Lang = 'en'): Ui {
  return UI[lang];
}
