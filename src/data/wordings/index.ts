// Every wording table, one list: what the real components print, by component. Checks and tests import
// from here; a new table is one more import and one more spread.
import type { CheckName } from '../../catalogue.js';
import { CONTAINERD_WORDINGS } from './containerd.js';
import { CRIO_WORDINGS } from './crio.js';
import { CUDA_WORDINGS, FABRIC_MANAGER_WORDINGS, KERNEL_MODULE_WORDINGS, NVIDIA_SMI_EXIT_CODES, NVIDIA_SMI_WORDINGS } from './driver.js';
import { ADMISSION_WORDINGS, KUBELET_WORDINGS, SCHEDULER_WORDINGS } from './kubernetes.js';
import { DEVICE_PLUGIN_WORDINGS, HAMI_WORDINGS, OPERATOR_WORDINGS } from './operator.js';
import { TOOLKIT_WORDINGS } from './toolkit.js';
import type { Wording } from './types.js';

export type { ExitCode, Wording, WordingChannel } from './types.js';
export { NVIDIA_SMI_EXIT_CODES };

/** The tables by name, in the order a report would walk the stack (runtime, kubelet, toolkit, driver…). */
export const WORDING_TABLES: Record<string, Wording[]> = {
  containerd: CONTAINERD_WORDINGS,
  crio: CRIO_WORDINGS,
  kubelet: KUBELET_WORDINGS,
  admission: ADMISSION_WORDINGS,
  scheduler: SCHEDULER_WORDINGS,
  toolkit: TOOLKIT_WORDINGS,
  operator: OPERATOR_WORDINGS,
  devicePlugin: DEVICE_PLUGIN_WORDINGS,
  hami: HAMI_WORDINGS,
  nvidiaSmi: NVIDIA_SMI_WORDINGS,
  kernelModule: KERNEL_MODULE_WORDINGS,
  fabricManager: FABRIC_MANAGER_WORDINGS,
  cuda: CUDA_WORDINGS,
};

export const WORDINGS: Wording[] = Object.values(WORDING_TABLES).flat();

/** The rows that are evidence for one finding (its own rows first, then those that may also mean it). */
export function wordingsFor(finding: CheckName): Wording[] {
  return [...WORDINGS.filter((w) => w.finding === finding), ...WORDINGS.filter((w) => w.alsoMeans?.includes(finding))];
}

export interface WordingHit {
  wording: Wording;
  captures: Record<string, string>;
  /** The whole line of `text` where the match starts, trimmed: what evidence quotes (rows may span lines). */
  line: string;
}

/** Every row whose pattern occurs in `text`, with its named captures and the line it starts on. */
export function matchWordings(text: string, rows: Wording[] = WORDINGS): WordingHit[] {
  const hits: WordingHit[] = [];
  for (const wording of rows) {
    const m = wording.pattern.exec(text);
    if (!m) continue;
    const end = text.indexOf('\n', m.index);
    const line = text.slice(text.lastIndexOf('\n', m.index) + 1, end < 0 ? undefined : end).trim();
    hits.push({ wording, captures: Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>, line });
  }
  return hits;
}
