/**
 * The text the model reads: the turn-1 prompt, code extraction from its answer, and the feedback
 * message of RLEF.md §1 (items 1–3). Pure.
 */
import type { TestOutcome } from './types.ts';

/** The instruction closing the turn-1 prompt and every feedback message. */
export const CODE_INSTRUCTION =
  'Your code should be enclosed in triple backticks like so: ```python YOUR CODE HERE ```. Use the backticks for your code only.';

/** The retry lines ending every feedback message (and the whole message of the no-feedback ablation). */
export const RETRY_LINES = `Give it another try.\n${CODE_INSTRUCTION}`;

/** Feedback for an answer without a code block. */
export const INVALID_FEEDBACK = `Could not parse your code.\n\n${RETRY_LINES}`;

/** How much of an input, expected or actual output feedback shows before truncating. */
export const MAX_FIELD_CHARS = 1024;

/** Tracebacks are cut to their last 512 characters (RLEF.md §1.3). */
export const TRACEBACK_CHARS = 512;

/** The turn-1 user message for a problem (RLEF.md §1.1). */
export function initialPrompt(description: string): string {
  return `Provide a Python solution for the following competitive programming question: ${description}.\n\n${CODE_INSTRUCTION}`;
}

const FENCE = '```';
const LANGUAGE_WORD = /^[\w+#.-]*$/;
const PYTHON_TAG = /^(?:python3?|py)(?:\s+|$)/i;

/**
 * The code of the first fenced block in a model answer, or undefined when there is none (an
 * invalid answer). Accepts ```python … ```, ``` … ``` and other tags, and the single-line form
 * "```python print(1) ```" of the prompt. An unclosed fence or an empty block is no code.
 */
export function extractCode(response: string): string | undefined {
  const open = response.indexOf(FENCE);
  if (open < 0) return undefined;
  let start = open + FENCE.length;
  while (response[start] === '`') start++;
  const close = response.indexOf(FENCE, start);
  if (close < 0) return undefined;
  const inner = response.slice(start, close);
  const newline = inner.indexOf('\n');
  let code: string;
  if (newline < 0) {
    code = inner.trim().replace(PYTHON_TAG, '');
  } else {
    const info = inner.slice(0, newline).trim();
    if (LANGUAGE_WORD.test(info)) code = inner.slice(newline + 1);
    else if (PYTHON_TAG.test(info)) code = `${info.replace(PYTHON_TAG, '')}\n${inner.slice(newline + 1)}`;
    else code = inner;
  }
  code = code.trimEnd();
  return code.trim() === '' ? undefined : `${code}\n`;
}

/** `text` cut to `max` characters with a visible marker saying how much was dropped. */
export function truncate(text: string, max = MAX_FIELD_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}

function field(text: string): string {
  return truncate(text.trim());
}

function entry(outcome: TestOutcome): string | undefined {
  const head = `- input \`${field(outcome.input)}\` failed:`;
  switch (outcome.verdict) {
    case 'passed':
    case 'sandbox_error': // an infrastructure fault is not the model's failure: nothing to show
      return undefined;
    case 'timeout':
      return `${head} Execution took too long.`;
    case 'memory_limit':
      return `${head} Out of memory.`;
    case 'output_limit':
      return `${head} Output limit exceeded.`;
    case 'wrong_answer':
      if (outcome.expected !== undefined && outcome.actual !== undefined) {
        return `${head}\nExpected output \`${field(outcome.expected)}\` but got \`${field(outcome.actual)}\``;
      }
      return `${head}\n${(outcome.traceback ?? 'Wrong answer.').trimEnd().slice(-TRACEBACK_CHARS)}`;
    case 'runtime_error':
      return `${head}\n${(outcome.traceback ?? '').trimEnd().slice(-TRACEBACK_CHARS)}`;
  }
}

/**
 * The feedback message of RLEF.md §1.3 for the outcomes of a run on the public tests (failing
 * tests only are listed), or the `Could not parse your code.` message when `outcomes` is
 * undefined (the answer had no code block).
 */
export function formatFeedback(outcomes: readonly TestOutcome[] | undefined): string {
  if (outcomes === undefined) return INVALID_FEEDBACK;
  return feedbackOfEntries(outcomes.map(entry).filter((text): text is string => text !== undefined));
}

const FAILED_HEAD = 'Your code failed the following tests:\n\n';
const FAILED_TAIL = `\n\n${RETRY_LINES}`;
const ENTRY_START = '- input `';

/** The failed-test message listing these entries (each `- input `…` failed:…`). */
export function feedbackOfEntries(entries: readonly string[]): string {
  return `${FAILED_HEAD}${entries.join('\n')}${FAILED_TAIL}`;
}

/**
 * The failed-test entries of a message {@link formatFeedback} wrote, or undefined when `content`
 * is not one (the invalid-answer or no-feedback message, another format).
 */
export function failedTestEntries(content: string): string[] | undefined {
  if (!content.startsWith(FAILED_HEAD) || !content.endsWith(FAILED_TAIL)) return undefined;
  const body = content.slice(FAILED_HEAD.length, content.length - FAILED_TAIL.length);
  if (!body.startsWith(ENTRY_START)) return undefined;
  return body.split(new RegExp(`\\n(?=${ENTRY_START})`));
}
