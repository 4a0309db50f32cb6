/** A typed wrapper over `tf.customGrad`, whose own signature takes untyped rest arguments. */
import * as tf from '@tensorflow/tfjs';

/** The forward pass of a custom op: its value and how to pull a gradient back through it. */
export interface CustomOpResult<T extends tf.Tensor> {
  readonly value: T;
  readonly gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[];
}

/**
 * Builds an op from a forward function that receives its tensor inputs and the `save` callback
 * (tensors saved are handed to `gradFunc`, which must return one gradient per input).
 */
export function customOp<T extends tf.Tensor>(
  forward: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomOpResult<T>,
): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad<T>((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const { value, gradFunc } = forward(inputs, save);
    // tfjs keeps every tensor made during a backward pass until the whole gradient computation
    // ends; a tidy per op frees each op's temporaries (for attention, several [T, T] maps per
    // head) as soon as its input gradients exist, which bounds peak memory by one op's scratch.
    return { value, gradFunc: (dy: T, saved: tf.Tensor[]) => tf.tidy(() => gradFunc(dy, saved)) };
  });
}
