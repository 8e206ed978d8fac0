// The metric queries of Kantaloupe's verification, live: through the API server's service proxy to the
// cluster's Prometheus (GET …/services/NAME:PORT/proxy/api/v1/query), or straight to --prometheus-url.
// Every failure is recorded on the query, never thrown: the check decides what it means.
import type { Facts } from '../../facts/facts.js';
import { KANTALOUPE_METRICS, prometheusToQuery, serviceProxyQueryPath } from '../../facts/prometheus.js';
import { formatDuration } from '../../duration.js';
import type { PrometheusQueries, PrometheusQueryResult } from '../../collection/collection.js';
import type { KubeClient } from './client.js';
import { describeNetworkError, RequestFailure, statusLine } from './client.js';

/** Series kept per query: the count is what the check needs, a few labels make the evidence. */
export const SAMPLE_SERIES = 5;

interface PrometheusAnswer {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: { metric?: Record<string, string>; value?: [number, string] }[] };
}

/** A decoded /api/v1/query answer as a result: series counted, or Prometheus's own error. */
export function resultOf(query: string, answer: PrometheusAnswer | undefined): PrometheusQueryResult {
  if (!answer || typeof answer !== 'object') return { query, error: 'the answer is not a Prometheus API response' };
  if (answer.status !== 'success') return { query, error: `Prometheus answered ${answer.errorType ?? 'error'}: ${answer.error ?? 'no message'}` };
  const result = Array.isArray(answer.data?.result) ? answer.data.result : [];
  return {
    query,
    series: result.length,
    result: result.slice(0, SAMPLE_SERIES).map((r) => ({ metric: r.metric ?? {}, ...(r.value ? { value: r.value } : {}) })),
  };
}

export interface MetricQueryOptions {
  /** --prometheus-url: query this Prometheus directly instead of going through the API server. */
  url?: string;
  timeoutMs: number;
  queries?: string[];
}

export async function queryKantaloupeMetrics(client: KubeClient, facts: Facts, options: MetricQueryOptions): Promise<PrometheusQueries> {
  const queries = options.queries ?? KANTALOUPE_METRICS.map((m) => m.metric);
  if (options.url) {
    const base = options.url.replace(/\/+$/, '');
    return {
      endpoint: base,
      target: { kind: 'Prometheus', name: base },
      results: await Promise.all(queries.map((q) => queryUrl(base, q, options.timeoutMs))),
    };
  }
  const server = prometheusToQuery(facts);
  if (!server) {
    return { error: 'no Prometheus found in the cluster (no Prometheus object, no prometheus Deployment or StatefulSet): pass --prometheus-url', results: [] };
  }
  const { service } = server;
  const endpoint = `service ${service.namespace}/${service.name}:${service.port} (API server proxy)`;
  const target = { kind: server.object.kind, name: server.object.metadata.name, namespace: server.object.metadata.namespace };
  const results = await Promise.all(
    queries.map(async (query): Promise<PrometheusQueryResult> => {
      try {
        const res = await client.getJson<PrometheusAnswer>(serviceProxyQueryPath(service, query));
        if (res.value) return resultOf(query, res.value);
        return { query, error: `${res.statusLine}${res.message ? `: ${res.message}` : ''}` };
      } catch (err) {
        if (err instanceof RequestFailure) return { query, error: err.message };
        throw err;
      }
    }),
  );
  return { endpoint, target, service, results };
}

async function queryUrl(base: string, query: string, timeoutMs: number): Promise<PrometheusQueryResult> {
  const url = `${base}/api/v1/query?${new URLSearchParams({ query })}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { Accept: 'application/json' } });
  } catch (err) {
    const e = err as Error & { cause?: unknown };
    if (e.name === 'TimeoutError') return { query, error: `no answer within ${formatDuration(timeoutMs)} (--request-timeout)` };
    return { query, error: describeNetworkError(e.cause ?? e).message };
  }
  const text = await response.text().catch(() => '');
  let answer: PrometheusAnswer | undefined;
  try {
    answer = JSON.parse(text) as PrometheusAnswer;
  } catch {
    answer = undefined;
  }
  // Prometheus answers 400/422/503 with a JSON error body: its words say more than the status.
  if (answer && (response.ok || answer.status === 'error')) return resultOf(query, answer);
  return { query, error: `${statusLine(response.status)}${text ? `: ${text.trim().split('\n')[0]!.slice(0, 200)}` : ''}` };
}
