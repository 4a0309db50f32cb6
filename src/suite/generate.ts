/**
 * Generates the built-in suite: per family, drafts drawn from seeded generators, all run in one
 * Python process per round, then tests selected; drafts that cannot make a problem are drawn again
 * with the next attempt number, so the output depends on the seed alone.
 */
import type { Problem } from '../problems/problem.ts';
import type { Draft, Family, ParamValue, SplitName } from './family.ts';
import { FAMILIES } from './families/index.ts';
import { normalisePhrase, paraphrase } from './grammar.ts';
import { DEFAULT_PYTHON, runBatch } from './python-batch.ts';
import { rngFor } from './random.ts';
import { selectTests } from './select-tests.ts';

/** The files of the suite, by name. */
export type SuiteSplit = 'train' | 'heldout' | 'smoke';

/** What to generate. */
export interface SuiteOptions {
  readonly seed: number;
  /** Problems per family in the training split (default 46 families × 46 = 2,116). */
  readonly trainPerFamily?: number;
  /** Problems per family in the held-out split (default 6, so 276). */
  readonly heldoutPerFamily?: number;
  /** Problems in the smoke split, one each from families spread over the list (default 12). */
  readonly smokeCount?: number;
  readonly families?: readonly Family[];
  /** Python interpreter that runs every program (default `/usr/bin/python3`). */
  readonly python?: string;
}

/** The generated problems per split, in file order. */
export type Suite = Readonly<Record<SuiteSplit, readonly Problem[]>>;

/** The thrown fault when some slot cannot be filled within {@link MAX_ATTEMPTS} draws. */
export class SuiteGenerationError extends Error {
  override readonly name = 'SuiteGenerationError';
  readonly slot: string;
  constructor(slot: string, reason: string) {
    super(`cannot generate ${slot}: ${reason}`);
    this.slot = slot;
  }
}

/** Draws per slot before the generator gives up (a sign of a broken family, not bad luck). */
export const MAX_ATTEMPTS = 12;

interface Slot {
  readonly split: SuiteSplit | 'novel' | 'fresh' | 'grammar' | CrossedSplit;
  readonly part: SplitName;
  readonly family: Family;
  /** The slot's number within its split and family (names it and seeds its draws). */
  readonly index: number;
  /** Which combination of templates and parameters it takes (differs from `index` only for smoke). */
  readonly combination: number;
  readonly id: string;
  /** Parameter values that replace the part's pools (wide values, `src/suite/wide.ts`). */
  readonly values?: Readonly<Record<string, readonly ParamValue[]>>;
  /** Paraphrase the template with the phrasing grammar, never into one of these (`grammar` problems). */
  readonly avoid?: ReadonlySet<string>;
}

/** Generates all three splits. */
export async function generateSuite(options: SuiteOptions): Promise<Suite> {
  const families = options.families ?? FAMILIES;
  const trainPer = options.trainPerFamily ?? 46;
  const heldoutPer = options.heldoutPerFamily ?? 6;
  const smokeCount = Math.min(options.smokeCount ?? 12, families.length);
  const slots: Slot[] = [];
  const add = (split: SuiteSplit, part: SplitName, family: Family, index: number, combination = index): void => {
    slots.push({ split, part, family, index, combination, id: `${split}/${family.name}/${index}` });
  };
  // Index-major order interleaves the families, so any prefix of a file covers all of them.
  for (let i = 0; i < trainPer; i += 1) for (const f of families) add('train', 'train', f, i);
  for (let i = 0; i < heldoutPer; i += 1) for (const f of families) add('heldout', 'heldout', f, i);
  for (let i = 0; i < smokeCount; i += 1) {
    const family = families[Math.floor((i * families.length) / smokeCount)];
    if (family !== undefined) add('smoke', 'train', family, 0, i);
  }
  const problems = await fillSlots(options, slots);
  const pickSplit = (split: SuiteSplit): Problem[] =>
    slots.filter((s) => s.split === split).map((s) => problems.get(s.id)).filter((p) => p !== undefined);
  return { train: pickSplit('train'), heldout: pickSplit('heldout'), smoke: pickSplit('smoke') };
}

/** What to generate for {@link generateNovel}. */
export interface NovelOptions {
  readonly seed: number;
  /** Problems per family (default 20). */
  readonly perFamily?: number;
  readonly families?: readonly Family[];
  /** Per family, values that replace its `novel` pools (default: the pools themselves). */
  readonly values?: (family: Family) => Readonly<Record<string, readonly ParamValue[]>>;
  readonly python?: string;
}

/**
 * Problems for RL on parameter values the warm start never saw: the training templates of every
 * family that has parameters, with its `novel` values (in neither the training nor the held-out
 * split), ids `novel/FAMILY/I`. Families without parameters are left out: their problems would
 * differ from the training split's in test inputs only.
 */
export async function generateNovel(options: NovelOptions): Promise<Problem[]> {
  const families = (options.families ?? FAMILIES).filter((f) => Object.keys(f.pools).length > 0);
  const values = options.values;
  return generateExtra(options, 'novel', 'novel', families, options.perFamily ?? 20, values === undefined ? undefined : (f) => ({ values: values(f) }));
}

/** What to generate for {@link generateFresh}. */
export interface FreshOptions {
  readonly seed: number;
  /** Problems per family (default 12). */
  readonly perFamily?: number;
  readonly families?: readonly Family[];
  readonly python?: string;
}

/**
 * Problems for RL on statements of the held-out kind that are not held out: every family's `fresh`
 * templates (in neither split) with its `novel` values (its training values where a parameter has
 * none; families without parameters differ from training in phrasing only), ids `fresh/FAMILY/I`.
 */
