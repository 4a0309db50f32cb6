/**
 * Chat templates: a multi-turn dialog (RLEF.md §1: problem, answer, feedback, answer …) as token ids,
 * with a mask of the model's own tokens and, per assistant turn, the last token of its prompt (where
 * the turn-level critic reads V(c_t), RLEF.md §3). Every template has the shape
 * `prefix (header(role) content endOfTurn separator)*`, so a dialog's rendering always starts with
 * the generation prompt of each of its turns.
 */
import type { Tokenizer } from './tokenizer.ts';
import { stopTokens } from './tokenizer.ts';
import { ByteTokenizer } from './tokenizer-byte.ts';

/** Who speaks. RLEF dialogs have no system message. */
export type ChatRole = 'user' | 'assistant';

/** One message of a dialog. */
export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
  /**
   * The exact ids of `content`, without the end-of-turn token, used instead of encoding it: pass what
   * the sampler produced, so training scores the very tokens that were sampled (re-encoding decoded
   * text can tokenize differently).
   */
  readonly tokens?: readonly number[];
  /** Assistant only: whether the model ended its turn. False for an answer cut by the token budget. Default true. */
  readonly endOfTurn?: boolean;
}

/** A dialog, oldest message first. */
export type Dialog = readonly ChatMessage[];

/** The template families. */
export type ChatTemplateName = 'byte' | 'llama3' | 'chatml' | 'generic';

/** A chat template bound to its tokenizer: the ids around each message. */
export interface ChatTemplate {
  readonly name: ChatTemplateName;
  readonly tokenizer: Tokenizer;
  /** Put once before the first message (bos where the tokenizer has one). */
  readonly prefix: readonly number[];
  /** Role header before each message; the assistant's is the end of its turn's prompt. */
  readonly headers: Readonly<Record<ChatRole, readonly number[]>>;
  /** Ends each message; for the assistant these ids are its own output. */
  readonly endOfTurn: readonly number[];
  /** Template text after the end of turn (ChatML's newline); not the model's output. */
  readonly separator: readonly number[];
  /** Ids that stop generation. */
  readonly stopTokens: readonly number[];
}

/** Where one message lies in the rendered ids (half-open ranges). */
export interface MessageSpan {
  readonly role: ChatRole;
  /** First id of the header. */
  readonly start: number;
  /** First id of the content. */
  readonly contentStart: number;
  /** End of the content, where its end-of-turn ids begin. */
  readonly contentEnd: number;
  /** End of the message including end of turn and separator. */
  readonly end: number;
}

/** One assistant turn of a rendered dialog. */
export interface AssistantTurn {
  /** Index of the message in the dialog. */
  readonly message: number;
  /** Index of the last token of the turn's prompt: the critic's value position, whose logits predict `start`. */
  readonly promptEnd: number;
  /** First id of the answer. */
  readonly start: number;
  /** End (exclusive) of the model's own ids: content plus end of turn when it ended the turn. */
  readonly end: number;
}

/** A dialog as ids. */
export interface RenderedDialog {
  readonly ids: Int32Array;
  /** 1 where the id is the model's own output (assistant content and its end of turn), else 0. */
  readonly assistantMask: Uint8Array;
  readonly messages: readonly MessageSpan[];
  readonly turns: readonly AssistantTurn[];
}

/**
 * The template for a tokenizer: the compact byte template for {@link ByteTokenizer}; for a Hugging
 * Face tokenizer Llama 3's when its header specials exist, ChatML when `<|im_start|>` exists, else a
 * plain-text fallback that ends turns with eos.
 */
