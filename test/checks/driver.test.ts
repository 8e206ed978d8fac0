import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import driverBelowMinimum from '../../checks/driver-below-minimum.js';
import driverLibraryMismatch from '../../checks/driver-library-mismatch.js';
import driverNotLoaded from '../../checks/driver-not-loaded.js';
import driverPackagesUnheld from '../../checks/driver-packages-unheld.js';
import driverTooOldForCuda from '../../checks/driver-too-old-for-cuda.js';
import noNvidiaPciDevice from '../../checks/no-nvidia-pci-device.js';
import nouveauLoaded from '../../checks/nouveau-loaded.js';
import type { KubeObject, Node, Pod } from '../../src/facts/kube.js';
import type { Issue } from '../../src/model.js';
import { NO_NODE_FACTS } from '../../src/node-check.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { gpuctl } from '../helpers/cli.js';
import { factsOf, gpuNode, host, node, pod } from '../helpers/facts.js';

const fx = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/nvidia', name), 'utf8');
const PROC = '/proc/driver/nvidia/version';
const NO_MATCH = { stdout: '', exitCode: 1 };

function withHosts(objects: KubeObject[], hosts: Record<string, NodeHost>, extra: Parameters<typeof factsOf>[1] = {}) {
  return factsOf(objects, { nodes: new Map(Object.entries(hosts)), ...extra });
}

function issues(result: Issue[] | { skip: string }): Issue[] {
  if (!Array.isArray(result)) throw new Error(`expected issues, got skip: ${result.skip}`);
  return result;
}

/** A healthy probed GPU node: the driver loaded, its files and device nodes there. */
function healthyHost(smi = 'smi-535.txt', proc = 'proc-version-535.txt'): NodeHost {
  return host({ [PROC]: fx(proc) }, { 'nvidia-smi': fx(smi), lsmod: fx('lsmod-nvidia.txt'), lspci: fx('lspci-t4.txt'), 'dev-nvidia': fx('dev-nvidia.txt') });
}

function gpuPod(ns: string, name: string, nodeName: string, containers: Pod['spec'] extends infer S ? S extends { containers?: infer C } ? C : never : never, status?: Pod['status']): Pod {
  return pod(ns, name, { spec: { nodeName, containers }, ...(status ? { status } : {}) });
}

describe('no-nvidia-pci-device', () => {
  it('is an error when a labelled GPU node shows no NVIDIA GPU in lspci', () => {
    const facts = withHosts([gpuNode('gpu-1')], { 'gpu-1': host({}, { lspci: fx('lspci-no-gpu.txt') }) });
    const [issue, ...rest] = issues(noNvidiaPciDevice.run(facts));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe('Node gpu-1 is labelled or advertised as a GPU node, but lspci shows no NVIDIA GPU on it');
    expect(issue!.evidence).toContain('label feature.node.kubernetes.io/pci-10de.present=true');
    expect(issue!.evidence).toContain('lspci -nn on gpu-1: 3 devices, none with vendor 10de and a display class (0300/0302/0380)');
    expect(issue!.fix!.commands[0]).toMatch(/^lspci -nn \| grep -i 10de/);
  });
  it('is a note for a probed node nothing claims is a GPU node (the unplugged eGPU)', () => {
    const facts = withHosts([node('homelab')], { homelab: host({}, { lspci: fx('lspci-no-gpu.txt') }) });
    expect(issues(noNvidiaPciDevice.run(facts))).toMatchObject([{ severity: 'info', subject: { name: 'homelab' } }]);
  });
  it('does not count an NVIDIA audio function alone as a GPU', () => {
    const audioOnly = '01:00.1 Audio device [0403]: NVIDIA Corporation GA102 High Definition Audio Controller [10de:1aef] (rev a1)';
    const facts = withHosts([gpuNode('gpu-1')], { 'gpu-1': host({}, { lspci: audioOnly }) });
    expect(issues(noNvidiaPciDevice.run(facts))[0]!.evidence).toContain(`lspci: ${audioOnly} (an NVIDIA function, but not a GPU)`);
  });
  it('is quiet when the card is on the bus', () => {
    expect(noNvidiaPciDevice.run(withHosts([gpuNode('gpu-1')], { 'gpu-1': host({}, { lspci: fx('lspci-t4.txt') }) }))).toEqual([]);
  });
  it('skips GPU nodes that were not probed, and says why lspci could not help', () => {
    expect(noNvidiaPciDevice.run(factsOf([gpuNode('gpu-1')]))).toEqual({ skip: NO_NODE_FACTS });
    const facts = withHosts([gpuNode('gpu-1'), gpuNode('gpu-2')], {
      'gpu-1': host({}, { lspci: fx('lspci-t4.txt') }),
      'gpu-2': host({}, { lspci: { stdout: '', stderr: 'sh: 1: lspci: not found', exitCode: 127 } }),
    });
    expect(noNvidiaPciDevice.run(facts)).toEqual({
      skip: 'no node facts for gpu-2 (lspci is not installed on the host: install pciutils): run with --node-probe local|pod or use a snapshot with nodes/NODE/; checked without findings: gpu-1',
    });
  });
});

