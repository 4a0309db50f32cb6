import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '../../../src/policy/checkpoint.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { LlamaModel } from '../../../src/policy/model.ts';
import { loadPolicy } from '../../../src/runtime/load-policy.ts';
import { writeRunCheckpoint } from '../../../src/runtime/run-checkpoints.ts';
import { UsageError } from '../../../src/runtime/errors.ts';

const CONFIG = {
  vocabSize: 264, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, headDim: 8, ffnDim: 32,
  ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 64,
};

test('a run directory loads as its newest checkpoint; a folder without a policy is a usage error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-load-policy-'));
  const models = [new LlamaModel(CONFIG, { seed: 1 }), new LlamaModel(CONFIG, { seed: 2 })];
  try {
    for (const [i, model] of models.entries()) {
      const checkpoint = { config: CONFIG, weights: model.exportWeights(), tokenizer: new ByteTokenizer(), state: { iteration: i + 1 } };
      await writeRunCheckpoint(join(dir, 'run'), { checkpoint, nextIteration: i + 1 });
    }
    const loaded = await loadPolicy({ checkpoint: join(dir, 'run') }, dir);
    try {
      assert.equal(loaded.source, join(dir, 'run', 'checkpoints', 'iter-000002'));
      assert.deepEqual(loaded.model.exportWeights().get('norm')?.data, models[1]!.exportWeights().get('norm')?.data);
    } finally {
      loaded.model.dispose();
    }
    // A checkpoint folder itself still loads as it is.
    await saveCheckpoint(join(dir, 'plain'), { config: CONFIG, weights: models[0]!.exportWeights(), tokenizer: new ByteTokenizer() });
    const plain = await loadPolicy({ checkpoint: 'plain' }, dir);
    assert.equal(plain.source, join(dir, 'plain'));
    plain.model.dispose();
    await assert.rejects(loadPolicy({ checkpoint: 'nothing' }, dir), (e) => e instanceof UsageError && /run directory/.test(e.message));
  } finally {
    models.forEach((m) => m.dispose());
    await rm(dir, { recursive: true, force: true });
  }
});
