/**
 * The generation side of the pipeline: a `PolicyPort` over a tfjs model that batches the turns of
 * concurrent episodes. Requests that arrive while a batch is being decoded wait and form the next
 * batch, so generation keeps the model busy while the pool runs other episodes' programs.
 * Each request samples from its own seeded stream, so its tokens do not depend on its batch.
 */
import { Observable } from 'rxjs';
import type { LlamaModel } from '../policy/model.ts';
import { generate } from '../policy/generate.ts';
import type { ChatMessage, ChatTemplate } from '../policy/chat.ts';
import { fitPromptToContext } from '../policy/context.ts';
import type { Generation, Message } from '../pipeline/episode.ts';
import type { GenerateRequest, PolicyPort } from '../pipeline/ports.ts';

export interface SamplingOptions {
  readonly temperature: number;
  readonly topP: number;
  readonly maxNewTokens: number;
}

export interface PolicyServiceOptions {
  readonly template: ChatTemplate;
  readonly sampling: SamplingOptions;
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
  private model: LlamaModel;
  private version: number;
  readonly stats: GenerationStats = { tokens: 0, busyMs: 0, batches: 0, queued: 0 };

  constructor(
    model: LlamaModel,
    private readonly options: PolicyServiceOptions,
    version = 0,
  ) {
    this.model = model;
    this.version = version;
  }

  /** The weights that sample from now on (the learner calls this after each update). */
  setPolicy(model: LlamaModel, version: number): void {
    this.model = model;
    this.version = version;
  }

  get policyVersion(): number {
    return this.version;
  }

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
    const { template, sampling } = this.options;
    const t0 = performance.now();
    try {
      const prompts = batch.map((p) => {
        const fit = fitPromptToContext(template, toChat(p.request.dialog, template), {
          contextLength: this.model.config.maxContext,
          generationBudget: sampling.maxNewTokens,
        });
        if (!fit.ok) throw new RangeError(`prompt cannot fit the context: ${fit.reason}`);
        return fit.rendered.ids;
      });
      const version = this.version;
      const outputs = await generate(
        this.model,
        prompts.map((ids) => Array.from(ids)),
        {
          maxNewTokens: sampling.maxNewTokens,
          temperature: sampling.temperature,
          topP: sampling.topP,
          stopTokens: template.stopTokens,
          seed: 'batch',
          seeds: batch.map((p) => p.request.seed),
        },
      );
      const ms = performance.now() - t0;
      this.stats.busyMs += ms;
      this.stats.batches++;
      const stops = new Set(template.stopTokens);
      batch.forEach((p, i) => {
        const out = outputs[i];
        if (out === undefined) return p.reject(new Error('generation returned fewer rows than asked'));
        this.stats.tokens += out.tokens.length;
        const endedTurn = out.finish === 'stop';
        const content = endedTurn ? out.tokens.filter((t, k) => !(k === out.tokens.length - 1 && stops.has(t))) : out.tokens;
        if (!p.cancelled) {
          p.resolve({
            text: template.tokenizer.decode(content),
            contextIds: prompts[i]!,
            responseIds: Int32Array.from(out.tokens),
            endedTurn,
            logprobs: out.logProbs,
            policyVersion: version,
            ms: ms / batch.length,
          });
        }
      });
    } catch (error: unknown) {
      for (const p of batch) p.reject(error);
    }
  }
}

/** The pipeline's dialog in the chat template's terms, with the model's exact ids for its own turns. */
export function toChat(dialog: readonly Message[], template: ChatTemplate): ChatMessage[] {
  const stops = new Set(template.stopTokens);
  return dialog.map((m): ChatMessage => {
    const g = m.generation;
    if (m.role !== 'assistant' || g === undefined) return { role: m.role, content: m.content };
    const ids = Array.from(g.responseIds);
    if (g.endedTurn && ids.length > 0 && stops.has(ids[ids.length - 1]!)) ids.pop();
    return { role: 'assistant', content: m.content, tokens: ids, endOfTurn: g.endedTurn };
  });
}
