// The PyTorch side of the warm start (`pipelines/gpu/sft_torch.py` and its plain-torch model
// `llama_plain.py`, for machines with torch but not transformers): the model gives the
// transformers-made fixtures' logits, a project checkpoint survives --init → train → --import-hf
// bit for bit when nothing is learned, and a few steps lower the loss. Skips where
// /usr/bin/python3 cannot import torch (CI installs Debian's python3-torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LlamaModel } from '../../src/policy/model.ts';
import { ByteTokenizer } from '../../src/policy/tokenizer-byte.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/policy/checkpoint.ts';
import { defineSftPipeline } from '../../src/runtime/sft-config.ts';
import { exportSequences, importHfWarmStart } from '../../src/runtime/sft-run.ts';
import { readSafetensorsDir } from '../../src/policy/safetensors-file.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PYTHON = '/usr/bin/python3';
const TRAINER = join(ROOT, 'pipelines', 'gpu', 'sft_torch.py');
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const skip = hasTorch ? false : `${PYTHON} cannot import torch`;

test('llama_plain.py gives the transformers fixtures\' logits within 1e-4 and their greedy tokens', { skip }, () => {
  const script = `
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'pipelines', 'gpu'))})
from llama_plain import load_hf_folder
out = {}
for name in ["llama-mha-tied", "llama-gqa-untied"]:
    d = ${JSON.stringify(join(ROOT, 'test', 'fixtures', 'llama'))} + "/" + name
    e = json.load(open(d + "/expected.json"))
    m = load_hf_folder(d).eval()
    with torch.no_grad():
        diff = (m(input_ids=torch.tensor(e["input_ids"])).logits - torch.tensor(e["logits"])).abs().max().item()
        ids = list(e["greedy_prompt"])
        while len(ids) < len(e["greedy_output"]):
            ids.append(int(m(input_ids=torch.tensor([ids])).logits[0, -1].argmax()))
    out[name] = {"diff": diff, "greedy": ids == e["greedy_output"]}
print(json.dumps(out))
`;
  const result = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' })) as Record<string, { diff: number; greedy: boolean }>;
  assert.deepEqual(Object.keys(result).sort(), ['llama-gqa-untied', 'llama-mha-tied']);
  for (const [name, r] of Object.entries(result)) {
    assert.ok(r.diff < 1e-4, `${name}: max |Δlogit| ${r.diff}`);
    assert.ok(r.greedy, `${name}: greedy tokens differ`);
  }
});

