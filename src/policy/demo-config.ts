/**
 * The model the built-in demo trains: the reference shape (byte vocabulary, d_model 128,
 * 4 layers of 4 heads) with a context long enough for three RLEF turns of the task suite.
 */
import { REFERENCE_CONFIG, type ModelConfig } from './config.ts';

export const DEMO_MODEL_CONFIG: ModelConfig = { ...REFERENCE_CONFIG, maxContext: 1024 };