export async function generateFresh(options: FreshOptions): Promise<Problem[]> {
  return generateExtra(options, 'fresh', 'fresh', options.families ?? FAMILIES, options.perFamily ?? 12);
}

/** What to generate for {@link generateGrammar}. */
export interface GrammarOptions extends NovelOptions {
  /** Problems per family (default 40). */
  readonly perFamily?: number;
}

/**
 * Problems whose statements are paraphrases of the training templates drawn from the phrasing
 * grammar (`grammar.ts`), never one of the family's held-out or fresh templates, with the training
 * values (or `values`, e.g. wide ones), ids `grammar/FAMILY/I`: many phrasings of every family for
 * the warm start and for RL, none of them held out. Every family takes part.
 */
export async function generateGrammar(options: GrammarOptions): Promise<Problem[]> {
  return generateExtra(options, 'grammar', 'train', options.families ?? FAMILIES, options.perFamily ?? 40, (family) => {
    const values = Object.keys(family.pools).length === 0 ? undefined : options.values?.(family);
    return { avoid: heldOutPhrasings(family), ...(values === undefined ? {} : { values }) };
  });
}

/**
 * Evaluation-only problems that take one half of the held-out split and the training half of the
 * rest: `crossed-phrasing` puts the held-out templates with the training values, `crossed-values`
 * the training templates with the held-out values (ids `SPLIT/FAMILY/I`). Comparing a policy on
 * them with the training and held-out splits tells apart how much of its held-out loss comes from
 * new phrasings and how much from new values. Never for training: each holds a held-out half.
 */
export type CrossedSplit = 'crossed-phrasing' | 'crossed-values';

/** What to generate for {@link generateCrossed}. */
export interface CrossedOptions {
  readonly seed: number;
  readonly split: CrossedSplit;
  /** Problems per family (default 2). */
  readonly perFamily?: number;
  readonly python?: string;
}

/** The problems of one crossed split, index-major like the others. */
export async function generateCrossed(options: CrossedOptions): Promise<Problem[]> {
  const phrasing = options.split === 'crossed-phrasing';
  return generateExtra(options, options.split, phrasing ? 'heldout' : 'train', FAMILIES, options.perFamily ?? 2, (family) => ({
    values: Object.fromEntries(Object.entries(family.pools).map(([name, pool]) => [name, phrasing ? pool.train : pool.heldout])),
  }));
}

/**
 * `perFamily` problems of `part` for each family (index-major, so any prefix covers them all), ids
 * `SPLIT/FAMILY/I`; `extra`, asked once per family, gives values that replace its pools and the
 * phrasings a rephrased template must avoid.
 */
async function generateExtra(
  options: { readonly seed: number; readonly python?: string },
  split: Slot['split'],
  part: SplitName,
  families: readonly Family[],
  perFamily: number,
  extra?: (family: Family) => Pick<Slot, 'values' | 'avoid'>,
): Promise<Problem[]> {
  const extras = new Map(families.map((family) => [family, extra?.(family) ?? {}]));
  const slots: Slot[] = [];
  for (let i = 0; i < perFamily; i += 1) {
    for (const family of families) {
      slots.push({ split, part, family, index: i, combination: i, id: `${split}/${family.name}/${i}`, ...extras.get(family) });
    }
  }
  const problems = await fillSlots(options, slots);
  return slots.map((s) => problems.get(s.id)).filter((p) => p !== undefined);
}

/** Draws, runs and selects tests for every slot, drawing again where a draft cannot make a problem. */
async function fillSlots(options: { readonly seed: number; readonly python?: string }, slots: readonly Slot[]): Promise<Map<string, Problem>> {
  const problems = new Map<string, Problem>();
  let pending = slots;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    const drafts = pending.map((s) => draw(options.seed, s, attempt));
    const results = await runBatch(
      drafts.map((d) => ({ programs: [d.reference, ...d.bugs], inputs: d.inputs })),
      options.python ?? DEFAULT_PYTHON,
    );
    const failed: Slot[] = [];
    pending.forEach((slot, k) => {
      const draft = drafts[k];
      if (draft === undefined) return;
      const selection = selectTests(slot.id, slot.split, draft, results[k] ?? []);
      if (selection.ok) problems.set(slot.id, selection.problem);
      else if (attempt + 1 >= MAX_ATTEMPTS) throw new SuiteGenerationError(slot.id, selection.reason);
      else failed.push(slot);
    });
    pending = failed;
  }
  return problems;
}

function draw(seed: number, slot: Slot, attempt: number): Draft {
  const rng = rngFor(seed, slot.split, slot.family.name, slot.index, attempt);
  const avoid = slot.avoid;
  if (avoid === undefined) return slot.family.draft(rng, slot.part, slot.combination, slot.values);
  // The phrasing has its own stream, so the test inputs are those the plain draw would make.
  const phraseRng = rngFor(seed, 'phrase', slot.family.name, slot.index, attempt);
  return slot.family.draft(rng, slot.part, slot.combination, slot.values, (template) => paraphrase(template, phraseRng, avoid));
}

/** A family's held-out and fresh templates, normalised: what the grammar must never produce. */
export function heldOutPhrasings(family: Family): ReadonlySet<string> {
  return new Set([...family.templates.heldout, ...(family.templates.fresh ?? [])].map(normalisePhrase));
}

/** One problem per line, as JSON, with a final newline: the project's JSONL format. */
export function toJsonl(problems: readonly Problem[]): string {
  return problems.map((p) => JSON.stringify(p)).join('\n') + (problems.length > 0 ? '\n' : '');
}
