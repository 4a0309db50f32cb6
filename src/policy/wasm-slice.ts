/**
 * A fix for tfjs-backend-wasm 4.22's Slice kernel, which reads its input through
 * `backend.readSync` — a copy of the *whole* input out of the wasm heap on every call. Taking one
 * [256, 256] block out of a [64, 256, 256] tensor therefore costs a 16 MB copy (≈ 8 ms measured),
 * and `unstack` into 64 pieces costs 64 of them. Unpack and SplitV call the same function. The
 * replacement reads the input through a view of the heap, which is what the other wasm kernels
 * (Concat, for one) already do; the results are identical, element for element.
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let patched = false;

function sliceInfo(backend: HeapBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const rank = x.shape.length;
  const out = backend.makeOutput(size, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = (strides[i + 1] ?? 1) * (x.shape[i + 1] ?? 1);
  // Copy contiguous runs along the innermost axes that are taken whole.
  let inner = rank;
  let run = 1;
  while (inner > 0 && (size[inner - 1] ?? 0) === (x.shape[inner - 1] ?? 0)) {
    inner--;
    run *= size[inner] ?? 1;
  }
  if (inner > 0) {
    inner--;
    run *= size[inner] ?? 1;
  }
  let base = 0;
  for (let i = 0; i < rank; i++) base += (begin[i] ?? 0) * (strides[i] ?? 0);
  const outer = size.slice(0, inner);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = new Array<number>(inner).fill(0);
  let offset = 0;
  for (let n = 0; n < count; n++) {
    let at = base;
    for (let i = 0; i < inner; i++) at += (index[i] ?? 0) * (strides[i] ?? 0);
    dst.set(src.subarray(at, at + run), offset);
    offset += run;
    for (let i = inner - 1; i >= 0; i--) {
      index[i] = (index[i] ?? 0) + 1;
      if ((index[i] ?? 0) < (outer[i] ?? 0)) break;
      index[i] = 0;
    }
  }
  return out;
}

function parse(x: tf.TensorInfo, begin: number | number[], size?: number | number[]): [number[], number[]] {
  const rank = x.shape.length;
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(rank - 1).fill(0)] : [...begin];
  while (b.length < rank) b.push(0);
  const s0 = size === undefined ? new Array<number>(rank).fill(-1) : typeof size === 'number' ? [size] : [...size];
  while (s0.length < rank) s0.push(-1);
  const s = s0.map((v, i) => (v === -1 ? (x.shape[i] ?? 0) - (b[i] ?? 0) : v));
  return [b, s];
}

/**
 * Re-registers Slice, Unpack and SplitV on the wasm backend with heap-view reads. Idempotent; a
 * no-op when the wasm backend is not registered.
 */
export function patchWasmSlice(): void {
  if (patched || tf.findBackend('wasm') === null) return;
  const original = {
    slice: tf.getKernel('Slice', 'wasm'),
    unpack: tf.getKernel('Unpack', 'wasm'),
    splitV: tf.getKernel('SplitV', 'wasm'),
  };
  if (!original.slice || !original.unpack || !original.splitV) return;
  const numeric = (x: tf.TensorInfo): boolean => x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';
  const slice: tf.KernelFunc = (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (!numeric(x)) return original.slice.kernelFunc(args);
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [b, s] = parse(x, attrs.begin, attrs.size);
    return sliceInfo(args.backend as unknown as HeapBackend, x, b, s);
  };
  const unpack: tf.KernelFunc = (args) => {
    const x = args.inputs['value'] as tf.TensorInfo;
    if (!numeric(x)) return original.unpack.kernelFunc(args);
    const rank = x.shape.length;
    const axis = ((args.attrs as unknown as tf.UnpackAttrs).axis + rank) % rank;
    const outShape = x.shape.filter((_, i) => i !== axis);
    const size = [...x.shape];
    size[axis] = 1;
    const outs: tf.TensorInfo[] = [];
    for (let i = 0; i < (x.shape[axis] ?? 0); i++) {
      const begin = new Array<number>(rank).fill(0);
      begin[axis] = i;
      const out = sliceInfo(args.backend as unknown as HeapBackend, x, begin, size);
      outs.push({ dataId: out.dataId, dtype: out.dtype, shape: outShape });
    }
    return outs;
  };
  const splitV: tf.KernelFunc = (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (!numeric(x)) return original.splitV.kernelFunc(args);
    const attrs = args.attrs as unknown as tf.SplitVAttrs;
    const rank = x.shape.length;
    const axis = (attrs.axis + rank) % rank;
    const total = x.shape[axis] ?? 0;
    const sizes =
      typeof attrs.numOrSizeSplits === 'number'
        ? new Array<number>(attrs.numOrSizeSplits).fill(total / attrs.numOrSizeSplits)
        : attrs.numOrSizeSplits.map((v, _, all) => (v === -1 ? total - all.reduce((a, c) => a + (c === -1 ? 0 : c), 0) : v));
    const begin = new Array<number>(rank).fill(0);
    return sizes.map((n) => {
      const size = [...x.shape];
      size[axis] = n;
      const out = sliceInfo(args.backend as unknown as HeapBackend, x, [...begin], size);
      begin[axis] = (begin[axis] ?? 0) + n;
      return out;
    });
  };
  for (const [name, kernelFunc] of [['Slice', slice], ['Unpack', unpack], ['SplitV', splitV]] as const) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  }
  patched = true;
}
