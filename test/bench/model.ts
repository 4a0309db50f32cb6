/**
 * Policy model benchmark on the reference config (d_model 128, 4 layers, 4 heads, context 256,
 * byte-level vocabulary): training throughput and its efficiency against a plain 2-D matMul
 * measured in the same run, the naive tfjs baseline, and generation with and without the KV cache.
 * All rates are measured side by side, interleaved, so a busy machine skews both alike.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/policy/backend.ts';
import { REFERENCE_CONFIG, type ModelConfig } from '../../src/policy/config.ts';
import { LlamaModel, type ModelImpl } from '../../src/policy/model.ts';
import { AdamW } from '../../src/policy/optimizer.ts';
import { scoringBatch, tokenLogProbs } from '../../src/policy/score.ts';
import { generate } from '../../src/policy/generate.ts';
import { cachedAttention } from '../../src/policy/attention.ts';
import { kvBlock } from '../../src/policy/kv-cache.ts';
import { DEMO_MODEL_CONFIG, SCALE_MODELS } from '../../src/policy/demo-config.ts';

/** Options: `json` prints one JSON line instead of text; `quick` skips the naive training baseline. */
export interface BenchModelOptions {
  readonly json: boolean;
  readonly quick?: boolean;
  /** Print the results (default true); the registry adapter prints them itself. */
  readonly print?: boolean;
  /** Measure generation without the KV cache over all 128 tokens instead of estimating it (minutes). */
  readonly full?: boolean;
  /** Timed training steps (default 3). */
  readonly steps?: number;
}

const BATCH = 16;
const LENGTH = 256;
const GEN_BATCH = 32;
const GEN_PROMPT = 32;
const GEN_NEW = 128;

/**
 * Matrix-product FLOPs of one training step (forward, backward), counting the model's own
 * products only: the QKV, output, gate/up, down and vocabulary projections and the two attention
 * products over the full T×T score matrix; each counted ×3 (forward, input gradient, weight
 * gradient — attention's two backward products per forward product likewise). The rotary
 * rotation and the embedding's one-hot backward product are run but not counted.
 */
