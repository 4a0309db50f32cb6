/**
 * Picks the fastest tfjs backend that loads here: tfjs-node-gpu, then tfjs-node, then wasm,
 * then the pure-JS cpu backend. The native bindings are optional dependencies that often fail
 * to install, so each one is tried through a dynamic import and the reason it was skipped is
 * reported instead of thrown.
 */
import * as tf from '@tensorflow/tfjs';
import { patchWasmSlice } from './wasm-slice.ts';

/** A backend this project knows how to load, best first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What the caller asks for: one backend, or the best one available. */
export type BackendPreference = BackendName | 'auto';

/** Which backend is in use, and why each better one was passed over. */
export interface BackendChoice {
  readonly backend: BackendName;
  /** The tfjs name of the backend (`tensorflow` serves both native variants). */
  readonly tfName: string;
  readonly skipped: readonly { readonly backend: BackendName; readonly reason: string }[];
}

/** Options for {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Where the one summary line goes; defaults to stderr. */
  readonly log?: (line: string) => void;
}

const ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

async function load(name: BackendName): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      // A variable specifier keeps the compiler from requiring the optional package's types.
      const specifier: string = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      await import(specifier);
      return 'tensorflow';
    }
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      return 'wasm';
    case 'cpu':
      return 'cpu';
  }
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? text;
  return /Cannot find (package|module)/.test(line) ? 'not installed' : line.slice(0, 160);
}

/**
 * Makes the best available backend (or the preferred one) current and returns which it is.
 * With an explicit preference the lower ones are still tried if it fails to load, so a run
 * never dies for want of a native binding; the summary line says what happened.
 */
export async function selectBackend(
  preferred: BackendPreference = 'auto',
  options: SelectBackendOptions = {},
): Promise<BackendChoice> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const start = preferred === 'auto' ? 0 : ORDER.indexOf(preferred);
  const skipped: { backend: BackendName; reason: string }[] = [];
  for (const name of ORDER.slice(0, start)) skipped.push({ backend: name, reason: `not requested (asked for ${preferred})` });
  for (const name of ORDER.slice(start)) {
    try {
      const tfName = await load(name);
      if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') failed`);
      await tf.ready();
      if (tfName === 'wasm') patchWasmSlice();
      const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
      log(`[policy] tfjs backend ${name}${why ? ` (skipped ${why})` : ''}`);
      return { backend: name, tfName, skipped };
    } catch (error) {
      skipped.push({ backend: name, reason: reasonOf(error) });
    }
  }
  throw new Error(`no tfjs backend could be loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

/**
 * Switches to an already-registered backend by its tfjs name (tests loop over `wasm` and `cpu`),
 * applying the same kernel fixes {@link selectBackend} applies.
 */
export async function useBackend(tfName: 'wasm' | 'cpu' | 'tensorflow'): Promise<void> {
  if (tfName === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') failed`);
  await tf.ready();
  if (tfName === 'wasm') patchWasmSlice();
}

/**
 * Bytes of the wasm backend's linear memory on this thread (it grows, never shrinks, and is capped
 * at 4 GiB), or undefined on other backends. Live tensors are `tf.memory().numBytes`; the gap
 * between the two is the allocator's free space and fragmentation.
 */
export function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.length;
}

/** `N tensors, X MiB live[, wasm heap Y MiB]`: what RLEF_DEBUG logs after each update. */
export function memorySummary(): string {
  const m = tf.memory();
  const heap = wasmHeapBytes();
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  return `${m.numTensors} tensors, ${mib(m.numBytes)} MiB live${heap === undefined ? '' : `, wasm heap ${mib(heap)} MiB`}`;
}
