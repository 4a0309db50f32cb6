/**
 * A `TurnDecoder` that decodes in a worker thread holding its own copy of the weights: decoding
 * then runs on another core while the main thread trains (the asynchronous setup of RLEF.md §3,
 * with `maxPolicyLag` ≥ 1 and the off-policy correction the learner applies).
 */
import { Worker } from 'node:worker_threads';
import type { BackendPreference } from '../policy/backend.ts';
import type { LlamaModel } from '../policy/model.ts';
import type { Tokenizer } from '../policy/tokenizer.ts';
import { tokenizerFiles } from '../policy/tokenizer-load.ts';
import type { GenerateRequest } from '../pipeline/ports.ts';
import type { DecodedTurn, SamplingOptions, TurnDecoder } from './turn-decoder.ts';
import type { FromWorker, ToWorker, WorkerWeights } from './generation.worker.ts';

function weightsOf(model: LlamaModel): WorkerWeights {
  return [...model.exportWeights()];
}

export class WorkerDecoder implements TurnDecoder {
  private readonly pending = new Map<number, { resolve: (t: DecodedTurn[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  /** Time the worker spent decoding (its own clock): the generation stage's busy time, without message delays. */
  workerBusyMs = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'decoded') {
        this.workerBusyMs += message.ms;
        waiter?.resolve(message.turns as DecodedTurn[]);
      }
      else waiter?.reject(new Error(`generation worker: ${message.message}`));
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`generation worker exited with status ${code}`));
    });
  }

  /** Starts the worker with a copy of `model`'s weights; resolves once it can decode. */
  static async start(
    model: LlamaModel,
    tokenizer: Tokenizer,
    sampling: SamplingOptions,
    options: { readonly backend: BackendPreference; readonly version: number },
  ): Promise<WorkerDecoder> {
    const worker = new Worker(new URL('./generation-worker.mjs', import.meta.url));
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type !== 'ready') return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    const init: ToWorker = {
      type: 'init',
      backend: options.backend,
      config: model.config,
      weights: weightsOf(model),
      tokenizerFiles: [...tokenizerFiles(tokenizer)],
      sampling,
      version: options.version,
    };
    worker.postMessage(init);
    await ready;
    return new WorkerDecoder(worker);
  }

  /** Sends new weights; batches decoded after this use them. */
  setPolicy(model: LlamaModel, version: number): void {
    this.worker.postMessage({ type: 'weights', version, weights: weightsOf(model) } satisfies ToWorker);
  }

  decode(requests: readonly GenerateRequest[]): Promise<DecodedTurn[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<DecodedTurn[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'decode', id, requests } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
