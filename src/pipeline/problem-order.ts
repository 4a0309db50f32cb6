/**
 * The seeded order in which problems are drawn: epoch after epoch, each epoch a fresh permutation.
 * A draw is a pure function of (seed, cursor), so a resumed run only needs the cursor back.
 */
import seedrandom from 'seedrandom';
import type { Problem } from '../problems/problem.ts';
import type { ProblemDraw } from './episode.ts';

export interface ProblemOrderOptions {
  readonly seed: number | string;
  /** Shuffle each epoch (default true); false keeps the file order, useful for evaluation. */
  readonly shuffle?: boolean;
}

export interface ProblemOrder {
  readonly size: number;
  /** The draw at a global cursor position (cursor = epoch * size + index). */
  at(cursor: number): ProblemDraw;
}

/** Builds the seeded order over `problems`; permutations are computed once per epoch and cached. */
export function problemOrder(problems: readonly Problem[], options: ProblemOrderOptions): ProblemOrder {
  if (problems.length === 0) throw new RangeError('problemOrder: no problems to draw from');
  const shuffle = options.shuffle ?? true;
  const cache = new Map<number, Uint32Array>();
  const permutation = (epoch: number): Uint32Array => {
    let p = cache.get(epoch);
    if (p !== undefined) return p;
    p = new Uint32Array(problems.length);
    for (let i = 0; i < p.length; i++) p[i] = i;
    if (shuffle) {
      const rng = seedrandom(`problem-order:${String(options.seed)}:${epoch}`);
      for (let i = p.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        const t = p[i]!;
        p[i] = p[j]!;
        p[j] = t;
      }
    }
    if (cache.size > 4) cache.clear();
    cache.set(epoch, p);
    return p;
  };
  return {
    size: problems.length,
    at(cursor: number): ProblemDraw {
      if (!Number.isSafeInteger(cursor) || cursor < 0) throw new RangeError(`bad cursor ${cursor}`);
      const epoch = Math.floor(cursor / problems.length);
      const index = permutation(epoch)[cursor % problems.length]!;
      return { problem: problems[index]!, cursor, epoch };
    },
  };
}

/**
 * `order` with every draw repeated `size` times in a row: cursors g·size … g·size + size − 1 draw
 * the problem of `order.at(g)` (each keeps its own cursor, so episode seeds still differ). A group
 * of rollouts of one problem is what the group baselines compare.
 */
export function groupedOrder(order: ProblemOrder, size: number): ProblemOrder {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`groupedOrder: group size must be a positive integer, got ${size}`);
  if (size === 1) return order;
  return {
    size: order.size * size,
    at(cursor: number): ProblemDraw {
      if (!Number.isSafeInteger(cursor) || cursor < 0) throw new RangeError(`bad cursor ${cursor}`);
      const draw = order.at(Math.floor(cursor / size));
      return { ...draw, cursor };
    },
  };
}
