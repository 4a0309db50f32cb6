/**
 * The metrics `rlef eval` reports, as written on the command line: `1@3`, `10@100` (n@k, every
 * model response a sample) and `pass@1`, `pass@10` (unbiased pass@k over turn-1 responses).
 * Pure parsing.
 */

/** One metric to estimate. */
export type MetricSpec =
  | { readonly kind: 'n@k'; readonly n: number; readonly k: number }
  | { readonly kind: 'pass@k'; readonly k: number };

/** The paper's evaluation metrics (RLEF.md §3–4) plus single-sample pass@k. */
export const DEFAULT_METRICS = '1@3,10@100,pass@1,pass@10';

/** A metric's name as written on the command line and in reports (`1@3`, `pass@10`). */
export function metricName(spec: MetricSpec): string {
  return spec.kind === 'n@k' ? `${spec.n}@${spec.k}` : `pass@${spec.k}`;
}

/** Why a metric list could not be read; `text` is the offending item. */
export class MetricSpecError extends Error {
  override readonly name = 'MetricSpecError';
  constructor(
    readonly text: string,
    why: string,
  ) {
    super(`bad metric ${JSON.stringify(text)}: ${why} (write n@k like 1@3, or pass@k like pass@10)`);
  }
}

/**
 * Parses a comma-separated metric list; duplicates are dropped, order is kept.
 * @throws MetricSpecError on an empty list or an item that is not `n@k` / `pass@k` with positive integers.
 */
export function parseMetrics(list: string): MetricSpec[] {
  const items = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new MetricSpecError(list, 'no metrics given');
  const out: MetricSpec[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const spec = parseMetric(item);
    const name = metricName(spec);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(spec);
  }
  return out;
}

function parseMetric(item: string): MetricSpec {
  const match = /^(pass|\d+)@(\d+)$/i.exec(item);
  if (match === null) throw new MetricSpecError(item, 'not of the form n@k or pass@k');
  const k = Number(match[2]);
  if (!Number.isSafeInteger(k) || k < 1) throw new MetricSpecError(item, 'k must be a positive integer');
  if (match[1]!.toLowerCase() === 'pass') return { kind: 'pass@k', k };
  const n = Number(match[1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new MetricSpecError(item, 'n must be a positive integer');
  if (n > k) throw new MetricSpecError(item, 'n cannot exceed k (at most one submission per sample)');
  return { kind: 'n@k', n, k };
}
