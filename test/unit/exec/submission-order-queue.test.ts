/** The pool's queue of undistributed tasks keeps submission order, whatever order tasks arrive in. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PiscinaTask } from 'piscina';
import { SubmissionOrderQueue } from '../../../src/exec/pool.ts';

/** Piscina hands the queue its task records; ours carry the payload under `task`. */
function record(taskId: number | undefined, label: number): PiscinaTask {
  return { task: taskId === undefined ? { kind: 'hello' } : { kind: 'run', taskId }, label } as unknown as PiscinaTask;
}
const labelOf = (task: PiscinaTask | null): number => (task as unknown as { label: number }).label;

test('shift returns tasks by task id (hellos first), ties in arrival order; remove takes out exactly one', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('push' as const), taskId: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), front: fc.boolean() }),
    fc.record({ kind: fc.constant('shift' as const) }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
    const queue = new SubmissionOrderQueue();
    // The model: a list kept sorted by (key, arrival).
    let model: { key: number; seq: number; task: PiscinaTask }[] = [];
    let seq = 0;
    for (const o of ops) {
      if (o.kind === 'push') {
        const task = record(o.taskId, seq);
        if (o.front) queue.unshift(task);
        else queue.push(task);
        model.push({ key: o.taskId ?? -1, seq: seq++, task });
        model.sort((a, b) => a.key - b.key || a.seq - b.seq);
      } else if (o.kind === 'shift') {
        const expected = model.shift();
        const got = queue.shift();
        if (expected === undefined) assert.equal(got, null);
        else assert.equal(labelOf(got), labelOf(expected.task));
      } else if (model.length > 0) {
        const victim = model[o.pick % model.length]!;
        queue.remove(victim.task);
        model = model.filter((entry) => entry !== victim);
      }
      assert.equal(queue.size, model.length);
    }
    const rest: number[] = [];
    for (let task = queue.shift(); task !== null; task = queue.shift()) rest.push(labelOf(task));
    assert.deepEqual(rest, model.map((entry) => labelOf(entry.task)));
  }), { numRuns: 300 });
});
