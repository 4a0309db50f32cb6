/**
 * The token-level clipped PPO surrogate with RLEF's off-policy correction (RLEF.md §3).
 */
import * as tf from '@tensorflow/tfjs';
import { maskPadding, maskedMean } from './masked-mean.ts';
import { stopGradient } from './stop-gradient.ts';

/** Token-aligned inputs of the policy loss; every tensor has shape [N]. */
export interface PolicyLossInputs {
  /** log π_θ of the sampled tokens under the policy being trained (the gradient flows through this). */
  readonly logp: tf.Tensor1D;
  /** log π_old: the same tokens under the policy at the start of this update round. */
  readonly oldLogp: tf.Tensor1D;
  /** log π_behaviour: the same tokens under the (possibly stale) policy that sampled them. */
  readonly behaviourLogp: tf.Tensor1D;
  /** The (normalised) advantage of each token. */
  readonly advantages: tf.Tensor1D;
  /** 1 on real tokens, 0 on padding. Padded positions contribute nothing, whatever they hold. */
  readonly mask: tf.Tensor1D;
}

/** Options of the policy loss. */
export interface PolicyLossOptions {
  /** PPO clip range ε: the ratio is clipped to [1 − ε, 1 + ε]. Paper: 0.2. */
  readonly clipEpsilon: number;
}

/** The paper's clip range. */
export const DEFAULT_POLICY_LOSS_OPTIONS: PolicyLossOptions = { clipEpsilon: 0.2 };

/**
 * The importance ratio per token: π_θ/π_old · stopgrad(min(π_θ/π_behaviour, 1)).
 * The second factor down-weights tokens the current policy likes less than the sampler did
 * (asynchronous rollouts); it carries no gradient. Padded positions get ratio 1.
 */
export function correctedRatio(inputs: Omit<PolicyLossInputs, 'advantages'>): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = maskPadding(inputs.logp, inputs.mask);
    const oldLogp = maskPadding(inputs.oldLogp, inputs.mask);
    const behaviourLogp = maskPadding(inputs.behaviourLogp, inputs.mask);
    // exp(min(Δ, 0)) = min(exp(Δ), 1) without overflowing on large Δ.
    const correction = stopGradient(tf.exp(tf.minimum(tf.sub(logp, behaviourLogp), 0)));
    return tf.mul(tf.exp(tf.sub(logp, oldLogp)), correction);
  });
}

/**
 * −mean over real tokens of min(ratio·A, clip(ratio, 1−ε, 1+ε)·A): a scalar to minimise.
 * The whole corrected ratio is clipped, as RLEF.md §3 writes it. Where the clipped branch is the
 * smaller one the token's gradient is exactly zero. Wrap calls in `tf.tidy`/`tf.variableGrads`.
 */
export function clippedSurrogateLoss(
  inputs: PolicyLossInputs,
  options: PolicyLossOptions = DEFAULT_POLICY_LOSS_OPTIONS,
): tf.Scalar {
  return tf.tidy(() => {
    const eps = options.clipEpsilon;
    const advantages = maskPadding(inputs.advantages, inputs.mask);
    const ratio = correctedRatio(inputs);
    // Unclipped first: at a tie tf.minimum sends the gradient to its first argument.
    const surrogate = tf.minimum(tf.mul(ratio, advantages), tf.mul(tf.clipByValue(ratio, 1 - eps, 1 + eps), advantages));
    return tf.neg(maskedMean(surrogate, inputs.mask));
  });
}
