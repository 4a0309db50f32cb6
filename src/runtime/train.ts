/**
 * `rlef train`: builds every resource of a run from a pipeline config (backend, problems, pool,
 * policy, reference, critic, optimizers, trajectory log, reporter), runs the training loop, and
 * disposes of everything. Checkpoints every N iterations and on a graceful stop (q, SIGINT,
 * SIGTERM: the iterations already started finish, their rows are flushed, a checkpoint is saved);
 * `resume` continues from the newest checkpoint in a new trajectory segment.
 */
import { access, appendFile, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BehaviorSubject, Subject, concatMap, from, interval, map, type Observable } from 'rxjs';
import { memorySummary, selectBackend, type BackendPreference } from '../policy/backend.ts';
import { Critic } from '../policy/critic.ts';
import { AdamW } from '../policy/optimizer.ts';
import { chatTemplateFor } from '../policy/chat.ts';
import type { LlamaModel } from '../policy/model.ts';
import { createExecutionPool } from '../exec/pool.ts';
import { extractCode, initialPrompt } from '../exec/feedback.ts';
import { loadProblems } from '../problems/load.ts';
import { dropStatementWords, statementDropoutStream } from '../problems/drop-words.ts';
import { assembleSolution } from '../problems/solution.ts';
import type { PipelineConfig } from '../pipeline/pipeline-config.ts';
import { groupedOrder, problemOrder } from '../pipeline/problem-order.ts';
import { trainingLoop, type LoopEvent } from '../pipeline/training-loop.ts';
import type { Episode } from '../pipeline/episode.ts';
import type { JudgePort, LearnerPort, UpdateResult } from '../pipeline/ports.ts';
import { fromAbortable } from '../pipeline/from-abortable.ts';
import { RunStateTracker } from '../pipeline/run-state-tracker.ts';
import type { IterationMetrics, RunState } from '../pipeline/run-state.ts';
import { episodeRows } from '../pipeline/turn-rows.ts';
import { TrajectoryWriter } from '../store/trajectory-writer.ts';
import { createReporter, type ReporterMode } from '../ui/create-reporter.ts';
import { feedbackPolicy } from './feedback-policy.ts';
import { loadPolicy } from './load-policy.ts';
import { PolicyService } from './policy-service.ts';
import { LocalDecoder } from './turn-decoder.ts';
import { WorkerDecoder } from './worker-decoder.ts';
import { PpoLearner } from './ppo-learner.ts';
import { latestRunCheckpoint, restoreRunCheckpoint, snapshotRun, writeRunCheckpoint, type RunCheckpointState } from './run-checkpoints.ts';
import { UsageError } from './errors.ts';

export interface TrainOptions {
  readonly pipeline: PipelineConfig;
  /** Repository root: relative data and checkpoint paths resolve against it. */
  readonly root: string;
  readonly out?: string;
  readonly iterations?: number;
  readonly resume: boolean;
  readonly seed: number;
  readonly backend: BackendPreference;
  readonly reporter: ReporterMode;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Test hook: overrides of the pipeline's training sizes. */
  readonly overrides?: { readonly episodesPerIteration?: number; readonly checkpointEvery?: number; readonly concurrency?: number };
}

export interface TrainSummary {
  readonly runDir: string;
  readonly iterationsRun: number;
  readonly nextIteration: number;
  readonly history: readonly IterationMetrics[];
  readonly stoppedEarly: boolean;
  /** The folder the policy was loaded from, or null when the run began from a fresh model. */
  readonly startCheckpoint: string | null;
  /** The newest checkpoint of the run (null if none was written). */
  readonly finalCheckpoint: string | null;
  /** The run's seed (a resumed run keeps the one it started with). */
  readonly seed: number;
}

