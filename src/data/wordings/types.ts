// The shape of a wording row: one message a real component prints, where in its source the text comes
// from, and the catalogue finding it is evidence for. Plain data: no imports from facts or checks.
import type { CheckName } from '../../catalogue.js';

/** Where a message reaches a snapshot: the places a check should look for it. */
export type WordingChannel =
  | 'event' //         an Event's message (kubelet, scheduler, controllers)
  | 'pod-status' //    a container's waiting/terminated message, a pod's status.message / condition message
  | 'log' //           a container log or previous log (operands, workloads)
  | 'node-command' //  a probe command's stdout/stderr (nvidia-smi, containerd config dump…)
  | 'node-journal' //  a host service's journal or log file (containerd, kubelet, fabric manager)
  | 'api-error' //     the API server's answer to a create (admission), seen in controller events
  // printed only on the terminal of whoever runs the command (by hand, or a node bootstrap script: cloud-init,
  // Ansible, an installer): no snapshot holds it, so no check can read it. Such a row documents what a command
  // gpuctl tells people to run would print; test/data/wordings-through-checks.test.ts checks gpuctl's fix
  // commands never make it print that.
  | 'hand-run';

export interface Wording {
  /** Stable row id, unique across all tables: `<component>/<short-name>`. */
  id: string;
  /** The program that prints it, e.g. `containerd CRI plugin`, `kubelet device manager`. */
  component: string;
  /** The releases that print exactly this wording (semver ranges or release lists, as far as read). */
  versions: string;
  /**
   * Where the text comes from: `owner/repo@tag:path:line` for open sources; for closed ones (nvidia-smi,
   * NVML, CUDA runtime, fabric manager) the document or header that lists it, prefixed `doc:`.
   */
  source: string;
  /** The catalogue name (shared/CHECKS.md) this message is evidence for. */
  finding: CheckName;
  /** Other findings the same text can mean, to be told apart by other facts. */
  alsoMeans?: CheckName[];
  /** Where the message shows up in a snapshot. */
  channels: WordingChannel[];
  /**
   * The stable part of the message; the variable parts (pod names, handlers, paths, versions, counts) as
   * named capture groups. Matches a substring: wrappers added by callers (kubelet, runc) may surround it.
   */
  pattern: RegExp;
  /** The message exactly as the component prints it (taken from the source, or from a public report). */
  sample: string;
  /** What the named groups capture from `sample` (the self-test checks every one). */
  captures: Record<string, string>;
  /** Why it matters, or how to tell it apart from a look-alike. */
  note?: string;
}

/** An exit status of a command, as its documentation lists it. */
export interface ExitCode {
  command: string;
  code: number;
  meaning: string;
  /** The catalogue name an exit with this code on a node probe is evidence for (undefined: no finding). */
  finding?: string;
  source: string;
  /** The text the command prints alongside, where known. */
  printed?: string;
}
