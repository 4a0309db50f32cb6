/**
 * Streams the lines of a text file, gunzipping it when it starts with the gzip magic bytes, so
 * large JSONL datasets are never held whole in memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../runtime/errors.ts';

/** One line of a file; `line` counts from 1. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

/** The first bytes of a file (fewer when it is shorter). */
export async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Yields the non-blank lines of `file` (plain or gzip) with their line numbers. */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  const head = await readHead(file, 2);
  const raw = createReadStream(file);
  let input: Readable = raw;
  if (isGzip(head)) input = raw.pipe(createGunzip());
  // A gunzip failure surfaces on the gunzip stream only; forward it so the loop below throws.
  raw.on('error', (error) => input.destroy(error));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() !== '') yield { line, text };
    }
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputError(file, undefined, `not a valid gzip file after line ${line} (${(error as Error).message})`, { cause: error });
    }
    throw error;
  } finally {
    lines.close();
    input.destroy();
    raw.destroy();
  }
}
