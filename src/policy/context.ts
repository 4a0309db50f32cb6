/**
 * Context-window policy: a dialog that no longer fits the model's context minus the generation
 * budget loses its OLD feedback first, not its problem statement or its latest turn:
 * 1. middle messages (between the problem statement and the last user message), oldest first, are
 *    replaced by a short marker;
 * 2. those markers are dropped, oldest first, in (answer, feedback) pairs;
 * 3. the problem statement's tail is cut (keeping its head), marked `[… truncated]`;
 * 4. as a last resort the last user message's tail is cut the same way.
 * The result never exceeds the limit; when even the bare skeleton cannot fit, the answer says so
 * instead of failing. The policy is deterministic, so a trainer can recompute the exact prompt a
 * turn was sampled from.
 */
import type { ChatMessage, ChatTemplate, Dialog, RenderedDialog } from './chat.ts';
import { messageLength, renderDialog, renderPromptForGeneration } from './chat.ts';

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
}

/**
 * Fits a generation prompt into `contextLength - generationBudget` ids (the model must still have
 * room for its answer). The dialog must end with a user message.
 */
export function fitPromptToContext(
  template: ChatTemplate,
  dialog: Dialog,
  window: { readonly contextLength: number; readonly generationBudget: number },
): FitResult {
  return fitDialog(template, dialog, { limit: window.contextLength - window.generationBudget });
}

interface Slot {
  readonly index: number;
  message: ChatMessage;
  length: number;
}

/** Applies the trimming policy above until the rendering takes at most `options.limit` ids. */
export function fitDialog(template: ChatTemplate, dialog: Dialog, options: FitOptions): FitResult {
  const forGeneration = options.forGeneration ?? true;
  const { limit } = options;
  const fixed = template.prefix.length + (forGeneration ? template.headers.assistant.length : 0);
  const slots: Slot[] = dialog.map((message, index) => ({ index, message, length: messageLength(template, message) }));
  const total = (): number => slots.reduce((sum, slot) => sum + slot.length, fixed);
  const originalTokens = total();
  const shortened: number[] = [];
  const dropped: number[] = [];
  let problemCharsRemoved = 0;
  let lastUserCharsRemoved = 0;

  const done = (): FitResult => {
    const fitted = slots.map((slot) => slot.message);
    const rendered = forGeneration ? renderPromptForGeneration(template, fitted) : renderDialog(template, fitted);
    const report: TrimReport = {
      limit, originalTokens, finalTokens: rendered.ids.length,
      shortened: shortened.filter((i) => !dropped.includes(i)), dropped, problemCharsRemoved, lastUserCharsRemoved,
    };
    return { ok: true, dialog: fitted, rendered, report };
  };
  if (total() <= limit) return done();

  // The protected tail starts at the last user message (it also holds the answer when training).
  let tailStart = dialog.findLastIndex((m) => m.role === 'user');
  if (tailStart < 1) tailStart = Math.min(1, dialog.length);
  const replace = (slot: Slot, message: ChatMessage): void => {
    slot.message = message;
    slot.length = messageLength(template, message);
  };

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
  // 3. Then the problem statement's tail, 4. then the last user message's.
  const cutTail = (slot: Slot | undefined): number => {
    if (slot === undefined) return 0;
    const chars = Array.from(slot.message.content);
    const withHead = (keep: number): ChatMessage => ({ role: slot.message.role, content: chars.slice(0, keep).join('') + TRUNCATED });
    const others = total() - slot.length;
    const fits = (keep: number): boolean => others + messageLength(template, withHead(keep)) <= limit;
    // A message shorter than the marker alone cannot shrink.
    if (messageLength(template, withHead(0)) >= slot.length) return 0;
    if (!fits(0)) {
      replace(slot, withHead(0));
      return chars.length;
    }
    // Largest head that fits; only heads checked to fit are kept, so a non-monotone tokenizer cannot overflow.
    let [lo, hi] = [0, chars.length - 1];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    replace(slot, withHead(lo));
    return chars.length - lo;
  };
  problemCharsRemoved = cutTail(slots[0]);
  if (total() <= limit) return done();
  const lastUser = slots.findLastIndex((slot) => slot.message.role === 'user');
  if (lastUser > 0) lastUserCharsRemoved = cutTail(slots[lastUser]);
  if (total() <= limit) return done();
  return {
    ok: false, limit, minimumTokens: total(),
    reason: `the dialog needs at least ${total()} tokens after trimming, over the limit of ${limit}`,
  };
}
