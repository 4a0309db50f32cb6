/**
 * A `PolicyPort` over an OpenAI-compatible chat-completions server (`POST {base}/chat/completions`:
 * OpenAI, vLLM, llama.cpp's server, …), so `rlef eval` can score models it does not host.
 *
 * The RLEF dialog (problem, answer, feedback, answer …) maps one to one onto chat messages; no
 * system message is added. Requests are bounded (at most `maxConcurrency` in flight), time out
 * (`AbortSignal.timeout`), and are retried with exponential backoff and jitter on 408, 409, 429,
 * 5xx and network errors, honouring `Retry-After`. A refusal, an empty answer, a missing message
 * and a prompt the server says is over its context length come back as a generation with empty
 * text: the rollout records an invalid turn (no code), it does not crash. Other 4xx answers and
 * exhausted retries are fatal (`ChatCompletionError`). Token usage reported by the server is summed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Observable } from 'rxjs';
import { RlefError } from '../runtime/errors.ts';
import type { Generation } from '../pipeline/episode.ts';
import { fromAbortable } from '../pipeline/from-abortable.ts';
import type { GenerateRequest, PolicyPort } from '../pipeline/ports.ts';

/** Options of {@link OpenAiChatPolicy}. */
export interface OpenAiChatOptions {
  /** Base URL up to the API version, e.g. `http://127.0.0.1:8000/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  /** The `model` field of each request (the served model name). */
  readonly model: string;
  /** Sent as `Authorization: Bearer …` when given. */
  readonly apiKey?: string;
  readonly temperature: number;
  readonly topP: number;
  /** `max_tokens` of each request; omitted (the server's default) when undefined. */
  readonly maxTokens?: number;
  /** Requests in flight at once (default 8). */
  readonly maxConcurrency?: number;
  /** Retries after the first attempt (default 6). */
  readonly maxRetries?: number;
  /** Backoff before retry i (0-based) is up to min(maxBackoffMs, initialBackoffMs · 2^i), jittered (defaults 500 ms, 30 s). */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Longest `Retry-After` wait obeyed; longer ones are cut to this (default 120 s). */
  readonly maxRetryAfterMs?: number;
  /** Per-attempt timeout (default 300 s). */
  readonly timeoutMs?: number;
  /** Uniform [0, 1) numbers for the jitter (default Math.random). */
  readonly random?: () => number;
  /** Told about each retry, e.g. to log it. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** One retry about to happen. */
export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  /** HTTP status, or the network error's message. */
  readonly reason: string;
}

/** Token and request counts, summed over every successful request. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  requests: number;
  retries: number;
  /** Answers that held no usable text (refusals, empty or missing content, context overflow). */
  emptyAnswers: number;
}

/** The server failed for good: a non-retryable status, or retries exhausted. Exit code 69 (service unavailable). */
export class ChatCompletionError extends RlefError {
  override readonly name = 'ChatCompletionError';
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, 69, options);
    this.status = status;
  }
}

const EMPTY_IDS = new Int32Array(0);
const EMPTY_LOGPROBS = new Float32Array(0);
/** Statuses worth another try: timeouts, conflicts, rate limits and server faults. */
const RETRYABLE = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500;
/** How servers phrase "your prompt is longer than my context" in a 400 (vLLM, llama.cpp, OpenAI). */
const CONTEXT_OVERFLOW = /context[ _-]?length|maximum context|context window|exceeds? the (?:available )?context|too many tokens|prompt is too long/i;

export class OpenAiChatPolicy implements PolicyPort {
  readonly usage: TokenUsage = { promptTokens: 0, completionTokens: 0, requests: 0, retries: 0, emptyAnswers: 0 };
  private readonly url: string;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: OpenAiChatOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  generate(request: GenerateRequest): Observable<Generation> {
    return fromAbortable((signal) => this.withSlot(signal, () => this.complete(request, signal)));
  }

