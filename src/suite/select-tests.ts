/**
 * Turns a draft and the outputs Python produced for it into a problem: public tests chosen so
 * that every kept buggy variant fails at least one of them, private tests from the rest
 * (edge cases first). Pure: the runs are given.
 */
import type { Problem, StdioTest } from '../problems/problem.ts';
import { outputsMatch } from './compare.ts';
import type { Draft } from './family.ts';
import type { BatchRun } from './python-batch.ts';

/** Test counts per problem. */
export const MIN_PUBLIC = 2;
export const MAX_PUBLIC = 3;
export const MIN_PRIVATE = 6;
export const MAX_PRIVATE = 8;
/** A problem ships only with at least this many buggy variants that public tests catch. */
export const MIN_BUGS = 2;

/** A problem, or why the draft could not make one (the generator then draws again). */
export type Selection = { readonly ok: true; readonly problem: Problem } | { readonly ok: false; readonly reason: string };

/**
 * Builds the problem `id` from `draft`; `runs[0]` are the reference's runs, `runs[1 + b]` bug `b`'s,
 * each indexed like `draft.inputs`.
 */
export function selectTests(id: string, split: string, draft: Draft, runs: readonly (readonly BatchRun[])[]): Selection {
  const reference = runs[0] ?? [];
  const usable = draft.inputs.map((_, i) => i).filter((i) => reference[i]?.ok === true);
  const fails = (bug: number, i: number): boolean => {
    const run = runs[1 + bug]?.[i];
    const expected = reference[i]?.stdout ?? '';
    return run === undefined || !run.ok || !outputsMatch(expected, run.stdout);
  };
  const bugIds = uniqueBugs(draft);
  // Random inputs make the public tests (they read like typical cases); edge cases go private.
  const randoms = usable.filter((i) => i >= draft.edgeCount && (reference[i]?.stdout.trim() ?? '') !== '');
  const pub: number[] = [];
  let open = bugIds.filter((b) => usable.some((i) => fails(b, i)));
  while (open.length > 0 && pub.length < MAX_PUBLIC) {
    let best = -1;
    let bestCount = 0;
    for (const i of randoms) {
      if (pub.includes(i)) continue;
      const count = open.filter((b) => fails(b, i)).length;
      if (count > bestCount) [best, bestCount] = [i, count];
    }
    if (best < 0) break;
    pub.push(best);
    open = open.filter((b) => !fails(b, best));
  }
  for (const i of randoms) if (pub.length < MIN_PUBLIC && !pub.includes(i)) pub.push(i);
  const kept = bugIds.filter((b) => pub.some((i) => fails(b, i)));
  if (kept.length < MIN_BUGS) return { ok: false, reason: `only ${kept.length} buggy variants fail a public test` };
  if (pub.length < MIN_PUBLIC) return { ok: false, reason: 'too few usable public inputs' };
  const priv = usable.filter((i) => !pub.includes(i)).slice(0, MAX_PRIVATE);
  if (priv.length < MIN_PRIVATE) return { ok: false, reason: `only ${priv.length} private inputs` };
  const test = (i: number): StdioTest => ({ kind: 'stdio', input: draft.inputs[i] ?? '', output: reference[i]?.stdout ?? '' });
  const meta: Record<string, string | number | boolean> = {
    family: draft.family,
    group: draft.group,
    split,
    template: draft.templateId,
  };
  for (const [name, value] of Object.entries(draft.params)) meta[name] = value;
  return {
    ok: true,
    problem: {
      id,
      source: 'rlef',
      description: draft.description,
      tests: { public: pub.map(test), private: priv.map(test), generated: [] },
      solutions: [draft.reference],
      incorrectSolutions: kept.map((b) => draft.bugs[b] ?? ''),
      meta,
    },
  };
}

/** Indices of the bugs that differ from the reference and from each other as text. */
function uniqueBugs(draft: Draft): number[] {
  const seen = new Set([draft.reference]);
  const ids: number[] = [];
  draft.bugs.forEach((bug, b) => {
    if (!seen.has(bug)) ids.push(b);
    seen.add(bug);
  });
  return ids;
}