describe('driver-not-loaded', () => {
  const unloaded = () => host({}, { lsmod: fx('lsmod-nouveau.txt'), lspci: fx('lspci-rtx3090.txt'), 'dev-nvidia': NO_MATCH, 'nvidia-smi': fx('smi-no-driver.txt') });

  it('is an error naming which of the three signs were seen', () => {
    const [issue] = issues(driverNotLoaded.run(withHosts([node('gpu-1')], { 'gpu-1': unloaded() })));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' }, message: 'The NVIDIA driver is not loaded on node gpu-1' });
    expect(issue!.evidence).toEqual([
      'lspci: 01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA102 [GeForce RTX 3090] [10de:2204] (rev a1)',
      'lsmod: no nvidia module (9 modules listed)',
      '/proc/driver/nvidia/version: absent',
      '/dev/nvidia*: none',
      'lsmod: nouveau 2306048 1 — nouveau holds the GPU (see nouveau-loaded)',
      "nvidia-smi on gpu-1: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    ]);
    expect(issue!.fix!.commands.join('\n')).toMatch(/mokutil --sb-state/);
  });
  it('points at the GPU Operator driver pod when the operator manages the driver', () => {
    const driverPod = pod('gpu-operator', 'nvidia-driver-daemonset-7x2kq', { spec: { nodeName: 'gpu-1', containers: [{ name: 'nvidia-driver-ctr' }] }, labels: { app: 'nvidia-driver-daemonset' } });
    const [issue] = issues(driverNotLoaded.run(withHosts([gpuNode('gpu-1'), driverPod], { 'gpu-1': unloaded() })));
    expect(issue!.fix!.commands[0]).toBe('kubectl -n gpu-operator logs nvidia-driver-daemonset-7x2kq --all-containers --tail=100');
  });
  it('warns when the module is loaded but the device nodes are missing', () => {
    const h = host({ [PROC]: fx('proc-version-535.txt') }, { lsmod: fx('lsmod-nvidia.txt'), lspci: fx('lspci-t4.txt'), 'dev-nvidia': NO_MATCH });
    expect(issues(driverNotLoaded.run(withHosts([], { 'gpu-1': h })))).toMatchObject([
      { severity: 'warning', message: 'The NVIDIA module is loaded on node gpu-1 but its device nodes /dev/nvidia* are missing' },
    ]);
  });
  it('calls leftover device nodes of an unloaded driver stale', () => {
    const h = host({}, { lsmod: fx('lsmod-nouveau.txt'), lspci: fx('lspci-t4.txt'), 'dev-nvidia': fx('dev-nvidia.txt') });
    expect(issues(driverNotLoaded.run(withHosts([], { 'gpu-1': h })))[0]!.message).toBe(
      'The NVIDIA driver is not loaded on node gpu-1 (only stale device nodes remain)',
    );
  });
  it('is quiet on a loaded driver and on a probed node without a GPU', () => {
    expect(driverNotLoaded.run(withHosts([gpuNode('gpu-1')], { 'gpu-1': healthyHost() }))).toEqual([]);
    const cpu = host({}, { lsmod: fx('lsmod-nouveau.txt'), lspci: fx('lspci-no-gpu.txt'), 'dev-nvidia': NO_MATCH });
    expect(driverNotLoaded.run(withHosts([node('cpu-1')], { 'cpu-1': cpu }))).toEqual([]);
  });
  it('skips when the node was not probed', () => {
    expect(driverNotLoaded.run(factsOf([gpuNode('gpu-1')]))).toEqual({ skip: NO_NODE_FACTS });
  });
});

describe('nouveau-loaded', () => {
  it('fires with the blacklist, initramfs and reboot commands', () => {
    const facts = withHosts([gpuNode('gpu-1')], { 'gpu-1': host({}, { lsmod: fx('lsmod-nouveau.txt') }) });
    const [issue] = issues(nouveauLoaded.run(facts));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe('nouveau is loaded on node gpu-1 and keeps the NVIDIA driver from binding the GPU');
    expect(issue!.evidence).toEqual(['lsmod on gpu-1: nouveau 2306048 1', 'lsmod: no nvidia module']);
    expect(issue!.fix!.commands.slice(0, 2)).toEqual([
      "printf 'blacklist nouveau\\noptions nouveau modeset=0\\n' | sudo tee /etc/modprobe.d/blacklist-nouveau.conf",
      'sudo update-initramfs -u',
    ]);
    expect(issue!.fix!.commands).toContain('sudo reboot');
  });
  it('says the initramfs was not rebuilt when a blacklist already exists, and uses dracut on RHEL', () => {
    const rhel = node('gpu-1', {}, { nodeInfo: { osImage: 'Red Hat Enterprise Linux 9.4 (Plow)' } });
    const h = host({ '/etc/modprobe.d/blacklist-nouveau.conf': 'blacklist nouveau\noptions nouveau modeset=0\n' }, { lsmod: fx('lsmod-nouveau.txt') });
    const [issue] = issues(nouveauLoaded.run(withHosts([rhel], { 'gpu-1': h })));
    expect(issue!.message).toMatch(/although \/etc\/modprobe.d\/blacklist-nouveau.conf blacklists it: the initramfs was not rebuilt/);
    expect(issue!.evidence).toContain('/etc/modprobe.d/blacklist-nouveau.conf: blacklist nouveau / options nouveau modeset=0');
    expect(issue!.fix!.commands[0]).toBe('sudo dracut --force');
  });
  it('is quiet without nouveau, and skips unprobed nodes', () => {
    expect(nouveauLoaded.run(withHosts([gpuNode('gpu-1')], { 'gpu-1': healthyHost() }))).toEqual([]);
    expect(nouveauLoaded.run(factsOf([gpuNode('gpu-1')]))).toEqual({ skip: NO_NODE_FACTS });
  });
});

describe('driver-library-mismatch', () => {
  const mismatchHost = () =>
    host({ [PROC]: fx('proc-version-535.txt') }, { 'nvidia-smi': { stdout: fx('smi-mismatch.txt'), exitCode: 18 }, 'dpkg-nvidia': fx('dpkg-nvidia.txt') });

  it('is an error on the node, with both versions and the exact packages to hold', () => {
    const [issue] = issues(driverLibraryMismatch.run(withHosts([gpuNode('gpu-1')], { 'gpu-1': mismatchHost() })));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' }, message: 'NVIDIA driver/library version mismatch on node gpu-1' });
    expect(issue!.evidence).toEqual([
      'nvidia-smi on gpu-1: Failed to initialize NVML: Driver/library version mismatch (NVML library version: 535.183)',
      '/proc/driver/nvidia/version on gpu-1: kernel module 535.129.03, user-space NVML 535.183',
    ]);
    expect(issue!.fix!.commands).toContain(
      'sudo apt-mark hold libnvidia-cfg1-535 libnvidia-compute-535 libnvidia-gl-535 nvidia-compute-utils-535 nvidia-dkms-535 nvidia-driver-535 nvidia-kernel-common-535 nvidia-utils-535',
    );
    expect(issue!.fix!.commands[0]).toBe('kubectl drain gpu-1 --ignore-daemonsets --delete-emptydir-data');
  });
  it('finds it in operand logs and events and files them under the node', () => {
    const plugin = pod('gpu-operator', 'nvidia-device-plugin-daemonset-abcde', { spec: { nodeName: 'gpu-2', containers: [{ name: 'nvidia-device-plugin' }] } });
    const workload = pod('ml', 'train-0', { spec: { nodeName: 'gpu-2', containers: [{ name: 'main' }] } });
    const event: KubeObject = {
      kind: 'Event',
      metadata: { name: 'train-0.1', namespace: 'ml' },
      involvedObject: { kind: 'Pod', name: 'train-0', namespace: 'ml' },
      reason: 'Failed',
      message:
        'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown',
    };
    const facts = factsOf([gpuNode('gpu-2'), plugin, workload, event], {
      logs: new Map([['gpu-operator/nvidia-device-plugin-daemonset-abcde/nvidia-device-plugin.previous', 'I0612 10:00:00.1 main.go:199] Starting FS watcher.\nE0612 10:00:00.2 factory.go:68] Failed to initialize NVML: ERROR_LIB_RM_VERSION_MISMATCH\n']]),
    });
    const [issue, ...rest] = issues(driverLibraryMismatch.run(facts));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ subject: { kind: 'Node', name: 'gpu-2' }, message: 'NVIDIA driver/library version mismatch on node gpu-2 (seen by 2 pods)' });
    expect(issue!.evidence![0]).toBe(
      'log of gpu-operator/nvidia-device-plugin-daemonset-abcde container nvidia-device-plugin (previous run): E0612 10:00:00.2 factory.go:68] Failed to initialize NVML: ERROR_LIB_RM_VERSION_MISMATCH',
    );
    expect(issue!.evidence![1]).toMatch(/^event Failed on pod ml\/train-0: Error: failed to create containerd task/);
  });
  it('warns before it happens: packages newer than the loaded module', () => {
    const h = host({ [PROC]: fx('proc-version-535.txt') }, { 'dpkg-nvidia': fx('dpkg-nvidia.txt') });
    const [issue] = issues(driverLibraryMismatch.run(withHosts([], { 'gpu-1': h })));
    expect(issue).toMatchObject({ severity: 'warning', message: expect.stringContaining('newer than the loaded kernel module 535.129.03') });
    expect(issue!.evidence).toContain('dpkg on gpu-1: libnvidia-compute-535 535.154.05-0ubuntu0.22.04.1 installed');
    expect(issue!.evidence!.join('\n')).not.toMatch(/nvidia-container-toolkit|linux-modules/);
  });
  it('is quiet when nvidia-smi works', () => {
    const h = host({ [PROC]: fx('proc-version-535.txt') }, { 'nvidia-smi': fx('smi-535.txt'), 'dpkg-nvidia': fx('dpkg-nvidia.txt') });
    expect(driverLibraryMismatch.run(withHosts([gpuNode('gpu-1')], { 'gpu-1': h }))).toEqual([]);
  });
  it('skips with neither node facts nor logs', () => {
    expect(driverLibraryMismatch.run(factsOf([gpuNode('gpu-1')]))).toEqual({ skip: `${NO_NODE_FACTS}; no container logs either` });
  });
});

