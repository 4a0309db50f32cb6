/**
 * The trajectory table: one row per turn of an episode, as an Arrow schema and as a plain
 * TypeScript row. Pure data model; no I/O (the writer and reader live beside it).
 */
import {
  Bool,
  Field,
  Float32,
  Int32,
  List,
  Schema,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';
import type { Verdict } from '../exec/types.ts';

/** Bumped whenever a column is added, removed, renamed or retyped. */
export const TRAJECTORY_SCHEMA_VERSION = '1';

/** Schema metadata key holding {@link TRAJECTORY_SCHEMA_VERSION}. */
export const SCHEMA_VERSION_KEY = 'rlef.trajectory.schema_version';

/** A turn's verdict on the public tests; `invalid` means the response held no code block. */
export type StoredVerdict = Verdict | 'invalid';

/** Every value of {@link StoredVerdict}, for validation. */
export const STORED_VERDICTS: readonly StoredVerdict[] = [
  'passed',
  'wrong_answer',
  'runtime_error',
  'timeout',
  'memory_limit',
  'output_limit',
  'sandbox_error',
  'invalid',
];

/** Whether a row comes from a training collection or an evaluation run. */
export type Split = 'train' | 'eval';

/** One turn of one episode, as stored. Field names are the camelCase forms of the columns. */
export interface TurnRow {
  readonly runId: string;
  /** Collection (training) iteration that produced the episode. */
  readonly iteration: number;
  /** Version of the policy weights that sampled the response (behaviour policy). */
  readonly policyVersion: number;
  readonly episodeId: string;
  readonly problemId: string;
  /** 0-based turn index within the episode. */
  readonly turn: number;
  /** Number of turns the episode took in total (the same on every row of the episode). */
  readonly numTurns: number;
  /** The user message of this turn (the problem statement, or the feedback on the previous turn). */
  readonly prompt: string;
  readonly response: string;
  /** The code extracted from the response; null when the response held no code block. */
  readonly code: string | null;
  readonly verdict: StoredVerdict;
  /** Feedback text sent as the next prompt; null on the final turn. */
  readonly feedback: string | null;
  /** True on the last turn of the episode. */
  readonly final: boolean;
  /** The episode's final grade on all tests, repeated on every row of the episode. */
  readonly solved: boolean;
  readonly reward: number;
  readonly kl: number;
  readonly value: number;
  readonly return: number;
  readonly advantage: number;
  readonly tokenIds: Int32Array;
  readonly logprobs: Float32Array;
  /** Reference-policy log-probabilities; null when no reference model was run. */
  readonly refLogprobs: Float32Array | null;
  readonly genMs: number;
  readonly execMs: number;
  /** Wall-clock time the row was made, epoch milliseconds (integer). */
  readonly createdAt: number;
  readonly split: Split;
}

/** Arrow type of each column, in column order; `key` names the {@link TurnRow} field. */
export const TRAJECTORY_COLUMNS = [
  { name: 'run_id', key: 'runId', type: 'utf8', nullable: false },
  { name: 'iteration', key: 'iteration', type: 'int32', nullable: false },
  { name: 'policy_version', key: 'policyVersion', type: 'int32', nullable: false },
  { name: 'episode_id', key: 'episodeId', type: 'utf8', nullable: false },
  { name: 'problem_id', key: 'problemId', type: 'utf8', nullable: false },
  { name: 'turn', key: 'turn', type: 'int32', nullable: false },
  { name: 'num_turns', key: 'numTurns', type: 'int32', nullable: false },
  { name: 'prompt', key: 'prompt', type: 'utf8', nullable: false },
  { name: 'response', key: 'response', type: 'utf8', nullable: false },
  { name: 'code', key: 'code', type: 'utf8', nullable: true },
  { name: 'verdict', key: 'verdict', type: 'utf8', nullable: false },
  { name: 'feedback', key: 'feedback', type: 'utf8', nullable: true },
  { name: 'final', key: 'final', type: 'bool', nullable: false },
  { name: 'solved', key: 'solved', type: 'bool', nullable: false },
  { name: 'reward', key: 'reward', type: 'float32', nullable: false },
  { name: 'kl', key: 'kl', type: 'float32', nullable: false },
  { name: 'value', key: 'value', type: 'float32', nullable: false },
  { name: 'return', key: 'return', type: 'float32', nullable: false },
  { name: 'advantage', key: 'advantage', type: 'float32', nullable: false },
  { name: 'token_ids', key: 'tokenIds', type: 'list<int32>', nullable: false },
  { name: 'logprobs', key: 'logprobs', type: 'list<float32>', nullable: false },
  { name: 'ref_logprobs', key: 'refLogprobs', type: 'list<float32>', nullable: true },
  { name: 'gen_ms', key: 'genMs', type: 'float32', nullable: false },
  { name: 'exec_ms', key: 'execMs', type: 'float32', nullable: false },
  { name: 'created_at', key: 'createdAt', type: 'timestamp[ms, UTC]', nullable: false },
  { name: 'split', key: 'split', type: 'utf8', nullable: false },
] as const satisfies readonly ColumnSpec[];

/** How one column is stored. */
export interface ColumnSpec {
  readonly name: string;
  readonly key: keyof TurnRow;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

/** The Arrow types the trajectory table uses. */
export type ColumnType =
  | 'utf8'
  | 'int32'
  | 'float32'
  | 'bool'
  | 'list<int32>'
  | 'list<float32>'
  | 'timestamp[ms, UTC]';

/** The Arrow field for one column spec. List items are non-null. */
export function arrowField(column: ColumnSpec): Field {
  return new Field(column.name, arrowType(column.type), column.nullable);
}

function arrowType(type: ColumnType): Utf8 | Int32 | Float32 | Bool | List | TimestampMillisecond {
  switch (type) {
    case 'utf8':
      return new Utf8();
    case 'int32':
      return new Int32();
    case 'float32':
      return new Float32();
    case 'bool':
      return new Bool();
    case 'list<int32>':
      return new List(new Field('item', new Int32(), false));
    case 'list<float32>':
      return new List(new Field('item', new Float32(), false));
    case 'timestamp[ms, UTC]':
      return new TimestampMillisecond('UTC');
  }
}

/** The schema every trajectory file carries, with the schema version in its metadata. */
export const trajectorySchema: Schema = new Schema(
  TRAJECTORY_COLUMNS.map(arrowField),
  new Map([[SCHEMA_VERSION_KEY, TRAJECTORY_SCHEMA_VERSION]]),
);
