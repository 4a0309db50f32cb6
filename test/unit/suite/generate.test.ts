import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateFresh, generateNovel, generateSuite, toJsonl } from '../../../src/suite/generate.ts';
import { SUITE_DIR } from './suite-data.ts';

const small = { trainPerFamily: 1, heldoutPerFamily: 1, smokeCount: 3 } as const;

test('generating twice with the same seed gives the same bytes', async () => {
  const a = await generateSuite({ seed: 5, ...small });
  const b = await generateSuite({ seed: 5, ...small });
  for (const split of ['train', 'heldout', 'smoke'] as const) assert.equal(toJsonl(a[split]), toJsonl(b[split]));
  assert.equal(a.smoke.length, 3);
});

test('a different seed draws different test inputs', async () => {
  const a = await generateSuite({ seed: 5, ...small });
  const b = await generateSuite({ seed: 6, ...small });
  assert.notEqual(toJsonl(a.train), toJsonl(b.train));
});

test('the committed files are exactly what seed 1 regenerates', async () => {
  const suite = await generateSuite({ seed: 1 });
  for (const split of ['train', 'heldout', 'smoke'] as const) {
    assert.ok(toJsonl(suite[split]) === readFileSync(`${SUITE_DIR}${split}.jsonl`, 'utf8'), `${split}.jsonl differs`);
  }
  assert.ok(toJsonl(await generateNovel({ seed: 1 })) === readFileSync(`${SUITE_DIR}novel.jsonl`, 'utf8'), 'novel.jsonl differs');
  assert.ok(toJsonl(await generateFresh({ seed: 1 })) === readFileSync(`${SUITE_DIR}fresh.jsonl`, 'utf8'), 'fresh.jsonl differs');
});
