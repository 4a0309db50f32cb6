/** Statement noise: a problem description with some words of its task statement left out. */
import type { Problem } from './problem.ts';
import { seededRandom } from '../eval/seeded-random.ts';

/**
 * The description with words of its first line dropped at `rate`. Words that carry a parameter
 * (any character other than a letter, e.g. digits, quotes, punctuation) and one-letter words are
 * always kept, and so is the input/output statement after the first line; at least one word stays.
 */
export function dropWords(description: string, rate: number, random: () => number): string {
  const cut = description.indexOf('\n');
  const head = cut < 0 ? description : description.slice(0, cut);
  const tail = cut < 0 ? '' : description.slice(cut);
  const words = head.split(' ');
  const kept = words.filter((word) => word.length <= 1 || /[^A-Za-z]/.test(word) || random() >= rate);
  return `${(kept.length > 0 ? kept : words.slice(0, 1)).join(' ')}${tail}`;
}

/**
 * The problems with words dropped from each statement at `rate` (one draw per problem, in order,
 * from `random`): statements a policy trained on the originals has not seen word for word.
 */
export function dropStatementWords(problems: readonly Problem[], rate: number, random: () => number): Problem[] {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`statement word dropout must lie in [0, 1), got ${rate}`);
  return problems.map((problem) => ({ ...problem, description: dropWords(problem.description, rate, random) }));
}

/**
 * The stream `rlef train --seed SEED` thins its training statements with (one draw per word, the
 * problems in file order); `rlef eval --drop-words` uses it too, so that an evaluation on the
 * training file with the same seed and rate sees the statements the run trained on.
 */
export function statementDropoutStream(seed: number): () => number {
  return seededRandom(seed * 7 + 3);
}
