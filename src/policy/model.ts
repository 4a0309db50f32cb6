/**
 * A decoder-only Llama-style transformer on tfjs: RMSNorm, rotary positions (HF rotate_half),
 * SwiGLU MLP, grouped-query attention, tied or untied embeddings. Shaped for the wasm backend:
 * fused QKV and gate/up projections, every weight product a 2-D `matmul2d` whose backward uses
 * explicit transposes, attention as per-head 2-D products (see `attention.ts`).
 *
 * Weights are named tf.Variables stored input-major ([in, out], so `x · W` needs no transpose);
 * `hf-llama.ts` maps Hugging Face's [out, in] matrices onto them.
 */
import * as tf from '@tensorflow/tfjs';
import { validateConfig, type ModelConfig } from './config.ts';
import { attention, attentionCached, attentionNaive, type HeadLayout } from './attention.ts';
import { attentionBias } from './masks.ts';
import { embed, matmul2d, matmulConst, oneHot, rmsNorm, swigluGateUp } from './ops.ts';
import { inverseFrequencies, ropeTables, rotateHalfMatrix } from './rope.ts';
import type { NamedTensor } from './safetensors.ts';
import { KvCache } from './kv-cache.ts';

/** Which kernels the model runs: `fast` (custom gradients, 2-D products) or `naive` (tfjs built-ins, for the benchmark). */
export type ModelImpl = 'fast' | 'naive';

/** Options for building a model. */
export interface ModelOptions {
  /** Seed of the random initialisation (normal, std 0.02; residual outputs scaled by 1/√(2·layers)). */
  readonly seed?: number;
  /** Frozen models (a reference policy) hold non-trainable variables. */
  readonly trainable?: boolean;
  readonly impl?: ModelImpl;
}

/**
 * A batch of token rows for one forward pass, as plain arrays: `ids` row-major [batch, length];
 * `positions` per token (default 0…length−1, after `past` cached tokens: past…); `keyValid` per key
 * over past + length (1 = a real token, 0 = padding; default all real).
 */
export interface ForwardBatch {
  readonly ids: Int32Array;
  readonly batch: number;
  readonly length: number;
  readonly positions?: Int32Array;
  readonly keyValid?: Uint8Array;
}

let modelCount = 0;

/** Weight names and shapes for a config, in a stable order (the checkpoint order). */
export function weightShapes(c: ModelConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const qkv = (c.nHeads + 2 * c.nKvHeads) * c.headDim;
  shapes.set('embed_tokens', [c.vocabSize, c.dModel]);
  for (let i = 0; i < c.nLayers; i++) {
    shapes.set(`layers.${i}.input_norm`, [c.dModel]);
    shapes.set(`layers.${i}.wqkv`, [c.dModel, qkv]);
    shapes.set(`layers.${i}.wo`, [c.nHeads * c.headDim, c.dModel]);
    shapes.set(`layers.${i}.post_norm`, [c.dModel]);
    shapes.set(`layers.${i}.wgu`, [c.dModel, 2 * c.ffnDim]);
    shapes.set(`layers.${i}.wdown`, [c.ffnDim, c.dModel]);
  }
  shapes.set('norm', [c.dModel]);
  if (!c.tieEmbeddings) shapes.set('lm_head', [c.dModel, c.vocabSize]);
  return shapes;
}

/** The Llama policy network. Dispose it when done: it owns its variables. */
export class LlamaModel {
  readonly config: ModelConfig;
  readonly impl: ModelImpl;
  readonly trainable: boolean;
  private readonly weights = new Map<string, tf.Variable>();
  private readonly invFreq: Float32Array;
  private readonly rotate: tf.Tensor2D;

