// Commands that change a TensorFusion cluster, shared by the TensorFusion checks.
import type { Facts } from '../facts/facts.js';
import { clusterNames, WORKER_TEMPLATE_PATH } from '../facts/tensor-fusion.js';

/** Where to add an env variable to the worker template, as commands a person runs. */
export function workerEnvFix(facts: Facts, variable: string, value: string): string[] {
  const clusters = clusterNames(facts);
  return [
    ...(clusters.length ? clusters : ['CLUSTER']).map((c) => `kubectl edit tensorfusioncluster ${c}`),
    `#   ${WORKER_TEMPLATE_PATH}: add {name: ${variable}, value: "${value}"} to each pool's worker container`,
  ];
}
