import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAMILIES } from '../../../src/suite/families/index.ts';
import { rngFor } from '../../../src/suite/random.ts';

test('there are at least thirty families with distinct names', () => {
  assert.ok(FAMILIES.length >= 30);
  assert.equal(new Set(FAMILIES.map((f) => f.name)).size, FAMILIES.length);
});

test('every family splits its templates and parameter values into disjoint, non-empty halves', () => {
  for (const family of FAMILIES) {
    const { train, heldout } = family.templates;
    assert.ok(train.length >= 3 && heldout.length >= 2, family.name);
    assert.ok(heldout.every((t) => !train.includes(t)), family.name);
    for (const [name, pool] of Object.entries(family.pools)) {
      assert.ok(pool.train.length >= 2 && pool.heldout.length >= 1, `${family.name}.${name}`);
      assert.ok(pool.heldout.every((v) => !pool.train.includes(v)), `${family.name}.${name}`);
    }
  }
});

test('every parameter has novel values (for RL), in neither the training nor the held-out pool', () => {
  for (const family of FAMILIES) {
    for (const [name, pool] of Object.entries(family.pools)) {
      const novel = pool.novel ?? [];
      assert.ok(novel.length >= 2, `${family.name}.${name} has ${novel.length} novel values`);
      assert.equal(new Set(novel).size, novel.length, `${family.name}.${name}`);
      for (const v of novel) assert.ok(!pool.train.includes(v) && !pool.heldout.includes(v), `${family.name}.${name}: ${v}`);
    }
    // Novel problems use the training templates with novel values only.
    const drafts = Array.from({ length: 12 }, (_, i) => family.draft(rngFor('n', family.name, i), 'novel', i));
    for (const draft of drafts) {
      assert.ok(Number(draft.templateId.slice(1)) < family.templates.train.length, family.name);
      for (const [name, value] of Object.entries(draft.params)) assert.ok(family.pools[name]!.novel!.includes(value), `${family.name}.${name}`);
    }
  }
});

test('every family has fresh templates in neither half, which fresh problems use with novel values', () => {
  for (const family of FAMILIES) {
    const { train, heldout, fresh = [] } = family.templates;
    assert.ok(fresh.length >= 3, `${family.name} has ${fresh.length} fresh templates`);
    assert.equal(new Set(fresh).size, fresh.length, family.name);
    assert.ok(fresh.every((t) => !train.includes(t) && !heldout.includes(t)), family.name);
    const placeholders = (ts: readonly string[]): string[] => [...new Set(ts.flatMap((t) => [...t.matchAll(/\{([A-Z]+)\}/g)].map((m) => m[1] ?? '')))].sort();
    assert.deepEqual(placeholders(fresh), placeholders(train), `${family.name}: fresh templates name other parameters`);
    const drafts = Array.from({ length: 12 }, (_, i) => family.draft(rngFor('f', family.name, i), 'fresh', i));
    assert.equal(new Set(drafts.map((d) => d.templateId)).size, fresh.length, family.name);
    for (const draft of drafts) {
      assert.ok(Number(draft.templateId.slice(1)) >= train.length + heldout.length, family.name);
      for (const [name, value] of Object.entries(draft.params)) assert.ok(family.pools[name]!.novel!.includes(value), `${family.name}.${name}`);
    }
  }
});

test('every template of every family fills all its placeholders', () => {
  for (const family of FAMILIES) {
    for (const part of ['train', 'heldout', 'fresh'] as const) {
      (family.templates[part] ?? []).forEach((_, i) => {
        const draft = family.draft(rngFor('t', family.name, i), part, i);
        assert.doesNotMatch(draft.description, /[{}]/, `${family.name} ${part} template ${i}`);
        assert.match(draft.description, /^[^\n]+\.\nInput: [^\n]+$/, family.name);
      });
    }
  }
});

test('a draft depends only on its seed, split and index', () => {
  for (const family of FAMILIES) {
    const a = family.draft(rngFor(7, family.name), 'heldout', 3);
    const b = family.draft(rngFor(7, family.name), 'heldout', 3);
    assert.deepEqual(a, b);
    assert.ok(a.inputs.length > 10 && a.inputs.every((input) => input.endsWith('\n')), family.name);
  }
});

test('the first problems of a split already use every template and parameter value', () => {
  for (const family of FAMILIES) {
    const drafts = Array.from({ length: 46 }, (_, i) => family.draft(rngFor('c', i), 'train', i));
    assert.equal(new Set(drafts.map((d) => d.templateId)).size, family.templates.train.length, family.name);
    for (const [name, pool] of Object.entries(family.pools)) {
      assert.equal(new Set(drafts.map((d) => d.params[name])).size, pool.train.length, `${family.name}.${name}`);
    }
    const held = Array.from({ length: 6 }, (_, i) => family.draft(rngFor('c', i), 'heldout', i));
    assert.equal(new Set(held.map((d) => d.templateId)).size, family.templates.heldout.length, family.name);
    for (const [name, pool] of Object.entries(family.pools)) {
      assert.equal(new Set(held.map((d) => d.params[name])).size, pool.heldout.length, `${family.name}.${name}`);
    }
  }
});
