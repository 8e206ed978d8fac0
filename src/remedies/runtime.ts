// The commands that change a node's container runtime config, per distribution: where the config
// must be edited (k3s/RKE2 templates, MicroK8s' template, a drop-in's import) and how the runtime is
// restarted so that it reads it.
import type { Node } from '../collection/kube.js';
import type { RuntimeConfig } from '../facts/runtime/active-config.js';
import type { ContainerdConfig } from '../facts/runtime/containerd-config.js';
import { readContainerdConfig } from '../facts/runtime/containerd-config.js';
import { CONTAINERD_PATHS } from '../facts/runtime/containerd-paths.js';
import { CRIO_CONFIG, CRIO_DROP_IN_DIR } from '../facts/runtime/crio-config.js';
import { DOCKER_DAEMON_JSON } from '../facts/runtime/docker-config.js';
import { CRI_RUNTIME_V3, CRI_V2 } from '../facts/runtime/containerd-plugins.js';
import { isNvidiaRuntime } from '../facts/runtime/runtimes.js';
import type { RuntimeKind } from '../facts/runtime/services.js';
import { runtimeKind, runtimeService } from '../facts/runtime/services.js';
import type { Facts } from '../facts/facts.js';
import { hasGoTemplateActions } from '../facts/toml.js';
import type { Fix } from '../model.js';
import type { NodeHost } from '../collection/collection.js';

const NVIDIA_BINARY = '/usr/bin/nvidia-container-runtime';

/** The command that creates a RuntimeClass for a handler (the handler cannot be changed afterwards). */
export function runtimeClassYaml(name: string, handler: string): string {
  return `kubectl apply -f - <<'EOF'\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: ${name}\nhandler: ${handler}\nEOF`;
}

export function restartCommand(config: RuntimeConfig | undefined, node?: Node): string {
  if (config?.engine === 'containerd' && config.flavor === 'microk8s') return 'sudo snap restart microk8s';
  return `sudo systemctl restart ${runtimeService(config, node)}`;
}

/** The nvidia runtime as TOML for a config file of this version (1: [plugins.cri], 2, 3), to append to it. */
export function nvidiaRuntimeToml(fileVersion: number): string {
  const plugin = fileVersion >= 3 ? CRI_RUNTIME_V3 : fileVersion === 2 ? CRI_V2 : 'cri';
  const table = `plugins.'${plugin}'.containerd.runtimes.'nvidia'`;
  return [`[${table}]`, `  runtime_type = "io.containerd.runc.v2"`, `[${table}.options]`, `  BinaryName = "${NVIDIA_BINARY}"`, `  SystemdCgroup = true`].join('\n');
}

/** The template k3s/RKE2 render this node's config from: config-v3.toml.tmpl only with containerd 2.x. */
function activeTemplate(config: ContainerdConfig): { file: string; version: number } | undefined {
  const v3 = config.templates.find((t) => t.endsWith('/config-v3.toml.tmpl'));
  if (v3 && config.containerdMajor === 2) return { file: v3, version: 3 };
  const v2 = config.templates.find((t) => t.endsWith('/config.toml.tmpl'));
  return v2 ? { file: v2, version: 2 } : undefined;
}

