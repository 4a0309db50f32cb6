/** fast-check arbitraries for stored turn rows (shared by the store tests). */
import fc from 'fast-check';
import { STORED_VERDICTS } from '../../../src/store/schema.ts';
import type { TurnRow } from '../../../src/store/schema.ts';

// Full unicode (astral planes included, lone surrogates excluded: UTF-8 cannot hold them).
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const float32 = fc.float();
const int32s = fc.array(int32, { maxLength: 6 }).map((xs) => Int32Array.from(xs));
const float32s = fc.array(float32, { maxLength: 6 }).map((xs) => Float32Array.from(xs));

/** Any valid row: unicode and empty strings, nulls, empty lists, NaN, ±0 and ±Infinity. */
export const turnRowArbitrary: fc.Arbitrary<TurnRow> = fc.record({
  runId: text,
  iteration: int32,
  policyVersion: int32,
  episodeId: text,
  problemId: text,
  turn: int32,
  numTurns: int32,
  prompt: text,
  response: text,
  code: fc.option(text, { nil: null }),
  verdict: fc.constantFrom(...STORED_VERDICTS),
  feedback: fc.option(text, { nil: null }),
  final: fc.boolean(),
  solved: fc.boolean(),
  reward: float32,
  kl: float32,
  value: float32,
  return: float32,
  advantage: float32,
  tokenIds: int32s,
  logprobs: float32s,
  refLogprobs: fc.option(float32s, { nil: null }),
  genMs: float32,
  execMs: float32,
  createdAt: fc.integer({ min: -8.64e15, max: 8.64e15 }),
  split: fc.constantFrom('train' as const, 'eval' as const),
});

/** A small, plain row for example-based tests. */
export function sampleRow(overrides: Partial<TurnRow> = {}): TurnRow {
  return {
    runId: 'run-1',
    iteration: 0,
    policyVersion: 0,
    episodeId: 'ep-0',
    problemId: 'p-0',
    turn: 0,
    numTurns: 1,
    prompt: 'Provide a Python solution for …',
    response: '```python\nprint(1)\n```',
    code: 'print(1)',
    verdict: 'passed',
    feedback: null,
    final: true,
    solved: true,
    reward: 1,
    kl: 0.25,
    value: 0.5,
    return: 1,
    advantage: 0.5,
    tokenIds: Int32Array.of(1, 2, 3),
    logprobs: Float32Array.of(-0.5, -1, -2),
    refLogprobs: Float32Array.of(-0.75, -1, -2.5),
    genMs: 12.5,
    execMs: 3,
    createdAt: 1_764_000_000_000,
    split: 'train',
    ...overrides,
  };
}
