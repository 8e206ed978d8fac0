import { defineCheck } from '../src/check.js';
import { commandMissing, commandText, operatorDriverPods, PROC_VERSION_PATH } from '../src/facts/driver.js';
import type { Facts } from '../src/facts/facts.js';
import { gpuEvidence } from '../src/facts/gpu.js';
import { nvidiaGpus, parseDevNvidia, parseLsmod, parseLspci, parseProcDriverVersion } from '../src/facts/nvidia-host.js';
import { findNvmlError } from '../src/facts/nvidia-smi.js';
import type { Issue } from '../src/model.js';
import { judgeEachNode, notJudged, type NotJudged } from '../src/node-check.js';

/** One of the three signs of a loaded driver: true, false, or undefined when it was not collected. */
interface Sign {
  seen: boolean | undefined;
  text: string;
}

function moduleSign(facts: Facts, node: string): Sign & { nouveau?: string } {
  const out = facts.hostCommand(node, 'lsmod');
  if (!out || commandMissing(out) || out.exitCode !== 0) return { seen: undefined, text: `lsmod: ${out ? `not usable (exit ${out.exitCode})` : 'not collected'}` };
  const modules = parseLsmod(out.stdout);
  const nvidia = modules.get('nvidia');
  const nouveau = modules.get('nouveau');
  return {
    seen: !!nvidia,
    text: nvidia ? `lsmod: ${nvidia.line}` : `lsmod: no nvidia module (${modules.size} modules listed)`,
    ...(nouveau ? { nouveau: `lsmod: ${nouveau.line} — nouveau holds the GPU (see nouveau-loaded)` } : {}),
  };
}

function procSign(facts: Facts, node: string): Sign {
  const text = facts.hostFile(node, PROC_VERSION_PATH);
  if (text === undefined) return { seen: false, text: `${PROC_VERSION_PATH}: absent` };
  const parsed = parseProcDriverVersion(text);
  return parsed ? { seen: true, text: `${PROC_VERSION_PATH}: ${parsed.line}` } : { seen: true, text: `${PROC_VERSION_PATH}: present but without an NVRM version line` };
}

function devSign(facts: Facts, node: string): Sign {
  const out = facts.hostCommand(node, 'dev-nvidia');
  if (!out) return { seen: undefined, text: '/dev/nvidia*: not collected' };
  const nodes = parseDevNvidia(out.stdout);
  // grep exits 1 when nothing matched: that is the answer "none", not a failure.
  if (out.exitCode !== 0 && !(out.exitCode === 1 && !out.stdout.trim())) return { seen: undefined, text: `/dev/nvidia*: listing failed (exit ${out.exitCode})` };
  return nodes.all.length
    ? { seen: nodes.gpus.length > 0 && nodes.control, text: `/dev: ${nodes.all.join(' ')}${nodes.gpus.length && nodes.control ? '' : ' (no /dev/nvidiaN or nvidiactl)'}` }
    : { seen: false, text: '/dev/nvidia*: none' };
}

export default defineCheck({
  name: 'driver-not-loaded',
  title: 'The NVIDIA driver is loaded on GPU nodes',
  needs: ['Node', 'Pod', 'node-probe', 'node-files', 'node-command:nvidia-smi', 'node-command:lsmod', 'node-command:lspci', 'node-command:dev-nvidia'],
  requires: [],
  ok: 'the NVIDIA driver is loaded on every probed GPU node',
  explain: {
    detects:
      'A node with an NVIDIA GPU (lspci, labels or capacity) where the driver is not loaded: no `nvidia` module in lsmod, no /proc/driver/nvidia/version, no /dev/nvidia* device nodes. It says which of the three it saw; a loaded module without device nodes is a warning.',
    why: 'Without the kernel driver the container toolkit has nothing to inject, the device plugin finds no GPU (NVML fails to initialise), and GPU pods stay Pending or crash.',
    fix: 'Install the driver for the running kernel (or let the GPU Operator driver DaemonSet do it) and load it; check `dmesg` for the reason it did not load: Secure Boot rejecting an unsigned module, a DKMS build missing for the new kernel, nouveau holding the card.',
  },
  run(facts) {
    return judgeEachNode(facts, (name): Issue[] | NotJudged => {
      if (!facts.host(name)) return notJudged();
      const lspci = facts.hostCommand(name, 'lspci');
      const pciGpus = lspci && lspci.exitCode === 0 ? nvidiaGpus(parseLspci(lspci.stdout)) : [];
      const node = facts.node(name);
      const claims = node ? gpuEvidence(node).filter((e) => !e.startsWith('lspci:')) : [];
      // A probed node without any sign of a GPU needs no driver.
      if (!pciGpus.length && !claims.length) return [];
      const mod = moduleSign(facts, name);
      const proc = procSign(facts, name);
      const dev = devSign(facts, name);
      const signs = [mod, proc, dev];
      // /proc/driver/nvidia/version being absent proves nothing unless the probe also read the driver's other signs.
      if (mod.seen === undefined && dev.seen === undefined) return notJudged('neither lsmod nor the /dev listing was collected');
      const loaded = mod.seen === true || proc.seen === true;
      if (loaded && dev.seen !== false) return [];

      const gpuLines = pciGpus.length ? pciGpus.map((d) => `lspci: ${d.line}`) : claims;
      const smiError = findNvmlError(commandText(facts.hostCommand(name, 'nvidia-smi')));
      const evidence = [
        ...gpuLines,
        ...signs.map((s) => s.text),
        ...(mod.nouveau ? [mod.nouveau] : []),
        ...(smiError ? [`nvidia-smi on ${name}: ${smiError.line}`] : []),
      ];
      if (loaded) {
        return [
          {
            severity: 'warning',
            subject: { kind: 'Node', name },
            message: `The NVIDIA module is loaded on node ${name} but its device nodes /dev/nvidia* are missing`,
            evidence,
            fix: {
              summary: 'Create the device nodes (nvidia-modprobe does it; running nvidia-smi once as root also does)',
              commands: ['sudo nvidia-modprobe -u -c=0', 'sudo nvidia-smi', 'ls -l /dev/nvidia*'],
            },
          },
        ];
      }
      const stale = dev.seen === true;
      const driverPod = operatorDriverPods(facts, name)[0];
      return [
        {
          severity: 'error',
          subject: { kind: 'Node', name },
          message: `The NVIDIA driver is not loaded on node ${name}${stale ? ' (only stale device nodes remain)' : ''}`,
          evidence,
          fix: driverPod
            ? {
                summary: `The GPU Operator installs the driver here: read why its driver pod ${driverPod.metadata.name} did not load it`,
                commands: [
                  `kubectl -n ${driverPod.metadata.namespace} logs ${driverPod.metadata.name} --all-containers --tail=100`,
                  `kubectl -n ${driverPod.metadata.namespace} describe pod ${driverPod.metadata.name}`,
                ],
              }
            : {
                summary: 'Install the driver for the running kernel and load it; dmesg says why it did not load',
                commands: [
                  "sudo dmesg | grep -i -E 'nvrm|nvidia|nouveau'   # 'Key was rejected by service' = Secure Boot",
                  'mokutil --sb-state',
                  'dkms status; uname -r                           # a module built for this kernel?',
                  'sudo ubuntu-drivers install                     # Ubuntu; or: sudo apt-get install -y nvidia-driver-<branch>',
                  'sudo modprobe nvidia && nvidia-smi',
                ],
              },
        },
      ];
    });
  },
});
