import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAMILIES } from '../../../src/suite/families/index.ts';
import { STRING_FAMILIES, broadValues, generateWide, wideValues } from '../../../src/suite/wide.ts';
import { familyOf, loadSplit } from './suite-data.ts';

test('wide values lie outside both pools and outnumber the training pool of every parameter', () => {
  for (const family of FAMILIES) {
    for (const [name, pool] of Object.entries(family.pools)) {
      const wide = wideValues(family, name);
      assert.equal(new Set(wide).size, wide.length, `${family.name}.${name}`);
      for (const v of wide) assert.ok(!pool.train.includes(v) && !pool.heldout.includes(v), `${family.name}.${name}: ${v}`);
      assert.ok(wide.length >= 1.5 * pool.train.length, `${family.name}.${name}: ${wide.length} wide values, ${pool.train.length} training`);
    }
  }
});

test('generateWide: training templates, no held-out value or phrase, deterministic, the families\' pools untouched', async () => {
  const before = FAMILIES.map((f) => JSON.stringify(f.pools));
  const a = await generateWide({ seed: 7, perFamily: 3 });
  const b = await generateWide({ seed: 7, perFamily: 3 });
  assert.deepEqual(a, b);
  assert.deepEqual(FAMILIES.map((f) => JSON.stringify(f.pools)), before);
  assert.equal(a.length, 3 * FAMILIES.filter((f) => Object.keys(f.pools).length > 0).length);
  const heldout = loadSplit('heldout');
  const phrases = new Set(heldout.map((p) => p.description.split('\n')[0]));
  const heldoutValues = new Set(heldout.flatMap((p) => Object.entries(p.meta ?? {}).filter(([k]) => /^[A-Z]$/.test(k)).map(([k, v]) => `${familyOf(p)}.${k}=${String(v)}`)));
  assert.ok(heldoutValues.size > 50);
  for (const p of a) {
    const family = FAMILIES.find((f) => f.name === familyOf(p))!;
    assert.ok(!phrases.has(p.description.split('\n')[0]), p.id);
    const meta = p.meta as Record<string, unknown>;
    assert.ok(Number(String(meta['template']).slice(1)) < family.templates.train.length, p.id);
    for (const name of Object.keys(family.pools)) {
      assert.ok(!heldoutValues.has(`${family.name}.${name}=${String(meta[name])}`), `${p.id}: ${name}=${String(meta[name])} is a held-out value`);
      assert.ok(wideValues(family, name).includes(meta[name] as never), `${p.id}: ${name}`);
    }
  }
});

test('broad string values: no held-out value of the family in any case, X and Y apart, far more than the wide ones', () => {
  assert.deepEqual([...STRING_FAMILIES].sort(), ['count_char', 'is_sorted', 'join_sep', 'kv_lookup', 'palindrome', 'remove_char', 'replace_char', 'sep_max', 'sep_sum']);
  for (const family of FAMILIES) {
    const heldout = Object.values(family.pools).flatMap((p) => p.heldout.map((v) => String(v).toLowerCase()));
    for (const [name, pool] of Object.entries(family.pools)) {
      const broad = broadValues(family, name);
      if (typeof pool.train[0] === 'number') {
        assert.deepEqual(broad, wideValues(family, name), `${family.name}.${name}: numbers keep the wide values`);
        continue;
      }
      assert.equal(new Set(broad).size, broad.length, `${family.name}.${name}`);
      for (const v of broad) assert.ok(!heldout.includes(String(v).toLowerCase()), `${family.name}.${name}: ${String(v)} is held out`);
      assert.ok(broad.length > wideValues(family, name).length, `${family.name}.${name}`);
    }
  }
  const replace = FAMILIES.find((f) => f.name === 'replace_char')!;
  const xs = broadValues(replace, 'X');
  assert.ok(broadValues(replace, 'Y').every((y) => !xs.includes(y)));
  const sorted = FAMILIES.find((f) => f.name === 'is_sorted')!;
  assert.ok(broadValues(sorted, 'A').length >= 90);
  assert.ok(!broadValues(sorted, 'A').some((v) => ['true/false', 'y/n'].includes(String(v).toLowerCase())));
});

test('generateWide with broadStrings draws only the string families, from their broad values', async () => {
  const problems = await generateWide({ seed: 3, perFamily: 2, broadStrings: true });
  assert.equal(problems.length, 2 * STRING_FAMILIES.length);
  for (const p of problems) {
    const family = FAMILIES.find((f) => f.name === familyOf(p))!;
    assert.ok(STRING_FAMILIES.includes(family.name), p.id);
    for (const name of Object.keys(family.pools)) assert.ok(broadValues(family, name).includes((p.meta as Record<string, string>)[name] ?? ''), `${p.id}: ${name}`);
  }
});
