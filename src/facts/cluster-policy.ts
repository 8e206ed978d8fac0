// The GPU Operator's ClusterPolicy status: which operand states hold it back.

export interface PolicyCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** "ClusterPolicy is not ready, states not ready: [state-driver state-container-toolkit]" → the state names. */
export function clusterPolicyStatesNotReady(conditions: PolicyCondition[]): string[] {
  for (const c of conditions) {
    const m = c.message?.match(/states not ready: \[([^\]]*)\]/);
    if (m) return m[1]!.split(/[\s,]+/).filter(Boolean);
  }
  return [];
}
