/**
 * Context-window policy: a dialog that no longer fits the model's context minus the generation
 * budget loses its OLD feedback first, not its problem statement or its latest turn:
 * 0. only with `shortenFeedback` (off by default): feedback messages in the format of RLEF.md §1.3
 *    list fewer failed tests, oldest message first, down to the first failed test of each, so that
 *    tracebacks do not push the latest answer out (the latest answer itself counts as a middle
 *    message below);
 * 1. middle messages (between the problem statement and the last user message), oldest first, are
 *    replaced by a short marker;
 * 2. those markers are dropped, oldest first, in (answer, feedback) pairs;
 * 3. as a last resort the tails of the problem statement and of the last user message are cut
 *    (heads kept, marked `[… truncated]`, unmarked when even the marker does not fit): the problem
 *    first, but each keeps at least half of the room the two share when it needs it.
 * The result never exceeds the limit; when even the bare skeleton cannot fit, the answer says so
 * instead of failing. The policy is deterministic, so a trainer can recompute the exact prompt a
 * turn was sampled from.
 */
import type { ChatMessage, ChatTemplate, Dialog, RenderedDialog } from './chat.ts';
import { messageLength, renderDialog, renderPromptForGeneration } from './chat.ts';
import { failedTestEntries, feedbackOfEntries } from '../exec/feedback.ts';

/** Replaces an old answer. */
export const OMITTED_ANSWER = '[earlier answer omitted]';
/** Replaces old feedback. */
export const OMITTED_FEEDBACK = '[earlier feedback omitted]';
/** Appended to a message whose tail was cut. */
export const TRUNCATED = '\n[… truncated]';

/** What the policy removed. Indices refer to the original dialog. */
export interface TrimReport {
  readonly limit: number;
  readonly originalTokens: number;
  readonly finalTokens: number;
  /** Messages whose content was replaced by a marker (and which were kept). */
  readonly shortened: readonly number[];
  /** Messages removed entirely. */
  readonly dropped: readonly number[];
  /** Code points cut from the problem statement's tail. */
  readonly problemCharsRemoved: number;
  /** Code points cut from the last user message's tail. */
  readonly lastUserCharsRemoved: number;
  /** Failed tests left out of feedback messages (`shortenFeedback`). */
  readonly testsOmitted: number;
}

/** A dialog that fits, or why none can. */
export type FitResult =
  | { readonly ok: true; readonly dialog: ChatMessage[]; readonly rendered: RenderedDialog; readonly report: TrimReport }
  | { readonly ok: false; readonly limit: number; readonly minimumTokens: number; readonly reason: string };

/** Limits for {@link fitDialog}. */
export interface FitOptions {
  /** Most ids the rendering may take. */
  readonly limit: number;
  /** Render as a generation prompt (ends with the assistant header). Default true. */
  readonly forGeneration?: boolean;
  /**
   * Before anything else, list fewer failed tests in feedback messages (oldest message first,
   * down to the first failed test of each), so that a long feedback (tracebacks) does not push the
   * latest answer out. Default false.
   */
  readonly shortenFeedback?: boolean;
}

/**
 * Fits a generation prompt into `contextLength - generationBudget` ids (the model must still have
 * room for its answer). The dialog must end with a user message.
 */
export function fitPromptToContext(
  template: ChatTemplate,
  dialog: Dialog,
  window: { readonly contextLength: number; readonly generationBudget: number; readonly shortenFeedback?: boolean },
): FitResult {
  return fitDialog(template, dialog, { limit: window.contextLength - window.generationBudget, shortenFeedback: window.shortenFeedback ?? false });
}


interface Slot {
  readonly index: number;
  readonly original: ChatMessage;
  message: ChatMessage;
  length: number;
}

