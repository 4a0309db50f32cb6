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

/** Options: `json` prints one JSON line instead of text; `quick` skips the slow baselines. */
export interface BenchModelOptions {
  readonly json: boolean;
  readonly quick?: boolean;
  /** Print the results (default true); the registry adapter prints them itself. */
  readonly print?: boolean;
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

/** GFLOP/s of [B·T, d] × [d, 4d], best of `reps`. */
function gemmRate(a: tf.Tensor2D, w: tf.Tensor2D, reps = 3): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = tf.matMul(a, w);
    out.dataSync();
    best = Math.min(best, performance.now() - t0);
    out.dispose();
  }
  return (2 * a.shape[0] * a.shape[1] * w.shape[1]) / (best / 1000) / 1e9;
}

function trainer(impl: ModelImpl, weights?: LlamaModel): { model: LlamaModel; step: () => number } {
  const model = new LlamaModel(REFERENCE_CONFIG, { impl, seed: 1 });
  if (weights) model.setWeights(weights.exportWeights());
  const optimizer = new AdamW(model.getWeights(), { lr: 1e-3, weightDecay: 0.1, maxGradNorm: 1 });
  const sequences = Array.from({ length: BATCH }, (_, r) => Array.from({ length: LENGTH + 1 }, (_, i) => (r * 31 + i * 7 + ((i * i) >> 3)) % 256));
  const b = scoringBatch(sequences);
  const loss = (): tf.Scalar => tf.neg(tf.mean<tf.Scalar>(tokenLogProbs(model, b).logProbs));
  return {
    model,
    step: () => {
      const t0 = performance.now();
      optimizer.update(loss);
      return (performance.now() - t0) / 1000;
    },
  };
}

async function generationRate(model: LlamaModel, useCache: boolean, newTokens: number): Promise<number> {
  const prompts = Array.from({ length: GEN_BATCH }, (_, r) => Array.from({ length: GEN_PROMPT }, (_, i) => (r * 13 + i * 5) % 256));
  const t0 = performance.now();
  const out = await generate(model, prompts, { maxNewTokens: newTokens, temperature: 1, seed: 'bench', useCache });
  const seconds = (performance.now() - t0) / 1000;
  return out.reduce((a, g) => a + g.tokens.length, 0) / seconds;
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
  const times: number[] = [];
  const efficiencies: number[] = [];
  const gemms: number[] = [];
  for (let k = 0; k < (opts.steps ?? 3); k++) {
    const g = gemmRate(a, w);
    const s = fast.step();
    gemms.push(g);
    times.push(s);
    efficiencies.push(flops / s / 1e9 / g);
  }
  const stepSeconds = median(times);
  const metrics: Record<string, number | string> = {
    backend: choice.backend,
    config: `d${c.dModel} L${c.nLayers} H${c.nHeads} ffn${c.ffnDim} V${c.vocabSize}, batch ${BATCH}×${LENGTH}`,
    train_step_s: stepSeconds,
    train_tokens_per_s: (BATCH * LENGTH) / stepSeconds,
    train_gflop_per_step: flops / 1e9,
    train_gflops: flops / stepSeconds / 1e9,
    gemm_ref_gflops: median(gemms),
    train_efficiency_pct: 100 * median(efficiencies),
  };
  if (!opts.quick) {
    const naive = trainer('naive', fast.model);
    const g = gemmRate(a, w);
    const s = naive.step();
    metrics['naive_train_step_s'] = s;
    metrics['naive_train_tokens_per_s'] = (BATCH * LENGTH) / s;
    metrics['naive_efficiency_pct'] = (100 * flops) / s / 1e9 / g;
    metrics['speedup_vs_naive'] = s / stepSeconds;
    naive.model.dispose();
  }
  const cached = await generationRate(fast.model, true, GEN_NEW);
  metrics['gen_tokens_per_s_cache'] = cached;
  // Recomputing the prefix costs ~ (prompt + t) per token; over the full 128 tokens it would take
  // minutes, so the quick run times the first 16 tokens (the cheapest ones for the baseline).
  const baselineTokens = opts.quick ? 16 : GEN_NEW;
  const uncached = await generationRate(fast.model, false, baselineTokens);
  metrics['gen_tokens_per_s_no_cache'] = uncached;
  metrics['gen_no_cache_new_tokens'] = baselineTokens;
  metrics['gen_cache_speedup'] = cached / uncached;
  fast.model.dispose();
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
    `efficiency: ${f('train_efficiency_pct')}% of a plain [B·T, d]×[d, 4d] matMul (${f('gemm_ref_gflops', 2)} GFLOP/s, same run)`,
  ];
  if (m['naive_train_step_s'] !== undefined) {
    lines.push(`naive tfjs baseline: ${f('naive_train_tokens_per_s', 0)} tokens/s (${f('naive_efficiency_pct')}%); fast path ${f('speedup_vs_naive')}x faster`);
  }
  lines.push(
    `generation, batch ${GEN_BATCH}, prompt ${GEN_PROMPT}: ${f('gen_tokens_per_s_cache', 0)} tokens/s with KV cache (${GEN_NEW} new), ` +
      `${f('gen_tokens_per_s_no_cache', 1)} without (${f('gen_no_cache_new_tokens', 0)} new): ${f('gen_cache_speedup')}x`,
  );
  return lines;
}

/** Shape of `test/bench/run.ts`'s registry entries, for registering this benchmark there. */
export async function benchModelResult(): Promise<{ name: string; metrics: Record<string, number | string>; summary: string[] }> {
  const metrics = await benchModel({ json: true, print: false, quick: process.env['RLEF_BENCH_QUICK'] === '1' });
  return { name: 'model', metrics, summary: summaryLines(metrics) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchModel({ json: process.argv.includes('--json'), quick: process.argv.includes('--quick') });
}
