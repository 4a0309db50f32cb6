/**
 * `runSft`: the supervised warm start end to end — build the dialogs (executing buggy variants in
 * the sandbox pool for real feedback), train a fresh policy, save checkpoints, and close with a
 * greedy turn-1 check on held-out problems. Progress goes out as plain lines.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createExecutionPool } from '../exec/pool.ts';
import type { ExecutionPool } from '../exec/types.ts';
import { loadProblems } from '../problems/load.ts';
import type { Problem } from '../problems/problem.ts';
import { selectBackend, type BackendPreference } from '../policy/backend.ts';
import { chatTemplateFor, type ChatTemplate } from '../policy/chat.ts';
import { loadCheckpoint, saveCheckpoint, type JsonValue } from '../policy/checkpoint.ts';
import { LlamaModel } from '../policy/model.ts';
import { loadHfFolder } from '../policy/hf-folder.ts';
import { configFromHf, weightsFromHf } from '../policy/hf-llama.ts';
import { AdamW } from '../policy/optimizer.ts';
import { ByteTokenizer } from '../policy/tokenizer-byte.ts';
import type { SftPipelineConfig } from './sft-config.ts';
import { buildSftExamples, FeedbackCache, renderSftExample, type SftSequence } from './sft-data.ts';
import { UsageError } from './errors.ts';
import { evaluateTurnOne, type TurnOneSummary } from './sft-eval.ts';
import { SftBatcher, sftStep } from './sft.ts';
import { readSelfRepairs, selfRepairExamples } from './self-repairs.ts';

/** The greedy held-out answers written beside the checkpoint, one JSON object a line. */
export const EVALUATION_FILE = 'heldout-turn1.jsonl';

/** Options for {@link runSft}. */
export interface RunSftOptions {
  readonly pipeline: SftPipelineConfig;
  /** Resolves the pipeline's relative paths. */
  readonly root: string;
  readonly out?: string;
  readonly steps?: number;
  readonly seed?: number;
  readonly backend?: BackendPreference;
  /** Continue from the checkpoint in `out` when it holds SFT state and optimizer. */
  readonly resume?: boolean;
  /** Write the rendered training sequences to this folder and stop (for an external trainer). */
  readonly exportTo?: string;
  readonly log: (line: string) => void;
}

/** What a run did. */
export interface SftSummary {
  readonly out: string;
  readonly steps: number;
  readonly examples: { readonly solve: number; readonly repair: number; readonly confusion: number; readonly selfRepair: number; readonly skipped: number; readonly tooLong: number };
  readonly finalLoss: number;
  readonly wallMs: number;
  readonly tokensPerSecond: number;
  readonly evaluation?: TurnOneSummary;
}

