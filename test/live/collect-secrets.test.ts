// `gpuctl collect` must not leak credentials: secrets of every kind are planted in a simulated cluster (objects of
// many kinds, env and args of every container kind, a ClusterPolicy, logs, events) and in its node's files, command
// outputs and process tables; collect writes a directory and a .tar.gz, and neither holds any of them. Each carrier
// leaves a witness (a name or tag next to the secret) that must be in the bundle, so a carrier that was not
// collected at all cannot pass the test by accident.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { gpuctl } from '../helpers/cli.js';
import { host } from '../helpers/facts.js';
import { EXEC_FIXTURE } from './exec-sim.js';
import { serve } from '../node-probe/helpers.js';

const secrets: string[] = [];
const witnesses: string[] = [];
/** A fresh secret, unique in the whole bundle. */
function s(prefix = 'Pl4nt'): string {
  const value = `${prefix}${String(secrets.length).padStart(2, '0')}Zq${Math.random().toString(36).slice(2, 8)}`;
  secrets.push(value);
  return value;
}
/** A secret that must be found in base64 and in clear: docker's `auth` field. */
function dockerAuth(): string {
  const pass = s();
  const b64 = Buffer.from(`robot:${pass}`).toString('base64');
  secrets.push(b64);
  return b64;
}
function jwt(): string {
  const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const value = `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ sub: s('jwtsub') })}.${s('sig').replace(/Zq/, '')}`;
  secrets.push(value);
  return value;
}
/** A secret of a given shape (an access token), unique by its counter. */
function raw(value: string): string {
  secrets.push(value);
  return value;
}
function w(tag: string): string {
  witnesses.push(tag);
  return tag;
}

