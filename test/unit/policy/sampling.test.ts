import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { argmax, sampleToken } from '../../../src/policy/sampling.ts';

const LOGP = Float32Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));

test('temperature 0 picks the most likely token, the first one on ties', () => {
  assert.deepEqual(sampleToken(LOGP, { temperature: 0, topP: 1 }, () => 0.99), { token: 0, samplingLogProb: 0 });
  assert.equal(argmax(Float32Array.from([1, 3, 3, 2])), 1);
});

test('draws follow the temperature-scaled distribution and report its log-probability', () => {
  const random = seedrandom('draws');
  const counts = [0, 0, 0, 0];
  const n = 20000;
  const scaled = [0.5, 0.3, 0.15, 0.05].map((p) => Math.sqrt(p));
  const z = scaled.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    const d = sampleToken(LOGP, { temperature: 2, topP: 1 }, random);
    counts[d.token]! += 1;
    assert.ok(Math.abs(d.samplingLogProb - Math.log((scaled[d.token] ?? 0) / z)) < 1e-6);
  }
  counts.forEach((c, i) => assert.ok(Math.abs(c / n - (scaled[i] ?? 0) / z) < 0.015, `token ${i}: ${c / n}`));
});

test('top-p keeps the smallest set of likely tokens reaching the mass and renormalises over it', () => {
  const random = seedrandom('top-p');
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const d = sampleToken(LOGP, { temperature: 1, topP: 0.75 }, random);
    seen.add(d.token);
    const p = d.token === 0 ? 0.5 / 0.8 : 0.3 / 0.8;
    assert.ok(Math.abs(d.samplingLogProb - Math.log(p)) < 1e-6);
  }
  assert.deepEqual([...seen].sort(), [0, 1]);
  assert.equal(sampleToken(LOGP, { temperature: 1, topP: 0.1 }, random).token, 0);
});
