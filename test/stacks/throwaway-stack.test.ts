// Adding a stack is one file under src/stacks/ (plus its checks): this test writes such a file in a
// temporary directory, appends it to the one list (src/stacks/index.ts, swapped for this file only), and
// shows that detection, the report header, the CLI's --stack choices, the live resource list, log
// collection, the categories, "not applicable", its install profile (`install --profile`), the note
// gpu-not-allocatable gives for a stack that hands out GPUs itself, its playbook (`gpuctl playbook`, the
// doctor's last section, both languages) and the further inputs the live collection reads where it runs
// (`collects`: Prometheus queries, local commands) all follow from that one definition.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineCheck } from '../../src/check.js';
import type { StackId } from '../../src/stacks/index.js';
import { factsOf, gpuNode, pod } from '../helpers/facts.js';
import { gpuOperator, hami } from '../helpers/stacks.js';

// What a contributor writes for a new stack: one module, one definition (a function declaration: the
// hoisted vi.mock below calls it before the imports of this file are bound).
function throwawayModule(defineModule: string): string {
  return `
import { defineStack } from ${JSON.stringify(defineModule)};

export default defineStack({
  id: 'gpu-lender',
  name: 'GPU Lender',
  short: { en: 'GPU Lender', zh: 'GPU 出借' },
  detect: [
    { kinds: ['Namespace'], why: 'the GPU Lender namespace', test: (o) => o.metadata.name === 'lender-system' },
    { kinds: ['LoanPool'], why: 'lender.example.com CRD', test: (o) => (o.apiVersion ?? '').startsWith('lender.example.com/') },
  ],
  namespaces: ['lender-system'],
  kubeSystemPods: /gpu-lender/i,
  resources: [{ kind: 'LoanPool', group: 'lender.example.com', version: 'v1alpha1', plural: 'loanpools', namespaced: false, crd: true }],
  collects: ['prometheus'],
  injection: {
    id: 'gpu-lender',
    name: 'GPU Lender',
    requirements: [{ variable: 'LD_PRELOAD', contains: 'liblender.so' }],
    markers: { labels: ['lender.example.com/'], annotations: [], resources: [], env: [] },
    fix: 'Keep LD_PRELOAD pointing at liblender.so',
  },
  category: { id: 'gpu-lender', zh: 'GPU 出借' },
  install: {
    id: 'lender',
    title: 'GPU Lender on the GPU Operator',
    components: ['gpu-operator'],
    main: 'gpu-operator',
    nodeLabels: [{ key: 'lender.example.com/pool', value: 'a', why: 'the lender lends only from labelled nodes' }],
    checkCategories: ['nodes', 'gpu-lender'],
    valuesDoc: 'none',
  },
  allocatesGpusItself: 'it lends remote GPUs from its LoanPools',
  playbook: {
    title: 'GPU Lender troubleshooting',
    zh: 'GPU 出借排查',
    source: 'the GPU Lender handbook',
    steps: [{ id: 'pools', layer: 'stack', title: 'Does every LoanPool hold GPUs?', zh: '每个 LoanPool 都有 GPU 吗？', verify: ['kubectl get loanpools'], findings: ['lender-pool-empty'] }],
  },
});
`;
}

// The live collection's further reads, counted instead of done (no Prometheus, no `helm` here).
const reads = vi.hoisted(() => ({ prometheus: 0, localCommands: 0 }));
vi.mock('../../src/sources/live/prometheus.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/sources/live/prometheus.js')>()),
  queryKantaloupeMetrics: async () => (reads.prometheus++, []),
}));
vi.mock('../../src/sources/local-commands.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/sources/local-commands.js')>()),
  runLocalCommands: async () => (reads.localCommands++, new Map()),
}));

