/**
 * The output comparator of RLEF.md §1.7 (as DeepMind's CodeContests checker): whitespace-split
 * tokens compared one by one; numbers with a float among them match within 1e-5 (absolute or
 * relative); integers compare exactly, never through doubles. Pure.
 */

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Absolute and relative tolerance for float tokens. */
export const FLOAT_TOLERANCE = 1e-5;

/** Splits output into whitespace-separated tokens (any run of whitespace separates; ends ignored). */
export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter((token) => token !== '');
}

/** True when two tokens match: equal text, equal integers, or floats within tolerance. */
export function tokensMatch(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  if (!NUMBER.test(expected) || !NUMBER.test(actual)) return false;
  if (INTEGER.test(expected) && INTEGER.test(actual)) return BigInt(expected) === BigInt(actual);
  const a = Number(expected);
  const b = Number(actual);
  if (a === b) return true;
  const difference = Math.abs(a - b);
  return difference < FLOAT_TOLERANCE || difference <= FLOAT_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** True when `actual` output matches `expected` output token by token (RLEF.md §1.7). */
export function outputsMatch(expected: string, actual: string): boolean {
  const want = tokenize(expected);
  const got = tokenize(actual);
  if (want.length !== got.length) return false;
  return want.every((token, i) => tokensMatch(token, got[i]!));
}
