/**
 * Checkpoint folders: everything a run needs to resume bit for bit.
 * ```
 * checkpoint.json            manifest: format, version, size and sha256 of every file below
 * model.safetensors          policy weights by name, F32 (F16 when saved with `halfIfExact` and
 *                            every weight is exactly a half-precision number)
 * config.json                model config (caller's JSON)
 * tokenizer.json (+ tokenizer_config.json) | byte-tokenizer.json
 * optimizer.safetensors      optimizer tensors (Adam moments …), optional
 * optimizer.json             optimizer state: { step, …schedule }, with the tensors
 * critic.safetensors         critic weights, optional (+ critic.json config,
 *                            critic-optimizer.safetensors + critic-optimizer.json)
 * state.json                 free-form run state (RNG state, data cursor, iteration), optional
 * ```
 * Saving builds the folder under a temporary name, fsyncs it and renames it into place.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RlefError } from '../runtime/errors.ts';
import { isHalfExact, readSafetensors, writeSafetensors, type NamedTensor } from './safetensors.ts';
import type { Tokenizer } from './tokenizer.ts';
import { loadTokenizer, tokenizerFiles } from './tokenizer-load.ts';
import { exists, sha256, writeDirAtomic, writeFileDurable } from './checkpoint-io.ts';

/** JSON as it round-trips exactly: finite numbers, no undefined. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Tensors by name. */
export type TensorMap = ReadonlyMap<string, NamedTensor>;

/** Optimizer tensors and its scalar state (step count, schedule position …). */
export interface OptimizerCheckpoint {
  readonly tensors: TensorMap;
  readonly state: { readonly step: number; readonly [key: string]: JsonValue };
}

/** The value network: its weights, optionally its config and optimizer. */
export interface CriticCheckpoint {
  readonly weights: TensorMap;
  readonly config?: JsonValue;
  readonly optimizer?: OptimizerCheckpoint;
}

/** What a checkpoint holds. */
export interface Checkpoint {
  readonly weights: TensorMap;
  readonly config: JsonValue;
  readonly tokenizer: Tokenizer;
  readonly optimizer?: OptimizerCheckpoint;
  readonly critic?: CriticCheckpoint;
  /** Free-form run state supplied by the caller. */
  readonly state?: JsonValue;
}

/** The manifest, `checkpoint.json`. */
export interface CheckpointManifest {
  readonly format: 'rlef-checkpoint';
  readonly version: 1;
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}

/** A checkpoint folder that is missing, incomplete, corrupt, or was asked to be overwritten. */
export class CheckpointError extends RlefError {
  override readonly name = 'CheckpointError';
  readonly dir: string;
  constructor(dir: string, what: string, options?: { cause?: unknown }) {
    super(`${dir}: ${what}`, 65, options);
    this.dir = dir;
  }
}

const MANIFEST = 'checkpoint.json';

/**
 * Writes a checkpoint folder atomically.
 * @param options.overwrite replace an existing folder (default false: an existing folder is an error)
 * @param options.halfIfExact store the policy weights as F16 when that loses nothing (every value
 *   is exactly a half-precision number, as weights a trainer wrote in F16 are); otherwise F32.
 *   Half the bytes; loading gives the same float32 values either way.
 * @throws CheckpointError for a value that would not round-trip (NaN in JSON, shape/data mismatch)
 */
export async function saveCheckpoint(
  dir: string,
  checkpoint: Checkpoint,
  options: { readonly overwrite?: boolean; readonly halfIfExact?: boolean } = {},
): Promise<CheckpointManifest> {
  const files = new Map<string, Uint8Array | string>();
  const json = (name: string, value: JsonValue): void => {
    checkJson(dir, name, value);
    files.set(name, `${JSON.stringify(value, null, 2)}\n`);
  };
  const tensors = (name: string, map: TensorMap, dtype: 'F32' | 'F16' = 'F32'): void => {
    try {
      files.set(name, writeSafetensors(map, {}, dtype));
    } catch (error) {
      throw new CheckpointError(dir, `${name}: ${String(error)}`, { cause: error });
    }
  };
  const half = options.halfIfExact === true && [...checkpoint.weights.values()].every((t) => isHalfExact(t.data));
  tensors('model.safetensors', checkpoint.weights, half ? 'F16' : 'F32');
  json('config.json', checkpoint.config);
  for (const [name, text] of tokenizerFiles(checkpoint.tokenizer)) files.set(name, text);
  const optimizer = (prefix: string, o: OptimizerCheckpoint | undefined): void => {
    if (o === undefined) return;
    tensors(`${prefix}.safetensors`, o.tensors);
    json(`${prefix}.json`, o.state);
  };
  optimizer('optimizer', checkpoint.optimizer);
  if (checkpoint.critic !== undefined) {
    tensors('critic.safetensors', checkpoint.critic.weights);
    if (checkpoint.critic.config !== undefined) json('critic.json', checkpoint.critic.config);
    optimizer('critic-optimizer', checkpoint.critic.optimizer);
  }
  if (checkpoint.state !== undefined) json('state.json', checkpoint.state);

  const manifest: CheckpointManifest = {
    format: 'rlef-checkpoint',
    version: 1,
    files: Object.fromEntries(
      [...files].map(([name, bytes]) => [name, { bytes: Buffer.byteLength(bytes), sha256: sha256(bytes) }]),
    ),
  };
  try {
    await writeDirAtomic(
      dir,
      async (temp) => {
        for (const [name, bytes] of files) await writeFileDurable(join(temp, name), bytes);
        // The manifest goes last: a folder with one is complete.
        await writeFileDurable(join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      },
      options.overwrite === true,
    );
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      throw new CheckpointError(dir, 'already exists (pass overwrite: true to replace it)', { cause: error });
    }
    throw error;
  }
  return manifest;
}

