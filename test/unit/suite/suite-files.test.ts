import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { FAMILIES } from '../../../src/suite/families/index.ts';
import { heldOutPhrasings } from '../../../src/suite/generate.ts';
import { normalisePhrase } from '../../../src/suite/grammar.ts';
import { SUITE_DIR, familyOf, loadSplit, stdio } from './suite-data.ts';

const train = loadSplit('train');
const heldout = loadSplit('heldout');
const smoke = loadSplit('smoke');
const novel = loadSplit('novel');
const fresh = loadSplit('fresh');
const grammar = loadSplit('grammar');
const all = [...train, ...heldout, ...smoke, ...novel, ...fresh, ...grammar];

test('the splits hold at least 2,000 training, 200 held-out and about a dozen smoke problems', () => {
  assert.ok(train.length >= 2000);
  assert.ok(heldout.length >= 200);
  assert.ok(smoke.length >= 10 && smoke.length <= 15);
  assert.ok(new Set(smoke.map(familyOf)).size === smoke.length);
});

test('the six files together stay under 6 MB', () => {
  const bytes = ['train', 'heldout', 'smoke', 'novel', 'fresh', 'grammar'].reduce((sum, s) => sum + statSync(`${SUITE_DIR}${s}.jsonl`).size, 0);
  assert.ok(bytes < 6_000_000, `${bytes} bytes`);
});

test('every problem has the shape of a Problem with stdio tests, a solution and buggy variants', () => {
  const keys = ['id', 'source', 'description', 'tests', 'solutions', 'incorrectSolutions', 'meta'];
  for (const p of all) {
    assert.deepEqual(Object.keys(p), keys, p.id);
    assert.equal(p.source, 'rlef');
    assert.ok(p.tests.public.length >= 2 && p.tests.public.length <= 3, p.id);
    assert.ok(p.tests.private.length >= 6, p.id);
    assert.equal(p.tests.generated.length, 0);
    const tests = [...p.tests.public, ...p.tests.private];
    assert.equal(stdio(tests).length, tests.length, p.id);
    assert.equal(new Set(stdio(tests).map((t) => t.input)).size, tests.length, `${p.id}: repeated input`);
    assert.equal(p.solutions.length, 1);
    assert.ok(p.incorrectSolutions.length >= 2, p.id);
  }
  assert.equal(new Set(all.map((p) => p.id)).size, all.length);
});

test('descriptions stay under 160 characters (200 for grammar ones) and solutions under 150', () => {
  for (const p of all) {
    assert.ok(p.description.length < (p.meta?.['split'] === 'grammar' ? 200 : 160), p.id);
    for (const code of [...p.solutions, ...p.incorrectSolutions]) assert.ok(code.length < 150, p.id);
  }
});

test('every family appears in both the training and the held-out split', () => {
  for (const family of FAMILIES) {
    assert.ok(train.some((p) => familyOf(p) === family.name), family.name);
    assert.ok(heldout.some((p) => familyOf(p) === family.name), family.name);
  }
});

test('held-out problems share no template, parameter value or phrase with training problems', () => {
  const seen = new Map<string, Set<string>>();
  const phrases = new Set(train.map((p) => p.description.split('\n')[0]));
  const entries = (meta: object): [string, unknown][] =>
    Object.entries(meta).filter(([key]) => !['family', 'group', 'split'].includes(key));
  for (const p of train) {
    for (const [key, value] of entries(p.meta ?? {})) {
      const id = `${familyOf(p)}.${key}`;
      seen.set(id, (seen.get(id) ?? new Set()).add(String(value)));
    }
  }
  for (const p of heldout) {
    assert.ok(!phrases.has(p.description.split('\n')[0]), p.id);
    for (const [key, value] of entries(p.meta ?? {})) {
      assert.ok(!seen.get(`${familyOf(p)}.${key}`)?.has(String(value)), `${p.id}: ${key}=${String(value)} is in training`);
    }
  }
});

