// helm and kubectl stand-ins: state in $STANDIN_STATE/cluster.json (repos, releases, nodes, objects, pods).
// Answers with the output formats of the real tools (helm 3.14, kubectl 1.28) for the calls gpuctl makes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const S = process.env.STANDIN_STATE;
// yaml loads only for the calls that read YAML: node starts faster without it.
const yaml = async () => (await import('yaml')).default;
const STATE = `${S}/cluster.json`;
const [tool, ...argv] = process.argv.slice(2);

function load() {
  const base = { repos: [], releases: [], nodes: [], objects: [], pods: [], serverVersion: 'v1.28.4', helmVersion: 'v3.14.4+g81c902a' };
  return existsSync(STATE) ? { ...base, ...JSON.parse(readFileSync(STATE, 'utf8')) } : base;
}
const state = load();
const save = () => writeFileSync(STATE, JSON.stringify(state, null, 2));
const flag = (name) => existsSync(`${S}/${name}`);
const out = (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const fail = (text, code = 1) => {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  process.exit(code);
};

/** Splits flags (--name value / --name=value / -n value) from positional words. */
function parse(args, valued) {
  const opts = {};
  const words = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-')) {
      const [name, inline] = a.split(/=(.*)/s);
      if (inline !== undefined) (opts[name] ??= []).push(inline);
      else if (valued.includes(name)) (opts[name] ??= []).push(args[++i]);
      else (opts[name] ??= []).push(true);
    } else words.push(a);
  }
  return { opts, words };
}

/** helm's --set: dotted keys with [i] indices; true/false/null/integers typed like helm does. */
function setValue(target, key, raw) {
  const value = raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  const parts = key.split('.').flatMap((p) => {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(p);
    return m ? [m[1], ...[...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))] : [p];
  });
  let cur = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) cur[part] = value;
    else {
      if (cur[part] == null || typeof cur[part] !== 'object') cur[part] = typeof parts[i + 1] === 'number' ? [] : {};
      cur = cur[part];
    }
  });
}

function merge(target, source) {
  for (const [k, v] of Object.entries(source ?? {})) {
    if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object') merge(target[k], v);
    else target[k] = v;
  }
  return target;
}

const HOSTS = { nvidia: 'helm.ngc.nvidia.com', nvdp: 'nvidia.github.io', 'hami-charts': 'project-hami.github.io', 'tensor-fusion': 'download.tensor-fusion.ai', 'prometheus-community': 'prometheus-community.github.io' };

/** The pods a chart starts; Pending when $STANDIN_STATE/pods-pending exists. */
function podsFor(release, chart) {
  const names =
    chart === 'gpu-operator'
      ? ['gpu-operator-7bbf8bb6b7-x2x8v', 'nvidia-device-plugin-daemonset-cxfnc', 'nvidia-dcgm-exporter-86wcv', 'nvidia-operator-validator-jhz6j', 'nvidia-cuda-validator-4hh2v']
      : [`${release.name}-5d4c8b7f9-q2w3e`];
  const pending = flag('pods-pending');
  return names.map((name) => {
    const completed = name.startsWith('nvidia-cuda-validator');
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: release.namespace, labels: { 'app.kubernetes.io/instance': release.name, release: release.name } },
      spec: { nodeName: state.nodes[0]?.metadata?.name ?? 'gpu-1', containers: [{ name: 'main', image: 'stand-in' }] },
      status: pending
        ? { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'main', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }
        : completed
          ? { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }], containerStatuses: [{ name: 'main', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }
          : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }] },
    };
  });
}

/** What a working device plugin (and GFD) does to the GPU nodes; $STANDIN_STATE/no-gpu-registration keeps them bare. */
function registerGpus(chart, values) {
  const plugin = chart === 'nvidia-device-plugin' || chart === 'hami' || (chart === 'gpu-operator' && values.devicePlugin?.enabled !== false);
  if (!plugin || flag('no-gpu-registration')) return;
  for (const node of state.nodes) {
    if (node.metadata.labels?.['feature.node.kubernetes.io/pci-10de.present'] !== 'true') continue;
    node.metadata.labels['nvidia.com/gpu.present'] = 'true';
    node.status = { ...(node.status ?? {}), capacity: { ...(node.status?.capacity ?? {}), 'nvidia.com/gpu': '1' }, allocatable: { ...(node.status?.allocatable ?? {}), 'nvidia.com/gpu': '1' } };
  }
}

