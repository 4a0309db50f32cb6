import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateCrossed, generateFresh, generateGrammar, generateNovel, generateSuite, toJsonl } from '../../../src/suite/generate.ts';
import { FAMILIES } from '../../../src/suite/families/index.ts';
import { rngFor } from '../../../src/suite/random.ts';
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
  assert.ok(toJsonl(await generateGrammar({ seed: 1, perFamily: 20 })) === readFileSync(`${SUITE_DIR}grammar.jsonl`, 'utf8'), 'grammar.jsonl differs');
});

test('a grammar problem has the plain draw\'s tests and solutions, only its statement rephrased', async () => {
  const families = FAMILIES.filter((f) => ['sum_above', 'reverse_text'].includes(f.name));
  const grammar = await generateGrammar({ seed: 3, perFamily: 2, families });
  assert.equal(grammar.length, 4);
  for (const p of grammar) {
    const family = families.find((f) => f.name === p.meta?.['family']);
    const index = Number(p.id.split('/')[2]);
    const plain = family?.draft(rngFor(3, 'grammar', family.name, index, 0), 'train', index);
    assert.ok(plain !== undefined);
    assert.deepEqual(p.solutions, [plain.reference], p.id);
    assert.equal(p.description.split('\n')[1], plain.description.split('\n')[1]);
    assert.equal(String(p.meta?.['template']).replace(/g$/, ''), plain.templateId);
  }
  assert.ok(grammar.some((p) => String(p.meta?.['template']).endsWith('g')));
});

test('the crossed sets take one half of the held-out split and the training half of the rest', async () => {
  for (const split of ['crossed-phrasing', 'crossed-values'] as const) {
    const problems = await generateCrossed({ seed: 2, split, perFamily: 1 });
    assert.equal(problems.length, FAMILIES.length);
    for (const p of problems) {
      const family = FAMILIES.find((f) => f.name === p.meta?.['family']);
      assert.ok(family !== undefined, p.id);
      const template = Number(String(p.meta?.['template']).slice(1));
      const heldoutTemplate = template >= family.templates.train.length;
      assert.equal(heldoutTemplate, split === 'crossed-phrasing', `${p.id}: template t${template}`);
      for (const [name, pool] of Object.entries(family.pools)) {
        const value = p.meta?.[name] as string | number;
        assert.ok((split === 'crossed-phrasing' ? pool.train : pool.heldout).includes(value), `${p.id}: ${name}=${String(value)}`);
      }
    }
  }
});
