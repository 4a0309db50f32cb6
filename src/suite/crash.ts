/**
 * Buggy variants that crash (issue 8, session 16). The suite's own buggy variants (off by one,
 * wrong operator, wrong filter, wrong format) almost all print a wrong answer: of the 16,311
 * repair dialogs behind the shipped warm start, 118 had a traceback in their feedback. On the
 * held-out split, though, 21 of the warm start's 128 failed first turns crashed (a separator it
 * never saw, a stray quote, a missing key), and not one of them was repaired: after a traceback
 * its retries were no program or another crash. These variants give the warm start repair dialogs
 * whose feedback is a real traceback, the kind it meets there.
 *
 * Each kind is a small edit of a reference solution; whether it really raises is decided by
 * running it (`pipelines/generate-crash-repairs.ts`), not assumed here.
 */
import { FAMILIES } from './families/index.ts';
import { pick, type Rng } from './random.ts';

/** The edits: another separator, a stray quote, a dropped bracket, an unknown name, text left unparsed. */
export const CRASH_KINDS = ['separator', 'quote', 'bracket', 'name', 'type'] as const;
export type CrashKind = (typeof CRASH_KINDS)[number];

/** One edited program. */
export interface CrashVariant {
  readonly kind: CrashKind;
  readonly code: string;
}

/** Every string value a family's held-out pool holds: an edit never writes one of them. */
export const HELDOUT_STRINGS: ReadonlySet<string> = new Set(
  FAMILIES.flatMap((family) => Object.values(family.pools).flatMap((pool) => pool.heldout.filter((v): v is string => typeof v === 'string'))),
);

/** Separators a wrong `split` may use (none of them a held-out value). */
export const WRONG_SEPARATORS: readonly string[] = [',', ';', '-', '|', '_', '#', '&', '.', '*', '@', '%', '~', '=', '!', '^', '+'].filter(
  (s) => !HELDOUT_STRINGS.has(s),
);

const FRESH_NAMES = ['b', 'c', 'n', 'arr', 'lst', 'data', 'nums', 'line', 'vals', 'res'];

/**
 * One candidate per kind that applies to `code`, in {@link CRASH_KINDS} order; `rng` picks the
 * place and the replacement. Candidates equal to `code` are left out.
 */
export function crashVariants(code: string, rng: Rng): CrashVariant[] {
  const out: CrashVariant[] = [];
  const add = (kind: CrashKind, edited: string | undefined): void => {
    if (edited !== undefined && edited !== code) out.push({ kind, code: edited });
  };
  add('separator', wrongSeparator(code, rng));
  add('quote', strayQuote(code, rng));
  add('bracket', droppedBracket(code, rng));
  add('name', unknownName(code, rng));
  add('type', unparsed(code));
  return out;
}

/** `split('X')` → `split('Y')`, or `split()` → `split('Y')`, Y another separator. */
function wrongSeparator(code: string, rng: Rng): string | undefined {
  const quoted = /split\('([^']*)'\)/.exec(code);
  if (quoted !== null) {
    const others = WRONG_SEPARATORS.filter((s) => s !== quoted[1]);
    return code.replace(quoted[0], `split('${pick(rng, others)}')`);
  }
  if (!code.includes('split()')) return undefined;
  return code.replace('split()', `split('${pick(rng, WRONG_SEPARATORS)}')`);
}

/** A `'` inserted at a random place of the last line after its first `(`: an unterminated string. */
function strayQuote(code: string, rng: Rng): string | undefined {
  const start = code.lastIndexOf('\n') + 1;
  const open = code.indexOf('(', start);
  if (open < 0) return undefined;
  const at = open + 1 + Math.floor(rng() * (code.length - open - 1));
  return code.slice(0, at) + "'" + code.slice(at);
}

/** One closing bracket of the program removed. */
function droppedBracket(code: string, rng: Rng): string | undefined {
  const places = [...code.matchAll(/[)\]]/g)].map((m) => m.index);
  if (places.length === 0) return undefined;
  const at = pick(rng, places);
  return code.slice(0, at) + code.slice(at + 1);
}

/** The first use, after line 1, of a name line 1 assigns, renamed to a name the program never binds. */
function unknownName(code: string, rng: Rng): string | undefined {
  const newline = code.indexOf('\n');
  if (newline < 0) return undefined;
  const assigned = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=/.exec(code.slice(0, newline));
  if (assigned === null) return undefined;
  const names = assigned[1]!.split(',').map((s) => s.trim());
  const name = pick(rng, names);
  const fresh = FRESH_NAMES.filter((n) => !new RegExp(`\\b${n}\\b`).test(code));
  if (fresh.length === 0) return undefined;
  const rest = code.slice(newline);
  const use = new RegExp(`\\b${name}\\b`).exec(rest);
  if (use === null) return undefined;
  return code.slice(0, newline) + rest.slice(0, use.index) + pick(rng, fresh) + rest.slice(use.index + name.length);
}

/** Numbers left as text: `map(int,` → `map(str,`, `int(input())` → `input()`. */
function unparsed(code: string): string | undefined {
  if (code.includes('map(int,')) return code.replace('map(int,', 'map(str,');
  if (code.includes('int(input())')) return code.replace('int(input())', 'input()');
  return undefined;
}
