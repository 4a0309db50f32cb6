import * as hf from '@huggingface/tokenizers';
import { InputError } from '../runtime/errors.ts';
import type { DecodeOptions, SpecialTokenIds, Tokenizer } from './tokenizer.ts';

/** Candidates for each special, tried in order after what tokenizer_config.json names. */
const FALLBACKS = {
  bos: ['<|begin_of_text|>', '<s>', '<bos>'],
  eos: ['<|end_of_text|>', '<|endoftext|>', '</s>', '<eos>'],
  eot: ['<|eot_id|>', '<|im_end|>', '<|end|>', '<end_of_turn>'],
  pad: ['<|finetune_right_pad_id|>', '<pad>', '<|pad|>'],
} as const;

/**
 * The part of `@huggingface/tokenizers`' Tokenizer used here. Its shipped .d.ts files use extensionless
 * relative imports that NodeNext resolution cannot follow, so the package's types arrive unresolved.
 */
interface HfCore {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
  decode(ids: number[], options: { skip_special_tokens: boolean; clean_up_tokenization_spaces: boolean }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens: boolean): Map<string, number>;
  get_added_tokens_decoder(): Map<number, { special: boolean }>;
}
const HfCoreClass = (hf as unknown as { Tokenizer: new (tokenizer: object, config: object) => HfCore }).Tokenizer;

/**
 * A Hugging Face `tokenizer.json` (BPE, WordPiece, Unigram …) run by the pure-JS
 * `@huggingface/tokenizers`, fully offline. Keeps the source texts so a checkpoint can write them back
 * byte for byte.
 */
export class HfTokenizer implements Tokenizer {
  readonly kind = 'hf' as const;
  readonly vocabSize: number;
  readonly specials: SpecialTokenIds;
  /** The `tokenizer.json` text this tokenizer was built from. */
  readonly tokenizerJson: string;
  /** The `tokenizer_config.json` text, or null when there was none. */
  readonly tokenizerConfigJson: string | null;
  readonly #core: HfCore;
  readonly #special: ReadonlySet<number>;

  /**
   * @param tokenizerJson text of `tokenizer.json`
   * @param tokenizerConfigJson text of `tokenizer_config.json`, or null
   * @param source file name for error messages
   * @throws InputError when either text is not valid JSON or the tokenizer cannot be built
   */
  constructor(tokenizerJson: string, tokenizerConfigJson: string | null = null, source = 'tokenizer.json') {
    const json = parseObject(tokenizerJson, source);
    const config = tokenizerConfigJson === null ? {} : parseObject(tokenizerConfigJson, 'tokenizer_config.json');
    try {
      this.#core = new HfCoreClass(json, config);
    } catch (error) {
      throw new InputError(source, undefined, `cannot build the tokenizer: ${String(error)}`, { cause: error });
    }
    this.tokenizerJson = tokenizerJson;
    this.tokenizerConfigJson = tokenizerConfigJson;
    let max = -1;
    for (const id of this.#core.get_vocab(true).values()) max = Math.max(max, id);
    this.vocabSize = max + 1;
    const special = new Set<number>();
    for (const [id, added] of this.#core.get_added_tokens_decoder()) if (added.special) special.add(id);
    this.#special = special;

    const pick = (named: unknown, fallbacks: readonly string[]): number | undefined => {
      const name = tokenName(named);
      const fromConfig = name === undefined ? undefined : this.tokenToId(name);
      if (fromConfig !== undefined) return fromConfig;
      for (const candidate of fallbacks) {
        const id = this.tokenToId(candidate);
        if (id !== undefined) return id;
      }
      return undefined;
    };
    const eos = pick(config['eos_token'], FALLBACKS.eos);
    if (eos === undefined) throw new InputError(source, undefined, 'no end-of-sequence token (eos_token) found');
    // An instruct config names <|eot_id|> as eos; the base model's end of text is then a second stop token.
    const eot = pick(undefined, FALLBACKS.eot) ?? eos;
    const bos = pick(config['bos_token'], FALLBACKS.bos) ?? null;
    const baseEos = eos === eot ? (pick(undefined, FALLBACKS.eos) ?? eos) : eos;
    const pad = pick(config['pad_token'], FALLBACKS.pad) ?? baseEos;
    this.specials = { bos, eos: baseEos, eot, pad };
  }

  encode(text: string): number[] {
    return this.#core.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const known: number[] = [];
    let text = '';
    const flush = (): void => {
      // Never "clean up" spaces (` ,` → `,`): decoded text is code that gets executed, so decode
      // must invert encode exactly, whatever tokenizer_config.json asks for.
      const skip_special_tokens = options.skipSpecial === true;
      if (known.length > 0) text += this.#core.decode(known, { skip_special_tokens, clean_up_tokenization_spaces: false });
      known.length = 0;
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? -1;
      if (Number.isInteger(id) && id >= 0 && this.#core.id_to_token(id) !== undefined) {
        known.push(id);
      } else {
        flush();
        text += '\uFFFD';
      }
    }
    flush();
    return text;
  }

  tokenToId(token: string): number | undefined {
    return this.#core.token_to_id(token);
  }

  isSpecial(id: number): boolean {
    return this.#special.has(id);
  }
}

function parseObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(source, undefined, `not valid JSON: ${String(error)}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(source, undefined, 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** tokenizer_config.json writes a special either as a string or as an AddedToken object. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'content' in value) {
    const content = value.content;
    if (typeof content === 'string') return content;
  }
  return undefined;
}
