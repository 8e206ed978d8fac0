// What is derived from the list of stacks, for the layers above: names, injections, log namespaces,
// categories, CLI choices. Pure; recomputed from STACKS on each call where a test may swap the list.
import type { Injection, StackCategory, StackCollected, StackDefinition } from './define.js';
import { STACKS, type ProfileId, type StackId } from './index.js';
import type { InstallProfile } from './install.js';
import type { Playbook } from './playbook.js';

const all = (): readonly StackDefinition[] => STACKS;

export function stackIds(): StackId[] {
  return all().map((s) => s.id as StackId);
}

export function stackDefinition(id: string): StackDefinition | undefined {
  return all().find((s) => s.id === id);
}

export function stackName(id: string): string {
  return stackDefinition(id)?.name ?? id;
}

/**
 * Every injection once, in the order a pod's markers are matched: the stacks' own first (list order),
 * the generic ones (plain nvidia.com/gpu, also on other stacks' pods) last.
 */
export function injections(): Injection[] {
  const unique = [...new Map(all().flatMap((s) => (s.injection ? [[s.injection.id, s.injection] as const] : []))).values()];
  return [...unique.filter((i) => !i.generic), ...unique.filter((i) => i.generic)];
}

/** `gpuctl exec-check --stack`: auto, then every injection's id. */
export function execCheckStackChoices(): string[] {
  return ['auto', ...injections().map((i) => i.id)];
}

/** Namespaces of the stacks' components (their pods' logs are collected: log scope `stack`). */
export function stackNamespaces(): string[] {
  return [...new Set(all().flatMap((s) => s.namespaces))];
}

/** kube-system pods of a stack installed by hand, by name or label value. */
export function isKubeSystemStackPodName(value: string): boolean {
  return all().some((s) => s.kubeSystemPods?.test(value));
}

/** The categories the stacks bring, once each, in list order. */
export function stackCategories(): StackCategory[] {
  return [...new Map(all().flatMap((s) => (s.category ? [[s.category.id, s.category] as const] : []))).values()];
}

/** `gpuctl install --profile`: the stacks' install profiles, in list order, each with the stack it installs. */
export function installProfiles(): (InstallProfile & { id: ProfileId; stack: StackId })[] {
  return all().flatMap((s) => (s.install ? [{ ...s.install, id: s.install.id as ProfileId, stack: s.id as StackId }] : []));
}

/** The stacks' playbooks, in list order, each with its stack's id (`gpuctl playbook --stack ID`). */
export function stackPlaybooks(): Playbook[] {
  return all().flatMap((s) => (s.playbook ? [{ id: s.id, ...s.playbook }] : []));
}

/** The stacks whose detection makes the live collection read `input` (their `collects`), in list order. */
export function stacksCollecting(input: StackCollected): StackId[] {
  return all().flatMap((s) => (s.collects?.includes(input) ? [s.id as StackId] : []));
}

/** The stacks that hand out GPUs without nvidia.com/gpu (`allocatesGpusItself`), in list order. */
export function stacksAllocatingGpusThemselves(): StackId[] {
  return all().flatMap((s) => (s.allocatesGpusItself ? [s.id as StackId] : []));
}

/** "A, B or C", for the header's "no … objects". */
export function orList(words: string[], or: string, comma = ', '): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(comma)}${or}${words[words.length - 1]}`;
}
