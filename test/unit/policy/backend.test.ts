import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/policy/backend.ts';
import { useBackend } from '../../../src/policy/backend.ts';

test('automatic selection takes the best backend that loads and says why better ones were skipped, in one line', async () => {
  const lines: string[] = [];
  const choice = await selectBackend('auto', { log: (l) => lines.push(l) });
  assert.equal(lines.length, 1);
  assert.equal(tf.getBackend(), choice.tfName);
  const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  assert.deepEqual(choice.skipped.map((s) => s.backend), order.slice(0, order.indexOf(choice.backend)));
  for (const s of choice.skipped) assert.ok(s.reason.length > 0 && lines[0]?.includes(s.backend));
  assert.ok(lines[0]?.includes(`backend ${choice.backend}`));
});

test('an explicit preference is honoured and the better backends are reported as not requested', async () => {
  const lines: string[] = [];
  const choice = await selectBackend('cpu', { log: (l) => lines.push(l) });
  assert.equal(choice.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.ok(choice.skipped.every((s) => /not requested/.test(s.reason)));
  await useBackend('wasm');
});

test('the patched wasm slice, unstack and split agree with the cpu backend', async () => {
  await useBackend('wasm');
  const values = Float32Array.from({ length: 3 * 5 * 7 * 4 }, (_, i) => Math.sin(i));
  const run = (): unknown[] =>
    tf.tidy(() => {
      const x = tf.tensor4d(values, [3, 5, 7, 4]);
      return [
        tf.slice(x, [1, 2, 3, 1], [2, 2, 3, 2]).arraySync(),
        tf.slice(x, [0, 1, 0, 0], [-1, 3, -1, -1]).arraySync(),
        tf.slice(tf.reshape(x, [15, 28]), [0, 10], [-1, 8]).arraySync(),
        tf.unstack(x, 2).map((t) => t.arraySync()),
        tf.split(x, [2, -1, 1], 1).map((t) => t.arraySync()),
        tf.slice(tf.tensor1d([1, 2, 3, 4], 'int32'), [1], [2]).arraySync(),
      ];
    });
  const wasm = run();
  await useBackend('cpu');
  const cpu = run();
  await useBackend('wasm');
  assert.deepEqual(wasm, cpu);
});
