/**
 * Diagnostics of a critic step, as plain numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { maskPadding, maskedMean } from './masked-mean.ts';
import { DEFAULT_VALUE_LOSS_OPTIONS, type ValueLossInputs, type ValueLossOptions } from './value-loss.ts';

/** Metrics over the real turns of a batch. */
export interface ValueMetrics {
  /** Fraction of turns where |V − V_old| > δ, i.e. where the clipped value differs from V. */
  readonly clipFraction: number;
  /** Mean of (V − G)². */
  readonly meanSquaredError: number;
  /** 1 − Var(G − V)/Var(G); 0 when the returns have no variance. */
  readonly explainedVariance: number;
}

/** Computes {@link ValueMetrics} with one synchronous download. */
export function valueMetrics(inputs: ValueLossInputs, options: ValueLossOptions = DEFAULT_VALUE_LOSS_OPTIONS): ValueMetrics {
  const values = tf.tidy(() => {
    const { mask } = inputs;
    const v = maskPadding(inputs.values, mask);
    const g = maskPadding(inputs.returns, mask);
    const variance = (x: tf.Tensor): tf.Scalar => maskedMean(tf.square(tf.sub(x, maskedMean(x, mask))), mask);
    return tf.stack([
      maskedMean(tf.cast(tf.greater(tf.abs(tf.sub(v, maskPadding(inputs.oldValues, mask))), options.clipRange), 'float32'), mask),
      maskedMean(tf.square(tf.sub(v, g)), mask),
      variance(tf.sub(g, v)),
      variance(g),
    ]);
  });
  const [clipFraction = 0, meanSquaredError = 0, residualVariance = 0, returnVariance = 0] = values.dataSync();
  values.dispose();
  const explainedVariance = returnVariance > 0 ? 1 - residualVariance / returnVariance : 0;
  return { clipFraction, meanSquaredError, explainedVariance };
}
