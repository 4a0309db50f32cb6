/**
 * The model the built-in demo trains: the reference shape (byte vocabulary, d_model 128,
 * 4 layers of 4 heads) with a context long enough for three RLEF turns of the task suite.
 */
import { REFERENCE_CONFIG, type ModelConfig } from './config.ts';

export const DEMO_MODEL_CONFIG: ModelConfig = { ...REFERENCE_CONFIG, maxContext: 1024 };

/**
 * The model sizes of session 14's scale study (`pipelines/gpu/scale.sh`, `pipelines/sft-scale-gpu.ts`):
 * s is the demo model (1.08 M parameters); m 6.36 M; l 18.98 M. Heads of 32 dimensions, MLP 4x wide.
 */
export const SCALE_MODELS: Readonly<Record<'s' | 'm' | 'l', ModelConfig>> = {
  s: DEMO_MODEL_CONFIG,
  m: { ...DEMO_MODEL_CONFIG, dModel: 256, nLayers: 6, nHeads: 8, nKvHeads: 8, ffnDim: 1024 },
  l: { ...DEMO_MODEL_CONFIG, dModel: 384, nLayers: 8, nHeads: 12, nKvHeads: 12, ffnDim: 1536 },
};
