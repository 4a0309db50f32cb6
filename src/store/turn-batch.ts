/**
 * Conversion between plain {@link TurnRow}s and Arrow record batches of the trajectory schema.
 * Pure: no I/O. Rows are validated on the way in, so a file never holds a value the reader rejects.
 */
import {
  Bool,
  Field,
  Float32,
  Int32,
  List,
  RecordBatch,
  Struct,
  TimestampMillisecond,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow';
import type { Data, Vector } from 'apache-arrow';
import {
  STORED_VERDICTS,
  TRAJECTORY_COLUMNS,
  trajectorySchema,
} from './schema.ts';
import type { ColumnSpec, Split, StoredVerdict, TurnRow } from './schema.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Thrown for a row that cannot be stored as given (wrong type, out of range, unknown verdict). */
export class TurnRowError extends RangeError {
  override readonly name = 'TurnRowError';
  readonly row: number;
  readonly column: string;
  constructor(row: number, column: string, what: string) {
    super(`row ${row}, column ${column}: ${what}`);
    this.row = row;
    this.column = column;
  }
}

/** One record batch holding `rows` in order. Throws {@link TurnRowError} on an invalid row. */
export function rowsToRecordBatch(rows: readonly TurnRow[]): RecordBatch {
  rows.forEach(validateRow);
  const children = TRAJECTORY_COLUMNS.map((column) => columnData(column, rows));
  const data = makeData({
    type: new Struct(trajectorySchema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  return new RecordBatch(trajectorySchema, data);
}

/** The rows of a record batch of the trajectory schema (the schema must already be checked). */
export function recordBatchToRows(batch: RecordBatch): TurnRow[] {
  const get = (name: string): Vector => {
    const child = batch.getChild(name);
    if (child === null) throw new RangeError(`record batch has no column ${name}`);
    return child;
  };
  const col = Object.fromEntries(TRAJECTORY_COLUMNS.map((c) => [c.name, get(c.name)])) as Record<
    (typeof TRAJECTORY_COLUMNS)[number]['name'],
    Vector
  >;
  const rows: TurnRow[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const verdict = col.verdict.get(i) as string;
    const split = col.split.get(i) as string;
    if (!isStoredVerdict(verdict)) throw new RangeError(`row ${i}: unknown verdict ${JSON.stringify(verdict)}`);
    if (!isSplit(split)) throw new RangeError(`row ${i}: unknown split ${JSON.stringify(split)}`);
    rows.push({
      runId: col.run_id.get(i) as string,
      iteration: col.iteration.get(i) as number,
      policyVersion: col.policy_version.get(i) as number,
      episodeId: col.episode_id.get(i) as string,
      problemId: col.problem_id.get(i) as string,
      turn: col.turn.get(i) as number,
      numTurns: col.num_turns.get(i) as number,
      prompt: col.prompt.get(i) as string,
      response: col.response.get(i) as string,
      code: col.code.get(i) as string | null,
      verdict,
      feedback: col.feedback.get(i) as string | null,
      final: col.final.get(i) as boolean,
      solved: col.solved.get(i) as boolean,
      reward: col.reward.get(i) as number,
      kl: col.kl.get(i) as number,
      value: col.value.get(i) as number,
      return: col.return.get(i) as number,
      advantage: col.advantage.get(i) as number,
      tokenIds: Int32Array.from(listAt(col.token_ids, i) ?? []),
      logprobs: Float32Array.from(listAt(col.logprobs, i) ?? []),
      refLogprobs: nullableFloat32(listAt(col.ref_logprobs, i)),
      genMs: col.gen_ms.get(i) as number,
      execMs: col.exec_ms.get(i) as number,
      createdAt: Number(col.created_at.get(i)),
      split,
    });
  }
  return rows;
}

function listAt(vector: Vector, i: number): ArrayLike<number> | null {
  const item = vector.get(i) as Vector | null;
  return item === null ? null : (item.toArray() as ArrayLike<number>);
}

function nullableFloat32(values: ArrayLike<number> | null): Float32Array | null {
  return values === null ? null : Float32Array.from(values);
}

function isStoredVerdict(value: string): value is StoredVerdict {
  return (STORED_VERDICTS as readonly string[]).includes(value);
}

function isSplit(value: string): value is Split {
  return value === 'train' || value === 'eval';
}

function validateRow(row: TurnRow, index: number): void {
  for (const column of TRAJECTORY_COLUMNS) {
    const value: unknown = row[column.key];
    const fail = (what: string): never => {
      throw new TurnRowError(index, column.name, what);
    };
    if (value === null) {
      if (!column.nullable) fail('is null');
      continue;
    }
    switch (column.type) {
      case 'utf8':
        if (typeof value !== 'string') fail('is not a string');
        break;
      case 'int32':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
          fail(`${typeof value === 'number' ? value : typeof value} is not a 32-bit integer`);
        }
        break;
      case 'float32':
        if (typeof value !== 'number') fail('is not a number');
        break;
      case 'bool':
        if (typeof value !== 'boolean') fail('is not a boolean');
        break;
      case 'list<int32>':
        if (!(value instanceof Int32Array)) fail('is not an Int32Array');
        break;
      case 'list<float32>':
        if (!(value instanceof Float32Array)) fail('is not a Float32Array');
        break;
      case 'timestamp[ms, UTC]':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail('is not an integer epoch-ms time');
        break;
    }
  }
  if (!isStoredVerdict(row.verdict)) throw new TurnRowError(index, 'verdict', `unknown verdict ${JSON.stringify(row.verdict)}`);
  if (!isSplit(row.split)) throw new TurnRowError(index, 'split', `unknown split ${JSON.stringify(row.split)}`);
}

function columnData(column: ColumnSpec, rows: readonly TurnRow[]): Data {
  const values = rows.map((row) => row[column.key]);
  switch (column.type) {
    case 'utf8':
      return onlyChunk(vectorFromArray(values as (string | null)[], new Utf8()));
    case 'int32':
      return makeData({ type: new Int32(), length: rows.length, data: Int32Array.from(values as number[]) });
    case 'float32':
      return makeData({ type: new Float32(), length: rows.length, data: Float32Array.from(values as number[]) });
    case 'bool':
      return onlyChunk(vectorFromArray(values as boolean[], new Bool()));
    case 'timestamp[ms, UTC]':
      return onlyChunk(vectorFromArray(values as number[], new TimestampMillisecond('UTC')));
    case 'list<int32>':
      return listData(new Int32(), Int32Array, values as (Int32Array | null)[]);
    case 'list<float32>':
      return listData(new Float32(), Float32Array, values as (Float32Array | null)[]);
  }
}

/** The single chunk of a freshly built vector. */
function onlyChunk(vector: Vector): Data {
  const data: Data | undefined = vector.data[0];
  if (data === undefined || vector.data.length !== 1) throw new Error('expected a vector of one chunk');
  return data;
}

/** A list column built directly from offsets and one concatenated child array (no per-item builder). */
function listData<T extends Int32 | Float32>(
  itemType: T,
  ArrayType: Int32ArrayConstructor | Float32ArrayConstructor,
  lists: readonly (Int32Array | Float32Array | null)[],
): Data {
  const offsets = new Int32Array(lists.length + 1);
  let total = 0;
  let nullCount = 0;
  const validity = new Uint8Array(Math.ceil(lists.length / 8));
  lists.forEach((list, i) => {
    if (list === null) nullCount++;
    else {
      validity[i >> 3]! |= 1 << (i & 7);
      total += list.length;
    }
    offsets[i + 1] = total;
  });
  const flat = new ArrayType(total);
  lists.forEach((list, i) => {
    if (list !== null) flat.set(list, offsets[i]);
  });
  const child: Data = makeData({ type: itemType, length: total, data: flat } as Parameters<typeof makeData>[0]);
  const type = new List(new Field('item', itemType, false));
  return makeData<List>({
    type,
    length: lists.length,
    nullCount,
    nullBitmap: nullCount > 0 ? validity : null,
    valueOffsets: offsets,
    child,
  });
}
