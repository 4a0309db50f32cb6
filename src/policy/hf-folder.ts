/**
 * Reads a Hugging Face Llama-architecture model folder as plain data: `config.json` as written,
 * every tensor of `model.safetensors` (or of the shards `model.safetensors.index.json` lists) by its
 * Hugging Face name as float32, `generation_config.json` when present, and the tokenizer when the
 * folder has one. Mapping the names onto the model's fused weights is `hf-llama.ts`'s job.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../runtime/errors.ts';
import type { NamedTensor } from './safetensors.ts';
import { readSafetensorsDir } from './safetensors-file.ts';
import type { Tokenizer } from './tokenizer.ts';
import { loadTokenizer } from './tokenizer-load.ts';

/** The `model_type` values read as Llama: same blocks, same weight names. */
export const LLAMA_MODEL_TYPES: readonly string[] = ['llama'];

/** A Hugging Face model folder as data. */
export interface HfFolder {
  /** `config.json`, unchanged. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Rotary base: `rope_parameters.rope_theta` (transformers 5) or top-level `rope_theta` (older), default 10000. */
  readonly ropeTheta: number;
  /** Tensors by Hugging Face name (`model.layers.0.self_attn.q_proj.weight` …), decoded to float32. */
  readonly weights: Map<string, NamedTensor>;
  /** `generation_config.json`, or null. */
  readonly generationConfig: Readonly<Record<string, unknown>> | null;
  /** The folder's tokenizer, or null when it ships none (the caller then picks one). */
  readonly tokenizer: Tokenizer | null;
}

/**
 * Loads a local Hugging Face Llama folder; nothing is fetched.
 * @throws InputError when config.json is missing, malformed or not a Llama model
 */
export async function loadHfFolder(dir: string): Promise<HfFolder> {
  const configPath = join(dir, 'config.json');
  const config = await readJsonObject(configPath, true);
  if (config === null) throw new InputError(configPath, undefined, 'missing: not a Hugging Face model folder');
  const type = config['model_type'];
  if (typeof type !== 'string' || !LLAMA_MODEL_TYPES.includes(type)) {
    throw new InputError(configPath, undefined, `model_type ${JSON.stringify(type)} is not a Llama model (${LLAMA_MODEL_TYPES.join(', ')})`);
  }
  let weights: Map<string, NamedTensor>;
  try {
    weights = await readSafetensorsDir(dir);
  } catch (error) {
    throw new InputError(dir, undefined, `cannot read the weights: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    config,
    ropeTheta: ropeThetaOf(config),
    weights,
    generationConfig: await readJsonObject(join(dir, 'generation_config.json'), false),
    tokenizer: await loadTokenizer(dir),
  };
}

/** `rope_theta` wherever the config keeps it. */
export function ropeThetaOf(config: Readonly<Record<string, unknown>>): number {
  const nested = config['rope_parameters'];
  if (typeof nested === 'object' && nested !== null && 'rope_theta' in nested && typeof nested.rope_theta === 'number') {
    return nested.rope_theta;
  }
  const top = config['rope_theta'];
  return typeof top === 'number' ? top : 10000;
}

async function readJsonObject(path: string, required: boolean): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required || (error instanceof Error && 'code' in error && error.code === 'ENOENT')) return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(path, undefined, 'not valid JSON', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(path, undefined, 'expected a JSON object');
  return value as Record<string, unknown>;
}
