import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import type { Checkpoint, JsonValue, TensorMap } from '../../../src/policy/checkpoint.ts';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../../../src/policy/checkpoint.ts';
import { writeDirAtomic } from '../../../src/policy/checkpoint-io.ts';
import type { NamedTensor } from '../../../src/policy/safetensors.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { HfTokenizer } from '../../../src/policy/tokenizer-hf.ts';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'rlef-ckpt-'));

function tensor(shape: number[], rng: () => number, special: number[] = []): NamedTensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = special[i] ?? (rng() - 0.5) * 10 ** Math.floor(rng() * 8 - 4);
  return { shape, data };
}

function sample(): Checkpoint {
  const rng = seedrandom('checkpoint');
  const rngState = seedrandom('run', { state: true });
  rngState();
  // Signed zero, the smallest subnormal, infinities, the largest float and NaN must come back bit for bit.
  const edge = [-0, 1e-45, Infinity, -Infinity, 3.4028234663852886e38, NaN];
  const weights = new Map([
    ['embed_tokens', tensor([261, 8], rng, edge)],
    ['layers.0.wqkv', tensor([8, 24], rng)],
    ['norm', tensor([8], rng)],
  ]);
  const moments = (prefix: string, from: TensorMap): Map<string, NamedTensor> =>
    new Map([...from].map(([name, t]) => [`${prefix}.${name}`, tensor([...t.shape], rng)]));
  const critic = new Map([['value_head', tensor([8, 1], rng)], ['norm', tensor([8], rng)]]);
  return {
    weights,
    config: { vocabSize: 261, dModel: 8, nLayers: 1, ropeTheta: 10000, tieEmbeddings: true, note: 'héllo' },
    tokenizer: new ByteTokenizer(),
    optimizer: {
      tensors: new Map([...moments('m', weights), ...moments('v', weights)]),
      state: { step: 17, lr: 2e-7, schedule: { warmup: 50, kind: 'linear' }, betas: [0.9, 0.999] },
    },
    critic: { weights: critic, config: { head: 'scalar' }, optimizer: { tensors: moments('m', critic), state: { step: 17 } } },
    state: { rng: rngState.state() as unknown as JsonValue, cursor: 4242, iteration: 3, seed: 'run' },
  };
}

function assertSameTensors(actual: TensorMap | undefined, expected: TensorMap): void {
  assert.ok(actual !== undefined);
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [name, t] of expected) {
    const got = actual.get(name);
    assert.ok(got !== undefined);
    assert.deepEqual([...got.shape], [...t.shape], name);
    assert.deepEqual(new Uint8Array(got.data.buffer, got.data.byteOffset, got.data.byteLength), new Uint8Array(t.data.buffer), name);
  }
}

