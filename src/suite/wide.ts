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

/** Word pairs for verdicts, each used upper case, lower case and capitalised by {@link broadValues}. */
const VERDICT_WORDS = [
  'ok/not', 't/f', 'ok/bad', 'good/bad', 'si/no', 'pos/neg', 'a/b', 'up/down', 'right/wrong', 'pass/fail',
  'on/off', 'high/low', 'in/out', 'go/stop', 'accept/reject', 'valid/invalid', 'da/net', 'oui/non', 'ja/nein',
  'yep/nope', 'aye/nay', 'correct/incorrect', 'win/lose', 'hit/miss', 'open/closed', 'p/q', 's/u', 'x/o',
  'sure/never', 'fine/broken', 'keep/drop', 'agree/disagree', 'real/fake', 'pro/con', 'safe/unsafe',
];
const SYMBOLS = [...SEPARATORS, '<', '>', '?', '$'];

/** Families whose parameters are all strings: letters, separators, verdict words. */
export const STRING_FAMILIES: readonly string[] = FAMILIES.filter((f) => {
  const pools = Object.values(f.pools);
  return pools.length > 0 && pools.every((p) => typeof p.train[0] === 'string');
}).map((f) => f.name);

/**
 * Broad values for a string parameter (session 13): every letter, 22 symbols, or 100 verdict pairs,
 * whatever the training pools hold included, less every held-out value of the family in any letter
 * case (for `replace_char`, X's and Y's held-out letters both; X from the even-placed letters and Y
 * from the odd ones, so they never coincide), so that a slot sees most of what
 * can fill it and copying is the only way to be right. Numbers keep {@link wideValues}.
 */
export function broadValues(family: Family, name: string): ParamValue[] {
  const pool = family.pools[name];
  if (pool === undefined) throw new RangeError(`${family.name} has no parameter ${name}`);
  const sample = pool.train[0];
  if (typeof sample !== 'string') return wideValues(family, name);
  const heldout = new Set(Object.values(family.pools).flatMap((p) => p.heldout.map((v) => String(v).toLowerCase())));
  let candidates: string[];
  if (family.name === 'is_sorted' || family.name === 'palindrome') {
    const caps = (w: string): string => w.split('/').map((x) => x.charAt(0).toUpperCase() + x.slice(1)).join('/');
    candidates = VERDICT_WORDS.flatMap((w) => [w.toUpperCase(), w, caps(w)]);
  } else if (family.name === 'replace_char') {
    // X and Y must differ: X takes the letters at even places of the alphabet, Y the odd ones.
    candidates = LETTERS.filter((_, i) => i % 2 === (name === 'X' ? 0 : 1));
  } else candidates = /[a-z]/.test(sample) ? LETTERS : SYMBOLS;
  return [...new Set(candidates)].filter((v) => !heldout.has(v.toLowerCase()));
}

/** Every parameter of `family` with its values from `domain` ({@link wideValues} by default). */
export function valuesOf(family: Family, domain: (family: Family, name: string) => ParamValue[] = wideValues): Record<string, ParamValue[]> {
  return Object.fromEntries(Object.keys(family.pools).map((name) => [name, domain(family, name)]));
}

/**
 * `perFamily` problems of every family with parameters drawn from {@link wideValues}, or with
 * `broadStrings` of the string families from {@link broadValues} (ids
 * `novel/FAMILY/I`, `meta.split` `novel`, as {@link generateNovel} names them), family by family.
 * Deterministic for a seed; the families' pools are left as they are.
 */
export async function generateWide(options: {
  readonly seed: number;
  readonly perFamily: number;
  readonly python?: string;
  /** Only the {@link STRING_FAMILIES}, their values from {@link broadValues} (default false). */
  readonly broadStrings?: boolean;
}): Promise<Problem[]> {
  const problems: Problem[] = [];
  const values = (family: Family): Record<string, ParamValue[]> => valuesOf(family, options.broadStrings === true ? broadValues : wideValues);
  const families = FAMILIES.filter((f) => Object.keys(f.pools).length > 0 && (options.broadStrings !== true || STRING_FAMILIES.includes(f.name)));
  for (const family of families) {
    problems.push(...(await generateNovel({ seed: options.seed, perFamily: options.perFamily, families: [family], values, ...(options.python === undefined ? {} : { python: options.python }) })));
  }
  return problems;
}
