/**
 * Supervised warm-start data (issue 8, item 2): dialogs built from the task suite and rendered
 * exactly like RLEF rollouts (RLEF.md §1), so the policy starts out speaking the environment's
 * format. Two kinds:
 * - `solve`: the turn-1 prompt, then the reference solution in a fenced block;
 * - `repair`: the turn-1 prompt, a buggy first attempt, the feedback from really running that
 *   attempt on the public tests, then the reference solution. Only the fix is trained: the buggy
 *   answer is context, not a target (we want a policy that repairs, not one that writes bugs).
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import type { ExecutionPool } from '../exec/types.ts';
import { formatFeedback, initialPrompt } from '../exec/feedback.ts';
import { problemLimits, type Problem } from '../problems/problem.ts';
import type { ChatMessage, ChatTemplate } from '../policy/chat.ts';
import { renderDialog } from '../policy/chat.ts';
import { fitPromptToContext } from '../policy/context.ts';
import { seededRandom } from '../eval/seeded-random.ts';
import { shuffle } from './shuffle.ts';
import { dropWords } from '../problems/drop-words.ts';

/** Which kind of supervised dialog an example is. */
export type SftKind = 'solve' | 'repair' | 'confusion' | 'self-repair';

/** One supervised dialog and which of its assistant messages are targets. */
export interface SftExample {
  readonly problemId: string;
  readonly kind: SftKind;
  readonly dialog: readonly ChatMessage[];
  /** Indices (in `dialog`) of the assistant messages to train on. */
  readonly trained: readonly number[];
}

/** An example as ids, with the per-id 0/1 mask of trained tokens. */
export interface SftSequence {
  readonly problemId: string;
  readonly kind: SftKind;
  readonly ids: Int32Array;
  /** 1 where ids[i] is a trained target (content and end of turn of a trained assistant message). */
  readonly trainMask: Uint8Array;
  /** Number of ones in `trainMask`. */
  readonly trainedTokens: number;
}

/** The assistant answer the rollouts expect: the code in one fenced python block. */
export function answerText(code: string): string {
  return `\`\`\`python\n${code.trimEnd()}\n\`\`\``;
}

/** Feedback for one buggy program, or why there is none (it passed the public tests, or the sandbox failed). */
export type FeedbackEntry =
  | { readonly ok: true; readonly feedback: string }
  | { readonly ok: false; readonly reason: 'passed' | 'sandbox_error' };

interface CacheLine {
  readonly key: string;
  readonly entry: FeedbackEntry;
}

/**
 * Executed feedback by (problem, buggy program): in memory, and appended to a JSONL file when one
 * is given, so a second run (or a resumed one) does not execute the same programs again.
 */
export class FeedbackCache {
  private readonly entries = new Map<string, FeedbackEntry>();

  private constructor(private readonly file: string | undefined) {}

  /** An empty in-memory cache, or one backed by `file` (read when it exists). */
  static async open(file?: string): Promise<FeedbackCache> {
    const cache = new FeedbackCache(file);
    if (file === undefined) return cache;
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return '';
      throw error;
    });
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed = JSON.parse(line) as CacheLine;
        cache.entries.set(parsed.key, parsed.entry);
      } catch {
        // A line cut by a crash mid-write: that program simply runs again.
      }
    }
    return cache;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): FeedbackEntry | undefined {
    return this.entries.get(key);
  }

  async set(key: string, entry: FeedbackEntry): Promise<void> {
    this.entries.set(key, entry);
    if (this.file !== undefined) await appendFile(this.file, `${JSON.stringify({ key, entry } satisfies CacheLine)}\n`);
  }
}

/**
 * The cache key of a buggy program of a problem. It holds a digest of the public tests the
 * feedback comes from, so problems that share an id (the same family and index drawn with another
 * seed, e.g. two `generate-wide.ts` files) never share feedback.
 */
export function feedbackKey(problem: Problem, code: string): string {
  const tests = createHash('sha256').update(JSON.stringify(problem.tests.public)).digest('hex').slice(0, 16);
  return `${problem.id}\u0000${tests}\u0000${code}`;
}

/**
 * Runs `code` on the problem's public tests (all of them, as a rollout does for feedback) and
 * returns the RLEF feedback message, or why there is none.
 */
export async function executeFeedback(problem: Problem, code: string, pool: ExecutionPool, cache?: FeedbackCache): Promise<FeedbackEntry> {
  const key = feedbackKey(problem, code);
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;
  const result = await pool.judge({ code, tests: problem.tests.public, mode: 'all', limits: problemLimits(problem) });
  let entry: FeedbackEntry;
  if (result.outcomes.some((o) => o.verdict === 'sandbox_error')) entry = { ok: false, reason: 'sandbox_error' };
  else if (result.verdict === 'passed') entry = { ok: false, reason: 'passed' };
  else entry = { ok: true, feedback: formatFeedback(result.outcomes) };
  // Sandbox faults are not cached: they say nothing about the program.
  if (cache !== undefined && !(entry.ok === false && entry.reason === 'sandbox_error')) await cache.set(key, entry);
  return entry;
}

