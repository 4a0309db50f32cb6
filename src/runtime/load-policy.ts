/**
 * Creates the starting policy of a run: from one of our checkpoints (or a run directory, meaning
 * its newest checkpoint), from a Hugging Face Llama folder, or (when neither exists and the
 * pipeline allows it) a freshly initialised model with the byte tokenizer.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LlamaModel } from '../policy/model.ts';
import type { ModelConfig } from '../policy/config.ts';
import { loadCheckpoint, type Checkpoint } from '../policy/checkpoint.ts';
import { loadHfFolder } from '../policy/hf-folder.ts';
import { configFromHf, weightsFromHf } from '../policy/hf-llama.ts';
import { ByteTokenizer } from '../policy/tokenizer-byte.ts';
import type { Tokenizer } from '../policy/tokenizer.ts';
import { UsageError } from './errors.ts';
import { latestRunCheckpoint } from './run-checkpoints.ts';

export interface LoadedPolicy {
  readonly model: LlamaModel;
  readonly tokenizer: Tokenizer;
  /** Where it came from, for the log and the run record. */
  readonly source: string;
  /** The whole checkpoint when the policy came from one of ours (optimizer, critic, state). */
  readonly checkpoint?: Checkpoint;
}

export type PolicySource =
  | { readonly checkpoint: string; readonly fallback?: { readonly config: ModelConfig; readonly seed: number } }
  | { readonly config: ModelConfig; readonly seed: number };

async function present(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Loads (or creates) the policy described by `source`; `root` resolves relative paths. */
export async function loadPolicy(source: PolicySource, root: string): Promise<LoadedPolicy> {
  if ('config' in source) {
    return { model: new LlamaModel(source.config, { seed: source.seed }), tokenizer: new ByteTokenizer(), source: 'fresh' };
  }
  const given = source.checkpoint.startsWith('/') ? source.checkpoint : join(root, source.checkpoint);
  // A run directory stands for its newest checkpoint (checkpoints/latest.json).
  const dir = (await latestRunCheckpoint(given)) ?? given;
  if (await present(join(dir, 'checkpoint.json'))) {
    const checkpoint = await loadCheckpoint(dir);
    const model = new LlamaModel(checkpoint.config as unknown as ModelConfig);
    model.setWeights(checkpoint.weights);
    return { model, tokenizer: checkpoint.tokenizer, source: dir, checkpoint };
  }
  if (await present(join(dir, 'config.json'))) {
    const hf = await loadHfFolder(dir);
    if (hf.tokenizer === null) throw new UsageError(`${dir}: a Hugging Face model folder needs its tokenizer.json`);
    const config = configFromHf(hf.config);
    const model = new LlamaModel(config);
    model.setWeights(weightsFromHf(config, hf.weights));
    return { model, tokenizer: hf.tokenizer, source: dir };
  }
  if (source.fallback !== undefined) {
    const { config, seed } = source.fallback;
    return { model: new LlamaModel(config, { seed }), tokenizer: new ByteTokenizer(), source: `fresh (no checkpoint at ${dir})` };
  }
  throw new UsageError(`${dir}: no checkpoint (checkpoint.json), run directory (checkpoints/latest.json) or Hugging Face folder (config.json) there`);
}
