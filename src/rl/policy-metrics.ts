/**
 * Diagnostics of a PPO policy step, as plain numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { maskedEntropy } from './masked-entropy.ts';
import { maskPadding, maskedMean } from './masked-mean.ts';
import { DEFAULT_POLICY_LOSS_OPTIONS, correctedRatio, type PolicyLossInputs, type PolicyLossOptions } from './ppo-loss.ts';

/** Metrics over the real tokens of a batch. */
export interface PolicyMetrics {
  /** k1 estimate of KL(π_old ‖ π_θ): mean of log π_old − log π_θ (unbiased, can be negative). */
  readonly approxKlK1: number;
  /** k3 estimate of KL(π_old ‖ π_θ): mean of (r − 1) − log r with r = π_θ/π_old (unbiased, ≥ 0). */
  readonly approxKlK3: number;
  /** Fraction of tokens whose corrected ratio lies outside [1 − ε, 1 + ε]. */
  readonly clipFraction: number;
  /** Fraction of tokens where the clipped branch is strictly the smaller one, i.e. with zero gradient. */
  readonly clipActiveFraction: number;
  /** Mean of the behaviour correction min(π_θ/π_behaviour, 1); 1 when rollouts are on-policy. */
  readonly correctionMean: number;
  /** Mean per-token entropy, present when logits were given. */
  readonly entropy?: number;
}

/**
 * Computes {@link PolicyMetrics} without gradients and reads them back with one synchronous
 * download. `logits` ([N, V]) is optional because it is large; without it `entropy` is absent.
 */
export function policyMetrics(
  inputs: PolicyLossInputs,
  options: PolicyLossOptions = DEFAULT_POLICY_LOSS_OPTIONS,
  logits?: tf.Tensor2D,
): PolicyMetrics {
  const values = tf.tidy(() => {
    const eps = options.clipEpsilon;
    const { mask } = inputs;
    const logRatio = tf.sub(maskPadding(inputs.logp, mask), maskPadding(inputs.oldLogp, mask));
    const ratio = correctedRatio(inputs);
    const advantages = maskPadding(inputs.advantages, mask);
    const unclipped = tf.mul(ratio, advantages);
    const clipped = tf.mul(tf.clipByValue(ratio, 1 - eps, 1 + eps), advantages);
    const correction = tf.exp(tf.minimum(tf.sub(maskPadding(inputs.logp, mask), maskPadding(inputs.behaviourLogp, mask)), 0));
    const parts = [
      maskedMean(tf.neg(logRatio), mask),
      maskedMean(tf.sub(tf.sub(tf.exp(logRatio), 1), logRatio), mask),
      maskedMean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), eps), 'float32'), mask),
      maskedMean(tf.cast(tf.less(clipped, unclipped), 'float32'), mask),
      maskedMean(correction, mask),
    ];
    if (logits !== undefined) parts.push(maskedEntropy(logits, mask));
    return tf.stack(parts);
  });
  const [k1 = 0, k3 = 0, clipFraction = 0, clipActiveFraction = 0, correctionMean = 0, entropy] = values.dataSync();
  values.dispose();
  const metrics = { approxKlK1: k1, approxKlK3: k3, clipFraction, clipActiveFraction, correctionMean };
  return entropy === undefined ? metrics : { ...metrics, entropy };
}