describe('driver-too-old-for-cuda', () => {
  const cudaPod = (image: string, nodeName = 'gpu-1', extra: { env?: { name: string; value: string }[]; status?: Pod['status'] } = {}) =>
    gpuPod('ml', 'train-0', nodeName, [{ name: 'main', image, ...(extra.env ? { env: extra.env } : {}), resources: { limits: { 'nvidia.com/gpu': '1' } } }], extra.status);

  it('is an error across major versions, citing each version’s source and the table row', () => {
    const facts = withHosts([gpuNode('gpu-1'), cudaPod('nvidia/cuda:12.2.0-base-ubuntu22.04')], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-470.txt') }) });
    const [issue] = issues(driverTooOldForCuda.run(facts));
    expect(issue).toMatchObject({
      severity: 'error',
      subject: { kind: 'Pod', name: 'train-0', namespace: 'ml' },
      message: 'Pod ml/train-0 needs CUDA 12.2.0 but driver 470.57.02 on node gpu-1 supports CUDA 11.4',
    });
    expect(issue!.evidence).toEqual(
      expect.arrayContaining([
        'workload CUDA 12.2.0: image tag nvidia/cuda:12.2.0-base-ubuntu22.04 (container main)',
        'node driver 470.57.02: nvidia-smi on gpu-1',
        'driver supports CUDA 11.4: nvidia-smi on gpu-1 ("CUDA Version: 11.4")',
        'Table 3: "CUDA 12.2 GA" needs Linux driver >= 535.54.03',
        expect.stringMatching(/^minor version compatibility does not help: CUDA 12.x runs on drivers >= 525.60.13/),
        expect.stringMatching(/^forward compatibility: .*cuda-compat/),
      ]),
    );
    expect(issue!.fix!.summary).toBe('Upgrade the driver on gpu-1 to >= 535.54.03 (branch 535), or run an image built for CUDA 11.4 or older');
    expect(issue!.fix!.commands).toContain('sudo apt-get install -y nvidia-driver-535 && sudo reboot     # on gpu-1 (Ubuntu)');
  });
  it('warns under minor version compatibility and explains the toolkit requirement check', () => {
    const facts = withHosts([gpuNode('gpu-1'), cudaPod('nvcr.io/nvidia/cuda:12.8.0-runtime-ubuntu22.04')], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-550.txt') }) });
    const [issue] = issues(driverTooOldForCuda.run(facts));
    expect(issue).toMatchObject({
      severity: 'warning',
      message: 'Pod ml/train-0 uses CUDA 12.8.0, newer than driver 550.144.03 on node gpu-1 supports CUDA 12.4: it runs only under minor version compatibility',
    });
    expect(issue!.evidence!.join('\n')).toMatch(/PTX.*cudaErrorUnsupportedPtxVersion/);
    expect(issue!.evidence!.join('\n')).toMatch(/NVIDIA_REQUIRE_CUDA=cuda>=12.8 is checked by nvidia-container-cli/);
  });
  it('turns the warning into an error when the pod shows the failure', () => {
    const status: Pod['status'] = {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          state: {
            waiting: {
              reason: 'RunContainerError',
              message:
                'failed to create containerd task: … stderr: nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.8, please update your driver to a newer version, or use an earlier cuda container: unknown',
            },
          },
        },
      ],
    };
    const facts = withHosts([gpuNode('gpu-1'), cudaPod('nvidia/cuda:12.8.0-base-ubuntu22.04', 'gpu-1', { status })], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-550.txt') }) });
    const [issue] = issues(driverTooOldForCuda.run(facts));
    expect(issue).toMatchObject({ severity: 'error', message: 'Pod ml/train-0 fails: CUDA 12.8.0 is newer than driver 550.144.03 on node gpu-1 supports CUDA 12.4' });
    expect(issue!.evidence).toContain(
      'status of ml/train-0 container main: failed to create containerd task: … stderr: nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.8, please update your driver to a newer version, or use an earlier cuda container: unknown',
    );
  });
  it('reads the driver from GFD labels and the CUDA version from the pod env', () => {
    const labelled = gpuNode('gpu-3', 1, { 'nvidia.com/cuda.driver.major': '470', 'nvidia.com/cuda.driver.minor': '82', 'nvidia.com/cuda.driver.rev': '01' });
    const p = gpuPod('ml', 'infer', 'gpu-3', [{ name: 'app', image: 'example.com/app:1.0', env: [{ name: 'CUDA_VERSION', value: '11.8.0' }] }]);
    const [issue] = issues(driverTooOldForCuda.run(factsOf([labelled, p])));
    expect(issue!.severity).toBe('warning');
    expect(issue!.evidence).toEqual(
      expect.arrayContaining([
        'workload CUDA 11.8.0: env CUDA_VERSION=11.8.0 (container app)',
        'node driver 470.82.01: GFD labels nvidia.com/cuda.driver.major=470, nvidia.com/cuda.driver.minor=82, nvidia.com/cuda.driver.rev=01 on node gpu-3',
        'driver supports CUDA 11.4: derived from driver 470.82.01 with Table 3',
      ]),
    );
  });
  it('reports a log failure without any version when the node driver is known', () => {
    const p = cudaPod('example.com/app:1.0');
    const facts = withHosts([gpuNode('gpu-1'), p], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-470.txt') }) }, {
      logs: new Map([['ml/train-0/main', 'Traceback…\nRuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version\n']]),
    });
    const [issue] = issues(driverTooOldForCuda.run(facts));
    expect(issue).toMatchObject({ severity: 'error', message: 'Pod ml/train-0 fails because driver 470.57.02 on node gpu-1 is too old for its CUDA runtime' });
    expect(issue!.evidence![0]).toBe('log of ml/train-0 container main: RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version');
  });
  it('does not blame a driver that fits: "insufficient" from a container without the host libraries is a warning pointing at the runtime', () => {
    const p = cudaPod('nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1-ubuntu20.04');
    const facts = withHosts([gpuNode('gpu-1'), p], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-535.txt') }) }, {
      logs: new Map([['ml/train-0/main', 'Failed to allocate device vector A (error code CUDA driver version is insufficient for CUDA runtime version)!\n']]),
    });
    const [issue, ...rest] = issues(driverTooOldForCuda.run(facts));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'warning' });
    expect(issue!.message).toMatch(/^Pod ml\/train-0 reports an insufficient CUDA driver, but driver \S+ on node gpu-1 supports CUDA [\d.]+, enough for CUDA 11\.7\.1: the container did not get the host's driver libraries$/);
    expect(issue!.fix!.summary).toContain('nvidia-runtime-not-selected');
  });
  it('is quiet when the driver meets the row', () => {
    const facts = withHosts([gpuNode('gpu-1'), cudaPod('nvidia/cuda:12.2.2-base-ubuntu22.04')], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-535.txt') }) });
    expect(driverTooOldForCuda.run(facts)).toEqual([]);
  });
  it('leaves CUDA images on CPU nodes alone', () => {
    const cpuPod = gpuPod('ml', 'prep', 'cpu-1', [{ name: 'main', image: 'nvidia/cuda:12.2.0-base-ubuntu22.04' }]);
    expect(driverTooOldForCuda.run(factsOf([node('cpu-1'), cpuPod]))).toEqual([]);
  });
  it('skips when no node of a CUDA workload has a driver version, and notes the ones it could not check', () => {
    expect(driverTooOldForCuda.run(factsOf([gpuNode('gpu-1'), cudaPod('nvidia/cuda:12.2.0-base-ubuntu22.04')]))).toEqual({
      skip: `no driver version for node(s) gpu-1 of the CUDA workloads: ${NO_NODE_FACTS} (or deploy GPU Feature Discovery for nvidia.com/cuda.driver-version.* labels)`,
    });
    const other = gpuPod('ml', 'other', 'gpu-2', [{ name: 'main', image: 'nvidia/cuda:12.2.0-base-ubuntu22.04' }]);
    const facts = withHosts([gpuNode('gpu-1'), gpuNode('gpu-2'), cudaPod('nvidia/cuda:12.2.0-base-ubuntu22.04'), other], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-535.txt') }) });
    expect(issues(driverTooOldForCuda.run(facts))).toMatchObject([{ severity: 'info', subject: { kind: 'Node', name: 'gpu-2' } }]);
  });
});

