/**
 * Policy entropy per token from the full next-token distribution.
 */
import * as tf from '@tensorflow/tfjs';
import { maskPadding, maskedMean } from './masked-mean.ts';

/**
 * Mean over real tokens of H(π(·|context)) = −Σ_v p_v·log p_v, from logits of shape [N, V].
 * Differentiable, so it can serve as an entropy bonus as well as a metric. Padded rows count
 * for nothing.
 */
export function maskedEntropy(logits: tf.Tensor2D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const safe = maskPadding(logits, tf.reshape(mask, [-1, 1]));
    const logProbs = tf.logSoftmax(safe);
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), -1));
    return maskedMean(entropy, mask);
  });
}
