/**
 * The per-iteration metrics a training run appends to `RUN_DIR/metrics.jsonl` (one JSON object
 * per finished iteration; see `IterationMetrics`). Pure parsing; the file is read in load-run.ts.
 */
import { InputError } from '../runtime/errors.ts';

/** The numeric fields of one iteration's metrics line, by name (`policyLoss`, `valueLoss`, …). */
export interface RunMetricsLine {
  readonly iteration: number;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * Parses metrics.jsonl text into one line per iteration, ordered by iteration. A resumed run may
 * log an iteration twice: the later line wins. A last line without its newline that does not
 * parse is a write cut short and is skipped; any other bad line is an {@link InputError}.
 */
export function parseMetricsJsonl(text: string, file: string): RunMetricsLine[] {
  const byIteration = new Map<number, RunMetricsLine>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const torn = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (torn) return;
      throw new InputError(file, i + 1, 'not a JSON object', { cause: error });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(file, i + 1, 'not a JSON object');
    const record = value as Record<string, unknown>;
    const iteration = record['iteration'];
    if (typeof iteration !== 'number' || !Number.isInteger(iteration) || iteration < 0) {
      throw new InputError(file, i + 1, 'no integer "iteration" field');
    }
    const values: Record<string, number> = {};
    for (const [key, v] of Object.entries(record)) if (key !== 'iteration' && typeof v === 'number') values[key] = v;
    byIteration.set(iteration, { iteration, values });
  });
  return [...byIteration.values()].sort((a, b) => a.iteration - b.iteration);
}
