// Ctrl-C as a person presses it: gpuctl in a real pseudo-terminal (util-linux `script`), the spinner on, and
// the interrupt character written to the terminal — for a live doctor stuck on a server that never answers,
// the node probe in pod and DaemonSet mode, exec-check --strace-from-host, and install waiting for its pods.
// Each must end at once with exit 130, one line saying what it cleaned up, no stack trace, the probe objects
// deleted on the server, and the terminal left in the mode it was in. Also with the terminal's own Ctrl-C
// off (-isig), where only gpuctl reading the key can stop it, and Ctrl-\ (SIGQUIT, 131).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { ROOT } from '../helpers/cli.js';
import { gpuctlInPty, gpuctlLines, type PtyResult, type PtyRun, SCRIPT, SCRIPT_MISSING, sttyHas } from '../helpers/pty.js';
import { clusterWithOperatorRelease, makeSandbox, REAL_KUBECTL } from '../helpers/sandbox.js';
import { skipWithout } from '../helpers/tools.js';
import { DRIVER, serve, type Served, until } from '../node-probe/helpers.js';
import { startSimulator, type Simulator } from '../simulator/server.js';

const CTRL_C = '\x03';
const PROBE_POD = /pod kube-system\/gpuctl-probe-[0-9a-f]{8}-[\w-]+/.source;

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function served(source: string, probe: Parameters<typeof serve>[1]): Promise<Served> {
  const s = await serve(source, probe);
  sims.push(s.sim);
  return s;
}

/** Presses the keys once `ready` holds, and waits for gpuctl to end. */
async function pressWhen(run: PtyRun, ready: () => boolean, keys = CTRL_C): Promise<PtyResult> {
  await until(ready, 30_000);
  run.press(keys);
  return run.done;
}

