/**
 * Batched sampling with a KV cache. Prompts of different lengths share one batch by left
 * padding: each row's padding is masked out of attention and its positions start at 0 at its
 * first real token, so a row's tokens do not depend on what else is in the batch.
 *
 * Log-probabilities: `logProbs[i]` is log π(token_i | prefix) under the model's plain softmax
 * (temperature 1, no top-p) — exactly what `score` computes for the same tokens, and what PPO's
 * ratios use as π_old / π_behaviour. When sampling at another temperature or with top-p, the
 * distribution actually sampled from differs; its log-probability is `samplingLogProbs[i]`
 * (0 for greedy decoding).
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { LlamaModel } from './model.ts';
import { sampleToken } from './sampling.ts';

/** Options for {@link generate}. */
export interface GenerateOptions {
  readonly maxNewTokens: number;
  /** 0 = greedy; default 1. */
  readonly temperature?: number;
  /** Per-row temperatures (overriding `temperature` row by row). */
  readonly temperatures?: readonly number[];
  /** Nucleus mass; default 1 (off). */
  readonly topP?: number;
  /** Token ids that end a row (the end-of-turn token); the stop token is included in the output. */
  readonly stopTokens?: readonly number[];
  /** Seed of the sampler; row r draws from its own stream, `${seed}/${r}`. */
  readonly seed: number | string;
  /** Per-row seeds (overriding `seed`): a row samples the same tokens whatever batch it is decoded in. */
  readonly seeds?: readonly string[];
  /** Default true; false recomputes the whole prefix for every new token (the benchmark's baseline). */
  readonly useCache?: boolean;
  /**
   * With the cache, the prompts are read in slices of at most this many positions (default 256):
   * the attention scores of a slice are [batch, heads, slice, keys] instead of [batch, heads,
   * prompt, prompt], so 16 prompts of 900 tokens stay far from the wasm heap's 4 GiB (reading them
   * whole in one pass could exhaust it). Same result as one pass.
   */
  readonly prefillChunk?: number;
}

/** One row's continuation. */
export interface Generation {
  readonly tokens: number[];
  /** log π(token) under the temperature-1 softmax of the model (see the module comment). */
  readonly logProbs: Float32Array;
  /** log-probability under the distribution actually sampled from (temperature, top-p). */
  readonly samplingLogProbs: Float32Array;
  /** Why the row ended: a stop token, the token budget, or the model's context length. */
  readonly finish: 'stop' | 'length' | 'context';
}

/** A row of the batch being decoded. */
interface Row {
  readonly pad: number;
  readonly tokens: number[];
  readonly logProbs: number[];
  readonly samplingLogProbs: number[];
  readonly random: () => number;
  done: Generation['finish'] | undefined;
}

/** Log-softmax of the logits of the last position of each row, [batch, vocab], on the host. */
async function lastLogProbs(logits: tf.Tensor2D, batch: number, length: number): Promise<Float32Array> {
  const last = tf.tidy(() => {
    const vocab = logits.shape[1];
    const rows = tf.reshape(tf.slice(tf.reshape(logits, [batch, length, vocab]), [0, length - 1, 0], [batch, 1, vocab]), [batch, vocab]);
    return tf.logSoftmax(rows);
  });
  const data = (await last.data()) as Float32Array;
  last.dispose();
  return data;
}

/** Continues each prompt (token ids) until a stop token, `maxNewTokens`, or the model's context is full. */
export async function generate(
  model: LlamaModel,
  prompts: readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<Generation[]> {
  const batch = prompts.length;
  if (batch === 0) return [];
  const vocab = model.config.vocabSize;
  const params = prompts.map((_, r) => ({ temperature: options.temperatures?.[r] ?? options.temperature ?? 1, topP: options.topP ?? 1 }));
  const stops = new Set(options.stopTokens ?? []);
  const promptLength = Math.max(...prompts.map((p) => p.length));
  if (prompts.some((p) => p.length === 0)) throw new RangeError('every prompt needs at least one token');
  const budget = Math.min(options.maxNewTokens, model.config.maxContext - promptLength);
  const rows: Row[] = prompts.map((p, r) => ({
    pad: promptLength - p.length,
    tokens: [],
    logProbs: [],
    samplingLogProbs: [],
    random: seedrandom(options.seeds?.[r] ?? `${options.seed}/${r}`),
    done: undefined,
  }));
  // The whole layout so far, left-padded: ids, validity and positions per row.
  let length = promptLength;
  const capacity = promptLength + Math.max(budget, 0);
  const ids = new Int32Array(batch * capacity);
  const valid = new Uint8Array(batch * capacity);
  prompts.forEach((p, r) => {
    const pad = rows[r]?.pad ?? 0;
    p.forEach((t, i) => {
      ids[r * capacity + pad + i] = t;
      valid[r * capacity + pad + i] = 1;
    });
  });
  const window = (from: number, to: number, source: Int32Array | Uint8Array): Int32Array => {
    const out = new Int32Array(batch * (to - from));
    for (let r = 0; r < batch; r++) for (let t = from; t < to; t++) out[r * (to - from) + t - from] = source[r * capacity + t] ?? 0;
    return out;
  };
  const positionsOf = (from: number, to: number): Int32Array => {
    const out = new Int32Array(batch * (to - from));
    for (let r = 0; r < batch; r++) for (let t = from; t < to; t++) out[r * (to - from) + t - from] = Math.max(0, t - (rows[r]?.pad ?? 0));
    return out;
  };
  const validUpTo = (to: number): Uint8Array => Uint8Array.from(window(0, to, valid));
  const cache = options.useCache === false ? undefined : model.newCache(batch);
  try {
    let from = 0;
    // Prefill in slices (all but the last: the first step below reads it and samples).
    const chunk = Math.max(1, Math.floor(options.prefillChunk ?? 256));
    if (cache) {
      while (length - from > chunk && budget > 0) {
        const to = from + chunk;
        const b = { ids: window(from, to, ids), batch, length: chunk, positions: positionsOf(from, to), keyValid: validUpTo(to) };
        tf.tidy(() => model.decode(b, cache)).dispose();
        from = to;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (let step = 0; step < budget && rows.some((r) => r.done === undefined); step++) {
      // A macrotask hop per token: the backend's promises resolve as microtasks, so without it
      // I/O and worker messages (finished executions, checkpoint writes) would wait for the whole decode.
      if (step > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const start = cache ? from : 0;
      const b = { ids: window(start, length, ids), batch, length: length - start, positions: positionsOf(start, length), keyValid: validUpTo(length) };
      const logits = tf.tidy(() => (cache ? model.decode(b, cache) : model.forward(b)));
      const logProbs = await lastLogProbs(logits, batch, length - start);
      logits.dispose();
      from = length;
      rows.forEach((row, r) => {
        if (row.done !== undefined) return;
        const dist = logProbs.subarray(r * vocab, (r + 1) * vocab);
        const draw = sampleToken(dist, params[r]!, row.random);
        row.tokens.push(draw.token);
        row.logProbs.push(dist[draw.token] ?? -Infinity);
        row.samplingLogProbs.push(draw.samplingLogProb);
        ids[r * capacity + length] = draw.token;
        valid[r * capacity + length] = 1;
        if (stops.has(draw.token)) row.done = 'stop';
      });
      length++;
    }
  } finally {
    cache?.dispose();
  }
  return rows.map((row) => ({
    tokens: row.tokens,
    logProbs: Float32Array.from(row.logProbs),
    samplingLogProbs: Float32Array.from(row.samplingLogProbs),
    finish: row.done ?? (row.tokens.length >= options.maxNewTokens ? 'length' : 'context'),
  }));
}
