/**
 * The canonical style every reference solution shares: read with one of these lines, then print.
 * Keeping one spelling per input shape makes the programs a small model sees formulaic.
 */

/** Reads one line of integers into `a`. */
export const READ_INTS = 'a=list(map(int,input().split()))';
/** Reads one line of text into `s`. */
export const READ_STR = 's=input()';
/** Reads one line of words into `w`. */
export const READ_WORDS = 'w=input().split()';
/** Reads one integer into `n`. */
export const READ_INT = 'n=int(input())';

/** Input/output statements (no final period: the RLEF prompt adds one after the description). */
export const IO = {
  intsToInt: 'Input: one line of integers. Output: one integer',
  intsToInts: 'Input: one line of integers. Output: integers separated by spaces',
  intsToWord: 'Input: one line of integers. Output: one word',
  textToText: 'Input: one line of lowercase letters. Output: one line',
  textToInt: 'Input: one line of text. Output: one integer',
  textToWord: 'Input: one line of lowercase letters. Output: one word',
  wordsToInt: 'Input: one line of words. Output: one integer',
  wordsToLine: 'Input: one line of words. Output: one line',
  intToInt: 'Input: one integer. Output: one integer',
  intToInts: 'Input: one integer. Output: integers separated by spaces',
  pairToInt: 'Input: two non-negative integers joined by the separator. Output: one integer',
  listToInt: 'Input: integers separated by the separator. Output: one integer',
  pairsToValue: 'Input: space-separated pairs key=value. Output: one value',
  timeToInt: 'Input: a time h:m. Output: one integer',
} as const;

/** Python source lines joined into one program. */
export function program(...lines: readonly string[]): string {
  return lines.join('\n');
}

/** `2nd`, `3rd`, `4th`, … for phrasings like "the {KTH} largest". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
