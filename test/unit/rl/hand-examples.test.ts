// The worked examples: every number below was computed by hand from RLEF.md §2–3 (β = 0.05, γ = 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPpoBatch } from '../../../src/rl/ppo-batch.ts';
import { returnsToGo } from '../../../src/rl/returns-to-go.ts';
import { turnAdvantages } from '../../../src/rl/turn-advantages.ts';
import { turnRewards } from '../../../src/rl/turn-rewards.ts';
import type { EpisodeTurns } from '../../../src/rl/episode-turns.ts';
import { assertAllClose, assertClose, turnWithDiffs } from './fixtures.ts';

// One turn, solved. Token diffs log π − log π_ref = 1, 0, 0.5, 0.5: KL = 2/4 = 0.5.
// R = 1 − 0.05·0.5 = 0.975; G = 0.975; V = 0.5 so A = 0.475.
const oneTurnSuccess: EpisodeTurns = { turns: [turnWithDiffs([1, 0, 0.5, 0.5], true, 0.5)], solved: true };

// Three turns, failed, the middle answer has no code.
// t1: code, diffs 0.25, 0.25 → KL 0.25, r 0,    R = −0.0125
// t2: no code, diff 1        → KL 1,    r −0.2, R = −0.2 − 0.05 = −0.25
// t3: code, final, failed, diffs −0.5, 0, −0.25 → KL −0.25, r −1, R = −1 + 0.0125 = −0.9875
// G3 = −0.9875, G2 = −0.25 − 0.9875 = −1.2375, G1 = −0.0125 − 1.2375 = −1.25
// V = −0.5, −0.75, −1 → A = −0.75, −0.4875, 0.0125
const threeTurnFailure: EpisodeTurns = {
  turns: [turnWithDiffs([0.25, 0.25], true, -0.5), turnWithDiffs([1], false, -0.75), turnWithDiffs([-0.5, 0, -0.25], true, -1)],
  solved: false,
};

// Two turns, solved on the second.
// t1: code that failed the public tests, diffs 0.5, 1.5 → KL 1,   r 0, R = −0.05
// t2: final, solved, diffs 0.25, 0.75                   → KL 0.5, r 1, R = 0.975
// G2 = 0.975, G1 = 0.925; V = 0.25, 0.5 → A = 0.675, 0.475
const twoTurnSuccess: EpisodeTurns = {
  turns: [turnWithDiffs([0.5, 1.5], true, 0.25), turnWithDiffs([0.25, 0.75], true, 0.5)],
  solved: true,
};

const examples = [
  { name: 'a one-turn success', episode: oneTurnSuccess, scores: [1], kl: [0.5], rewards: [0.975], returns: [0.975], advantages: [0.475] },
  {
    name: 'a three-turn failure with an invalid middle turn',
    episode: threeTurnFailure,
    scores: [0, -0.2, -1],
    kl: [0.25, 1, -0.25],
    rewards: [-0.0125, -0.25, -0.9875],
    returns: [-1.25, -1.2375, -0.9875],
    advantages: [-0.75, -0.4875, 0.0125],
  },
  {
    name: 'a two-turn success',
    episode: twoTurnSuccess,
    scores: [0, 1],
    kl: [1, 0.5],
    rewards: [-0.05, 0.975],
    returns: [0.925, 0.975],
    advantages: [0.675, 0.475],
  },
];

for (const ex of examples) {
  test(`${ex.name} gets the hand-computed scores, KLs, rewards, returns and advantages`, () => {
    const r = turnRewards(ex.episode);
    assertAllClose(r.scores, ex.scores, 0);
    assertAllClose(r.kl, ex.kl, 0);
    assertAllClose(r.rewards, ex.rewards);
    assertAllClose(returnsToGo(r.rewards), ex.returns);
    const a = turnAdvantages(r.rewards, ex.episode.turns.map((t) => t.value));
    assertAllClose(a.advantages, ex.advantages);
    assertAllClose(a.valueTargets, ex.returns);
  });
}

test('the three examples batched together carry their advantages to every token, normalised over the 14 tokens', () => {
  const result = buildPpoBatch([oneTurnSuccess, threeTurnFailure, twoTurnSuccess], { padToMultipleOf: 8 });
  assert.ok(result.ok);
  const { batch } = result;
  assert.equal(batch.layout.realTokens, 14);
  assert.equal(batch.layout.length, 16);
  assert.deepEqual([...batch.layout.offsets], [0, 4, 6, 7, 10, 12, 14]);
  assert.deepEqual([...batch.layout.mask], [...Array<number>(14).fill(1), 0, 0]);
  assertAllClose(batch.turnRawAdvantages, [0.475, -0.75, -0.4875, 0.0125, 0.675, 0.475], 1e-7);
  assertAllClose(batch.turnReturns, [0.975, -1.25, -1.2375, -0.9875, 0.925, 0.975], 1e-7);
  // Token-weighted mean: (4·0.475 + 2·(−0.75) − 0.4875 + 3·0.0125 + 2·0.675 + 2·0.475) / 14 = 2.25 / 14.
  assertClose(batch.normalization.mean, 2.25 / 14, 1e-12, 'mean');
  const raw = [0.475, 0.475, 0.475, 0.475, -0.75, -0.75, -0.4875, 0.0125, 0.0125, 0.0125, 0.675, 0.675, 0.475, 0.475];
  const std = Math.sqrt(raw.reduce((s, a) => s + (a - 2.25 / 14) ** 2, 0) / 14);
  assertClose(batch.normalization.std, std, 1e-12, 'std');
  assertAllClose(batch.tokenAdvantages, [...raw.map((a) => (a - 2.25 / 14) / std), 0, 0], 1e-6);
});

test('normalising over turns weights each of the six turns once', () => {
  const result = buildPpoBatch([oneTurnSuccess, threeTurnFailure, twoTurnSuccess], { normalizeOver: 'turns' });
  assert.ok(result.ok);
  // (0.475 − 0.75 − 0.4875 + 0.0125 + 0.675 + 0.475) / 6 = 0.4 / 6
  assertClose(result.batch.normalization.mean, 0.4 / 6, 1e-12, 'mean');
});
