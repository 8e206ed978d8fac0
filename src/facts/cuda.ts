// Which CUDA version a workload needs, where that was read, and whether a driver can run it:
// Table 3 of the CUDA release notes plus the minor-version-compatibility rule (src/data/cuda-drivers.ts).
import type { ToolkitDriverRow } from '../data/cuda-drivers.js';
import { MINOR_VERSION_COMPATIBILITY, TOOLKIT_DRIVER_TABLE } from '../data/cuda-drivers.js';
import { compareVersions } from './driver.js';
import type { Facts } from './facts.js';
import { isInvalid, parseImageReference } from './images.js';
import type { Container, Pod } from '../collection/kube.js';
import { podTexts } from './pod-texts.js';

export interface CudaVersion {
  major: number;
  minor: number;
  patch?: number;
}

export function parseCuda(text: string): CudaVersion | undefined {
  const m = /^(\d{1,2})\.(\d{1,2})(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}) };
}

export function cudaText(v: CudaVersion): string {
  return v.patch !== undefined ? `${v.major}.${v.minor}.${v.patch}` : `${v.major}.${v.minor}`;
}

export function compareCuda(a: CudaVersion, b: CudaVersion): number {
  return a.major - b.major || a.minor - b.minor || (a.patch ?? 0) - (b.patch ?? 0);
}

// ---------------------------------------------------------------------------------------------
// What a workload needs

export type CudaSourceKind = 'image' | 'env' | 'log' | 'event' | 'status';

export interface CudaNeed {
  version?: CudaVersion;
  container?: string;
  kind: CudaSourceKind;
  /** Where it was read, quotable: `image tag nvidia/cuda:12.8.0-base-ubuntu22.04 (container main)`. */
  source: string;
  /** The log/event line, for failures. */
  line?: string;
  /** The text says the driver is too old (a failure seen, not a prediction). */
  failure?: boolean;
}

/** nvidia/cuda on any registry or mirror (docker.io, nvcr.io, a mirror path in front): the tag starts with the version. */
const NVIDIA_CUDA_REPOSITORY = /(?:^|\/)nvidia\/cuda$/;
/** Tags that name their CUDA build: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime, nvidia/cuda-dl-base:…-cuda12.8-… */
const CUDA_TAG_TOKEN = /(?:^|[-_.])cuda[-_]?(\d+\.\d+(?:\.\d+)?)(?=$|[-_])/i;

// Thousands of pods run the same few images: parse each image once (the results are read-only).
const cudaOfImage = new Map<string, CudaVersion | undefined>();

/** The CUDA version an image reference names, if its tag says one. */
export function cudaFromImage(image: string): CudaVersion | undefined {
  if (cudaOfImage.has(image)) return cudaOfImage.get(image);
  const version = readCudaFromImage(image);
  cudaOfImage.set(image, version);
  return version;
}

function readCudaFromImage(image: string): CudaVersion | undefined {
  const ref = parseImageReference(image);
  if (isInvalid(ref) || !ref.tag) return undefined;
  if (NVIDIA_CUDA_REPOSITORY.test(ref.repository)) return parseCuda(ref.tag);
  const token = CUDA_TAG_TOKEN.exec(ref.tag);
  return token ? parseCuda(token[1]!) : undefined;
}

/** NVIDIA_REQUIRE_CUDA="cuda>=12.4 brand=tesla,driver>=470,driver<471 …": the cuda term and its alternatives. */
export function parseRequireCuda(value: string): { cuda?: CudaVersion; alternatives: string[] } {
  const terms = value.trim().split(/\s+/).filter(Boolean);
  const cudaTerm = terms.find((t) => /^cuda>=/.test(t));
  const cuda = cudaTerm ? parseCuda(cudaTerm.replace(/^cuda>=/, '')) : undefined;
  return { ...(cuda ? { cuda } : {}), alternatives: terms.filter((t) => t !== cudaTerm) };
}