/**
 * Reads a checkpoint folder written by {@link saveCheckpoint}, checking every file against the
 * manifest's size and (unless `verify` is false) its sha256.
 * @throws CheckpointError when the folder is not a complete, intact checkpoint
 */
export async function loadCheckpoint(
  dir: string,
  options: { readonly verify?: boolean } = {},
): Promise<Checkpoint & { readonly manifest: CheckpointManifest }> {
  if (!(await exists(join(dir, MANIFEST)))) {
    throw new CheckpointError(dir, `no ${MANIFEST}: not a checkpoint, or one whose save did not finish`);
  }
  const manifest = parseJson(dir, MANIFEST, await readFile(join(dir, MANIFEST), 'utf8')) as unknown as CheckpointManifest;
  if (manifest.format !== 'rlef-checkpoint' || manifest.version !== 1 || typeof manifest.files !== 'object') {
    throw new CheckpointError(dir, `${MANIFEST} is not a version 1 rlef checkpoint manifest`);
  }
  const cache = new Map<string, Buffer>();
  const read = async (name: string): Promise<Buffer | undefined> => {
    const entry = manifest.files[name];
    if (entry === undefined) return undefined;
    const bytes = await readFile(join(dir, name)).catch((error: unknown) => {
      throw new CheckpointError(dir, `${name} is listed in ${MANIFEST} but cannot be read`, { cause: error });
    });
    if (bytes.length !== entry.bytes || (options.verify !== false && sha256(bytes) !== entry.sha256)) {
      throw new CheckpointError(dir, `${name} does not match ${MANIFEST} (corrupt or modified)`);
    }
    cache.set(name, bytes);
    return bytes;
  };
  const tensors = async (name: string): Promise<TensorMap | undefined> => {
    const bytes = await read(name);
    if (bytes === undefined) return undefined;
    try {
      return readSafetensors(bytes);
    } catch (error) {
      throw new CheckpointError(dir, `${name}: ${String(error)}`, { cause: error });
    }
  };
  const json = async (name: string): Promise<JsonValue | undefined> => {
    const bytes = await read(name);
    return bytes === undefined ? undefined : parseJson(dir, name, bytes.toString('utf8'));
  };
  const optimizer = async (prefix: string): Promise<OptimizerCheckpoint | undefined> => {
    const t = await tensors(`${prefix}.safetensors`);
    const state = await json(`${prefix}.json`);
    if (t === undefined || state === undefined) return undefined;
    return { tensors: t, state: state as OptimizerCheckpoint['state'] };
  };

  const weights = await tensors('model.safetensors');
  const config = await json('config.json');
  if (weights === undefined || config === undefined) throw new CheckpointError(dir, 'lacks model.safetensors or config.json');
  // Verify the tokenizer files before parsing them.
  for (const name of ['tokenizer.json', 'tokenizer_config.json', 'byte-tokenizer.json']) await read(name);
  const tokenizer = await loadTokenizer(dir);
  if (tokenizer === null) throw new CheckpointError(dir, 'has no tokenizer.json or byte-tokenizer.json');

  const out: { -readonly [K in keyof Checkpoint]: Checkpoint[K] } & { manifest: CheckpointManifest } = {
    weights, config, tokenizer, manifest,
  };
  const policyOptimizer = await optimizer('optimizer');
  if (policyOptimizer !== undefined) out.optimizer = policyOptimizer;
  const criticWeights = await tensors('critic.safetensors');
  if (criticWeights !== undefined) {
    const critic: { -readonly [K in keyof CriticCheckpoint]: CriticCheckpoint[K] } = { weights: criticWeights };
    const criticConfig = await json('critic.json');
    if (criticConfig !== undefined) critic.config = criticConfig;
    const criticOptimizer = await optimizer('critic-optimizer');
    if (criticOptimizer !== undefined) critic.optimizer = criticOptimizer;
    out.critic = critic;
  }
  const state = await json('state.json');
  if (state !== undefined) out.state = state;
  return out;
}

function parseJson(dir: string, name: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new CheckpointError(dir, `${name} is not valid JSON`, { cause: error });
  }
}

/** Rejects values JSON would silently change (NaN → null, undefined dropped, Maps → {}); -0 does become 0. */
function checkJson(dir: string, name: string, value: unknown, path = '$'): void {
  const fail = (what: string): never => {
    throw new CheckpointError(dir, `${name}: ${path} ${what}; it would not survive a JSON round trip`);
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(`is ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(dir, name, item, `${path}[${i}]`));
    return;
  }
  const proto: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === 'object' && (proto === Object.prototype || proto === null)) {
    for (const [key, item] of Object.entries(value)) checkJson(dir, name, item, `${path}.${key}`);
    return;
  }
  fail(`is ${Object.prototype.toString.call(value)}`);
}
