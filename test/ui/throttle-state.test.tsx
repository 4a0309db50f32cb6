import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestScheduler } from 'rxjs/testing';
import { throttleState } from '../../src/ui/throttle-state.ts';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    assert.deepEqual(actual, expected);
  });
}

test('the first state passes at once and a burst collapses to its newest state', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const states = cold('abc 10ms d|');
    expectObservable(states.pipe(throttleState(5))).toBe('a 4ms c 7ms d|');
  });
});

test('the last state before completion is never dropped', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('abcde|').pipe(throttleState(5))).toBe('a 4ms (e|)');
  });
});

test('a steady stream faster than the period is cut to one state per period', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // One state per millisecond for 10 ms, period 4 ms: states at 0, 4, 8 and the last one at 12.
    expectObservable(cold('abcdefghij|').pipe(throttleState(4))).toBe('a 3ms e 3ms i 3ms (j|)');
  });
});

test('a stream error passes through unchanged', () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('a-#').pipe(throttleState(5))).toBe('a-#');
  });
});