/** Applies the trimming policy above until the rendering takes at most `options.limit` ids. */
export function fitDialog(template: ChatTemplate, dialog: Dialog, options: FitOptions): FitResult {
  const forGeneration = options.forGeneration ?? true;
  const { limit } = options;
  const fixed = template.prefix.length + (forGeneration ? template.headers.assistant.length : 0);
  const slots: Slot[] = dialog.map((message, index) => ({
    index, original: message, message, length: messageLength(template, message),
  }));
  const total = (): number => slots.reduce((sum, slot) => sum + slot.length, fixed);
  const originalTokens = total();
  const shortened: number[] = [];
  const dropped: number[] = [];
  let problemCharsRemoved = 0;
  let lastUserCharsRemoved = 0;
  let testsOmitted = 0;

  const done = (): FitResult => {
    const fitted = slots.map((slot) => slot.message);
    const rendered = forGeneration ? renderPromptForGeneration(template, fitted) : renderDialog(template, fitted);
    const report: TrimReport = {
      limit, originalTokens, finalTokens: rendered.ids.length,
      shortened: shortened.filter((i) => !dropped.includes(i)), dropped, problemCharsRemoved, lastUserCharsRemoved, testsOmitted,
    };
    return { ok: true, dialog: fitted, rendered, report };
  };
  if (total() <= limit) return done();
  const failed = (): FitResult => ({
    ok: false, limit, minimumTokens: total(),
    reason: `the dialog needs at least ${total()} tokens after trimming, over the limit of ${limit}`,
  });

  // The protected tail starts at the last user message (it also holds the answer when training).
  let tailStart = dialog.findLastIndex((m) => m.role === 'user');
  if (tailStart < 1) tailStart = Math.min(1, dialog.length);
  const replace = (slot: Slot, message: ChatMessage): void => {
    slot.message = message;
    slot.length = messageLength(template, message);
  };

  // 0. (shortenFeedback) Feedback lists fewer failed tests, oldest message first, down to one each.
  if (options.shortenFeedback === true) {
    for (const slot of slots.slice(1)) {
      if (slot.message.role !== 'user') continue;
      const entries = failedTestEntries(slot.message.content);
      if (entries === undefined) continue;
      for (let keep = entries.length - 1; keep >= 1; keep--) {
        replace(slot, { role: 'user', content: feedbackOfEntries(entries.slice(0, keep)) });
        testsOmitted++;
        if (total() <= limit) return done();
      }
    }
  }
  // 1. Old turns become markers, oldest first.
  for (const slot of slots.slice(1, tailStart)) {
    const content = slot.message.role === 'assistant' ? OMITTED_ANSWER : OMITTED_FEEDBACK;
    const marker: ChatMessage = { role: slot.message.role, content };
    if (messageLength(template, marker) >= slot.length) continue;
    replace(slot, marker);
    shortened.push(slot.index);
    if (total() <= limit) return done();
  }
  // 2. Markers go too, oldest first, two at a time so roles keep alternating.
  while (slots.length > 0 && (slots[1]?.index ?? Infinity) < tailStart) {
    const count = (slots[2]?.index ?? Infinity) < tailStart ? 2 : 1;
    for (const slot of slots.splice(1, count)) dropped.push(slot.index);
    if (total() <= limit) return done();
  }
  // 3. Then the tails of the problem statement and of the last user message, each keeping at least
  // half of the room the two share when it needs it: the problem first, then the feedback, then the
  // problem again below its half if the feedback could not shrink enough.
  const cutTail = (slot: Slot, budget: number): number => {
    const chars = Array.from(slot.original.content);
    const role = slot.original.role;
    const marked = (keep: number): ChatMessage => ({ role, content: chars.slice(0, keep).join('') + TRUNCATED });
    const plain = (keep: number): ChatMessage => ({ role, content: chars.slice(0, keep).join('') });
    const fits = (message: ChatMessage): boolean => messageLength(template, message) <= budget;
    if (fits(slot.original)) {
      replace(slot, slot.original);
      return 0;
    }
    // Largest head that fits; only heads checked to fit are kept, so a non-monotone tokenizer cannot overflow.
    const largest = (make: (keep: number) => ChatMessage): number => {
      let [lo, hi] = [0, chars.length - 1];
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(make(mid))) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    // Mark the cut when the marker itself fits and saves room; in a tiny window cut without it.
    const make = fits(marked(0)) && messageLength(template, marked(0)) < messageLength(template, slot.original) ? marked : plain;
    const keep = fits(make(0)) ? largest(make) : 0;
    replace(slot, make(keep));
    return chars.length - keep;
  };
  const problem = slots[0];
  if (problem === undefined) return failed();
  const lastIndex = slots.findLastIndex((slot) => slot.message.role === 'user');
  const last = lastIndex > 0 ? slots[lastIndex] : undefined;
  const room = limit - (total() - problem.length - (last?.length ?? 0));
  const half = last === undefined ? 0 : Math.floor(room / 2);
  problemCharsRemoved = cutTail(problem, Math.max(limit - (total() - problem.length), half));
  if (total() <= limit) return done();
  if (last !== undefined) lastUserCharsRemoved = cutTail(last, limit - (total() - last.length));
  if (total() <= limit) return done();
  problemCharsRemoved = cutTail(problem, limit - (total() - problem.length));
  if (total() <= limit) return done();
  return failed();
}
