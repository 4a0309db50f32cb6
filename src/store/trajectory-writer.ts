/**
 * Appends trajectory rows to an Arrow IPC stream file: one record batch per flush, fsynced, so
 * a killed run leaves a file readable up to its last flush (see trajectory-reader.ts).
 */
import { open, mkdir, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchStreamWriter, Table } from 'apache-arrow';
import { trajectorySchema } from './schema.ts';
import type { TurnRow } from './schema.ts';
import { rowsToRecordBatch } from './turn-batch.ts';
import { nextSegmentName } from './segment-name.ts';

const END_OF_STREAM = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/** The schema message: the bytes of an empty stream less its end marker. */
const SCHEMA_MESSAGE: Uint8Array = (() => {
  const empty = RecordBatchStreamWriter.writeAll(new Table(trajectorySchema)).toUint8Array(true);
  return empty.slice(0, empty.byteLength - END_OF_STREAM.byteLength);
})();

/**
 * The bytes of one record-batch message for `rows`. apache-arrow's stream writer frames the
 * batch; we cut off the schema it repeats and its end marker, so flushes can be appended.
 */
export function encodeBatchMessage(rows: readonly TurnRow[]): Uint8Array {
  const stream = RecordBatchStreamWriter.writeAll([rowsToRecordBatch(rows)]).toUint8Array(true);
  const bodyEnd = stream.byteLength - END_OF_STREAM.byteLength;
  if (!startsWith(stream, SCHEMA_MESSAGE) || !startsWith(stream.subarray(bodyEnd), END_OF_STREAM)) {
    throw new Error('apache-arrow framed the batch unexpectedly (schema prefix or end marker differs)');
  }
  return stream.slice(SCHEMA_MESSAGE.byteLength, bodyEnd);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Path of the segment to write next in a run directory (`trajectories-NNN.arrow`). */
export async function nextSegmentPath(dir: string): Promise<string> {
  return join(dir, nextSegmentName(await readdirOrEmpty(dir)));
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
}

/** Writes one trajectory stream file. Calls are serialised; each `write` is one durable flush. */
export class TrajectoryWriter {
  readonly path: string;
  #handle: FileHandle | null;
  #queue: Promise<void> = Promise.resolve();
  #rowsWritten = 0;
  #batchesWritten = 0;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /**
   * Creates `path` (which must not exist: a segment is never reopened) and writes the schema,
   * so even a run killed before its first flush leaves a readable, empty stream.
   */
  static async open(path: string): Promise<TrajectoryWriter> {
    const handle = await open(path, 'wx');
    try {
      await handle.write(SCHEMA_MESSAGE);
      await handle.sync();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new TrajectoryWriter(path, handle);
  }

  /** Opens the next segment of run directory `dir`, creating the directory if needed. */
  static async openSegment(dir: string): Promise<TrajectoryWriter> {
    await mkdir(dir, { recursive: true });
    const writer = await TrajectoryWriter.open(await nextSegmentPath(dir));
    await syncDirectory(dir);
    return writer;
  }

  /** Rows written so far (across all flushes). */
  get rowsWritten(): number {
    return this.#rowsWritten;
  }

  /** Record batches written so far; one per non-empty `write`. */
  get batchesWritten(): number {
    return this.#batchesWritten;
  }

  /** Appends `rows` as one record batch and fsyncs. An empty array writes nothing. */
  write(rows: readonly TurnRow[]): Promise<void> {
    // Encode now, so an invalid row throws before anything reaches the file.
    const message = rows.length === 0 ? null : encodeBatchMessage(rows);
    return this.#enqueue(async (handle) => {
      if (message === null) return;
      await writeFully(handle, message);
      await handle.sync();
      this.#rowsWritten += rows.length;
      this.#batchesWritten += 1;
    });
  }

  /** Writes the end-of-stream marker, fsyncs and closes. Further calls are no-ops. */
  close(): Promise<void> {
    return this.#enqueue(async (handle) => {
      this.#handle = null;
      try {
        await writeFully(handle, END_OF_STREAM);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }, true);
  }

  #enqueue(step: (handle: FileHandle) => Promise<void>, closing = false): Promise<void> {
    const run = this.#queue.then(async () => {
      const handle = this.#handle;
      if (handle === null) {
        if (closing) return;
        throw new Error(`trajectory writer for ${this.path} is closed`);
      }
      await step(handle);
    });
    // A failed flush fails its caller; later calls still run (the next one reports the state).
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

/** fsync a directory so a newly created file's entry survives a crash (no-op where unsupported). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot open or fsync a directory; the file itself is still synced.
  } finally {
    await handle?.close();
  }
}
