// The check catalogue: every check's stable id, name and category, in id order: one place. A check's
// definition (checks/NAME.ts) takes its id and category from here by name and writes its texts in both
// languages itself (English, and Chinese in `zh`); `gpuctl checks`, the table of docs/checks/README.md and
// the headers of the check pages in both languages are generated from it with the checks' texts (`npm run
// docs`; test/docs-generated.test.ts and test/i18n.test.ts fail when they are stale). The catalogue stays a
// module of its own, apart from the checks, so that name lookups (completion, --checks, typed names) load no
// check. Ids are never reused and names never renamed: a new check gets its row here first.
// Cross-references between checks (an issue's name, playbook steps, wordings, fixers) are typed `CheckName`.
import type { Category } from './model.js';

export interface CatalogueEntry {
  /** Stable code, like istioctl's IST0101: never reused. */
  id: `GPU${number}`;
  /** Stable kebab-case name (shared/CHECKS.md): findings, --checks, docs pages. */
  name: string;
  category: Category;
}

export const CATALOGUE = catalogue([
  { id: 'GPU001', name: 'snapshot-file-unreadable', category: 'snapshot' },
  { id: 'GPU101', name: 'no-gpu-nodes', category: 'nodes' },
  { id: 'GPU102', name: 'gpu-node-unlabeled', category: 'nodes' },
  { id: 'GPU103', name: 'operands-disabled', category: 'nodes' },
  { id: 'GPU104', name: 'gpu-not-allocatable', category: 'nodes' },
  { id: 'GPU105', name: 'hami-node-not-enabled', category: 'nodes' },
  { id: 'GPU106', name: 'gpu-taint-untolerated', category: 'nodes' },
  { id: 'GPU107', name: 'operand-deploy-label-missing', category: 'nodes' },
  { id: 'GPU201', name: 'nvidia-runtime-missing', category: 'runtime' },
  { id: 'GPU202', name: 'runtime-binary-missing', category: 'runtime' },
  { id: 'GPU203', name: 'runtimeclass-missing', category: 'runtime' },
  { id: 'GPU204', name: 'containerd-config-invalid', category: 'runtime' },
  { id: 'GPU205', name: 'nvidia-runtime-not-selected', category: 'runtime' },
  { id: 'GPU206', name: 'toolkit-config-unsupported', category: 'runtime' },
  { id: 'GPU301', name: 'no-nvidia-pci-device', category: 'driver' },
  { id: 'GPU302', name: 'driver-not-loaded', category: 'driver' },
  { id: 'GPU303', name: 'nouveau-loaded', category: 'driver' },
  { id: 'GPU304', name: 'driver-library-mismatch', category: 'driver' },
  { id: 'GPU305', name: 'driver-too-old-for-cuda', category: 'driver' },
  { id: 'GPU306', name: 'driver-below-minimum', category: 'driver' },
  { id: 'GPU307', name: 'driver-packages-unheld', category: 'driver' },
  { id: 'GPU308', name: 'fabric-manager-not-running', category: 'driver' },
  { id: 'GPU401', name: 'image-pull-failing', category: 'registry' },
  { id: 'GPU402', name: 'mirror-not-loaded', category: 'registry' },
  { id: 'GPU403', name: 'no-mirror-for-host', category: 'registry' },
  { id: 'GPU501', name: 'operand-unhealthy', category: 'operator' },
  { id: 'GPU502', name: 'validator-failed', category: 'operator' },
  { id: 'GPU503', name: 'gpu-held-by-finished-pod', category: 'operator' },
  { id: 'GPU504', name: 'unexpected-admission-error', category: 'operator' },
  { id: 'GPU505', name: 'device-plugin-conflict', category: 'operator' },
  { id: 'GPU506', name: 'no-device-plugin', category: 'operator' },
  { id: 'GPU507', name: 'insufficient-gpu', category: 'operator' },
  { id: 'GPU508', name: 'clusterpolicy-not-ready', category: 'operator' },
  { id: 'GPU509', name: 'operand-taint-untolerated', category: 'operator' },
  { id: 'GPU510', name: 'driver-image-unavailable', category: 'operator' },
  { id: 'GPU601', name: 'injection-env-missing', category: 'injection' },
  { id: 'GPU602', name: 'shell-drops-preload', category: 'injection' },
  { id: 'GPU603', name: 'env-dropped-by-child', category: 'injection' },
  { id: 'GPU604', name: 'device-count-assert', category: 'injection' },
  { id: 'GPU701', name: 'tf-operator-restarting', category: 'tensor-fusion' },
  { id: 'GPU702', name: 'tf-worker-crashing', category: 'tensor-fusion' },
  { id: 'GPU703', name: 'tf-invalid-memory-address', category: 'tensor-fusion' },
  { id: 'GPU704', name: 'tf-schedule-failed', category: 'tensor-fusion' },
  { id: 'GPU705', name: 'tf-gpus-undiscovered', category: 'tensor-fusion' },
  { id: 'GPU706', name: 'tf-worker-not-running', category: 'tensor-fusion' },
  { id: 'GPU801', name: 'helm-too-old', category: 'hami-kantaloupe' },
  { id: 'GPU802', name: 'prometheus-too-old', category: 'hami-kantaloupe' },
  { id: 'GPU803', name: 'servicemonitor-not-selected', category: 'hami-kantaloupe' },
  { id: 'GPU804', name: 'gateway-api-missing', category: 'hami-kantaloupe' },
  { id: 'GPU805', name: 'gpu-metrics-missing', category: 'hami-kantaloupe' },
  { id: 'GPU901', name: 'bitfusion-components-missing', category: 'bitfusion' },
  { id: 'GPU902', name: 'bitfusion-secret-missing', category: 'bitfusion' },
  { id: 'GPU903', name: 'bitfusion-annotation-invalid', category: 'bitfusion' },
  { id: 'GPU904', name: 'bitfusion-not-injected', category: 'bitfusion' },
  { id: 'GPU905', name: 'bitfusion-token-invalid', category: 'bitfusion' },
]);

/** A check's name, as the catalogue lists it: what cross-references between checks are typed with. */
export type CheckName = (typeof CATALOGUE)[number]['name'];

/** The catalogue entry of a name; a name not in the catalogue is a type error where it is written. */
export function catalogueEntry(name: CheckName): CatalogueEntry {
  const entry = CATALOGUE.find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the check catalogue (src/catalogue.ts)`);
  return entry;
}

export function isCheckName(name: string): name is CheckName {
  return CATALOGUE.some((e) => e.name === name);
}

function catalogue<const N extends string>(entries: (CatalogueEntry & { name: N })[]): (CatalogueEntry & { name: N })[] {
  return entries;
}
