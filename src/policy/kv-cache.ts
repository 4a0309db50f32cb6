/**
 * Keys (transposed, [batch · kvHeads, hd, T]) and values ([batch · kvHeads, T, hd]) of every layer
 * for the tokens decoded so far. Its tensors are kept outside tf.tidy scopes; `append` replaces
 * and disposes the previous ones, `dispose` frees the rest.
 */
import * as tf from '@tensorflow/tfjs';

export class KvCache {
  private readonly keysT: (tf.Tensor3D | undefined)[];
  private readonly values: (tf.Tensor3D | undefined)[];
  private tokens = 0;

  constructor(
    readonly batch: number,
    layers: number,
  ) {
    this.keysT = new Array<tf.Tensor3D | undefined>(layers).fill(undefined);
    this.values = new Array<tf.Tensor3D | undefined>(layers).fill(undefined);
  }

  /** Positions held per row (including padding). */
  get length(): number {
    return this.tokens;
  }

  /** Appends one layer's new keys and values and returns the full ones (valid within the current scope). */
  append(layer: number, kT: tf.Tensor3D, v: tf.Tensor3D): [tf.Tensor3D, tf.Tensor3D] {
    const oldK = this.keysT[layer];
    const oldV = this.values[layer];
    const k2 = tf.keep(oldK === undefined ? tf.clone(kT) : tf.concat([oldK, kT], 2));
    const v2 = tf.keep(oldV === undefined ? tf.clone(v) : tf.concat([oldV, v], 1));
    oldK?.dispose();
    oldV?.dispose();
    this.keysT[layer] = k2;
    this.values[layer] = v2;
    return [k2, v2];
  }

  /** Marks `count` more positions as held, once every layer has appended them. */
  advance(count: number): void {
    this.tokens += count;
  }

  dispose(): void {
    for (const t of [...this.keysT, ...this.values]) t?.dispose();
    this.keysT.fill(undefined);
    this.values.fill(undefined);
  }
}
