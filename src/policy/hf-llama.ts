/**
 * Hugging Face Llama checkpoints → {@link LlamaModel}: `config.json` to a {@link ModelConfig},
 * and the state dict (`model.embed_tokens.weight`, `model.layers.{i}.self_attn.{q,k,v,o}_proj.weight`,
 * `mlp.{gate,up,down}_proj.weight`, the two layer norms, `model.norm.weight`, `lm_head.weight`) to
 * the model's fused, input-major weights. HF stores linear weights as [out, in]; ours are [in, out].
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateConfig, type ModelConfig } from './config.ts';
import { LlamaModel, type ModelOptions } from './model.ts';
import type { NamedTensor } from './safetensors.ts';
import { readSafetensorsDir } from './safetensors-file.ts';

/** A checkpoint that does not fit the Llama architecture this model implements. */
export class HfLlamaError extends Error {
  override readonly name = 'HfLlamaError';
}

function num(json: Record<string, unknown>, key: string, fallback?: number): number {
  const v = json[key];
  if (typeof v === 'number') return v;
  if (fallback !== undefined) return fallback;
  throw new HfLlamaError(`config.json lacks a numeric ${key}`);
}

/**
 * Reads a HF `config.json` object. `rope_theta` may be top-level (older checkpoints) or under
 * `rope_parameters` (transformers 5); only the default rope type is supported.
 */
export function configFromHf(json: Record<string, unknown>, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const rope = (json['rope_parameters'] ?? json['rope_scaling']) as Record<string, unknown> | null | undefined;
  const ropeType = JSON.stringify(rope?.['rope_type'] ?? rope?.['type'] ?? 'default');
  if (ropeType !== '"default"') throw new HfLlamaError(`rope type ${ropeType} is not supported`);
  const act = JSON.stringify(json['hidden_act'] ?? 'silu');
  if (act !== '"silu"') throw new HfLlamaError(`hidden_act ${act} is not supported (SwiGLU needs silu)`);
  if (json['attention_bias'] === true || json['mlp_bias'] === true) throw new HfLlamaError('bias terms are not supported');
  const ropeTheta = typeof json['rope_theta'] === 'number' ? json['rope_theta'] : num(rope ?? {}, 'rope_theta', 10000);
  const dModel = num(json, 'hidden_size');
  const nHeads = num(json, 'num_attention_heads');
  return validateConfig({
    vocabSize: num(json, 'vocab_size'),
    dModel,
    nLayers: num(json, 'num_hidden_layers'),
    nHeads,
    nKvHeads: num(json, 'num_key_value_heads', nHeads),
    headDim: typeof json['head_dim'] === 'number' ? json['head_dim'] : dModel / nHeads,
    ffnDim: num(json, 'intermediate_size'),
    ropeTheta,
    rmsNormEps: num(json, 'rms_norm_eps', 1e-6),
    tieEmbeddings: json['tie_word_embeddings'] === true,
    maxContext: num(json, 'max_position_embeddings', 2048),
    ...overrides,
  });
}

/** [rows, cols] → [cols, rows]. */
function transpose(t: NamedTensor, name: string, rows: number, cols: number): Float32Array {
  if (t.shape.length !== 2 || t.shape[0] !== rows || t.shape[1] !== cols) {
    throw new HfLlamaError(`${name}: expected shape [${rows}, ${cols}], got [${t.shape.join(', ')}]`);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c] ?? 0;
  return out;
}

/** Side by side: blocks of [rows, cols_i] → [rows, Σ cols_i]. */
function hconcat(blocks: readonly { data: Float32Array; cols: number }[], rows: number): Float32Array {
  const width = blocks.reduce((a, b) => a + b.cols, 0);
  const out = new Float32Array(rows * width);
  let offset = 0;
  for (const b of blocks) {
    for (let r = 0; r < rows; r++) out.set(b.data.subarray(r * b.cols, (r + 1) * b.cols), r * width + offset);
    offset += b.cols;
  }
  return out;
}

/** Maps a HF Llama state dict onto the model's weight names and layouts. */
export function weightsFromHf(c: ModelConfig, hf: ReadonlyMap<string, NamedTensor>): Map<string, NamedTensor> {
  const get = (name: string): NamedTensor => {
    const t = hf.get(name);
    if (t === undefined) throw new HfLlamaError(`checkpoint lacks ${name}`);
    return t;
  };
  const vector = (name: string, n: number): NamedTensor => {
    const t = get(name);
    if (t.data.length !== n) throw new HfLlamaError(`${name}: expected ${n} values, got ${t.data.length}`);
    return { shape: [n], data: t.data };
  };
  const d = c.dModel;
  const out = new Map<string, NamedTensor>();
  const embedding = get('model.embed_tokens.weight');
  if (embedding.shape[0] !== c.vocabSize || embedding.shape[1] !== d) throw new HfLlamaError(`model.embed_tokens.weight: shape [${embedding.shape.join(', ')}]`);
  out.set('embed_tokens', { shape: [c.vocabSize, d], data: embedding.data });
  const q = c.nHeads * c.headDim;
  const kv = c.nKvHeads * c.headDim;
  for (let i = 0; i < c.nLayers; i++) {
    const p = `model.layers.${i}.`;
    const lin = (name: string, outDim: number, inDim: number): Float32Array => transpose(get(p + name), p + name, outDim, inDim);
    out.set(`layers.${i}.input_norm`, vector(`${p}input_layernorm.weight`, d));
    out.set(`layers.${i}.wqkv`, {
      shape: [d, q + 2 * kv],
      data: hconcat(
        [
          { data: lin('self_attn.q_proj.weight', q, d), cols: q },
          { data: lin('self_attn.k_proj.weight', kv, d), cols: kv },
          { data: lin('self_attn.v_proj.weight', kv, d), cols: kv },
        ],
        d,
      ),
    });
    out.set(`layers.${i}.wo`, { shape: [q, d], data: lin('self_attn.o_proj.weight', d, q) });
    out.set(`layers.${i}.post_norm`, vector(`${p}post_attention_layernorm.weight`, d));
    out.set(`layers.${i}.wgu`, {
      shape: [d, 2 * c.ffnDim],
      data: hconcat(
        [
          { data: lin('mlp.gate_proj.weight', c.ffnDim, d), cols: c.ffnDim },
          { data: lin('mlp.up_proj.weight', c.ffnDim, d), cols: c.ffnDim },
        ],
        d,
      ),
    });
    out.set(`layers.${i}.wdown`, { shape: [c.ffnDim, d], data: lin('mlp.down_proj.weight', d, c.ffnDim) });
  }
  out.set('norm', vector('model.norm.weight', d));
  if (!c.tieEmbeddings) out.set('lm_head', { shape: [d, c.vocabSize], data: transpose(get('lm_head.weight'), 'lm_head.weight', c.vocabSize, d) });
  return out;
}

/**
 * Loads a HF Llama checkpoint folder (`config.json` plus `model.safetensors` or a sharded
 * `model.safetensors.index.json`) into a new model.
 */
export async function loadHfLlama(
  dir: string,
  options: ModelOptions & { readonly overrides?: Partial<ModelConfig> } = {},
): Promise<LlamaModel> {
  const json = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const config = configFromHf(json, options.overrides ?? {});
  const weights = weightsFromHf(config, await readSafetensorsDir(dir));
  const { overrides: _, ...modelOptions } = options;
  const model = new LlamaModel(config, modelOptions);
  model.setWeights(weights);
  return model;
}
