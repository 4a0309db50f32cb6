/**
 * Backend switching and leak checking for the tfjs tests (every op on every backend, as tfjs-core does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The backends every loss is tested on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Declares one test per backend, named "<name> on <backend>", with that backend active. */
export function testOnBackends(name: string, body: () => void): void {
  for (const backend of BACKENDS) {
    test(`${name} on ${backend}`, async () => {
      assert.ok(await tf.setBackend(backend), `backend ${backend} failed to initialise`);
      await tf.ready();
      body();
    });
  }
}

/** Runs `body`, then asserts it left no tensors behind (it must dispose what it creates). */
export function withoutLeaks<T>(body: () => T): T {
  const before = tf.memory().numTensors;
  const result = body();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return result;
}

/** Reads a tensor back as plain numbers and disposes it. */
export function take(t: tf.Tensor): number[] {
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
}
