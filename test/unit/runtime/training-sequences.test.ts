import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainingSequences } from '../../../src/runtime/training-sequences.ts';
import type { Episode, TurnRecord } from '../../../src/pipeline/episode.ts';

function turn(context: number[], response: number[]): TurnRecord {
  return {
    prompt: '',
    generation: {
      text: '',
      contextIds: Int32Array.from(context),
      responseIds: Int32Array.from(response),
      endedTurn: true,
      logprobs: new Float32Array(response.length),
      policyVersion: 0,
      ms: 0,
    },
    code: null,
    verdict: 'invalid',
    outcomes: [],
    feedback: null,
    execMs: 0,
  };
}

function episode(turns: TurnRecord[]): Episode {
  return {
    id: 'e',
    iteration: 0,
    draw: { problem: { id: 'p', source: 'rlef', description: '', tests: { public: [], private: [], generated: [] }, solutions: [], incorrectSolutions: [] }, cursor: 0, epoch: 0 },
    turns,
    finalVerdict: 'invalid',
    solved: false,
    gradeMs: 0,
  };
}

test('turns whose contexts extend each other share one sequence', () => {
  const seqs = trainingSequences([episode([turn([1, 2, 3], [4, 5]), turn([1, 2, 3, 4, 5, 6, 7], [8, 9])])]);
  assert.equal(seqs.length, 1);
  assert.deepEqual(Array.from(seqs[0]!.ids), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(seqs[0]!.slots.map((s) => [s.turn, s.start, s.end]), [[0, 3, 5], [1, 7, 9]]);
});

test('a trimmed context starts a new sequence', () => {
  const seqs = trainingSequences([episode([turn([1, 2, 3], [4, 5]), turn([1, 9, 6, 7], [8])])]);
  assert.equal(seqs.length, 2);
  assert.deepEqual(Array.from(seqs[1]!.ids), [1, 9, 6, 7, 8]);
  assert.deepEqual(seqs[1]!.slots.map((s) => [s.turn, s.start, s.end]), [[1, 4, 5]]);
});

test('excluded episodes produce no sequence', () => {
  const seqs = trainingSequences([episode([turn([1], [2])]), episode([turn([3], [4])])], (i) => i === 1);
  assert.equal(seqs.length, 1);
  assert.equal(seqs[0]!.slots[0]!.episode, 1);
});