/** Trains the warm start described by `options.pipeline`; resolves when everything is released. */
export async function runSft(options: RunSftOptions): Promise<SftSummary> {
  const { pipeline, log } = options;
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(options.root, p));
  const out = path(options.out ?? pipeline.out);
  const seed = options.seed ?? pipeline.seed;
  const steps = options.steps ?? pipeline.training.steps;
  const t = pipeline.training;
  const started = performance.now();

  const budget = pipeline.fitToGeneration;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1 && budget < pipeline.model.maxContext)) {
    throw new UsageError(`pipeline ${pipeline.name}: fitToGeneration must be a whole number of tokens in [1, ${pipeline.model.maxContext}), got ${budget}`);
  }
  if (pipeline.shortenFeedback === true && budget === undefined) {
    throw new UsageError(`pipeline ${pipeline.name}: shortenFeedback shapes the fit of fitToGeneration, which is not set`);
  }
  const backend = await selectBackend(options.backend ?? 'auto', { log });
  const problems = await loadTrainProblems(pipeline, path);
  log(`[sft] ${problems.length} training problems from ${trainFiles(pipeline).join(', ')}`);
  // Fine-tuning starts from a checkpoint's weights (a resumed run from its own checkpoint instead).
  const initial = pipeline.init === undefined || options.resume === true ? undefined : path(pipeline.init);
  const start = initial === undefined ? undefined : await loadCheckpoint(initial);
  if (initial !== undefined && start !== undefined) checkShape(initial, start.config as unknown as Record<string, unknown>, pipeline.model);
  const pool = await createExecutionPool({ workers: pipeline.exec.workers });
  const tokenizer = new ByteTokenizer();
  const model = new LlamaModel(pipeline.model, { seed });
  if (start !== undefined) {
    model.setWeights(start.weights);
    log(`[sft] starting from the weights of ${initial}`);
  }
  const optimizer = new AdamW(model.getWeights(), {
    lr: t.lr,
    weightDecay: t.weightDecay,
    maxGradNorm: t.maxGradNorm,
    schedule: { warmupSteps: t.warmupSteps, totalSteps: steps, decay: 'cosine', minRatio: t.minLrRatio },
  });
  try {
    const cacheFile = pipeline.feedbackCache === undefined ? undefined : path(pipeline.feedbackCache);
    if (cacheFile !== undefined) await mkdir(dirname(cacheFile), { recursive: true });
    const cache = await FeedbackCache.open(cacheFile);
    let lastShown = 0;
    const selfRepairs = pipeline.data.selfRepairs === undefined ? undefined : selfRepairExamples(problems, await readSelfRepairs(path(pipeline.data.selfRepairs)));
    if (selfRepairs !== undefined) {
      log(`[sft] ${selfRepairs.examples.length} self-repairs from ${pipeline.data.selfRepairs}${selfRepairs.skipped > 0 ? ` (${selfRepairs.skipped} of problems not in the training files left out)` : ''}`);
    }
    const data = await buildSftExamples(problems, {
      pool, seed, cache, repairShare: pipeline.repairShare, concurrency: 2 * pipeline.exec.workers,
      ...(pipeline.augment === undefined ? {} : { augment: pipeline.augment }),
      ...(pipeline.confusions === undefined ? {} : { confusions: pipeline.confusions }),
      ...(selfRepairs === undefined ? {} : { extra: selfRepairs.examples }),
      onProgress: (done, total) => {
        if (done - lastShown >= 250 || done === total) {
          lastShown = done;
          log(`[sft] repair traces: ${done}/${total} (feedback cache ${cache.size})`);
        }
      },
    });
    const template = chatTemplateFor(tokenizer);
    const fit = budget === undefined ? undefined : { generationBudget: budget, shortenFeedback: pipeline.shortenFeedback ?? false };
    const sequences: SftSequence[] = [];
    let tooLong = 0;
    for (const example of data.examples) {
      const seq = renderSftExample(template, example, pipeline.model.maxContext, fit);
      if (seq === undefined) tooLong++;
      else sequences.push(seq);
    }
    const count = (kind: string): number => sequences.filter((s) => s.kind === kind).length;
    const examples = { solve: count('solve'), repair: count('repair'), confusion: count('confusion'), selfRepair: count('self-repair'), skipped: data.skipped, tooLong };
    const meanLength = sequences.reduce((n, s) => n + s.ids.length, 0) / Math.max(1, sequences.length);
    log(`[sft] ${examples.solve} solve + ${examples.repair} repair + ${examples.confusion} confusion + ${examples.selfRepair} self-repair dialogs (${examples.skipped} buggy variants skipped, ${tooLong} too long), mean ${meanLength.toFixed(0)} ids`);

    if (options.exportTo !== undefined) {
      const dir = path(options.exportTo);
      await exportSequences(dir, sequences, { pipeline: pipeline.name, seed, model: pipeline.model, examples });
      log(`[sft] wrote ${sequences.length} sequences to ${dir} (ids.i32, mask.u8, index.json); nothing trained`);
      return { out: dir, steps: 0, examples, finalLoss: NaN, wallMs: performance.now() - started, tokensPerSecond: 0 };
    }
    const batcher = new SftBatcher(sequences, { batchTokens: t.batchTokens, seed });
    let step = 0;
    if (options.resume === true) step = await restore(out, model, optimizer, seed, steps, log);
    batcher.skip(step);

    // Periodic checkpoints keep the optimizer (when asked) so an interrupted run resumes; the
    // finished one is the deliverable, and its weights alone are what `rlef train` starts from.
    const save = async (withOptimizer: boolean): Promise<void> => {
      const state: JsonValue = { kind: 'sft', pipeline: pipeline.name, step, seed, steps, backend: backend.backend };
      const exported = optimizer.exportState();
      await saveCheckpoint(out, {
        weights: model.exportWeights(),
        config: pipeline.model as unknown as JsonValue,
        tokenizer,
        ...(withOptimizer ? { optimizer: { tensors: exported.tensors, state: { step: exported.step } } } : {}),
        state,
      }, { overwrite: true });
    };
    const trainStart = performance.now();
    let tokens = 0;
    let window = { loss: 0, steps: 0 };
    let finalLoss = NaN;
    const firstStep = step;
    while (step < steps) {
      const result = sftStep(model, optimizer, batcher.next(), t.microTokens);
      step++;
      tokens += result.tokens;
      window = { loss: window.loss + result.loss, steps: window.steps + 1 };
      finalLoss = result.loss;
      if (step % t.logEvery === 0 || step === steps) {
        const elapsed = (performance.now() - trainStart) / 1000;
        const rate = tokens / Math.max(1e-9, elapsed);
        const eta = ((steps - step) * elapsed) / Math.max(1, step - firstStep);
        log(
          `[sft] step ${step}/${steps} loss ${(window.loss / window.steps).toFixed(4)} lr ${result.lr.toExponential(2)} ` +
            `grad ${result.gradNorm.toFixed(2)} epoch ${batcher.epochs.toFixed(2)} tok/s ${rate.toFixed(0)} ` +
            `elapsed ${clock(elapsed)} eta ${clock(eta)}`,
        );
        window = { loss: 0, steps: 0 };
      }
      if (step % t.checkpointEvery === 0 && step < steps) await save(t.saveOptimizer);
    }
    await save(false);
    const trainSeconds = (performance.now() - trainStart) / 1000;
    log(`[sft] checkpoint ${out} (step ${step})`);

    const evaluation = await heldoutCheck(model, template, pipeline, path, pool, out, log);
    return {
      out, steps: step, examples, finalLoss,
      wallMs: performance.now() - started,
      tokensPerSecond: tokens / Math.max(1e-9, trainSeconds),
      ...(evaluation === undefined ? {} : { evaluation }),
    };
  } finally {
    optimizer.dispose();
    model.dispose();
    await pool.close();
  }
}

