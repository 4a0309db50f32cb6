/**
 * Problems with parameter values from wide ranges (issue 8, session 8): the training templates of
 * every family with parameters, each parameter drawn from a wide domain — two-digit K, any
 * letter, any separator — less the family's training and held-out pools, so that a model trained
 * on them cannot memorise the values and has to take them from the statement. The shipped warm
 * start's fine-tune uses three seeds of them (`pipelines/sft-wide-gpu.ts`; session 8's,
 * `pipelines/sft-wide-torch.ts`, one); held-out values never occur.
 */
import { FAMILIES } from './families/index.ts';
import type { Family, ParamValue } from './family.ts';
import { generateNovel } from './generate.ts';
import type { Problem } from '../problems/problem.ts';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const SEPARATORS = ['-', ',', '+', '|', '_', ';', '#', '&', '.', '*', '@', '%', '~', '=', '!', '^', '/', ':'];
const VERDICT_PAIRS = ['OK/NOT', 'T/F', 'ok/bad', 'good/bad', 'SI/NO', '1/0', 'POS/NEG', 'A/B', 'up/down', 'Right/Wrong'];
/** Families whose K is a length or a count within a short input: small values only. */
const SHORT = new Set(['count_long_words', 'upper_first_k', 'rotate_left', 'every_kth', 'repeat_chars', 'last_k', 'kth_largest', 'smallest_k', 'sum_first_k', 'repeat_word', 'pad_left']);

/** The wide domain of one parameter before the family's pools are taken out. */
function domain(family: string, name: string, sample: ParamValue | undefined): ParamValue[] {
  if (family === 'is_sorted' || family === 'palindrome') return VERDICT_PAIRS;
  if (typeof sample === 'string') {
    if (family === 'replace_char') return name === 'X' ? LETTERS.slice(0, 13) : LETTERS.slice(13);
    return /[a-z]/.test(sample) ? LETTERS : SEPARATORS;
  }
  if (family === 'prod_mod') return range(20, 300);
  if (family === 'keep_between') return name === 'L' ? range(0, 12) : range(13, 40);
  if (family === 'caesar') return range(1, 25);
  if (family === 'keep_at_least') return range(-6, 30);
  if (SHORT.has(family)) return range(2, 14);
  if (family === 'scale_shift') return range(1, 20);
  return range(1, 40);
}

/** A parameter's wide values: its domain less the family's training and held-out pools. */
export function wideValues(family: Family, name: string): ParamValue[] {
  const pool = family.pools[name];
  if (pool === undefined) throw new RangeError(`${family.name} has no parameter ${name}`);
  return domain(family.name, name, pool.train[0]).filter((v) => !pool.train.includes(v) && !pool.heldout.includes(v));
}

/**
 * `perFamily` problems of every family with parameters drawn from {@link wideValues} (ids
 * `novel/FAMILY/I`, `meta.split` `novel`, as {@link generateNovel} names them), family by family.
 * Deterministic for a seed; the families' pools are left as they are.
 */
export async function generateWide(options: { readonly seed: number; readonly perFamily: number; readonly python?: string }): Promise<Problem[]> {
  const problems: Problem[] = [];
  const values = (family: Family): Record<string, ParamValue[]> => Object.fromEntries(Object.keys(family.pools).map((name) => [name, wideValues(family, name)]));
  for (const family of FAMILIES.filter((f) => Object.keys(f.pools).length > 0)) {
    problems.push(...(await generateNovel({ seed: options.seed, perFamily: options.perFamily, families: [family], values, ...(options.python === undefined ? {} : { python: options.python }) })));
  }
  return problems;
}
