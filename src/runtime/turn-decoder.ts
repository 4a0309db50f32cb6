/**
 * Decoding one batch of turns with a tfjs model: each dialog is fitted to the context (old
 * feedback trimmed first), rendered with the chat template, and continued until its end of turn.
 * Used in-process (`LocalDecoder`) and inside the generation worker.
 */
import type { LlamaModel } from '../policy/model.ts';
import { generate } from '../policy/generate.ts';
import type { ChatMessage, ChatTemplate } from '../policy/chat.ts';
import { fitPromptToContext } from '../policy/context.ts';
import type { Generation, Message } from '../pipeline/episode.ts';
import type { GenerateRequest } from '../pipeline/ports.ts';

export interface SamplingOptions {
  readonly temperature: number;
  /** Temperature of turns after the first (default `temperature`). *(beyond the paper)* */
  readonly retryTemperature?: number;
  readonly topP: number;
  readonly maxNewTokens: number;
  /**
   * Fit long dialogs by listing fewer failed tests in feedback first, before old turns become
   * markers (`fitDialog`'s `shortenFeedback`; default false). *(beyond the paper)*
   */
  readonly shortenFeedback?: boolean;
}

/** A turn as decoded; the service adds the timing. */
export type DecodedTurn = Omit<Generation, 'ms'>;

/** Decodes batches of turns; the i-th result answers the i-th request. */
export interface TurnDecoder {
  decode(requests: readonly GenerateRequest[]): Promise<DecodedTurn[]>;
  /** Releases what the decoder holds (a worker thread, for instance). */
  close(): Promise<void>;
}

/** Decodes on this thread with the given model (the weights the learner trains, when lag is 0). */
export class LocalDecoder implements TurnDecoder {
  constructor(
    private model: LlamaModel,
    private readonly template: ChatTemplate,
    private readonly sampling: SamplingOptions,
    private version = 0,
  ) {}

  /** The weights that sample from now on. */
  setPolicy(model: LlamaModel, version: number): void {
    this.model = model;
    this.version = version;
  }

  async decode(requests: readonly GenerateRequest[]): Promise<DecodedTurn[]> {
    const { template, sampling } = this;
    const prompts = requests.map((r) => {
      const fit = fitPromptToContext(template, toChat(r.dialog, template), {
        contextLength: this.model.config.maxContext,
        generationBudget: sampling.maxNewTokens,
        shortenFeedback: sampling.shortenFeedback ?? false,
      });
      if (!fit.ok) throw new RangeError(`prompt cannot fit the context: ${fit.reason}`);
      return fit.rendered.ids;
    });
    const version = this.version;
    const retry = sampling.retryTemperature;
    const outputs = await generate(
      this.model,
      prompts.map((ids) => Array.from(ids)),
      {
        maxNewTokens: sampling.maxNewTokens,
        temperature: sampling.temperature,
        ...(retry === undefined ? {} : { temperatures: requests.map((r) => (r.dialog.some((m) => m.role === 'assistant') ? retry : sampling.temperature)) }),
        topP: sampling.topP,
        stopTokens: template.stopTokens,
        seed: 'batch',
        seeds: requests.map((r) => r.seed),
      },
    );
    const stops = new Set(template.stopTokens);
    return outputs.map((out, i) => {
      const endedTurn = out.finish === 'stop';
      const content = endedTurn ? out.tokens.filter((t, k) => !(k === out.tokens.length - 1 && stops.has(t))) : out.tokens;
      return {
        text: template.tokenizer.decode(content),
        contextIds: prompts[i]!,
        responseIds: Int32Array.from(out.tokens),
        endedTurn,
        logprobs: out.logProbs,
        policyVersion: version,
      };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
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
