// metav1.LabelSelector as the API server and the Prometheus Operator evaluate it: matchLabels and
// matchExpressions (In, NotIn, Exists, DoesNotExist) ANDed together. Pure functions over plain objects.

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** Why one requirement of a selector fails on a set of labels, in words; undefined when it holds. */
export type Mismatch = string;

/**
 * The requirements of `selector` that `labels` do not meet. An empty selector (`{}`) selects everything;
 * `null`/`undefined` selects nothing (the caller decides what absence means: see selects()). An unknown
 * operator selects nothing, as in labels.Parse: it is reported as the mismatch.
 */
export function unmetRequirements(selector: LabelSelector, labels: Record<string, string> | undefined): Mismatch[] {
  const have = labels ?? {};
  const unmet: Mismatch[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) unmet.push(`${key}=${value} (${key in have ? `is ${have[key]}` : 'absent'})`);
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = req.key in have;
    const values = req.values ?? [];
    const list = `(${values.join(', ')})`;
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(have[req.key]!)) unmet.push(`${req.key} in ${list} (${present ? `is ${have[req.key]}` : 'absent'})`);
        break;
      case 'NotIn':
        // NotIn holds for an absent key, like the API server's selector.
        if (present && values.includes(have[req.key]!)) unmet.push(`${req.key} notin ${list} (is ${have[req.key]})`);
        break;
      case 'Exists':
        if (!present) unmet.push(`${req.key} exists (absent)`);
        break;
      case 'DoesNotExist':
        if (present) unmet.push(`!${req.key} (is ${have[req.key]})`);
        break;
      default:
        unmet.push(`${req.key}: operator "${req.operator}" is not valid (selects nothing)`);
    }
  }
  return unmet;
}

/** Whether a present selector matches: `{}` matches all labels. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return unmetRequirements(selector, labels).length === 0;
}

/** The selector in kubectl's `-l` syntax: `release=prometheus,team in (a, b)`; `{}` is "everything". */
export function formatSelector(selector: LabelSelector | null | undefined): string {
  if (selector === null || selector === undefined) return 'none (null)';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = `(${(req.values ?? []).join(', ')})`;
    if (req.operator === 'In') parts.push(`${req.key} in ${values}`);
    else if (req.operator === 'NotIn') parts.push(`${req.key} notin ${values}`);
    else if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator} ${values}`);
  }
  return parts.length ? parts.join(',') : '{} (everything)';
}

/** Labels a selector requires by matchLabels and single-valued In: what to add so an object is selected. */
export function labelsToSatisfy(selector: LabelSelector): Record<string, string> | undefined {
  const labels: Record<string, string> = { ...(selector.matchLabels ?? {}) };
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'In' && req.values?.length) labels[req.key] ??= req.values[0]!;
    // Exists needs some value; NotIn/DoesNotExist are met by removing labels, which relabelling cannot promise.
    else if (req.operator === 'Exists') labels[req.key] ??= 'true';
    else if (req.operator !== 'NotIn' && req.operator !== 'DoesNotExist') return undefined;
  }
  return labels;
}