describe('driver-below-minimum', () => {
  const hami: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'hami-device-plugin', namespace: 'kube-system' } };
  const oldNode: Node = gpuNode('gpu-1', 1, { 'nvidia.com/cuda.driver-version.full': '418.87.01' });

  it('fires when HAMi runs on a node with a driver below 440', () => {
    const [issue] = issues(driverBelowMinimum.run(factsOf([hami, oldNode])));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' }, message: "Node gpu-1 runs NVIDIA driver 418.87.01, below HAMi's minimum 440" });
    expect(issue!.evidence).toEqual([
      'driver 418.87.01: GFD label nvidia.com/cuda.driver-version.full=418.87.01 on node gpu-1',
      'HAMi detected: DaemonSet kube-system/hami-device-plugin (HAMi components (app.kubernetes.io/name=hami, hami-device-plugin, hami-scheduler))',
      'minimum 440: HAMi prerequisites: NVIDIA drivers >= 440',
    ]);
  });
  it('prefers the host driver over stale labels', () => {
    const facts = withHosts([hami, oldNode], { 'gpu-1': host({}, { 'nvidia-smi': fx('smi-535.txt') }) });
    expect(driverBelowMinimum.run(facts)).toEqual([]);
  });
  it('finds Kantaloupe by name, which the shared stack detection does not know', () => {
    const kantaloupe: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kantaloupe-system' } };
    expect(issues(driverBelowMinimum.run(factsOf([kantaloupe, oldNode])))[0]!.evidence).toContain('Kantaloupe detected: Namespace kantaloupe-system');
  });
  it('is quiet without a stack that states a minimum', () => {
    expect(driverBelowMinimum.run(factsOf([oldNode]))).toEqual([]);
  });
  it('leaves a probed node without a loaded driver to driver-not-loaded', () => {
    const facts = withHosts([hami, gpuNode('gpu-1'), gpuNode('gpu-2', 1, { 'nvidia.com/cuda.driver-version.full': '535.129.03' })], {
      'gpu-1': host({}, { lsmod: fx('lsmod-nouveau.txt'), 'nvidia-smi': fx('smi-no-driver.txt') }),
    });
    expect(driverBelowMinimum.run(facts)).toEqual([]);
  });
  it('skips when a stack runs but no driver version is known', () => {
    const skip = driverBelowMinimum.run(factsOf([hami, gpuNode('gpu-1')]));
    expect(skip).toEqual({ skip: `HAMi found, but no driver version on any GPU node: ${NO_NODE_FACTS} (or deploy GPU Feature Discovery)` });
  });
});

