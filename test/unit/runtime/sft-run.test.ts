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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
