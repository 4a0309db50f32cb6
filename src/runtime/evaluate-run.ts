/**
 * `rlef eval` as a function: builds the resources of an evaluation (execution pool, problems, the
 * policy — our checkpoint or a Hugging Face folder, an OpenAI-compatible server, or a scripted
 * harness check), plays `rollouts` RLEF episodes per problem for each turn limit, logs every
 * episode as trajectory rows (split `eval`, one segment per turn limit, with the environment's
 * rewards), and reports n@k, pass@k
 * and the solve rate by turn with bootstrap intervals (eval.json, a table, or `--json`).
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type Observable, Subject, lastValueFrom, map, tap, toArray } from 'rxjs';
import { selectBackend, type BackendPreference } from '../policy/backend.ts';
import { chatTemplateFor } from '../policy/chat.ts';
import { createExecutionPool } from '../exec/pool.ts';
import { extractCode, initialPrompt } from '../exec/feedback.ts';
import { loadProblems, type FormatOption } from '../problems/load.ts';
import { dropStatementWords, statementDropoutStream } from '../problems/drop-words.ts';
import type { Problem } from '../problems/problem.ts';
import { assembleSolution } from '../problems/solution.ts';
import type { Episode } from '../pipeline/episode.ts';
import { fromAbortable } from '../pipeline/from-abortable.ts';
import type { JudgePort, PolicyPort, TurnStats } from '../pipeline/ports.ts';
import type { RolloutOptions } from '../pipeline/rollout-episode.ts';
import { episodeRows } from '../pipeline/turn-rows.ts';
import { returnsToGo } from '../rl/returns-to-go.ts';
import { turnScore } from '../rl/turn-rewards.ts';
import { TrajectoryWriter } from '../store/trajectory-writer.ts';
import { evaluationEpisodes } from '../eval/evaluate.ts';
import { evalRollout, summarizeRollouts, type EvalRollout, type TurnLimitSummary } from '../eval/eval-summary.ts';
import { METRIC_DEFINITIONS, formatEvalReport, type EvalReport } from '../eval/eval-report.ts';
import type { MetricSpec } from '../eval/metric-spec.ts';
import { OpenAiChatPolicy } from '../eval/openai-client.ts';
import { SCRIPTED_MODES, scriptedPolicy, type ScriptedMode } from '../eval/scripted-policy.ts';
import { UsageError } from './errors.ts';
import { feedbackPolicy } from './feedback-policy.ts';
import { defaultCacheDir } from './judge-command.ts';
import { loadPolicy } from './load-policy.ts';
import { PolicyService } from './policy-service.ts';
import { LocalDecoder } from './turn-decoder.ts';

/** `real`, `random`, `none` (RLEF.md §4) or `private`: real feedback from the private tests (appendix B.2). */
export { EVAL_FEEDBACK, type EvalFeedback } from './eval-feedback.ts';
import type { EvalFeedback } from './eval-feedback.ts';

