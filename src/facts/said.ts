// What the cluster said in words that a wording row recognises: the pods' texts (logs, states, events)
// and a node's probe outputs (stdout and stderr, with the exit code; the host journals are probe commands too). Each hit keeps
// where it was read, for the evidence line, and the row it matched, for the finding it stands for.
import type { Wording, WordingHit } from '../data/wordings/index.js';
import { WORDINGS, matchWordings } from '../data/wordings/index.js';
import type { ProbeCommandName } from '../collection/probe-commands.js';
import type { Facts } from './facts.js';
import type { Pod } from './kube.js';
import { podTexts } from './pod-texts.js';

export interface Said {
  /** Where it was read: "event Failed on pod ml/train", "nvidia-smi on node gpu-1 (exit 9)". */
  source: string;
  /** The line the match starts on, trimmed. */
  line: string;
  hit: WordingHit;
  /** The pod that said it; absent for a node's own outputs. */
  pod?: Pod;
  /** The node it concerns: the pod's node, or the probed node. */
  node?: string;
}

/** The rows whose own finding is `finding` (not those that may also mean it). */
export function rowsOf(finding: string): Wording[] {
  return WORDINGS.filter((w) => w.finding === finding);
}

/** One evidence line: where, then the line quoted. */
export function saidLine(said: Said): string {
  return `${said.source}: ${said.line}`;
}

/** Every pod text a row recognises (the first row per text), in pod order. */
export function podsSaid(facts: Facts, rows: Wording[], pods: readonly Pod[] = facts.pods): Said[] {
  const out: Said[] = [];
  for (const pod of pods) {
    for (const text of podTexts(facts, pod)) {
      const hit = matchWordings(text.text, rows)[0];
      if (!hit) continue;
      out.push({ source: text.source, line: hit.line, hit, pod, ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}) });
    }
  }
  return out;
}

/**
 * Which node-probe outputs print a row's words, by the row id's component: only these are read for it, so a
 * check declares exactly the commands it reads (test/checks/needs.test.ts). Rows of other components are
 * never printed on a node.
 */
export const PRINTED_ON_NODE_BY: Record<string, ProbeCommandName[]> = {
  containerd: ['containerd-config-dump', 'journal-containerd'],
  crio: ['journal-crio'],
  'nvidia-smi': ['nvidia-smi', 'nvidia-smi-query'],
  shell: ['nvidia-smi', 'nvidia-smi-query'],
  nvrm: ['kernel-nvidia'],
  'fabric-manager': ['journal-fabricmanager'],
};

/** The node-probe commands that may print one of `rows` (what a check using hostSaid declares). */
export function commandsPrinting(rows: readonly Wording[]): ProbeCommandName[] {
  return [...new Set(rows.flatMap((w) => PRINTED_ON_NODE_BY[w.id.slice(0, w.id.indexOf('/'))] ?? []))];
}

/** What a probed node's commands (stdout, stderr, exit code) said that a row recognises, journals included (journal-*). */
export function hostSaid(facts: Facts, node: string, rows: Wording[]): Said[] {
  const host = facts.host(node);
  if (!host) return [];
  const out: Said[] = [];
  for (const name of commandsPrinting(rows)) {
    const result = host.commands.get(name);
    if (!result) continue;
    for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr ?? '']] as const) {
      const hit = text && matchWordings(text, rows)[0];
      if (!hit) continue;
      const how = stream === 'stderr' || result.exitCode !== 0 ? ` (${stream}, exit ${result.exitCode})` : '';
      out.push({ source: `${name} on node ${node}${how}`, line: hit.line, hit, node });
    }
  }
  return out;
}
