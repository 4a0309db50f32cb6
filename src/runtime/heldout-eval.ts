/**
 * The evaluations that end a training run (a pipeline's `evaluation` block): the policy the run
 * started from and the policy it ended with, played with the same settings and seed on the
 * held-out problems (`eval-start/`, `eval-final/`) and, where the block asks for a training
 * sample, on the run's own training statements thinned as the run saw them (`eval-train-start/`,
 * `eval-train-final/`); one table compares each pair. Each evaluation is an ordinary `rlef eval`
 * run (eval.json, trajectories/) in the run directory.
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
  /** Which problems (default `heldout`); `training` ones carry the share of words dropped. */
  readonly on?: { readonly kind: 'heldout' } | { readonly kind: 'training'; readonly dropWords: number };
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
 * The start policy's evaluation is kept beside its weights (`heldout-eval.json`, and
 * `train-eval.json` for the training sample), keyed by the weights' digest, the problem file's
 * digest and every setting of the evaluation: a run from the same checkpoint with the same
 * settings reuses it instead of playing the same episodes again.
 */
const CACHE_FILE = 'heldout-eval.json';
const TRAIN_CACHE_FILE = 'train-eval.json';

/** What one comparison plays: which problems, how thinned, where it writes and caches. */
interface Target {
  readonly on: NonNullable<HeldoutComparison['on']>;
  readonly data: string;
  readonly limit?: number;
  readonly cacheFile: string;
  readonly dirs: { readonly start: string; readonly final: string };
  /** How the log names it. */
  readonly name: string;
}

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

async function readCached(checkpoint: string, file: string, key: string): Promise<EvalReport | null> {
  try {
    const cached = JSON.parse(await readFile(join(checkpoint, file), 'utf8')) as { key?: string; report?: EvalReport };
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
  const heldout = pipeline.data.heldout;
  if (pipeline.evaluation === undefined || heldout === undefined) throw new Error('the pipeline has no held-out evaluation');
  return compare(options, {
    on: { kind: 'heldout' },
    data: heldout,
    ...(pipeline.evaluation.limit === undefined ? {} : { limit: pipeline.evaluation.limit }),
    cacheFile: CACHE_FILE,
    dirs: { start: 'eval-start', final: 'eval-final' },
    name: 'held-out',
  });
}

/**
 * Evaluates the start and final policies on the first `evaluation.trainingSample` training
 * problems, statements thinned as the run thinned them; null when the pipeline asks for none.
 */
export async function evaluateTrainingSample(options: HeldoutOptions): Promise<HeldoutComparison | null> {
  const { pipeline } = options;
  const sample = pipeline.evaluation?.trainingSample;
  if (sample === undefined || sample === 0) return null;
  return compare(options, {
    on: { kind: 'training', dropWords: pipeline.data.statementDropout ?? 0 },
    data: pipeline.data.train,
    limit: sample,
    cacheFile: TRAIN_CACHE_FILE,
    dirs: { start: 'eval-train-start', final: 'eval-train-final' },
    name: 'training-sample',
  });
}

async function compare(options: HeldoutOptions, target: Target): Promise<HeldoutComparison> {
  const { pipeline } = options;
  const settings = pipeline.evaluation;
  if (settings === undefined) throw new Error('the pipeline has no evaluation block');
  const dropWords = target.on.kind === 'training' ? target.on.dropWords : 0;
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const run = (policy: string, out: string): Promise<EvalReport> =>
    evaluate({
      policy,
      data: resolve(options.root, target.data),
      turns: [settings.maxTurns],
      rollouts: settings.rollouts,
      temperature: settings.temperature,
      topP: settings.topP,
      maxNewTokens: pipeline.rollout.maxNewTokens,
      feedback: 'real',
      metrics: heldoutMetrics(settings.maxTurns),
      ...(target.limit === undefined ? {} : { limit: target.limit }),
      ...(dropWords === 0 ? {} : { dropWords }),
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
    // Only what the evaluation plays goes into the key: the training sample's size is not part of
    // the held-out one (caches written before it existed stay valid), and for the training sample
    // its size and thinning take the place of the held-out limit.
    const { trainingSample: _sample, ...played } = settings;
    const keySettings = target.on.kind === 'heldout' ? played : { ...played, limit: target.limit, dropWords };
    const key = await cacheKey(options.startCheckpoint, resolve(options.root, target.data), {
      settings: keySettings,
      maxNewTokens: pipeline.rollout.maxNewTokens,
      concurrency: pipeline.rollout.concurrency,
      seed: options.seed,
    });
    const cached = key === null ? null : await readCached(options.startCheckpoint, target.cacheFile, key);
    if (cached !== null) {
      options.log(`[eval] start policy: reusing ${join(options.startCheckpoint, target.cacheFile)} (same weights, problems and settings)`);
      start = { label, report: cached };
    } else {
      options.log(`[eval] ${target.name} evaluation of the start policy (${options.startCheckpoint})`);
      const report = await run(options.startCheckpoint, target.dirs.start);
      start = { label, report };
      if (key !== null && report.stoppedEarly !== true) {
        // Best effort: a read-only checkpoint folder only means the next run evaluates it again.
        await writeFile(join(options.startCheckpoint, target.cacheFile), `${JSON.stringify({ key, report }, null, 2)}\n`).catch(() => undefined);
      }
    }
  }
  options.log(`[eval] ${target.name} evaluation of the trained policy (${options.finalLabel})`);
  const final = { label: options.finalLabel, report: await run(options.finalCheckpoint, target.dirs.final) };
  return { start, final, on: target.on };
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
  const on = comparison.on ?? { kind: 'heldout' };
  const what = on.kind === 'heldout' ? 'held-out evaluation:' : 'training-sample evaluation: the first';
  const thinned = on.kind === 'training' && on.dropWords > 0 ? `; ${Math.round(on.dropWords * 100)} % of each statement's words dropped, as the run dropped them` : '';
  const lines = [
    `${what} ${first.problems} problems of ${first.data} × ${first.rollouts} rollout${first.rollouts === 1 ? '' : 's'}, up to ${summary?.turnLimit ?? '?'} turns, real feedback, temperature ${first.temperature}, top-p ${first.topP}, seed ${first.seed}${thinned}`,
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
  const dirs = on.kind === 'heldout' ? 'eval-start/ and eval-final/' : 'eval-train-start/ and eval-train-final/';
  lines.push(`(value [95% bootstrap interval over problems]; details in ${dirs} of the run)`);
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