  constructor(config: ModelConfig, options: ModelOptions = {}) {
    this.config = validateConfig(config);
    this.impl = options.impl ?? 'fast';
    this.trainable = options.trainable ?? true;
    const id = modelCount++;
    const seed = options.seed ?? 0;
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayers);
    let k = 0;
    for (const [name, shape] of weightShapes(config)) {
      const init = tf.tidy(() => {
        if (shape.length === 1) return tf.ones(shape);
        const std = /\.(wo|wdown)$/.test(name) ? residualStd : 0.02;
        return tf.randomNormal(shape, 0, std, 'float32', seed * 1000 + k);
      });
      k++;
      this.weights.set(name, tf.variable(init, this.trainable, `m${id}/${name}`));
      init.dispose();
    }
    this.invFreq = inverseFrequencies(config.headDim, config.ropeTheta);
    this.rotate = tf.keep(rotateHalfMatrix(config.headDim));
  }

  /** The named weight variables (shared, not copies). */
  getWeights(): Map<string, tf.Variable> {
    return new Map(this.weights);
  }

  /** Overwrites weights from plain arrays; every name must exist and every size must match. */
  setWeights(values: ReadonlyMap<string, Float32Array | NamedTensor>): void {
    for (const [name, value] of values) {
      const v = this.weights.get(name);
      if (v === undefined) throw new Error(`unknown weight ${name}`);
      const data = value instanceof Float32Array ? value : value.data;
      if (data.length !== v.size) throw new Error(`weight ${name}: ${data.length} values for shape [${v.shape.join(', ')}]`);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    }
  }

  /** Copies of the weights as plain arrays, in checkpoint order. */
  exportWeights(): Map<string, NamedTensor> {
    const out = new Map<string, NamedTensor>();
    for (const [name, v] of this.weights) out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return out;
  }

  /** A copy with its own variables; `trainable: false` makes a frozen reference policy. */
  clone(options: { trainable?: boolean } = {}): LlamaModel {
    const copy = new LlamaModel(this.config, { impl: this.impl, trainable: options.trainable ?? this.trainable });
    for (const [name, v] of this.weights) copy.weights.get(name)?.assign(v);
    return copy;
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
    this.rotate.dispose();
  }

  private w(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (v === undefined) throw new Error(`unknown weight ${name}`);
    return v;
  }

  private mm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    return this.impl === 'fast' ? matmul2d(a, b) : tf.matMul(a, b);
  }

  private norm(x: tf.Tensor2D, w: tf.Tensor1D): tf.Tensor2D {
    if (this.impl === 'fast') return rmsNorm(x, w, this.config.rmsNormEps);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.config.rmsNormEps))), w);
  }

  /** The roped fused QKV of layer `i` for [batch, length] tokens, head-major: [batch, nh, length, hd]. */
  private qkv(i: number, h: tf.Tensor2D, b: ForwardBatch, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor4D {
    const c = this.config;
    const nh = c.nHeads + 2 * c.nKvHeads;
    const n = b.batch * b.length;
    const qkv = this.mm(h, this.w(`layers.${i}.wqkv`) as tf.Tensor2D);
    const flat = tf.reshape<tf.Rank.R2>(qkv, [n * nh, c.headDim]);
    const rot = this.impl === 'fast' ? matmulConst(flat, this.rotate) : tf.matMul(flat, this.rotate);
    const shape = [b.batch, b.length, nh * c.headDim];
    const roped = tf.add(tf.mul(tf.reshape(qkv, shape), cos), tf.mul(tf.reshape(rot, shape), sin));
    return tf.transpose(tf.reshape(roped, [b.batch, b.length, nh, c.headDim]), [0, 2, 1, 3]);
  }

  private mlp(i: number, x: tf.Tensor2D): tf.Tensor2D {
    const h = this.norm(x, this.w(`layers.${i}.post_norm`) as tf.Tensor1D);
    const wgu = this.w(`layers.${i}.wgu`) as tf.Tensor2D;
    let act: tf.Tensor2D;
    // Few rows (decoding): one product and two small slices beat two products, whose cost at
    // M ≈ 32 is mostly packing the weight; many rows (training, scoring): the reverse.
    if (this.impl === 'fast' && h.shape[0] > 256) act = swigluGateUp(h, wgu);
    else {
      const f = this.config.ffnDim;
      const gu = this.mm(h, wgu);
      const gate = tf.slice(gu, [0, 0], [-1, f]);
      act = tf.mul(tf.mul(gate, tf.sigmoid(gate)), tf.slice(gu, [0, f], [-1, f]));
    }
    return tf.add(x, this.mm(act, this.w(`layers.${i}.wdown`) as tf.Tensor2D));
  }

  /**
   * Rope tables [rows, length, width] for the fused QKV: one row shared by the whole batch when
   * positions are the default past…past+length−1, else one per sequence.
   */
  private tables(b: ForwardBatch, past: number): [tf.Tensor3D, tf.Tensor3D] {
    const c = this.config;
    const shared = b.positions === undefined;
    const positions = b.positions ?? Int32Array.from({ length: b.length }, (_, k) => past + k);
    const heads = { queries: c.nHeads, keys: c.nKvHeads, values: c.nKvHeads, queryScale: 1 / Math.sqrt(c.headDim) };
    const t = ropeTables(positions, this.invFreq, heads);
    const shape: [number, number, number] = [shared ? 1 : b.batch, b.length, t.width];
    return [tf.tensor3d(t.cos, shape), tf.tensor3d(t.sin, shape)];
  }

  private embedIds(ids: Int32Array): tf.Tensor2D {
    const table = this.w('embed_tokens') as tf.Tensor2D;
    if (this.impl === 'fast') return embed(table, ids);
    return tf.matMul(oneHot(ids, this.config.vocabSize), table);
  }

  /** Final-normed hidden states [batch · length, dModel] of a full (uncached) forward pass. Call inside tf.tidy. */
  hidden(b: ForwardBatch): tf.Tensor2D {
    const c = this.config;
    const layout: HeadLayout = { batch: b.batch, nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: c.headDim };
    const n = b.batch * b.length;
    const [cos, sin] = this.tables(b, 0);
    const bias = attentionBias(b.batch, b.length, 0, b.keyValid);
    let x = this.embedIds(b.ids);
    for (let i = 0; i < c.nLayers; i++) {
      const h = this.norm(x, this.w(`layers.${i}.input_norm`) as tf.Tensor1D);
      const qkv = tf.reshape<tf.Rank.R3>(this.qkv(i, h, b, cos, sin), [b.batch * (c.nHeads + 2 * c.nKvHeads), b.length, c.headDim]);
      const o = this.impl === 'fast' ? attention(qkv, bias, layout) : attentionNaive(qkv, bias, layout);
      const merged = tf.reshape(tf.transpose(tf.reshape(o, [b.batch, c.nHeads, b.length, c.headDim]), [0, 2, 1, 3]), [n, c.nHeads * c.headDim]);
      x = tf.add(x, this.mm(merged as tf.Tensor2D, this.w(`layers.${i}.wo`) as tf.Tensor2D));
      x = this.mlp(i, x);
    }
    return this.norm(x, this.w('norm') as tf.Tensor1D);
  }

  /** Logits [rows, vocab] from final hidden states [rows, dModel]. */
  logitsFrom(h: tf.Tensor2D): tf.Tensor2D {
    const head = this.config.tieEmbeddings ? tf.transpose(this.w('embed_tokens') as tf.Tensor2D) : (this.w('lm_head') as tf.Tensor2D);
    return this.mm(h, head);
  }

  /** Logits [batch · length, vocab] of a full forward pass. Call inside tf.tidy. */
  forward(b: ForwardBatch): tf.Tensor2D {
    return this.logitsFrom(this.hidden(b));
  }

  /** An empty KV cache for `batch` rows. */
  newCache(batch: number): KvCache {
    return new KvCache(batch, this.config.nLayers);
  }

  /**
   * Logits [batch · length, vocab] for new tokens that follow the cache's contents, appending
   * their keys and values to the cache (which keeps them across tidy scopes). No gradient.
   * `keyValid`, when given, covers cache.length + length keys per row.
   */
  decode(b: ForwardBatch, cache: KvCache): tf.Tensor2D {
    const c = this.config;
    const past = cache.length;
    const layout: HeadLayout = { batch: b.batch, nHeads: c.nHeads, nKvHeads: c.nKvHeads, headDim: c.headDim };
    const rep = c.nHeads / c.nKvHeads;
    const n = b.batch * b.length;
    const [cos, sin] = this.tables(b, past);
    const bias = attentionBias(b.batch, b.length, past, b.keyValid);
    const expand = (y: tf.Tensor3D): tf.Tensor3D => {
      if (rep === 1) return y;
      const [, r, s] = y.shape;
      return tf.reshape(tf.tile(tf.reshape(y, [b.batch, c.nKvHeads, 1, r, s]), [1, 1, rep, 1, 1]), [b.batch * c.nHeads, r, s]);
    };
    let x = this.embedIds(b.ids);
    // One tidy scope per layer: a layer's intermediates (a prompt slice's scores are
    // [batch, heads, slice, keys]) are freed before the next layer's, not all at the caller's end.
    // Held together they took 1.5 GiB of wasm heap for the demo model reading 16 prompts of 500
    // tokens, and over its 4 GiB for a 6.4 M-parameter one (session 14).
    for (let i = 0; i < c.nLayers; i++) x = tf.tidy(() => {
      const h = this.norm(x, this.w(`layers.${i}.input_norm`) as tf.Tensor1D);
      const qkv = this.qkv(i, h, b, cos, sin);
      const q = tf.reshape<tf.Rank.R3>(tf.slice(qkv, [0, 0, 0, 0], [-1, c.nHeads, -1, -1]), [b.batch * c.nHeads, b.length, c.headDim]);
      const k = tf.reshape(tf.slice(qkv, [0, c.nHeads, 0, 0], [-1, c.nKvHeads, -1, -1]), [b.batch * c.nKvHeads, b.length, c.headDim]);
      const v = tf.reshape(tf.slice(qkv, [0, c.nHeads + c.nKvHeads, 0, 0], [-1, c.nKvHeads, -1, -1]), [b.batch * c.nKvHeads, b.length, c.headDim]);
      const held = cache.append(i, tf.transpose(k, [0, 2, 1]) as tf.Tensor3D, v as tf.Tensor3D);
      const o = attentionCached(q, held.keysT.map(expand), held.values.map(expand), bias, layout);
      const merged = tf.reshape(tf.transpose(tf.reshape(o, [b.batch, c.nHeads, b.length, c.headDim]), [0, 2, 1, 3]), [n, c.nHeads * c.headDim]);
      return this.mlp(i, tf.add(x, this.mm(merged as tf.Tensor2D, this.w(`layers.${i}.wo`) as tf.Tensor2D)));
    });
    cache.advance(b.length);
    return this.logitsFrom(this.norm(x, this.w('norm') as tf.Tensor1D));
  }
}

/** A copy of `model` with its own variables; by default frozen (the reference policy for the KL term). */
export function cloneModel(model: LlamaModel, options: { trainable?: boolean } = {}): LlamaModel {
  return model.clone({ trainable: options.trainable ?? false });
}
