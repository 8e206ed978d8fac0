// Redaction rules one by one (by key name, by shape), and that redaction keeps every finding of the examples
// and real cases: a bundle must still be worth analysing.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { runChecks } from '../../src/engine.js';
import { Facts } from '../../src/facts/facts.js';
import { emptyCollection } from '../../src/collection/collection.js';
import { isSecretName, REDACTED, redactCollection, redactText } from '../../src/sources/redact.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { ROOT } from '../helpers/cli.js';
import { host, pod } from '../helpers/facts.js';

describe('isSecretName', () => {
  it.each([
    'password', 'PASSWORD', 'DB_PASSWORD', 'REGISTRY_PASS', 'S3_PASS', 'DB_PWD', 'passwd', 'passphrase', 'GITHUB_PAT', 'HF_TOKEN', 'hfToken',
    'identity_token', 'identitytoken', 'api-key', 'API_KEY', 'apikey', 'x-api-key', 'aws_secret_access_key', 'client_secret', 'auth', 'Authorization',
    'credentials', 'AWS_CREDS', 'cookie', 'session_id', 'SSH_PRIVATE_KEY', 'privateKey', '--hf-token', '--password', 'WANDB_API_KEY', 'JWT', 'sas',
  ])('%s is secret', (name) => expect(isSecretName(name)).toBe(true));
  it.each([
    'PATH', 'LD_PRELOAD', 'key', 'secretName', 'passwordFile', 'TOKEN_PATH', 'tokenExpirationSeconds', 'name', 'author', 'authority', 'patch',
    'nvidia.com/gpu', 'CUDA_VISIBLE_DEVICES', 'keys', 'monkey', 'tls_key_file', 'serviceAccountName', 'bitfusion-secret-name',
  ])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('redactText', () => {
  it.each([
    ['Authorization: Bearer abcDEF123456789xyz', 'abcDEF123456789xyz', 'Authorization: Bearer'],
    [`curl -H 'Authorization: token ghx123456789abc' http://x`, 'ghx123456789abc', 'http://x'],
    ['x-forwarded: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA==', 'Basic'],
    ['DATABASE_URL=postgres://u:hunter2@db:5432/x', 'hunter2', 'postgres://u:'],
    ['REGISTRY_PASS=Zq9wer S3_PASS=q1w2e3 DB_PWD=pw0rd', 'q1w2e3', 'REGISTRY_PASS='],
    ['mysql -u root -p S3cretPw db', 'S3cretPw', 'mysql -u root -p'],
    ['docker login -p Sup3rS3cret registry.local', 'Sup3rS3cret', 'registry.local'],
    ['{"auths":{"r.io":{"auth":"dXNlcjpwYXNzd29yZA=="}}}', 'dXNlcjpwYXNzd29yZA==', '"r.io"'],
    ['pull with dXNlcjpwYXNzd29yZA== failed', 'dXNlcjpwYXNzd29yZA==', 'failed'],
    ['configs:\n  r:\n    auth:\n      identity_token: |\n        line1secret\n        line2secret\n      username: bob\n', 'line2secret', 'username: bob'],
    ['configs:\n  r:\n    auth:\n      - password: hunter22\n', 'hunter22', '- password:'],
    ['endpoint:\n  - "https://user:p4ssw0rd@mirror.local"\n', 'p4ssw0rd', 'mirror.local'],
    ['[auth]\n  password = "Tomlpass1"\n  username = "u"\n', 'Tomlpass1', 'username = "u"'],
    ['--hf-token hf_abcdefghijklmnopqrstuvwxyz1234 --max-num-batched-tokens 8192', 'hf_abcdefghijklmnopqrstuvwxyz1234', '8192'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'token'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIabcKEYBODY\n-----END RSA PRIVATE KEY-----\n', 'MIIabcKEYBODY', '-----END RSA PRIVATE KEY-----'],
    ['curl -u admin:s3cr3tpw http://x', 's3cr3tpw', 'admin:'],
    ['Cookie: session=abc123; other=1', 'abc123', 'Cookie:'],
    ['GITHUB_PAT=abcdef12345 PATH=/usr/bin', 'abcdef12345', 'PATH=/usr/bin'],
    ['https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x.git', 'ghp_abcdefghijklmnopqrstuvwxyz0123', 'github.com/x.git'],
  ])('%s', (text, secret, kept) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
    expect(out).toContain(kept);
  });

  it.each([
    'mkdir -p /var/run/x && docker run -p 8080:80 img',
    'ssh -p 2222 host',
    'python train.py --max-tokens 512 --epochs 3',
    'PATH=/usr/local/nvidia/bin:/usr/bin LD_PRELOAD=/tensor-fusion/libcuda.so',
    'tolerations:\n- key: nvidia.com/gpu\n  operator: Exists\n',
    '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  ])('leaves %s alone', (text) => expect(redactText(text)).toBe(text));

  it('is idempotent', () => {
    const once = redactText('Authorization: Bearer abcDEF123456789xyz --password=hunter2 password = "x1" DB_PASS=abc1');
    expect(redactText(once)).toBe(once);
  });
});

describe('redactCollection', () => {
  it('redacts env in containers, init and ephemeral containers and CR specs, and says where', () => {
    const c = emptyCollection('test');
    c.objects.push(
      pod('ml', 'trainer', {
        annotations: { 'example.com/creds': 'user=bot pass=Ann0tated1' },
        spec: {
          containers: [{ name: 'main', image: 'x', env: [{ name: 'DB_PWD', value: 'PodEnv1' }, { name: 'PATH', value: '/usr/bin' }] }],
          initContainers: [{ name: 'init', image: 'x', command: ['sh', '-c', "curl -H 'Authorization: Bearer InitBearer123' http://x"] }],
          ephemeralContainers: [{ name: 'debug', image: 'x', env: [{ name: 'S3_PASS', value: 'Ephemeral1' }] }],
        } as never,
      }),
      { apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: { driver: { env: [{ name: 'REGISTRY_PASS', value: 'PolicyEnv1' }] } } },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ml' }, message: 'pulling with token=EventTok3n' },
    );
    c.nodes.set('gpu-1', host({}, { 'containerd-config-dump': '[x.auth]\n  password = "DumpPass1"\n' }));
    c.processes.set('ml/trainer/main', [{ pid: 7, ppid: 1, cmdline: ['vllm', '--hf-token', 'ProcTok3n'], environ: { DB_PASS: 'ProcEnv1' } }]);
    c.logs.set('ml/trainer/main', 'GET / Authorization: Bearer LogBearer123\n');
    const { collection, report } = redactCollection(c);
    const all = JSON.stringify({ ...collection, nodes: [...collection.nodes].map(([n, h]) => [n, [...h.commands]]), processes: [...collection.processes], logs: [...collection.logs] });
    for (const secret of ['Ann0tated1', 'PodEnv1', 'InitBearer123', 'Ephemeral1', 'PolicyEnv1', 'EventTok3n', 'DumpPass1', 'ProcTok3n', 'ProcEnv1', 'LogBearer123']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('/usr/bin');
    expect(report.count).toBe(10);
    expect(report.places).toEqual(
      expect.arrayContaining([
        { where: 'Pod ml/trainer.spec.containers[0].env[0].value', rule: 'key DB_PWD' },
        { where: 'ClusterPolicy cluster-policy.spec.driver.env[0].value', rule: 'key REGISTRY_PASS' },
        { where: 'node gpu-1 command/containerd-config-dump line 2', rule: 'key password' },
        { where: 'process table ml/trainer/main pid 7 cmdline[2]', rule: 'argument --hf-token' },
        { where: 'log ml/trainer/main line 1', rule: 'Authorization header' },
      ]),
    );
    expect(collection.meta.redactions).toEqual({ count: 10, places: report.places });
    // The input is left as it was.
    expect(c.logs.get('ml/trainer/main')).toContain('LogBearer123');
  });

  const snapshots = [
    ...readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join('examples', d.name)),
    ...readdirSync(path.join(ROOT, 'test/cases/real'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join('test/cases/real', d.name)),
  ];
  it.each(snapshots)('keeps the findings of %s', async (dir) => {
    const collection = await loadSnapshot(path.join(ROOT, dir));
    const judged = (c: typeof collection) =>
      runChecks(ALL_CHECKS, new Facts(c)).findings.map((f) => `${f.name} ${f.severity} ${f.subject.kind}/${f.subject.namespace ?? ''}/${f.subject.name}: ${f.message}`);
    expect(judged(redactCollection(collection).collection)).toEqual(judged(collection));
  });
});
