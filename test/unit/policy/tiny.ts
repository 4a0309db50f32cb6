/** Tiny model configs for the policy tests. */
import type { ModelConfig } from '../../../src/policy/config.ts';

/** Grouped-query, untied: exercises every branch of the model. */
export const TINY_GQA: ModelConfig = {
  vocabSize: 13,
  dModel: 8,
  nLayers: 2,
  nHeads: 2,
  nKvHeads: 1,
  headDim: 4,
  ffnDim: 12,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  tieEmbeddings: false,
  maxContext: 32,
};

/** Multi-head, tied: small enough to overfit in a few seconds. */
export const TINY_MHA: ModelConfig = {
  vocabSize: 16,
  dModel: 16,
  nLayers: 2,
  nHeads: 2,
  nKvHeads: 2,
  headDim: 8,
  ffnDim: 32,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  tieEmbeddings: true,
  maxContext: 48,
};
