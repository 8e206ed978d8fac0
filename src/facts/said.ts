// What the cluster said in words that a wording row recognises: the pods' texts (logs, states, events)
// and a node's probe outputs (stdout and stderr, with the exit code; the host journals are probe commands too). Each hit keeps
// where it was read, for the evidence line, and the row it matched, for the finding it stands for.
import type { Wording, WordingHit } from '../data/wordings/index.js';
import { WORDINGS, matchWordings } from '../data/wordings/index.js';
import type { ProbeCommandName } from '../collection/probe-commands.js';
import type { CheckName } from '../catalogue.js';
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

/** The longest line a message quotes whole. */
const QUOTED = 120;

/** A line a pod said that a wording row recognises, with the findings the row stands for. */
export interface OwnWord {
  source: string;
  line: string;
  /** The line cut to a length a message can quote. */
  quote: string;
  /** The row's finding first, then what else it can mean (narrow them with `eitherOf` when quoting). */
  findings: CheckName[];
}

/**
 * What the pods said about their own failure in the components' words (logs, previous logs, container states,
 * events), each line with the findings it points at: a symptom's message quotes it and points there.
 */
export function ownWords(facts: Facts, pods: readonly Pod[]): OwnWord[] {
  const found: OwnWord[] = [];
  for (const pod of pods) {
    for (const text of podTexts(facts, pod)) {
      // The most specific row a text matches: "Driver/library version mismatch" before "Failed to initialize NVML".
      const hit = matchWordings(text.text).sort((a, b) => (a.wording.alsoMeans?.length ?? 0) - (b.wording.alsoMeans?.length ?? 0))[0];
      if (hit) found.push({ source: text.source, line: hit.line, quote: hit.line.length > QUOTED ? `${hit.line.slice(0, QUOTED - 1)}…` : hit.line, findings: [hit.wording.finding, ...(hit.wording.alsoMeans ?? [])] });
    }
  }
  return found;
}
