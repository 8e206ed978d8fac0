// Parsers for what `nvidia-smi` says: its default table, the query CSV, and the NVML errors it (and
// any NVML client's log) prints. Pure: text in, structure out. A layout they do not know never
// throws: they keep what they could read and list what they could not in `notes`.

// ---------------------------------------------------------------------------------------------
// NVML and nvidia-smi failures

export type NvmlErrorKind =
  | 'library-mismatch'
  | 'driver-unreachable'
  | 'no-devices'
  | 'nvml-unknown-error'
  | 'insufficient-permissions'
  | 'gpu-lost'
  | 'device-handle'
  | 'nvml-init-failed'
  | 'not-installed';

export interface NvmlError {
  kind: NvmlErrorKind;
  /** The line as nvidia-smi (or a log) printed it. */
  line: string;
  /** `NVML library version: 535.183` that recent drivers print below a mismatch. */
  libraryVersion?: string;
}

/** Known failure texts, most specific first; the first match wins. */
const NVML_ERROR_PATTERNS: { kind: NvmlErrorKind; pattern: RegExp }[] = [
  { kind: 'library-mismatch', pattern: /driver\/library version mismatch|ERROR_LIB_RM_VERSION_MISMATCH|NVML\/RM version mismatch/i },
  { kind: 'driver-unreachable', pattern: /NVIDIA-SMI has failed because it couldn'?t communicate with the NVIDIA driver/i },
  { kind: 'no-devices', pattern: /^\s*No devices were found/im },
  { kind: 'gpu-lost', pattern: /GPU is lost|fallen off the bus/i },
  { kind: 'device-handle', pattern: /Unable to determine the device handle for GPU/i },
  { kind: 'insufficient-permissions', pattern: /Failed to initialize NVML: Insufficient Permissions/i },
  { kind: 'nvml-unknown-error', pattern: /Failed to initialize NVML: Unknown Error/i },
  { kind: 'nvml-init-failed', pattern: /Failed to initialize NVML/i },
  { kind: 'not-installed', pattern: /nvidia-smi: (?:command )?not found|nvidia-smi: No such file or directory|exec: "?nvidia-smi"?: executable file not found/i },
];

/** The first NVML / nvidia-smi failure in a text (command output or container log), if any. */
export function findNvmlError(text: string): NvmlError | undefined {
  for (const { kind, pattern } of NVML_ERROR_PATTERNS) {
    const lines = text.split('\n');
    const index = lines.findIndex((l) => pattern.test(l));
    if (index < 0) continue;
    const libraryVersion = /NVML library version:\s*(\S+)/i.exec(text)?.[1];
    return { kind, line: lines[index]!.trim(), ...(libraryVersion ? { libraryVersion } : {}) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// nvidia-smi (the default table)

export interface SmiGpu {
  index: number;
  name: string;
  persistence?: string;
  busId?: string;
  displayActive?: string;
  ecc?: string;
  fan?: string;
  temperatureC?: number;
  perf?: string;
  power?: string;
  memoryUsedMiB?: number;
  memoryTotalMiB?: number;
  utilizationPercent?: number;
  computeMode?: string;
  migMode?: string;
}

export interface SmiProcess {
  gpu?: number;
  gi?: string;
  ci?: string;
  pid: number;
  type: string;
  name: string;
  memoryMiB?: number;
}

export interface SmiReport {
  /** The nvidia-smi tool's own version (differs from the driver under WSL). */
  smiVersion?: string;
  driverVersion?: string;
  /** Highest CUDA version the driver supports; undefined when it printed `N/A`. */
  cudaVersion?: string;
  gpus: SmiGpu[];
  processes: SmiProcess[];
  /** A failure nvidia-smi printed instead of (or besides) the table. */
  error?: NvmlError;
  /** What could not be read, in words: never silently dropped. */
  notes: string[];
}

const BUS_ID = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$/i;

/** Cells of a table row `| a | b | c |`, trimmed; [] for rules and blank lines. */
function cells(line: string): string[] {
  const t = line.trim();
  if (!t.startsWith('|')) return [];
  return t
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

function isRule(line: string): boolean {
  return /^\s*[+|][-=+|\s]*$/.test(line) && /[-=]{3,}/.test(line);
}

function number(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number.parseInt(text, 10);
  return Number.isNaN(n) ? undefined : n;
}

/** Parses the full `nvidia-smi` table of any driver branch seen so far (4xx to 5xx layouts). */
export function parseNvidiaSmi(text: string): SmiReport {
  const report: SmiReport = { gpus: [], processes: [], notes: [] };
  const error = findNvmlError(text);
  if (error) report.error = error;

  const header = /NVIDIA-SMI[ \t]+(\d[\d.]*)/.exec(text);
  if (header) report.smiVersion = header[1];
  const driver = /Driver Version:\s*([0-9][0-9.]*)/.exec(text);
  if (driver) report.driverVersion = driver[1];
  const cuda = /CUDA Version:\s*(\S+)/.exec(text);
  if (cuda && /^\d+\.\d+/.test(cuda[1]!)) report.cudaVersion = /^\d+\.\d+/.exec(cuda[1]!)![0];
  else if (cuda) report.notes.push(`CUDA Version is "${cuda[1]}": the driver reports no CUDA version`);

  if (!header && !error) {
    const first = text.split('\n').find((l) => l.trim());
    report.notes.push(first ? `not an nvidia-smi table: starts with "${first.trim().slice(0, 80)}"` : 'empty output');
    return report;
  }
  if (header && !driver) report.notes.push('no "Driver Version:" in the header');

  type Section = 'preamble' | 'gpu-header' | 'gpus' | 'mig' | 'processes-header' | 'processes';
  let section: Section = 'preamble';
  let current: SmiGpu | undefined;
  let gpuLine = 0;
  const unknown: string[] = [];

  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    if (/\|\s*GPU\s+Name\b/.test(line)) {
      section = 'gpu-header';
      continue;
    }
    if (/\|\s*MIG devices:/.test(line)) {
      section = 'mig';
      report.notes.push('MIG devices table present: not parsed');
      continue;
    }
    if (/\|\s*Processes:/.test(line)) {
      section = 'processes-header';
      continue;
    }
    if (/^\s*\|?=+[=+|]*\|?\s*$/.test(line)) {
      if (section === 'gpu-header') section = 'gpus';
      else if (section === 'processes-header') section = 'processes';
      continue;
    }
    if (isRule(line)) {
      if (section === 'gpus') current = undefined;
      continue;
    }
    if (section === 'preamble' || section === 'gpu-header' || section === 'processes-header' || section === 'mig') continue;

    const row = cells(line);
    if (section === 'gpus') {
      if (row.length < 2) {
        unknown.push(line.trim());
        continue;
      }
      const first = /^(\d+)\s+(.*?)(?:\s+(On|Off|N\/A))?$/.exec(row[0]!);
      if (first && (row[1] === undefined || BUS_ID.test(row[1].split(/\s+/)[0] ?? ''))) {
        current = { index: Number(first[1]), name: first[2]!.trim() };
        if (first[3]) current.persistence = first[3];
        const [bus, disp] = (row[1] ?? '').split(/\s+/);
        if (bus) current.busId = bus;
        if (disp) current.displayActive = disp;
        if (row[2]) current.ecc = row[2];
        report.gpus.push(current);
        gpuLine = 1;
        continue;
      }
      if (!current) {
        unknown.push(line.trim());
        continue;
      }
      gpuLine++;
      if (gpuLine === 2) {
        const [fan, temp, perf] = row[0]!.split(/\s+/);
        if (fan) current.fan = fan;
        const t = /^(\d+)C$/.exec(temp ?? '');
        if (t) current.temperatureC = Number(t[1]);
        if (perf) current.perf = perf;
        const power = /(\S+\s*\/\s*\S+)$/.exec(row[0]!);
        if (power && /W/.test(power[1]!)) current.power = power[1]!.replace(/\s+/g, ' ');
        const mem = /(\d+)MiB\s*\/\s*(\d+)MiB/.exec(row[1] ?? '');
        if (mem) {
          current.memoryUsedMiB = Number(mem[1]);
          current.memoryTotalMiB = Number(mem[2]);
        } else if (row[1]) report.notes.push(`GPU ${current.index}: memory "${row[1]}" not understood`);
        const util = /(\d+)%\s+(.*)$/.exec(row[2] ?? '');
        if (util) {
          current.utilizationPercent = Number(util[1]);
          if (util[2]) current.computeMode = util[2].trim();
        } else if (row[2]) report.notes.push(`GPU ${current.index}: utilisation "${row[2]}" not understood`);
      } else if (gpuLine === 3 && row[2]) {
        current.migMode = row[2];
      }
      continue;
    }

    if (section === 'processes') {
      const t = line.trim().replace(/^\|/, '').replace(/\|$/, '').trim();
      if (/^No running processes found/i.test(t)) continue;
      const withInstances = /^(\d+|N\/A)\s+(\S+)\s+(\S+)\s+(\d+)\s+(C\+G|M\+C|C|G|M)\s+(.*?)\s+(\d+MiB|N\/A)$/.exec(t);
      const legacy = /^(\d+|N\/A)\s+(\d+)\s+(C\+G|M\+C|C|G|M)\s+(.*?)\s+(\d+MiB|N\/A)$/.exec(t);
      if (withInstances) {
        report.processes.push({
          gpu: number(withInstances[1]),
          gi: withInstances[2],
          ci: withInstances[3],
          pid: Number(withInstances[4]),
          type: withInstances[5]!,
          name: withInstances[6]!,
          memoryMiB: number(withInstances[7]),
        });
      } else if (legacy) {
        report.processes.push({
          gpu: number(legacy[1]),
          pid: Number(legacy[2]),
          type: legacy[3]!,
          name: legacy[4]!,
          memoryMiB: number(legacy[5]),
        });
      } else if (!/^(GPU\s+GI|ID\s+ID)/.test(t)) {
        unknown.push(line.trim());
      }
    }
  }

  if (unknown.length) {
    report.notes.push(
      `${unknown.length} line(s) not understood, first: "${unknown[0]!.slice(0, 100)}"`,
    );
  }
  if (header && report.gpus.length === 0 && !error) report.notes.push('no GPU rows found in the table');
  return report;
}

// ---------------------------------------------------------------------------------------------
// nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader

export interface QueryGpu {
  index?: number;
  name: string;
  driverVersion?: string;
  memoryTotalMiB?: number;
}

export interface QueryReport {
  gpus: QueryGpu[];
  error?: NvmlError;
  notes: string[];
}

/** Values nvidia-smi prints when a field is missing. */
function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return v === '' || /^\[.*\]$/.test(v) || v === 'N/A' ? undefined : v;
}

export function parseNvidiaSmiQuery(text: string): QueryReport {
  const report: QueryReport = { gpus: [], notes: [] };
  const error = findNvmlError(text);
  if (error) report.error = error;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || /^index\s*,/i.test(line)) continue;
    if (error && line === error.line) continue;
    if (/^NVML library version/i.test(line)) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 4 || !/^\d+$/.test(fields[0]!)) {
      report.notes.push(`line not understood: "${line.slice(0, 100)}"`);
      continue;
    }
    // A name with a comma in it would split in two: the last two fields are always version, memory.
    const memory = fields[fields.length - 1]!;
    const driver = fields[fields.length - 2]!;
    const name = fields.slice(1, -2).join(', ');
    const gpu: QueryGpu = { index: Number(fields[0]), name };
    const d = present(driver);
    if (d && /^\d+(\.\d+)+$/.test(d)) gpu.driverVersion = d;
    else if (d) report.notes.push(`GPU ${fields[0]}: driver_version "${d}" not understood`);
    const m = /^(\d+)\s*MiB$/i.exec(present(memory) ?? '');
    if (m) gpu.memoryTotalMiB = Number(m[1]);
    report.gpus.push(gpu);
  }
  return report;
}
