// Every example, loaded into the real kube-apiserver: `gpuctl doctor` live finds what `--snapshot` finds.
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuctl } from '../helpers/cli.js';
import { kubeletFor, loadExample } from './helpers.js';
import type { KubeletStandIn } from './kubelet.js';

let kubelet: KubeletStandIn;
beforeAll(async () => {
  kubelet = await kubeletFor();
});
afterAll(async () => {
  await kubelet?.close();
});

interface Finding {
  name: string;
  severity: string;
  subject: { kind?: string; name: string; namespace?: string };
}
/** name, subject, severity; a Cluster subject is named after the context, which differs by design. */
const key = (f: Finding) => `${f.severity} ${f.name} ${f.subject.kind ?? ''} ${f.subject.namespace ?? ''}/${f.subject.kind === 'Cluster' ? '' : f.subject.name}`;
const findings = (stdout: string) => (JSON.parse(stdout).findings as Finding[]).map(key).sort();

/**
 * What only the live run can say, about the machine or the stand-ins rather than the cluster: helm on this
 * machine (a snapshot carries the collecting machine's), and the containers whose process table the
 * snapshot lacks, where the kubelet stand-in's replayed container shows an empty /proc.
 */
function liveOnly(stdout: string, collection: { processes: Map<string, unknown> }): { expected: string[]; rest: string[] } {
  const all = JSON.parse(stdout).findings as (Finding & { message: string })[];
  const expected: string[] = [];
  const rest: string[] = [];
  for (const f of all) {
    const m = /^The process table of container (\S+) of pod ([^/]+)\/(\S+) was not captured/.exec(f.message);
    const machine = f.name === 'helm-too-old' && f.subject.kind === 'Tool';
    if ((m && !collection.processes.has(`${m[2]}/${m[3]}/${m[1]}`)) || machine) expected.push(key(f));
    else rest.push(key(f));
  }
  return { expected, rest: rest.sort() };
}

/**
 * The example as the live doctor can see it through the API server alone: its cluster objects, logs and
 * meta.json, the process tables (read live through exec); without the node files (a node probe reads those),
 * Prometheus answers and local commands.
 */
function apiServerView(dir: string): string {
  const out = mkdtempSync(path.join(tmpdir(), 'gpuctl-view-'));
  for (const part of ['cluster', 'logs', 'pods', 'meta.json']) {
    try {
      cpSync(path.join(dir, part), path.join(out, part), { recursive: true });
    } catch {
      // not in every example
    }
  }
  return out;
}

/** The examples whose troubled pods have logs in the snapshot, which the live doctor reads. */
const READS_LOGS = new Set(['bitfusion', 'passthrough-gpu-held', 'tensor-fusion-injection']);

const examples = readdirSync('examples', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe.each(examples)('examples/%s in a real kube-apiserver', (name) => {
  it('gives the same findings live as offline, and again from what gpuctl collect wrote', async () => {
    const example = await loadExample(`examples/${name}`, kubelet);
    try {
      const { file, home } = example.kubeconfig();
      const live = await gpuctl(['doctor', '-o', 'json', '--node-probe', 'none', '--kubeconfig', file], { HOME: home, KUBECONFIG: '' });
      const offline = await gpuctl(['doctor', '--snapshot', apiServerView(`examples/${name}`), '-o', 'json']);
      expect(live.stderr).toBe('');
      const { rest } = liveOnly(live.stdout, example.collection);
      const problems = (list: string[]) => list.filter((f) => !f.startsWith('ok '));
      const passes = (list: string[]) => list.filter((f) => f.startsWith('ok '));
      expect(problems(rest)).toEqual(problems(findings(offline.stdout)));
      expect(rest.length).toBeGreaterThan(10);
      // Live may skip what offline passes (a Secret is read as metadata only, the node's driver libraries
      // need a node probe), never pass what offline does not.
      const offlinePasses = new Set(passes(findings(offline.stdout)));
      expect(passes(rest).filter((f) => !offlinePasses.has(f))).toEqual([]);
      expect(live.exitCode).toBe(offline.exitCode);
      // Logs came through the real API server from the kubelet stand-in, process tables through exec.
      // (the doctor reads the logs of troubled pods only: these examples have some with logs)
      if (READS_LOGS.has(name)) expect(kubelet.requests.some((r) => r.startsWith('GET /containerLogs/'))).toBe(true);
      if (example.collection.processes.size > 0) expect(kubelet.requests.some((r) => r.startsWith('GET /exec/'))).toBe(true);

      const bundle = path.join(home, 'bundle');
      const collect = await gpuctl(['collect', '-o', bundle, '--node-probe', 'none', '--kubeconfig', file], { HOME: home, KUBECONFIG: '' });
      expect(collect.exitCode, collect.stderr).toBe(0);
      const again = await gpuctl(['doctor', '--snapshot', bundle, '-o', 'json']);
      // A capture that failed is the live run's to report; the bundle simply has no table for it.
      expect(liveOnly(again.stdout, example.collection).rest.filter((f) => !f.startsWith('ok '))).toEqual(problems(rest));
      expect(again.exitCode).toBe(live.exitCode);
    } finally {
      await example.unload();
    }
  });
});
