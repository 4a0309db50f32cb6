/**
 * The generation worker thread: holds its own copy of the policy weights (the behaviour policy)
 * and decodes batches of turns, so decoding runs on another core while the main thread trains.
 * Messages: `init` (backend, model config, weights, tokenizer files, sampling) → `ready`;
 * `decode` (id, requests) → `decoded` (id, turns, ms spent decoding in the worker) or `failed` (id, message); `weights` (version,
 * weights) replaces the weights between batches.
 */
import { parentPort } from 'node:worker_threads';
import { selectBackend, type BackendPreference } from '../policy/backend.ts';
import { LlamaModel } from '../policy/model.ts';
import type { ModelConfig } from '../policy/config.ts';
import type { NamedTensor } from '../policy/safetensors.ts';
import { chatTemplateFor } from '../policy/chat.ts';
import { tokenizerFromFiles } from '../policy/tokenizer-load.ts';
import type { GenerateRequest } from '../pipeline/ports.ts';
import { LocalDecoder, type SamplingOptions } from './turn-decoder.ts';

export type WorkerWeights = readonly (readonly [string, NamedTensor])[];

export type ToWorker =
  | {
      readonly type: 'init';
      readonly backend: BackendPreference;
      readonly config: ModelConfig;
      readonly weights: WorkerWeights;
      readonly tokenizerFiles: readonly (readonly [string, string])[];
      readonly sampling: SamplingOptions;
      readonly version: number;
    }
  | { readonly type: 'decode'; readonly id: number; readonly requests: readonly GenerateRequest[] }
  | { readonly type: 'weights'; readonly version: number; readonly weights: WorkerWeights };

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'decoded'; readonly id: number; readonly turns: unknown[]; readonly ms: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('generation.worker.ts must run in a worker thread');

let decoder: LocalDecoder | undefined;
let model: LlamaModel | undefined;
// Messages are handled one at a time, in order: a weight swap never lands inside a decode.
let chain: Promise<void> = Promise.resolve();

port.on('message', (message: ToWorker) => {
  chain = chain.then(() => handle(message));
});

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const choice = await selectBackend(message.backend, { log: () => undefined });
      model = new LlamaModel(message.config, { trainable: false });
      model.setWeights(new Map(message.weights));
      const tokenizer = tokenizerFromFiles(new Map(message.tokenizerFiles));
      decoder = new LocalDecoder(model, chatTemplateFor(tokenizer), message.sampling, message.version);
      port?.postMessage({ type: 'ready', backend: choice.backend } satisfies FromWorker);
      return;
    }
    case 'weights': {
      if (model === undefined || decoder === undefined) return;
      model.setWeights(new Map(message.weights));
      decoder.setPolicy(model, message.version);
      return;
    }
    case 'decode': {
      try {
        if (decoder === undefined) throw new Error('the generation worker was not initialised');
        const t0 = performance.now();
        const turns = await decoder.decode(message.requests);
        port?.postMessage({ type: 'decoded', id: message.id, turns, ms: performance.now() - t0 } satisfies FromWorker);
      } catch (error) {
        port?.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
      }
      return;
    }
  }
}