/** What every interrupted run must show: the exit code, one line of its own, no stack trace, a prompt end. */
function expectInterrupted(r: PtyResult, code: number, line: RegExp): void {
  expect(r.exitCode, r.screen).toBe(code);
  expect(gpuctlLines(r.screen), r.screen).toEqual([expect.stringMatching(line)]);
  expect(r.screen).not.toMatch(/internal error|\n\s+at \S+ \(|Error: /);
  // At once: not after the request or probe timeouts (60 s), only the cleanup's few requests.
  expect(r.afterKeyMs).toBeLessThan(10_000);
}

describe('Ctrl-C in a terminal', { timeout: 60_000 }, () => {
  it('is present: util-linux script', () => {
    expect(SCRIPT, SCRIPT_MISSING).not.toBe('');
  });

  it('stops a live doctor waiting on a list that never answers: exit 130, one line, the terminal as it was', async () => {
    const sim = await startSimulator({ collection: await loadSnapshot('examples/healthy-gpu-operator'), faults: [{ path: '^/api/v1/pods$', hang: true }] });
    sims.push(sim);
    const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-pty-'));
    const kubeconfig = await sim.writeKubeconfig(path.join(home, 'kubeconfig'));
    const run = gpuctlInPty(['doctor', '--kubeconfig', kubeconfig, '--request-timeout', '60s'], { HOME: home });
    const r = await pressWhen(run, () => sim.requests.some((q) => q.path === '/api/v1/pods') && run.screen().includes('⠋'));
    expectInterrupted(r, 130, /^gpuctl: interrupted by Ctrl-C \(SIGINT\)$/);
    for (const flag of ['isig', 'icanon', 'echo']) expect(sttyHas(r.stty, flag), r.stty).toBe(true);
  });

  it.each([
    ['the terminal as usual', undefined],
    ['the terminal’s own Ctrl-C off (-isig)', '-isig'],
  ])('stops --node-probe pod while its pods are Pending and deletes them (%s)', async (_what, stty) => {
    const s = await served(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const run = gpuctlInPty(['doctor', '--node-probe', 'pod', '--probe-timeout', '60s', '--kubeconfig', s.kubeconfig], { HOME: s.home }, { stty });
    const r = await pressWhen(run, () => s.leftovers().length === 2);
    expectInterrupted(r, 130, new RegExp(`^gpuctl: interrupted by Ctrl-C \\(SIGINT\\); deleted ${PROBE_POD}, ${PROBE_POD}$`));
    expect(s.leftovers()).toEqual([]);
    expect(sttyHas(r.stty, 'isig')).toBe(stty !== '-isig');
  });

  it('a terminal that goes away (SIGHUP, a dropped ssh session) still gets the probe pods deleted', async () => {
    const s = await served(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const run = gpuctlInPty(['doctor', '--node-probe', 'pod', '--probe-timeout', '60s', '--kubeconfig', s.kubeconfig], { HOME: s.home });
    await until(() => s.leftovers().length === 2, 30_000);
    run.hangUp();
    await until(() => s.leftovers().length === 0, 20_000);
    expect(s.requests('DELETE', /gpuctl-probe-/).map((q) => q.status)).toEqual([200, 200]);
    // gpuctl itself is gone too.
    await until(() => !execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).includes(s.kubeconfig), 10_000);
  });

  // The spinner's next write after the hang-up fails with EIO, and it may come before the kernel's SIGHUP
  // (which reaches the shell first): here no SIGHUP comes at all, so only that EIO can start the cleanup.
  it('a terminal gone before any SIGHUP arrives (a write fails with EIO) still gets the probe pods deleted', async () => {
    const s = await served(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const run = gpuctlInPty(['doctor', '--node-probe', 'pod', '--probe-timeout', '60s', '--kubeconfig', s.kubeconfig], { HOME: s.home }, { ownSession: true });
    await until(() => s.leftovers().length === 2 && run.screen().includes('⠋'), 30_000);
    run.hangUp();
    await until(() => s.leftovers().length === 0, 20_000);
    expect(s.requests('DELETE', /gpuctl-probe-/).map((q) => q.status)).toEqual([200, 200]);
    await until(() => !execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).includes(s.kubeconfig), 10_000);
  });

  it('Ctrl-\\ is SIGQUIT: the probe pods deleted, exit 131', async () => {
    const s = await served(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const run = gpuctlInPty(['doctor', '--node-probe', 'pod', '--probe-timeout', '60s', '--kubeconfig', s.kubeconfig], { HOME: s.home });
    const r = await pressWhen(run, () => s.leftovers().length === 2, '\x1c');
    expectInterrupted(r, 131, new RegExp(`^gpuctl: interrupted by SIGQUIT; deleted ${PROBE_POD}, ${PROBE_POD}$`));
    expect(s.leftovers()).toEqual([]);
  });

  it('stops --node-probe daemonset and deletes the DaemonSet with its pods', async () => {
    const s = await served(DRIVER, { stuckNodes: ['gpu-1', 'gpu-2'] });
    const run = gpuctlInPty(['doctor', '--node-probe', 'daemonset', '--probe-timeout', '60s', '--kubeconfig', s.kubeconfig], { HOME: s.home });
    const r = await pressWhen(run, () => s.leftovers().length === 3);
    expectInterrupted(r, 130, /^gpuctl: interrupted by Ctrl-C \(SIGINT\); deleted daemonset kube-system\/gpuctl-probe-[0-9a-f]{8}$/);
    expect(s.leftovers()).toEqual([]);
  });

  it('stops exec-check --strace-from-host while its probe pod is Pending and deletes it', async () => {
    const s = await served('test/fixtures/exec', { stuckNodes: ['cpu-1'] });
    const run = gpuctlInPty(['exec-check', 'trainer-bash', '-n', 'ml', '--strace-from-host', '--probe-timeout', '60s', '--kubeconfig', s.kubeconfig], { HOME: s.home });
    const r = await pressWhen(run, () => s.leftovers().length === 1);
    expectInterrupted(r, 130, new RegExp(`^gpuctl: interrupted by Ctrl-C \\(SIGINT\\); deleted ${PROBE_POD}$`));
    expect(s.leftovers()).toEqual([]);
  });

  /** doctor --fix on the HAMi example, waiting at its first question (label the node?). */
  async function fixPrompt(): Promise<{ run: PtyRun; sim: Simulator }> {
    const sim = await startSimulator({ collection: await loadSnapshot('examples/hami-kantaloupe') });
    sims.push(sim);
    const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-pty-'));
    const kubeconfig = await sim.writeKubeconfig(path.join(home, 'kubeconfig'));
    const run = gpuctlInPty(['doctor', '--fix', '--kubeconfig', kubeconfig, '--backup-dir', path.join(home, 'backup')], { HOME: home });
    await until(() => run.screen().includes('[y/N/a/q]'), 30_000);
    return { run, sim };
  }

  it('Ctrl-C at a --fix question stops at once: exit 130, one line, nothing changed', async () => {
    const { run, sim } = await fixPrompt();
    const r = await pressWhen(run, () => true);
    expect(r.exitCode, r.screen).toBe(130);
    expect(gpuctlLines(r.screen.slice(r.screen.indexOf('[y/N/a/q]')))).toEqual(['gpuctl: interrupted by Ctrl-C (SIGINT)']);
    expect(r.screen).not.toMatch(/internal error|\n\s+at \S+ \(/);
    expect(sim.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    for (const flag of ['isig', 'icanon', 'echo']) expect(sttyHas(r.stty, flag), r.stty).toBe(true);
  });

  it('a --fix question still reads its answer while gpuctl watches the keys', async () => {
    const { run, sim } = await fixPrompt();
    const r = await pressWhen(run, () => true, 'n\r');
    expect(r.screen).not.toMatch(/interrupted|internal error/);
    expect(sim.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(r.exitCode, r.screen).toBe(1);
  });

  it.skipIf(!REAL_KUBECTL && skipWithout('kubectl'))('stops install while it waits for the operator pods (real kubectl against the simulator)', async () => {
    const sb = await makeSandbox();
    try {
      const sim = await startSimulator({ collection: await loadSnapshot(path.join(ROOT, 'examples/passthrough-gpu-held')) });
      sims.push(sim);
      const kubeconfig = await clusterWithOperatorRelease(sb, (file) => sim.writeKubeconfig(file, { context: 'simulator' }));
      const run = gpuctlInPty(['install', '--cluster', '--yes', '--kubeconfig', kubeconfig, '--host-driver', 'yes', '--host-toolkit', 'yes', '--wait-timeout', '60s'], sb.env);
      const r = await pressWhen(run, () => run.screen().includes('waiting: '));
      expectInterrupted(r, 130, /^gpuctl: interrupted by Ctrl-C \(SIGINT\)$/);
      expect(await sb.mutating()).toEqual([]);
    } finally {
      await sb.cleanup();
    }
  });
});
