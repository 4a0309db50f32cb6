/**
 * Means over the real positions of a padded axis.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Replaces padded positions (mask 0) by 0. Applied to *inputs* before any non-linear op, so that
 * whatever sits in the padding (stale numbers, ±Infinity, NaN) can reach neither the value nor,
 * through 0·∞ = NaN, the gradient.
 */
export function maskPadding<T extends tf.Tensor>(x: T, mask: tf.Tensor): T {
  return tf.where(tf.greater(mask, 0), x, tf.zerosLike(x));
}

/**
 * Σ x·mask / max(Σ mask, 1): the mean over real positions; an all-padding batch gives 0 instead
 * of 0/0. Padded entries of `x` are zeroed with `where`, not multiplied, for the reason above.
 */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.greater(mask, 0);
    const total = tf.sum(tf.where(real, tf.mul(x, mask), tf.zerosLike(x)));
    return tf.div(total, tf.maximum(tf.sum(mask), 1));
  });
}
