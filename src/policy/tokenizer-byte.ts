import type { DecodeOptions, SpecialTokenIds, Tokenizer } from './tokenizer.ts';

/** Special tokens of the byte tokenizer, in id order after the 256 byte ids. */
export const BYTE_SPECIAL_TOKENS = ['<|bos|>', '<|eot|>', '<|pad|>', '<|user|>', '<|assistant|>'] as const;

/** A special token of the byte tokenizer. */
export type ByteSpecialToken = (typeof BYTE_SPECIAL_TOKENS)[number];

const FIRST_SPECIAL = 256;
const encoder = new TextEncoder();

/**
 * Byte-level tokenizer: ids 0–255 are the UTF-8 bytes of the text, 256… the special tokens
 * `<|bos|> <|eot|> <|pad|> <|user|> <|assistant|>`. No vocabulary file, no merges: the default for
 * small models trained from scratch, where a 261-entry embedding keeps the model tiny.
 * Text never encodes to a special id, so a problem statement cannot forge a role marker.
 */
export class ByteTokenizer implements Tokenizer {
  readonly kind = 'byte' as const;
  readonly vocabSize: number = FIRST_SPECIAL + BYTE_SPECIAL_TOKENS.length;
  readonly specials: SpecialTokenIds;
  /** Role markers of the chat template. */
  readonly user: number;
  readonly assistant: number;

  constructor() {
    const id = (token: ByteSpecialToken): number => FIRST_SPECIAL + BYTE_SPECIAL_TOKENS.indexOf(token);
    this.specials = { bos: id('<|bos|>'), eos: id('<|eot|>'), eot: id('<|eot|>'), pad: id('<|pad|>') };
    this.user = id('<|user|>');
    this.assistant = id('<|assistant|>');
  }

  encode(text: string): number[] {
    return Array.from(encoder.encode(text));
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    // A fresh non-fatal decoder per run of bytes: invalid or cut UTF-8 becomes U+FFFD instead of throwing.
    const decoder = new TextDecoder('utf-8', { fatal: false });
    let text = '';
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length > 0) text += decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? -1;
      if (Number.isInteger(id) && id >= 0 && id < FIRST_SPECIAL) {
        bytes.push(id);
        continue;
      }
      flush();
      const special = BYTE_SPECIAL_TOKENS[id - FIRST_SPECIAL];
      if (special === undefined || !Number.isInteger(id)) text += '\uFFFD';
      else if (options.skipSpecial !== true) text += special;
    }
    flush();
    return text;
  }

  tokenToId(token: string): number | undefined {
    const index = (BYTE_SPECIAL_TOKENS as readonly string[]).indexOf(token);
    return index < 0 ? undefined : FIRST_SPECIAL + index;
  }

  isSpecial(id: number): boolean {
    return id >= FIRST_SPECIAL && id < this.vocabSize;
  }
}