/** Log and event texts that mean the driver is too old for the CUDA runtime in the container. */
const FAILURE_PATTERNS: { pattern: RegExp; version?: (m: RegExpExecArray) => CudaVersion | undefined }[] = [
  // nvidia-container-cli checks the image's NVIDIA_REQUIRE_CUDA before the container starts.
  { pattern: /unsatisfied condition: cuda\s*>=\s*(\d+\.\d+)/i, version: (m) => parseCuda(m[1]!) },
  { pattern: /CUDA driver version is insufficient for CUDA runtime version/i },
  { pattern: /cudaErrorInsufficientDriver/ },
  // PyTorch: "The NVIDIA driver on your system is too old (found version 11040)" — the driver's CUDA, not the need.
  { pattern: /The NVIDIA driver on your system is too old/i },
  // A cuda-compat (forward compatibility) library on a GPU that does not support it.
  { pattern: /forward compatibility was attempted on non supported HW|cudaErrorCompatNotSupportedOnDevice/i },
];

function failuresIn(text: string): { line: string; version?: CudaVersion }[] {
  const found: { line: string; version?: CudaVersion }[] = [];
  for (const line of text.split('\n')) {
    for (const { pattern, version } of FAILURE_PATTERNS) {
      const m = pattern.exec(line);
      if (!m) continue;
      const v = version?.(m);
      found.push({ line: line.trim().slice(0, 400), ...(v ? { version: v } : {}) });
      break;
    }
  }
  return found;
}

function containersOf(pod: Pod): Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** Every statement of a CUDA need or a CUDA/driver failure about one pod, with its source. */
export function cudaNeeds(facts: Facts, pod: Pod): CudaNeed[] {
  const needs: CudaNeed[] = [];
  for (const c of containersOf(pod)) {
    const fromImage = c.image ? cudaFromImage(c.image) : undefined;
    if (fromImage) needs.push({ version: fromImage, container: c.name, kind: 'image', source: `image tag ${c.image} (container ${c.name})` });
    for (const env of c.env ?? []) {
      if (env.value === undefined) continue;
      if (env.name === 'CUDA_VERSION') {
        const v = parseCuda(env.value);
        if (v) needs.push({ version: v, container: c.name, kind: 'env', source: `env CUDA_VERSION=${env.value} (container ${c.name})` });
      } else if (env.name === 'NVIDIA_REQUIRE_CUDA') {
        const { cuda } = parseRequireCuda(env.value);
        if (cuda) needs.push({ version: cuda, container: c.name, kind: 'env', source: `env NVIDIA_REQUIRE_CUDA="${env.value.slice(0, 120)}" (container ${c.name})` });
      }
    }
  }
  for (const t of podTexts(facts, pod)) {
    for (const f of failuresIn(t.text)) {
      needs.push({
        ...(f.version ? { version: f.version } : {}),
        ...(t.container ? { container: t.container } : {}),
        kind: t.kind,
        source: t.source,
        line: f.line,
        failure: true,
      });
    }
  }
  return needs;
}

/** NVIDIA_DISABLE_REQUIRE set in a container: the toolkit skips its CUDA requirement check. */
export function requirementCheckDisabled(pod: Pod): boolean {
  return containersOf(pod).some((c) =>
    (c.env ?? []).some((e) => e.name === 'NVIDIA_DISABLE_REQUIRE' && /^(1|true|yes)$/i.test(e.value ?? '')),
  );
}

// ---------------------------------------------------------------------------------------------
// The table

/**
 * The Table 3 row that states the minimum driver for a CUDA version: for X.Y.Z the row of the
 * highest update not after Z, for X.Y alone the GA row. Undefined when the table has no row for X.Y.
 */
export function toolkitRow(cuda: CudaVersion): ToolkitDriverRow | undefined {
  const rows = TABLE_VERSIONS.filter(({ version: v }) => v.major === cuda.major && v.minor === cuda.minor);
  if (!rows.length) return undefined;
  const ga = rows.find(({ row }) => / GA$/.test(row.label))?.row ?? rows[rows.length - 1]!.row;
  if (cuda.patch === undefined) return ga;
  // Rows are newest first: the first one whose update is not after the requested one.
  return rows.find(({ version }) => (version.patch ?? 0) <= cuda.patch!)?.row ?? ga;
}

