/**
 * The turn-level critic of RLEF (§3): a separate network initialised from the policy's weights,
 * with a fresh scalar head on the final hidden state. V(c_t) is read at the last token of each
 * turn's prompt; callers pass those positions.
 */
import * as tf from '@tensorflow/tfjs';
import { LlamaModel, type ForwardBatch } from './model.ts';
import { matmul2d } from './ops.ts';
import type { NamedTensor } from './safetensors.ts';

/** Options for building a {@link Critic}. */
export interface CriticOptions {
  /** Seed of the value head's initialisation (normal, std 0.02; the bias starts at 0). */
  readonly seed?: number;
}

/** Sequences laid out for the critic: right-padded ids and the flat rows whose values are read. */
export interface ValueBatch {
  readonly batch: ForwardBatch;
  /** Flat indices row · length + position of the value reads, in request order. */
  readonly reads: Int32Array;
}

let criticCount = 0;

/** Right-pads sequences and lists the (row, position) pairs to read, in order. */
export function valueBatch(sequences: readonly (readonly number[])[], positions: readonly (readonly number[])[]): ValueBatch {
  const length = Math.max(1, ...sequences.map((s) => s.length));
  const ids = new Int32Array(sequences.length * length);
  const reads: number[] = [];
  sequences.forEach((s, r) => {
    s.forEach((t, i) => (ids[r * length + i] = t));
    for (const p of positions[r] ?? []) {
      if (!(p >= 0 && p < s.length)) throw new RangeError(`sequence ${r}: value position ${p} outside its ${s.length} tokens`);
      reads.push(r * length + p);
    }
  });
  return { batch: { ids, batch: sequences.length, length }, reads: Int32Array.from(reads) };
}

export class Critic {
  /** The transformer body (its own copy of the policy's weights; no output projection). */
  readonly body: LlamaModel;
  private readonly head: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(policy: LlamaModel, options: CriticOptions = {}) {
    // The body never uses an output projection, so it is built tied (no lm_head variable).
    this.body = new LlamaModel({ ...policy.config, tieEmbeddings: true }, { impl: policy.impl });
    const own = this.body.getWeights();
    for (const [name, v] of policy.getWeights()) own.get(name)?.assign(v);
    const id = criticCount++;
    const init = tf.randomNormal([policy.config.dModel, 1], 0, 0.02, 'float32', options.seed ?? 0);
    this.head = tf.variable(init, true, `critic${id}/value_head.weight`);
    init.dispose();
    const zero = tf.zeros([1]);
    this.bias = tf.variable(zero, true, `critic${id}/value_head.bias`);
    zero.dispose();
  }

  /** All trainable weights: the body's plus `value_head.weight` [dModel, 1] and `value_head.bias` [1]. */
  getWeights(): Map<string, tf.Variable> {
    const out = this.body.getWeights();
    out.set('value_head.weight', this.head);
    out.set('value_head.bias', this.bias);
    return out;
  }

  /** Overwrites weights from plain arrays (names as in {@link getWeights}). */
  setWeights(values: ReadonlyMap<string, Float32Array | NamedTensor>): void {
    const body = new Map<string, Float32Array | NamedTensor>();
    for (const [name, value] of values) {
      const target = name === 'value_head.weight' ? this.head : name === 'value_head.bias' ? this.bias : undefined;
      if (target === undefined) {
        body.set(name, value);
        continue;
      }
      const data = value instanceof Float32Array ? value : value.data;
      if (data.length !== target.size) throw new Error(`weight ${name}: ${data.length} values for ${target.size}`);
      tf.tidy(() => target.assign(tf.tensor(data, target.shape)));
    }
    this.body.setWeights(body);
  }

  /** Copies of all weights as plain arrays. */
  exportWeights(): Map<string, NamedTensor> {
    const out = this.body.exportWeights();
    out.set('value_head.weight', { shape: [...this.head.shape], data: this.head.dataSync() as Float32Array });
    out.set('value_head.bias', { shape: [1], data: this.bias.dataSync() as Float32Array });
    return out;
  }

  /**
   * Values [reads] at the batch's read positions. Differentiable: the reads are a one-hot
   * selection product (wasm has no gradient for gather). Call inside tf.tidy or a gradient function.
   */
  valueTensor(b: ValueBatch): tf.Tensor1D {
    const h = this.body.hidden(b.batch);
    const rows = b.batch.batch * b.batch.length;
    const select = new Float32Array(b.reads.length * rows);
    b.reads.forEach((r, i) => (select[i * rows + r] = 1));
    const picked = matmul2d(tf.tensor2d(select, [b.reads.length, rows]), h);
    return tf.reshape(tf.add(matmul2d(picked, this.head as tf.Tensor2D), this.bias), [b.reads.length]);
  }

  /** Values at `positions[i]` (token indices) of each sequence, as plain numbers. */
  async values(sequences: readonly (readonly number[])[], positions: readonly (readonly number[])[]): Promise<number[][]> {
    const b = valueBatch(sequences, positions);
    const t = tf.tidy(() => this.valueTensor(b));
    const flat = await t.data();
    t.dispose();
    let k = 0;
    return positions.map((ps) => ps.map(() => flat[k++] ?? NaN));
  }

  dispose(): void {
    this.body.dispose();
    this.head.dispose();
    this.bias.dispose();
  }
}