function plantedCluster(base: Collection): Collection {
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'leaky',
        namespace: 'ml',
        annotations: {
          [w('example.com/db-password')]: s(),
          [w('example.com/pull-config')]: `{"auths":{"r.example.com":{"auth":"${dockerAuth()}"}}}`,
          [w('example.com/notes')]: `rotated; old Authorization: Bearer ${s()}`,
          'kubectl.kubernetes.io/last-applied-configuration': `{"spec":{"containers":[{"env":[{"name":"X","value":"${s()}"}]}]}}`,
        },
      },
      spec: {
        nodeName: 'gpu-1',
        containers: [
          {
            name: w('main-carrier'),
            image: 'pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime',
            resources: { limits: { 'nvidia.com/gpu': '1' } },
            env: [
              { name: w('REGISTRY_PASS'), value: s() },
              { name: w('DB_PWD'), value: s() },
              { name: w('GITHUB_PAT'), value: s() },
              { name: w('S3_PASS'), value: s() },
              { name: w('HF_TOKEN'), value: s() },
              { name: w('AWS_SECRET_ACCESS_KEY'), value: s() },
              { name: w('OPENAI_API_KEY'), value: s() },
              { name: w('SESSION_COOKIE'), value: s() },
              { name: w('DATABASE_URL'), value: `postgres://${w('appuser')}:${s()}@db.internal:5432/app` },
              { name: w('CONFIG_JSON'), value: `{"token":"${s()}","region":"eu"}` },
              { name: 'LD_PRELOAD', value: w('/usr/local/vgpu/libvgpu-carrier.so') },
            ],
            command: ['sh', '-c', `mysql -u ${w('root-carrier')} -p ${s()} app && TOKEN=${s()} python serve.py`],
            args: ['--password', s(), '--hf-token', s(), `--api-token=${s()}`, `Authorization: Bearer ${s()}`, '-p', '8080', w('--epochs-carrier')],
          },
        ],
        initContainers: [
          {
            name: w('init-carrier'),
            image: 'curlimages/curl',
            command: ['sh', '-c', `curl -H 'Authorization: Basic ${dockerAuth()}' -u admin:${s()} https://${w('artifacts.example.com')}/model.bin`],
            env: [{ name: w('INIT_SECRET'), value: s() }],
          },
        ],
        ephemeralContainers: [{ name: w('debugger-carrier'), image: 'busybox', env: [{ name: w('DEBUG_PASSWORD'), value: s() }], args: ['--token', s()] }],
      },
      status: { phase: 'Running', containerStatuses: [{ name: 'main-carrier', ready: true, restartCount: 0, image: 'x', imageID: 'x', state: { running: {} } }] },
    },
    {
      apiVersion: 'nvidia.com/v1',
      kind: 'ClusterPolicy',
      metadata: { name: w('cluster-policy-carrier') },
      spec: {
        driver: {
          env: [{ name: w('NGC_API_KEY'), value: s() }, { name: w('REGISTRY_PASSWORD'), value: s() }],
          repository: `https://${w('bot-carrier')}:${s()}@nvcr.example.com/nvidia`,
        },
        toolkit: { env: [{ name: w('CONTAINERD_TOKEN'), value: s() }] },
        devicePlugin: { args: ['--pass', s()] },
        validator: { plugin: { env: [{ name: w('WITH_WORKLOAD'), value: 'true' }, { name: w('VALIDATOR_AUTH'), value: s() }] } },
      },
    },
    {
      apiVersion: 'tensor-fusion.ai/v1',
      kind: 'TensorFusionCluster',
      metadata: { name: w('tf-carrier'), namespace: 'tensor-fusion-sys' },
      spec: { registry: { url: w('registry.tf.example.com'), password: s(), token: s() }, clientSecret: s() },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      // The one ConfigMap gpuctl reads (TensorFusion's GPU catalogue); others never leave the cluster.
      metadata: { name: w('tensor-fusion-sys-public-gpu-info'), namespace: 'tensor-fusion-sys', annotations: { [w('owner-carrier')]: `contact ${w('ops')}, key=${s()}` } },
      data: {
        [w('DB_PASSWORD')]: s(),
        [w('application.properties')]: `spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.password=${s()}\n`,
        [w('registries.yaml')]: `configs:\n  "r.example.com":\n    auth:\n      username: bot\n      password: ${s()}\n`,
        [w('config.json')]: `{"auths":{"ghcr.io":{"auth":"${dockerAuth()}","identitytoken":"${s()}"}}}`,
        [w('id_rsa')]: `-----BEGIN OPENSSH PRIVATE KEY-----\n${s()}\n${s()}\n-----END OPENSSH PRIVATE KEY-----\n`,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      // gpuctl reads bitfusion-secret's metadata only; were its data served, it would still be redacted.
      metadata: { name: w('bitfusion-secret'), namespace: 'ml' },
      data: { '.dockerconfigjson': Buffer.from(`{"auths":{"x":{"auth":"${dockerAuth()}"}}}`).toString('base64'), tokens: Buffer.from(s()).toString('base64') },
      stringData: { extra: s() },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w('serving-carrier'), namespace: 'ml' },
      spec: {
        selector: { matchLabels: { app: 'serving' } },
        template: {
          metadata: { labels: { app: 'serving' } },
          spec: { containers: [{ name: 'srv', image: 'vllm/vllm-openai', env: [{ name: w('WANDB_API_KEY'), value: s() }], args: [`--api-key=${s()}`] }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'leaky.1', namespace: 'ml' },
      involvedObject: { kind: 'Pod', name: 'leaky', namespace: 'ml' },
      reason: w('CarrierEvent'),
      type: 'Warning',
      message: `Failed to pull image "r.example.com/x": authorization failed: Authorization: Bearer ${s()}; retry with token=${s()} at https://${w('u-carrier')}:${s()}@r.example.com`,
      lastTimestamp: '2026-01-01T00:00:00Z',
    },
  ];
  const nodes = new Map(base.nodes);
  nodes.set(
    'gpu-1',
    host(
      {
        '/etc/rancher/k3s/registries.yaml': [
          `# ${w('carrier-registries')}`,
          'mirrors:',
          '  docker.io:',
          '    endpoint:',
          `      - "https://mirror-user:${s()}@mirror.example.com"`,
          'configs:',
          '  "registry.example.com":',
          '    auth:',
          '      identity_token: |',
          `        ${s()}`,
          `        ${s()}`,
          `      ${w('username: carrier-bot')}`,
          '  "other.example.com":',
          '    auth:',
          `      - password: ${s()}`,
          `      - token: "${s()}"`,
          `      - auth: ${dockerAuth()}`,
          '',
        ].join('\n'),
        '/etc/docker/daemon.json': `{"${w('registry-mirrors')}":["https://m:${s()}@mirror.example.com"],"auths":{"r.example.com":{"auth":"${dockerAuth()}","password":"${s()}"}}}`,
        '/etc/containerd/config.toml': [
          'version = 2',
          `# ${w('carrier-config-toml')}`,
          '[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com".auth]',
          `  password = "${s()}"`,
          `  identitytoken = "${s()}"`,
          `  auth = "${dockerAuth()}"`,
          '',
        ].join('\n'),
        '/etc/containerd/certs.d/r.example.com/hosts.toml': `server = "https://r.example.com"\n# ${w('carrier-hosts')}\n[host."https://m.example.com".header]\n  authorization = ["Bearer ${s()}"]\n`,
      },
      {
        'containerd-config-dump': {
          stdout: `version = 2\n# ${w('carrier-dump')}\n[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com".auth]\n  password = "${s()}"\n  auth = "${dockerAuth()}"\n`,
          exitCode: 0,
          stderr: `${w('carrier-dump-stderr')}: level=warning msg="deprecated" token=${s()}\n`,
        },
      },
    ),
  );
  const processes = new Map(base.processes);
  const hami = processes.get('ml/hami-infer/server')!;
  processes.set('ml/hami-infer/server', [
    {
      ...hami[0]!,
      cmdline: [...hami[0]!.cmdline, '--hf-token', s(), `--api-key=${s()}`, w('--carrier-flag')],
      environ: { ...hami[0]!.environ, [w('DB_PASS')]: s(), [w('REDIS_URL')]: `redis://default:${s()}@redis:6379`, [w('AWS_SESSION_TOKEN')]: s() },
    },
    ...hami.slice(1),
    { pid: 4242, ppid: 1, cmdline: ['sh', '-c', `mysql -h db -u ${w('proc-carrier')} -p ${s()} -e 'select 1'`], environ: { PATH: '/usr/bin', [w('GH_TOKEN')]: s() } },
  ]);
  const logs = new Map(base.logs);
  logs.set(
    'ml/trainer-bash/python',
    [
      `${w('carrier-log')} downloading weights`,
      `GET /v2/ HTTP/1.1 Authorization: Bearer ${s()}`,
      `connecting to postgres://trainer:${s()}@db:5432/x`,
      `using token ${jwt()}`,
      `env: DB_PASSWORD=${s()}`,
      '-----BEGIN PRIVATE KEY-----',
      s(),
      '-----END PRIVATE KEY-----',
      `cloned https://${raw(`ghp_${String(secrets.length).padStart(2, '0')}${'A1b2C3d4'.repeat(4)}`)}@github.com/org/repo.git`,
      `export HF_HUB_TOKEN=${raw(`hf_${String(secrets.length).padStart(2, '0')}${'Xy9Zw8Vu'.repeat(4)}`)}`,
    ].join('\n'),
  );
  logs.set('ml/trainer-bash/python.previous', `${base.logs.get('ml/trainer-bash/python.previous') ?? ''}\n${w('carrier-previous')} Cookie: session=${s()}; theme=dark\n`);
  return { ...base, objects: [...base.objects, ...objects], nodes, processes, logs };
}

const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file of the tree as one text, and the secrets found in it. */
function leaked(tree: string): { text: string; found: string[] } {
  const text = execFileSync('sh', ['-c', `find "${tree}" -type f -exec cat {} +`], { maxBuffer: 1 << 28 }).toString();
  // Each leak with the text around it, so a failure says where.
  const found = secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in …${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 40)}…`);
  return { text, found };
}

describe('gpuctl collect: planted secrets', () => {
  it('writes none of 60+ planted secrets, to a directory or a .tar.gz, and says where it redacted', async () => {
    const base = await loadSnapshot(EXEC_FIXTURE);
    const cluster = plantedCluster(base);
    expect(secrets.length).toBeGreaterThanOrEqual(60);
    const served = await serve(cluster, {});
    try {
      const out = path.join(dir, 'bundle');
      const r = await served.run(['collect', '-f', out, '--node-probe', 'pod', '--redact-report']);
      expect(r.stderr).toMatch(/^gpuctl: wrote .*bundle: .*1 node probed/);
      expect(r.exitCode).toBe(0);
      const tgz = path.join(dir, 'bundle.tar.gz');
      expect((await served.run(['collect', '-f', tgz, '--node-probe', 'pod'])).exitCode).toBe(0);
      const unpacked = path.join(dir, 'unpacked');
      execFileSync('sh', ['-c', `mkdir -p "${unpacked}" && tar xzf "${tgz}" -C "${unpacked}"`]);
      for (const tree of [out, unpacked]) {
        const { text, found } = leaked(tree);
        expect(found).toEqual([]);
        expect(witnesses.filter((x) => !text.includes(x))).toEqual([]);
      }
      // What was redacted where: in meta.json and, with --redact-report, on stdout; never the value itself.
      const meta = JSON.parse(readFileSync(path.join(out, 'meta.json'), 'utf8'));
      expect(meta.redactions.count).toBeGreaterThanOrEqual(60);
      expect(meta.redactions.places).toEqual(
        expect.arrayContaining([
          { where: 'node gpu-1 file /etc/rancher/k3s/registries.yaml line 9', rule: 'key identity_token' },
          { where: 'node gpu-1 command/containerd-config-dump line 4', rule: 'key password' },
          { where: 'Pod ml/leaky.spec.ephemeralContainers[0].env[0].value', rule: 'key DEBUG_PASSWORD' },
          { where: 'ClusterPolicy cluster-policy-carrier.spec.driver.env[1].value', rule: 'key REGISTRY_PASSWORD' },
        ]),
      );
      expect(r.stdout.split('\n')).toContain('redacted: node gpu-1 file /etc/rancher/k3s/registries.yaml line 9 (key identity_token)');
      expect(secrets.filter((secret) => r.stdout.includes(secret))).toEqual([]);
      // The bundle is still worth analysing: the same node and injection findings as the live doctor.
      const offline = await gpuctl(['doctor', '--snapshot', out, '-o', 'json']);
      expect(offline.stderr).toBe('');
      expect(JSON.parse(offline.stdout).findings.filter((f: { name: string; severity: string }) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok')).toEqual([]);
    } finally {
      await served.sim.close();
    }
  }, 60_000);
});
