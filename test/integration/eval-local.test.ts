import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseMetrics } from '../../src/eval/metric-spec.ts';
import { saveCheckpoint, type JsonValue } from '../../src/policy/checkpoint.ts';
import type { ModelConfig } from '../../src/policy/config.ts';
import { LlamaModel } from '../../src/policy/model.ts';
import { ByteTokenizer } from '../../src/policy/tokenizer-byte.ts';
import { evaluate, type EvaluateOptions } from '../../src/runtime/evaluate-run.ts';
import { readTrajectoryRun } from '../../src/store/trajectory-reader.ts';
import { dropStatementWords, statementDropoutStream } from '../../src/problems/drop-words.ts';
import { loadProblems } from '../../src/problems/load.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DATA = join(ROOT, 'test', 'fixtures', 'eval', 'tiny.jsonl');
const CONFIG: ModelConfig = {
  vocabSize: 261, dModel: 32, nLayers: 2, nHeads: 2, nKvHeads: 2, headDim: 16, ffnDim: 64,
  ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, maxContext: 640,
};

test('rlef eval runs a checkpoint of ours through the policy service, seeded per rollout, and logs its tokens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-eval-local-'));
  try {
    const model = new LlamaModel(CONFIG, { seed: 5 });
    await saveCheckpoint(join(dir, 'ckpt'), { weights: model.exportWeights(), config: CONFIG as unknown as JsonValue, tokenizer: new ByteTokenizer() });
    model.dispose();
    const options = (out: string): EvaluateOptions => ({
      policy: join(dir, 'ckpt'), data: DATA, limit: 1, turns: [2], rollouts: 2, temperature: 1, topP: 1, maxNewTokens: 8,
      feedback: 'real', metrics: parseMetrics('1@2,pass@1'), concurrency: 4, seed: 9, out: join(dir, out), json: true,
      backend: 'wasm', workers: 1, root: ROOT, stdout: new PassThrough(), stderr: new PassThrough(),
    });
    const report = await evaluate(options('a'));
    const summary = report.turnLimits[0]!;
    assert.equal(summary.episodes, 2);
    // An untrained byte model writes no code block: every response is invalid, nothing is solved.
    assert.equal(summary.responses, 4);
    assert.equal(summary.invalidResponses, 4);
    assert.equal(summary.metrics.find((m) => m.name === '1@2')?.value, 0);
    assert.equal(report.usage, undefined);

    const rows = (await readTrajectoryRun(join(dir, 'a', 'trajectories'))).rows;
    assert.equal(rows.length, 4);
    for (const row of rows) {
      assert.ok(row.tokenIds.length > 0 && row.tokenIds.length <= 8);
      assert.equal(row.logprobs.length, row.tokenIds.length);
    }
    const firstTurns = rows.filter((r) => r.turn === 0 && r.problemId === 'eval/right').map((r) => r.response);
    assert.equal(firstTurns.length, 2);
    assert.notEqual(firstTurns[0], firstTurns[1], 'each rollout samples from its own stream');

    // The same seed asks for the same samples.
    await evaluate(options('b'));
    const again = (await readTrajectoryRun(join(dir, 'b', 'trajectories'))).rows;
    const key = (r: { episodeId: string; turn: number }): string => `${r.episodeId}#${r.turn}`;
    const before = new Map(rows.map((r) => [key(r), r.response]));
    assert.equal(again.length, rows.length);
    for (const r of again) assert.equal(r.response, before.get(key(r)));

    // --retry-temperature: greedy first turns agree across rollouts, retries sampled at 1 do not.
    const hot = await evaluate({ ...options('c'), temperature: 0, retryTemperature: 1 });
    assert.equal(hot.retryTemperature, 1);
    const hotRows = (await readTrajectoryRun(join(dir, 'c', 'trajectories'))).rows.filter((r) => r.problemId === 'eval/right');
    const turn = (t: number): string[] => hotRows.filter((r) => r.turn === t).map((r) => r.response);
    assert.equal(new Set(turn(0)).size, 1);
    assert.equal(new Set(turn(1)).size, 2);
    await assert.rejects(evaluate({ ...options('d'), retryTemperature: -1 }), /--retry-temperature must be ≥ 0/);
    // --shorten-feedback is recorded in eval.json and the header; an openai: policy refuses it.
    const short = await evaluate({ ...options('e'), shortenFeedback: true });
    assert.equal(short.shortenFeedback, true);
    assert.equal(report.shortenFeedback, undefined);
    const { formatEvalReport } = await import('../../src/eval/eval-report.ts');
    assert.match(formatEvalReport(short), /feedback real \(shortened to fit\), temperature/);
    await assert.rejects(
      evaluate({ ...options('f'), policy: 'openai:http://127.0.0.1:9', model: 'm', shortenFeedback: true }),
      /--shorten-feedback applies to a local policy/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rlef eval --drop-words shows the statements rlef train thins with the same seed and rate, and records the rate', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-eval-drop-'));
  try {
    const seed = 4;
    const rate = 0.6;
    const report = await evaluate({
      policy: 'scripted:canonical', data: DATA, dropWords: rate, limit: 3, turns: [1], rollouts: 1, temperature: 0.2, topP: 0.95,
      feedback: 'real', metrics: parseMetrics('pass@1'), concurrency: 2, seed, out: join(dir, 'e'), json: true,
      workers: 1, root: ROOT, stdout: new PassThrough(), stderr: new PassThrough(),
    });
    assert.equal(report.dropWords, rate);
    const thinned = dropStatementWords(await loadProblems(DATA), rate, statementDropoutStream(seed)).slice(0, 3);
    const originals = (await loadProblems(DATA)).slice(0, 3);
    assert.ok(thinned.some((p, i) => p.description !== originals[i]!.description), 'some statement lost words');
    const rows = (await readTrajectoryRun(join(dir, 'e', 'trajectories'))).rows;
    assert.equal(rows.length, 3);
    for (const p of thinned) {
      const row = rows.find((r) => r.problemId === p.id)!;
      assert.ok(row.prompt.includes(p.description), `${p.id}: ${JSON.stringify(row.prompt)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
