/**
 * CodeContests as Hugging Face exports it: parquet (read with hyparquet, one row group at a time)
 * or JSONL with the same records. Tests are stdin/stdout; public tests give feedback, private and
 * generated tests also grade. Reference solutions are the Python 3 ones (language 3).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { InputError } from '../runtime/errors.ts';
import type { Problem, StdioTest } from './problem.ts';
import { Fields } from './fields.ts';

/** The keys that identify a CodeContests record (format detection). */
export const CODECONTESTS_KEYS = ['description', 'public_tests'] as const;

/** CodeContests `Language` enum: 3 is PYTHON3 (1 is Python 2, 2 C++, 4 Java). */
export const PYTHON3 = 3;

/** One CodeContests record as a Problem. */
export function codeContestsProblem(fields: Fields): Problem {
  const id = fields.nonEmptyString('name');
  const timeLimitMs = timeLimitOf(fields);
  const memory = fields.optionalNumber('memory_limit_bytes');
  const meta: Record<string, string | number | boolean> = {};
  for (const key of ['difficulty', 'cf_rating', 'source', 'cf_contest_id', 'cf_index', 'cf_points', 'input_file', 'output_file']) {
    const value = fields.record[key];
    if (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value !== '')) meta[key] = value;
  }
  const tags = fields.optionalStringArray('cf_tags').filter((tag) => tag !== '');
  if (tags.length > 0) meta['cf_tags'] = tags.join(',');
  return {
    id,
    source: 'codecontests',
    description: fields.string('description'),
    tests: {
      public: testsOf(fields, 'public_tests'),
      private: testsOf(fields, 'private_tests'),
      generated: testsOf(fields, 'generated_tests'),
    },
    ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
    ...(memory === undefined || memory <= 0 ? {} : { memoryLimitBytes: memory }),
    solutions: python3Solutions(fields, 'solutions'),
    incorrectSolutions: python3Solutions(fields, 'incorrect_solutions'),
    ...(Object.keys(meta).length === 0 ? {} : { meta }),
  };
}

function testsOf(fields: Fields, key: string): StdioTest[] {
  if (!fields.has(key)) return [];
  const tests = fields.object(key);
  const inputs = tests.stringArray('input');
  const outputs = tests.stringArray('output');
  if (inputs.length !== outputs.length) {
    throw fields.error(`field "${key}" has ${inputs.length} inputs but ${outputs.length} outputs`);
  }
  return inputs.map((input, i) => ({ kind: 'stdio', input, output: outputs[i]! }));
}

function python3Solutions(fields: Fields, key: string): string[] {
  if (!fields.has(key)) return [];
  const group = fields.object(key);
  const languages = group.record['language'];
  const solutions = group.stringArray('solution');
  if (!Array.isArray(languages) || languages.length !== solutions.length || !languages.every((l) => typeof l === 'number')) {
    throw fields.error(`field "${key}.language" must be an array of numbers as long as "${key}.solution"`);
  }
  return solutions.filter((_, i) => languages[i] === PYTHON3);
}

function timeLimitOf(fields: Fields): number | undefined {
  if (!fields.has('time_limit')) return undefined;
  const limit = fields.object('time_limit');
  const ms = (limit.optionalNumber('seconds') ?? 0) * 1000 + (limit.optionalNumber('nanos') ?? 0) / 1e6;
  return ms > 0 ? Math.round(ms) : undefined;
}

/** Column names of a parquet file (top level). */
export async function parquetColumns(file: string): Promise<string[]> {
  const { metadata } = await openParquet(file);
  return parquetSchema(metadata).children.map((child) => child.element.name);
}

/** Yields the rows of a CodeContests parquet file as Problems, one row group in memory at a time. */
export async function* readCodeContestsParquet(file: string): AsyncGenerator<Problem> {
  const { buffer, metadata } = await openParquet(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  for (const key of ['name', ...CODECONTESTS_KEYS]) {
    if (!columns.includes(key)) throw new InputError(file, undefined, `not a CodeContests parquet file: no column "${key}" (columns: ${columns.join(', ')})`);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
    } catch (error: unknown) {
      throw new InputError(file, undefined, `cannot read rows ${rowStart + 1}–${rowEnd}: ${messageOf(error)}`, { cause: error });
    }
    for (const [i, row] of rows.entries()) {
      yield codeContestsProblem(new Fields({ file, row: rowStart + i + 1 }, plain(row) as Record<string, unknown>));
    }
    rowStart = rowEnd;
  }
}

async function openParquet(file: string): Promise<{ buffer: AsyncBuffer; metadata: FileMetaData }> {
  const buffer = await asyncBufferFromFile(file);
  try {
    return { buffer, metadata: await parquetMetadataAsync(buffer) };
  } catch (error: unknown) {
    throw new InputError(file, undefined, `not a readable parquet file: ${messageOf(error)}`, { cause: error });
  }
}

/** Parquet values as JSON-like data: INT64 bigints become numbers, untyped byte arrays UTF-8 text. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
