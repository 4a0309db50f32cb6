/** The backends every policy test runs on, and a leak check shared by the tests. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { useBackend } from '../../../src/policy/backend.ts';

export const BACKENDS = ['wasm', 'cpu'] as const;
export type TestBackend = (typeof BACKENDS)[number];

/** Switches to `backend` (applying the project's kernel fixes). */
export async function on(backend: TestBackend): Promise<void> {
  await useBackend(backend);
}

/** Runs `f` and asserts that it left no tensor behind. */
export async function noLeaks<T>(what: string, f: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await f();
  assert.equal(tf.memory().numTensors, before, `${what} leaked ${tf.memory().numTensors - before} tensors`);
  return out;
}
