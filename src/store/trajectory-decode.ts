/**
 * Decoding of trajectory stream bytes, tolerant of a torn tail. Pure: works on bytes in memory.
 *
 * An Arrow IPC stream is a sequence of encapsulated messages: the continuation marker
 * 0xFFFFFFFF, a little-endian int32 metadata length, the flatbuffer metadata (padded to 8
 * bytes) and a body of the length the metadata states; a marker followed by length 0 ends the
 * stream. We walk that framing ourselves to find the last complete message, then hand only the
 * complete prefix to apache-arrow, so a writer killed in the middle of a flush costs exactly the
 * batch it was writing.
 */
import { Message, MessageHeader, RecordBatchReader } from 'apache-arrow';
import type { RecordBatch, Schema } from 'apache-arrow';
import { SCHEMA_VERSION_KEY, TRAJECTORY_COLUMNS, TRAJECTORY_SCHEMA_VERSION, trajectorySchema } from './schema.ts';
import { recordBatchToRows } from './turn-batch.ts';
import type { TurnRow } from './schema.ts';
import { RlefError } from '../runtime/errors.ts';

/** Where the complete messages of a stream end. */
export interface StreamFraming {
  /** Bytes from the start that form complete messages (schema, batches, end marker). */
  readonly completeBytes: number;
  /** Number of complete record-batch messages. */
  readonly recordBatches: number;
  /** True when the stream's end-of-stream marker was read (the writer closed it). */
  readonly endOfStream: boolean;
  /** Bytes after the last complete message: a flush cut short, or garbage past the end marker. */
  readonly tailBytes: number;
}

/** Scans the message framing of an IPC stream without decoding any batch. */
export function scanStreamFraming(bytes: Uint8Array): StreamFraming {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let recordBatches = 0;
  const result = (endOfStream: boolean, completeBytes: number): StreamFraming => ({
    completeBytes,
    recordBatches,
    endOfStream,
    tailBytes: bytes.byteLength - completeBytes,
  });
  for (;;) {
    if (offset + 8 > bytes.byteLength) return result(false, offset);
    // We only write the modern (post-0.15) format; anything else here is a torn or zeroed tail.
    if (view.getInt32(offset, true) !== -1) return result(false, offset);
    const metadataLength = view.getInt32(offset + 4, true);
    if (metadataLength === 0) return result(true, offset + 8);
    if (metadataLength < 0 || offset + 8 + metadataLength > bytes.byteLength) return result(false, offset);
    let message: Message;
    try {
      message = Message.decode(bytes.subarray(offset + 8, offset + 8 + metadataLength));
    } catch {
      return result(false, offset);
    }
    const end = offset + 8 + metadataLength + Number(message.bodyLength);
    if (end > bytes.byteLength) return result(false, offset);
    if (message.headerType === MessageHeader.RecordBatch) recordBatches++;
    offset = end;
  }
}

/** A decoded trajectory stream. */
export interface DecodedTrajectories {
  /** Rows of every complete batch, in file order. */
  readonly rows: TurnRow[];
  /** Row count of each complete batch (one batch per writer flush). */
  readonly batchSizes: readonly number[];
  /** True when the writer closed the stream cleanly. */
  readonly complete: boolean;
  /** Bytes after the last complete message (a flush cut short); 0 for a clean or in-progress file. */
  readonly truncatedBytes: number;
  /** The schema version found in the file, or null when not even the schema was written. */
  readonly schemaVersion: string | null;
}

/** Why a stream is not a trajectory stream (as opposed to merely truncated). */
export class TrajectoryFormatError extends RlefError {
  override readonly name = 'TrajectoryFormatError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 65, options);
  }
}

/**
 * Decodes every complete record batch of a trajectory stream. A truncated tail is reported in
 * `truncatedBytes`, never thrown; a stream of another schema or version throws
 * {@link TrajectoryFormatError}.
 */
export function decodeTrajectoryStream(bytes: Uint8Array): DecodedTrajectories {
  const framing = scanStreamFraming(bytes);
  const base = { complete: framing.endOfStream, truncatedBytes: framing.tailBytes };
  if (framing.completeBytes === 0) return { ...base, rows: [], batchSizes: [], schemaVersion: null };
  const reader = RecordBatchReader.from(bytes.subarray(0, framing.completeBytes));
  reader.open();
  // Read the version now: the reader drops its schema once iteration ends.
  const schemaVersion = checkSchema(reader.schema);
  const rows: TurnRow[] = [];
  const batchSizes: number[] = [];
  for (const batch of reader as Iterable<RecordBatch>) {
    // apache-arrow yields one empty placeholder batch for a stream without batches; the framing
    // scan counted the real ones.
    if (batchSizes.length === framing.recordBatches) break;
    const batchRows = recordBatchToRows(batch);
    batchSizes.push(batchRows.length);
    for (const row of batchRows) rows.push(row);
  }
  return { ...base, rows, batchSizes, schemaVersion };
}

function checkSchema(schema: Schema | null): string {
  if (schema === null) throw new TrajectoryFormatError('the stream does not start with a schema');
  const version = schema.metadata.get(SCHEMA_VERSION_KEY);
  if (version !== TRAJECTORY_SCHEMA_VERSION) {
    throw new TrajectoryFormatError(
      `schema version ${version ?? '(none)'} is not the supported version ${TRAJECTORY_SCHEMA_VERSION}`,
    );
  }
  const expected = trajectorySchema.fields;
  const names = schema.fields.map((f) => f.name).join(',');
  if (names !== TRAJECTORY_COLUMNS.map((c) => c.name).join(',')) {
    throw new TrajectoryFormatError(`unexpected columns: ${names}`);
  }
  schema.fields.forEach((field, i) => {
    const want = expected[i];
    if (want === undefined || String(field.type) !== String(want.type) || field.nullable !== want.nullable) {
      throw new TrajectoryFormatError(`column ${field.name} has type ${String(field.type)}, expected ${String(want?.type)}`);
    }
  });
  return version;
}

const END_OF_STREAM = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/**
 * A copy of a stream cut back to its complete messages and closed with an end marker: what a
 * reader that insists on a finished stream (DuckDB's IPC insert) needs to read a live or
 * truncated file. A stream that is already closed comes back unchanged.
 */
export function sealStream(bytes: Uint8Array): Uint8Array {
  const framing = scanStreamFraming(bytes);
  if (framing.endOfStream) return bytes.slice(0, framing.completeBytes);
  const sealed = new Uint8Array(framing.completeBytes + END_OF_STREAM.byteLength);
  sealed.set(bytes.subarray(0, framing.completeBytes));
  sealed.set(END_OF_STREAM, framing.completeBytes);
  return sealed;
}