test('sft_torch.py --init: a project checkpoint comes back bit for bit at lr 0, and a few steps at lr 1e-2 lower the loss', { skip, timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-torch-'));
  const config = {
    vocabSize: 264, dModel: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, headDim: 8, ffnDim: 24,
    ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: false, maxContext: 64,
  };
  const model = new LlamaModel(config, { seed: 3 });
  try {
    const weights = model.exportWeights();
    await saveCheckpoint(join(dir, 'init'), { weights, config, tokenizer: new ByteTokenizer(), state: { kind: 'test' } });
    // A little language to learn: ids counting up from a random start, the second half trained.
    const seqs = Array.from({ length: 24 }, (_, i) => {
      const ids = Int32Array.from({ length: 20 }, (_, j) => 10 + ((i * 7 + j) % 40));
      return { problemId: `p${i}`, kind: 'solve' as const, ids, trainMask: Uint8Array.from({ length: 20 }, (_, j) => (j >= 10 ? 1 : 0)), trainedTokens: 10 };
    });
    await exportSequences(join(dir, 'seq'), seqs, { model: config });
    const train = (out: string, lr: number, epochs: number): { steps: number; curve: { loss: number }[]; init: string; model: string } => {
      execFileSync(PYTHON, [TRAINER, '--data', join(dir, 'seq'), '--init', join(dir, 'init'), '--out', join(dir, out), '--lr', String(lr),
        '--epochs', String(epochs), '--batch-tokens', '80', '--warmup', '1', '--log-every', '1', '--threads', '1'], { encoding: 'utf8', stdio: 'pipe' });
      return JSON.parse(readFileSync(join(dir, out, 'train.json'), 'utf8')) as never;
    };

    const still = train('hf0', 0, 1);
    assert.equal(still.init, join(dir, 'init'));
    assert.match(still.model, /plain torch/);
    const pipeline = defineSftPipeline({
      name: 'torch-test', description: 'test', data: { train: 'data/suite/smoke.jsonl' }, model: config, seed: 1, repairShare: 0,
      training: { steps: 1, batchTokens: 100, microTokens: 4096, lr: 1e-3, warmupSteps: 1, minLrRatio: 0.1, weightDecay: 0, maxGradNorm: 1, checkpointEvery: 1, logEvery: 1, saveOptimizer: false },
      out: join(dir, 'ckpt'), exec: { workers: 1 }, evaluation: { problems: 0, maxNewTokens: 8 },
    });
    await importHfWarmStart({ pipeline, root: ROOT, from: join(dir, 'hf0'), backend: 'wasm', log: () => undefined });
    const back = await loadCheckpoint(join(dir, 'ckpt'));
    assert.equal(back.weights.size, weights.size);
    for (const [name, tensor] of weights) assert.deepEqual(back.weights.get(name)?.data, tensor.data, name);

    const learned = train('hf1', 1e-2, 4);
    assert.ok(learned.steps >= 12, `steps ${learned.steps}`);
    const first = learned.curve[0]!.loss;
    const last = learned.curve.at(-1)!.loss;
    assert.ok(last < first * 0.8, `loss ${first} → ${last}`);
    const hfConfig = JSON.parse(await readFile(join(dir, 'hf1', 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(hfConfig['intermediate_size'], 24);
    assert.equal(hfConfig['tie_word_embeddings'], false);

    // A second stage starts from the first's Hugging Face folder; F16 weights come back within
    // half-precision rounding (relative 2^-11).
    execFileSync(PYTHON, [TRAINER, '--data', join(dir, 'seq'), '--init', join(dir, 'hf0'), '--out', join(dir, 'hf16'), '--lr', '0',
      '--epochs', '1', '--batch-tokens', '80', '--warmup', '1', '--threads', '1', '--save-dtype', 'F16'], { stdio: 'pipe' });
    const stage2 = JSON.parse(readFileSync(join(dir, 'hf16', 'train.json'), 'utf8')) as { init: string };
    assert.equal(stage2.init, join(dir, 'hf0'));
    await importHfWarmStart({ pipeline, root: ROOT, from: join(dir, 'hf16'), out: join(dir, 'ckpt16'), backend: 'wasm', log: () => undefined });
    const half = await loadCheckpoint(join(dir, 'ckpt16'));
    let changed = 0;
    for (const [name, tensor] of weights) {
      const got = half.weights.get(name)!.data;
      tensor.data.forEach((w, i) => {
        assert.ok(Math.abs(got[i]! - w) <= Math.abs(w) * 2 ** -11 + 1e-7, `${name}[${i}]: ${w} → ${got[i]}`);
        if (got[i] !== w) changed++;
      });
    }
    assert.ok(changed > 0, 'F16 rounding changed no weight: the file was not written as F16');
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

/** Eight 12-id sequences of a one-layer, d_model-16 byte model, exported for sft_torch.py. */
async function exportTinySequences(to: string): Promise<void> {
  const config = {
    vocabSize: 264, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, headDim: 8, ffnDim: 32,
    ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 64,
  };
  const seqs = Array.from({ length: 8 }, (_, i) => ({
    problemId: `p${i}`, kind: 'solve' as const, ids: Int32Array.from({ length: 12 }, (_, j) => 20 + i + j),
    trainMask: Uint8Array.from({ length: 12 }, () => 1), trainedTokens: 12,
  }));
  await exportSequences(to, seqs, { model: config });
}

test('sft_torch.py --shape sets the model\'s size from the same ids; unknown fields and bad JSON are refused', { skip, timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-torch-shape-'));
  try {
    await exportTinySequences(join(dir, 'seq'));
    const run = (...extra: string[]): ReturnType<typeof spawnSync> => spawnSync(PYTHON, [TRAINER, '--data', join(dir, 'seq'), '--out', join(dir, 'hf'),
      '--epochs', '1', '--batch-tokens', '48', '--warmup', '1', '--threads', '1', ...extra], { encoding: 'utf8' });
    const ok = run('--plain', '--shape', '{"dModel": 32, "nLayers": 2, "nHeads": 4, "nKvHeads": 2}');
    assert.equal(ok.status, 0, String(ok.stderr));
    const hf = JSON.parse(await readFile(join(dir, 'hf', 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([hf['hidden_size'], hf['num_hidden_layers'], hf['num_attention_heads'], hf['num_key_value_heads'], hf['intermediate_size']], [32, 2, 4, 2, 32]);
    const info = JSON.parse(await readFile(join(dir, 'hf', 'train.json'), 'utf8')) as { parameters: number };
    // embedding 264x32, per layer: qkv 32x(32+16+16), o 32x32, gate/up 2x32x32, down 32x32, two norms; final norm
    assert.equal(info.parameters, 264 * 32 + 2 * (32 * 64 + 32 * 32 + 2 * 32 * 32 + 32 * 32 + 64) + 32);

    const bad = run('--plain', '--shape', '{"width": 32}');
    assert.equal(bad.status, 1);
    assert.match(String(bad.stderr), /--shape: unknown model fields \['width'\]/);
    const notJson = run('--plain', '--shape', '{dModel: 32}');
    assert.match(String(notJson.stderr), /--shape: not JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sft_torch.py --save-every writes the weights along the way, each folder readable, and refuses a negative period', { skip, timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-torch-every-'));
  try {
    await exportTinySequences(join(dir, 'seq'));
    // 8 sequences of 12 ids in steps of 48 ids: 2 steps an epoch, 6 in all; saved after steps 2 and 4.
    const run = (...extra: string[]): ReturnType<typeof spawnSync> => spawnSync(PYTHON, [TRAINER, '--data', join(dir, 'seq'), '--out', join(dir, 'hf'),
      '--epochs', '3', '--batch-tokens', '48', '--warmup', '1', '--lr', '1e-2', '--threads', '1', '--plain', '--save-dtype', 'F16', ...extra], { encoding: 'utf8' });
    const ok = run('--save-every', '2');
    assert.equal(ok.status, 0, String(ok.stderr));
    assert.deepEqual((await readdir(join(dir, 'hf'))).filter((f) => f.startsWith('step-')).sort(), ['step-000002', 'step-000004']);
    const weights = async (sub: string): Promise<Float32Array> => {
      const all = await readSafetensorsDir(join(dir, 'hf', sub));
      return Float32Array.from([...all.values()].flatMap((t) => Array.from(t.data)));
    };
    const [two, four, end] = [await weights('step-000002'), await weights('step-000004'), await weights('.')];
    assert.ok(two.some((x, i) => x !== four[i]) && four.some((x, i) => x !== end[i]), 'training moved the weights between saves');
    const info = JSON.parse(await readFile(join(dir, 'hf', 'step-000004', 'train.json'), 'utf8')) as { steps: number; plannedSteps: number; intermediate: boolean };
    assert.deepEqual([info.steps, info.plannedSteps, info.intermediate], [4, 6, true]);
    const final = JSON.parse(await readFile(join(dir, 'hf', 'train.json'), 'utf8')) as { steps: number; finalLoss: number };
    assert.equal(final.steps, 6);
    assert.ok(Number.isFinite(final.finalLoss), 'a run shorter than --log-every still records its final loss');
    const bad = run('--save-every', '-1');
    assert.match(String(bad.stderr), /--save-every must be >= 0/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('llama_plain.py: fused causal attention gives the explicit masked softmax\'s logits (or is refused clearly on torch < 2)', { skip }, async () => {
  const script = `
import json, sys, torch
import torch.nn.functional as F
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'pipelines', 'gpu'))})
from llama_plain import load_hf_folder
if not hasattr(F, "scaled_dot_product_attention"):
    print(json.dumps({"sdpa": False}))
    sys.exit(0)
m = load_hf_folder(${JSON.stringify(join(ROOT, 'test', 'fixtures', 'llama', 'llama-gqa-untied'))}).eval()
x = torch.randint(0, m.config.vocab_size, (3, 17), generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    a = m(input_ids=x).logits
    m.fused_attention = True
    b = m(input_ids=x).logits
print(json.dumps({"sdpa": True, "diff": (a - b).abs().max().item()}))
`;
  const result = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' })) as { sdpa: boolean; diff?: number };
  if (result.sdpa) {
    assert.ok(result.diff! < 1e-4, `max |Δlogit| ${result.diff}`);
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'rlef-torch-fused-'));
    try {
      const config = { vocabSize: 264, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, headDim: 8, ffnDim: 32, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 64 };
      await exportSequences(join(dir, 'seq'), [{ problemId: 'p', kind: 'solve', ids: Int32Array.from([1, 2, 3]), trainMask: Uint8Array.from([1, 1, 1]), trainedTokens: 3 }], { model: config });
      const refused = spawnSync(PYTHON, [TRAINER, '--data', join(dir, 'seq'), '--out', join(dir, 'hf'), '--plain', '--fused-attention'], { encoding: 'utf8' });
      assert.equal(refused.status, 1);
      assert.match(String(refused.stderr), /--fused-attention needs torch >= 2\.0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
});