/** Runs (or resumes) a training run; resolves when it has ended and everything is released. */
export async function train(options: TrainOptions): Promise<TrainSummary> {
  const pipeline = options.pipeline;
  // Log lines go above the live UI's frame while it is up (a plain write would tear the frame).
  let logLine = (line: string): void => void options.stderr.write(`${line}\n`);
  const log = (line: string): void => logLine(line);
  const runDir = await chooseRunDir(options);
  await mkdir(runDir, { recursive: true });
  const iterations = options.iterations ?? pipeline.training.iterations;
  const perIteration = options.overrides?.episodesPerIteration ?? pipeline.training.episodesPerIteration;
  const checkpointEvery = options.overrides?.checkpointEvery ?? pipeline.training.checkpointEvery;
  const concurrency = options.overrides?.concurrency ?? pipeline.rollout.concurrency;
  const group = pipeline.training.rolloutsPerProblem ?? 1;
  checkGroups(pipeline, perIteration, group);
  checkSampling(pipeline);

  const backend = await selectBackend(options.backend, { log });
  const written = await loadProblems(resolve(options.root, pipeline.data.train));
  const dropout = pipeline.data.statementDropout ?? 0;
  log(`[data] ${written.length} training problems from ${pipeline.data.train}${dropout > 0 ? `, ${Math.round(dropout * 100)} % of each statement's words dropped` : ''}`);
  const pool = await createExecutionPool({ workers: pipeline.exec.workers });
  const disposables: { dispose(): void }[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    const loaded = await loadPolicy(pipeline.model, options.root);
    const policy = loaded.model;
    disposables.push(policy);
    log(`[policy] ${loaded.source}: ${parameterCount(policy).toLocaleString('en-US')} parameters, context ${policy.config.maxContext}`);
    const reference = policy.clone({ trainable: false });
    disposables.push(reference);
    const critic = new Critic(policy, { seed: options.seed });
    disposables.push(critic);
    const ppo = pipeline.training.ppo;
    const stepsPerIteration = (ppo.epochs ?? 1) * (ppo.minibatches ?? 4);
    const schedule = { warmupSteps: pipeline.training.warmupSteps, totalSteps: iterations * stepsPerIteration, decay: 'constant' as const };
    const common = { weightDecay: pipeline.training.weightDecay, maxGradNorm: pipeline.training.maxGradNorm, schedule };
    const policyOptimizer = new AdamW(policy.getWeights(), { lr: pipeline.training.lr, ...common });
    const criticOptimizer = new AdamW(critic.getWeights(), { lr: pipeline.training.criticLr, ...common });
    disposables.push(policyOptimizer, criticOptimizer);
    const parts = { policy, critic, policyOptimizer, criticOptimizer, tokenizer: loaded.tokenizer };

    let resumed: RunCheckpointState | null = null;
    if (options.resume) {
      const latest = await latestRunCheckpoint(runDir);
      if (latest !== null) {
        resumed = await restoreRunCheckpoint(latest, parts);
        log(`[run] resuming ${runDir} at iteration ${resumed.nextIteration} from ${basename(latest)}`);
      } else {
        log(`[run] ${runDir} has no checkpoint yet: starting from iteration 0`);
      }
    }
    if (resumed !== null) await keepMetricsBefore(join(runDir, 'metrics.jsonl'), resumed.nextIteration);
    const runId = resumed?.runId ?? basename(runDir);
    const seed = resumed?.seed ?? options.seed;
    // Thinned statements depend on the run's seed only, so a resumed run sees the same ones.
    const problems = dropout > 0 ? dropStatementWords(written, dropout, statementDropoutStream(seed)) : written;
    const startIteration = resumed?.nextIteration ?? 0;
    let version = resumed?.policyVersion ?? 0;
    await writeFile(
      join(runDir, 'run.json'),
      `${JSON.stringify({ runId, pipeline: pipeline.name, seed, backend: backend.backend, iterations, episodesPerIteration: perIteration, source: loaded.source }, null, 2)}\n`,
    );

    const lag = pipeline.training.maxPolicyLag;
    const template = chatTemplateFor(loaded.tokenizer);
    const sampling = {
      temperature: pipeline.rollout.temperature,
      ...(pipeline.rollout.retryTemperature === undefined ? {} : { retryTemperature: pipeline.rollout.retryTemperature }),
      topP: pipeline.rollout.topP,
      maxNewTokens: pipeline.rollout.maxNewTokens,
    };
    // With lag 0 generation never overlaps an update, so it can sample with the trained weights in
    // place; otherwise it needs its own copy, best in a worker thread (another core).
    const useWorker = pipeline.rollout.generationWorker ?? lag > 0;
    let decoder: LocalDecoder | WorkerDecoder;
    let behaviour: LlamaModel = policy;
    if (useWorker) {
      decoder = await WorkerDecoder.start(policy, loaded.tokenizer, sampling, { backend: options.backend, version });
      log('[policy] decoding in a worker thread with its own copy of the weights');
    } else {
      if (lag > 0) {
        behaviour = policy.clone({ trainable: false });
        disposables.push(behaviour);
      }
      decoder = new LocalDecoder(behaviour, template, sampling, version);
    }
    closers.push(() => decoder.close());
    const service = new PolicyService(decoder, { maxBatch: pipeline.rollout.maxGenerationBatch });
    const judge: JudgePort = { judge: (request) => fromAbortable((signal) => pool.judge(request, signal)) };
    const learner = new PpoLearner(
      { policy, reference, critic, policyOptimizer, criticOptimizer },
      { ...ppo, seed, recomputeOldLogp: lag > 0 },
      (v) => {
        version = v;
        if (decoder instanceof WorkerDecoder) decoder.setPolicy(policy, v);
        else {
          if (behaviour !== policy) behaviour.setWeights(policy.exportWeights());
          decoder.setPolicy(behaviour, v);
        }
      },
      version,
    );

    const writer = await TrajectoryWriter.openSegment(join(runDir, 'trajectories'));
    const tracker = new RunStateTracker(
      { id: runId, mode: 'train', pipeline: pipeline.name, backend: backend.backend, outDir: runDir, startedAt: Date.now() },
      { iterations, episodesPerIteration: perIteration, startIteration, maxTurns: pipeline.rollout.maxTurns, history: resumed?.history ?? [] },
    );
    const state$ = new BehaviorSubject<RunState>(tracker.current);
    const stop$ = new Subject<void>();
    const paused$ = new BehaviorSubject<boolean>(false);
    let stopping = false;
    const requestStop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      log(`[run] ${why}: finishing the iterations in flight, then saving a checkpoint`);
      state$.next(tracker.status('stopping', `${why}: finishing the iterations in flight`, Date.now()));
      paused$.next(false);
      stop$.next();
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log(`[run] second ${signal}: exiting now (the last checkpoint stays valid)`);
        process.exit(130);
      }
      requestStop(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const reporter = createReporter(state$, {
      mode: options.reporter,
      stdout: options.stdout,
      stderr: options.stderr,
      controls: {
        stop: () => requestStop('stop requested'),
        togglePause: () => {
          paused$.next(!paused$.value);
          state$.next(tracker.status(paused$.value ? 'paused' : 'running', paused$.value ? 'paused' : 'running', Date.now()));
        },
      },
    });

    logLine = (line) => reporter.log(line);
    // Every update writes its rows (one record batch) before the next iteration can start; metrics
    // lines and checkpoints follow in order on a queue, from snapshots taken at the update.
    let consumed = startIteration * perIteration;
    let lastSaved = startIteration;
    let persist: Promise<void> = Promise.resolve();
    const enqueue = (step: () => Promise<unknown>): void => {
      persist = persist.then(async () => {
        await step();
      });
    };
    const checkpointNow = (force: boolean): void => {
      const nextIteration = Math.floor(consumed / perIteration);
      if (nextIteration <= lastSaved) return;
      if (!force && nextIteration % checkpointEvery !== 0 && nextIteration < iterations) return;
      lastSaved = nextIteration;
      const snapshot = snapshotRun(parts, { runId, pipeline: pipeline.name, seed, nextIteration, policyVersion: version, history: tracker.current.history });
      enqueue(() => writeRunCheckpoint(runDir, snapshot));
    };
    const persisting: LearnerPort = {
      update: (batch: readonly Episode[]): Observable<UpdateResult> =>
        learner.update(batch).pipe(
          concatMap((result) =>
            from(
              (async () => {
                await writer.write(batch.flatMap((e, i) => episodeRows(e, result.turnStats[i], { runId, split: 'train', now: Date.now() })));
                consumed += batch.length;
                return result;
              })(),
            ),
          ),
        ),
    };

    const loop = trainingLoop(
      groupedOrder(problemOrder(problems, { seed }), group),
      { policy: service, judge, learner: persisting },
      {
        maxTurns: pipeline.rollout.maxTurns,
        initialPrompt: (p) => initialPrompt(p.description),
        extractCode: (text) => extractCode(text) ?? null,
        feedback: feedbackPolicy(pipeline.rollout.feedback, { judge, problems, seed }),
        program: assembleSolution,
      },
      { iterations, startIteration, episodesPerIteration: perIteration, concurrency, maxPolicyLag: lag, stop$, paused$ },
    );
    const metricsFile = join(runDir, 'metrics.jsonl');
    const sampler = interval(1000)
      .pipe(map(() => tracker.stages(stageStats(service, pool, tracker), Date.now())))
      .subscribe((s) => state$.next(s));
    state$.next(tracker.status('running', `training ${pipeline.name}`, Date.now()));
    const iterationsBefore = tracker.current.history.length;
    try {
      await new Promise<void>((done, fail) => {
        loop.subscribe({
          next: (event: LoopEvent) => {
            const { state, finished } = tracker.apply(event, Date.now());
            state$.next(state);
            if (finished.length > 0) enqueue(() => appendFile(metricsFile, finished.map((m) => `${JSON.stringify(m)}\n`).join('')));
            if (event.type === 'update') {
              checkpointNow(stopping);
              // Leak hunting: live tensors and bytes on this thread's backend after each update.
              if (process.env['RLEF_DEBUG'] !== undefined) {
                log(`[debug] after an update (policy version ${version}): ${memorySummary()}`);
              }
            }
          },
          error: fail,
          complete: done,
        });
      });
      checkpointNow(true);
      await persist;
      const nextIteration = Math.floor(consumed / perIteration);
      state$.next(tracker.status('done', stopping ? `stopped at iteration ${nextIteration}` : 'done', Date.now()));
      return {
        runDir,
        iterationsRun: tracker.current.history.length - iterationsBefore,
        nextIteration,
        history: tracker.current.history,
        stoppedEarly: stopping && nextIteration < iterations,
        startCheckpoint: loaded.source.startsWith('fresh') ? null : loaded.source,
        finalCheckpoint: await latestRunCheckpoint(runDir),
        seed,
      };
    } catch (error) {
      state$.next(tracker.status('failed', error instanceof Error ? error.message : String(error), Date.now()));
      throw error;
    } finally {
      sampler.unsubscribe();
      state$.complete();
      await reporter.waitUntilExit();
      logLine = (line) => void options.stderr.write(`${line}\n`);
      await writer.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } finally {
    for (const close of closers) await close();
    for (const d of disposables.reverse()) d.dispose();
    await pool.close();
  }
}

function stageStats(service: PolicyService, pool: { stats(): { running: number; queued: number; completed: number } }, tracker: RunStateTracker): RunState['stages'] {
  const state = tracker.current;
  const c = tracker.counters;
  const elapsed = Math.max(1, state.progress.elapsedMs);
  const p = pool.stats();
  return {
    generation: { tokensPerSec: (service.stats.tokens * 1000) / elapsed, busyMs: service.stats.busyMs, tokens: service.stats.tokens },
    execution: { runsPerSec: (p.completed * 1000) / elapsed, busyMs: c.execMs, running: p.running, queued: p.queued, sandboxErrors: c.sandboxErrors },
    training: { busyMs: c.trainMs, updates: state.history.length },
    queues: { generate: service.stats.queued, execute: p.queued, batcher: c.waitingForUpdate },
  };
}

function parameterCount(model: LlamaModel): number {
  let n = 0;
  for (const v of model.getWeights().values()) n += v.size;
  return n;
}

/** The run directory: `--out`, the newest run of the pipeline (resume), or a new timestamped one. */
async function chooseRunDir(options: TrainOptions): Promise<string> {
  const runs = resolve(options.root, 'runs');
  if (options.out !== undefined) {
    const dir = resolve(options.out);
    if (!options.resume && (await exists(join(dir, 'run.json')))) {
      throw new UsageError(`${dir} already holds a run: pass --resume to continue it, or choose another --out`);
    }
    return dir;
  }
  if (options.resume) {
    const names = (await readdir(runs).catch(() => [] as string[])).filter((n) => n.startsWith(`${options.pipeline.name}-`)).sort();
    const last = names.at(-1);
    if (last === undefined) throw new UsageError(`no run of ${options.pipeline.name} under ${runs} to resume; pass --out DIR`);
    return join(runs, last);
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return join(runs, `${options.pipeline.name}-${stamp}`);
}

/** Drops metric lines of iterations a resumed run trains again (written after the last checkpoint). */
async function keepMetricsBefore(file: string, nextIteration: number): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const kept = text
    .split('\n')
    .filter((line) => line.trim() !== '' && (JSON.parse(line) as { iteration: number }).iteration <= nextIteration);
  await writeFile(`${file}.tmp`, kept.map((line) => `${line}\n`).join(''));
  await rename(`${file}.tmp`, file);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Sampling temperatures must be numbers ≥ 0 (0 is greedy). */
export function checkSampling(pipeline: PipelineConfig): void {
  for (const [name, value] of [['temperature', pipeline.rollout.temperature], ['retryTemperature', pipeline.rollout.retryTemperature]] as const) {
    if (value !== undefined && !(value >= 0)) throw new UsageError(`pipeline ${pipeline.name}: rollout.${name} must be a number ≥ 0, got ${String(value)}`);
  }
}

/** Groups must tile the iteration, and a group baseline needs groups of at least two. */
export function checkGroups(pipeline: PipelineConfig, perIteration: number, group: number): void {
  if (!Number.isInteger(group) || group < 1) {
    throw new UsageError(`pipeline ${pipeline.name}: training.rolloutsPerProblem must be a positive integer, got ${group}`);
  }
  if (perIteration % group !== 0) {
    throw new UsageError(`pipeline ${pipeline.name}: training.rolloutsPerProblem (${group}) must divide the episodes per iteration (${perIteration})`);
  }
  const baseline = pipeline.training.ppo.rl?.baseline ?? 'critic';
  if (baseline !== 'critic' && group < 2) {
    throw new UsageError(`pipeline ${pipeline.name}: the ${baseline} baseline needs training.rolloutsPerProblem ≥ 2 (a group of one has no baseline)`);
  }
}