/** The table's toolkit versions, parsed once: judging a pod must not re-parse the table. */
const TABLE_VERSIONS = TOOLKIT_DRIVER_TABLE.map((row) => ({ row, version: parseCuda(row.toolkit)! }));
const cudaOfDrivers = new Map<string, CudaVersion | undefined>();

/** The newest CUDA major.minor whose minimum driver this driver meets, from the table. */
export function cudaOfDriver(driver: string): CudaVersion | undefined {
  if (cudaOfDrivers.has(driver)) return cudaOfDrivers.get(driver);
  const found = TABLE_VERSIONS.find(({ row }) => compareVersions(driver, row.minDriver) >= 0);
  const cuda = found ? { major: found.version.major, minor: found.version.minor } : undefined;
  cudaOfDrivers.set(driver, cuda);
  return cuda;
}

export function newestTableCuda(): CudaVersion {
  return parseCuda(TOOLKIT_DRIVER_TABLE[0]!.toolkit)!;
}

export type CudaVerdictKind = 'ok' | 'minor-compat' | 'too-old' | 'unknown';

export interface CudaVerdict {
  kind: CudaVerdictKind;
  row?: ToolkitDriverRow;
  /** What the driver supports natively (nvidia-smi / GFD where stated, else derived from the table). */
  driverCuda?: CudaVersion;
  driverCudaSource?: string;
  /** Sentences that explain the verdict, each citing the rule it applies. */
  reasons: string[];
}

/**
 * Can `driver` run a workload built with CUDA `need`? Table 3 first; below the row, CUDA 11+ may
 * still run under minor version compatibility when the driver is at or above the family's floor.
 */
export function judgeCuda(need: CudaVersion, driver: string, stated?: { value: string; source: string }): CudaVerdict {
  const statedCuda = stated ? parseCuda(stated.value) : undefined;
  const derived = cudaOfDriver(driver);
  const driverCuda = statedCuda ?? derived;
  const driverCudaSource = statedCuda ? stated!.source : derived ? `derived from driver ${driver} with Table 3` : undefined;
  const base = { ...(driverCuda ? { driverCuda } : {}), ...(driverCudaSource ? { driverCudaSource } : {}) };
  const row = toolkitRow(need);
  if (!row) {
    const newest = newestTableCuda();
    const beyond = compareCuda(need, newest) > 0;
    if (statedCuda) {
      const ok = compareCuda({ major: need.major, minor: need.minor }, statedCuda) <= 0;
      return {
        kind: ok ? 'ok' : 'too-old',
        ...base,
        reasons: [
          `CUDA ${cudaText(need)} has no row in Table 3 (${beyond ? `newest row: CUDA ${cudaText(newest)}` : 'older than CUDA 10.0'}); judged by the driver's stated CUDA ${cudaText(statedCuda)} (${stated!.source})`,
        ],
      };
    }
    return {
      kind: 'unknown',
      ...base,
      reasons: [`CUDA ${cudaText(need)} has no row in Table 3 (${beyond ? `newest row: CUDA ${cudaText(newest)}` : 'older than CUDA 10.0'}) and no source states the driver's CUDA version`],
    };
  }
  const rowText = `Table 3: "${row.label}" needs Linux driver >= ${row.minDriver}`;
  if (compareVersions(driver, row.minDriver) >= 0) return { kind: 'ok', row, ...base, reasons: [rowText] };
  const rule = MINOR_VERSION_COMPATIBILITY.find((r) => r.major === need.major);
  if (rule && compareVersions(driver, rule.minDriver) >= 0) {
    return { kind: 'minor-compat', row, ...base, reasons: [rowText, `minor version compatibility: ${rule.note}; driver ${driver} qualifies`] };
  }
  const why = rule
    ? `minor version compatibility does not help: ${rule.note}, and driver ${driver} is below that`
    : need.major < 11
      ? 'minor version compatibility does not exist before CUDA 11: the exact row applies'
      : `minor version compatibility: no rule for CUDA ${need.major}.x in the data`;
  return { kind: 'too-old', row, ...base, reasons: [rowText, why] };
}
