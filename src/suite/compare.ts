/**
 * The output check of RLEF.md §1.7, used to decide which inputs expose a buggy variant:
 * whitespace-separated tokens compared one by one; two numbers of which either is a float
 * match within 1e-5 (absolute or relative); two integers match when equal as integers (so `007`
 * matches `7`, the more lenient reading of "exact"); other tokens must be equal. A bug counts as
 * caught only when it fails this lenient check, so it fails any stricter judge too.
 */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** Whether `actual` passes as `expected` under the token comparison. */
export function outputsMatch(expected: string, actual: string): boolean {
  const a = tokens(expected);
  const b = tokens(actual);
  if (a.length !== b.length) return false;
  return a.every((token, i) => tokensMatch(token, b[i] ?? ''));
}

function tokens(text: string): string[] {
  return text.split(/\s+/).filter((token) => token !== '');
}

function tokensMatch(a: string, b: string): boolean {
  if (a === b) return true;
  if (!NUMBER.test(a) || !NUMBER.test(b)) return false;
  if (INTEGER.test(a) && INTEGER.test(b)) return BigInt(a) === BigInt(b);
  const x = Number(a);
  const y = Number(b);
  const diff = Math.abs(x - y);
  return diff < 1e-5 || diff <= 1e-5 * Math.max(Math.abs(x), Math.abs(y));
}