describe('driver-packages-unheld', () => {
  const debianHost = (files: Record<string, string> = { '/etc/apt/apt.conf.d/20auto-upgrades': fx('20auto-upgrades-on.txt') }) =>
    host(files, { 'dpkg-nvidia': fx('dpkg-nvidia.txt'), 'apt-holds': fx('apt-holds-partial.txt') });

  it('lists the exact packages to hold, leaving out held ones, the toolkit and kernel flavours', () => {
    const [issue] = issues(driverPackagesUnheld.run(withHosts([gpuNode('gpu-1')], { 'gpu-1': debianHost() })));
    expect(issue).toMatchObject({ severity: 'warning', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.fix!.commands[0]).toBe('sudo apt-mark hold libnvidia-cfg1-535 libnvidia-compute-535 nvidia-compute-utils-535 nvidia-kernel-common-535 nvidia-utils-535');
    expect(issue!.evidence).toContain('/etc/apt/apt.conf.d/20auto-upgrades: APT::Periodic::Unattended-Upgrade "1";');
    expect(issue!.evidence).toContain('held already (apt-mark showhold; dpkg "hold"): libnvidia-gl-535, nvidia-dkms-535, nvidia-driver-535');
  });
  it('still warns when the auto-upgrades file is absent, and says it could not confirm', () => {
    const [issue] = issues(driverPackagesUnheld.run(withHosts([], { 'gpu-1': debianHost({}) })));
    expect(issue!.evidence).toContain('/etc/apt/apt.conf.d/20auto-upgrades: not collected or absent (could not confirm it is enabled)');
  });
  it('is quiet when unattended-upgrades is disabled, absent, or the host is not Debian-family', () => {
    const off = debianHost({ '/etc/apt/apt.conf.d/20auto-upgrades': 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "0";\n' });
    expect(driverPackagesUnheld.run(withHosts([], { 'gpu-1': off }))).toEqual([]);
    const noUnattended = host({}, { 'dpkg-nvidia': { stdout: fx('dpkg-nvidia.txt').replace(/^unattended-upgrades.*\n/m, ''), stderr: 'dpkg-query: no packages found matching unattended-upgrades', exitCode: 1 } });
    expect(driverPackagesUnheld.run(withHosts([], { 'gpu-1': noUnattended }))).toEqual([]);
    const rhel = host({}, { 'dpkg-nvidia': { stdout: '', stderr: 'sh: 1: dpkg-query: not found', exitCode: 127 } });
    expect(driverPackagesUnheld.run(withHosts([], { 'gpu-1': rhel }))).toEqual([]);
  });
  it('skips unprobed GPU nodes', () => {
    expect(driverPackagesUnheld.run(factsOf([gpuNode('gpu-1')]))).toEqual({ skip: NO_NODE_FACTS });
  });
});

describe('driver checks on a snapshot (the built CLI)', () => {
  it('reads nodes/NODE/ probe outputs and reports each finding with its source', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/driver-snapshot', '--checks', 'driver', '-o', 'json']);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: { name: string; severity: string; subject: { name: string } }[]; skipped: unknown[] };
    const by = (name: string) => out.findings.filter((f) => f.name === name).map((f) => [f.severity, f.subject.name]);
    expect(by('driver-not-loaded')).toEqual([['error', 'gpu-2']]);
    expect(by('nouveau-loaded')).toEqual([['error', 'gpu-2']]);
    expect(by('driver-too-old-for-cuda')).toEqual([['error', 'train-0']]);
    expect(by('driver-packages-unheld')).toEqual([['warning', 'gpu-1']]);
    expect(by('no-nvidia-pci-device')).toEqual([['ok', 'cluster']]);
    expect(by('driver-library-mismatch')).toEqual([['ok', 'cluster']]);
    expect(by('driver-below-minimum')).toEqual([['ok', 'cluster']]);
    expect(out.skipped).toEqual([]);
  });
});
