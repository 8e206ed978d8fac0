// Differential test: for every config under test/fixtures/containerd/, gpuctl's reading of the files
// must agree with what real `containerd --config F config dump` prints (Debian's containerd 1.6, which
// .ci/run installs). Each case is a host tree (root/) plus case.json naming the main config and what
// the case is about. containerd 1.6 does not know config version 3: version 3 and containerd 2.x
// merging are covered by unit tests (test/facts/containerd.test.ts) against the documented format.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasFatalProblem } from '../../src/facts/runtime/active-config.js';
import type { ContainerdConfig } from '../../src/facts/runtime/containerd-config.js';
import { readContainerdConfig } from '../../src/facts/runtime/containerd-config.js';
import { CONTAINERD_DUMP_COMMAND } from '../../src/facts/runtime/containerd-paths.js';
import { isNvidiaRuntime } from '../../src/facts/runtime/runtimes.js';
import { parseToml } from '../../src/facts/toml.js';
import { host } from '../helpers/facts.js';
import { skipWithout } from '../helpers/tools.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/containerd');

interface CaseFile {
  description: string;
  main: string;
  expect: { loads: boolean; nvidia?: boolean; defaultRuntime?: string; nvidiaBinary?: string; errorLine?: number };
}

const version = spawnSync('containerd', ['--version'], { encoding: 'utf8' });
const containerdVersion = version.status === 0 ? /\s(v?\d+\.\d+\.\d+)/.exec(version.stdout)?.[1]?.replace(/^v/, '') : undefined;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The verdict a person reads off a dump: does it load, which runtimes, which default, which NVIDIA binary. */
interface Verdict {
  loads: boolean;
  runtimes?: string[];
  defaultRuntime?: string;
  nvidia?: boolean;
  nvidiaBinary?: string;
  configPath?: string;
  error?: { file: string; line?: number };
}

const NVIDIA_BINARY = /nvidia-container-runtime/;

/** Read straight off the dump's TOML, independent of gpuctl's model. */
function dumpVerdict(stdout: string, status: number, stderr: string, root: string): Verdict {
  if (status !== 0) {
    const m = /failed to load TOML(?: from)?:? ([^:\s]+):? (?:\((\d+), \d+\))?/.exec(stderr);
    const file = m?.[1] ? '/' + path.relative(root, m[1]) : '';
    return { loads: false, error: { file, ...(m?.[2] ? { line: Number(m[2]) } : {}) } };
  }
  const parsed = parseToml(stdout);
  if (!parsed.table) throw new Error(`dump does not parse: ${parsed.problem.message}`);
  const cri = (parsed.table.plugins as Record<string, any>)['io.containerd.grpc.v1.cri'];
  const containerd = cri.containerd;
  const runtimes: Record<string, any> = containerd.runtimes ?? {};
  const legacyEngine: string = containerd.default_runtime?.runtime_type ? containerd.default_runtime.runtime_engine : '';
  const nvidiaEntry =
    Object.entries(runtimes).find(([name]) => name === 'nvidia') ??
    Object.entries(runtimes).find(([, r]) => NVIDIA_BINARY.test(r.options?.BinaryName ?? ''));
  return {
    loads: true,
    runtimes: Object.keys(runtimes).sort(),
    defaultRuntime: legacyEngine ? 'default' : containerd.default_runtime_name,
    nvidia: !!nvidiaEntry || NVIDIA_BINARY.test(legacyEngine),
    nvidiaBinary: (nvidiaEntry?.[1].options?.BinaryName as string | undefined) || legacyEngine || undefined,
    configPath: cri.registry.config_path || undefined,
  };
}

function modelVerdict(config: ContainerdConfig | undefined): Verdict {
  if (!config) return { loads: false, error: { file: '(no config read)' } };
  if (hasFatalProblem(config)) {
    const fatal = config.problems.find((p) => p.fatal)!;
    return { loads: false, error: { file: fatal.file, ...(fatal.line ? { line: fatal.line } : {}) } };
  }
  const nvidia = config.runtimes.find((r) => r.name === 'nvidia') ?? config.runtimes.find(isNvidiaRuntime);
  return {
    loads: true,
    // The legacy default_runtime section becomes runtime "default" inside the CRI plugin, not in the dump.
    runtimes: config.runtimes.filter((r) => !(r.name === 'default' && config.defaultRuntime === 'default')).map((r) => r.name).sort(),
    defaultRuntime: config.defaultRuntime,
    nvidia: config.runtimes.some(isNvidiaRuntime),
    nvidiaBinary: nvidia?.binary,
    configPath: config.configPath,
  };
}

