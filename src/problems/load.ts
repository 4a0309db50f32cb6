/**
 * `loadProblems`: one entry point for every dataset format, with the format told by the caller or
 * detected from the file (parquet magic bytes, else the first record's keys). Loading is all or
 * nothing: the first malformed record throws `InputError` (`file:line: what is wrong`).
 */
import type { ExecutionPool } from '../exec/types.ts';
import { InputError, UsageError } from '../runtime/errors.ts';
import type { Problem } from './problem.ts';
import { Fields, parseJsonObject, parsePythonJsonObject } from './fields.ts';
import { readHead, readLines } from './read-lines.ts';
import { CODECONTESTS_KEYS, codeContestsProblem, parquetColumns, readCodeContestsParquet } from './codecontests.ts';
import { HUMANEVAL_KEYS, humanEvalProblem } from './humaneval.ts';
import { MBPP_KEYS, mbppProblem } from './mbpp.ts';
import { EVALPLUS_KEYS, evalPlusTask, prepareEvalPlus } from './evalplus.ts';
import type { EvalPlusTask, PrepareOptions } from './evalplus.ts';
import { RLEF_KEYS, rlefProblem } from './rlef-jsonl.ts';

export type DatasetFormat = 'codecontests' | 'humaneval' | 'evalplus' | 'mbpp' | 'rlef';
export type FormatOption = 'auto' | DatasetFormat;
export const DATASET_FORMATS: readonly DatasetFormat[] = ['codecontests', 'humaneval', 'evalplus', 'mbpp', 'rlef'];

export interface LoadOptions extends PrepareOptions {
  /** Default `auto`. */
  readonly format?: FormatOption;
  /** Needed for EvalPlus, whose expected outputs come from running canonical solutions. */
  readonly pool?: ExecutionPool;
}

/** Loads every problem of `file`; see README "Datasets" for the formats. */
export async function loadProblems(file: string, options: LoadOptions = {}): Promise<Problem[]> {
  const format = options.format === undefined || options.format === 'auto' ? await detectFormat(file) : options.format;
  if (format === 'evalplus') {
    const tasks = await collect(file, readEvalPlus(file));
    if (options.pool === undefined) {
      throw new UsageError('an EvalPlus dataset needs an execution pool: its expected outputs come from running the canonical solutions');
    }
    return prepareEvalPlus(tasks.map((entry) => entry.item), options.pool, options);
  }
  const problems = await collect(file, readProblems(file, format));
  return problems.map((entry) => entry.item);
}

/** Yields the problems of a file in a format that needs no execution (all but EvalPlus). */
export async function* readProblems(file: string, format: Exclude<DatasetFormat, 'evalplus'>): AsyncGenerator<Placed<Problem>> {
  if (format === 'codecontests' && (await isParquet(file))) {
    let row = 0;
    for await (const problem of readCodeContestsParquet(file)) yield { item: problem, line: undefined, row: ++row };
    return;
  }
  const convert = { codecontests: codeContestsProblem, humaneval: humanEvalProblem, mbpp: mbppProblem, rlef: rlefProblem }[format];
  for await (const { line, text } of readLines(file)) {
    yield { item: convert(new Fields({ file, line }, parseJsonObject(file, line, text))), line, row: undefined };
  }
}

/** Yields the EvalPlus records of a file, inputs not yet run. */
export async function* readEvalPlus(file: string): AsyncGenerator<Placed<EvalPlusTask>> {
  for await (const { line, text } of readLines(file)) {
    yield { item: evalPlusTask(new Fields({ file, line }, parsePythonJsonObject(file, line, text)), text), line, row: undefined };
  }
}

/** An item and where in the file it was. */
export interface Placed<T> {
  readonly item: T;
  readonly line: number | undefined;
  readonly row: number | undefined;
}

/** Tells the format of a dataset file from its first bytes or first record. */
export async function detectFormat(file: string): Promise<DatasetFormat> {
  if (await isParquet(file)) {
    const columns = await parquetColumns(file);
    if (CODECONTESTS_KEYS.every((key) => columns.includes(key))) return 'codecontests';
    throw new InputError(file, undefined, `a parquet file that is not CodeContests (columns: ${columns.join(', ')}); pass --format`);
  }
  for await (const { line, text } of readLines(file)) {
    const keys = Object.keys(parsePythonJsonObject(file, line, text));
    const format = formatOfKeys(keys);
    if (format === undefined) {
      throw new InputError(file, line, `cannot tell the dataset format from the first record's keys (${keys.join(', ')}); pass --format`);
    }
    return format;
  }
  throw new InputError(file, undefined, 'no records (the file is empty)');
}

/** The format whose identifying keys a record has, most specific first. */
export function formatOfKeys(keys: readonly string[]): DatasetFormat | undefined {
  const has = (wanted: readonly string[]): boolean => wanted.every((key) => keys.includes(key));
  if (has(EVALPLUS_KEYS)) return 'evalplus';
  if (has(HUMANEVAL_KEYS)) return 'humaneval';
  if (has(MBPP_KEYS)) return 'mbpp';
  if (has(CODECONTESTS_KEYS)) return 'codecontests';
  if (has(RLEF_KEYS)) return 'rlef';
  return undefined;
}

async function isParquet(file: string): Promise<boolean> {
  return (await readHead(file, 4)).toString('latin1') === 'PAR1';
}

/** Reads everything, refusing an empty file and duplicate ids. */
async function collect<T extends { readonly id: string }>(file: string, items: AsyncIterable<Placed<T>>): Promise<Placed<T>[]> {
  const all: Placed<T>[] = [];
  const seen = new Map<string, string>();
  for await (const entry of items) {
    const where = entry.row === undefined ? `line ${entry.line ?? '?'}` : `row ${entry.row}`;
    const first = seen.get(entry.item.id);
    if (first !== undefined) {
      const what = `duplicate problem id ${JSON.stringify(entry.item.id)} (first at ${first})`;
      throw entry.row === undefined ? new InputError(file, entry.line, what) : new InputError(file, undefined, `row ${entry.row}: ${what}`);
    }
    seen.set(entry.item.id, where);
    all.push(entry);
  }
  if (all.length === 0) throw new InputError(file, undefined, 'no records (the file is empty)');
  return all;
}
