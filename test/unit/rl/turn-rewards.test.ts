import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { turnKl } from '../../../src/rl/turn-kl.ts';
import { turnRewards } from '../../../src/rl/turn-rewards.ts';
import { repeatsEarlierCode } from '../../../src/rl/episode-turns.ts';
import { episodeArb, turnArb } from './fixtures.ts';

const betaArb = fc.double({ min: 0, max: 1, noNaN: true });

test('each reward is r_t within β·K of its score, so it lies in [−1 − β·K, 1 + β·K]', () => {
  // K is the largest |log π − log π_ref| over the episode's tokens; |KL_t| ≤ K because KL_t is a mean.
  fc.assert(
    fc.property(episodeArb, betaArb, (episode, beta) => {
      const { scores, rewards } = turnRewards(episode, { beta, klAggregation: 'mean', invalidReward: -0.2 });
      let k = 0;
      for (const turn of episode.turns) for (let i = 0; i < turn.tokenCount; i++) k = Math.max(k, Math.abs((turn.logp[i] ?? 0) - (turn.refLogp[i] ?? 0)));
      const slack = 1e-9;
      rewards.forEach((reward, t) => {
        assert.ok(Math.abs(reward - (scores[t] ?? NaN)) <= beta * k + slack);
        assert.ok(reward >= -1 - beta * k - slack && reward <= 1 + beta * k + slack);
      });
    }),
    { numRuns: 300 },
  );
});

test('the repeat reward appears exactly on the non-final turns with code marked as repeats; at 0 the scores are the paper\'s', () => {
  fc.assert(
    fc.property(
      episodeArb.chain((episode) =>
        fc.tuple(fc.constant(episode), fc.array(fc.boolean(), { minLength: episode.turns.length, maxLength: episode.turns.length })),
      ),
      fc.double({ min: -1, max: 0, noNaN: true }),
      ([episode, marks], repeatReward) => {
        const marked = { ...episode, turns: episode.turns.map((turn, t) => ({ ...turn, repeat: marks[t] === true })) };
        const base = { beta: 0, klAggregation: 'mean', invalidReward: -0.2 } as const;
        const { scores } = turnRewards(marked, { ...base, repeatReward });
        const paper = turnRewards(marked, base).scores;
        const last = episode.turns.length - 1;
        marked.turns.forEach((turn, t) => {
          const expected = t === last ? (episode.solved ? 1 : -1) : !turn.hasCode ? -0.2 : turn.repeat ? repeatReward : 0;
          assert.equal(scores[t], expected);
          assert.equal(paper[t], t === last ? (episode.solved ? 1 : -1) : turn.hasCode ? 0 : -0.2);
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('a repeat is code seen in an earlier turn of the episode, trailing spaces and blank lines aside', () => {
  const codes = ['print(1)', null, 'print(1)  \n\n', 'print(2)', 'print(2)', null, '  print(1)'];
  assert.deepEqual(codes.map((_, t) => repeatsEarlierCode(codes, t)), [false, false, true, false, true, false, false]);
  assert.equal(repeatsEarlierCode([], 0), false);
});

test('the invalid reward appears exactly on the non-final turns without code, and ±1 only on the final turn', () => {
  fc.assert(
    fc.property(episodeArb, (episode) => {
      const { scores } = turnRewards(episode);
      const last = episode.turns.length - 1;
      episode.turns.forEach((turn, t) => {
        const expected = t === last ? (episode.solved ? 1 : -1) : turn.hasCode ? 0 : -0.2;
        assert.equal(scores[t], expected);
      });
    }),
    { numRuns: 300 },
  );
});

test('the per-turn KL is unchanged by repeating the turn’s tokens, while the summed variant scales with them', () => {
  fc.assert(
    fc.property(turnArb, fc.integer({ min: 2, max: 5 }), (turn, k) => {
      const repeat = (xs: Float32Array): Float32Array => Float32Array.from({ length: xs.length * k }, (_, i) => xs[i % xs.length] ?? 0);
      const n = turn.tokenCount;
      const mean = turnKl(turn.logp, turn.refLogp, n);
      const sum = turnKl(turn.logp, turn.refLogp, n, 'sum');
      const repeatedMean = turnKl(repeat(turn.logp), repeat(turn.refLogp), n * k);
      const repeatedSum = turnKl(repeat(turn.logp), repeat(turn.refLogp), n * k, 'sum');
      assert.ok(Math.abs(repeatedMean - mean) <= 1e-9 * (1 + Math.abs(mean)));
      assert.ok(Math.abs(repeatedSum - k * sum) <= 1e-9 * (1 + Math.abs(k * sum)));
    }),
    { numRuns: 300 },
  );
});

test('a turn without tokens has KL 0', () => {
  assert.equal(turnKl(new Float32Array(0), new Float32Array(0), 0), 0);
});

test('the reward subtracts β times the per-turn KL', () => {
  fc.assert(
    fc.property(episodeArb, betaArb, fc.constantFrom('mean' as const, 'sum' as const), (episode, beta, klAggregation) => {
      const { scores, kl, rewards } = turnRewards(episode, { beta, klAggregation, invalidReward: -0.2 });
      episode.turns.forEach((turn, t) => {
        assert.equal(kl[t], turnKl(turn.logp, turn.refLogp, turn.tokenCount, klAggregation));
        assert.equal(rewards[t], (scores[t] ?? NaN) - beta * (kl[t] ?? NaN));
      });
    }),
    { numRuns: 200 },
  );
});
