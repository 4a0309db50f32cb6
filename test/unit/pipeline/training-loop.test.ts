import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { type LoopEvent, trainingLoop } from '../../../src/pipeline/training-loop.ts';
import { problemOrder } from '../../../src/pipeline/problem-order.ts';
import type { UpdateResult } from '../../../src/pipeline/ports.ts';
import { generation, judged, problem, testRolloutOptions } from './fakes.ts';

const problems = ['a', 'b', 'c', 'd', 'e'].map(problem);
const update = (version: number): UpdateResult => ({
  policyVersion: version,
  metrics: { policyLoss: 0, valueLoss: 0, entropy: 0, kl: 0, clipFraction: 0, updates: 1, ms: 1 },
  turnStats: [],
});

interface Run {
  events: { event: LoopEvent }[];
}

function runLoop(o: {
  iterations: number;
  perIteration: number;
  concurrency: number;
  lag: number;
  genFrames: number[];
  judgeFrames: number[];
  updateFrames: number;
  seed: number;
}): Run {
  const run: Run = { events: [] };
  new TestScheduler((a, b) => assert.deepEqual(a, b)).run(({ cold, flush }) => {
    let g = 0;
    let j = 0;
    let version = 0;
    const delay = (frames: number): string => '-'.repeat(Math.max(1, frames));
    const loop = trainingLoop(
      problemOrder(problems, { seed: o.seed }),
      {
        policy: {
          generate: () => {
            const wrong = g % 3 === 1;
            return cold(`${delay(o.genFrames[g++ % o.genFrames.length]!)}a|`, {
              a: generation(wrong ? 'no code' : '<x>'),
            });
          },
        },
        judge: {
          judge: () => cold(`${delay(o.judgeFrames[j++ % o.judgeFrames.length]!)}j|`, { j: judged(j % 2 === 0 ? 'passed' : 'wrong_answer') }),
        },
        learner: { update: () => cold(`${delay(o.updateFrames)}u|`, { u: update(++version) }) },
      },
      testRolloutOptions(() => of('try again')),
      { iterations: o.iterations, episodesPerIteration: o.perIteration, concurrency: o.concurrency, maxPolicyLag: o.lag },
    );
    loop.subscribe((event) => run.events.push({ event }));
    flush();
  });
  return run;
}

test('with lag 0 no episode of iteration i+1 starts before the update of iteration i', () => {
  const { events } = runLoop({
    iterations: 3,
    perIteration: 2,
    concurrency: 4,
    lag: 0,
    genFrames: [1, 2],
    judgeFrames: [2, 1],
    updateFrames: 5,
    seed: 1,
  });
  let updates = 0;
  for (const { event } of events) {
    if (event.type === 'update') updates++;
    if (event.type === 'episode-start') assert.ok(event.start.iteration <= updates, `iteration ${event.start.iteration} started after ${updates} updates`);
  }
  assert.equal(updates, 3);
});

test('with lag 1 the next iteration starts while the previous one is still rolling out', () => {
  const { events } = runLoop({
    iterations: 2,
    perIteration: 2,
    concurrency: 4,
    lag: 1,
    genFrames: [3],
    judgeFrames: [3],
    updateFrames: 5,
    seed: 2,
  });
  const firstUpdate = events.findIndex((e) => e.event.type === 'update');
  const iteration1Start = events.findIndex((e) => e.event.type === 'episode-start' && e.event.start.iteration === 1);
  assert.ok(iteration1Start >= 0 && iteration1Start < firstUpdate);
});

test('every generated episode reaches exactly one PPO batch', () => {
  fc.assert(
    fc.property(
      fc.record({
        iterations: fc.integer({ min: 1, max: 4 }),
        perIteration: fc.integer({ min: 1, max: 5 }),
        concurrency: fc.integer({ min: 1, max: 6 }),
        lag: fc.integer({ min: 0, max: 2 }),
        genFrames: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }),
        judgeFrames: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }),
        updateFrames: fc.integer({ min: 1, max: 6 }),
        seed: fc.integer(),
      }),
      (o) => {
        const { events } = runLoop(o);
        const episodes = events.flatMap((e) => (e.event.type === 'episode' ? [e.event.episode.id] : []));
        const batched = events.flatMap((e) => (e.event.type === 'update' ? e.event.batch.map((x) => x.id) : []));
        assert.equal(episodes.length, o.iterations * o.perIteration);
        assert.deepEqual([...batched].sort(), [...episodes].sort());
        assert.equal(new Set(batched).size, batched.length);
        // the lag bound holds at every start
        let consumed = 0;
        for (const { event } of events) {
          if (event.type === 'update') consumed += event.batch.length;
          if (event.type === 'episode-start') assert.ok(consumed >= (event.start.iteration - o.lag) * o.perIteration);
        }
      },
    ),
    { numRuns: 150 },
  );
});
