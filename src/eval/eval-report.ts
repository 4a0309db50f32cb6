/**
 * The report of an `rlef eval` run: one JSON object (`eval.json`, `--json`) and its plain-text
 * table. Pure formatting.
 */
import type { TurnLimitSummary } from './eval-summary.ts';

/** Token and request counts of an external (OpenAI-compatible) policy. */
export interface UsageReport {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly requests: number;
  readonly retries: number;
  readonly emptyAnswers: number;
}

/** How each reported number is defined, written into every report so a file explains itself. */
export const METRIC_DEFINITIONS = {
  'n@k':
    'chance that at least one of n submissions chosen from k samples passes all tests; every model response is a sample (a rollout of up to T turns spends up to T), rollouts are drawn until k samples are spent, a rollout is submitted when its final answer passed the feedback tests; exact over orderings of the observed rollouts of a problem (unbiased when rollouts ≥ k), mean over problems',
  'pass@k':
    'unbiased pass@k (1 − C(n−c,k)/C(n,k)) over turn-1 responses: n = rollouts of the problem, c = rollouts whose first response passed all tests; mean over problems',
  solveRateByTurn: 'fraction of a problem\'s rollouts solved within t turns (= 1@t), mean over problems',
  interval: 'percentile bootstrap 95% interval over problems (10 000 resamples, seeded)',
} as const;

/** Everything `rlef eval` found, as written to eval.json. */
export interface EvalReport {
  readonly policy: string;
  readonly model?: string;
  readonly data: string;
  readonly format: string;
  readonly split?: string;
  /** Share of each statement's words left out (`--drop-words`), when set. */
  readonly dropWords?: number;
  readonly problems: number;
  readonly rollouts: number;
  readonly feedback: string;
  readonly temperature: number;
  /** Temperature of turns after the first, when it differs (`--retry-temperature`). */
  readonly retryTemperature?: number;
  /** Set when long dialogs were fitted by listing fewer failed tests first (`--shorten-feedback`). */
  readonly shortenFeedback?: true;
  readonly topP: number;
  readonly maxNewTokens?: number;
  readonly seed: number;
  readonly outDir: string;
  readonly startedAt: string;
  readonly wallMs: number;
  readonly definitions: typeof METRIC_DEFINITIONS;
  /** Set when a signal stopped the run: the summaries cover the episodes finished by then. */
  readonly stoppedEarly?: true;
  /** One summary per turn limit, in the order asked for. */
  readonly turnLimits: readonly TurnLimitSummary[];
  readonly usage?: UsageReport;
}

/** The report as plain-text lines (the table shown on a terminal). */
export function formatEvalReport(report: EvalReport): string {
  const lines: string[] = [];
  const model = report.model === undefined ? '' : ` (${report.model})`;
  lines.push(`rlef eval: ${report.policy}${model} on ${report.data}${report.split === undefined ? '' : ` [${report.split}]`}`);
  lines.push(
    `${report.problems} problems × ${report.rollouts} rollouts, feedback ${report.feedback}${report.shortenFeedback === true ? ' (shortened to fit)' : ''}, temperature ${report.temperature}${report.retryTemperature === undefined ? '' : ` (retries ${report.retryTemperature})`}, top-p ${report.topP}, seed ${report.seed}`,
  );
  if (report.stoppedEarly === true) lines.push('stopped early: the numbers cover only the episodes finished before the stop');
  for (const s of report.turnLimits) {
    lines.push('');
    lines.push(
      `turn limit ${s.turnLimit}: ${s.episodes} episodes, ${s.responses} responses (${s.meanTurns.toFixed(2)} per episode), ${s.solvedEpisodes} solved, ${s.invalidResponses} without code${s.sandboxErrors > 0 ? `, ${s.sandboxErrors} with sandbox errors` : ''}`,
    );
    const rows: string[][] = [['metric', 'value', '95% interval']];
    for (const m of s.metrics) {
      rows.push(m.value === null ? [m.name, 'n/a', m.note ?? ''] : [m.name, fixed(m.value), interval(m.lower, m.upper)]);
    }
    for (const t of s.solveRateByTurn) rows.push([`solved ≤ ${t.turn} turn${t.turn === 1 ? '' : 's'}`, fixed(t.value), interval(t.lower, t.upper)]);
    lines.push(...table(rows).map((line) => `  ${line}`));
    const verdicts = Object.entries(s.finalVerdicts).map(([v, n]) => `${v} ${n}`).join(', ');
    lines.push(`  final verdicts: ${verdicts}`);
  }
  if (report.turnLimits.length > 1) {
    lines.push('');
    lines.push('turn-limit sweep:');
    const header = ['metric', ...report.turnLimits.map((s) => `T=${s.turnLimit}`)];
    const names = [...new Set(report.turnLimits.flatMap((s) => s.metrics.map((m) => m.name)))];
    const rows = names.map((name) => [
      name,
      ...report.turnLimits.map((s) => {
        const value = s.metrics.find((m) => m.name === name)?.value;
        return value === undefined || value === null ? 'n/a' : fixed(value);
      }),
    ]);
    rows.push(['solve rate', ...report.turnLimits.map((s) => fixed(s.solveRateByTurn[s.solveRateByTurn.length - 1]?.value ?? 0))]);
    lines.push(...table([header, ...rows]).map((line) => `  ${line}`));
  }
  if (report.usage !== undefined) {
    const u = report.usage;
    lines.push('');
    lines.push(
      `tokens: ${u.promptTokens} prompt + ${u.completionTokens} completion over ${u.requests} requests (${u.retries} retries, ${u.emptyAnswers} empty answers)`,
    );
  }
  lines.push('');
  lines.push(`wrote ${report.outDir} (eval.json, trajectories/) in ${(report.wallMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

function fixed(value: number): string {
  return value.toFixed(4);
}

function interval(lower: number | null, upper: number | null): string {
  return lower === null || upper === null ? '' : `[${fixed(lower)}, ${fixed(upper)}]`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  ').trimEnd());
}
