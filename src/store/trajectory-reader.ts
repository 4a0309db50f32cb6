/**
 * Reads trajectory files and run directories. A file cut short by a killed writer, or one still
 * being written, yields every complete batch and says how many bytes of its tail were torn.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeTrajectoryStream } from './trajectory-decode.ts';
import type { DecodedTrajectories } from './trajectory-decode.ts';
import { sortSegmentNames } from './segment-name.ts';
import type { TurnRow } from './schema.ts';

/** What was read from one file. */
export interface TrajectoryFileRead extends DecodedTrajectories {
  readonly path: string;
}

/** What was read from a run directory: its segments in order and all their rows. */
export interface TrajectoryRunRead {
  /**
   * The rows of all segments, except rows an iteration left in an earlier segment when a resumed
   * run trained that iteration again in a later one (a kill after the rows were flushed but before
   * the checkpoint was saved): for each (run, split, iteration) the latest segment holding it wins.
   */
  readonly rows: TurnRow[];
  /** Rows dropped because a later segment holds their iteration again. */
  readonly supersededRows: number;
  readonly segments: readonly TrajectoryFileRead[];
  /** True when some segment ended in a torn flush (its complete batches are still in `rows`). */
  readonly truncated: boolean;
}

/** Reads one trajectory stream file (clean, truncated, or still being written). */
export async function readTrajectoryFile(path: string): Promise<TrajectoryFileRead> {
  const bytes = await readFile(path);
  return { path, ...decodeTrajectoryStream(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
}

/** Paths of the segment files of a run directory, in segment order. */
export async function listSegmentPaths(dir: string): Promise<string[]> {
  return sortSegmentNames(await readdir(dir)).map((name) => join(dir, name));
}

/** Reads every segment of a run directory, in order. */
export async function readTrajectoryRun(dir: string): Promise<TrajectoryRunRead> {
  const segments: TrajectoryFileRead[] = [];
  for await (const segment of iterateTrajectorySegments(dir)) segments.push(segment);
  const latest = new Map<string, number>();
  const keyOf = (row: TurnRow): string => `${row.runId}\u0000${row.split}\u0000${row.iteration}`;
  segments.forEach((segment, index) => {
    for (const row of segment.rows) latest.set(keyOf(row), index);
  });
  const rows = segments.flatMap((segment, index) => segment.rows.filter((row) => latest.get(keyOf(row)) === index));
  return {
    rows,
    supersededRows: segments.reduce((n, segment) => n + segment.rows.length, 0) - rows.length,
    segments,
    truncated: segments.some((segment) => segment.truncatedBytes > 0),
  };
}

/** Reads a run directory's segments one at a time, so only one segment is in memory at once. */
export async function* iterateTrajectorySegments(dir: string): AsyncGenerator<TrajectoryFileRead> {
  for (const path of await listSegmentPaths(dir)) yield await readTrajectoryFile(path);
}

/** One complete record batch (one writer flush) and where it came from. */
export interface TrajectoryBatch {
  readonly path: string;
  /** Index of the batch within its file. */
  readonly index: number;
  readonly rows: TurnRow[];
}

/**
 * The complete batches of a file, or of every segment of a run directory in order, one flush at
 * a time. Torn tails are skipped as in {@link readTrajectoryFile}.
 */
export async function* iterateTrajectoryBatches(fileOrDir: string): AsyncGenerator<TrajectoryBatch> {
  const paths = (await stat(fileOrDir)).isDirectory() ? await listSegmentPaths(fileOrDir) : [fileOrDir];
  for (const path of paths) {
    const { rows, batchSizes } = await readTrajectoryFile(path);
    let start = 0;
    for (const [index, size] of batchSizes.entries()) {
      yield { path, index, rows: rows.slice(start, start + size) };
      start += size;
    }
  }
}

/** All rows of a trajectory file or run directory (see {@link readTrajectoryRun}). */
export async function readTrajectories(fileOrDir: string): Promise<TrajectoryRunRead> {
  if ((await stat(fileOrDir)).isDirectory()) return readTrajectoryRun(fileOrDir);
  const segment = await readTrajectoryFile(fileOrDir);
  return { rows: segment.rows, supersededRows: 0, segments: [segment], truncated: segment.truncatedBytes > 0 };
}
