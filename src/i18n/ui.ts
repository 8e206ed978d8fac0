// The words around the findings (headings, labels, counts) in each language. Check texts live in the
// check definitions (English) and in zh-CN.ts; names, ids, severities and commands are never translated.
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
  markdown: { check: string; subject: string; message: string; details: string; evidence: string; fix: string; see: string };
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
  markdown: { check: 'check', subject: 'subject', message: 'message', details: 'Details', evidence: 'evidence', fix: 'Fix:', see: 'see' },
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
  fleet: {
    incomplete: 'incomplete',
    headers: ['CONTEXT', 'STATUS', 'ERRORS', 'WARNINGS', 'SKIPPED', 'FIRST PROBLEM'],
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
  markdown: { check: '检查', subject: '对象', message: '问题', details: '详情', evidence: '证据', fix: '修复：', see: '参见' },
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
  fleet: {
    incomplete: '不完整',
    headers: ['上下文', '状态', '错误', '警告', '跳过', '首个问题'],
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
