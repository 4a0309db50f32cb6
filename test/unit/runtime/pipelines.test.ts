/**
 * Every RL pipeline shipped in pipelines/ loads, is named after its file, names data files that
 * exist, and passes the checks `rlef train` makes before it starts (group size against the
 * iteration, group baseline with groups).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { REPO_ROOT, loadPipeline } from '../../../src/runtime/load-pipeline.ts';
import { checkGroups, checkSampling } from '../../../src/runtime/train.ts';

test('the shipped RL pipelines load and pass the pre-run checks', async () => {
  const dir = join(REPO_ROOT, 'pipelines');
  const checked: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
    // Only the RL pipeline configs (SFT ones use defineSftPipeline): the other files in pipelines/
    // are scripts that run when imported.
    const text = await readFile(join(dir, file), 'utf8');
    if (!text.includes('export default definePipeline(')) continue;
    const pipeline = await loadPipeline(join(dir, file));
    assert.equal(pipeline.name, basename(file, '.ts'), file);
    for (const data of [pipeline.data.train, pipeline.data.heldout]) {
      if (data !== undefined) await access(join(REPO_ROOT, data));
    }
    assert.doesNotThrow(() => checkGroups(pipeline, pipeline.training.episodesPerIteration, pipeline.training.rolloutsPerProblem ?? 1), file);
    checked.push(pipeline.name);
  }
  assert.deepEqual(checked.sort(), ['rlef-bigbatch', 'rlef-explore', 'rlef-explore-kl', 'rlef-fresh', 'rlef-gentle', 'rlef-grammar', 'rlef-group', 'rlef-hot-retry', 'rlef-lr2e5', 'rlef-lr5e5', 'rlef-norepeat', 'rlef-novel', 'rlef-novel-thinned', 'rlef-novel-whole', 'rlef-ppo', 'single-turn-ppo']);
});

test('a negative or missing-number sampling temperature is refused with the setting named', async () => {
  const base = await loadPipeline(join(REPO_ROOT, 'pipelines', 'rlef-hot-retry.ts'));
  assert.doesNotThrow(() => checkSampling(base));
  assert.throws(() => checkSampling({ ...base, rollout: { ...base.rollout, retryTemperature: -1 } }), /rlef-hot-retry: rollout\.retryTemperature must be a number ≥ 0, got -1/);
  assert.throws(() => checkSampling({ ...base, rollout: { ...base.rollout, temperature: Number.NaN } }), /rollout\.temperature must be a number ≥ 0, got NaN/);
});

test('rlef-norepeat is the default pipeline with a repeat reward of -0.5, nothing else', async () => {
  const base = await loadPipeline(join(REPO_ROOT, 'pipelines', 'rlef-ppo.ts'));
  const norepeat = await loadPipeline(join(REPO_ROOT, 'pipelines', 'rlef-norepeat.ts'));
  assert.equal(norepeat.training.ppo.rl?.repeatReward, -0.5);
  const strip = (p: typeof base): unknown => ({ ...p, name: '', description: '', training: { ...p.training, ppo: { ...p.training.ppo, rl: {} } } });
  assert.deepEqual(strip(norepeat), strip(base));
});

test('the scale study\'s shapes: pipelines/gpu/scale.sh trains what sft-scale-gpu.ts imports, of the sizes the README names', async () => {
  const { SCALE_MODELS } = await import('../../../src/policy/demo-config.ts');
  const pipeline = (await import('../../../pipelines/sft-scale-gpu.ts')).default;
  if (process.env['RLEF_SCALE'] === undefined) assert.deepEqual(pipeline.model, SCALE_MODELS.m, 'RLEF_SCALE unset imports size m');
  const { weightShapes } = await import('../../../src/policy/model.ts');
  const { validateConfig } = await import('../../../src/policy/config.ts');
  const script = await readFile(join(REPO_ROOT, 'pipelines', 'gpu', 'scale.sh'), 'utf8');
  const params = (size: keyof typeof SCALE_MODELS): number =>
    [...weightShapes(validateConfig(SCALE_MODELS[size])).values()].reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  assert.deepEqual({ s: params('s'), m: params('m'), l: params('l') }, { s: 1_083_520, m: 6_362_368, l: 18_982_272 });
  for (const size of ['s', 'm', 'l'] as const) {
    const line = new RegExp(`^\\s*${size}\\) echo '([^']*)' ;;`, 'm').exec(script);
    assert.ok(line, `scale.sh has no shape for ${size}`);
    const override = JSON.parse(line[1]!) as Record<string, number>;
    assert.deepEqual({ ...SCALE_MODELS.s, ...override }, SCALE_MODELS[size], size);
  }
});