export function trainingFlops(c: ModelConfig, batch: number, length: number): number {
  const n = batch * length;
  const qkv = (c.nHeads + 2 * c.nKvHeads) * c.headDim;
  const perLayer =
    2 * n * c.dModel * qkv + 2 * n * c.nHeads * c.headDim * c.dModel + 2 * n * c.dModel * 2 * c.ffnDim + 2 * n * c.ffnDim * c.dModel +
    2 * (2 * batch * c.nHeads * length * length * c.headDim);
  return 3 * (c.nLayers * perLayer + 2 * n * c.dModel * c.vocabSize);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Seconds of wall clock and of this process's CPU time. */
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

function timed(f: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/**
 * GFLOP/s of [B·T, d] × [d, 4d], averaged over repetitions lasting at least `seconds` (not the
 * best of a few: on a shared machine a short best case would flatter the reference).
 */
function gemmRate(a: tf.Tensor2D, w: tf.Tensor2D, seconds = 1.5): Timing {
  const flops = 2 * a.shape[0] * a.shape[1] * w.shape[1];
  let reps = 0;
  let wall = 0;
  let cpu = 0;
  while (wall < seconds) {
    const t = timed(() => {
      const out = tf.matMul(a, w);
      out.dataSync();
      out.dispose();
    });
    wall += t.wall;
    cpu += t.cpu;
    reps++;
  }
  return { wall: (reps * flops) / wall / 1e9, cpu: (reps * flops) / cpu / 1e9 };
}

function trainer(impl: ModelImpl, weights?: LlamaModel): { model: LlamaModel; step: () => Timing } {
  const model = new LlamaModel(REFERENCE_CONFIG, { impl, seed: 1 });
  if (weights) model.setWeights(weights.exportWeights());
  const optimizer = new AdamW(model.getWeights(), { lr: 1e-3, weightDecay: 0.1, maxGradNorm: 1 });
  const sequences = Array.from({ length: BATCH }, (_, r) => Array.from({ length: LENGTH + 1 }, (_, i) => (r * 31 + i * 7 + ((i * i) >> 3)) % 256));
  const b = scoringBatch(sequences);
  const loss = (): tf.Scalar => tf.neg(tf.mean<tf.Scalar>(tokenLogProbs(model, b).logProbs));
  return {
    model,
    step: () => timed(() => optimizer.update(loss)),
  };
}

const PROMPTS = Array.from({ length: GEN_BATCH }, (_, r) => Array.from({ length: GEN_PROMPT }, (_, i) => (r * 13 + i * 5) % 256));

/** New tokens per second of wall clock and of CPU time. */
async function generationRate(model: LlamaModel, useCache: boolean, newTokens: number): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await generate(model, PROMPTS, { maxNewTokens: newTokens, temperature: 1, seed: 'bench', useCache });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const tokens = out.reduce((a, g) => a + g.tokens.length, 0);
  return { wall: tokens / wall, cpu: tokens / ((c.user + c.system) / 1e6) };
}

/**
 * Seconds that recomputing the whole prefix for each of `newTokens` tokens takes, estimated from
 * timed full forward passes (logits of the last position, as `generate` does) at five evenly
 * spaced prefix lengths, integrated with the trapezoid rule.
 */
function noCacheSecondsEstimate(model: LlamaModel, newTokens: number): number {
  const lengths = [0, 0.25, 0.5, 0.75, 1].map((q) => GEN_PROMPT + Math.round(q * (newTokens - 1)));
  const seconds = lengths.map((length) => {
    const ids = Int32Array.from({ length: GEN_BATCH * length }, (_, k) => k % 256);
    const t0 = performance.now();
    tf.tidy(() => {
      const logits = model.forward({ ids, batch: GEN_BATCH, length });
      tf.logSoftmax(tf.slice(tf.reshape(logits, [GEN_BATCH, length, -1]), [0, length - 1, 0], [-1, 1, -1])).dataSync();
    });
    return (performance.now() - t0) / 1000;
  });
  let total = 0;
  for (let i = 1; i < lengths.length; i++) total += (((seconds[i] ?? 0) + (seconds[i - 1] ?? 0)) / 2) * ((lengths[i] ?? 0) - (lengths[i - 1] ?? 0));
  return total + (seconds[0] ?? 0);
}

const PREFILL_BATCH = 16;
const PREFILL_PROMPT = 500;

/**
 * Seconds of wall clock to generate from `prompts` with a setting on (the default) and off (the
 * baseline), alternated on, off, on after `warmUps` unmeasured runs on; `set` switches the
 * setting and is left on. Disposes `model`.
 */
async function alternated(
  model: LlamaModel,
  prompts: number[][],
  options: Parameters<typeof generate>[2],
  set: (on: boolean) => void,
  warmUps: number,
): Promise<{ on: number; off: number }> {
  const run = async (on: boolean): Promise<number> => {
    set(on);
    const t0 = performance.now();
    await generate(model, prompts, options);
    return (performance.now() - t0) / 1000;
  };
  try {
    for (let i = 0; i < warmUps; i++) await run(true);
    const a = await run(true);
    const off = await run(false);
    const b = await run(true);
    return { on: (a + b) / 2, off };
  } finally {
    set(true);
    model.dispose();
  }
}

/** Prompts of the bench's multi-turn size: 16 of 500 tokens (a multi-turn RLEF prompt's size). */
function longPrompts(a: number, b: number): number[][] {
  return Array.from({ length: PREFILL_BATCH }, (_, r) => Array.from({ length: PREFILL_PROMPT }, (_, i) => (r * a + i * b) % 256));
}

/**
 * Reading 16 prompts of 500 tokens into the KV cache, with prompt slices attended by per-pair 2-D
 * products (the default) and by batched 3-D products (the baseline), after one warm-up.
 */
async function prefillSeconds(): Promise<{ pairwise: number; batched: number }> {
  const pairwiseFrom = cachedAttention.pairwiseFrom;
  const { on, off } = await alternated(new LlamaModel(DEMO_MODEL_CONFIG, { seed: 3 }), longPrompts(7, 11), { maxNewTokens: 1, temperature: 1, seed: 'prefill' },
    (on) => { cachedAttention.pairwiseFrom = on ? pairwiseFrom : Number.POSITIVE_INFINITY; }, 1);
  return { pairwise: on, batched: off };
}

/**
 * Decoding 16 rows (500-token prompts, 128 new tokens) of the scale study's mid-size policy with the
 * KV cache held in blocks of 64 positions (the default) and in one block grown by a copy per token
 * (the baseline).
 */
async function blockedCacheSeconds(): Promise<{ blocked: number; single: number }> {
  const positions = kvBlock.positions;
  const { on, off } = await alternated(new LlamaModel(SCALE_MODELS.m, { seed: 5 }), longPrompts(5, 13), { maxNewTokens: GEN_NEW, temperature: 1, seed: 'blocks', stopTokens: [] },
    (on) => { kvBlock.positions = on ? positions : Number.POSITIVE_INFINITY; }, 0);
  return { blocked: on, single: off };
}

/** Runs the benchmark and returns its metrics (and prints them). */
export async function benchModel(opts: BenchModelOptions): Promise<Record<string, number | string>> {
  const choice = await selectBackend('auto', { log: () => undefined });
  const c = REFERENCE_CONFIG;
  const flops = trainingFlops(c, BATCH, LENGTH);
  const a = tf.randomNormal<tf.Rank.R2>([BATCH * LENGTH, c.dModel], 0, 1, 'float32', 1);
  const w = tf.randomNormal<tf.Rank.R2>([c.dModel, 4 * c.dModel], 0, 1, 'float32', 2);
  const fast = trainer('fast');
  fast.step(); // warm-up: first-use costs (operator creation, heap growth)
  const steps: Timing[] = [];
  const gemms: Timing[] = [];
  for (let k = 0; k < (opts.steps ?? 3); k++) {
    gemms.push(gemmRate(a, w));
    steps.push(fast.step());
  }
  gemms.push(gemmRate(a, w));
  const stepSeconds = median(steps.map((t) => t.wall));
  const gemmWall = median(gemms.map((g) => g.wall));
  const metrics: Record<string, number | string> = {
    backend: choice.backend,
    config: `d${c.dModel} L${c.nLayers} H${c.nHeads} ffn${c.ffnDim} V${c.vocabSize}, batch ${BATCH}×${LENGTH}`,
    train_step_s: stepSeconds,
    train_tokens_per_s: (BATCH * LENGTH) / stepSeconds,
    train_gflop_per_step: flops / 1e9,
    train_gflops: flops / stepSeconds / 1e9,
    gemm_ref_gflops: gemmWall,
    train_efficiency_pct: (100 * flops) / stepSeconds / 1e9 / gemmWall,
    // The same ratio in CPU time of this process: steadier when other processes share the cores.
    train_efficiency_cpu_pct: (100 * flops) / median(steps.map((t) => t.cpu)) / 1e9 / median(gemms.map((g) => g.cpu)),
  };
  if (!opts.quick) {
    // One naive step between two fast ones, so the comparison shares the machine's conditions.
    const naive = trainer('naive', fast.model);
    const g = gemmRate(a, w);
    const before = fast.step();
    const s = naive.step();
    const after = fast.step();
    const around = { wall: (before.wall + after.wall) / 2, cpu: (before.cpu + after.cpu) / 2 };
    metrics['naive_train_step_s'] = s.wall;
    metrics['naive_train_tokens_per_s'] = (BATCH * LENGTH) / s.wall;
    metrics['naive_efficiency_pct'] = (100 * flops) / s.wall / 1e9 / g.wall;
    metrics['naive_efficiency_cpu_pct'] = (100 * flops) / s.cpu / 1e9 / g.cpu;
    metrics['speedup_vs_naive'] = s.wall / around.wall;
    metrics['speedup_vs_naive_cpu'] = s.cpu / around.cpu;
    naive.model.dispose();
  }
  // With the KV cache over all 128 new tokens; both ways over the same first 32 (measured).
  const cached = await generationRate(fast.model, true, GEN_NEW);
  metrics['gen_tokens_per_s_cache'] = cached.wall;
  const window = 32;
  const cachedWindow = await generationRate(fast.model, true, window);
  const uncachedWindow = await generationRate(fast.model, false, window);
  metrics[`gen_tokens_per_s_cache_first${window}`] = cachedWindow.wall;
  metrics[`gen_tokens_per_s_no_cache_first${window}`] = uncachedWindow.wall;
  metrics[`gen_cache_speedup_first${window}`] = cachedWindow.wall / uncachedWindow.wall;
  metrics[`gen_cache_speedup_first${window}_cpu`] = cachedWindow.cpu / uncachedWindow.cpu;
  // Recomputing the prefix for all 128 tokens takes minutes here: measured with `full`, else
  // estimated from timed forward passes at five prefix lengths (wall clock).
  if (opts.full === true) {
    const uncached = await generationRate(fast.model, false, GEN_NEW);
    metrics['gen_tokens_per_s_no_cache'] = uncached.wall;
    metrics['gen_cache_speedup_cpu'] = cached.cpu / uncached.cpu;
  } else {
    metrics['gen_tokens_per_s_no_cache'] = (GEN_BATCH * GEN_NEW) / noCacheSecondsEstimate(fast.model, GEN_NEW);
  }
  metrics['gen_no_cache_how'] = opts.full === true ? 'measured' : 'estimated from 5 timed prefix lengths';
  metrics['gen_cache_speedup'] = cached.wall / metrics['gen_tokens_per_s_no_cache'];
  fast.model.dispose();
  const prefill = await prefillSeconds();
  metrics['prefill_s_pairwise'] = prefill.pairwise;
  metrics['prefill_s_batched'] = prefill.batched;
  metrics['prefill_speedup'] = prefill.batched / prefill.pairwise;
  const blocks = await blockedCacheSeconds();
  metrics['mid_decode_s_blocked'] = blocks.blocked;
  metrics['mid_decode_s_one_block'] = blocks.single;
  metrics['mid_decode_speedup'] = blocks.single / blocks.blocked;
  tf.dispose([a, w]);
  if (opts.print === false) return metrics;
  if (opts.json) process.stdout.write(`${JSON.stringify({ name: 'model', ...metrics })}\n`);
  else for (const line of summaryLines(metrics)) process.stdout.write(`${line}\n`);
  return metrics;
}

function summaryLines(m: Record<string, number | string>): string[] {
  const f = (k: string, d = 1): string => {
    const v = m[k];
    return typeof v === 'number' ? v.toFixed(d) : (v ?? '–');
  };
  const lines = [
    `backend ${f('backend')}; ${f('config')}`,
    `training: ${f('train_tokens_per_s', 0)} tokens/s (${f('train_step_s', 2)} s/step, ${f('train_gflops', 2)} GFLOP/s of ${f('train_gflop_per_step', 1)} GFLOP/step)`,
    `efficiency: ${f('train_efficiency_pct')}% of a plain [B·T, d]×[d, 4d] matMul (${f('gemm_ref_gflops', 2)} GFLOP/s, same run); in CPU time ${f('train_efficiency_cpu_pct')}%`,
  ];
  if (m['naive_train_step_s'] !== undefined) {
    lines.push(
      `naive tfjs baseline: ${f('naive_train_tokens_per_s', 0)} tokens/s (${f('naive_efficiency_pct')}%, CPU time ${f('naive_efficiency_cpu_pct')}%); fast path ${f('speedup_vs_naive')}x faster (CPU time ${f('speedup_vs_naive_cpu')}x, adjacent steps)`,
    );
  }
  lines.push(
    `generation, batch ${GEN_BATCH}, prompt ${GEN_PROMPT}, ${GEN_NEW} new: ${f('gen_tokens_per_s_cache', 0)} tokens/s with KV cache, ` +
      `${f('gen_tokens_per_s_no_cache', 1)} recomputing the prefix (${f('gen_no_cache_how')}): ${f('gen_cache_speedup')}x` +
      (m['gen_cache_speedup_cpu'] === undefined ? '' : ` (CPU time ${f('gen_cache_speedup_cpu')}x)`),
    `first 32 new tokens, both measured: ${f('gen_tokens_per_s_cache_first32', 0)} vs ${f('gen_tokens_per_s_no_cache_first32', 1)} tokens/s: ${f('gen_cache_speedup_first32')}x (CPU time ${f('gen_cache_speedup_first32_cpu')}x)`,
  );
  if (m['prefill_speedup'] !== undefined) {
    lines.push(
      `prompt reading, ${PREFILL_BATCH} prompts × ${PREFILL_PROMPT} tokens into the KV cache: ${f('prefill_s_pairwise', 2)} s with per-pair 2-D products, ` +
        `${f('prefill_s_batched', 2)} s with batched 3-D ones: ${f('prefill_speedup', 2)}x`,
    );
  }
  if (m['mid_decode_speedup'] !== undefined) {
    lines.push(
      `mid-size policy (d256 L6), ${PREFILL_BATCH} rows × ${PREFILL_PROMPT}-token prompts + ${GEN_NEW} new: ${f('mid_decode_s_blocked', 2)} s with the KV cache in blocks of 64, ` +
        `${f('mid_decode_s_one_block', 2)} s in one block copied per token: ${f('mid_decode_speedup', 2)}x`,
    );
  }
  return lines;
}

/** Shape of `test/bench/run.ts`'s registry entries, for registering this benchmark there. */
export async function benchModelResult(): Promise<{ name: string; metrics: Record<string, number | string>; summary: string[] }> {
  const metrics = await benchModel({ json: true, print: false, quick: process.env['RLEF_BENCH_QUICK'] === '1' });
  return { name: 'model', metrics, summary: summaryLines(metrics) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchModel({ json: process.argv.includes('--json'), quick: process.argv.includes('--quick'), full: process.argv.includes('--full') });
}