export function chatTemplateFor(tokenizer: Tokenizer): ChatTemplate {
  const stop = stopTokens(tokenizer);
  const bos = tokenizer.specials.bos === null ? [] : [tokenizer.specials.bos];
  if (tokenizer instanceof ByteTokenizer) {
    // <|bos|><|user|>…<|eot|><|assistant|>…<|eot|>: one id per marker keeps tiny contexts for content.
    return {
      name: 'byte', tokenizer, prefix: bos, stopTokens: stop, separator: [],
      headers: { user: [tokenizer.user], assistant: [tokenizer.assistant] },
      endOfTurn: [tokenizer.specials.eot],
    };
  }
  const id = (token: string): number | undefined => tokenizer.tokenToId(token);
  const [startHeader, endHeader, eotId] = [id('<|start_header_id|>'), id('<|end_header_id|>'), id('<|eot_id|>')];
  if (startHeader !== undefined && endHeader !== undefined && eotId !== undefined) {
    // <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n…<|eot_id|> (Llama 3 instruct).
    const header = (role: ChatRole): number[] => [startHeader, ...tokenizer.encode(role), endHeader, ...tokenizer.encode('\n\n')];
    return {
      name: 'llama3', tokenizer, prefix: bos, stopTokens: stop, separator: [],
      headers: { user: header('user'), assistant: header('assistant') },
      endOfTurn: [eotId],
    };
  }
  const [imStart, imEnd] = [id('<|im_start|>'), id('<|im_end|>')];
  if (imStart !== undefined && imEnd !== undefined) {
    // <|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n…<|im_end|>\n (Qwen, ChatML).
    const header = (role: ChatRole): number[] => [imStart, ...tokenizer.encode(`${role}\n`)];
    return {
      name: 'chatml', tokenizer, prefix: [], stopTokens: stop, separator: tokenizer.encode('\n'),
      headers: { user: header('user'), assistant: header('assistant') },
      endOfTurn: [imEnd],
    };
  }
  return {
    name: 'generic', tokenizer, prefix: bos, stopTokens: stop, separator: tokenizer.encode('\n'),
    headers: { user: tokenizer.encode('### User\n'), assistant: tokenizer.encode('### Assistant\n') },
    endOfTurn: [tokenizer.specials.eot],
  };
}

/** The ids of a message's content: its `tokens` when given, else the encoding of `content`. */
export function contentIds(template: ChatTemplate, message: ChatMessage): readonly number[] {
  return message.tokens ?? template.tokenizer.encode(message.content);
}

/** Renders a whole dialog (e.g. a finished episode for training). */
export function renderDialog(template: ChatTemplate, dialog: Dialog): RenderedDialog {
  return render(template, dialog, false);
}

/**
 * Renders the prompt for the next assistant turn: the dialog, which must end with a user message,
 * then the assistant header, so the model continues with its answer. The last id is the value position.
 * @throws RangeError when the dialog is empty or does not end with a user message
 */
export function renderPromptForGeneration(template: ChatTemplate, dialog: Dialog): RenderedDialog {
  if (dialog.at(-1)?.role !== 'user') throw new RangeError('a generation prompt must end with a user message');
  return render(template, dialog, true);
}

/** Token count of {@link renderDialog} or {@link renderPromptForGeneration} without building arrays. */
export function renderedLength(template: ChatTemplate, dialog: Dialog, forGeneration: boolean): number {
  let length = template.prefix.length;
  for (const message of dialog) length += messageLength(template, message);
  return forGeneration ? length + template.headers.assistant.length : length;
}

/** Ids one message takes in a rendering, header to separator. */
export function messageLength(template: ChatTemplate, message: ChatMessage): number {
  const ends = message.role === 'user' || message.endOfTurn !== false;
  return (
    template.headers[message.role].length +
    contentIds(template, message).length +
    (ends ? template.endOfTurn.length + template.separator.length : 0)
  );
}

function render(template: ChatTemplate, dialog: Dialog, forGeneration: boolean): RenderedDialog {
  const ids: number[] = [...template.prefix];
  const mask: number[] = template.prefix.map(() => 0);
  const messages: MessageSpan[] = [];
  const turns: AssistantTurn[] = [];
  const push = (part: readonly number[], own: 0 | 1): void => {
    for (const id of part) {
      ids.push(id);
      mask.push(own);
    }
  };
  dialog.forEach((message, index) => {
    const own = message.role === 'assistant' ? 1 : 0;
    const start = ids.length;
    push(template.headers[message.role], 0);
    const contentStart = ids.length;
    push(contentIds(template, message), own);
    const contentEnd = ids.length;
    const ends = message.role === 'user' || message.endOfTurn !== false;
    if (ends) push(template.endOfTurn, own);
    const ownEnd = ids.length;
    if (ends) push(template.separator, 0);
    messages.push({ role: message.role, start, contentStart, contentEnd, end: ids.length });
    if (own === 1) turns.push({ message: index, promptEnd: contentStart - 1, start: contentStart, end: ownEnd });
  });
  if (forGeneration) push(template.headers.assistant, 0);
  return { ids: Int32Array.from(ids), assistantMask: Uint8Array.from(mask), messages, turns };
}
