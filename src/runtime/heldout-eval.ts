/**
 * The held-out evaluation that ends a training run (a pipeline's `evaluation` block): the policy
 * the run started from and the policy it ended with, played on the held-out problems with the same
 * settings and seed, and one table comparing them. Each evaluation is an ordinary `rlef eval` run
 * (eval.json, trajectories/) in the run directory: `eval-start/` and `eval-final/`.
 */
import { Writable } from 'node:stream';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { sha256 } from '../policy/checkpoint-io.ts';
import type { BackendPreference } from '../policy/backend.ts';
import type { PipelineConfig } from '../pipeline/pipeline-config.ts';
import { table, type EvalReport } from '../eval/eval-report.ts';
import type { MetricSpec } from '../eval/metric-spec.ts';
import { evaluate } from './evaluate-run.ts';
import { pairedBootstrapCI } from '../eval/bootstrap.ts';
import { formatPoints } from '../ui/format.ts';

/** The two evaluations; `start` is null when the run began from a fresh model (nothing to load). */
export interface HeldoutComparison {
  readonly start: { readonly label: string; readonly report: EvalReport } | null;
  readonly final: { readonly label: string; readonly report: EvalReport };
}

export interface HeldoutOptions {
  readonly pipeline: PipelineConfig;
  readonly root: string;
  readonly runDir: string;
  /** The checkpoint the run started from, or null for a fresh model. */
  readonly startCheckpoint: string | null;
  /** The run's last checkpoint. */
  readonly finalCheckpoint: string;
  readonly finalLabel: string;
  readonly seed: number;
  readonly backend: BackendPreference;
  readonly log: (line: string) => void;
}

/**
 * The start policy's evaluation is kept beside its weights (`heldout-eval.json`), keyed by the
 * weights' digest, the held-out file's digest and every setting of the evaluation: a run from
 * the same checkpoint with the same settings reuses it instead of playing the same episodes again.
 */
const CACHE_FILE = 'heldout-eval.json';

async function cacheKey(checkpoint: string, heldoutPath: string, settings: object): Promise<string | null> {
  try {
    const manifest = JSON.parse(await readFile(join(checkpoint, 'checkpoint.json'), 'utf8')) as { files?: Record<string, { sha256?: string }> };
    const weights = manifest.files?.['model.safetensors']?.sha256;
    if (weights === undefined) return null;
    const data = sha256(await readFile(heldoutPath));
    return sha256(JSON.stringify({ weights, data, settings }));
  } catch {
    return null;
  }
}

async function readCached(checkpoint: string, key: string): Promise<EvalReport | null> {
  try {
    const cached = JSON.parse(await readFile(join(checkpoint, CACHE_FILE), 'utf8')) as { key?: string; report?: EvalReport };
    return cached.key === key && cached.report !== undefined ? cached.report : null;
  } catch {
    return null;
  }
}

/** The metrics of the comparison: n@T for the pipeline's turn limit T, and pass@1. */
export function heldoutMetrics(maxTurns: number): MetricSpec[] {
  return [
    { kind: 'n@k', n: 1, k: maxTurns },
    { kind: 'pass@k', k: 1 },
  ];
}

/** Evaluates the start and final policies on the pipeline's held-out problems. */
export async function evaluateHeldout(options: HeldoutOptions): Promise<HeldoutComparison> {
  const { pipeline } = options;
  const settings = pipeline.evaluation;
  const heldout = pipeline.data.heldout;
  if (settings === undefined || heldout === undefined) throw new Error('the pipeline has no held-out evaluation');
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const run = (policy: string, out: string): Promise<EvalReport> =>
    evaluate({
      policy,
      data: resolve(options.root, heldout),
      turns: [settings.maxTurns],
      rollouts: settings.rollouts,
      temperature: settings.temperature,
      topP: settings.topP,
      maxNewTokens: pipeline.rollout.maxNewTokens,
      feedback: 'real',
      metrics: heldoutMetrics(settings.maxTurns),
      ...(settings.limit === undefined ? {} : { limit: settings.limit }),
      concurrency: pipeline.rollout.concurrency,
      seed: options.seed,
      out: join(options.runDir, out),
      json: false,
      backend: options.backend,
      workers: pipeline.exec.workers,
      root: options.root,
      stdout: discard,
      stderr: new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') options.log(line);
          done();
        },
      }),
    });
  let start: HeldoutComparison['start'] = null;
  if (options.startCheckpoint !== null) {
    const inRoot = relative(options.root, options.startCheckpoint);
    const label = `start (${inRoot === '' || inRoot.startsWith('..') ? options.startCheckpoint : inRoot})`;
    const key = await cacheKey(options.startCheckpoint, resolve(options.root, heldout), {
      settings,
      maxNewTokens: pipeline.rollout.maxNewTokens,
      concurrency: pipeline.rollout.concurrency,
      seed: options.seed,
    });
    const cached = key === null ? null : await readCached(options.startCheckpoint, key);
    if (cached !== null) {
      options.log(`[eval] start policy: reusing ${join(options.startCheckpoint, CACHE_FILE)} (same weights, problems and settings)`);
      start = { label, report: cached };
    } else {
      options.log(`[eval] held-out evaluation of the start policy (${options.startCheckpoint})`);
      const report = await run(options.startCheckpoint, 'eval-start');
      start = { label, report };
      if (key !== null && report.stoppedEarly !== true) {
        // Best effort: a read-only checkpoint folder only means the next run evaluates it again.
        await writeFile(join(options.startCheckpoint, CACHE_FILE), `${JSON.stringify({ key, report }, null, 2)}\n`).catch(() => undefined);
      }
    }
  }
  options.log(`[eval] held-out evaluation of the trained policy (${options.finalLabel})`);
  const final = { label: options.finalLabel, report: await run(options.finalCheckpoint, 'eval-final') };
  return { start, final };
}

