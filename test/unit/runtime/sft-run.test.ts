import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCheckpoint } from '../../../src/policy/checkpoint.ts';
import { loadPolicy } from '../../../src/runtime/load-policy.ts';
import { defineSftPipeline } from '../../../src/runtime/sft-config.ts';
import { EVALUATION_FILE, runSft } from '../../../src/runtime/sft-run.ts';
import { UsageError } from '../../../src/runtime/errors.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

test('runSft trains from the smoke split, writes a checkpoint rlef train can load, and grades greedy answers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-sft-run-'));
  try {
    const pipeline = defineSftPipeline({
      name: 'sft-tiny',
      description: 'test',
      data: { train: 'data/suite/smoke.jsonl', heldout: 'data/suite/smoke.jsonl' },
      model: {
        vocabSize: 264, dModel: 32, nLayers: 2, nHeads: 2, nKvHeads: 2, headDim: 16, ffnDim: 64,
        ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 1024,
      },
      seed: 2,
      repairShare: 0.5,
      training: {
        steps: 4, batchTokens: 1500, microTokens: 4096, lr: 1e-2, warmupSteps: 1, minLrRatio: 0.1,
        weightDecay: 0.1, maxGradNorm: 1, checkpointEvery: 2, logEvery: 2, saveOptimizer: true,
      },
      out: join(dir, 'ckpt'),
      feedbackCache: join(dir, 'feedback.jsonl'),
      exec: { workers: 1 },
      evaluation: { problems: 2, maxNewTokens: 16 },
    });
    const lines: string[] = [];
    const summary = await runSft({ pipeline, root: ROOT, backend: 'wasm', log: (line) => lines.push(line) });
    assert.equal(summary.steps, 4);
    assert.equal(summary.examples.solve, 12);
    assert.equal(summary.examples.repair, 12);
    assert.ok(Number.isFinite(summary.finalLoss) && summary.finalLoss > 0);
    assert.equal(summary.evaluation?.problems, 2);
    assert.ok(lines.some((l) => /^\[sft\] step 2\/4 loss \d+\.\d+ .* tok\/s \d+ elapsed \S+ eta \S+$/.test(l)), lines.join('\n'));

    const answers = (await readFile(join(dir, 'ckpt', EVALUATION_FILE), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { problemId: string });
    assert.deepEqual(answers.map((a) => a.problemId), summary.evaluation?.results.map((r) => r.problemId));
    const checkpoint = await loadCheckpoint(join(dir, 'ckpt'));
    assert.equal(checkpoint.optimizer, undefined, 'the finished checkpoint holds weights only');
    assert.deepEqual(checkpoint.state, { kind: 'sft', pipeline: 'sft-tiny', step: 4, seed: 2, steps: 4, backend: 'wasm' });
    const loaded = await loadPolicy({ checkpoint: join(dir, 'ckpt') }, ROOT);
    try {
      assert.equal(loaded.model.config.dModel, 32);
      const w = loaded.model.exportWeights().get('norm');
      assert.deepEqual(w?.data, checkpoint.weights.get('norm')?.data);
    } finally {
      loaded.model.dispose();
    }

    // --resume on the finished checkpoint trains nothing and grades the same greedy answers again.
    const again = await runSft({ pipeline, root: ROOT, backend: 'wasm', resume: true, log: () => undefined });
    assert.equal(again.steps, 4);
    assert.deepEqual(again.evaluation?.results, summary.evaluation?.results);
    await assert.rejects(runSft({ pipeline, root: ROOT, backend: 'wasm', resume: true, steps: 6, log: () => undefined }), UsageError);

    // `init`: fine-tuning starts from the checkpoint's weights (one step at a vanishing learning
    // rate leaves them as they were; from a fresh initialisation they would differ entirely).
    const noEval = { problems: 0, maxNewTokens: 16 };
    const tiny = { ...pipeline.training, steps: 1, lr: 1e-12, checkpointEvery: 1 };
    const tuned = { ...pipeline, init: join(dir, 'ckpt'), out: join(dir, 'ft'), training: tiny, evaluation: noEval };
    const initLines: string[] = [];
    await runSft({ pipeline: tuned, root: ROOT, backend: 'wasm', log: (line) => initLines.push(line) });
    assert.ok(initLines.some((l) => l.startsWith('[sft] starting from the weights of')), initLines.join('\n'));
    const after = await loadCheckpoint(join(dir, 'ft'));
    for (const [name, tensor] of checkpoint.weights) {
      const got = after.weights.get(name)?.data as Float32Array;
      const maxDiff = tensor.data.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
      assert.ok(maxDiff < 1e-6, `${name} moved by ${maxDiff}`);
    }
    const otherShape = { ...tuned, model: { ...pipeline.model, ffnDim: 96 }, out: join(dir, 'ft2') };
    await assert.rejects(runSft({ pipeline: otherShape, root: ROOT, backend: 'wasm', log: () => undefined }), (error: unknown) => error instanceof UsageError && /ffnDim \(64 vs 96\)/.test(error.message));
    for (const fitToGeneration of [0, 1024, 2.5]) {
      const badFit = { ...tuned, fitToGeneration, out: join(dir, 'ft3') };
      await assert.rejects(runSft({ pipeline: badFit, root: ROOT, backend: 'wasm', log: () => undefined }), (error: unknown) => error instanceof UsageError && error.message.includes(`fitToGeneration must be a whole number of tokens in [1, 1024), got ${fitToGeneration}`));
    }
    await assert.rejects(runSft({ pipeline: { ...tuned, shortenFeedback: true, out: join(dir, 'ft4') }, root: ROOT, backend: 'wasm', log: () => undefined }), /shortenFeedback shapes the fit of fitToGeneration, which is not set/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--export-sequences writes aligned ids and masks; --import-hf turns an external trainer\'s Hugging Face folder into the checkpoint, refusing another shape', async () => {
  const { exportSequences, importHfWarmStart } = await import('../../../src/runtime/sft-run.ts');
  const { LlamaModel } = await import('../../../src/policy/model.ts');
  const { writeSafetensorsFile } = await import('../../../src/policy/safetensors-file.ts');
  const { writeFile, mkdir } = await import('node:fs/promises');
  const dir = await mkdtemp(join(tmpdir(), 'rlef-sft-hf-'));
  const config = {
    vocabSize: 264, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, headDim: 8, ffnDim: 24,
    ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 256,
  };
  const pipeline = defineSftPipeline({
    name: 'sft-hf', description: 'test', data: { train: 'data/suite/smoke.jsonl' }, model: config, seed: 1, repairShare: 0.5,
    training: { steps: 1, batchTokens: 100, microTokens: 4096, lr: 1e-3, warmupSteps: 1, minLrRatio: 0.1, weightDecay: 0, maxGradNorm: 1, checkpointEvery: 1, logEvery: 1, saveOptimizer: false },
    out: join(dir, 'ckpt'), exec: { workers: 1 }, evaluation: { problems: 0, maxNewTokens: 8 },
  });
  const model = new LlamaModel(config, { seed: 5 });
  try {
    // Export: ids and masks back to back, lengths in the index.
    const seqs = [
      { problemId: 'a', kind: 'solve' as const, ids: Int32Array.from([1, 2, 3]), trainMask: Uint8Array.from([0, 1, 1]), trainedTokens: 2 },
      { problemId: 'b', kind: 'repair' as const, ids: Int32Array.from([4, 5]), trainMask: Uint8Array.from([0, 1]), trainedTokens: 1 },
    ];
    await exportSequences(join(dir, 'seq'), seqs, { model: config });
    const ids = new Int32Array((await readFile(join(dir, 'seq', 'ids.i32'))).buffer.slice(0));
    assert.deepEqual(Array.from(ids), [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(await readFile(join(dir, 'seq', 'mask.u8'))), [0, 1, 1, 0, 1]);
    const index = JSON.parse(await readFile(join(dir, 'seq', 'index.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([index['count'], index['tokens'], index['lengths'], index['kinds']], [2, 5, [3, 2], ['solve', 'repair']]);

    // A Hugging Face folder written the way transformers lays a Llama out ([out, in] linears, split q/k/v and gate/up).
    const hf = join(dir, 'hf');
    await mkdir(hf);
    const w = model.exportWeights();
    const t = (name: string, rows: number, cols: number, from = 0, width = cols): { shape: number[]; data: Float32Array } => {
      const src = w.get(name)!.data;
      const out = new Float32Array(width * rows);
      for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) out[c * rows + r] = src[r * cols + from + c]!;
      return { shape: [width, rows], data: out };
    };
    const q = config.nHeads * config.headDim;
    const kv = config.nKvHeads * config.headDim;
    const d = config.dModel;
    const tensors = new Map([
      ['model.embed_tokens.weight', w.get('embed_tokens')!],
      ['model.norm.weight', w.get('norm')!],
      ['model.layers.0.input_layernorm.weight', w.get('layers.0.input_norm')!],
      ['model.layers.0.post_attention_layernorm.weight', w.get('layers.0.post_norm')!],
      ['model.layers.0.self_attn.q_proj.weight', t('layers.0.wqkv', d, q + 2 * kv, 0, q)],
      ['model.layers.0.self_attn.k_proj.weight', t('layers.0.wqkv', d, q + 2 * kv, q, kv)],
      ['model.layers.0.self_attn.v_proj.weight', t('layers.0.wqkv', d, q + 2 * kv, q + kv, kv)],
      ['model.layers.0.self_attn.o_proj.weight', t('layers.0.wo', q, d)],
      ['model.layers.0.mlp.gate_proj.weight', t('layers.0.wgu', d, 2 * config.ffnDim, 0, config.ffnDim)],
      ['model.layers.0.mlp.up_proj.weight', t('layers.0.wgu', d, 2 * config.ffnDim, config.ffnDim, config.ffnDim)],
      ['model.layers.0.mlp.down_proj.weight', t('layers.0.wdown', config.ffnDim, d)],
    ]);
    await writeSafetensorsFile(join(hf, 'model.safetensors'), tensors);
    const hfConfig = {
      model_type: 'llama', vocab_size: 264, hidden_size: d, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
      head_dim: 8, intermediate_size: 24, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true, max_position_embeddings: 256, hidden_act: 'silu',
    };
    await writeFile(join(hf, 'config.json'), JSON.stringify(hfConfig));
    await writeFile(join(hf, 'train.json'), JSON.stringify({ steps: 7, finalLoss: 0.5 }));
    const summary = await importHfWarmStart({ pipeline, root: ROOT, from: hf, backend: 'wasm', log: () => undefined });
    assert.equal(summary.steps, 7);
    const checkpoint = await loadCheckpoint(join(dir, 'ckpt'));
    for (const [name, tensor] of w) assert.deepEqual(checkpoint.weights.get(name)?.data, tensor.data, name);
    assert.deepEqual((checkpoint.state as { trainer?: string }).trainer, 'pytorch');

    await writeFile(join(hf, 'config.json'), JSON.stringify({ ...hfConfig, intermediate_size: 32 }));
    await assert.rejects(importHfWarmStart({ pipeline, root: ROOT, from: hf, backend: 'wasm', log: () => undefined }), /model shape differs .*ffnDim \(32 vs 24\)/);
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test('an SFT pipeline may name several training files: their problems are read one after the other', async () => {
  const { loadTrainProblems } = await import('../../../src/runtime/sft-run.ts');
  const base = {
    name: 'multi', description: 'test', model: { vocabSize: 264, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, headDim: 8, ffnDim: 24, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 256 },
    seed: 1, repairShare: 0,
    training: { steps: 1, batchTokens: 100, microTokens: 4096, lr: 1e-3, warmupSteps: 1, minLrRatio: 0.1, weightDecay: 0, maxGradNorm: 1, checkpointEvery: 1, logEvery: 1, saveOptimizer: false },
    out: 'unused', exec: { workers: 1 }, evaluation: { problems: 0, maxNewTokens: 8 },
  };
  const path = (p: string): string => resolve(ROOT, p);
  const smoke = await loadTrainProblems(defineSftPipeline({ ...base, data: { train: 'data/suite/smoke.jsonl' } }), path);
  const heldout = await loadTrainProblems(defineSftPipeline({ ...base, data: { train: ['data/suite/heldout.jsonl'] } }), path);
  const both = await loadTrainProblems(defineSftPipeline({ ...base, data: { train: ['data/suite/heldout.jsonl', 'data/suite/smoke.jsonl'] } }), path);
  assert.equal(smoke.length, 12);
  assert.deepEqual(both.map((p) => p.id), [...heldout, ...smoke].map((p) => p.id));
});

test('data.selfRepairs adds the recorded failures as repair dialogs of the training problems they name', async () => {
  const { writeFile } = await import('node:fs/promises');
  const { selfRepairsJsonl } = await import('../../../src/runtime/self-repairs.ts');
  const dir = await mkdtemp(join(tmpdir(), 'rlef-sft-self-'));
  try {
    const smoke = (await readFile(join(ROOT, 'data', 'suite', 'smoke.jsonl'), 'utf8')).split('\n')[0]!;
    const id = (JSON.parse(smoke) as { id: string }).id;
    const file = join(dir, 'self.jsonl');
    await writeFile(file, selfRepairsJsonl([
      { problemId: id, prompt: 'the statement as seen', attempt: 'print(0)', feedback: 'Your code failed the following tests: …' },
      { problemId: 'heldout/elsewhere/0', prompt: 'p', attempt: 'print(1)', feedback: 'f' },
    ]));
    const lines: string[] = [];
    const summary = await runSft({
      pipeline: defineSftPipeline({
        name: 'sft-self', description: 'test', data: { train: 'data/suite/smoke.jsonl', selfRepairs: file },
        model: { vocabSize: 264, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, headDim: 8, ffnDim: 24, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 512 },
        seed: 1, repairShare: 0,
        training: { steps: 1, batchTokens: 100, microTokens: 4096, lr: 1e-3, warmupSteps: 1, minLrRatio: 0.1, weightDecay: 0, maxGradNorm: 1, checkpointEvery: 1, logEvery: 1, saveOptimizer: false },
        out: join(dir, 'ckpt'), exec: { workers: 1 }, evaluation: { problems: 0, maxNewTokens: 8 },
      }),
      root: ROOT, exportTo: join(dir, 'seq'), backend: 'cpu', log: (line) => lines.push(line),
    });
    assert.equal(summary.examples.solve, 12);
    assert.equal(summary.examples.selfRepair, 1);
    assert.ok(lines.some((l) => l === `[sft] 1 self-repairs from ${file} (1 of problems not in the training files left out)`), lines.join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
