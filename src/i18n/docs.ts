// The Simplified Chinese check pages (docs/zh-CN/checks/), rendered from each check's Chinese texts alone
// (its `zh`, plus its id, category and the kinds it reads), so that editing an English page never makes them
// stale. `npm run docs:zh` (scripts/gen-docs.ts) writes them; test/i18n.test.ts renders them again and compares.
import type { Check } from '../check.js';
import { docsPath } from '../check.js';
import type { CheckName } from '../catalogue.js';
import { evidenceTable } from '../catalogue-docs.js';
import type { Playbook } from '../playbook/steps.js';
import { renderPlaybooks } from '../report/playbook.js';
import { checkTranslation } from './checks.js';
import { ui } from './ui.js';

export const ZH_DOCS_DIR = 'docs/zh-CN/checks';
export const ZH_PLAYBOOK_DOC = 'docs/zh-CN/playbook/README.md';
/** The first line of a generated page: where its texts are written (checks/NAME.ts, the `zh` of each check). */
const generated = (from: string) => `<!-- 本页由 \`npm run docs:zh\`（scripts/gen-docs.ts）根据 ${from} 中的中文文本（zh）生成，请勿手工修改。 -->`;

/** Relative path → content: a page for every check that has a translation, their index, and the playbooks. */
export function renderZhDocs(checks: Check[], playbooks: Playbook[]): Map<string, string> {
  const pages = new Map<string, string>();
  const rows: string[] = [];
  for (const check of checks) {
    const t = checkTranslation(check, 'zh-CN');
    if (!t) continue;
    pages.set(`${ZH_DOCS_DIR}/${check.name}.md`, renderPage(check));
    rows.push(`| ${check.id} | [${check.name}](${check.name}.md) | ${ui('zh-CN').category(check.category)} | ${t.title} |`);
  }
  pages.set(
    `${ZH_DOCS_DIR}/README.md`,
    [
      generated('checks/*.ts'),
      '# 检查项（简体中文）',
      '',
      '每项检查的名称（name）和编号（id）是稳定的接口，不会翻译：`--checks`、`--skip`、`gpuctl explain` 和 `-o json` 都使用它们。',
      '`gpuctl doctor --lang zh-CN`（或在 `LANG=zh_CN.UTF-8` 等中文环境下）以中文输出报告；`-o json` 始终为英文。',
      '英文版见 [docs/checks/README.md](../../checks/README.md)。',
      '',
      '| 编号 | 名称 | 类别 | 检查内容 |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
  pages.set(
    ZH_PLAYBOOK_DOC,
    [
      '<!-- 本页由 `npm run docs:zh`（scripts/gen-docs.ts）根据各栈模块（src/stacks/<id>.ts）的 playbook 和 src/playbook/steps.ts 生成，请勿手工修改。 -->',
      '# 排查手册',
      '',
      '即 `gpuctl playbook -o markdown --lang zh-CN`。`gpuctl doctor` 的报告最后会按层次从低到高列出其发现项所对应的步骤。英文版见 [docs/playbook/README.md](../../playbook/README.md)。',
      '',
      renderPlaybooks(playbooks, 'markdown', false, 'zh-CN'),
    ].join('\n'),
  );
  return pages;
}

function renderPage(check: Check): string {
  const t = checkTranslation(check, 'zh-CN')!;
  const words = ui('zh-CN');
  // From docs/zh-CN/checks/ to the English page beside it in docs/checks/.
  const english = `../../${docsPath(check.name).replace(/^docs\//, '')}`;
  return [
    generated(`checks/${check.name}.ts`),
    `# ${check.name}（${check.id}，${check.category}）`,
    '',
    `**检查项：** ${t.title}`,
    '',
    `**检测内容：** ${t.explain.detects}`,
    '',
    `**为什么重要：** ${t.explain.why}`,
    '',
    `**如何修复：** ${t.explain.fix}`,
    '',
    '**报告中的样子：** 发现问题时，报告以下面这句作为标题，随后给出英文的具体信息（涉及的对象、引用的日志和事件），以及中文的修复建议和可以直接执行的命令：',
    '',
    `> ${t.headline}`,
    '>',
    `> ${words.fix}${t.fixSummary}`,
    '',
    `没有发现问题时显示：✓ ${t.ok}`,
    '',
    `**读取：** ${check.needs.length ? check.needs.map((k) => `\`${k}\``).join('、') : words.explain.readsInput}`,
    '',
    '## 证据来源',
    '',
    ...evidenceTable(check.name as CheckName, 'zh-CN'),
    '',
    `命令示例见英文页面：[${check.name}.md](${english})。在终端中查看：\`gpuctl explain ${check.name} --lang zh-CN\`。`,
    '',
  ].join('\n');
}

