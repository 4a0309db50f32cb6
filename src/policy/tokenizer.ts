/**
 * The tokenizer contract every policy model uses: text ↔ token ids plus the special ids a chat
 * template and a sampler need. Implementations: {@link ByteTokenizer} (tokenizer-byte.ts) and
 * {@link HfTokenizer} (tokenizer-hf.ts); `loadTokenizer` (tokenizer-load.ts) reads either from a folder.
 */

/** Which implementation a tokenizer is; checkpoints record it. */
export type TokenizerKind = 'byte' | 'hf';

/** Ids of the tokens every tokenizer must name. `bos` is null where the vocabulary has none (e.g. Qwen). */
export interface SpecialTokenIds {
  /** Beginning of sequence, put first by the chat template; null when the tokenizer has none. */
  readonly bos: number | null;
  /** End of sequence (the base model's document end). */
  readonly eos: number;
  /** End of turn: what the model emits to finish its answer; equal to `eos` where there is no separate one. */
  readonly eot: number;
  /** Padding for batches; never attended to, so it may share an id with `eos`. */
  readonly pad: number;
}

/** Options for {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave special tokens (bos, eot, role markers …) out of the text. Default false. */
  readonly skipSpecial?: boolean;
}

/** Text ↔ ids. Implementations are immutable and safe to share. */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** One more than the largest id the tokenizer can produce (the model's vocabulary may be larger). */
  readonly vocabSize: number;
  readonly specials: SpecialTokenIds;
  /**
   * Ids for plain text, without bos/eos. The byte tokenizer never turns text into special ids; a Hugging
   * Face tokenizer splits out its added tokens (as `transformers` does).
   */
  encode(text: string): number[];
  /**
   * Text for ids. Never throws on what a sampler can produce: incomplete or invalid UTF-8 (a
   * generation cut mid-character) becomes U+FFFD, ids outside the vocabulary become U+FFFD.
   */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** Id of a special or added token written as text (`<|eot|>`, `<|start_header_id|>`), if it exists. */
  tokenToId(token: string): number | undefined;
  /** Whether an id is a special token (skipped by `decode(…, { skipSpecial: true })`). */
  isSpecial(id: number): boolean;
}

/** Distinct stop ids for generation: end of turn first, then end of sequence. */
export function stopTokens(tokenizer: Tokenizer): number[] {
  const { eot, eos } = tokenizer.specials;
  return eot === eos ? [eot] : [eot, eos];
}
