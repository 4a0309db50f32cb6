import type { Tokenizer } from './tokenizer.ts';

/**
 * Turns ids arriving one by one into text deltas, holding back a tail that decodes to U+FFFD (a
 * character whose bytes span several tokens) until it completes. Decodes only a short window, so
 * cost stays linear in the output (the prefix/read offsets of Hugging Face's text streamers).
 */
export class TokenTextStream {
  readonly #tokenizer: Tokenizer;
  readonly #skipSpecial: boolean;
  readonly #ids: number[] = [];
  #prefix = 0;
  #read = 0;

  constructor(tokenizer: Tokenizer, options: { skipSpecial?: boolean } = {}) {
    this.#tokenizer = tokenizer;
    this.#skipSpecial = options.skipSpecial ?? true;
  }

  /** Adds one id; returns the text it completes ('' while a character is still incomplete). */
  push(id: number): string {
    this.#ids.push(id);
    const before = this.#decode(this.#prefix, this.#read);
    const after = this.#decode(this.#prefix, this.#ids.length);
    if (after.length > before.length && !after.endsWith('\uFFFD')) {
      this.#prefix = this.#read;
      this.#read = this.#ids.length;
      return after.slice(before.length);
    }
    return '';
  }

  /** Text still held back (an incomplete character at the end shows as U+FFFD). */
  flush(): string {
    const before = this.#decode(this.#prefix, this.#read);
    const after = this.#decode(this.#prefix, this.#ids.length);
    this.#prefix = this.#read = this.#ids.length;
    return after.slice(before.length);
  }

  #decode(from: number, to: number): string {
    return this.#tokenizer.decode(this.#ids.slice(from, to), { skipSpecial: this.#skipSpecial });
  }
}
