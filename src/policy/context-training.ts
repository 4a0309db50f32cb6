/**
 * Training sequences that score each answer under the prompt it was actually sampled from. When no
 * turn's prompt was trimmed, the whole episode is one sequence (every answer sees the full history,
 * as during sampling). Once trimming happened, the turns saw different histories, so each answer
 * gets its own sequence: the fitted prompt of its turn (recomputed, the policy being
 * deterministic) followed by the answer, with only that answer masked.
 */
import type { ChatTemplate, Dialog, RenderedDialog } from './chat.ts';
import { renderDialog, renderedLength } from './chat.ts';
import { fitPromptToContext } from './context.ts';

/** The context window sampling used. */
export interface ContextWindow {
  readonly contextLength: number;
  readonly generationBudget: number;
}

/**
 * Sequences covering every assistant answer of `dialog` exactly once, each no longer than
 * `contextLength` when every answer is within `generationBudget`.
 * @throws RangeError when a turn's prompt could not be fitted (it could not have been sampled)
 */
export function trainingSequences(template: ChatTemplate, dialog: Dialog, window: ContextWindow): RenderedDialog[] {
  const limit = window.contextLength - window.generationBudget;
  const answers = dialog.flatMap((message, index) => (message.role === 'assistant' ? [index] : []));
  const untrimmed = answers.every((index) => renderedLength(template, dialog.slice(0, index), true) <= limit);
  if (untrimmed && renderedLength(template, dialog, false) <= window.contextLength) return [renderDialog(template, dialog)];
  return answers.map((index) => {
    const fit = fitPromptToContext(template, dialog.slice(0, index), window);
    if (!fit.ok) throw new RangeError(`turn ${index}: ${fit.reason}`);
    const answer = dialog[index];
    if (answer === undefined) throw new RangeError(`no message ${index}`);
    const rendered = renderDialog(template, [...fit.dialog, answer]);
    const own = rendered.turns.at(-1);
    if (own === undefined) throw new RangeError(`turn ${index} rendered no answer`);
    const assistantMask = new Uint8Array(rendered.ids.length);
    assistantMask.fill(1, own.start, own.end);
    return { ...rendered, assistantMask, turns: [{ ...own, message: index }] };
  });
}