const cases = readdirSync(FIXTURES).filter((name) => statSync(path.join(FIXTURES, name)).isDirectory()).sort();
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('containerd fixture corpus', () => {
  it('holds at least 20 configs covering loads and failures, with and without the NVIDIA runtime', () => {
    const expects = cases.map((name) => (JSON.parse(readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8')) as CaseFile).expect);
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(expects.filter((e) => e.loads && e.nvidia).length).toBeGreaterThan(5);
    expect(expects.filter((e) => e.loads && e.nvidia === false).length).toBeGreaterThan(5);
    expect(expects.filter((e) => !e.loads).length).toBeGreaterThan(3);
  });
});

if (!containerdVersion) {
  describe('differential: gpuctl vs containerd config dump', () => {
    // Nothing to compare against without containerd: test/global-setup.ts stops the run unless
    // GPUCTL_TEST_ALLOW_MISSING_TOOLS=1 says to skip knowingly (.ci/run installs it).
    it.skipIf(skipWithout('containerd'))('needs `containerd` on PATH (apt-get install -y containerd)', () => {
      expect(containerdVersion, 'containerd is not on PATH').toBeDefined();
    });
  });
} else {
  describe(`differential: gpuctl vs containerd ${containerdVersion} config dump`, () => {
    const hints = { containerRuntimeVersion: `containerd://${containerdVersion}` };
    for (const name of cases) {
      const dir = path.join(FIXTURES, name);
      const meta = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseFile;
      it(`${name}: ${meta.description}`, () => {
        const rootDir = path.join(dir, 'root');
        const files = Object.fromEntries(walk(rootDir).map((f) => ['/' + path.relative(rootDir, f).split(path.sep).join('/'), readFileSync(f, 'utf8')]));

        // The node's tree under a temp dir that stands in for `/`: absolute imports are re-rooted
        // there, and containerd runs with it as working directory (systemd runs it in /).
        const fakeRoot = mkdtempSync(path.join(tmpdir(), 'gpuctl-containerd-'));
        temps.push(fakeRoot);
        cpSync(rootDir, fakeRoot, { recursive: true });
        for (const file of walk(fakeRoot)) {
          const text = readFileSync(file, 'utf8');
          const rerooted = text.replace(/^(\s*imports\s*=.*)$/gm, (line) => line.replace(/(["'])\//g, `$1${fakeRoot}/`));
          if (rerooted !== text) writeFileSync(file, rerooted);
        }
        const run = spawnSync('containerd', ['--config', path.join(fakeRoot, meta.main), 'config', 'dump'], { cwd: fakeRoot, encoding: 'utf8' });
        const truth = dumpVerdict(run.stdout, run.status ?? 1, run.stderr, fakeRoot);

        // The case means what it says.
        expect(truth.loads, run.stderr).toBe(meta.expect.loads);
        if (meta.expect.nvidia !== undefined) expect(truth.nvidia).toBe(meta.expect.nvidia);
        if (meta.expect.defaultRuntime) expect(truth.defaultRuntime).toBe(meta.expect.defaultRuntime);
        if (meta.expect.nvidiaBinary) expect(truth.nvidiaBinary).toBe(meta.expect.nvidiaBinary);
        if (meta.expect.errorLine) expect(truth.error?.line).toBe(meta.expect.errorLine);

        // gpuctl reading the files agrees with containerd.
        const fromFiles = readContainerdConfig(host(files), hints);
        expect(fromFiles?.mainFile).toBe(meta.main);
        const mine = modelVerdict(fromFiles);
        if (truth.loads) {
          expect(mine).toEqual(truth);
        } else {
          expect(mine.loads).toBe(false);
          if (truth.error?.line) expect(mine.error).toEqual(truth.error);
        }

        // And gpuctl reading the probe's dump of the same node agrees too (for plain containerd).
        if (truth.loads && meta.main === '/etc/containerd/config.toml') {
          const fromDump = readContainerdConfig(host(files, { [CONTAINERD_DUMP_COMMAND]: run.stdout }), hints);
          expect(fromDump?.source).toBe('dump');
          expect(modelVerdict(fromDump)).toEqual(truth);
        }
        if (!truth.loads && meta.main === '/etc/containerd/config.toml') {
          const failed = readContainerdConfig(host(files, { [CONTAINERD_DUMP_COMMAND]: { stdout: '', exitCode: 1, stderr: run.stderr.split(fakeRoot).join('') } }), hints);
          expect(failed && hasFatalProblem(failed)).toBe(true);
        }
      });
    }
  });
}