test('novel problems use training templates with parameter values of neither split, every family with parameters', () => {
  const valuesOf = (problems: readonly typeof train[number][]): Map<string, Set<string>> => {
    const seen = new Map<string, Set<string>>();
    for (const p of problems) {
      for (const [key, value] of Object.entries(p.meta ?? {})) {
        if (!/^[A-Z]+$/.test(key)) continue;
        const id = `${familyOf(p)}.${key}`;
        seen.set(id, (seen.get(id) ?? new Set()).add(String(value)));
      }
    }
    return seen;
  };
  const trainValues = valuesOf(train);
  const heldoutValues = valuesOf(heldout);
  const trainTemplates = new Set(train.map((p) => `${familyOf(p)}.${String(p.meta?.['template'])}`));
  for (const p of novel) {
    assert.ok(trainTemplates.has(`${familyOf(p)}.${String(p.meta?.['template'])}`), `${p.id}: not a training template`);
    for (const [key, value] of Object.entries(p.meta ?? {})) {
      if (!/^[A-Z]+$/.test(key)) continue;
      assert.ok(!trainValues.get(`${familyOf(p)}.${key}`)?.has(String(value)), `${p.id}: ${key}=${String(value)} is in training`);
      assert.ok(!heldoutValues.get(`${familyOf(p)}.${key}`)?.has(String(value)), `${p.id}: ${key}=${String(value)} is held out`);
    }
  }
  const withParams = FAMILIES.filter((f) => Object.keys(f.pools).length > 0).map((f) => f.name).sort();
  assert.deepEqual([...new Set(novel.map(familyOf))].sort(), withParams);
});

test('fresh problems share no phrase or template with either split, take novel values, and cover every family', () => {
  const phrase = (p: (typeof train)[number]): string => p.description.split('\n')[0] ?? '';
  const phrases = new Set([...train, ...heldout].map(phrase));
  const templates = new Set([...train, ...heldout].map((p) => `${familyOf(p)}.${String(p.meta?.['template'])}`));
  for (const p of fresh) {
    assert.ok(!phrases.has(phrase(p)), `${p.id}: its statement is in a split`);
    assert.ok(!templates.has(`${familyOf(p)}.${String(p.meta?.['template'])}`), `${p.id}: a split's template`);
    const family = FAMILIES.find((f) => f.name === familyOf(p));
    for (const [key, value] of Object.entries(p.meta ?? {})) {
      if (!/^[A-Z]+$/.test(key)) continue;
      assert.ok(family?.pools[key]?.novel?.includes(value as string | number), `${p.id}: ${key}=${String(value)} is not a novel value`);
    }
  }
  assert.deepEqual([...new Set(fresh.map(familyOf))].sort(), FAMILIES.map((f) => f.name).sort());
});

test('grammar problems rephrase training templates, never into a held-out or fresh phrasing, with training values', () => {
  const phrase = (p: (typeof train)[number]): string => normalisePhrase(p.description.split('\n')[0] ?? '');
  const heldoutPhrases = new Set([...heldout, ...fresh].map(phrase));
  const trainTemplates = new Set(train.map((p) => `${familyOf(p)}.${String(p.meta?.['template'])}`));
  let rephrased = 0;
  for (const p of grammar) {
    assert.ok(!heldoutPhrases.has(phrase(p)), `${p.id}: its statement is held out or fresh`);
    const template = String(p.meta?.['template']);
    assert.ok(trainTemplates.has(`${familyOf(p)}.${template.replace(/g$/, '')}`), `${p.id}: ${template} is not a training template`);
    if (template.endsWith('g')) rephrased++;
    const family = FAMILIES.find((f) => f.name === familyOf(p));
    assert.ok(family !== undefined, p.id);
    assert.ok(!heldOutPhrasings(family).has(normalisePhrase(family.templates.train[Number(template.slice(1).replace(/g$/, ''))] ?? '')));
    for (const [key, value] of Object.entries(p.meta ?? {})) {
      if (!/^[A-Z]+$/.test(key)) continue;
      assert.ok(family.pools[key]?.train.includes(value as string | number), `${p.id}: ${key}=${String(value)} is not a training value`);
    }
  }
  assert.ok(rephrased > 0.85 * grammar.length, `only ${rephrased} of ${grammar.length} rephrased`);
  assert.ok(new Set(grammar.map(phrase)).size > 0.85 * grammar.length, 'statements repeat');
  assert.deepEqual([...new Set(grammar.map(familyOf))].sort(), FAMILIES.map((f) => f.name).sort());
});
