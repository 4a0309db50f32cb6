import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAMILIES } from '../../../src/suite/families/index.ts';
import { heldOutPhrasings } from '../../../src/suite/generate.ts';
import { normalisePhrase, paraphrase } from '../../../src/suite/grammar.ts';
import { rngFor } from '../../../src/suite/random.ts';

const TEMPLATES = FAMILIES.flatMap((f) => f.templates.train.map((template) => ({ family: f, template })));
/** Placeholders and quoted literals, sorted: what no rule may touch. */
const literals = (text: string): string[] => (text.match(/'[^']*'|"[^"]*"|\{[A-Z]+\}/g) ?? []).sort();

test('paraphrases keep every placeholder and quoted literal of the template', () => {
  for (const { template } of TEMPLATES) {
    for (let i = 0; i < 40; i++) {
      const out = paraphrase(template, rngFor('lit', template, i));
      assert.deepEqual(literals(out), literals(template), `${template} -> ${out}`);
    }
  }
  // Quoted words that a rule would rewrite outside quotes stay as they are.
  const quoted = 'Print "the numbers" after \'each\' of the numbers';
  const outs = Array.from({ length: 60 }, (_, i) => paraphrase(quoted, rngFor('quoted', i)));
  assert.ok(outs.some((o) => !o.endsWith('of the numbers')), 'no rule fired outside the quotes');
  for (const o of outs) assert.deepEqual(literals(o), literals(quoted), o);
});

test('no draw is one of the family\'s held-out or fresh templates', () => {
  for (const { family, template } of TEMPLATES) {
    const forbidden = heldOutPhrasings(family);
    assert.ok(forbidden.size >= family.templates.heldout.length + (family.templates.fresh?.length ?? 0));
    for (let i = 0; i < 150; i++) {
      const out = paraphrase(template, rngFor('forbid', template, i), forbidden);
      assert.ok(!forbidden.has(normalisePhrase(out)), `${family.name}: ${out} is held out`);
    }
  }
});

test('a forbidden phrasing is drawn again, not returned', () => {
  const template = 'Print the sum of the numbers greater than {K}';
  const common = new Set(Array.from({ length: 60 }, (_, i) => normalisePhrase(paraphrase(template, rngFor('common', i)))));
  assert.ok(common.size > 5, `only ${common.size} phrasings`);
  let changed = 0;
  for (let i = 0; i < 200; i++) {
    const plain = paraphrase(template, rngFor('again', i));
    const out = paraphrase(template, rngFor('again', i), common);
    assert.ok(!common.has(normalisePhrase(out)) || normalisePhrase(out) === normalisePhrase(template), out);
    if (common.has(normalisePhrase(plain))) changed++;
  }
  assert.ok(changed > 0, 'no draw ever hit the forbidden set, so nothing was checked');
});

test('every training template has many paraphrases, and the same seed gives the same one', () => {
  let total = 0;
  for (const { template } of TEMPLATES) {
    const seen = new Set(Array.from({ length: 100 }, (_, i) => paraphrase(template, rngFor('variety', i))));
    assert.ok(seen.size >= 3, `${template}: ${seen.size} phrasings`);
    total += seen.size;
    assert.equal(paraphrase(template, rngFor('same', 3)), paraphrase(template, rngFor('same', 3)));
  }
  assert.ok(total / TEMPLATES.length >= 30, `mean ${total / TEMPLATES.length} phrasings per template`);
});

test('frames wrap imperatives only, with the first letter lowered', () => {
  const outs = Array.from({ length: 200 }, (_, i) => paraphrase('Print the text reversed', rngFor('frame', i)));
  const framed = outs.filter((o) => o.startsWith('Your program should '));
  assert.ok(framed.length > 0);
  for (const o of framed) assert.match(o, /^Your program should [a-z]/);
  // Not an imperative: no frame, only the words change.
  for (let i = 0; i < 100; i++) {
    const out = paraphrase("The numbers are separated by '{S}'; print the largest", rngFor('noframe', i));
    assert.match(out, /^(The|All the) [a-z ]*(numbers|integers|values) are separated/, out);
  }
});