  /** Runs `work` once fewer than `maxConcurrency` requests are in flight. */
  private async withSlot<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const limit = Math.max(1, this.options.maxConcurrency ?? 8);
    while (this.active >= limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (signal.aborted) {
        this.waiting.shift()?.(); // pass the wake-up on: this request no longer wants the slot
        signal.throwIfAborted();
      }
    }
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async complete(request: GenerateRequest, signal: AbortSignal): Promise<Generation> {
    const t0 = performance.now();
    const body = JSON.stringify({
      model: this.options.model,
      messages: request.dialog.map((m) => ({ role: m.role, content: m.content })),
      temperature: this.options.temperature,
      top_p: this.options.topP,
      ...(this.options.maxTokens === undefined ? {} : { max_tokens: this.options.maxTokens }),
      seed: seedOf(request.seed),
      n: 1,
      stream: false,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey !== undefined && this.options.apiKey !== '') headers['authorization'] = `Bearer ${this.options.apiKey}`;
    const maxRetries = this.options.maxRetries ?? 6;
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      let failure: { reason: string; status: number | undefined; retryAfterMs: number | undefined; cause?: unknown };
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs ?? 300_000)]),
        });
        const text = await response.text();
        if (response.ok) return this.generation(parseCompletion(text, this.url), t0);
        if (response.status === 400 && CONTEXT_OVERFLOW.test(text)) return this.generation({ text: '', endedTurn: false, usage: undefined }, t0);
        if (!RETRYABLE(response.status)) {
          throw new ChatCompletionError(`${this.url} answered ${response.status}: ${snippet(text)}`, response.status);
        }
        failure = { reason: `HTTP ${response.status}`, status: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
      } catch (error) {
        if (error instanceof ChatCompletionError || signal.aborted) throw error;
        failure = { reason: error instanceof Error ? error.message : String(error), status: undefined, retryAfterMs: undefined, cause: error };
      }
      if (attempt >= maxRetries) {
        throw new ChatCompletionError(`${this.url}: gave up after ${attempt + 1} attempts (last: ${failure.reason})`, failure.status, { cause: failure.cause });
      }
      const delayMs = failure.retryAfterMs === undefined ? this.backoffMs(attempt) : Math.min(failure.retryAfterMs, this.options.maxRetryAfterMs ?? 120_000);
      this.usage.retries++;
      this.options.onRetry?.({ attempt: attempt + 1, delayMs, reason: failure.reason });
      await sleep(delayMs, signal);
    }
  }

  private backoffMs(attempt: number): number {
    const cap = Math.min(this.options.maxBackoffMs ?? 30_000, (this.options.initialBackoffMs ?? 500) * 2 ** attempt);
    // "Equal jitter": at least half the cap, so retries never stampede back at once.
    return cap / 2 + (this.options.random ?? Math.random)() * (cap / 2);
  }

  private generation(answer: ParsedCompletion, t0: number): Generation {
    this.usage.requests++;
    this.usage.promptTokens += answer.usage?.promptTokens ?? 0;
    this.usage.completionTokens += answer.usage?.completionTokens ?? 0;
    if (answer.text.trim() === '') this.usage.emptyAnswers++;
    return {
      text: answer.text,
      contextIds: EMPTY_IDS,
      responseIds: EMPTY_IDS,
      endedTurn: answer.endedTurn,
      logprobs: EMPTY_LOGPROBS,
      policyVersion: 0,
      ms: performance.now() - t0,
    };
  }
}

interface ParsedCompletion {
  readonly text: string;
  readonly endedTurn: boolean;
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number } | undefined;
}

/**
 * The answer text of a chat-completions response body. A refusal, a null or missing message, or
 * no choices give empty text (an invalid turn); a body that is not JSON is a server fault.
 */
export function parseCompletion(body: string, url: string): ParsedCompletion {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new ChatCompletionError(`${url} answered 200 with a body that is not JSON: ${snippet(body)}`, 200, { cause: error });
  }
  const root = asRecord(json);
  const usageRecord = asRecord(root?.['usage']);
  const promptTokens = usageRecord?.['prompt_tokens'];
  const completionTokens = usageRecord?.['completion_tokens'];
  const usage =
    typeof promptTokens === 'number' || typeof completionTokens === 'number'
      ? { promptTokens: typeof promptTokens === 'number' ? promptTokens : 0, completionTokens: typeof completionTokens === 'number' ? completionTokens : 0 }
      : undefined;
  const choices = root?.['choices'];
  const choice = Array.isArray(choices) ? asRecord(choices[0]) : undefined;
  const message = asRecord(choice?.['message']);
  const content = message?.['content'];
  const refused = typeof message?.['refusal'] === 'string' && message['refusal'] !== '';
  const text = refused ? '' : typeof content === 'string' ? content : contentParts(content);
  const finish = choice?.['finish_reason'];
  return { text, endedTurn: finish !== 'length', usage };
}

/** Content given as an array of parts (`[{type: 'text', text}]`), joined. */
function contentParts(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content.map((part) => {
    const text = asRecord(part)?.['text'];
    return typeof text === 'string' ? text : '';
  }).join('');
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A rollout turn's seed string as the integer `seed` field (FNV-1a, 31 bits), so reruns ask for the same samples. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat || '(empty body)';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return ms <= 0 ? new Promise((resolve) => setImmediate(resolve)) : delay(ms, undefined, { signal });
}