vi.mock('../../src/stacks/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/stacks/index.js')>();
  const [fs, os, nodePath, url] = await Promise.all([import('node:fs'), import('node:os'), import('node:path'), import('node:url')]);
  const define = url.pathToFileURL(url.fileURLToPath(new URL('../../src/stacks/define.ts', import.meta.url))).href;
  const file = nodePath.join(fs.mkdtempSync(nodePath.join(os.tmpdir(), 'throwaway-stack-')), 'gpu-lender.ts');
  fs.writeFileSync(file, throwawayModule(define));
  const { default: lender } = await import(/* @vite-ignore */ url.pathToFileURL(file).href);
  return { ...real, STACKS: [...real.STACKS, lender] };
});

const LENDER = 'gpu-lender' as StackId;
const lenderObjects = () => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lender-system' } },
  { apiVersion: 'lender.example.com/v1alpha1', kind: 'LoanPool', metadata: { name: 'pool-a' } },
];
const explain = { detects: 'something long enough', why: 'something long enough', fix: 'something long enough' };
const lenderCheck = defineCheck({
  id: 'GPU998', name: 'lender-pool-empty', category: 'gpu-lender' as never, title: 't', needs: [], stacks: [LENDER], ok: 'pools are fine', explain,
  run: (facts) => facts.all('LoanPool').map((p) => ({ severity: 'warning' as const, subject: { kind: 'LoanPool', name: p.metadata.name }, message: 'empty pool' })),
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** What the CLI's own shell completion offers for the word after `args`, once it has printed `last`. */
async function completions(args: string[], last: string): Promise<string[]> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  const argv = process.argv;
  process.argv = [argv[0]!, 'gpuctl', '__complete', ...args, ''];
  try {
    // cli.js parses process.argv when it loads: loaded afresh for each command line.
    vi.resetModules();
    await import('../../src/cli.js');
    await vi.waitFor(() => expect(written.join('')).toContain(last));
  } finally {
    process.argv = argv;
  }
  return written.join('').trim().split('\n');
}

describe('a stack added as one module', () => {
  it('is detected from its rules, after the stacks already listed, with its evidence and namespaces', async () => {
    const { detectStacks } = await import('../../src/facts/stacks.js');
    const stacks = detectStacks(factsOf([...gpuOperator(), ...lenderObjects(), gpuNode('gpu-1')]));
    expect(stacks.map((s) => s.id)).toEqual(['gpu-operator', 'gpu-lender']);
    expect(stacks[1]).toEqual({
      id: 'gpu-lender',
      name: 'GPU Lender',
      namespaces: ['lender-system'],
      evidence: ['Namespace lender-system (the GPU Lender namespace)', 'LoanPool pool-a (lender.example.com CRD)'],
    });
  });

  it('appears in the report header: detected, not detected, and in "none detected"', async () => {
    const { runChecks } = await import('../../src/engine.js');
    const { renderText } = await import('../../src/report/text.js');
    const found = renderText(runChecks([lenderCheck], factsOf([...lenderObjects(), gpuNode('gpu-1')])), { colour: false });
    expect(found).toContain('● GPU Lender  lender-system\n    · Namespace lender-system (the GPU Lender namespace)\n');
    const absent = renderText(runChecks([lenderCheck], factsOf([...gpuOperator(), gpuNode('gpu-1')])), { colour: false });
    expect(absent).toMatch(/not detected: .*VMware Bitfusion, GPU Lender \(1 check not run\)\n/);
    const none = renderText(runChecks([lenderCheck], factsOf([gpuNode('gpu-1')])), { colour: false });
    expect(none).toContain('(no GPU Operator, device plugin, HAMi, Kantaloupe, TensorFusion, Bitfusion or GPU Lender objects)');
    const zh = renderText(runChecks([lenderCheck], factsOf([gpuNode('gpu-1')])), { colour: false, lang: 'zh-CN' });
    expect(zh).toContain('（没有 GPU Operator、设备插件、HAMi、Kantaloupe、TensorFusion、Bitfusion 或 GPU 出借 的对象）');
  });

  it("its checks are not applicable where it is absent, and run where it is detected, in its own category", async () => {
    const { runChecks } = await import('../../src/engine.js');
    const { CATEGORIES } = await import('../../src/model.js');
    const { ui } = await import('../../src/i18n/ui.js');
    const absent = runChecks([lenderCheck], factsOf([...gpuOperator(), gpuNode('gpu-1')]));
    expect(absent.notApplicable).toEqual([{ id: 'GPU998', name: 'lender-pool-empty', reason: 'GPU Lender not detected' }]);
    expect(absent.findings).toEqual([]);
    const present = runChecks([lenderCheck], factsOf([...lenderObjects(), gpuNode('gpu-1')]));
    expect(present.notApplicable).toEqual([]);
    expect(present.findings.map((f) => [f.name, f.severity, f.category])).toEqual([['lender-pool-empty', 'warning', 'gpu-lender']]);
    expect(CATEGORIES[CATEGORIES.length - 1]).toBe('gpu-lender');
    expect(ui('zh-CN').category('gpu-lender' as never)).toBe('GPU 出借 (gpu-lender)');
  });

  it('adds its resource types to the live list, after the core and the other stacks', async () => {
    const { RESOURCE_TYPES, resourceTypeOfKind, pluralOf } = await import('../../src/collection/resources.js');
    expect(RESOURCE_TYPES.at(-1)).toEqual({ kind: 'LoanPool', group: 'lender.example.com', version: 'v1alpha1', plural: 'loanpools', namespaced: false, crd: true });
    expect(resourceTypeOfKind('LoanPool')?.crd).toBe(true);
    expect(pluralOf('LoanPool')).toBe('loanpools');
    expect(RESOURCE_TYPES.filter((t) => t.kind === 'ClusterPolicy')).toHaveLength(1);
  });

  it("adds its injection to exec-check's --stack choices (through the CLI's own option) and to pod matching", async () => {
    expect(await completions(['exec-check', '--stack'], 'nvidia')).toEqual(['auto', 'hami', 'tensor-fusion', 'bitfusion', 'gpu-lender', 'nvidia']);

    const { detectPodStack } = await import('../../src/facts/injection.js');
    const workload = pod('ml', 'trainer', { labels: { 'lender.example.com/loan': 'l-1' }, spec: { containers: [{ name: 'main', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } });
    expect(detectPodStack(workload)).toMatchObject({ stack: { id: 'gpu-lender' }, evidence: 'label lender.example.com/loan=l-1' });
  });

  it("is an install profile: a --profile choice (through the CLI's own option), its charts, node labels and checks", async () => {
    expect(await completions(['install', '--profile'], 'lender')).toEqual(['gpu-operator', 'device-plugin', 'hami', 'kantaloupe', 'tensor-fusion', 'lender']);

    const { parseInstallOptions } = await import('../../src/install/options.js');
    const { clusterSteps } = await import('../../src/install/cluster-steps.js');
    const { PROFILES } = await import('../../src/install/profiles.js');
    const options = parseInstallOptions({ profile: 'lender', cluster: true, chartVersion: ['v9.9.9'] }, {});
    expect(PROFILES[options.profile]).toMatchObject({ stack: 'gpu-lender', title: 'GPU Lender on the GPU Operator', checkCategories: ['nodes', 'gpu-lender'] });
    // `--chart-version` without COMPONENT= goes to the profile's main chart; its other charts are refused.
    expect(options.chartVersions).toEqual({ 'gpu-operator': 'v9.9.9' });
    expect(() => parseInstallOptions({ profile: 'lender', values: ['hami=x.yaml'] }, {})).toThrow('this profile does not install hami');
    const steps = clusterSteps({ options } as Parameters<typeof clusterSteps>[0]);
    expect(steps.map((s) => s.id)).toEqual(['helm-repo-nvidia', 'helm-repo-update', 'runtimeclass', 'release-gpu-operator', 'node-labels']);
    expect(steps.at(-1)!.title).toBe('Label the GPU nodes lender.example.com/pool=a (the lender lends only from labelled nodes)');
  });

  it('hands out GPUs itself: a GPU node without nvidia.com/gpu is only a note where it runs', async () => {
    const { default: gpuNotAllocatable } = await import('../../checks/gpu-not-allocatable.js');
    const bare = { ...gpuNode('gpu-1'), status: { capacity: {}, allocatable: {} } };
    const run = (objects: unknown[]) => {
      const result = gpuNotAllocatable.run(factsOf(objects as never));
      return Array.isArray(result) ? result : [];
    };
    const [lent] = run([...lenderObjects(), bare]);
    expect(lent).toMatchObject({ severity: 'info', message: 'Node gpu-1 advertises no nvidia.com/gpu: native GPU scheduling is unavailable (GPU Lender does not need it)' });
    expect(lent!.evidence).toContain('GPU Lender allocate GPUs without nvidia.com/gpu and no pod requests it');
    expect(run([bare])[0]).toMatchObject({ severity: 'warning' });
  });

  it('has its playbook: printed by `gpuctl playbook --stack`, in Chinese too, and walked for its findings', async () => {
    const { PLAYBOOKS } = await import('../../src/playbook/steps.js');
    const { playbook } = await import('../../src/commands/playbook.js');
    const { walkPlaybook } = await import('../../src/playbook/walk.js');
    const { runChecks } = await import('../../src/engine.js');
    expect(PLAYBOOKS.map((p) => p.id)).toEqual(['homelab-ladder', 'gpu-operator', 'kantaloupe', 'tensor-fusion', 'bitfusion', 'gpu-lender']);
    expect(playbook({ stack: 'gpu-lender', output: 'text' })).toBe(
      'GPU Lender troubleshooting\nsource: the GPU Lender handbook\n  1. Does every LoanPool hold GPUs? [stack]\n     findings: lender-pool-empty\n     $ kubectl get loanpools\n',
    );
    expect(playbook({ stack: 'gpu-lender', output: 'markdown', lang: 'zh-CN' })).toContain('## GPU 出借排查');
    expect(playbook({ stack: 'gpu-lender', output: 'markdown', lang: 'zh-CN' })).toContain('1. **每个 LoanPool 都有 GPU 吗？** (stack)');
    const report = runChecks([lenderCheck], factsOf([...lenderObjects(), gpuNode('gpu-1')]));
    expect(walkPlaybook(report.findings).map((t) => [t.playbook.id, t.step.id, t.findings.map((f) => f.subject.name)])).toEqual([['gpu-lender', 'pools', ['pool-a']]]);
  });

  it("collects the logs of its namespace's troubled pods", async () => {
    const { logTargets } = await import('../../src/facts/log-targets.js');
    const crashing = pod('lender-system', 'lender-controller-abcde', {
      status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }] },
    });
    expect(logTargets(factsOf([crashing])).targets.map((t) => `${t.pod}/${t.container}${t.previous ? ' (previous)' : ''}`)).toEqual([
      'lender-controller-abcde/main',
      'lender-controller-abcde/main (previous)',
    ]);
  });

  it('makes the live collection query Prometheus where it runs (its `collects`), and nothing more than it asks for', async () => {
    const { logsPhase } = await import('../../src/sources/live/collect.js');
    const { emptyCollection } = await import('../../src/collection/collection.js');
    const { stacksCollecting } = await import('../../src/stacks/derived.js');
    expect(stacksCollecting('prometheus')).toEqual(['hami', 'kantaloupe', 'gpu-lender']);
    expect(stacksCollecting('local-commands')).toEqual(['hami', 'kantaloupe']);
    const collect = async (objects: unknown[]) => {
      reads.prometheus = 0;
      reads.localCommands = 0;
      await logsPhase({ client: {} } as never, {} as never).run(factsOf(objects as never), emptyCollection('test'));
      return { ...reads };
    };
    expect(await collect([...lenderObjects(), gpuNode('gpu-1')])).toEqual({ prometheus: 1, localCommands: 0 });
    expect(await collect([...gpuOperator(), gpuNode('gpu-1')])).toEqual({ prometheus: 0, localCommands: 0 });
    expect(await collect([...gpuOperator(), ...hami(), gpuNode('gpu-1')])).toEqual({ prometheus: 1, localCommands: 1 });
  });
});
