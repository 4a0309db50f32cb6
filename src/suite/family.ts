/**
 * A task family: one kind of stdin/stdout problem with phrasing templates and parameters,
 * each split into a training half and a held-out half that share no template and no value (and,
 * for RL experiments, a third set of `novel` values and a third set of `fresh` phrasings in neither
 * half). Pure data and pure functions: nothing here runs Python or touches files.
 */
import type { Rng } from './random.ts';

/**
 * Which part of a family's templates and parameter values a problem draws from: `train` and
 * `heldout` share no template and no value; `novel` takes the training templates with a third set
 * of values, in neither of the other two (for RL on values the warm start never saw); `fresh`
 * takes a third set of templates with the `novel` values (the training ones where a parameter has
 * none): statements like the held-out ones, new in phrasing and value, that are not held out.
 */
export type SplitName = 'train' | 'heldout' | 'novel' | 'fresh';

/** One value per split (templates: `novel` problems use the training ones). */
export interface ByParts<T> {
  readonly train: T;
  readonly heldout: T;
}

/** A family's phrasing templates per split; `fresh` ones (optional) appear in neither `train` nor `heldout`. */
export interface TemplateParts extends ByParts<readonly string[]> {
  readonly fresh?: readonly string[];
}

/** A parameter's values per split; `novel` ones (optional) appear in neither `train` nor `heldout`. */
export interface PoolParts<T> extends ByParts<T> {
  readonly novel?: T;
}

/** A parameter value: a number (K, P) or a short string (a letter, a separator). */
export type ParamValue = number | string;

/** The parameters of one drawn problem, by name (upper case, as in the templates). */
export type Params = Readonly<Record<string, ParamValue>>;

/** One drawn problem before any test is run: what the generator sends to Python. */
export interface Draft {
  readonly family: string;
  readonly group: string;
  /** `t` followed by the template's index in the family's full list (train ones first), then `g` when the grammar rephrased it. */
  readonly templateId: string;
  readonly params: Params;
  /** The phrase with parameters filled in, then the family's input/output line. */
  readonly description: string;
  readonly reference: string;
  /** Buggy variants; those that no public test catches are dropped later. */
  readonly bugs: readonly string[];
  /** Candidate test inputs, edge cases first; the generator picks public and private ones among them. */
  readonly inputs: readonly string[];
  /** How many of `inputs` (from the start) are edge cases. */
  readonly edgeCount: number;
}

/** A family as the generator sees it, its parameter types erased. */
export interface Family {
  readonly name: string;
  readonly group: string;
  /** The one-line input/output statement appended to every phrase (no final period). */
  readonly io: string;
  readonly templates: TemplateParts;
  readonly pools: Readonly<Record<string, PoolParts<readonly ParamValue[]>>>;
  /**
   * Problem `index` of `part`: its template and parameters are combination
   * `index × scatterStride(total) mod total` of `part`'s templates × values (mixed radix, template
   * fastest), so every run of `total` indices covers each combination once and shorter runs still
   * spread over all values; `rng` draws the candidate inputs. `values`, where given, replace the
   * part's pool of each parameter they name; `rephrase`, where given, rewrites the drawn template
   * before its placeholders are filled (the phrasing grammar, `grammar.ts`).
   */
  draft(rng: Rng, part: SplitName, index: number, values?: Readonly<Record<string, readonly ParamValue[]>>, rephrase?: (template: string) => string): Draft;
}

/** What a family author writes; `P` names the parameters and their types. */
export interface FamilySpec<P extends Record<string, ParamValue>> {
  readonly name: string;
  readonly io: string;
  readonly templates: TemplateParts;
  readonly pools: { readonly [K in keyof P]: PoolParts<readonly P[K][]> };
  /** Extra placeholders derived from the parameters (e.g. `{T}` and `{F}` from a word pair). */
  readonly show?: (p: P) => Readonly<Record<string, string>>;
  readonly solve: (p: P) => string;
  readonly bugs: readonly ((p: P) => string)[];
  /** One random test input (ending in a newline). */
  readonly input: (rng: Rng, p: P) => string;
  /** Edge-case inputs for these parameters. */
  readonly edges: (p: P) => readonly string[];
}