/** Options for {@link buildSftExamples}. */
export interface SftDataOptions {
  readonly pool: ExecutionPool;
  /** Share of the examples that are repair traces, in [0, 1) (default 0.5). */
  readonly repairShare?: number;
  readonly seed: number;
  readonly cache?: FeedbackCache;
  /** Buggy programs executed at once (default 8). */
  readonly concurrency?: number;
  /** Called after each executed batch with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Extra copies of every dialog with words dropped from the task statement (default none). */
  readonly augment?: SftAugment;
  /**
   * Confusion repairs per problem (default 0): the first attempt is the reference solution of
   * another training problem of the same family (another parameter value) or group (another
   * task), i.e. a correct program for a misread statement; then its real feedback and the fix.
   */
  readonly confusions?: number;
  /** Ready-made dialogs added to the result (shuffled in; statement noise leaves them as they are): self-repairs. */
  readonly extra?: readonly SftExample[];
}

/**
 * Statement noise for the warm start: each example also appears `copies` more times, each copy's
 * task statement with every droppable word left out with probability `wordDropout`. A regulariser
 * against memorising the training phrasings word for word; it adds no words, so no phrasing the
 * training split lacks can come from it.
 */
export interface SftAugment {
  readonly copies: number;
  readonly wordDropout: number;
  /**
   * The drop rate in copies of repair dialogs (default `wordDropout`): a higher one leaves the
   * statement ambiguous so that the fix has to be read off the feedback too.
   */
  readonly repairWordDropout?: number;
}

/** What {@link buildSftExamples} produced. */
export interface SftData {
  readonly examples: SftExample[];
  /** Buggy programs skipped because they passed the public tests or the sandbox failed. */
  readonly skipped: number;
}

/**
 * One `solve` example per problem with a reference solution, plus repair traces from the
 * problems' buggy variants, so that repairs make up `repairShare` of the result (fewer when the
 * suite has too few buggy variants). Which variants are used and the order of the result follow
 * `seed` only.
 */
export async function buildSftExamples(problems: readonly Problem[], options: SftDataOptions): Promise<SftData> {
  const share = options.repairShare ?? 0.5;
  if (!(share >= 0 && share < 1)) throw new RangeError(`repairShare must lie in [0, 1), got ${share}`);
  const random = seededRandom(options.seed);
  const solvable = problems.filter((p) => p.solutions.length > 0);
  const examples: SftExample[] = solvable.map((problem) => ({
    problemId: problem.id,
    kind: 'solve',
    dialog: [
      { role: 'user', content: initialPrompt(problem.description) },
      { role: 'assistant', content: answerText(problem.solutions[0]!) },
    ],
    trained: [1],
  }));
  const candidates = shuffle(
    solvable.flatMap((problem) => problem.incorrectSolutions.map((bug) => ({ problem, bug }))),
    random,
  );
  const wanted = Math.round((examples.length * share) / (1 - share));
  const concurrency = Math.max(1, options.concurrency ?? 8);
  let skipped = 0;
  let repairs = 0;
  let next = 0;
  while (repairs < wanted && next < candidates.length) {
    const chunk = candidates.slice(next, next + Math.min(concurrency, wanted - repairs));
    next += chunk.length;
    const entries = await Promise.all(chunk.map(({ problem, bug }) => executeFeedback(problem, bug, options.pool, options.cache)));
    chunk.forEach(({ problem, bug }, i) => {
      const entry = entries[i];
      if (entry === undefined || !entry.ok) {
        skipped++;
        return;
      }
      repairs++;
      examples.push(repairExample('repair', problem, bug, entry.feedback));
    });
    options.onProgress?.(repairs, wanted);
  }
  const confusions = options.confusions ?? 0;
  if (confusions > 0) {
    // Another problem's reference: alternately one of the same family (another parameter value)
    // and one of another family of the same group (another task).
    const field = (p: Problem, name: string): string => String(p.meta?.[name] ?? '');
    const byFamily = groupBy(solvable, (p) => field(p, 'family'));
    const byGroup = groupBy(solvable, (p) => field(p, 'group'));
    const pairs: { problem: Problem; other: Problem }[] = [];
    for (const problem of solvable) {
      const reference = problem.solutions[0];
      const sameFamily = (byFamily.get(field(problem, 'family')) ?? []).filter((o) => o.solutions[0] !== reference);
      const sameGroup = (byGroup.get(field(problem, 'group')) ?? []).filter((o) => field(o, 'family') !== field(problem, 'family'));
      for (let i = 0; i < confusions; i++) {
        const from = i % 2 === 0 && sameFamily.length > 0 ? sameFamily : sameGroup.length > 0 ? sameGroup : sameFamily;
        if (from.length === 0) break;
        pairs.push({ problem, other: from[Math.floor(random() * from.length)]! });
      }
    }
    for (let at = 0; at < pairs.length; at += concurrency) {
      const chunk = pairs.slice(at, at + concurrency);
      const entries = await Promise.all(chunk.map(({ problem, other }) => executeFeedback(problem, other.solutions[0]!, options.pool, options.cache)));
      chunk.forEach(({ problem, other }, i) => {
        const entry = entries[i];
        if (entry === undefined || !entry.ok) skipped++;
        else examples.push(repairExample('confusion', problem, other.solutions[0]!, entry.feedback));
      });
      options.onProgress?.(Math.min(pairs.length, at + chunk.length), pairs.length);
    }
  }
  const augment = options.augment;
  if (augment !== undefined && augment.copies > 0) {
    if (!(augment.wordDropout >= 0 && augment.wordDropout < 1)) throw new RangeError(`wordDropout must lie in [0, 1), got ${augment.wordDropout}`);
    const byId = new Map(solvable.map((p) => [p.id, p]));
    // Dialogs of other origin (options.extra) keep the statement they were recorded with.
    const originals = [...examples];
    for (let copy = 0; copy < augment.copies; copy++) {
      for (const example of originals) {
        const description = byId.get(example.problemId)?.description ?? '';
        const rate = example.kind === 'solve' ? augment.wordDropout : (augment.repairWordDropout ?? augment.wordDropout);
        const first: ChatMessage = { role: 'user', content: initialPrompt(dropWords(description, rate, random)) };
        examples.push({ ...example, dialog: [first, ...example.dialog.slice(1)] });
      }
    }
  }
  examples.push(...(options.extra ?? []));
  return { examples: shuffle(examples, random), skipped };
}

