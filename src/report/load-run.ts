/**
 * Reads what `rlef replay`, `stats` and `report` look at: one trajectory file, or a run
 * directory (its `trajectories/` segments and, when present, its `metrics.jsonl`). Files still
 * being written or cut short are read up to their last complete batch.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, RlefError } from '../runtime/errors.ts';
import { readTrajectoryFile } from '../store/trajectory-reader.ts';
import type { TrajectoryFileRead } from '../store/trajectory-reader.ts';
import { sortSegmentNames } from '../store/segment-name.ts';
import type { TurnRow } from '../store/schema.ts';
import { parseMetricsJsonl, type RunMetricsLine } from './run-metrics.ts';

/** Trajectories read from a file or a run directory. */
export interface LoadedRun {
  /** The path as given. */
  readonly path: string;
  /** The run directory (holding metrics.jsonl), or null when a single file was given. */
  readonly runDir: string | null;
  /** The trajectory files read, in order. */
  readonly files: readonly string[];
  readonly rows: TurnRow[];
  /** Bytes after the last complete batch, summed over files: a flush cut short. */
  readonly truncatedBytes: number;
  /** True when every file was closed by its writer (false while a run is still writing). */
  readonly closed: boolean;
  /** Record batches read (one per writer flush). */
  readonly batches: number;
  /** The run's metrics.jsonl lines; empty when there is none. */
  readonly metrics: readonly RunMetricsLine[];
}

/**
 * Loads `path`: a `.arrow` trajectory file, a run directory (with `trajectories/`), or a
 * trajectories directory itself. Bad input throws {@link InputError} with the path.
 */
export async function loadRun(path: string): Promise<LoadedRun> {
  const kind = await pathKind(path);
  if (kind === 'file') return fromFiles(path, null, [await readOne(path)], []);
  const { runDir, segmentDir } = await findSegments(path);
  const names = sortSegmentNames(await readdir(segmentDir));
  const reads: TrajectoryFileRead[] = [];
  for (const name of names) reads.push(await readOne(join(segmentDir, name)));
  return fromFiles(path, runDir, reads, await readMetrics(runDir));
}

function fromFiles(path: string, runDir: string | null, reads: readonly TrajectoryFileRead[], metrics: RunMetricsLine[]): LoadedRun {
  return {
    path,
    runDir,
    files: reads.map((r) => r.path),
    rows: reads.flatMap((r) => r.rows),
    truncatedBytes: reads.reduce((sum, r) => sum + r.truncatedBytes, 0),
    closed: reads.every((r) => r.complete),
    batches: reads.reduce((sum, r) => sum + r.batchSizes.length, 0),
    metrics,
  };
}

async function pathKind(path: string): Promise<'file' | 'dir'> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return 'dir';
    if (info.isFile()) return 'file';
    throw new InputError(path, undefined, 'neither a file nor a directory');
  } catch (error) {
    if (error instanceof RlefError) throw error;
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    throw new InputError(path, undefined, code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code || String(error)})`, { cause: error });
  }
}

/** A run directory holds `trajectories/`; a trajectories directory holds the segments itself. */
async function findSegments(dir: string): Promise<{ runDir: string; segmentDir: string }> {
  const inner = join(dir, 'trajectories');
  if (sortSegmentNames(await readdirOrEmpty(inner)).length > 0) return { runDir: dir, segmentDir: inner };
  if (sortSegmentNames(await readdirOrEmpty(dir)).length > 0) {
    return { runDir: basename(dir) === 'trajectories' ? dirname(dir) : dir, segmentDir: dir };
  }
  throw new InputError(dir, undefined, 'no trajectory segments (trajectories/trajectories-NNN.arrow) in this directory');
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function readOne(path: string): Promise<TrajectoryFileRead> {
  let read: TrajectoryFileRead;
  try {
    read = await readTrajectoryFile(path);
  } catch (error) {
    const what = error instanceof Error ? error.message : String(error);
    throw new InputError(path, undefined, `not a trajectory file: ${what}`, { cause: error });
  }
  // Bytes but no schema: not an Arrow stream at all (an empty file is a segment just opened).
  if (read.schemaVersion === null && read.truncatedBytes > 0) {
    throw new InputError(path, undefined, 'not a trajectory file (no Arrow IPC stream schema at its start)');
  }
  return read;
}

async function readMetrics(runDir: string): Promise<RunMetricsLine[]> {
  const file = join(runDir, 'metrics.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw new InputError(file, undefined, 'cannot read', { cause: error });
  }
  return parseMetricsJsonl(text, file);
}
