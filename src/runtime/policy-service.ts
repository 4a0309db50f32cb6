/**
 * The generation side of the pipeline: a `PolicyPort` that batches the turns of concurrent
 * episodes for a `TurnDecoder` (in-process, or a worker thread with its own copy of the weights).
 * Requests that arrive while a batch is being decoded wait and form the next batch, so decoding
 * keeps going while the pool runs other episodes' programs. Each request samples from its own
 * seeded stream, so its tokens do not depend on its batch.
 */
import { Observable } from 'rxjs';
import type { Generation } from '../pipeline/episode.ts';
import type { GenerateRequest, PolicyPort } from '../pipeline/ports.ts';
import type { TurnDecoder } from './turn-decoder.ts';

export type { SamplingOptions } from './turn-decoder.ts';

export interface PolicyServiceOptions {
  /** Most requests decoded together. */
  readonly maxBatch: number;
  /**
   * How long a batch that is not full waits for more requests (default 25 ms): turns of other
   * episodes whose programs are still running join it instead of forming a small batch of their own.
   */
  readonly lingerMs?: number;
}

interface Pending {
  readonly request: GenerateRequest;
  readonly resolve: (g: Generation) => void;
  readonly reject: (e: unknown) => void;
  cancelled: boolean;
}

/** Counters for the stages panel. */
export interface GenerationStats {
  tokens: number;
  busyMs: number;
  batches: number;
  queued: number;
}

export class PolicyService implements PolicyPort {
  private readonly queue: Pending[] = [];
  private running = false;
  readonly stats: GenerationStats = { tokens: 0, busyMs: 0, batches: 0, queued: 0 };

  constructor(
    readonly decoder: TurnDecoder,
    private readonly options: PolicyServiceOptions,
  ) {}

  generate(request: GenerateRequest): Observable<Generation> {
    return new Observable<Generation>((subscriber) => {
      const pending: Pending = {
        request,
        resolve: (g) => {
          subscriber.next(g);
          subscriber.complete();
        },
        reject: (e) => subscriber.error(e),
        cancelled: false,
      };
      this.queue.push(pending);
      this.stats.queued = this.queue.length;
      this.schedule();
      return () => {
        pending.cancelled = true;
      };
    });
  }

  private schedule(): void {
    if (this.running) return;
    this.running = true;
    // Let the other episodes that become ready in this tick join the batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const linger = this.options.lingerMs ?? 25;
        if (linger > 0 && this.queue.length < this.options.maxBatch) await new Promise<void>((resolve) => setTimeout(resolve, linger));
        const batch = this.queue.splice(0, this.options.maxBatch).filter((p) => !p.cancelled);
        this.stats.queued = this.queue.length;
        if (batch.length === 0) {
          if (this.queue.length === 0) break;
          continue;
        }
        await this.run(batch);
        // yield to the event loop so finished executions can enqueue their next turns
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async run(batch: readonly Pending[]): Promise<void> {
    const t0 = performance.now();
    try {
      const outputs = await this.decoder.decode(batch.map((p) => p.request));
      const ms = performance.now() - t0;
      this.stats.busyMs += ms;
      this.stats.batches++;
      batch.forEach((p, i) => {
        const out = outputs[i];
        if (out === undefined) return p.reject(new Error('generation returned fewer rows than asked'));
        this.stats.tokens += out.responseIds.length;
        if (!p.cancelled) p.resolve({ ...out, ms: ms / batch.length });
      });
    } catch (error: unknown) {
      for (const p of batch) p.reject(error);
    }
  }
}
