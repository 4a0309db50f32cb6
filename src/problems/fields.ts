/**
 * Checked access to the fields of one dataset record: every loader reads through this, so a
 * malformed record fails with `InputError` naming the file, the line (or row) and the field.
 */
import { InputError } from '../runtime/errors.ts';

/** Where a record came from: a JSONL line, or a parquet row (no line; the row goes in the text). */
export interface RecordPlace {
  readonly file: string;
  readonly line?: number;
  readonly row?: number;
}

/** Parses one JSONL line into an object, or fails with the line's place. */
export function parseJsonObject(file: string, line: number, text: string): Readonly<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw new InputError(file, line, `not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(file, line, 'expected a JSON object on each line');
  }
  return value as Readonly<Record<string, unknown>>;
}

/**
 * Like `parseJsonObject`, for JSON written by Python's `json` module, which also writes the bare
 * tokens NaN, Infinity and -Infinity (EvalPlus inputs hold them): outside strings they are read as
 * null here. Callers that need those values must hand the original text to Python.
 */
export function parsePythonJsonObject(file: string, line: number, text: string): Readonly<Record<string, unknown>> {
  try {
    return parseJsonObject(file, line, text);
  } catch (error: unknown) {
    const standard = withoutNonFiniteTokens(text);
    if (standard === text) throw error;
    try {
      return parseJsonObject(file, line, standard);
    } catch {
      throw error;
    }
  }
}

/** `text` with NaN, Infinity and -Infinity outside string literals replaced by null. */
export function withoutNonFiniteTokens(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    const token = /^(?:-?Infinity|NaN)/.exec(text.slice(i, i + 9))?.[0];
    if (token !== undefined) {
      out += `${text.slice(last, i)}null`;
      i += token.length - 1;
      last = i + 1;
    }
  }
  return out + text.slice(last);
}

/** Typed getters over one record; each failure names the field and what was found. */
export class Fields {
  readonly place: RecordPlace;
  readonly record: Readonly<Record<string, unknown>>;

  constructor(place: RecordPlace, record: Readonly<Record<string, unknown>>) {
    this.place = place;
    this.record = record;
  }

  /** An `InputError` at this record's place. */
  error(what: string): InputError {
    const { file, line, row } = this.place;
    return new InputError(file, line, row === undefined ? what : `row ${row}: ${what}`);
  }

  has(key: string): boolean {
    return this.record[key] !== undefined && this.record[key] !== null;
  }

  string(key: string): string {
    const value = this.record[key];
    if (typeof value !== 'string') throw this.error(`field "${key}" must be a string, got ${describe(value)}`);
    return value;
  }

  nonEmptyString(key: string): string {
    const value = this.string(key);
    if (value.trim() === '') throw this.error(`field "${key}" must not be empty`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  /** A string, or a number turned into its decimal text (MBPP's task_id is a number). */
  id(key: string): string {
    const value = this.record[key];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return this.nonEmptyString(key);
  }

  number(key: string): number {
    const value = this.record[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.error(`field "${key}" must be a number, got ${describe(value)}`);
    return value;
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
  }

  stringArray(key: string): string[] {
    const value = this.record[key];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw this.error(`field "${key}" must be an array of strings, got ${describe(value)}`);
    }
    return value;
  }

  optionalStringArray(key: string): string[] {
    return this.has(key) ? this.stringArray(key) : [];
  }

  /** A nested object, read with the same place. */
  object(key: string): Fields {
    const value = this.record[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.error(`field "${key}" must be an object, got ${describe(value)}`);
    }
    return new NestedFields(this, key, value as Readonly<Record<string, unknown>>);
  }
}

class NestedFields extends Fields {
  readonly #parent: Fields;
  readonly #key: string;

  constructor(parent: Fields, key: string, record: Readonly<Record<string, unknown>>) {
    super(parent.place, record);
    this.#parent = parent;
    this.#key = key;
  }

  override error(what: string): InputError {
    return this.#parent.error(what.replace(/^field "/, `field "${this.#key}.`));
  }
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}
