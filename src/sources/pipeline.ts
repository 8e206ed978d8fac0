// The collection as a declared list of phases, run in order, as cilium-cli's sysdump runs its task list.
// A live run: (1) list the resource types, (2) the logs, metrics and process tables of the pods the lists
// found, (3) the node probes of the GPU nodes they found. A snapshot or an import is one phase that reads
// everything at once. Each phase reads a frozen Facts of what the phases before it gathered — never the
// Collection it is filling — and adds only the Collection fields it declares (the runner checks).
import type { Collection } from '../collection/collection.js';
import { Facts } from '../facts/facts.js';

export type CollectionField = Exclude<keyof Collection, 'origin'>;

export interface Phase {
  name: string;
  /** What it reads of the Facts of the phases before, in words. */
  reads: string[];
  /** The Collection fields it adds to; changing any other is a bug that the runner reports. */
  adds: CollectionField[];
  run(before: Facts, collection: Collection): Promise<void>;
}

/** Runs the phases in order over one Collection; each is handed a Facts over a copy of what is there when it starts. */
export async function runPhases(collection: Collection, phases: readonly Phase[]): Promise<Collection> {
  for (const phase of phases) {
    const marks = marksOf(collection);
    await phase.run(new Facts(frozen(collection)), collection);
    const after = marksOf(collection);
    const undeclared = [...new Set([...marks.keys(), ...after.keys()])].filter((field) => marks.get(field) !== after.get(field) && !phase.adds.includes(field as CollectionField));
    if (undeclared.length > 0) throw new Error(`collection phase "${phase.name}" changed ${undeclared.join(', ')}, which it does not declare`);
  }
  return collection;
}

/**
 * What the phases before gathered, as it stands: the containers copied (their elements shared, so this costs
 * one pass over each), so that what the running phase adds never reaches the Facts it reads.
 */
export function frozen(collection: Collection): Collection {
  const copy: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(collection)) copy[field] = copyOf(value);
  return Object.freeze(copy) as unknown as Collection;
}

function copyOf(value: unknown): unknown {
  if (value instanceof Map) return new Map(value);
  if (value instanceof Set) return new Set(value);
  if (Array.isArray(value)) return [...value];
  if (value && typeof value === 'object') return { ...value };
  return value;
}

/** A cheap mark of each field's content: sizes of containers, keys of the meta, values of the rest. */
function marksOf(collection: Collection): Map<string, unknown> {
  const marks = new Map<string, unknown>();
  for (const [field, value] of Object.entries(collection)) {
    if (value === undefined) continue;
    if (value instanceof Map || value instanceof Set) marks.set(field, `${value.size}`);
    else if (Array.isArray(value)) marks.set(field, `${value.length}`);
    else if (value && typeof value === 'object') marks.set(field, shallowMark(value, 3));
    else marks.set(field, value);
  }
  return marks;
}

/**
 * A mark of an object's content down to `depth` levels: a snapshot's meta.json is untrusted and may nest deeper
 * than JSON.stringify's stack allows; what a phase changes sits in the first levels.
 */
function shallowMark(value: unknown, depth: number): string {
  if (!value || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  if (depth === 0) return Array.isArray(value) ? `[${value.length}]` : `{${Object.keys(value).length}}`;
  const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${shallowMark(v, depth - 1)}`);
  return Array.isArray(value) ? `[${entries.join(',')}]` : `{${entries.join(',')}}`;
}