/** The comparison as a plain-text table: one row per policy, value and 95% interval per metric. */
export function formatHeldoutComparison(comparison: HeldoutComparison): string {
  const reports = [comparison.start, comparison.final].filter((r): r is NonNullable<typeof r> => r !== null);
  // The settings line describes this run's evaluation: a cached start report names the data path
  // of the machine that made it.
  const first = comparison.final.report;
  const summary = first.turnLimits[0];
  const header = ['policy', ...(summary?.metrics.map((m) => m.name) ?? []), ...(summary?.solveRateByTurn.map((t) => `solved ≤ ${t.turn}`) ?? [])];
  const rows = reports.map(({ label, report }) => {
    const s = report.turnLimits[0];
    const cells = [
      ...(s?.metrics.map((m) => (m.value === null ? 'n/a' : cell(m.value, m.lower, m.upper))) ?? []),
      ...(s?.solveRateByTurn.map((t) => cell(t.value, t.lower, t.upper)) ?? []),
    ];
    return [label, ...cells];
  });
  const lines = [
    `held-out evaluation: ${first.problems} problems of ${first.data} × ${first.rollouts} rollout${first.rollouts === 1 ? '' : 's'}, up to ${summary?.turnLimit ?? '?'} turns, real feedback, temperature ${first.temperature}, top-p ${first.topP}, seed ${first.seed}`,
    ...table([header, ...rows]),
  ];
  if (comparison.start !== null) {
    const a = comparison.start.report.turnLimits[0]?.metrics[0];
    const b = comparison.final.report.turnLimits[0]?.metrics[0];
    if (a?.value != null && b?.value != null) {
      const paired = pairedDifference(comparison.start.report, comparison.final.report);
      const interval =
        paired === null
          ? ''
          : ` [paired 95% interval ${formatPoints(paired.lower)}, ${formatPoints(paired.upper)} over the ${paired.problems} problems both evaluations hold]`;
      lines.push(`${b.name}: ${formatPoints(b.value - a.value)} points over the start policy${interval}`);
    }
  }
  lines.push('(value [95% bootstrap interval over problems]; details in eval-start/ and eval-final/ of the run)');
  return `${lines.join('\n')}\n`;
}

/**
 * final − start of the first metric, per problem over the problems both reports name, with a
 * paired bootstrap interval ({@link pairedBootstrapCI}). Null when a report lacks per-problem
 * values (one written before they were recorded).
 */
export function pairedDifference(start: EvalReport, final: EvalReport): ReturnType<typeof pairedBootstrapCI> {
  const values = (report: EvalReport): Map<string, number> | null => {
    const summary = report.turnLimits[0];
    const perProblem = summary?.metrics[0]?.perProblem;
    const ids = summary?.problemIds;
    if (perProblem === undefined || ids === undefined || ids.length !== perProblem.length) return null;
    return new Map(ids.map((id, i) => [id, perProblem[i] ?? 0]));
  };
  const a = values(start);
  const b = values(final);
  return a === null || b === null ? null : pairedBootstrapCI(a, b, { seed: final.seed });
}

function cell(value: number, lower: number | null, upper: number | null): string {
  return lower === null || upper === null ? value.toFixed(3) : `${value.toFixed(3)} [${lower.toFixed(2)}, ${upper.toFixed(2)}]`;
}
