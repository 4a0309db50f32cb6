import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { batchEpisodes } from '../../../src/pipeline/batch-episodes.ts';
import type { Episode } from '../../../src/pipeline/episode.ts';
import { problem } from './fakes.ts';

function episode(id: string): Episode {
  return {
    id,
    iteration: 0,
    draw: { problem: problem('p'), cursor: 0, epoch: 0 },
    turns: [],
    finalVerdict: 'passed',
    solved: true,
    gradeMs: 0,
  };
}

test('batches respect the episode count and the token budget, and lose or repeat nothing', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 40 }),
      fc.integer({ min: 1, max: 8 }),
      fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
      async (sizes, perBatch, maxTokens) => {
        const episodes = sizes.map((_, i) => episode(`e${String(i).padStart(3, '0')}`));
        const size = new Map(episodes.map((e, i) => [e.id, sizes[i]!]));
        const batches = await lastValueFrom(
          from(episodes).pipe(
            batchEpisodes({ episodes: perBatch, ...(maxTokens !== undefined ? { maxTokens } : {}), tokensOf: (e) => size.get(e.id)! }),
            toArray(),
          ),
        );
        const ids = batches.flat().map((e) => e.id);
        assert.deepEqual([...ids].sort(), episodes.map((e) => e.id).sort());
        for (const batch of batches) {
          assert.ok(batch.length >= 1 && batch.length <= perBatch);
          const tokens = batch.reduce((n, e) => n + size.get(e.id)!, 0);
          // a single episode larger than the budget still forms a batch of its own
          if (maxTokens !== undefined && batch.length > 1) assert.ok(tokens <= maxTokens);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a batch is ordered by episode id whatever order the episodes finished in', async () => {
  const batches = await lastValueFrom(from(['c', 'a', 'b'].map(episode)).pipe(batchEpisodes({ episodes: 3 }), toArray()));
  assert.deepEqual(batches.map((b) => b.map((e) => e.id)), [['a', 'b', 'c']]);
});
