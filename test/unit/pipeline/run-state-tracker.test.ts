import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunStateTracker } from '../../../src/pipeline/run-state-tracker.ts';
import type { Episode, TurnRecord } from '../../../src/pipeline/episode.ts';
import type { UpdateResult } from '../../../src/pipeline/ports.ts';
import { generation, problem } from './fakes.ts';

function turn(verdict: TurnRecord['verdict']): TurnRecord {
  return { prompt: 'p', generation: generation('x'), code: verdict === 'invalid' ? null : 'x', verdict, outcomes: [], feedback: null, execMs: 1 };
}

function episode(id: string, verdicts: TurnRecord['verdict'][], solved: boolean): Episode {
  return {
    id,
    iteration: 0,
    draw: { problem: problem('p'), cursor: 0, epoch: 0 },
    turns: verdicts.map(turn),
    finalVerdict: solved ? 'passed' : (verdicts.at(-1) ?? 'invalid'),
    solved,
    gradeMs: 0,
  };
}

const info = { id: 'run', mode: 'train' as const, pipeline: 'rlef-ppo', backend: 'wasm', outDir: '/tmp', startedAt: 0 };

test('an iteration finishes when all its episodes were trained on, with solve rates by turn and the turn-2 fix rate', () => {
  const tracker = new RunStateTracker(info, { iterations: 2, episodesPerIteration: 4, maxTurns: 3 });
  const batch = [
    episode('a', ['passed'], true),
    episode('b', ['wrong_answer', 'passed'], true),
    episode('c', ['wrong_answer', 'runtime_error', 'wrong_answer'], false),
    episode('d', ['invalid', 'passed'], false),
  ];
  for (const e of batch) tracker.apply({ type: 'episode-start', start: { id: e.id, iteration: 0, draw: e.draw } }, 10);
  for (const e of batch) tracker.apply({ type: 'episode', episode: e }, 20);
  const update: UpdateResult = {
    policyVersion: 1,
    metrics: { policyLoss: 0.5, valueLoss: 2, entropy: 1, kl: 0.01, clipFraction: 0.1, updates: 4, ms: 5 },
    turnStats: batch.map((e) => e.turns.map((_, t) => ({ reward: t === e.turns.length - 1 ? (e.solved ? 1 : -1) : 0, kl: 0, value: 0, return: 0, advantage: 0, refLogprobs: null }))),
  };
  const { state, finished: done } = tracker.apply({ type: 'update', batch, update }, 110);
  assert.equal(done.length, 1);
  const finished = done[0]!;
  assert.equal(finished.iteration, 1, 'metrics count iterations from 1');
  assert.equal(finished.episodes, 4);
  assert.equal(finished.solveRate, 0.5);
  assert.deepEqual(finished.solveRateByTurn, [0.25, 0.5, 0.5]);
  assert.equal(finished.fixRateTurn2, 2 / 3);
  assert.equal(finished.reward, 0);
  assert.equal(finished.invalidRate, 1 / 8);
  assert.equal(finished.policyLoss, 0.5);
  assert.equal(finished.wallMs, 100);
  assert.equal(state.history.length, 1);
  assert.equal(state.progress.inFlight, 0);
  assert.equal(state.progress.episodesDone, 4);
  assert.equal(state.recent[0]?.episodeId, 'd');
  // d: an invalid non-final turn (−0.2), then a final answer that is not solved (−1)
  assert.equal(state.recent[0]?.reward, -1.2);
  assert.equal(state.recent.find((e) => e.episodeId === 'b')?.reward, 1);
  assert.deepEqual(tracker.counters, { execMs: 8, sandboxErrors: 0, trainMs: 5, waitingForUpdate: 0 });
  assert.equal(state.progress.etaMs, 110);
});

test('one update whose batch holds the tail of one iteration and the head of the next finishes both, in order', () => {
  const tracker = new RunStateTracker(info, { iterations: 3, episodesPerIteration: 2, maxTurns: 3 });
  const at = (e: Episode, iteration: number): Episode => ({ ...e, iteration });
  const early = [at(episode('a', ['passed'], true), 0)];
  const mixed = [at(episode('b', ['wrong_answer', 'passed'], true), 0), at(episode('c', ['passed'], true), 1), at(episode('d', ['wrong_answer'], false), 1)];
  const all = [...early, ...mixed];
  for (const e of all) tracker.apply({ type: 'episode-start', start: { id: e.id, iteration: e.iteration, draw: e.draw } }, 10);
  for (const e of all) tracker.apply({ type: 'episode', episode: e }, 20);
  const update = (batch: readonly Episode[]): UpdateResult => ({
    policyVersion: 1,
    metrics: { policyLoss: 0, valueLoss: 0, entropy: 0, kl: 0, clipFraction: 0, updates: 1, ms: 1 },
    turnStats: batch.map((e) => e.turns.map(() => ({ reward: 0, kl: 0, value: 0, return: 0, advantage: 0, refLogprobs: null }))),
  });
  assert.deepEqual(tracker.apply({ type: 'update', batch: early, update: update(early) }, 30).finished, []);
  const { state, finished } = tracker.apply({ type: 'update', batch: mixed, update: update(mixed) }, 40);
  assert.deepEqual(finished.map((m) => [m.iteration, m.episodes, m.solveRate]), [[1, 2, 1], [2, 2, 0.5]]);
  assert.deepEqual(state.history.map((m) => m.iteration), [1, 2]);
});
