/** The shape of a decoder-only Llama-style transformer, as plain JSON. */
export interface ModelConfig {
  readonly vocabSize: number;
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
  /** Key/value heads; fewer than `nHeads` for grouped-query attention. */
  readonly nKvHeads: number;
  readonly headDim: number;
  /** Hidden width of the SwiGLU MLP. */
  readonly ffnDim: number;
  readonly ropeTheta: number;
  readonly rmsNormEps: number;
  /** Whether the output projection reuses the token embedding matrix. */
  readonly tieEmbeddings: boolean;
  /** The longest sequence (prompt plus generated tokens) the model is used with. */
  readonly maxContext: number;
}

/** A config that does not describe a buildable model. */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
}

/** Throws a {@link ModelConfigError} naming the first inconsistency, or returns the config. */
export function validateConfig(config: ModelConfig): ModelConfig {
  const positive = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'ffnDim', 'maxContext'] as const;
  for (const key of positive) {
    if (!Number.isInteger(config[key]) || config[key] <= 0) throw new ModelConfigError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.nHeads % config.nKvHeads !== 0) throw new ModelConfigError(`nHeads ${config.nHeads} is not a multiple of nKvHeads ${config.nKvHeads}`);
  if (config.headDim % 2 !== 0) throw new ModelConfigError(`headDim ${config.headDim} must be even for rotary positions`);
  if (!(config.ropeTheta > 0) || !(config.rmsNormEps > 0)) throw new ModelConfigError('ropeTheta and rmsNormEps must be positive');
  return config;
}

/**
 * The project's reference policy: byte-level vocabulary (256 bytes and a few specials),
 * d_model 128, 4 layers of 4 heads, context 256.
 */
export const REFERENCE_CONFIG: ModelConfig = {
  vocabSize: 264,
  dModel: 128,
  nLayers: 4,
  nHeads: 4,
  nKvHeads: 4,
  headDim: 32,
  ffnDim: 512,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  tieEmbeddings: true,
  maxContext: 256,
};
