/**
 * A minimal reader and writer for the safetensors format (Hugging Face): an 8-byte little-endian
 * header length, a JSON header mapping each tensor name to `{dtype, shape, data_offsets}` (plus an
 * optional `__metadata__` of strings), then the raw little-endian data. Pure: bytes in, bytes out;
 * file and directory handling lives in `safetensors-file.ts`.
 */

/** The element types this reader decodes (all into float32). */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

/** One tensor as plain data: row-major float32 values and their shape. */
export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** One header entry, as stored in the file. */
export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly dataOffsets: readonly [number, number];
}

/** A parsed header: where each tensor lies in the data section, and the metadata strings. */
export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data section from the start of the file. */
  readonly dataStart: number;
}

/** A malformed file or an element type this reader does not decode. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  constructor(
    message: string,
    readonly tensor?: string,
  ) {
    super(tensor === undefined ? message : `${tensor}: ${message}`);
  }
}

const BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2 };

/** Parses the header of a safetensors file held in memory. */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (bytes.length < 8) throw new SafetensorsError('file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (8 + length > bytes.length) throw new SafetensorsError(`header length ${length} runs past the end of the file`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch (cause) {
    throw new SafetensorsError(`header is not JSON: ${String(cause)}`);
  }
  if (typeof json !== 'object' || json === null) throw new SafetensorsError('header is not a JSON object');
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  const dataLength = bytes.length - 8 - length;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = { ...(value as Record<string, string>) };
      continue;
    }
    const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offsets = v.data_offsets;
    if (
      typeof v.dtype !== 'string' ||
      !Array.isArray(v.shape) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      typeof offsets[0] !== 'number' ||
      typeof offsets[1] !== 'number'
    ) {
      throw new SafetensorsError('header entry lacks dtype, shape or data_offsets', name);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) throw new SafetensorsError(`data_offsets [${begin}, ${end}] out of range`, name);
    const shape = (v.shape as unknown[]).map(Number);
    const width = BYTES[v.dtype];
    if (width !== undefined && shape.reduce((a, b) => a * b, 1) * width !== end - begin) {
      throw new SafetensorsError(`shape [${shape.join(', ')}] does not match ${end - begin} bytes of ${v.dtype}`, name);
    }
    entries.set(name, { dtype: v.dtype, shape, dataOffsets: [begin, end] });
  }
  return { entries, metadata, dataStart: 8 + length };
}

/** IEEE half precision to float32. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const F32_BITS = new Uint32Array(1);
const F32_VALUE = new Float32Array(F32_BITS.buffer);

/** float32 to IEEE half precision bits, rounding to nearest even; too large becomes ±Infinity. */
export function floatToHalf(x: number): number {
  F32_VALUE[0] = x;
  const bits = F32_BITS[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  // Keep `shift` low bits off the (implicit-one) mantissa, round the rest to nearest even.
  const full = e > 0 ? mantissa : mantissa | 0x800000;
  const shift = e > 0 ? 13 : 14 - e;
  if (shift > 24) return sign;
  let half = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
  // A carry out of the mantissa moves into the exponent, as the bit layout intends.
  return sign | (e > 0 ? (e << 10) + half : half);
}

/** True when every value is exactly a half-precision number, so F16 storage loses nothing. */
export function isHalfExact(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const x = data[i] ?? 0;
    if (halfToFloat(floatToHalf(x)) !== x) return false; // NaN too: its payload would not survive
  }
  return true;
}

/** Decodes one tensor of a file held in memory into float32. */
export function decodeTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): NamedTensor {
  const entry = header.entries.get(name);
  if (entry === undefined) throw new SafetensorsError('no such tensor', name);
  const [begin, end] = entry.dataOffsets;
  const start = header.dataStart + begin;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - begin);
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  switch (entry.dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'BF16': {
      const bits = new Uint32Array(data.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      break;
    }
    default:
      throw new SafetensorsError(`unsupported dtype ${entry.dtype} (F32, F16 and BF16 are read)`, name);
  }
  return { shape: entry.shape, data };
}

/** Decodes every tensor of a safetensors file held in memory. */
export function readSafetensors(bytes: Uint8Array): Map<string, NamedTensor> {
  const header = parseSafetensorsHeader(bytes);
  const out = new Map<string, NamedTensor>();
  for (const name of header.entries.keys()) out.set(name, decodeTensor(bytes, header, name));
  return out;
}

/**
 * Encodes tensors as a safetensors file, in the given order, with optional metadata strings:
 * float32, or F16 (rounded to nearest even; a value beyond ±65504 is refused, not made infinite).
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, NamedTensor> | Iterable<readonly [string, NamedTensor]>,
  metadata: Readonly<Record<string, string>> = {},
  dtype: 'F32' | 'F16' = 'F32',
): Uint8Array {
  const list = [...tensors];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const width = BYTES[dtype] ?? 4;
  let offset = 0;
  for (const [name, t] of list) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new SafetensorsError(`shape [${t.shape.join(', ')}] holds ${count} values, data ${t.data.length}`, name);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + width * count] };
    offset += width * count;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [name, t] of list) {
    if (dtype === 'F32') {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i] ?? 0, true);
    } else {
      for (let i = 0; i < t.data.length; i++) {
        const x = t.data[i] ?? 0;
        if (Math.abs(x) > 65504 && Number.isFinite(x)) throw new SafetensorsError(`value ${x} at index ${i} does not fit F16`, name);
        view.setUint16(at + 2 * i, floatToHalf(x), true);
      }
    }
    at += width * t.data.length;
  }
  return out;
}
