import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildPpoBatch } from '../../../src/rl/ppo-batch.ts';
import { turnWithDiffs, episodeArb, weightedStats, assertClose } from './fixtures.ts';

const batchArb = fc.array(episodeArb, { minLength: 1, maxLength: 6 });
const optionsArb = fc.record({
  baseline: fc.constantFrom('critic' as const, 'group-mean' as const, 'leave-one-out' as const),
  normalizeOver: fc.constantFrom('tokens' as const, 'turns' as const, 'none' as const),
  padToMultipleOf: fc.integer({ min: 1, max: 16 }),
  lambda: fc.constantFrom(1, 0.95),
});

test('every token of a turn carries that turn’s advantage and its own log-probs, and padding carries zeros', () => {
  fc.assert(
    fc.property(batchArb, optionsArb, (episodes, options) => {
      const result = buildPpoBatch(episodes, options);
      assert.ok(result.ok);
      const { layout, tokenAdvantages, tokenBehaviourLogp, tokenRefLogp, turnAdvantages } = result.batch;
      const turns = episodes.flatMap((e) => e.turns);
      assert.equal(layout.realTokens, turns.reduce((s, t) => s + t.tokenCount, 0));
      assert.equal(layout.length % options.padToMultipleOf, 0);
      assert.ok(layout.length - layout.realTokens < options.padToMultipleOf);
      for (let i = 0; i < layout.length; i++) {
        const t = layout.turnIndex[i] ?? -2;
        if (t < 0) {
          assert.equal(layout.mask[i], 0);
          assert.equal(tokenAdvantages[i], 0);
          continue;
        }
        const turn = turns[t];
        assert.ok(turn !== undefined);
        const k = i - (layout.offsets[t] ?? NaN);
        assert.equal(layout.mask[i], 1);
        assert.equal(tokenAdvantages[i], turnAdvantages[t]);
        assert.equal(tokenBehaviourLogp[i], turn.logp[k]);
        assert.equal(tokenRefLogp[i], turn.refLogp[k]);
      }
    }),
    { numRuns: 300 },
  );
});

test('batch advantages normalised over tokens have mean 0 and std 1 over the real tokens', () => {
  fc.assert(
    fc.property(batchArb, (episodes) => {
      const result = buildPpoBatch(episodes);
      assert.ok(result.ok);
      const { layout, tokenAdvantages } = result.batch;
      fc.pre(layout.realTokens > 0 && result.batch.normalization.std > 1e-3);
      const stats = weightedStats(tokenAdvantages, layout.mask);
      assertClose(stats.mean, 0, 1e-5, 'mean');
      assertClose(stats.std, 1, 1e-5, 'std');
    }),
    { numRuns: 200 },
  );
});

test('with a group baseline every turn of an episode gets the episode’s advantage', () => {
  const a = (solved: boolean, id: string): { turns: ReturnType<typeof turnWithDiffs>[]; solved: boolean; groupId: string } => ({
    turns: [turnWithDiffs([0], true, 9), turnWithDiffs([0, 0], true, 9)],
    solved,
    groupId: id,
  });
  const result = buildPpoBatch([a(true, 'p'), a(false, 'p'), a(false, 'p'), a(true, 'q')], { baseline: 'group-mean', normalizeOver: 'none' });
  assert.ok(result.ok);
  // Group p returns 1, −1, −1 (mean −1/3); group q has one member and gets 0. Values (9) are ignored.
  const expected = [4 / 3, 4 / 3, -2 / 3, -2 / 3, -2 / 3, -2 / 3, 0, 0];
  [...result.batch.turnAdvantages].forEach((x, i) => assertClose(x, expected[i] ?? NaN, 1e-6));
});

test('malformed episodes come back as issues, not as numbers', () => {
  const good = turnWithDiffs([0.5], true, 0);
  const short = { ...turnWithDiffs([0.5, 0.5], true, 0), tokenCount: 3 };
  const result = buildPpoBatch([
    { turns: [], solved: true },
    { turns: [good, short], solved: false },
    { turns: [{ ...good, value: Number.NaN }], solved: true },
  ]);
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.deepEqual(result.issues, [
    { kind: 'no-turns', episode: 0 },
    { kind: 'length-mismatch', episode: 1, turn: 1, field: 'logp', expected: 3, actual: 2 },
    { kind: 'length-mismatch', episode: 1, turn: 1, field: 'refLogp', expected: 3, actual: 2 },
    { kind: 'non-finite', episode: 2, turn: 0, field: 'value' },
  ]);
  const noGroup = buildPpoBatch([{ turns: [good], solved: true }], { baseline: 'leave-one-out' });
  assert.ok(!noGroup.ok);
  assert.deepEqual(noGroup.issues, [{ kind: 'missing-group', episode: 0 }]);
});