function matchesSelector(labels = {}, selector) {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split(/!?==?/);
    return term.includes('!=') ? labels[k] !== v : labels[k] === v;
  });
}

async function helm() {
  const { opts, words } = parse(argv, ['--namespace', '-n', '--version', '--labels', '--set', '--values', '-f', '-o', '--output', '--selector', '-l', '--kubeconfig', '--kube-context']);
  const ns = opts['--namespace']?.[0] ?? opts['-n']?.[0] ?? 'default';
  const [cmd, sub] = words;
  if (flag('unreachable') && !['version', 'repo'].includes(cmd)) fail('Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:6443/version": dial tcp 127.0.0.1:6443: connect: connection refused');
  if (cmd === 'version') return out(state.helmVersion);
  if (cmd === 'repo' && sub === 'list') {
    if (state.repos.length === 0) fail('Error: no repositories to show');
    return out(JSON.stringify(state.repos));
  }
  if (cmd === 'repo' && sub === 'add') {
    const [, , name, url] = words;
    if (flag('offline')) fail(`Error: looks like "${url}" is not a valid chart repository or cannot be reached: Get "${url}/index.yaml": dial tcp: lookup ${HOSTS[name] ?? name}: no such host`);
    if (state.repos.some((r) => r.name === name && r.url !== url) && !opts['--force-update']) fail(`Error: repository name (${name}) already exists, please specify a different name`);
    state.repos = [...state.repos.filter((r) => r.name !== name), { name, url }];
    save();
    return out(`"${name}" has been added to your repositories`);
  }
  if (cmd === 'repo' && sub === 'update') {
    if (flag('offline')) fail('Error: Failed to update the following repositories: [nvidia]');
    out('Hang tight while we grab the latest from your chart repositories...');
    for (const r of state.repos) out(`...Successfully got an update from the "${r.name}" chart repository`);
    return out('Update Complete. ⎈Happy Helming!⎈');
  }
  if (cmd === 'list') {
    const selector = opts['--selector']?.[0] ?? opts['-l']?.[0];
    const list = state.releases.filter((r) => matchesSelector(r.labels, selector));
    return out(JSON.stringify(list.map(({ name, namespace, revision, updated, status, chart, app_version }) => ({ name, namespace, revision, updated, status, chart, app_version }))));
  }
  if (cmd === 'get' && sub === 'values') {
    const r = state.releases.find((x) => x.name === words[2] && x.namespace === ns);
    if (!r) fail('Error: release: not found');
    return out(Object.keys(r.values).length ? JSON.stringify(r.values) : 'null');
  }
  if (cmd === 'upgrade') {
    const [, name, ref] = words;
    const local = ref.endsWith('.tgz');
    const [repo, chartName] = local ? [undefined, ref.replace(/^.*\//, '').replace(/-v?\d.*\.tgz$/, '')] : ref.split('/');
    if (!local && !state.repos.some((r) => r.name === repo)) fail(`Error: repo ${repo} not found`);
    if (!local && flag('offline')) fail(`Error: failed to download "${ref}"`);
    const version = opts['--version']?.[0] ?? 'v0.0.0-latest';
    const values = {};
    for (const file of [...(opts['--values'] ?? []), ...(opts['-f'] ?? [])]) merge(values, (await yaml()).parse(readFileSync(file, 'utf8')) ?? {});
    for (const pair of opts['--set'] ?? []) {
      const eq = pair.indexOf('=');
      setValue(values, pair.slice(0, eq), pair.slice(eq + 1));
    }
    const labels = Object.fromEntries((opts['--labels']?.[0] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));
    const previous = state.releases.find((r) => r.name === name && r.namespace === ns);
    if (!previous && !opts['--install']) fail(`Error: UPGRADE FAILED: "${name}" has no deployed releases`);
    const release = {
      name,
      namespace: ns,
      revision: String(Number(previous?.revision ?? 0) + 1),
      updated: '2025-03-17 08:09:48.123456 +0000 UTC',
      status: 'deployed',
      chart: `${chartName}-${version}`,
      app_version: version,
      values,
      labels: { ...(previous?.labels ?? {}), ...labels },
    };
    state.releases = [...state.releases.filter((r) => r !== previous), release];
    state.pods = [...state.pods.filter((p) => p.metadata.namespace !== ns || p.metadata.labels?.['app.kubernetes.io/instance'] !== name), ...podsFor(release, chartName)];
    registerGpus(chartName, values);
    save();
    out(previous ? `Release "${name}" has been upgraded. Happy Helming!` : `Release "${name}" does not exist. Installing it now.`);
    return out(`NAME: ${name}\nNAMESPACE: ${ns}\nSTATUS: deployed\nREVISION: ${release.revision}`);
  }
  if (cmd === 'uninstall') {
    const name = words[1];
    if (!state.releases.some((r) => r.name === name && r.namespace === ns)) fail(`Error: uninstall: Release not loaded: ${name}: release: not found`);
    state.releases = state.releases.filter((r) => !(r.name === name && r.namespace === ns));
    state.pods = state.pods.filter((p) => !(p.metadata.namespace === ns && p.metadata.labels?.['app.kubernetes.io/instance'] === name));
    save();
    return out(`release "${name}" uninstalled`);
  }
  fail(`helm stand-in: unsupported: ${argv.join(' ')}`);
}

const PLURAL = { node: 'nodes', nodes: 'nodes', pod: 'pods', pods: 'pods', runtimeclass: 'runtimeclasses', runtimeclasses: 'runtimeclasses', 'runtimeclasses.node.k8s.io': 'runtimeclasses' };
const BUILTIN = ['events', 'namespaces', 'daemonsets.apps', 'deployments.apps'];

async function kubectl() {
  const { opts, words } = parse(argv, ['-n', '--namespace', '-o', '--output', '-l', '--selector', '-f', '--filename', '--kubeconfig', '--context']);
  const [cmd, type, ...names] = words;
  if (flag('unreachable')) fail('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?');
  const ns = opts['-n']?.[0] ?? opts['--namespace']?.[0];
  const list = (items) => out(JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }));
  if (cmd === 'version') return out(JSON.stringify({ clientVersion: { gitVersion: 'v1.28.4' }, serverVersion: { gitVersion: state.serverVersion } }));
  if (cmd === 'get') {
    const plural = PLURAL[type] ?? type;
    if (plural === 'nodes') return list(state.nodes);
    if (plural === 'pods') return list(state.pods.filter((p) => (!ns || p.metadata.namespace === ns) && matchesSelector(p.metadata.labels, opts['-l']?.[0])));
    if (plural === 'runtimeclasses') {
      const all = state.objects.filter((o) => o.kind === 'RuntimeClass');
      if (names.length === 0) return list(all);
      const found = all.find((o) => o.metadata.name === names[0]);
      if (found) return out(JSON.stringify(found));
      if (opts['--ignore-not-found']) return;
      fail(`Error from server (NotFound): runtimeclasses.node.k8s.io "${names[0]}" not found`);
    }
    if (BUILTIN.includes(plural)) return list([]);
    fail(`error: the server doesn't have a resource type "${plural.split('.')[0]}"`);
  }
  if (cmd === 'apply') {
    const docs = (await yaml()).parseAllDocuments(readFileSync(0, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
    for (const doc of docs) {
      const existed = state.objects.some((o) => o.kind === doc.kind && o.metadata.name === doc.metadata.name);
      state.objects = [...state.objects.filter((o) => !(o.kind === doc.kind && o.metadata.name === doc.metadata.name)), doc];
      out(`${doc.kind.toLowerCase()}.node.k8s.io/${doc.metadata.name} ${existed ? 'unchanged' : 'created'}`);
    }
    return save();
  }
  if (cmd === 'label' && (type === 'nodes' || type === 'node')) {
    const targets = names.filter((n) => !n.includes('='));
    const pairs = names.filter((n) => n.includes('=')).map((n) => n.split('='));
    for (const t of targets) {
      const node = state.nodes.find((n) => n.metadata.name === t);
      if (!node) fail(`Error from server (NotFound): nodes "${t}" not found`);
      node.metadata.labels = { ...(node.metadata.labels ?? {}), ...Object.fromEntries(pairs) };
      out(`node/${t} labeled`);
    }
    return save();
  }
  if (cmd === 'delete' && PLURAL[type] === 'runtimeclasses') {
    state.objects = state.objects.filter((o) => !(o.kind === 'RuntimeClass' && o.metadata.name === names[0]));
    save();
    return out(`runtimeclass.node.k8s.io "${names[0]}" deleted`);
  }
  fail(`kubectl stand-in: unsupported: ${argv.join(' ')}`);
}

if (tool === 'helm') await helm();
else await kubectl();