export interface EvaluateOptions {
  /** A checkpoint or Hugging Face folder, `openai:BASE_URL`, or `scripted:canonical` / `scripted:none`. */
  readonly policy: string;
  /** Model name sent to an OpenAI-compatible server (required there). */
  readonly model?: string;
  /** Environment variable holding the API key (default OPENAI_API_KEY; unset means no key). */
  readonly apiKeyEnv?: string;
  readonly data: string;
  readonly format?: FormatOption;
  /** Keep only problems whose `meta.split` is this. */
  readonly split?: string;
  /** Turn limits, each evaluated with its own rollouts. */
  readonly turns: readonly number[];
  readonly rollouts: number;
  readonly temperature: number;
  /** Temperature of turns after the first, local policies only (default `temperature`). */
  readonly retryTemperature?: number;
  /** Local policies: fit long dialogs by listing fewer failed tests first (`SamplingOptions.shortenFeedback`). */
  readonly shortenFeedback?: boolean;
  readonly topP: number;
  /** Token budget per response (default 512 for local models, the server's default for openai:). */
  readonly maxNewTokens?: number;
  readonly feedback: EvalFeedback;
  readonly metrics: readonly MetricSpec[];
  /**
   * Leave out this share of each statement's words, drawn as `rlef train` with the same seed
   * draws them for its `statementDropout` (before `limit`, after `split`).
   */
  readonly dropWords?: number;
  /** Only the first N problems of the file. */
  readonly limit?: number;
  /** Episodes in flight at once (also the most requests in flight to a server). */
  readonly concurrency: number;
  readonly seed: number;
  /** Output directory (default runs/eval-<timestamp> under root). */
  readonly out?: string;
  readonly json: boolean;
  readonly backend?: BackendPreference;
  readonly workers?: number;
  /** Cache of EvalPlus expected outputs; false for none. */
  readonly cacheDir?: string | false;
  /** Per-request timeout and retries for openai: policies. */
  readonly requestTimeoutMs?: number;
  readonly maxRetries?: number;
  /** Relative paths (checkpoints, default out) resolve against it. */
  readonly root: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Where the policy comes from, parsed from `--policy`. */
type PolicySpec =
  | { readonly kind: 'scripted'; readonly mode: ScriptedMode }
  | { readonly kind: 'openai'; readonly baseUrl: string }
  | { readonly kind: 'local'; readonly dir: string };

/**
 * The response budget of a local model when none is given: 512 tokens, or an eighth of the
 * model's context when that is less (at least 64). A budget is room the prompt cannot use: with a
 * small context (the demo model's 1024 byte tokens) a large one would force the context policy to
 * replace earlier turns by markers from turn 2 on, which the model never saw in training.
 */
export function localDefaultBudget(maxContext: number): number {
  return Math.min(512, Math.max(64, Math.floor(maxContext / 8)));
}

/** Parses `--policy`. */
export function parsePolicySpec(text: string): PolicySpec {
  if (text.startsWith('scripted:')) {
    const mode = text.slice('scripted:'.length);
    if (!SCRIPTED_MODES.includes(mode as ScriptedMode)) throw new UsageError(`--policy ${text}: scripted policies are ${SCRIPTED_MODES.map((m) => `scripted:${m}`).join(', ')}`);
    return { kind: 'scripted', mode: mode as ScriptedMode };
  }
  if (text.startsWith('openai:')) {
    const baseUrl = text.slice('openai:'.length);
    if (!/^https?:\/\/[^/]/.test(baseUrl)) throw new UsageError(`--policy ${text}: expected openai:http(s)://HOST[:PORT]/v1`);
    return { kind: 'openai', baseUrl };
  }
  return { kind: 'local', dir: text };
}

/** Runs the evaluation; resolves with the report once everything is written and released. */
export async function evaluate(options: EvaluateOptions): Promise<EvalReport> {
  const started = Date.now();
  const log = (line: string): void => void options.stderr.write(`${line}\n`);
  const spec = parsePolicySpec(options.policy);
  validate(options, spec);
  const outDir = await chooseOutDir(options);
  await mkdir(outDir, { recursive: true });
  const pool = await createExecutionPool(options.workers === undefined ? {} : { workers: options.workers });
  const disposables: { dispose(): void }[] = [];
  try {
    const problems = await selectProblems(options, pool);
    log(`[eval] ${problems.length} problems from ${options.data}`);
    const judge: JudgePort = { judge: (request) => fromAbortable((signal) => pool.judge(request, signal)) };
    const made = await makePolicy(spec, options, log);
    if (made.dispose !== undefined) disposables.push({ dispose: made.dispose });
    const runId = basename(outDir);
    await writeFile(join(outDir, 'run.json'), `${JSON.stringify({ runId, kind: 'eval', ...configOf(options) }, null, 2)}\n`);
    const summaries: TurnLimitSummary[] = [];
    const stop$ = new Subject<void>();
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log(`[eval] second ${signal}: exiting now (rows already written stay readable)`);
        process.exit(130);
      }
      stopping = true;
      log(`[eval] ${signal}: finishing the episodes in flight, then reporting what was collected (${signal} again exits now)`);
      stop$.next();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      for (const turnLimit of options.turns) {
        if (stopping) break;
        const played = await playTurnLimit(turnLimit, problems, { judge, policyFor: made.policyFor }, { ...options, stop$ }, outDir, `${runId}:t${turnLimit}`, log);
        const summary = summarizePlayed(played, problems, turnLimit, options);
        if (summary === undefined) continue;
        if (summary.sandboxErrors > 0) log(`[eval] warning: ${summary.sandboxErrors} episodes hit sandbox errors (counted as not solved); see the pool's log above`);
        summaries.push(summary);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const usage = made.usage?.();
    const report: EvalReport = {
      ...configOf(options),
      ...(made.maxNewTokens === undefined ? {} : { maxNewTokens: made.maxNewTokens }),
      problems: problems.length,
      outDir,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      definitions: METRIC_DEFINITIONS,
      turnLimits: summaries,
      ...(stopping ? { stoppedEarly: true } : {}),
      ...(usage === undefined ? {} : { usage }),
    };
    await writeFile(join(outDir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
    options.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatEvalReport(report));
    return report;
  } finally {
    for (const d of disposables.reverse()) d.dispose();
    await pool.close();
  }
}

/**
 * The summary of one turn limit. Rollouts are taken in start order, so estimates do not depend on
 * which episode finished first; after a stop, problems without a finished rollout are left out
 * (undefined when none has one).
 */
function summarizePlayed(played: PlayedRollout[], problems: readonly Problem[], turnLimit: number, options: EvaluateOptions): TurnLimitSummary | undefined {
  const byProblem = new Map<string, EvalRollout[]>(problems.map((p) => [p.id, []]));
  for (const e of played.sort((a, b) => a.cursor - b.cursor)) byProblem.get(e.problemId)?.push(e.rollout);
  const kept = [...byProblem.entries()].filter(([, rollouts]) => rollouts.length > 0);
  if (kept.length === 0) return undefined;
  const summary = summarizeRollouts(
    kept.map(([, rollouts]) => rollouts),
    options.metrics,
    turnLimit,
    { seed: options.seed },
  );
  return { ...summary, problemIds: kept.map(([id]) => id) };
}

/** A finished episode as the estimators keep it, with its place in the start order. */
interface PlayedRollout {
  readonly cursor: number;
  readonly problemId: string;
  readonly rollout: EvalRollout;
}

/** Plays one turn limit; writes its rows to a new trajectory segment as episodes finish. */
async function playTurnLimit(
  turnLimit: number,
  problems: readonly Problem[],
  ports: { readonly judge: JudgePort; readonly policyFor: (problem: Problem) => PolicyPort },
  options: EvaluateOptions & { readonly stop$: Observable<void> },
  outDir: string,
  runId: string,
  log: (line: string) => void,
): Promise<PlayedRollout[]> {
  const writer = await TrajectoryWriter.openSegment(join(outDir, 'trajectories'));
  const total = problems.length * options.rollouts;
  const progress = progressReporter(options.stderr, `turn limit ${turnLimit}`, total);
  const pending: Episode[] = [];
  // Rows go out in batches of episodes: one fsync per episode would dominate a fast run.
  const flush = async (): Promise<void> => {
    const batch = pending.splice(0, pending.length);
    await writer.write(batch.flatMap((e) => episodeRows(e, environmentRewards(e), { runId, split: 'eval', now: Date.now() })));
  };
  let writing: Promise<void> = Promise.resolve();
  let solved = 0;
  let done = 0;
  const common = {
    maxTurns: turnLimit,
    initialPrompt: (p: Problem) => initialPrompt(p.description),
    extractCode: (text: string) => extractCode(text) ?? null,
    program: assembleSolution,
    ...(options.feedback === 'private' ? { feedbackTests: 'private' as const } : {}),
  };
  const shared = options.feedback === 'random' ? undefined : feedbackPolicy(options.feedback === 'private' ? 'real' : options.feedback, { judge: ports.judge, problems, seed: options.seed });
  try {
    const episodes = await lastValueFrom(
      evaluationEpisodes(
        { problems, rollouts: options.rollouts, turnLimit, concurrency: options.concurrency, seed: options.seed, stop$: options.stop$ },
        ports,
        (start): RolloutOptions => ({
          ...common,
          // Random feedback is drawn per rollout, so the rollouts of a problem see different donors.
          feedback: shared ?? feedbackPolicy('random', { judge: ports.judge, problems, seed: `${options.seed}:${start.id}` }),
        }),
      ).pipe(
        tap((episode) => {
          done++;
          if (episode.solved) solved++;
          progress(done, solved);
          pending.push(episode);
          if (pending.length >= 64) writing = writing.then(flush);
        }),
        map((e): PlayedRollout => ({ cursor: e.draw.cursor, problemId: e.draw.problem.id, rollout: evalRollout(e) })),
        toArray(),
      ),
    );
    await writing;
    await flush();
    progress(done, solved, true);
    log(`[eval] turn limit ${turnLimit}: ${solved}/${episodes.length} episodes solved; rows in ${writer.path}`);
    return episodes;
  } finally {
    // On a fatal fault the episodes already finished are still logged.
    await writing.catch(() => undefined);
    if (pending.length > 0) await flush().catch(() => undefined);
    await writer.close();
  }
}

/**
 * The environment's rewards r_t of an episode (RLEF.md §2, without the KL term: evaluation runs
 * no reference model) and their returns-to-go, so `rlef stats` shows rewards for evaluations too.
 */
function environmentRewards(episode: Episode): TurnStats[] {
  const n = episode.turns.length;
  const scores = episode.turns.map((turn, t) => turnScore(t === n - 1, episode.solved, turn.code !== null));
  const returns = returnsToGo(scores);
  return scores.map((reward, t) => ({ reward, kl: 0, value: 0, return: returns[t]!, advantage: 0, refLogprobs: null }));
}

interface MadePolicy {
  readonly policyFor: (problem: Problem) => PolicyPort;
  readonly usage?: () => EvalReport['usage'];
  readonly dispose?: () => void;
  /** The response budget a local model decodes with (reported in eval.json). */
  readonly maxNewTokens?: number;
}

async function makePolicy(spec: PolicySpec, options: EvaluateOptions, log: (line: string) => void): Promise<MadePolicy> {
  switch (spec.kind) {
    case 'scripted':
      log(`[policy] scripted:${spec.mode} (harness check: answers ${spec.mode === 'canonical' ? 'each problem\'s reference solution' : 'a program that does nothing'})`);
      return { policyFor: (problem) => scriptedPolicy(spec.mode, problem) };
    case 'openai': {
      const keyName = options.apiKeyEnv ?? 'OPENAI_API_KEY';
      const apiKey = process.env[keyName];
      const client = new OpenAiChatPolicy({
        baseUrl: spec.baseUrl,
        model: options.model!,
        ...(apiKey === undefined ? {} : { apiKey }),
        temperature: options.temperature,
        topP: options.topP,
        ...(options.maxNewTokens === undefined ? {} : { maxTokens: options.maxNewTokens }),
        maxConcurrency: options.concurrency,
        ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
        ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
        onRetry: (event) => log(`[policy] retry ${event.attempt} in ${Math.round(event.delayMs)} ms (${event.reason})`),
      });
      log(`[policy] ${spec.baseUrl}/chat/completions, model ${options.model}${apiKey === undefined ? ` (no ${keyName} set: no API key sent)` : ''}`);
      return { policyFor: () => client, usage: () => ({ ...client.usage }) };
    }
    case 'local': {
      await selectBackend(options.backend ?? 'auto', { log });
      const loaded = await loadPolicy({ checkpoint: spec.dir }, options.root);
      const maxNewTokens = options.maxNewTokens ?? localDefaultBudget(loaded.model.config.maxContext);
      log(`[policy] ${loaded.source}, context ${loaded.model.config.maxContext}, up to ${maxNewTokens} new tokens per response`);
      const decoder = new LocalDecoder(loaded.model, chatTemplateFor(loaded.tokenizer), {
        temperature: options.temperature,
        ...(options.retryTemperature === undefined ? {} : { retryTemperature: options.retryTemperature }),
        ...(options.shortenFeedback === true ? { shortenFeedback: true } : {}),
        topP: options.topP,
        maxNewTokens,
      });
      const service = new PolicyService(decoder, { maxBatch: options.concurrency });
      return { policyFor: () => service, dispose: () => loaded.model.dispose(), maxNewTokens };
    }
  }
}

function validate(options: EvaluateOptions, spec: PolicySpec): void {
  if (options.turns.length === 0) throw new UsageError('--turns: give at least one turn limit');
  if (spec.kind === 'openai' && (options.model === undefined || options.model === '')) {
    throw new UsageError('--policy openai:… needs --model NAME (the model name the server serves)');
  }
  if (!(options.temperature >= 0)) throw new UsageError('--temperature must be ≥ 0');
  if (options.retryTemperature !== undefined) {
    if (!(options.retryTemperature >= 0)) throw new UsageError('--retry-temperature must be ≥ 0');
    if (spec.kind !== 'local') throw new UsageError('--retry-temperature applies to a local policy (a checkpoint folder) only');
  }
  if (options.shortenFeedback === true && spec.kind !== 'local') throw new UsageError('--shorten-feedback applies to a local policy (a checkpoint folder) only');
  if (!(options.topP > 0 && options.topP <= 1)) throw new UsageError('--top-p must lie in (0, 1]');
  if (options.dropWords !== undefined && !(options.dropWords >= 0 && options.dropWords < 1)) throw new UsageError('--drop-words must lie in [0, 1)');
}

async function selectProblems(options: EvaluateOptions, pool: Awaited<ReturnType<typeof createExecutionPool>>): Promise<Problem[]> {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  let problems = await loadProblems(options.data, {
    format: options.format ?? 'auto',
    pool,
    ...(cacheDir === false ? {} : { cacheDir }),
  });
  if (options.split !== undefined) {
    const all = problems;
    problems = all.filter((p) => p.meta?.['split'] === options.split);
    if (problems.length === 0) {
      const splits = [...new Set(all.map((p) => p.meta?.['split']).filter((s) => s !== undefined))].map(String);
      throw new UsageError(`--split ${options.split}: no problem of ${options.data} has it (splits there: ${splits.join(', ') || 'none'})`);
    }
  }
  if (options.dropWords !== undefined && options.dropWords > 0) {
    problems = dropStatementWords(problems, options.dropWords, statementDropoutStream(options.seed));
  }
  if (options.limit !== undefined) problems = problems.slice(0, options.limit);
  return problems;
}

/** The settings recorded in run.json and eval.json. */
function configOf(options: EvaluateOptions): Omit<EvalReport, 'problems' | 'outDir' | 'startedAt' | 'wallMs' | 'definitions' | 'turnLimits' | 'usage'> {
  return {
    policy: options.policy,
    ...(options.model === undefined ? {} : { model: options.model }),
    data: options.data,
    format: options.format ?? 'auto',
    ...(options.split === undefined ? {} : { split: options.split }),
    ...(options.dropWords === undefined || options.dropWords === 0 ? {} : { dropWords: options.dropWords }),
    rollouts: options.rollouts,
    feedback: options.feedback,
    temperature: options.temperature,
    ...(options.retryTemperature === undefined ? {} : { retryTemperature: options.retryTemperature }),
    ...(options.shortenFeedback === true ? { shortenFeedback: true as const } : {}),
    topP: options.topP,
    ...(options.maxNewTokens === undefined ? {} : { maxNewTokens: options.maxNewTokens }),
    seed: options.seed,
  };
}

/** A `\r` progress line on a terminal; on a pipe, a line every tenth of the way. */
function progressReporter(stderr: EvaluateOptions['stderr'], label: string, total: number): (done: number, solved: number, last?: boolean) => void {
  let shownTenth = 0;
  return (done, solved, last = false) => {
    const text = `[eval] ${label}: ${done}/${total} episodes, ${solved} solved`;
    if (stderr.isTTY === true) {
      stderr.write(last ? '\r\x1b[2K' : `\r\x1b[2K${text}`);
      return;
    }
    const tenth = Math.floor((done * 10) / total);
    if (!last && tenth > shownTenth && done < total) {
      shownTenth = tenth;
      stderr.write(`${text}\n`);
    }
  };
}

async function chooseOutDir(options: EvaluateOptions): Promise<string> {
  if (options.out === undefined) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    return join(resolve(options.root, 'runs'), `eval-${stamp}`);
  }
  const dir = resolve(options.out);
  const taken = await access(join(dir, 'run.json')).then(() => true, () => false);
  if (taken) throw new UsageError(`${dir} already holds a run (run.json): choose another --out`);
  return dir;
}
