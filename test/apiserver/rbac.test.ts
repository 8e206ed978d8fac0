// A user that RBAC keeps from pods, secrets and events: gpuctl doctor as that user against the real
// kube-apiserver says which checks it could not run, in the API server's own words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuctl } from '../helpers/cli.js';
import { apiRequest } from './control-plane.js';
import { controlPlane, kubeletFor, loadExample, type LoadedExample } from './helpers.js';
import type { KubeletStandIn } from './kubelet.js';

let kubelet: KubeletStandIn;
let example: LoadedExample;
const READ = ['get', 'list', 'watch'];
/** Everything gpuctl reads except pods, secrets and events (RBAC only grants, so the rest is listed). */
const ROLE = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'gpuctl-restricted' },
  rules: [
    { apiGroups: [''], resources: ['nodes', 'namespaces', 'configmaps', 'services'], verbs: READ },
    { apiGroups: ['apps', 'batch', 'node.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io'], resources: ['*'], verbs: READ },
    { apiGroups: ['nvidia.com', 'tensor-fusion.ai', 'monitoring.coreos.com', 'gateway.networking.k8s.io'], resources: ['*'], verbs: READ },
  ],
};
const BINDING = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'gpuctl-restricted' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'gpuctl-restricted' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'gpuctl-restricted' }],
};

beforeAll(async () => {
  kubelet = await kubeletFor();
  example = await loadExample('examples/bitfusion', kubelet);
  for (const [path, body] of [
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles', ROLE],
    ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', BINDING],
  ] as const) {
    const res = await apiRequest(controlPlane(), { method: 'POST', path, body });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(async () => {
  for (const p of ['clusterrolebindings', 'clusterroles']) await apiRequest(controlPlane(), { method: 'DELETE', path: `/apis/rbac.authorization.k8s.io/v1/${p}/gpuctl-restricted` });
  await example?.unload();
  await kubelet?.close();
});

const forbidden = (resource: string) => `${resource} is forbidden: User "gpuctl-restricted" cannot list resource "${resource}" in API group "" at the cluster scope`;

interface Out {
  findings: { name: string; severity: string }[];
  skipped: { name: string; reason: string }[];
}
async function doctorAsRestricted(): Promise<{ exitCode: number; stderr: string; out: Out }> {
  const { file, home } = example.kubeconfig('restricted');
  const r = await gpuctl(['doctor', '-o', 'json', '--node-probe', 'none', '--kubeconfig', file], { HOME: home, KUBECONFIG: '' });
  return { exitCode: r.exitCode, stderr: r.stderr, out: JSON.parse(r.stdout) as Out };
}
const reasonOf = (out: Out, name: string) => out.skipped.find((s) => s.name === name)?.reason;

describe('gpuctl doctor as a user RBAC keeps from pods, secrets and events (examples/bitfusion)', () => {
  it("skips the checks that need them with the API server's reason and passes none of them", async () => {
    const { exitCode, out } = await doctorAsRestricted();
    for (const name of ['validator-failed', 'gpu-held-by-finished-pod', 'bitfusion-not-injected', 'bitfusion-secret-missing', 'insufficient-gpu']) {
      expect(reasonOf(out, name)).toBe(`cannot list pods (forbidden: ${forbidden('pods')})`);
    }
    // TensorFusion cannot be told without pods: its checks are not judged on a cluster that may not run it.
    expect(reasonOf(out, 'tf-schedule-failed')).toBe(`not read: pods (forbidden: ${forbidden('pods')}), so whether TensorFusion runs is unknown`);
    expect(reasonOf(out, 'nvidia-runtime-missing')).toContain(`events could not be read (forbidden: ${forbidden('events')})`);
    const skipped = new Set(out.skipped.map((s) => s.name));
    expect(out.findings.filter((f) => skipped.has(f.name))).toEqual([]);
    // Offline this example has four errors; every one needs pods.
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // The incomplete-run rule (docs/output.md): pods, secrets and events were not read, so the run exits 2.
    expect(exitCode).toBe(2);
  });

  it('with pods and events granted, skips the Bitfusion secret checks for the secrets the server refused', async () => {
    const role = structuredClone(ROLE);
    role.rules[0]!.resources.push('pods', 'pods/log', 'events');
    const res = await apiRequest(controlPlane(), { method: 'PUT', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles/gpuctl-restricted', body: role });
    expect(res.status, res.text).toBe(200);
    const { out } = await doctorAsRestricted();
    // A list with fieldSelector metadata.name=N is authorised as for that name, and the denial names it.
    expect(reasonOf(out, 'bitfusion-secret-missing')).toBe(
      'cannot list secrets (forbidden: secrets "bitfusion-secret" is forbidden: User "gpuctl-restricted" cannot list resource "secrets" in API group "" at the cluster scope)',
    );
    expect(out.findings.filter((f) => f.name === 'bitfusion-secret-missing')).toEqual([]);
    // What pods and events show is judged again: the example's Bitfusion errors are back.
    expect(out.findings.filter((f) => f.severity === 'error').map((f) => f.name)).toContain('bitfusion-not-injected');
  });
});
