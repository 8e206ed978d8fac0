// `install --dry-run` / `uninstall --dry-run` print the whole plan even when a prerequisite is missing (issue 17):
// each step that waits for it is marked with what is missing and how to get it; the header says what was found.
import { execFileSync } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshUbuntuGpuNode, gpuNode, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

const HOST_STEPS = ['driver', 'driver-hold', 'nouveau-blacklist', 'toolkit-repo', 'toolkit', 'runtime-config', 'runtime-restart'];

let sb: Sandbox;
beforeEach(async () => {
  sb = await makeSandbox();
  await freshUbuntuGpuNode(sb);
  await sb.setCluster({ nodes: [gpuNode('gpu-1')] });
});
afterEach(() => sb.cleanup());

/** The step lines of a phase, "✗ id" / "→ id" / "✓ id". */
function stepMarks(stdout: string, phase: 'host' | 'cluster'): string[] {
  const block = stdout.split(`\n${phase} phase\n`)[1]!.split(/\n\n/)[0]!;
  return [...block.matchAll(/^ {2}(\S) (\S+) /gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** Real kubectl with no kubeconfig at all (HOME is the sandbox, KUBECONFIG unset). */
async function realKubectlWithoutConfig(): Promise<void> {
  await sb.removeStandin('kubectl');
  await symlink(execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim(), path.join(sb.dir, 'real', 'kubectl'));
}

describe('install --dry-run with a missing prerequisite', { timeout: 60_000 }, () => {
  it('lspci missing: every host step is shown, marked, with how to get pciutils; the cluster phase is planned', async () => {
    await sb.removeStandin('lspci');
    const r = await sb.run(['install', '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(stepMarks(r.stdout, 'host')).toEqual(HOST_STEPS.map((id) => `✗ ${id}`));
    expect(r.stdout).toContain('missing: lspci is not installed: gpuctl cannot tell whether this machine has an NVIDIA GPU — install pciutils (sudo apt-get install -y pciutils');
    expect(r.stdout.match(/missing: lspci-missing \(as above\)/g)).toHaveLength(HOST_STEPS.length - 1);
    expect(r.stdout).toContain('$ DEBIAN_FRONTEND=noninteractive ubuntu-drivers install');
    expect(r.stdout).toContain('$ nvidia-ctk runtime configure --runtime=containerd');
    expect(stepMarks(r.stdout, 'cluster')).toEqual(['→ helm-repo-nvidia', '→ helm-repo-update', '→ runtimeclass', '→ release-gpu-operator']);
    expect(r.stdout).not.toContain('(not planned');
    expect(r.stdout).toContain('✗ missing prerequisite: lspci-missing (check nvidia-device)');
    expect(r.stdout).toContain('Result: dry run: 1 missing prerequisite(s) (lspci-missing) stop the plan above; nothing was changed');
    expect(await sb.mutating()).toEqual([]);
  });

  it('the header does not claim that a blocked host phase installs the driver, and the values follow', async () => {
    await sb.removeStandin('lspci');
    const r = await sb.run(['install', '--dry-run']);
    expect(r.stdout).not.toContain('the host phase of this run installs it');
    expect(r.stdout).toContain('driver on the hosts: no (not found on this machine; the host phase of this run is blocked;');
    expect(r.stdout).not.toContain('--set driver.enabled=false');
    // With lspci there, the same run plans the host phase and says so.
    const ok = await makeSandbox();
    try {
      await freshUbuntuGpuNode(ok);
      await ok.setCluster({ nodes: [gpuNode('gpu-1')] });
      const planned = await ok.run(['install', '--dry-run']);
      expect(planned.exitCode, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('driver on the hosts: yes (the host phase of this run installs it)');
      expect(stepMarks(planned.stdout, 'host').every((m) => m.startsWith('→') || m.startsWith('✓'))).toBe(true);
    } finally {
      await ok.cleanup();
    }
  });

  it('-o json carries each waiting step with its missing prerequisites', async () => {
    await sb.removeStandin('lspci');
    const out = JSON.parse((await sb.run(['install', '--dry-run', '-o', 'json'])).stdout);
    const driver = out.steps.find((s: { id: string }) => s.id === 'driver');
    expect(driver).toMatchObject({ status: 'blocked', reason: 'waits for lspci-missing', missing: [{ code: 'lspci-missing' }] });
    expect(driver.commands.length).toBeGreaterThan(0);
  });

  it('helm missing: the helm steps wait for it, the RuntimeClass (kubectl only) is planned; the header says helm: not installed', async () => {
    await sb.removeStandin('helm');
    const r = await sb.run(['install', '--cluster', '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(stepMarks(r.stdout, 'cluster')).toEqual(['✗ helm-repo-nvidia', '✗ helm-repo-update', '→ runtimeclass', '✗ release-gpu-operator']);
    expect(r.stdout).toContain('missing: helm is not installed (not found on PATH) — install Helm 3.14.0 or newer: https://helm.sh/docs/intro/install/');
    expect(r.stdout).toContain('$ helm upgrade --install gpu-operator nvidia/gpu-operator');
    expect(r.stdout).toContain('get-helm-3');
    expect(r.stdout).toContain('cluster: the current kubeconfig context; kubectl get nodes: 1 node; helm: not installed');
    expect(await sb.mutating()).toEqual([]);
  });

  it('a real run still stops at the gate before planning the phase', async () => {
    await sb.removeStandin('helm');
    const r = await sb.run(['install', '--cluster', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('(not planned: see below; --dry-run shows its steps)');
    expect(r.stdout).toContain('stopped before any change: helm-missing');
  });
});

describe('no kubeconfig: the failed kubectl get nodes is in the header', { timeout: 60_000 }, () => {
  it('install --cluster --dry-run', async () => {
    await realKubectlWithoutConfig();
    const r = await sb.run(['install', '--cluster', '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/cluster: the current kubeconfig context; kubectl get nodes failed: The connection to the server localhost:8080 was refused.*\(no kubeconfig found: kubectl fell back to localhost:8080; set KUBECONFIG or --kubeconfig\)/);
    expect(r.stdout).not.toMatch(/^E\d{4} /m);
    expect(r.stdout).toContain('✗ missing prerequisite: cluster-unreachable');
  });
  it('uninstall --dry-run shows what it would remove, marked', async () => {
    await realKubectlWithoutConfig();
    await sb.removeStandin('helm');
    const r = await sb.run(['uninstall', '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^gpuctl uninstall \(dry run\)\n/);
    expect(r.stdout).toContain('kubectl get nodes failed: The connection to the server localhost:8080 was refused');
    expect(stepMarks(r.stdout, 'cluster')).toEqual(['✗ uninstall-releases', '✗ uninstall-runtimeclass']);
    expect(r.stdout).toContain('$ helm uninstall RELEASE --namespace NAMESPACE   # for each of them');
    expect(r.stdout).toContain('$ kubectl delete runtimeclass nvidia');
    expect(r.stdout).toContain('Result: dry run: 2 missing prerequisite(s) (helm-missing, cluster-unreachable)');
  });
});

describe('an OS without install commands', { timeout: 60_000 }, () => {
  it('shows the host steps without commands it does not have', async () => {
    const { ALPINE } = await import('../helpers/sandbox.js');
    await sb.put('etc/os-release', ALPINE);
    const r = await sb.run(['install', '--host', '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(stepMarks(r.stdout, 'host')).toEqual(HOST_STEPS.map((id) => `✗ ${id}`));
    expect(r.stdout).not.toContain('apt-get');
    expect(r.stdout).toContain('its commands depend on what the missing prerequisite would show');
  });
});