/** Random inputs drawn per problem; edge cases come on top. */
export const RANDOM_INPUTS = 18;

/** Fills `{NAME}` placeholders; throws when a placeholder has no value, so a typo cannot ship. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Z]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template "${template}" names unknown placeholder {${name}}`);
    return value;
  });
}

/** Turns a spec into a {@link Family} of the given group. */
export function defineFamily<P extends Record<string, ParamValue>>(group: string, spec: FamilySpec<P>): Family {
  const names = Object.keys(spec.pools) as (keyof P & string)[];
  return {
    name: spec.name,
    group,
    io: spec.io,
    templates: spec.templates,
    pools: spec.pools,
    draft(rng, part, problemIndex, values, rephrase) {
      const { templates, offset } = templatesOf(spec.templates, part, spec.name);
      const poolOf = (name: keyof P & string): readonly ParamValue[] => {
        const given = values?.[name];
        if (given !== undefined) return given;
        const parts = spec.pools[name];
        return part === 'novel' || part === 'fresh' ? parts.novel ?? parts.train : parts[part];
      };
      const sizes = [templates.length, ...names.map((name) => poolOf(name).length)];
      const total = sizes.reduce((a, b) => a * b, 1);
      const combination = (problemIndex * scatterStride(total)) % total;
      const templateIndex = combination % templates.length;
      let rest = Math.floor(combination / templates.length);
      const params = {} as Record<string, ParamValue>;
      for (const name of names) {
        const pool = poolOf(name);
        params[name] = valueAt(pool, rest % pool.length);
        rest = Math.floor(rest / pool.length);
      }
      const p = params as P;
      const drawn = valueAt(templates, templateIndex);
      const template = rephrase === undefined ? drawn : rephrase(drawn);
      const shown: Record<string, string> = { ...spec.show?.(p) };
      for (const name of names) shown[name] = String(params[name]);
      const edges = unique(spec.edges(p));
      const inputs = unique([...edges, ...Array.from({ length: RANDOM_INPUTS }, () => spec.input(rng, p))]);
      return {
        family: spec.name,
        group,
        templateId: `t${offset + templateIndex}${template === drawn ? '' : 'g'}`,
        params: p,
        description: `${fill(template, shown)}.\n${spec.io}`,
        reference: spec.solve(p),
        bugs: spec.bugs.map((bug) => bug(p)),
        inputs,
        edgeCount: edges.length,
      };
    },
  };
}

/**
 * The templates problems of `part` draw from (`novel` ones use the training templates) and where
 * they start in the family's full list (train, then held-out, then fresh), which names them.
 */
function templatesOf(parts: TemplateParts, part: SplitName, family: string): { templates: readonly string[]; offset: number } {
  if (part === 'heldout') return { templates: parts.heldout, offset: parts.train.length };
  if (part !== 'fresh') return { templates: parts.train, offset: 0 };
  if (parts.fresh === undefined || parts.fresh.length === 0) throw new Error(`family ${family} has no fresh templates`);
  return { templates: parts.fresh, offset: parts.train.length + parts.heldout.length };
}

/**
 * A step coprime with `total` near its golden section: index × step mod total visits every
 * combination once per `total` indices, and any run of consecutive indices spreads over all
 * digits (plain counting would leave the slowest parameter stuck at its first values).
 */
export function scatterStride(total: number): number {
  if (total <= 2) return 1;
  let step = Math.round(total * 0.618);
  while (gcd(step, total) !== 1) step += 1;
  return step;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function valueAt<T>(values: readonly T[], index: number): T {
  const value = values[index];
  if (value === undefined) throw new Error('empty template list or parameter pool');
  return value;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
