/**
 * Seeded randomness and the small input builders every family shares.
 * Every draw goes through an {@link Rng} made by {@link rngFor}, so a seed fixes every byte.
 */
import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** A generator seeded by the joined parts, e.g. `rngFor(1, 'train', 'sum_above', 7, 0)`. */
export function rngFor(...parts: readonly (string | number)[]): Rng {
  const prng = seedrandom(parts.join('/'));
  return () => prng.double();
}

/** A uniform integer in [lo, hi]. */
export function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** A uniform element of a non-empty list. */
export function pick<T>(rng: Rng, values: readonly T[]): T {
  const value = values[Math.floor(rng() * values.length)];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}

/** Options for {@link intList}. */
export interface IntListOptions {
  readonly lo: number;
  readonly hi: number;
  readonly minLen?: number;
  readonly maxLen?: number;
  /** Values that each position takes with probability `injectRate` (default 0.3) instead of a uniform draw. */
  readonly inject?: readonly number[];
  readonly injectRate?: number;
}

/** A list of integers following the options. */
export function intList(rng: Rng, o: IntListOptions): number[] {
  const n = int(rng, o.minLen ?? 1, o.maxLen ?? 7);
  const inject = o.inject ?? [];
  const rate = o.injectRate ?? 0.3;
  return Array.from({ length: n }, () =>
    inject.length > 0 && rng() < rate ? pick(rng, inject) : int(rng, o.lo, o.hi),
  );
}

/** A line of space-separated integers. */
export function intLine(rng: Rng, o: IntListOptions): string {
  return line(intList(rng, o));
}

/** Values joined by single spaces, then a newline: the shape of every test input. */
export function line(values: readonly (number | string)[], separator = ' '): string {
  return `${values.join(separator)}\n`;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Options for {@link word}. */
export interface WordOptions {
  readonly minLen?: number;
  readonly maxLen?: number;
  readonly alphabet?: string;
  /** Characters that each position takes with probability `injectRate` (default 0.3). */
  readonly inject?: string;
  readonly injectRate?: number;
}

/** A word of lower-case letters (or of `alphabet`). */
export function word(rng: Rng, o: WordOptions = {}): string {
  const n = int(rng, o.minLen ?? 1, o.maxLen ?? 9);
  const alphabet = o.alphabet ?? LOWER;
  const inject = o.inject ?? '';
  const rate = o.injectRate ?? 0.3;
  let out = '';
  for (let i = 0; i < n; i += 1) out += inject !== '' && rng() < rate ? pick(rng, [...inject]) : pick(rng, [...alphabet]);
  return out;
}

/** Between `minWords` and `maxWords` words of 1 to `maxLen` letters. */
export function words(rng: Rng, minWords = 1, maxWords = 6, maxLen = 7): string[] {
  return Array.from({ length: int(rng, minWords, maxWords) }, () => word(rng, { maxLen }));
}