/** The edit that makes the main config import a drop-in's directory, and the main config after it. */
function importEdit(main: string, mainText: string, glob: string): { commands: string[]; after: string } {
  // `containerd config default` writes `imports = []`: fill it in rather than add a second key.
  if (/^imports = \[\]$/m.test(mainText)) {
    return { commands: [`sudo sed -i 's|^imports = \\[\\]$|imports = ["${glob}"]|' ${main}`], after: mainText.replace(/^imports = \[\]$/m, `imports = ["${glob}"]`) };
  }
  if (/^\s*imports\s*=/m.test(mainText)) {
    return {
      commands: [`sudoedit ${main}   # add "${glob}" to the existing imports = [...] list`],
      after: mainText.replace(/^(\s*imports\s*=\s*\[)/m, `$1"${glob}", `),
    };
  }
  return { commands: [`sudo sed -i '1i imports = ["${glob}"]' ${main}`], after: `imports = ["${glob}"]\n${mainText}` };
}

/**
 * How to make containerd read a drop-in nothing imports. Under containerd 1.x a drop-in's plugin
 * section replaces the main config's whole section, so the import is simulated first: when it would
 * drop settings (runc, the default runtime, registry config_path) the runtime goes into the main
 * config instead.
 */
export function dropInImportFix(config: ContainerdConfig, dropIn: string, host: NodeHost | undefined, node: Node | undefined): Fix {
  const on = node ? ` on node ${node.metadata.name}` : '';
  const restart = restartCommand(config, node);
  const glob = `${dropIn.slice(0, dropIn.lastIndexOf('/'))}/*.toml`;
  const edit = importEdit(config.mainFile, host?.files.get(config.mainFile) ?? '', glob);
  if (host) {
    const files = new Map(host.files).set(config.mainFile, edit.after);
    const after = readContainerdConfig({ files, dirs: host.dirs, commands: new Map() }, { containerRuntimeVersion: `containerd://${config.containerdMajor}.0.0` });
    const breaks = after?.problems.filter((p) => p.fatal || p.kind === 'section-replaced' || p.kind === 'default-runtime-undefined') ?? [];
    const defines = after?.runtimes.filter((r) => r.definedIn === dropIn).map((r) => r.name) ?? [];
    if (breaks.length && defines.includes('nvidia')) {
      return {
        summary: `Importing ${dropIn} as it is would ${breaks[0]!.kind === 'section-replaced' ? `replace the whole CRI section of ${config.mainFile} (containerd 1.x merges drop-ins per plugin section)` : `break ${config.mainFile}: ${breaks[0]!.message}`}; add the nvidia runtime to ${config.mainFile} itself and restart${on}`,
        commands: [`sudo tee -a ${config.mainFile} <<'EOF'\n${nvidiaRuntimeToml(config.version)}\nEOF`, restart],
      };
    }
  }
  return { summary: `Import ${dropIn} from ${config.mainFile} (add "${glob}" to its imports) and restart${on}`, commands: [...edit.commands, restart] };
}

/**
 * How to give a node the nvidia runtime: nvidia-ctk for plain containerd and docker, the template
 * for k3s/RKE2/MicroK8s, the missing import when a drop-in already defines it.
 */
export function nvidiaRuntimeFix(config: RuntimeConfig | undefined, node: Node | undefined, host: NodeHost | undefined): Fix {
  const on = node ? ` on node ${node.metadata.name}` : '';
  const restart = restartCommand(config, node);
  // No config read: the runtime the Node object reports (CRI-O, docker, k3s/RKE2's containerd) decides the commands.
  const kind = runtimeKind(config, node);
  if (kind === undefined) {
    return {
      summary: `Configure the NVIDIA runtime in the node's container runtime and restart it${on} (k3s/RKE2: restart k3s/rke2 after installing nvidia-container-toolkit; they add the runtime themselves; CRI-O: nvidia-ctk runtime configure --runtime=crio)`,
      commands: ['sudo nvidia-ctk runtime configure --runtime=containerd', 'sudo systemctl restart containerd'],
    };
  }
  if (kind === 'docker') {
    return {
      summary: `Add the nvidia runtime to ${config?.engine === 'docker' ? config.file : DOCKER_DAEMON_JSON} and restart docker${on}`,
      commands: ['sudo nvidia-ctk runtime configure --runtime=docker', restart],
    };
  }
  if (kind === 'cri-o') {
    const stray = config?.engine === 'cri-o' ? config.unused.find((u) => u.runtimes.some(isNvidiaRuntime)) : undefined;
    return stray
      ? {
          summary: `Move ${stray.file} to ${CRIO_DROP_IN_DIR}, where CRI-O reads drop-ins (nvidia-ctk 1.18.0–1.19.0 wrote it to the wrong directory; fixed in 1.19.1), and restart CRI-O${on}`,
          commands: [`sudo mv ${stray.file} ${CRIO_DROP_IN_DIR}/`, restart],
        }
      : {
          summary: `Add the nvidia runtime to CRI-O (a drop-in in ${CRIO_DROP_IN_DIR}) and restart it${on}; on OpenShift the GPU Operator injects the GPU through its OCI hook instead`,
          commands: [`sudo nvidia-ctk runtime configure --runtime=crio --drop-in-config=${CRIO_DROP_IN_DIR}/99-nvidia.toml`, restart],
        };
  }
  const containerd = config?.engine === 'containerd' ? config : undefined;
  const notImported = containerd?.unused.find((u) => u.why.startsWith('not imported') && u.runtimes.some(isNvidiaRuntime));
  if (containerd && notImported) return dropInImportFix(containerd, notImported.file, host, node);
  if (kind === 'k3s' || kind === 'rke2') {
    const template = containerd && activeTemplate(containerd);
    if (!template) {
      return {
        summary: `${kind} adds the nvidia runtime to its containerd config by itself when it finds ${NVIDIA_BINARY} at start: install nvidia-container-toolkit and restart ${kind}${on}; edits to ${containerd?.mainFile ?? CONTAINERD_PATHS[kind].config} are overwritten on restart`,
        commands: [`ls -l ${NVIDIA_BINARY} || sudo apt-get install -y nvidia-container-toolkit`, restart],
      };
    }
    const text = host?.files.get(template.file) ?? '';
    return hasGoTemplateActions(text)
      ? {
          summary: `Add the nvidia runtime to ${template.file} (${containerd!.mainFile} is rendered from it) and restart ${kind}${on}`,
          commands: [`sudo tee -a ${template.file} <<'EOF'\n${nvidiaRuntimeToml(template.version)}\nEOF`, restart],
        }
      : {
          summary: `Configure the nvidia runtime in ${template.file} (${containerd!.mainFile} is rendered from it) and restart ${kind}${on}`,
          commands: [`sudo nvidia-ctk runtime configure --runtime=containerd --config=${template.file}`, restart],
        };
  }
  if (kind === 'microk8s') {
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

/** What a fix calls the node's runtime, and the command that shows its nvidia runtime there. */
export interface NodeRuntime {
  name: string;
  lookup: string;
}

const RUNTIME_NAMES: Record<RuntimeKind, string> = {
  containerd: 'containerd',
  k3s: "k3s' containerd",
  rke2: "RKE2's containerd",
  microk8s: "MicroK8s' containerd",
  'cri-o': 'CRI-O',
  docker: 'docker',
};

/**
 * The runtime of a node as its Node object reports it (containerRuntimeVersion, the kubelet's +k3s / +rke2),
 * for checks that read no runtime config; undefined when the Node is not known.
 */
export function nodeRuntime(facts: Facts, nodeName: string | undefined): NodeRuntime | undefined {
  const node = nodeName ? facts.node(nodeName) : undefined;
  const kind = runtimeKind(undefined, node);
  return kind && { name: RUNTIME_NAMES[kind], lookup: nvidiaRuntimeLookup(undefined, node) };
}

/**
 * The command that shows, on the node, whether its runtime has the nvidia runtime (or, with no handler, which
 * runtimes it has): the merged containerd config, the k3s/RKE2/MicroK8s rendered file, CRI-O's config and
 * drop-ins, docker's daemon.json.
 */
export function nvidiaRuntimeLookup(config: RuntimeConfig | undefined, node: Node | undefined, handler: string | undefined = 'nvidia'): string {
  const kind = runtimeKind(config, node);
  const pattern = handler ? `'runtimes.${handler}'` : `'runtimes\\.'`;
  switch (kind) {
    case 'cri-o':
      return `sudo grep -rn -A3 ${pattern} ${CRIO_CONFIG} ${CRIO_DROP_IN_DIR}/`;
    case 'docker':
      return `grep -n -A3 ${handler ? handler : 'runtimes'} ${DOCKER_DAEMON_JSON}`;
    case 'k3s':
    case 'rke2':
    case 'microk8s':
      return `sudo grep -n -A3 ${pattern} ${config?.engine === 'containerd' ? config.mainFile : CONTAINERD_PATHS[kind].config}`;
    default:
      return `sudo containerd config dump | grep -n -A3 ${pattern}`;
  }
}

/** nvidia-ctk's --runtime for the node's runtime (k3s/RKE2 run containerd). */
export function ctkRuntime(config: RuntimeConfig | undefined, node: Node | undefined): 'containerd' | 'crio' | 'docker' {
  const kind = runtimeKind(config, node);
  return kind === 'cri-o' ? 'crio' : kind === 'docker' ? 'docker' : 'containerd';
}

/**
 * How to make a node's NVIDIA runtime its default, so that pods naming no RuntimeClass get it: k3s and
 * RKE2 take `default-runtime` in their config.yaml (k3s ≥ v1.28.4, #8751), the GPU Operator's toolkit on
 * RKE2 must write the template, plain containerd and docker take nvidia-ctk's --set-as-default.
 */
export function defaultRuntimeCommands(config: RuntimeConfig, node: Node | undefined, runtimeName: string, operatorToolkit: boolean): string[] {
  const restart = restartCommand(config, node);
  if (config.engine === 'docker') return [`sudo nvidia-ctk runtime configure --runtime=docker --set-as-default`, restart];
  if (config.engine === 'cri-o') return [`sudo nvidia-ctk runtime configure --runtime=crio --set-as-default --drop-in-config=${CRIO_DROP_IN_DIR}/99-nvidia.toml`, restart];
  if (config.flavor === 'k3s' || config.flavor === 'rke2') {
    if (operatorToolkit && config.flavor === 'rke2') {
      const template = CONTAINERD_PATHS.rke2.templates[config.containerdMajor === 2 ? 0 : 1];
      return [
        `helm upgrade gpu-operator nvidia/gpu-operator -n gpu-operator --reuse-values --set 'toolkit.env[0].name=CONTAINERD_CONFIG' --set 'toolkit.env[0].value=${template}' --set 'toolkit.env[1].name=CONTAINERD_SOCKET' --set 'toolkit.env[1].value=/run/k3s/containerd/containerd.sock'`,
      ];
    }
    return [`echo 'default-runtime: ${runtimeName}' | sudo tee -a /etc/rancher/${config.flavor}/config.yaml`, restart];
  }
  if (config.flavor === 'microk8s') return [`sudoedit ${CONTAINERD_PATHS.microk8s.templates[0]}   # default_runtime_name = "${runtimeName}"`, restart];
  return [`sudo nvidia-ctk runtime configure --runtime=containerd --set-as-default --config=${config.mainFile}`, restart];
}