test('a saved checkpoint loads back with identical tensor bytes and identical JSON', async () => {
  const dir = await tempDir();
  try {
    const original = sample();
    const manifest = await saveCheckpoint(join(dir, 'step-17'), original);
    assert.deepEqual(Object.keys(manifest.files).sort(), [
      'byte-tokenizer.json', 'config.json', 'critic-optimizer.json', 'critic-optimizer.safetensors', 'critic.json',
      'critic.safetensors', 'model.safetensors', 'optimizer.json', 'optimizer.safetensors', 'state.json',
    ]);
    const loaded = await loadCheckpoint(join(dir, 'step-17'));
    assertSameTensors(loaded.weights, original.weights);
    assertSameTensors(loaded.optimizer?.tensors, original.optimizer?.tensors ?? new Map());
    assertSameTensors(loaded.critic?.weights, original.critic?.weights ?? new Map());
    assertSameTensors(loaded.critic?.optimizer?.tensors, original.critic?.optimizer?.tensors ?? new Map());
    assert.deepEqual(loaded.config, original.config);
    assert.deepEqual(loaded.optimizer?.state, original.optimizer?.state);
    assert.deepEqual(loaded.critic?.config, original.critic?.config);
    assert.deepEqual(loaded.state, original.state);
    assert.equal(loaded.tokenizer.kind, 'byte');
    // The restored RNG continues the same stream.
    const state = loaded.state as { rng: seedrandom.State.Arc4 };
    const resumed = seedrandom('', { state: state.rng });
    const reference = seedrandom('run', { state: true });
    reference();
    assert.equal(resumed(), reference());
    // Saving what was loaded reproduces every file byte for byte.
    await saveCheckpoint(join(dir, 'again'), loaded);
    for (const name of Object.keys(manifest.files)) {
      assert.deepEqual(await readFile(join(dir, 'again', name)), await readFile(join(dir, 'step-17', name)), name);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('halfIfExact stores weights that are all half-precision numbers as F16, and any other weights as F32', async () => {
  const dir = await tempDir();
  try {
    const rng = seedrandom('half');
    // Values a trainer wrote as F16 (multiples of 2^-10 in [-1, 1], and ±0, ±Infinity): exact in half precision.
    const halfish = (n: number): NamedTensor => ({
      shape: [n],
      data: Float32Array.from({ length: n }, (_, i) => [-0, Infinity, -Infinity][i] ?? Math.round((rng() - 0.5) * 2048) / 1024),
    });
    const weights = new Map([['a', halfish(300)], ['b', halfish(7)]]);
    const base = { config: { dModel: 8 }, tokenizer: new ByteTokenizer() };
    await saveCheckpoint(join(dir, 'half'), { ...base, weights }, { halfIfExact: true });
    await saveCheckpoint(join(dir, 'full'), { ...base, weights });
    const bytes = async (name: string): Promise<Buffer> => readFile(join(dir, name, 'model.safetensors'));
    const header = (b: Buffer): string => b.subarray(8, 8 + Number(b.readBigUInt64LE(0))).toString();
    assert.match(header(await bytes('half')), /"dtype":"F16"/);
    assert.doesNotMatch(header(await bytes('full')), /F16/);
    assert.ok((await bytes('half')).length < 0.6 * (await bytes('full')).length);
    assertSameTensors((await loadCheckpoint(join(dir, 'half'))).weights, weights);
    // One value that is not a half (1 + 2^-12): the whole file stays F32, and exact.
    const b = weights.get('b');
    assert.ok(b !== undefined);
    b.data[3] = 1 + 2 ** -12;
    await saveCheckpoint(join(dir, 'mixed'), { ...base, weights }, { halfIfExact: true });
    assert.doesNotMatch(header(await bytes('mixed')), /F16/);
    assertSameTensors((await loadCheckpoint(join(dir, 'mixed'))).weights, weights);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a checkpoint without optional parts loads without them, and keeps a Hugging Face tokenizer byte for byte', async () => {
  const dir = await tempDir();
  try {
    const source = new URL('../../fixtures/tokenizer/tiny-llama3/', import.meta.url);
    const json = await readFile(new URL('tokenizer.json', source), 'utf8');
    const config = await readFile(new URL('tokenizer_config.json', source), 'utf8');
    const tokenizer = new HfTokenizer(json, config);
    const { weights } = sample();
    await saveCheckpoint(join(dir, 'c'), { weights, config: { n: 1 }, tokenizer });
    const loaded = await loadCheckpoint(join(dir, 'c'));
    assert.deepEqual(Object.keys(loaded).sort(), ['config', 'manifest', 'tokenizer', 'weights']);
    assert.equal(await readFile(join(dir, 'c', 'tokenizer.json'), 'utf8'), json);
    assert.equal(await readFile(join(dir, 'c', 'tokenizer_config.json'), 'utf8'), config);
    assert.deepEqual(loaded.tokenizer.encode('def print(the in)'), tokenizer.encode('def print(the in)'));
    assert.deepEqual(loaded.tokenizer.specials, tokenizer.specials);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an existing checkpoint is replaced only when asked, leaving no temporary folders', async () => {
  const dir = await tempDir();
  try {
    const target = join(dir, 'latest');
    const first = sample();
    await saveCheckpoint(target, first);
    await assert.rejects(saveCheckpoint(target, first), (e: unknown) => e instanceof CheckpointError && /already exists/.test(e.message));
    await saveCheckpoint(target, { ...first, state: { iteration: 4 } }, { overwrite: true });
    assert.deepEqual((await loadCheckpoint(target)).state, { iteration: 4 });
    assert.deepEqual(await readdir(dir), ['latest']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failed save leaves neither the checkpoint nor its temporary folder', async () => {
  const dir = await tempDir();
  try {
    await assert.rejects(saveCheckpoint(join(dir, 'bad'), { ...sample(), state: { loss: NaN } }), /\$\.loss is NaN/);
    await assert.rejects(
      writeDirAtomic(join(dir, 'crash'), async (temp) => {
        await writeFile(join(temp, 'half'), 'x');
        throw new Error('disk full');
      }, false),
      /disk full/,
    );
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a corrupted or incomplete checkpoint is refused with the file named', async () => {
  const dir = await tempDir();
  try {
    const target = join(dir, 'c');
    await saveCheckpoint(target, sample());
    const path = join(target, 'model.safetensors');
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await writeFile(path, bytes);
    await assert.rejects(loadCheckpoint(target), (e: unknown) => e instanceof CheckpointError && /model\.safetensors does not match/.test(e.message));
    await rm(join(target, 'checkpoint.json'));
    await assert.rejects(loadCheckpoint(target), (e: unknown) => e instanceof CheckpointError && /no checkpoint\.json/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