/** A repair dialog: the statement, a failing first attempt, its real feedback, then the reference (the only target). */
function repairExample(kind: SftKind, problem: Problem, attempt: string, feedback: string): SftExample {
  return {
    problemId: problem.id,
    kind,
    dialog: [
      { role: 'user', content: initialPrompt(problem.description) },
      { role: 'assistant', content: answerText(attempt) },
      { role: 'user', content: feedback },
      { role: 'assistant', content: answerText(problem.solutions[0]!) },
    ],
    trained: [3],
  };
}

/** How the decoder fits prompts: the new-token budget it reserves, and whether feedback lists fewer failed tests first. */
export interface DecoderFit {
  readonly generationBudget: number;
  readonly shortenFeedback?: boolean;
}

/** The example with its prompt part fitted as the decoder fits it; unchanged unless its one target is the last message. */
function fitAsDecoded(template: ChatTemplate, example: SftExample, maxLength: number, decoder: DecoderFit): SftExample | undefined {
  const last = example.dialog.length - 1;
  const answer = example.dialog[last];
  if (answer === undefined || example.trained.length !== 1 || example.trained[0] !== last) return example;
  const fit = fitPromptToContext(template, example.dialog.slice(0, last), { contextLength: maxLength, ...decoder });
  if (!fit.ok) return undefined;
  if (fit.report.originalTokens === fit.report.finalTokens) return example;
  return { ...example, dialog: [...fit.dialog, answer], trained: [fit.dialog.length] };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list === undefined) out.set(key(item), [item]);
    else list.push(item);
  }
  return out;
}

/**
 * Renders an example with the chat template; the trained mask is the template's assistant mask
 * restricted to the trained messages. Undefined when the rendering exceeds `maxLength` ids.
 *
 * With `fit`, a dialog whose only target is its last message is first shown as the decoder would
 * show it: everything before that answer is fitted to `maxLength − fit.generationBudget` ids by
 * the decoder's context policy ({@link fitPromptToContext}: old answers and feedback become
 * markers first), so that a repair after long feedback is trained in the layout it is sampled in.
 */
export function renderSftExample(template: ChatTemplate, example: SftExample, maxLength: number, fit?: DecoderFit): SftSequence | undefined {
  const fitted = fit === undefined ? example : fitAsDecoded(template, example, maxLength, fit);
  if (fitted === undefined) return undefined;
  const rendered = renderDialog(template, fitted.dialog);
  if (rendered.ids.length > maxLength) return undefined;
  const trainMask = new Uint8Array(rendered.ids.length);
  let trainedTokens = 0;
  for (const turn of rendered.turns) {
    if (!fitted.trained.includes(turn.message)) continue;
    for (let i = turn.start; i < turn.end; i++) {
      trainMask[i] = rendered.assistantMask[i] ?? 0;
      trainedTokens += trainMask[i] ?? 0;
    }
  }
  return { problemId: example.problemId, kind: example.kind, ids: rendered.ids, trainMask, trainedTokens };
}
