// The PyTorch side of the warm start (`pipelines/gpu/sft_torch.py` and its plain-torch model
// `llama_plain.py`, for machines with torch but not transformers): the model gives the
// transformers-made fixtures' logits, a project checkpoint survives --init → train → --import-hf
// bit for bit when nothing is learned, and a few steps lower the loss. Skips where
// /usr/bin/python3 cannot import torch (CI installs Debian's python3-torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LlamaModel } from '../../src/policy/model.ts';
import { ByteTokenizer } from '../../src/policy/tokenizer-byte.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/policy/checkpoint.ts';
import { defineSftPipeline } from '../../src/runtime/sft-config.ts';
import { exportSequences, importHfWarmStart } from '../../src/runtime/sft-run.ts';

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
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});
