// `gpuctl doctor`: gather facts from a snapshot or a live cluster, run the checks, print, exit 0/1/2.
import path from 'node:path';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Report } from '../engine.js';
import { exitCodeOf, runChecks, selectChecks } from '../engine.js';
import { UsageError } from '../errors.js';
import { Facts } from '../facts/facts.js';
import type { Lang } from '../i18n/lang.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderTakenMarkdown, renderTakenText, takenJson } from '../report/playbook.js';
import { walkPlaybook } from '../playbook/walk.js';
import { renderMarkdown } from '../report/markdown.js';
import { colourEnabled } from '../report/style.js';
import { renderText } from '../report/text.js';
import type { Collection } from '../sources/collection.js';
import type { NodeProbeMode } from './gather.js';
import { DEMO_SNAPSHOT, packageRoot } from '../paths.js';

export interface DoctorOptions {
  snapshot?: string;
  demo?: boolean;
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  chunkSize: string;
  output: 'text' | 'json' | 'markdown' | 'junit';
  failOn: 'error' | 'warning';
  checks?: string;
  skip?: string;
  ok?: boolean;
  debug?: boolean;
  nodeProbe: NodeProbeMode;
  maxExecPods?: string;
  allContexts?: boolean;
  /** Text, markdown and junit only: JSON stays English (names and ids are the API). */
  lang?: Lang;
}

const list = (s?: string) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : undefined);

export async function doctor(opts: DoctorOptions): Promise<number> {
  const checks = selectChecks(ALL_CHECKS, { only: list(opts.checks), skip: list(opts.skip) });
  if (opts.snapshot && opts.demo) throw new UsageError('--snapshot and --demo cannot be used together');
  if ((opts.snapshot || opts.demo) && opts.nodeProbe !== 'auto') {
    throw new UsageError('--node-probe reads a live node: it cannot be used with --snapshot or --demo');
  }
  if (opts.snapshot && (opts.kubeconfig || opts.context)) {
    throw new UsageError('--snapshot reads no cluster: drop --kubeconfig/--context');
  }
  if (!opts.snapshot && !opts.demo) {
    const { fleet, fleetContexts } = await import('./fleet.js');
    const contexts = fleetContexts(opts);
    if (contexts) return fleet(contexts, checks, opts);
  }
  const collection = await gather(opts);
  const report = runChecks(checks, new Facts(collection));
  process.stdout.write(render(report, opts));
  return exitCodeOf(report, opts.failOn);
}

function render(report: Report, opts: DoctorOptions): string {
  const taken = walkPlaybook(report.findings);
  switch (opts.output) {
    case 'json': {
      const { findings, skipped, summary } = JSON.parse(renderJson(report));
      return JSON.stringify({ findings, skipped, summary, playbook: takenJson(taken) }, null, 2) + '\n';
    }
    case 'markdown':
      return renderMarkdown(report, opts.lang) + renderTakenMarkdown(taken, opts.lang);
    case 'junit':
      return renderJunit(report, opts.failOn, opts.lang);
    default: {
      const colour = colourEnabled(process.stdout);
      const playbook = renderTakenText(taken, colour, opts.lang);
      return renderText(report, { colour, showOk: opts.ok !== false, lang: opts.lang }) + (playbook ? `\n${playbook}` : '');
    }
  }
}

async function gather(opts: DoctorOptions): Promise<Collection> {
  const { loadSnapshot } = await import('../sources/snapshot.js');
  if (opts.demo) return loadSnapshot(path.join(packageRoot(), DEMO_SNAPSHOT));
  if (opts.snapshot) return loadSnapshot(opts.snapshot);
  const { gatherLive } = await import('./gather.js');
  return gatherLive(opts);
}
