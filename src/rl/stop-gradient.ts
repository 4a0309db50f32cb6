/**
 * tfjs has no stop-gradient op; this is one built from `customGrad`.
 */
import * as tf from '@tensorflow/tfjs';

/** Returns a copy of `x` whose gradient is zero: the value flows forward, nothing flows back. */
export const stopGradient: <T extends tf.Tensor>(x: T) => T = tf.customGrad((x) => {
  const input = x as tf.Tensor;
  return { value: input.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as <T extends tf.Tensor>(x: T) => T;
