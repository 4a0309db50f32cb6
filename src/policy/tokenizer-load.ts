import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../runtime/errors.ts';
import type { Tokenizer } from './tokenizer.ts';
import { BYTE_SPECIAL_TOKENS, ByteTokenizer } from './tokenizer-byte.ts';
import { HfTokenizer } from './tokenizer-hf.ts';

/** File that marks a folder's tokenizer as the built-in byte tokenizer. */
export const BYTE_TOKENIZER_FILE = 'byte-tokenizer.json';

interface ByteMarker {
  readonly type: 'byte';
  readonly version: 1;
  readonly specials: readonly string[];
}

/**
 * The files that describe a tokenizer in a model or checkpoint folder, by file name: the source
 * `tokenizer.json` (+ `tokenizer_config.json`) of a Hugging Face tokenizer, or the byte-tokenizer marker.
 */
export function tokenizerFiles(tokenizer: Tokenizer): Map<string, string> {
  if (tokenizer instanceof HfTokenizer) {
    const files = new Map([['tokenizer.json', tokenizer.tokenizerJson]]);
    if (tokenizer.tokenizerConfigJson !== null) files.set('tokenizer_config.json', tokenizer.tokenizerConfigJson);
    return files;
  }
  if (tokenizer instanceof ByteTokenizer) {
    const marker: ByteMarker = { type: 'byte', version: 1, specials: BYTE_SPECIAL_TOKENS };
    return new Map([[BYTE_TOKENIZER_FILE, `${JSON.stringify(marker, null, 2)}\n`]]);
  }
  throw new TypeError(`cannot save a tokenizer of kind ${tokenizer.kind} that is not ByteTokenizer or HfTokenizer`);
}

/**
 * Reads the tokenizer of a folder: the byte-tokenizer marker if present, else `tokenizer.json` (with
 * `tokenizer_config.json` when there is one). Resolves null when the folder has neither.
 * @throws InputError for a malformed file
 */
export async function loadTokenizer(dir: string): Promise<Tokenizer | null> {
  const marker = await readOptional(join(dir, BYTE_TOKENIZER_FILE));
  if (marker !== null) {
    const file = join(dir, BYTE_TOKENIZER_FILE);
    let parsed: unknown;
    try {
      parsed = JSON.parse(marker);
    } catch (error) {
      throw new InputError(file, undefined, 'not valid JSON', { cause: error });
    }
    const m = parsed as Partial<ByteMarker>;
    if (m.type !== 'byte' || m.version !== 1 || JSON.stringify(m.specials) !== JSON.stringify(BYTE_SPECIAL_TOKENS)) {
      throw new InputError(file, undefined, 'not a version 1 byte-tokenizer marker with the known special tokens');
    }
    return new ByteTokenizer();
  }
  const json = await readOptional(join(dir, 'tokenizer.json'));
  if (json === null) return null;
  const config = await readOptional(join(dir, 'tokenizer_config.json'));
  return new HfTokenizer(json, config, join(dir, 'tokenizer.json'));
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
}

/** The tokenizer described by {@link tokenizerFiles}' output (e.g. sent to a worker thread). */
export function tokenizerFromFiles(files: ReadonlyMap<string, string>): Tokenizer {
  if (files.has(BYTE_TOKENIZER_FILE)) return new ByteTokenizer();
  const json = files.get('tokenizer.json');
  if (json === undefined) throw new TypeError('tokenizer files hold neither byte-tokenizer.json nor tokenizer.json');
  return new HfTokenizer(json, files.get('tokenizer_config.json') ?? null);
}
