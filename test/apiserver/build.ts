// Builds the real control plane's binaries from test/apiserver/go (kube-apiserver from k8s.io/kubernetes,
// etcd through go.etcd.io/etcd/server/v3/embed, the certificate generator) and caches them under
// ~/.cache/gpuctl-apiserver/<hash of go.mod, go.sum, sources, Go version, flags>/. Only a machine without
// that folder pays the build (and the Go build cache makes a rebuild after a source change short).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const MODULE_DIR = path.join(import.meta.dirname, 'go');
export const KUBERNETES_VERSION = 'v1.37.2';
const LDFLAGS = [
  '-s',
  '-w',
  `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
  '-X k8s.io/component-base/version.gitMajor=1',
  '-X k8s.io/component-base/version.gitMinor=37',
  '-X k8s.io/component-base/version.gitTreeState=clean',
].join(' ');
const BUILD_ARGS = ['build', '-trimpath', '-buildvcs=false', '-ldflags', LDFLAGS];
const PACKAGES = ['k8s.io/kubernetes/cmd/kube-apiserver', './cmd/etcd', './cmd/certgen'];

export interface Binaries {
  dir: string;
  kubeApiserver: string;
  etcd: string;
  certgen: string;
}

/** `go` on PATH, else Go's default install location; undefined when there is none. */
export function findGo(): string | undefined {
  for (const candidate of [process.env.GO, 'go', '/usr/local/go/bin/go']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

export const GO_MISSING = 'the real-API-server tests build kube-apiserver with Go: install Go 1.26 or newer (go on PATH, or /usr/local/go/bin/go), or run npm run test:fast';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? sourceFiles(p) : [p];
    });
}

/** The cache folder for these sources, this Go and these flags. */
export function binariesDir(go: string): string {
  const hash = createHash('sha256');
  hash.update(execFileSync(go, ['version'], { encoding: 'utf8' }));
  hash.update(JSON.stringify(BUILD_ARGS));
  for (const file of ['go.mod', 'go.sum', ...sourceFiles(path.join(MODULE_DIR, 'cmd')).map((f) => path.relative(MODULE_DIR, f))]) {
    hash.update(file).update(readFileSync(path.join(MODULE_DIR, file)));
  }
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'gpuctl-apiserver', hash.digest('hex').slice(0, 16));
}

function binariesIn(dir: string): Binaries {
  return { dir, kubeApiserver: path.join(dir, 'kube-apiserver'), etcd: path.join(dir, 'etcd'), certgen: path.join(dir, 'certgen') };
}

/**
 * The binaries, built first when the cache lacks them. `log` receives one line before a build starts
 * and one when it ends (the first build of kube-apiserver takes many minutes on two cores).
 */
export async function ensureBinaries(log: (line: string) => void = () => {}): Promise<Binaries> {
  const go = findGo();
  if (!go) throw new Error(GO_MISSING);
  const dir = binariesDir(go);
  const bins = binariesIn(dir);
  if ([bins.kubeApiserver, bins.etcd, bins.certgen].every((f) => existsSync(f))) return bins;

  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`building kube-apiserver ${KUBERNETES_VERSION}, etcd and certgen with ${go} into ${dir} (the first build on a machine takes tens of minutes)`);
  const started = Date.now();
  const stderr: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(go, [...BUILD_ARGS, '-o', tmp + path.sep, ...PACKAGES], { cwd: MODULE_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const text = stderr.join('').trim().split('\n');
    throw new Error(`go build of the control plane failed (exit ${code}): ${text.slice(-15).join('\n')}`);
  }
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another process built the same folder meanwhile: use it.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(bins.kubeApiserver)) throw err;
  }
  log(`built the control plane in ${Math.round((Date.now() - started) / 1000)} s`);
  return bins;
}

// `npx tsx test/apiserver/build.ts`: build (or find) the binaries and print their folder.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  ensureBinaries((line) => process.stderr.write(line + '\n')).then(
    (b) => console.log(b.dir),
    (err: Error) => {
      process.stderr.write(`build: ${err.message}\n`);
      process.exit(1);
    },
  );
}
