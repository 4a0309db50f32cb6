import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import { fromAbortable } from '../../../src/pipeline/from-abortable.ts';

test('the value of the work arrives and completes the stream', async () => {
  assert.equal(await firstValueFrom(fromAbortable(() => Promise.resolve(42))), 42);
});

test('unsubscribing before the work settles aborts its signal', () => {
  let aborted: AbortSignal | undefined;
  const subscription = fromAbortable(
    (signal) =>
      new Promise<number>((resolve) => {
        aborted = signal;
        setTimeout(() => resolve(1), 50);
      }),
  ).subscribe();
  subscription.unsubscribe();
  assert.equal(aborted?.aborted, true);
});

test('nothing starts until the stream is subscribed', () => {
  let started = 0;
  const work$ = fromAbortable(() => {
    started++;
    return Promise.resolve(0);
  });
  assert.equal(started, 0);
  work$.subscribe().unsubscribe();
  assert.equal(started, 1);
});
