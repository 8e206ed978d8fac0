import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsUrl } from '../src/paths.js';
import { ALL_CHECKS } from '../checks/index.js';
import noGpuNodes from '../checks/no-gpu-nodes.js';
import { defineCheck } from '../src/check.js';
import { findingsOf, runChecks } from '../src/engine.js';
import { showFinding, translationOf, TRANSLATIONS } from '../src/i18n/checks.js';
import { renderZhDocs, ZH_DOCS_DIR } from '../src/i18n/docs.js';
import { langFromEnv, langOfLocale, resolveLang } from '../src/i18n/lang.js';
import { PLAYBOOKS } from '../src/playbook/steps.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderText } from '../src/report/text.js';
import { gpuctl, ROOT } from './helpers/cli.js';
import { factsOf, node } from './helpers/facts.js';

const CJK = /[\u4e00-\u9fff]/;

describe('the language', () => {
  it('reads Simplified Chinese locales as zh-CN and everything else as English', () => {
    for (const locale of ['zh_CN.UTF-8', 'zh_CN', 'zh-Hans', 'zh_Hans_CN', 'zh_SG.GB2312', 'zh_CN.utf8@pinyin', 'zh']) {
      expect([locale, langOfLocale(locale)]).toEqual([locale, 'zh-CN']);
    }
    for (const locale of ['en_US.UTF-8', 'C.UTF-8', 'C', 'POSIX', 'zh_TW.UTF-8', 'zh_HK', 'zh-Hant', 'ja_JP.UTF-8', 'zhx']) {
      expect([locale, langOfLocale(locale)]).toEqual([locale, 'en']);
    }
  });
  it('takes the first of LC_ALL, LC_MESSAGES, LANG that is set and not empty', () => {
    expect(langFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(langFromEnv({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(langFromEnv({ LC_ALL: '', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(langFromEnv({ LC_MESSAGES: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(langFromEnv({})).toBe('en');
  });
  it('lets --lang override the locale', () => {
    expect(resolveLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(resolveLang('zh-CN', { LANG: 'C' })).toBe('zh-CN');
    expect(resolveLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
  });
});

describe('every check has both texts', () => {
  it.each(ALL_CHECKS.map((c) => [c.name, c] as const))('%s', (_name, check) => {
    for (const text of [check.title, check.ok, check.explain.detects, check.explain.why, check.explain.fix]) {
      expect(text.trim().length).toBeGreaterThan(10);
    }
    const zh = translationOf(check.name, 'zh-CN');
    expect(zh, `checks/${check.name}.ts has no zh texts`).toBeDefined();
    const texts = { title: zh!.title, ok: zh!.ok, headline: zh!.headline, fixSummary: zh!.fixSummary, ...zh!.explain };
    expect(Object.keys(texts).sort()).toEqual(['detects', 'fix', 'fixSummary', 'headline', 'ok', 'title', 'why']);
    for (const [field, text] of Object.entries(texts)) {
      expect(text.trim(), `${check.name}.${field} is empty`).not.toBe('');
      expect(text, `${check.name}.${field} is not Chinese`).toMatch(CJK);
    }
  });

  it('each check writes its Chinese texts in its own file, right in its definition beside the English ones', () => {
    for (const check of ALL_CHECKS) {
      const src = readFileSync(path.join(ROOT, 'checks', `${check.name}.ts`), 'utf8');
      const definition = src.slice(src.indexOf('export default defineCheck({'));
      expect(definition, check.name).toMatch(/^ {2}explain: /m);
      expect(definition, check.name).toMatch(/^ {2}zh: \{$/m);
    }
  });

  it('every playbook and step has a Chinese title', () => {
    const missing: string[] = [];
    for (const pb of PLAYBOOKS) {
      if (!CJK.test(renderZhPlaybookTitle(pb.id) ?? '')) missing.push(pb.id);
      for (const step of pb.steps) if (!CJK.test(stepZh(pb.id, step.id) ?? '')) missing.push(`${pb.id}/${step.id}`);
    }
    expect(missing).toEqual([]);
  });
});

const renderZhPlaybookTitle = (id: string) => TRANSLATIONS.playbooks['zh-CN'][id]?.title;
const stepZh = (pb: string, step: string) => TRANSLATIONS.playbooks['zh-CN'][pb]?.steps[step];

describe('the Chinese check pages', () => {
  it('are in sync with the checks\' zh texts (run `npm run docs:zh` after changing them or adding a check)', () => {
    const pages = renderZhDocs(ALL_CHECKS, PLAYBOOKS);
    expect(pages.size).toBe(ALL_CHECKS.length + 2);
    for (const [file, content] of pages) {
      const onDisk = path.join(ROOT, file);
      expect(existsSync(onDisk), `${file} is missing: run npm run docs:zh`).toBe(true);
      expect(readFileSync(onDisk, 'utf8'), `${file} is stale: run npm run docs:zh`).toBe(content);
    }
    const stale = readdirSync(path.join(ROOT, ZH_DOCS_DIR)).filter((f) => !pages.has(`${ZH_DOCS_DIR}/${f}`));
    expect(stale).toEqual([]);
  });
  it('the comparison sees a changed Chinese text and a check without one (the guard can fail)', () => {
    const changed = ALL_CHECKS.map((c) => (c.name === 'no-gpu-nodes' ? { ...c, zh: { ...c.zh!, title: '另一个标题' } } : c));
    const pages = renderZhDocs(changed, PLAYBOOKS);
    const page = `${ZH_DOCS_DIR}/no-gpu-nodes.md`;
    expect(pages.get(page)).toContain('**检查项：** 另一个标题');
    expect(pages.get(page)).not.toBe(readFileSync(path.join(ROOT, page), 'utf8'));
    expect(pages.get(`${ZH_DOCS_DIR}/README.md`)).not.toBe(readFileSync(path.join(ROOT, ZH_DOCS_DIR, 'README.md'), 'utf8'));
    // A check without zh texts gets no page, so the count above no longer matches.
    const untranslated = ALL_CHECKS.map((c) => (c.name === 'no-gpu-nodes' ? { ...c, zh: undefined } : c));
    expect(renderZhDocs(untranslated, PLAYBOOKS).size).toBe(ALL_CHECKS.length + 1);
  });
  it('are linked from docs/checks/README.md', () => {
    expect(readFileSync(path.join(ROOT, 'docs/checks/README.md'), 'utf8')).toContain('(../zh-CN/checks/README.md)');
  });
});

describe('reporters in Chinese', () => {
  const facts = factsOf([node('cpu-1')]);
  const report = runChecks([noGpuNodes], facts);
  const finding = report.findings[0]!;

  it('show the Chinese headline, then the English message, evidence, both fix summaries and the same commands', () => {
    expect(finding.severity).toBe('error');
    const text = renderText(report, { colour: false, lang: 'zh-CN' });
    const zh = translationOf('no-gpu-nodes', 'zh-CN')!;
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith(`✗ ${zh.headline} [GPU101 no-gpu-nodes]`));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toBe('    对象：Cluster cluster');
    expect(lines[head + 2]).toBe(`    ${finding.message}`);
    expect(text).toContain(`    修复：${zh.fixSummary}\n      ${finding.fix!.summary}\n      $ ${finding.fix!.commands[0]}`);
    expect(text).toContain(`参见：${docsUrl('docs/zh-CN/checks/no-gpu-nodes.md')}`);
    expect(text).toContain('节点 (nodes)\n------------\n');
    expect(text).toMatch(/状态：1 个错误，0 个警告，0 项通过，0 项跳过（共 1 项检查）\n$/);
  });
  it('markdown and junit carry the Chinese headline and the English message', () => {
    const md = renderMarkdown(report, 'zh-CN');
    expect(md).toContain('**1 个错误，0 个警告，0 项通过，0 项跳过**（共 1 项检查）');
    expect(md).toContain(`#### ✗ ${translationOf('no-gpu-nodes', 'zh-CN')!.headline}`);
    expect(md).toContain(finding.message);
    const junit = renderJunit(report, 'error', 'zh-CN');
    expect(junit).toContain(`message="${translationOf('no-gpu-nodes', 'zh-CN')!.headline}: ${finding.message}"`);
    expect(junit).toContain('name="no-gpu-nodes (GPU101)"');
  });
  it('fall back to English for a check without a translation', () => {
    const untranslated = defineCheck({
      id: 'GPU998', name: 'not-translated', category: 'nodes', title: 't', needs: [], ok: 'fine',
      explain: { detects: 'x', why: 'x', fix: 'x' },
      run: () => [{ severity: 'warning', subject: { kind: 'Node', name: 'n1' }, message: 'node n1 is odd', fix: { summary: 'look at it', commands: ['kubectl get node n1'] } }],
    });
    const [f] = findingsOf(untranslated, untranslated.run(facts) as never, 'cluster');
    expect(showFinding(f!, 'zh-CN')).toEqual({ headline: 'node n1 is odd', fixSummary: 'look at it', docs: 'docs/checks/not-translated.md' });
    expect(renderText(runChecks([untranslated], facts), { colour: false, lang: 'zh-CN' })).toContain('‼ node n1 is odd [GPU998 not-translated]\n    对象：Node n1\n    修复：look at it\n');
  });
});

describe('gpuctl in Chinese', () => {
  // Wide enough that a headline stays on one line (at 80 columns the report wraps: test/cli/fits-terminal.test.ts).
  const zh = { LANG: 'zh_CN.UTF-8', COLUMNS: '400' };
  const headline = (name: string) => translationOf(name, 'zh-CN')!.headline;

  it('LANG=zh_CN.UTF-8 makes doctor --demo print Chinese chrome and headlines; --lang en overrides it', async () => {
    const r = await gpuctl(['doctor', '--demo', '-o', 'wide'], zh);
    expect(r.exitCode).toBe(1);
    for (const text of ['节点 (nodes)', '驱动程序 (driver)', '✓ 已在节点上找到 NVIDIA GPU', `✗ ${headline('gpu-held-by-finished-pod')} [GPU503 gpu-held-by-finished-pod]`, '对象：Pod default/cuda-vectoradd', '修复：', `参见：${docsUrl('docs/zh-CN/checks/')}`, '排查手册\n', '状态：']) {
      expect(r.stdout).toContain(text);
    }
    // The specific English message stays, right under the subject.
    expect(r.stdout).toMatch(/对象：Pod default\/cuda-vectoradd\n {4}Finished pod default\/cuda-vectoradd \(NotReady\) still holds 1 nvidia\.com\/gpu/);
    expect(r.stdout).toContain('$ kubectl delete pod -n default cuda-vectoradd');

    for (const args of [['doctor', '--demo', '--lang', 'en'], ['--lang', 'en', 'doctor', '--demo', '-o', 'wide']]) {
      const en = await gpuctl(args, zh);
      expect(en.stdout).toContain('Status: ');
      expect(en.stdout).toContain('Finished pod default/cuda-vectoradd (NotReady) still holds');
      expect(en.stdout).not.toMatch(CJK);
    }
    expect((await gpuctl(['doctor', '--demo'], { LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).stdout).not.toMatch(CJK);
    expect((await gpuctl(['doctor', '--demo', '--lang', 'zh-CN'])).stdout).toContain('状态：');
  });

  it('prints identical JSON in both languages', async () => {
    const [en, zhJson] = await Promise.all([gpuctl(['doctor', '--demo', '-o', 'json']), gpuctl(['doctor', '--demo', '-o', 'json'], zh)]);
    expect(JSON.parse(en.stdout).findings.length).toBeGreaterThan(3);
    expect(zhJson.stdout).toBe(en.stdout);
    const [checksEn, checksZh] = await Promise.all([gpuctl(['checks', '-o', 'json']), gpuctl(['checks', '-o', 'json', '--lang', 'zh-CN'])]);
    expect(checksZh.stdout).toBe(checksEn.stdout);
  });

  it('explain prints Chinese with --lang zh-CN or a Chinese locale, English otherwise', async () => {
    const text = translationOf('validator-failed', 'zh-CN')!;
    const r = await gpuctl(['explain', 'GPU502', '--lang', 'zh-CN']);
    expect(r.stdout).toContain(`validator-failed (GPU502, operator)\n${text.title}\n\n检测内容：${text.explain.detects}`);
    expect(r.stdout).toContain(`如何修复：${text.explain.fix}`);
    expect(r.stdout).toContain(`文档：${docsUrl('docs/zh-CN/checks/validator-failed.md')}`);
    expect(r.stdout).toMatch(/排查手册：.*第 \d+ 步：/);
    expect((await gpuctl(['explain', 'validator-failed'], zh)).stdout).toBe(r.stdout);
    const en = await gpuctl(['explain', 'validator-failed']);
    expect(en.stdout).toContain('Detects: A validator pod of the GPU Operator');
    expect(en.stdout).not.toMatch(CJK);
  });

  it('lists checks and playbooks in Chinese, and completes --lang', async () => {
    expect((await gpuctl(['checks'], zh)).stdout).toContain(`no-gpu-nodes`);
    expect((await gpuctl(['checks'], zh)).stdout).toContain(translationOf('no-gpu-nodes', 'zh-CN')!.title);
    expect((await gpuctl(['playbook', '--stack', 'bitfusion'], zh)).stdout).toContain('在 Kubernetes 上使用 Bitfusion');
    expect((await gpuctl(['__complete', 'doctor', '--lang', ''])).stdout.trim().split('\n')).toEqual(['en', 'zh-CN']);
    expect((await gpuctl(['__complete', '--la'])).stdout.trim()).toBe('--lang');
    expect((await gpuctl(['doctor', '--demo', '--lang', 'fr'])).exitCode).toBe(2);
  });
});
