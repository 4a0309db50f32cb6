import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupedOrder, problemOrder } from '../../../src/pipeline/problem-order.ts';
import { problem } from './fakes.ts';

const problems = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(problem);

test('groupedOrder repeats each draw of the base order size times in a row, keeping each cursor', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 }), (size, seed, cursor) => {
      const base = problemOrder(problems, { seed });
      const grouped = groupedOrder(base, size);
      const draw = grouped.at(cursor);
      assert.equal(draw.cursor, cursor);
      assert.equal(draw.problem.id, base.at(Math.floor(cursor / size)).problem.id);
      // Every member of the group draws the same problem.
      const first = cursor - (cursor % size);
      for (let k = 0; k < size; k++) assert.equal(grouped.at(first + k).problem.id, draw.problem.id);
    }),
  );
});

test('groupedOrder: groups of one are the base order; bad sizes and cursors are refused', () => {
  const base = problemOrder(problems, { seed: 3 });
  assert.equal(groupedOrder(base, 1), base);
  assert.throws(() => groupedOrder(base, 0), /positive integer/);
  assert.throws(() => groupedOrder(base, 1.5), /positive integer/);
  assert.throws(() => groupedOrder(base, 2).at(-1), /bad cursor/);
  // One epoch of the grouped order visits every problem size times.
  const grouped = groupedOrder(base, 3);
  const counts = new Map<string, number>();
  for (let c = 0; c < grouped.size; c++) counts.set(grouped.at(c).problem.id, (counts.get(grouped.at(c).problem.id) ?? 0) + 1);
  assert.deepEqual([...counts.values()], problems.map(() => 3));
});
