import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isInvalid, isUpstreamHost, parseImageReference, registryOfRequestHost, upstreamEndpoint } from '../../src/facts/images.js';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('parseImageReference: normalised as containerd and docker do', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', 'latest', undefined, 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined, 'docker.io/library/nginx:1.25'],
    ['user/app', 'docker.io', 'user/app', 'latest', undefined, 'docker.io/user/app:latest'],
    ['docker.io/nginx', 'docker.io', 'library/nginx', 'latest', undefined, 'docker.io/library/nginx:latest'],
    ['index.docker.io/user/app', 'docker.io', 'user/app', 'latest', undefined, 'docker.io/user/app:latest'],
    [`registry:5000/app@${DIGEST}`, 'registry:5000', 'app', undefined, DIGEST, `registry:5000/app@${DIGEST}`],
    ['nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1', 'nvcr.io', 'nvidia/k8s/cuda-sample', 'vectoradd-cuda11.7.1', undefined, 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1'],
    ['greptime/greptimedb:v0.9.5', 'docker.io', 'greptime/greptimedb', 'v0.9.5', undefined, 'docker.io/greptime/greptimedb:v0.9.5'],
    [`nginx:1.25@${DIGEST}`, 'docker.io', 'library/nginx', '1.25', DIGEST, `docker.io/library/nginx:1.25@${DIGEST}`],
    ['localhost/app', 'localhost', 'app', 'latest', undefined, 'localhost/app:latest'],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', undefined, '[::1]:5000/app:1'],
    ['my-registry/app', 'docker.io', 'my-registry/app', 'latest', undefined, 'docker.io/my-registry/app:latest'],
    ['UPPER/app', 'UPPER', 'app', 'latest', undefined, 'UPPER/app:latest'],
  ])('%s', (input, host, repository, tag, digest, normalized) => {
    const ref = parseImageReference(input);
    expect(isInvalid(ref)).toBe(false);
    expect(ref).toEqual({ input, host, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), normalized });
  });

  it.each([
    ['Nginx', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    ['nvcr.io/nvidia/K8s/cuda-sample:v1', 'invalid reference format: repository name (nvidia/K8s/cuda-sample) must be lowercase'],
    ['nginx:', 'invalid reference format'],
    [' nginx', 'invalid reference format'],
    ['nginx@sha256:0123', 'invalid reference format'],
    ['nginx@md5:0123456789abcdef0123456789abcdef', 'unsupported digest algorithm'],
    [`nginx@${DIGEST.replace('sha256', 'sha512')}`, 'invalid checksum digest length'],
    ['', 'repository name must have at least one component'],
    [DIGEST.slice(7), `invalid repository name (${DIGEST.slice(7)}), cannot specify 64-byte hexadecimal strings`],
  ])('rejects %j: %s', (input, error) => {
    expect(parseImageReference(input)).toEqual({ input, error });
  });
});

describe('registry hosts', () => {
  it('maps Docker Hub endpoints back to docker.io and knows its upstream', () => {
    expect(registryOfRequestHost('registry-1.docker.io')).toBe('docker.io');
    expect(registryOfRequestHost('auth.docker.io')).toBe('docker.io');
    expect(registryOfRequestHost('nvcr.io')).toBe('nvcr.io');
    expect(upstreamEndpoint('docker.io')).toBe('registry-1.docker.io');
    expect(upstreamEndpoint('nvcr.io')).toBe('nvcr.io');
    expect(isUpstreamHost('docker.io', 'registry-1.docker.io')).toBe(true);
    expect(isUpstreamHost('docker.io', 'docker.m.daocloud.io')).toBe(false);
    expect(isUpstreamHost('nvcr.io', 'nvcr.io')).toBe(true);
  });
});

// Differential test: the docker CLI parses references itself before it talks to the daemon, so with
// no daemon it prints either the parse error or "Cannot connect" for a valid reference.
const CORPUS = [
  'nginx', 'nginx:1.25', 'Nginx', 'user/app', 'docker.io/nginx', 'index.docker.io/user/app', `registry:5000/app@${DIGEST}`,
  'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1', 'greptime/greptimedb:v0.9.5', 'nvcr.io/nvidia/K8s/x:1', 'nginx:', 'a//b',
  DIGEST.slice(7), 'nginx@sha256:0123', 'nginx@md5:0123456789abcdef0123456789abcdef', 'Registry.Example.com/app', '[::1]:5000/app:1',
  `nginx:1.25@${DIGEST}`, 'localhost/app', 'localhost:5000/team/app:v1', ' nginx', 'nginx ', 'foo_bar/baz__qux', 'foo-/bar', '-foo/bar',
  'foo/bar-', 'a.b/c', 'a_b/c', 'my-registry/app', 'UPPER/app', 'upper/App', 'nginx:-tag', 'nginx:tag_with.dots-1', `nginx:${'a'.repeat(128)}`,
  `nginx:${'a'.repeat(129)}`, 'quay.io/prometheus/node-exporter:v1.8.2', 'ghcr.io/owner/repo/sub:tag', 'host:notaport/app',
  `nginx@${DIGEST.replace('sha256', 'sha512')}`, 'a/b/c/d/e/f', 'foo..bar/baz', 'example.com:/app', DIGEST, `${'a'.repeat(250)}/bcdef`,
];

function dockerVerdict(ref: string): string | undefined {
  let out: string;
  try {
    out = execFileSync('docker', ['pull', '--', ref], {
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/gpuctl-test.sock' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    }).toString();
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; code?: string };
    if (e.code === 'ENOENT') return undefined;
    out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  return /Cannot connect to the Docker daemon/.test(out) ? 'valid' : out.trim().split('\n').at(-1);
}

const haveDocker = dockerVerdict('nginx') !== undefined;

describe.skipIf(!haveDocker)('parseImageReference agrees with the docker CLI', () => {
  it.each(CORPUS)('%j', (ref) => {
    const mine = parseImageReference(ref);
    expect(isInvalid(mine) ? mine.error : 'valid').toBe(dockerVerdict(ref));
  });
});
