import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseSafetensorsHeader,
  readSafetensors,
  writeSafetensors,
  isHalfExact,
  SafetensorsError,
  type NamedTensor,
} from '../../../src/policy/safetensors.ts';
import { readSafetensorsDir, writeSafetensorsFile } from '../../../src/policy/safetensors-file.ts';

/** A hand-built file: header JSON padded as given, then raw bytes. */
function rawFile(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('float32 tensors survive a write and read unchanged, with metadata and an 8-byte aligned header', () => {
  const tensors = new Map<string, NamedTensor>([
    ['a.weight', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 7]) }],
    ['b', { shape: [1], data: Float32Array.from([Math.PI]) }],
  ]);
  const bytes = writeSafetensors(tensors, { format: 'pt' });
  const header = parseSafetensorsHeader(bytes);
  assert.equal(header.dataStart % 8, 0);
  assert.deepEqual(header.metadata, { format: 'pt' });
  const back = readSafetensors(bytes);
  assert.deepEqual([...back.keys()], ['a.weight', 'b']);
  for (const [name, t] of tensors) {
    assert.deepEqual(back.get(name)?.shape, t.shape);
    assert.deepEqual(back.get(name)?.data, t.data);
  }
});

test('half and bfloat16 values decode to the float32 values they encode', () => {
  // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 2^-24 = 0x0001
  // BF16: 1.0 = 0x3f80, -0.5 = 0xbf00, 3.140625 = 0x4049
  const f16 = [0x3c00, 0xc000, 0x7bff, 0x0001];
  const bf16 = [0x3f80, 0xbf00, 0x4049];
  const data = new Uint8Array(2 * (f16.length + bf16.length));
  const view = new DataView(data.buffer);
  [...f16, ...bf16].forEach((v, i) => view.setUint16(2 * i, v, true));
  const bytes = rawFile(
    {
      h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [8, 14] },
    },
    data,
  );
  const back = readSafetensors(bytes);
  assert.deepEqual([...(back.get('h')?.data ?? [])], [1, -2, 65504, 2 ** -24]);
  assert.deepEqual([...(back.get('b')?.data ?? [])], [1, -0.5, 3.140625]);
});

/** Every finite half-precision value, decoded by the reader from its bit pattern, by bits. */
function allHalves(): { bits: number[]; values: Float32Array } {
  const bits: number[] = [];
  for (let h = 0; h < 0x10000; h++) if ((h & 0x7c00) !== 0x7c00) bits.push(h);
  const raw = new Uint8Array(2 * bits.length);
  const view = new DataView(raw.buffer);
  bits.forEach((h, i) => view.setUint16(2 * i, h, true));
  const file = rawFile({ h: { dtype: 'F16', shape: [bits.length], data_offsets: [0, raw.length] } }, raw);
  return { bits, values: readSafetensors(file).get('h')?.data ?? new Float32Array(0) };
}

test('F16 writing gives back every finite half-precision bit pattern it read', () => {
  const { bits, values } = allHalves();
  const bytes = writeSafetensors(new Map([['h', { shape: [values.length], data: values }]]), {}, 'F16');
  const header = parseSafetensorsHeader(bytes);
  assert.equal(header.entries.get('h')?.dtype, 'F16');
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart);
  const wrong = bits.filter((h, i) => view.getUint16(2 * i, true) !== h && !(h === 0x8000 && view.getUint16(2 * i, true) === 0x8000));
  assert.deepEqual(wrong, []);
  assert.ok(isHalfExact(values));
});

test('F16 writing rounds any float32 to the nearest half, ties to the even one', () => {
  const { bits, values } = allHalves();
  // Non-negative halves in increasing order (bits 0x0000 … 0x7bff), for the neighbours of x.
  const positive = values.slice(0, bits.indexOf(0x7bff) + 1);
  fc.assert(
    // Plain floats, and exact midpoints between neighbouring halves (the ties).
    fc.property(
      fc.oneof(
        fc.float({ min: -65504, max: 65504, noNaN: true }),
        fc.tuple(fc.integer({ min: 0, max: positive.length - 2 }), fc.boolean()).map(
          ([i, negative]) => (negative ? -1 : 1) * (((positive[i] ?? 0) + (positive[i + 1] ?? 0)) / 2),
        ),
      ),
      (x) => {
      const got = readSafetensors(writeSafetensors(new Map([['x', { shape: [1], data: Float32Array.of(x) }]]), {}, 'F16')).get('x')?.data[0] ?? NaN;
      const a = Math.abs(Math.fround(x));
      let hi = positive.findIndex((v) => v >= a);
      if (hi < 0) hi = positive.length - 1;
      const lo = Math.max(0, hi - 1);
      const [below, above] = [positive[lo] ?? 0, positive[hi] ?? 0];
      const dBelow = a - below;
      const dAbove = above - a;
      const want = dBelow < dAbove ? below : dAbove < dBelow ? above : lo % 2 === 0 ? below : above;
      return Object.is(Math.abs(got), want) && (got === 0 || Math.sign(got) === Math.sign(x));
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(!isHalfExact(Float32Array.of(1 + 2 ** -12)));
  assert.throws(
    () => writeSafetensors(new Map([['big', { shape: [2], data: Float32Array.of(1, 70000) }]]), {}, 'F16'),
    /big: value 70000 at index 1 does not fit F16/,
  );
});

test('a header whose offsets or shapes disagree with the data is rejected', () => {
  const data = new Uint8Array(8);
  assert.throws(() => readSafetensors(rawFile({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data)), SafetensorsError);
  assert.throws(() => readSafetensors(rawFile({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data)), SafetensorsError);
  assert.throws(() => readSafetensors(rawFile({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data)), /unsupported dtype I64/);
  assert.throws(() => readSafetensors(new Uint8Array(4)), SafetensorsError);
});

test('a sharded checkpoint is read through its index', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-st-'));
  try {
    const a = { shape: [2], data: Float32Array.from([1, 2]) };
    const b = { shape: [1, 2], data: Float32Array.from([3, 4]) };
    await writeSafetensorsFile(join(dir, 'model-00001-of-00002.safetensors'), new Map([['a', a]]));
    await writeSafetensorsFile(join(dir, 'model-00002-of-00002.safetensors'), new Map([['b', b]]));
    const index = { metadata: {}, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } };
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    const all = await readSafetensorsDir(dir);
    assert.deepEqual([...all.keys()].sort(), ['a', 'b']);
    assert.deepEqual(all.get('b')?.data, b.data);
    assert.deepEqual(all.get('b')?.shape, [1, 2]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
