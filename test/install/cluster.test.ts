// gpuctl install --cluster / gpuctl uninstall against the helm and kubectl stand-ins (test/standins/cluster.mjs).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { gpuNode, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await makeSandbox();
  await sb.setCluster({ nodes: [gpuNode('gpu-1'), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp-1', labels: {} }, status: { nodeInfo: { kubeletVersion: 'v1.28.4' } } }] });
});
afterEach(() => sb.cleanup());

const join = (calls: string[][]) => calls.map((c) => c.join(' '));
const PREINSTALLED = ['--host-driver', 'yes', '--host-toolkit', 'yes'];
const GPU_OPERATOR_INSTALL =
  'helm upgrade --install gpu-operator nvidia/gpu-operator --namespace gpu-operator --create-namespace --version v25.3.0 --labels installed-by=gpuctl --set driver.enabled=false --set toolkit.enabled=false';

describe('gpuctl install --cluster (profile gpu-operator)', { timeout: 90_000 }, () => {
  it('adds the repository, the RuntimeClass and the release with values from the facts, waits, runs the doctor; a second run changes nothing', async () => {
    const r = await sb.run(['install', '--cluster', '--yes', ...PREINSTALLED]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(join(await sb.mutating())).toEqual([
      'helm repo add nvidia https://helm.ngc.nvidia.com/nvidia',
      'helm repo update nvidia',
      'kubectl apply -f -',
      GPU_OPERATOR_INSTALL,
    ]);
    expect(r.stdout).toContain('driver.enabled=false (the hosts have the NVIDIA driver (--host-driver yes))');
    expect(r.stdout).toContain("kubectl apply -f - <<'EOF'\n        apiVersion: node.k8s.io/v1\n        kind: RuntimeClass");
    expect(r.stdout).toContain('✓ gpu-operator: 5/5 pods ready');
    const cluster = await sb.cluster();
    expect(cluster.objects.find((o) => o.kind === 'RuntimeClass')?.metadata).toMatchObject({ name: 'nvidia', labels: { 'installed-by': 'gpuctl' } });
    expect(cluster.releases[0]).toMatchObject({ name: 'gpu-operator', labels: { 'installed-by': 'gpuctl' }, values: { driver: { enabled: false }, toolkit: { enabled: false } } });
    // The doctor's checks of the profile's categories ran over what kubectl listed.
    // Checks of stacks the cluster does not run (HAMi here) are not applicable and not counted; the GPU
    // Operator's own (it was just installed) are.
    const expected = ALL_CHECKS.filter((c) => (c.category === 'nodes' || c.category === 'operator') && (!c.stacks?.length || c.stacks.includes('gpu-operator'))).length;
    expect(r.stdout).toContain(`(${expected} checks)`);

    await sb.clearLog();
    const again = await sb.run(['install', '--cluster', ...PREINSTALLED]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(await sb.mutating()).toEqual([]);
    expect(again.stdout).toContain('gpu-operator/gpu-operator (gpu-operator-v25.3.0, deployed) installed by gpuctl with these values');
    expect(again.stdout).toContain('nothing to do: all 4 steps are already satisfied');
  });

  it('--dry-run prints the helm commands and runs none; -o json carries them as argv', async () => {
    const r = await sb.run(['install', '--cluster', '--dry-run', '-o', 'json', ...PREINSTALLED, '--chart-version', 'v25.10.0']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const release = out.steps.find((s: { id: string }) => s.id === 'release-gpu-operator');
    expect(release.status).toBe('needed');
    expect(release.commands[0].argv).toContain('v25.10.0');
    expect(out.notes.join(' ')).toContain('then: wait up to 600s');
    expect(await sb.mutating()).toEqual([]);
  });

  it('without a driver on this machine the GPU Operator deploys driver and toolkit; on k3s with the toolkit env', async () => {
    await sb.setCluster({ nodes: [gpuNode('gpu-1', {}, 'containerd://1.7.11-k3s2')] });
    const r = await sb.run(['install', '--cluster', '--dry-run']);
    expect(r.exitCode, r.stdout).toBe(0);
    const helm = r.stdout.split('\n').find((l) => l.includes('helm upgrade --install gpu-operator'))!;
    expect(helm).not.toContain('driver.enabled');
    expect(helm).toContain("--set 'toolkit.env[0].name=CONTAINERD_CONFIG' --set 'toolkit.env[0].value=/var/lib/rancher/k3s/agent/etc/containerd/config.toml'");
    expect(helm).toContain("--set 'toolkit.env[1].name=CONTAINERD_SOCKET' --set 'toolkit.env[1].value=/run/k3s/containerd/containerd.sock'");
    expect(r.stdout).toContain('driver on the hosts: no (not found on this machine; the GPU Operator deploys it');
  });

  it('--values FILE is passed through and counts in the comparison of the second run', async () => {
    const values = path.join(sb.dir, 'values.yaml');
    await writeFile(values, 'dcgmExporter:\n  enabled: false\n');
    const r = await sb.run(['install', '--cluster', '--yes', '--no-wait', ...PREINSTALLED, '--values', values]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(join(await sb.mutating())).toContain(`${GPU_OPERATOR_INSTALL} --values ${values}`);
    await sb.clearLog();
    expect((await sb.run(['install', '--cluster', '--no-wait', ...PREINSTALLED, '--values', values])).exitCode).toBe(0);
    expect(await sb.mutating()).toEqual([]);
    // Other values in the file → an upgrade of gpuctl's own release.
    await writeFile(values, 'dcgmExporter:\n  enabled: true\n');
    const changed = await sb.run(['install', '--cluster', '--yes', '--no-wait', ...PREINSTALLED, '--values', values]);
    expect(changed.stdout).toContain('dcgmExporter.enabled: installed false, gpuctl sets true');
    expect(join(await sb.mutating()).filter((c) => c.startsWith('helm upgrade'))).toHaveLength(1);
  });

  it('waits within --wait-timeout and fails when the pods do not become ready', async () => {
    await sb.stateFile('pods-pending', '');
    const r = await sb.run(['install', '--cluster', '--yes', ...PREINSTALLED, '--wait-timeout', '1s']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/✗ gpu-operator: 0\/5 pods ready; waiting for gpu-operator-7bbf8bb6b7-x2x8v \(ContainerCreating\).* after 1s/);
    expect(r.stdout).toContain('the verification found problems');
  });
});

describe('profiles', { timeout: 90_000 }, () => {
  it('hami: GPU Operator without its device plugin, HAMi with the cluster\'s scheduler version, gpu=on on the GPU nodes; uninstall removes them', async () => {
    const r = await sb.run(['install', '--cluster', '--yes', '--profile', 'hami', ...PREINSTALLED]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(join(await sb.mutating())).toEqual([
      'helm repo add nvidia https://helm.ngc.nvidia.com/nvidia',
      'helm repo add hami-charts https://project-hami.github.io/HAMi/',
      'helm repo update nvidia hami-charts',
      'kubectl apply -f -',
      `${GPU_OPERATOR_INSTALL} --set devicePlugin.enabled=false`,
      'helm upgrade --install hami hami-charts/hami --namespace kube-system --create-namespace --version 2.4.0 --labels installed-by=gpuctl --set scheduler.kubeScheduler.imageTag=v1.28.4',
      'kubectl label nodes gpu-1 gpu=on --overwrite',
    ]);
    const nodes = (await sb.cluster()).nodes as { metadata: { name: string; labels: Record<string, string> } }[];
    expect(nodes.find((n) => n.metadata.name === 'gpu-1')!.metadata.labels.gpu).toBe('on');
    expect(nodes.find((n) => n.metadata.name === 'cp-1')!.metadata.labels.gpu).toBeUndefined();

    // A release someone else installed stays.
    const cluster = await sb.cluster();
    await sb.setCluster({ releases: [...cluster.releases, { name: 'ingress', namespace: 'ingress', status: 'deployed', chart: 'ingress-nginx-4.10.0', values: {}, labels: {} }] });
    await sb.clearLog();
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.exitCode, u.stdout + u.stderr).toBe(0);
    expect(join(await sb.mutating())).toEqual([
      'helm uninstall hami --namespace kube-system',
      'helm uninstall gpu-operator --namespace gpu-operator',
      'kubectl delete runtimeclass nvidia',
    ]);
    expect((await sb.cluster()).releases.map((x) => x.name)).toEqual(['ingress']);
    await sb.clearLog();
    const again = await sb.run(['uninstall']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('nothing to do');
    expect(await sb.mutating()).toEqual([]);
  });

  it('kantaloupe: Prometheus first, the DCGM ServiceMonitor, HAMi metrics; device-plugin and tensor-fusion plans', async () => {
    const k = await sb.run(['install', '--cluster', '--dry-run', '--profile', 'kantaloupe', ...PREINSTALLED]);
    expect(k.exitCode, k.stdout).toBe(0);
    const helm = k.stdout.split('\n').filter((l) => l.includes('$ helm upgrade')).map((l) => l.trim());
    expect(helm).toEqual([
      '$ helm upgrade --install prometheus prometheus-community/kube-prometheus-stack --namespace monitoring --create-namespace --version 75.15.1 --labels installed-by=gpuctl --set grafana.enabled=false',
      `$ ${GPU_OPERATOR_INSTALL} --set devicePlugin.enabled=false --set dcgmExporter.serviceMonitor.enabled=true`,
      '$ helm upgrade --install hami hami-charts/hami --namespace kube-system --create-namespace --version 2.4.0 --labels installed-by=gpuctl --set scheduler.kubeScheduler.imageTag=v1.28.4 --set scheduler.serviceMonitor.enabled=true --set devicePlugin.serviceMonitor.enabled=true',
    ]);

    const dp = await sb.run(['install', '--cluster', '--dry-run', '--profile', 'device-plugin']);
    expect(dp.stdout).toContain('$ helm upgrade --install nvdp nvdp/nvidia-device-plugin --namespace nvidia-device-plugin --create-namespace --version 0.17.1 --labels installed-by=gpuctl --set runtimeClassName=nvidia');
    expect(dp.stdout.indexOf('→ runtimeclass ')).toBeGreaterThan(0);
    expect(dp.stdout.indexOf('→ runtimeclass ')).toBeLessThan(dp.stdout.indexOf('→ release-device-plugin '));

    // The stack's id is an alias of its profile: the same plan, named by the profile.
    const alias = await sb.run(['install', '--cluster', '--dry-run', '--profile', 'nvidia-device-plugin']);
    expect(alias.exitCode).toBe(0);
    expect(alias.stdout).toBe(dp.stdout);
    const unknown = await sb.run(['install', '--cluster', '--dry-run', '--profile', 'nvidia-plugin']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("argument 'nvidia-plugin' is invalid. Allowed choices are gpu-operator, device-plugin, hami, kantaloupe, tensor-fusion.");

    const tf = await sb.run(['install', '--cluster', '--dry-run', '--profile', 'tensor-fusion', '--gpu-nodes', 'gpu-1']);
    expect(tf.stdout).toContain('$ helm upgrade --install tensor-fusion-sys tensor-fusion/tensor-fusion --namespace tensor-fusion-sys --create-namespace --version 1.3.1 --labels installed-by=gpuctl --set agent.agentId=');
    expect(tf.stdout).toContain('$ kubectl label nodes gpu-1 nvidia.com/gpu.present=true --overwrite');
    expect(await sb.mutating()).toEqual([]);
  });
});

describe('bad input in the cluster phase', { timeout: 90_000 }, () => {
  it('a release installed by someone else with other values: stop and show the difference; --force takes it over', async () => {
    await sb.setCluster({
      repos: [{ name: 'nvidia', url: 'https://helm.ngc.nvidia.com/nvidia' }],
      releases: [{ name: 'gpu-operator-1712345678', namespace: 'gpu-operator', status: 'deployed', chart: 'gpu-operator-v24.9.2', values: { driver: { enabled: true } }, labels: {} }],
    });
    const r = await sb.run(['install', '--cluster', '--yes', ...PREINSTALLED]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('stopped before any change: release-conflict');
    expect(r.stdout).toContain('helm release gpu-operator/gpu-operator-1712345678 (gpu-operator-v24.9.2, deployed) was installed by someone else');
    expect(r.stdout).toContain('chart version: installed v24.9.2, gpuctl installs v25.3.0');
    expect(r.stdout).toContain('driver.enabled: installed true, gpuctl sets false');
    expect(r.stdout).toContain('toolkit.enabled: installed (not set), gpuctl sets false');
    expect(await sb.mutating()).toEqual([]);

    const forced = await sb.run(['install', '--cluster', '--yes', '--no-wait', '--force', ...PREINSTALLED]);
    expect(forced.exitCode, forced.stdout).toBe(0);
    expect(join(await sb.mutating())).toContain(GPU_OPERATOR_INSTALL.replace('--install gpu-operator ', '--install gpu-operator-1712345678 '));
    expect((await sb.cluster()).releases).toHaveLength(1);
  });

  it('the same chart installed by someone else with the same values is left alone', async () => {
    await sb.setCluster({
      repos: [{ name: 'nvidia', url: 'https://helm.ngc.nvidia.com/nvidia' }],
      releases: [{ name: 'gpu-operator', namespace: 'gpu-operator', status: 'deployed', chart: 'gpu-operator-v25.3.0', values: { driver: { enabled: false }, toolkit: { enabled: false } }, labels: {} }],
      objects: [{ kind: 'RuntimeClass', metadata: { name: 'nvidia' } }],
    });
    const r = await sb.run(['install', '--cluster', '--no-wait', ...PREINSTALLED]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('installed by someone else (no installed-by=gpuctl label) with the same values: left as it is');
    expect(await sb.mutating()).toEqual([]);
    // …and uninstall does not touch it, nor the RuntimeClass it did not create.
    const u = await sb.run(['uninstall', '--yes']);
    expect(u.exitCode).toBe(0);
    expect(u.stdout).toContain('was not created by gpuctl');
    expect(await sb.mutating()).toEqual([]);
  });

  it('helm missing or older than 3.14', async () => {
    await sb.removeStandin('helm');
    const missing = await sb.run(['install', '--cluster', '--yes', ...PREINSTALLED]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toContain('stopped before any change: helm-missing');
    expect(missing.stdout).toContain('get-helm-3');

    const old = await makeSandbox();
    try {
      await old.setCluster({ helmVersion: 'v3.12.3+g3a31588', nodes: [gpuNode('gpu-1')] });
      const r = await old.run(['install', '--cluster', '--yes', ...PREINSTALLED]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toContain('stopped before any change: helm-too-old');
      expect(r.stdout).toContain('helm v3.12.3+g3a31588 is older than 3.14.0');
      expect(await old.mutating()).toEqual([]);
    } finally {
      await old.cleanup();
    }
  });

  it('the cluster cannot be reached', async () => {
    await sb.stateFile('unreachable', '');
    const r = await sb.run(['install', '--cluster', '--yes', ...PREINSTALLED]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('cluster-unreachable');
    expect(r.stdout).toContain('The connection to the server 127.0.0.1:6443 was refused');
  });

  it('no network to the chart repository: the offline route with helm pull and --chart', async () => {
    await sb.stateFile('offline', '');
    const r = await sb.run(['install', '--cluster', '--yes', ...PREINSTALLED]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('step helm-repo-nvidia failed');
    expect(r.stdout).toContain('lookup helm.ngc.nvidia.com: no such host');
    expect(r.stdout).toContain('helm pull REPO/CHART --version VERSION');
    expect(r.stdout).toContain('gpuctl install --cluster --chart COMPONENT=./CHART-VERSION.tgz');

    // The offline route: a local chart needs no repository.
    const tgz = path.join(sb.dir, 'gpu-operator-v25.3.0.tgz');
    await writeFile(tgz, '');
    await sb.clearLog();
    const local = await sb.run(['install', '--cluster', '--yes', '--no-wait', ...PREINSTALLED, '--chart', tgz]);
    expect(local.exitCode, local.stdout).toBe(0);
    expect(join(await sb.mutating())).toEqual([
      'kubectl apply -f -',
      `helm upgrade --install gpu-operator ${tgz} --namespace gpu-operator --create-namespace --labels installed-by=gpuctl --set driver.enabled=false --set toolkit.enabled=false`,
    ]);
  });

  it('uninstall --host explains what it does not do', async () => {
    const r = await sb.run(['uninstall', '--host']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('does not remove the driver or toolkit from a host');
    expect(r.stderr).toContain("apt-get remove --purge '^nvidia-.*'");
  });
});

describe('both phases in one run', { timeout: 120_000 }, () => {
  it('host first, then the charts with the values the host phase makes true; this node gets gpu=on', async () => {
    const { freshUbuntuGpuNode } = await import('../helpers/sandbox.js');
    const { hostname } = await import('node:os');
    await freshUbuntuGpuNode(sb);
    await sb.setCluster({ nodes: [gpuNode(hostname())] });
    const r = await sb.run(['install', '--yes', '--driver', '535', '--profile', 'hami']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const changes = join(await sb.mutating());
    expect(changes.indexOf('systemctl restart containerd')).toBeLessThan(changes.findIndex((c) => c.startsWith('helm')));
    expect(changes).toContain(`${GPU_OPERATOR_INSTALL} --set devicePlugin.enabled=false`);
    expect(changes).toContain(`kubectl label nodes ${hostname()} gpu=on --overwrite`);
    expect(r.stdout).toContain('driver on the hosts: yes (the host phase of this run installs it)');
    expect(r.stdout).toContain('Verify: node checks');
    expect(r.stdout).toContain('Verify: HAMi on the GPU Operator');
  });

  it('this machine is a GPU node by its lspci even before any label says so', async () => {
    const { freshUbuntuGpuNode } = await import('../helpers/sandbox.js');
    const { hostname } = await import('node:os');
    await freshUbuntuGpuNode(sb);
    await sb.setCluster({ nodes: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: hostname(), labels: {} } }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cpu-1', labels: {} } }] });
    const r = await sb.run(['install', '--cluster', '--dry-run', '--profile', 'hami', ...PREINSTALLED]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(`GPU nodes (this machine is ${hostname()}): not labelled gpu=on: ${hostname()}`);
    expect(r.stdout).toContain(`$ kubectl label nodes ${hostname()} gpu=on --overwrite`);
  });
});
