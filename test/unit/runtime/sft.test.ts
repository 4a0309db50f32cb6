import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createExecutionPool } from '../../../src/exec/pool.ts';
import type { ExecutionPool } from '../../../src/exec/types.ts';
import { loadProblems } from '../../../src/problems/load.ts';
import { chatTemplateFor } from '../../../src/policy/chat.ts';
import type { ModelConfig } from '../../../src/policy/config.ts';
import { LlamaModel } from '../../../src/policy/model.ts';
import { AdamW } from '../../../src/policy/optimizer.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { useBackend } from '../../../src/policy/backend.ts';
import { buildSftExamples, renderSftExample, type SftSequence } from '../../../src/runtime/sft-data.ts';
import { microBatches, SftBatcher, sftEvalLoss, sftStep } from '../../../src/runtime/sft.ts';

const SMOKE = new URL('../../../data/suite/smoke.jsonl', import.meta.url).pathname;
const TINY: ModelConfig = {
  vocabSize: 264, dModel: 32, nLayers: 2, nHeads: 2, nKvHeads: 2, headDim: 16, ffnDim: 64,
  ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 1024,
};
let pool: ExecutionPool;
let sequences: SftSequence[];

before(async () => {
  await useBackend('wasm');
  pool = await createExecutionPool({ workers: 2, log: () => undefined });
  const data = await buildSftExamples(await loadProblems(SMOKE), { pool, seed: 1, repairShare: 0.5 });
  const template = chatTemplateFor(new ByteTokenizer());
  sequences = data.examples.map((e) => renderSftExample(template, e, 1024)).filter((s): s is SftSequence => s !== undefined);
});
after(async () => {
  await pool.close();
});

test('micro-batches keep rows × longest row within the budget and keep every sequence once', () => {
  for (const budget of [600, 1500, 4096]) {
    const parts = microBatches(sequences, budget);
    for (const part of parts) {
      const longest = Math.max(...part.map((s) => s.ids.length));
      assert.ok(part.length === 1 || part.length * longest <= budget, `${part.length} × ${longest} > ${budget}`);
    }
    assert.deepEqual(parts.flat().map((s) => s.ids).sort(), [...sequences].map((s) => s.ids).sort());
  }
});

test('the batcher fills each step to the token budget and replays identically from its seed', () => {
  const a = new SftBatcher(sequences, { batchTokens: 2000, seed: 7 });
  const b = new SftBatcher(sequences, { batchTokens: 2000, seed: 7 });
  b.skip(3);
  for (let i = 0; i < 3; i++) {
    const batch = a.next();
    const tokens = batch.reduce((n, s) => n + s.ids.length, 0);
    assert.ok(tokens >= 2000 && tokens - (batch.at(-1)?.ids.length ?? 0) < 2000);
  }
  assert.deepEqual(a.next(), b.next());
});

test('a tiny model trained for a few dozen steps on a handful of dialogs drives the loss clearly down', () => {
  const handful = [
    ...sequences.filter((s) => s.kind === 'solve').slice(0, 3),
    ...sequences.filter((s) => s.kind === 'repair').slice(0, 1),
  ];
  assert.equal(handful.length, 4);
  const model = new LlamaModel(TINY, { seed: 2 });
  const optimizer = new AdamW(model.getWeights(), {
    lr: 1e-2, weightDecay: 0.0, maxGradNorm: 1.0,
    schedule: { warmupSteps: 3, totalSteps: 36, decay: 'cosine', minRatio: 0.1 },
  });
  try {
    const initial = sftEvalLoss(model, handful, 4096);
    const batcher = new SftBatcher(handful, { batchTokens: 1, seed: 1 });
    const tensors = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 36; step++) losses.push(sftStep(model, optimizer, batcher.next(), 4096).loss);
    assert.equal(tf.memory().numTensors, tensors, 'SFT steps leaked tensors');
    const final = sftEvalLoss(model, handful, 4096);
    assert.ok(initial > 5, `a fresh byte model starts near ln(264), got ${initial}`);
    assert.ok(final < 0.5 * initial, `loss went from ${initial.toFixed(3)} to ${final.toFixed(3)}`);
    assert.ok(losses.every(Number.isFinite));
  } finally {
    optimizer.dispose();
    model.dispose();
  }
});
