// The commands that change a node's container runtime config, per distribution: where the config
// must be edited (k3s/RKE2 templates, MicroK8s' template, a drop-in's import) and how the runtime is
// restarted so that it reads it.
import type { ContainerdConfig, RuntimeConfig } from './containerd.js';
import { CONTAINERD_PATHS, CRI_RUNTIME_V3, CRI_V2, isNvidiaRuntime } from './containerd.js';
import { hasGoTemplateActions } from './toml.js';
import type { NodeHost } from '../sources/collection.js';
import type { Node } from './kube.js';
import type { Fix } from '../model.js';

const NVIDIA_BINARY = '/usr/bin/nvidia-container-runtime';

function isServer(node: Node | undefined): boolean {
  const labels = node?.metadata.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels;
}

/** The service that runs containerd on this node. */
export function runtimeService(config: RuntimeConfig | undefined, node?: Node): string {
  if (config?.engine === 'docker') return 'docker';
  switch (config?.flavor) {
    case 'k3s':
      return isServer(node) ? 'k3s' : 'k3s-agent';
    case 'rke2':
      return isServer(node) ? 'rke2-server' : 'rke2-agent';
    default:
      return 'containerd';
  }
}

export function restartCommand(config: RuntimeConfig | undefined, node?: Node): string {
  if (config?.engine === 'containerd' && config.flavor === 'microk8s') return 'sudo snap restart microk8s';
  return `sudo systemctl restart ${runtimeService(config, node)}`;
}

/** The nvidia runtime as TOML for a containerd config of this version, to append to a template. */
export function nvidiaRuntimeToml(config: ContainerdConfig): string {
  const plugin = config.containerdMajor === 2 ? CRI_RUNTIME_V3 : CRI_V2;
  const table = `plugins.'${plugin}'.containerd.runtimes.'nvidia'`;
  return [`[${table}]`, `  runtime_type = "io.containerd.runc.v2"`, `[${table}.options]`, `  BinaryName = "${NVIDIA_BINARY}"`, `  SystemdCgroup = true`].join('\n');
}

/** The imports line that makes containerd read a drop-in directory. */
function importCommands(config: ContainerdConfig, dropIn: string, host: NodeHost | undefined): string[] {
  const glob = `${dropIn.slice(0, dropIn.lastIndexOf('/'))}/*.toml`;
  const main = config.mainFile;
  const hasImports = /^\s*imports\s*=/m.test(host?.files.get(main) ?? '');
  return hasImports
    ? [`sudoedit ${main}   # add "${glob}" to the existing imports = [...] list`]
    : [`sudo sed -i '1i imports = ["${glob}"]' ${main}`];
}

/**
 * How to give a node the nvidia runtime: nvidia-ctk for plain containerd and docker, the template
 * for k3s/RKE2/MicroK8s, the missing import when a drop-in already defines it.
 */
export function nvidiaRuntimeFix(config: RuntimeConfig | undefined, node: Node | undefined, host: NodeHost | undefined): Fix {
  const on = node ? ` on node ${node.metadata.name}` : '';
  const restart = restartCommand(config, node);
  if (!config) {
    return {
      summary: `Configure the NVIDIA runtime in the node's container runtime and restart it${on} (k3s/RKE2: restart k3s/rke2 after installing nvidia-container-toolkit; they add the runtime themselves)`,
      commands: ['sudo nvidia-ctk runtime configure --runtime=containerd', 'sudo systemctl restart containerd'],
    };
  }
  if (config.engine === 'docker') {
    return {
      summary: `Add the nvidia runtime to ${config.file} and restart docker${on}`,
      commands: ['sudo nvidia-ctk runtime configure --runtime=docker', restart],
    };
  }
  const notImported = config.unused.find((u) => u.why.startsWith('not imported') && u.runtimes.some(isNvidiaRuntime));
  if (notImported) {
    return {
      summary: `Import ${notImported.file} from ${config.mainFile} and restart${on}`,
      commands: [...importCommands(config, notImported.file, host), restart],
    };
  }
  if (config.flavor === 'k3s' || config.flavor === 'rke2') {
    const template = config.templates[0];
    if (!template) {
      return {
        summary: `${config.flavor} adds the nvidia runtime to its containerd config by itself when it finds ${NVIDIA_BINARY} at start: install nvidia-container-toolkit and restart ${config.flavor}${on}; edits to ${config.mainFile} are overwritten on restart`,
        commands: [`ls -l ${NVIDIA_BINARY} || sudo apt-get install -y nvidia-container-toolkit`, restart],
      };
    }
    const text = host?.files.get(template) ?? '';
    return hasGoTemplateActions(text)
      ? {
          summary: `Add the nvidia runtime to ${template} (${config.mainFile} is rendered from it) and restart ${config.flavor}${on}`,
          commands: [`sudo tee -a ${template} <<'EOF'\n${nvidiaRuntimeToml(config)}\nEOF`, restart],
        }
      : {
          summary: `Configure the nvidia runtime in ${template} (${config.mainFile} is rendered from it) and restart ${config.flavor}${on}`,
          commands: [`sudo nvidia-ctk runtime configure --runtime=containerd --config=${template}`, restart],
        };
  }
  if (config.flavor === 'microk8s') {
    return {
      summary: `Enable MicroK8s' nvidia addon, or add the runtime to ${CONTAINERD_PATHS.microk8s.templates[0]} and restart MicroK8s${on}`,
      commands: ['microk8s enable nvidia', restart],
    };
  }
  return {
    summary: `Configure the nvidia runtime in containerd and restart it${on}`,
    commands: ['sudo nvidia-ctk runtime configure --runtime=containerd', restart],
  };
}
