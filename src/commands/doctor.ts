// `gpuctl doctor`: gather facts from a snapshot or a live cluster, run the checks, print, exit 0/1/2.
import path from 'node:path';
import { ALL_CHECKS } from '../../checks/index.js';
import { parseCount, parseDuration, parsePositiveInt } from '../duration.js';
import type { Report } from '../engine.js';
import { exitCodeOf, runChecks, selectChecks } from '../engine.js';
import { UsageError } from '../errors.js';
import { Facts } from '../facts/facts.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderTakenMarkdown, renderTakenText, takenJson } from '../report/playbook.js';
import { walkPlaybook } from '../playbook/walk.js';
import { renderMarkdown } from '../report/markdown.js';
import { colourEnabled } from '../report/style.js';
import { renderText } from '../report/text.js';
import type { Collection } from '../sources/collection.js';
import { DEMO_SNAPSHOT, packageRoot } from '../paths.js';

export interface DoctorOptions {
  snapshot?: string;
  demo?: boolean;
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  chunkSize: string;
  maxExecPods?: string;
  output: 'text' | 'json' | 'markdown' | 'junit';
  failOn: 'error' | 'warning';
  checks?: string;
  skip?: string;
  ok?: boolean;
  debug?: boolean;
}

const list = (s?: string) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : undefined);

export async function doctor(opts: DoctorOptions): Promise<number> {
  const checks = selectChecks(ALL_CHECKS, { only: list(opts.checks), skip: list(opts.skip) });
  if (opts.snapshot && opts.demo) throw new UsageError('--snapshot and --demo cannot be used together');
  if (opts.snapshot && (opts.kubeconfig || opts.context)) {
    throw new UsageError('--snapshot reads no cluster: drop --kubeconfig/--context');
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
      return renderMarkdown(report) + renderTakenMarkdown(taken);
    case 'junit':
      return renderJunit(report, opts.failOn);
    default: {
      const colour = colourEnabled(process.stdout);
      const playbook = renderTakenText(taken, colour);
      return renderText(report, { colour, showOk: opts.ok !== false }) + (playbook ? `\n${playbook}` : '');
    }
  }
}

async function gather(opts: DoctorOptions): Promise<Collection> {
  const { loadSnapshot } = await import('../sources/snapshot.js');
  if (opts.demo) return loadSnapshot(path.join(packageRoot(), DEMO_SNAPSHOT));
  if (opts.snapshot) return loadSnapshot(opts.snapshot);
  const requestTimeoutMs = parseDuration(opts.requestTimeout, '--request-timeout');
  const chunkSize = parsePositiveInt(opts.chunkSize, '--chunk-size');
  const maxExecPods = parseCount(opts.maxExecPods ?? '20', '--max-exec-pods');
  const spinner = process.stderr.isTTY && !opts.debug ? (await import('ora')).default({ stream: process.stderr }) : undefined;
  spinner?.start('connecting to the cluster');
  try {
    const { collectLive } = await import('../sources/live.js');
    const collection = await collectLive({
      kubeconfig: opts.kubeconfig,
      context: opts.context,
      requestTimeoutMs,
      chunkSize,
      maxExecPods,
      debug: opts.debug,
      onProgress: (text) => spinner && (spinner.text = text),
    });
    spinner?.stop();
    return collection;
  } catch (err) {
    spinner?.stop();
    throw err;
  }
}