/**
 * The rendered sequences for a trainer outside Node (`pipelines/gpu/sft_torch.py`): `ids.i32`
 * (every sequence's ids, little-endian int32, back to back), `mask.u8` (the trained-token flags,
 * aligned with the ids) and `index.json` (lengths, problem ids, kinds, the model shape).
 */
export async function exportSequences(dir: string, sequences: readonly SftSequence[], meta: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const total = sequences.reduce((n, s) => n + s.ids.length, 0);
  const ids = new Int32Array(total);
  const mask = new Uint8Array(total);
  let at = 0;
  for (const s of sequences) {
    ids.set(s.ids, at);
    mask.set(s.trainMask, at);
    at += s.ids.length;
  }
  await writeFile(join(dir, 'ids.i32'), new Uint8Array(ids.buffer));
  await writeFile(join(dir, 'mask.u8'), mask);
  const index = {
    ...meta,
    count: sequences.length,
    tokens: total,
    lengths: sequences.map((s) => s.ids.length),
    problemIds: sequences.map((s) => s.problemId),
    kinds: sequences.map((s) => s.kind),
  };
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(index)}\n`);
}

async function restore(
  out: string, model: LlamaModel, optimizer: AdamW, seed: number, steps: number, log: (line: string) => void,
): Promise<number> {
  const checkpoint = await loadCheckpoint(out).catch(() => undefined);
  const state = checkpoint?.state as { kind?: string; step?: number; seed?: number } | undefined;
  if (checkpoint === undefined || state?.kind !== 'sft' || typeof state.step !== 'number') {
    log(`[sft] nothing to resume in ${out}: starting at step 0`);
    return 0;
  }
  if (state.seed !== seed) log(`[sft] warning: resuming a run of seed ${String(state.seed)} with seed ${seed}`);
  if (checkpoint.optimizer === undefined && state.step < steps) {
    // A finished checkpoint keeps weights only: continuing it would restart Adam's moments.
    throw new UsageError(`${out}: a finished SFT checkpoint (step ${state.step}, no optimizer state) cannot continue to step ${steps}`);
  }
  model.setWeights(checkpoint.weights);
  if (checkpoint.optimizer !== undefined) {
    optimizer.importState({ step: checkpoint.optimizer.state.step, tensors: new Map(checkpoint.optimizer.tensors) });
  }
  log(`[sft] resuming ${out} at step ${state.step}`);
  return state.step;
}

/**
 * The closing check of an SFT run: greedy turn-1 answers to the first held-out problems, graded on
 * all tests, written beside the checkpoint (not in its manifest) so the answers behind the numbers
 * can be read. Undefined when the pipeline has no held-out data or evaluates no problem.
 */
async function heldoutCheck(
  model: LlamaModel, template: ChatTemplate, pipeline: SftPipelineConfig, path: (p: string) => string, pool: ExecutionPool, out: string,
  log: (line: string) => void,
): Promise<TurnOneSummary | undefined> {
  if (pipeline.data.heldout === undefined || pipeline.evaluation.problems <= 0) return undefined;
  const heldout = (await loadProblems(path(pipeline.data.heldout))).slice(0, pipeline.evaluation.problems);
  const evaluation = await evaluateTurnOne(model, template, heldout, { pool, maxNewTokens: pipeline.evaluation.maxNewTokens });
  await writeFile(join(out, EVALUATION_FILE), evaluation.results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  log(`[sft] held-out turn 1 (greedy): ${evaluation.valid}/${evaluation.problems} valid code, ${evaluation.passed}/${evaluation.problems} pass all tests (answers in ${EVALUATION_FILE})`);
  return evaluation;
}

function trainFiles(pipeline: SftPipelineConfig): readonly string[] {
  return typeof pipeline.data.train === 'string' ? [pipeline.data.train] : pipeline.data.train;
}

/** The pipeline's training problems: its file, or its files one after the other. */
export async function loadTrainProblems(pipeline: SftPipelineConfig, path: (p: string) => string): Promise<Problem[]> {
  return (await Promise.all(trainFiles(pipeline).map((f) => loadProblems(path(f))))).flat();
}

/** Options for {@link importHfWarmStart}. */
export interface ImportHfOptions {
  readonly pipeline: SftPipelineConfig;
  readonly root: string;
  /** The Hugging Face Llama folder an external trainer wrote (config.json, model.safetensors, train.json). */
  readonly from: string;
  readonly out?: string;
  readonly backend?: BackendPreference;
  readonly log: (line: string) => void;
}

/**
 * Turns the weights an external trainer wrote (`pipelines/gpu/sft_torch.py`, a Hugging Face Llama
 * folder) into the project's checkpoint with the byte tokenizer, after checking that their shape is
 * the pipeline's model, then runs the same closing held-out turn-1 check as {@link runSft}.
 */
export async function importHfWarmStart(options: ImportHfOptions): Promise<SftSummary> {
  const { pipeline, log } = options;
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(options.root, p));
  const started = performance.now();
  const from = path(options.from);
  const out = path(options.out ?? pipeline.out);
  await selectBackend(options.backend ?? 'auto', { log });
  const hf = await loadHfFolder(from);
  const config = configFromHf(hf.config, { maxContext: pipeline.model.maxContext });
  checkShape(from, config as unknown as Record<string, unknown>, pipeline.model);
  // What the external trainer recorded (settings, loss curve); kept in the checkpoint's state.
  const trainJson = await readFile(join(from, 'train.json'), 'utf8').then(
    (t) => JSON.parse(t) as { readonly steps?: number; readonly finalLoss?: number } & Record<string, JsonValue>,
    () => null,
  );
  const model = new LlamaModel(config, {});
  const tokenizer = new ByteTokenizer();
  const pool = await createExecutionPool({ workers: pipeline.exec.workers });
  try {
    model.setWeights(weightsFromHf(config, hf.weights));
    const state: JsonValue = { kind: 'sft', pipeline: pipeline.name, trainer: 'pytorch', seed: pipeline.seed, train: trainJson };
    // F16 weights from the trainer stay F16 (lossless), at half the bytes.
    await saveCheckpoint(out, { weights: model.exportWeights(), config: config as unknown as JsonValue, tokenizer, state }, { overwrite: true, halfIfExact: true });
    log(`[sft] checkpoint ${out} from ${from}`);
    const evaluation = await heldoutCheck(model, chatTemplateFor(tokenizer), pipeline, path, pool, out, log);
    return {
      out, steps: trainJson?.steps ?? 0, finalLoss: trainJson?.finalLoss ?? NaN, examples: { solve: 0, repair: 0, confusion: 0, selfRepair: 0, skipped: 0, tooLong: 0 },
      wallMs: performance.now() - started, tokensPerSecond: 0,
      ...(evaluation === undefined ? {} : { evaluation }),
    };
  } finally {
    model.dispose();
    await pool.close();
  }
}

/** Refuses weights from `from` whose model shape is not the pipeline's. */
function checkShape(from: string, config: Record<string, unknown>, model: SftPipelineConfig['model']): void {
  const mismatch = (Object.keys(model) as (keyof typeof model)[]).filter((k) => config[k] !== model[k]);
  if (mismatch.length > 0) {
    throw new UsageError(`${from}: model shape differs from the pipeline's in ${mismatch.map((k) => `${k} (${String(config[k])} vs ${String(model[k])})`).join(', ')}`);
  }
}

/** Seconds as `1h02m03s` / `2m03s` / `3s`. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${String(s % 60).padStart(2, '0')}s`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${rest}`;
  return m > 0 ? `${m}m${rest}` : `${s % 60}s`;
}

