import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadHfFolder, ropeThetaOf } from '../../../src/policy/hf-folder.ts';
import { writeSafetensors } from '../../../src/policy/safetensors.ts';

const fixture = fileURLToPath(new URL('../../fixtures/llama/llama-gqa-untied/', import.meta.url));
const tokenizerFixture = fileURLToPath(new URL('../../fixtures/tokenizer/tiny-llama3/', import.meta.url));
const skip = existsSync(join(fixture, 'model.safetensors')) ? false : `no Llama fixture at ${fixture}`;

/** Reads one F32 tensor straight from the file's bytes, independently of the project's reader. */
function rawTensor(file: Buffer, name: string): { shape: number[]; values: number[] } {
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const entry = header[name];
  assert.ok(entry !== undefined && entry.dtype === 'F32');
  const values: number[] = [];
  for (let at = entry.data_offsets[0]; at < entry.data_offsets[1]; at += 4) values.push(file.readFloatLE(8 + headerLength + at));
  return { shape: entry.shape, values };
}

test('a Hugging Face Llama folder loads its config and every tensor by its Hugging Face name', { skip }, async () => {
  const folder = await loadHfFolder(fixture);
  assert.deepEqual(folder.config, JSON.parse(await readFile(join(fixture, 'config.json'), 'utf8')));
  assert.equal(folder.ropeTheta, 10000);
  assert.equal(folder.tokenizer, null);
  // 2 layers × 9 tensors + embeddings, final norm and untied head.
  assert.equal(folder.weights.size, 21);
  const file = await readFile(join(fixture, 'model.safetensors'));
  for (const name of ['model.layers.1.self_attn.k_proj.weight', 'lm_head.weight', 'model.norm.weight']) {
    const raw = rawTensor(file, name);
    const t = folder.weights.get(name);
    assert.ok(t !== undefined, name);
    assert.deepEqual([...t.shape], raw.shape);
    assert.deepEqual([...t.data], raw.values);
  }
  assert.deepEqual([...(folder.weights.get('model.layers.0.self_attn.k_proj.weight')?.shape ?? [])], [32, 64]);
});

test('a sharded folder with an older config and its own tokenizer loads the same tensors', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-hf-'));
  try {
    const whole = await loadHfFolder(fixture);
    const config = JSON.parse(await readFile(join(fixture, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config['rope_parameters'];
    config['rope_theta'] = 500000;
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const names = [...whole.weights.keys()];
    const shards = [names.slice(0, 10), names.slice(10)];
    const weightMap: Record<string, string> = {};
    for (const [i, shard] of shards.entries()) {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      await writeFile(join(dir, file), writeSafetensors(new Map(shard.map((n) => [n, whole.weights.get(n) ?? { shape: [], data: new Float32Array() }]))));
      for (const name of shard) weightMap[name] = file;
    }
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) await copyFile(join(tokenizerFixture, f), join(dir, f));

    const sharded = await loadHfFolder(dir);
    assert.equal(sharded.ropeTheta, 500000);
    assert.equal(sharded.tokenizer?.kind, 'hf');
    assert.equal(sharded.tokenizer.specials.eot, 273);
    assert.deepEqual(new Set(sharded.weights.keys()), new Set(names));
    for (const [name, t] of whole.weights) {
      assert.deepEqual(sharded.weights.get(name)?.data, t.data, name);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a folder that is not a Llama model, or has no config, is an input error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-hf-'));
  try {
    await assert.rejects(loadHfFolder(dir), { name: 'InputError', message: /config\.json: missing/ });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    await assert.rejects(loadHfFolder(dir), { name: 'InputError', message: /"gpt2" is not a Llama model/ });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama' }));
    await assert.rejects(loadHfFolder(dir), { name: 'InputError', message: /cannot read the weights/ });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rope theta is read from transformers-5 rope_parameters, a top-level key, or defaults to 10000', () => {
  assert.equal(ropeThetaOf({ rope_parameters: { rope_theta: 1e6, rope_type: 'default' } }), 1e6);
  assert.equal(ropeThetaOf({ rope_theta: 500000 }), 500000);
  assert.equal(ropeThetaOf({}), 10000);
});
