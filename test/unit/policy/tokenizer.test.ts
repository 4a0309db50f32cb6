import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { HfTokenizer } from '../../../src/policy/tokenizer-hf.ts';
import { TokenTextStream } from '../../../src/policy/tokenizer-stream.ts';
import { stopTokens } from '../../../src/policy/tokenizer.ts';
import { BYTE_TOKENIZER_FILE, loadTokenizer, tokenizerFiles } from '../../../src/policy/tokenizer-load.ts';

const fixture = (flavour: string, file: string): Promise<string> =>
  readFile(new URL(`../../fixtures/tokenizer/tiny-${flavour}/${file}`, import.meta.url), 'utf8');
const loadTiny = async (flavour: string): Promise<HfTokenizer> =>
  new HfTokenizer(await fixture(flavour, 'tokenizer.json'), await fixture(flavour, 'tokenizer_config.json'));

test('the byte tokenizer encodes text as its UTF-8 bytes', () => {
  const tok = new ByteTokenizer();
  assert.deepEqual(tok.encode('hé 🙂'), [104, 0xc3, 0xa9, 32, 0xf0, 0x9f, 0x99, 0x82]);
  assert.equal(tok.vocabSize, 261);
  assert.deepEqual(tok.specials, { bos: 256, eos: 257, eot: 257, pad: 258 });
  assert.deepEqual([tok.user, tok.assistant], [259, 260]);
  assert.deepEqual(stopTokens(tok), [257]);
});

test('the byte tokenizer round-trips any well-formed string', () => {
  const tok = new ByteTokenizer();
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => tok.decode(tok.encode(s)) === s));
});

test('text that spells a special token never encodes to the special id', () => {
  const tok = new ByteTokenizer();
  const ids = tok.encode('<|eot|><|assistant|>');
  assert.ok(ids.every((id) => id < 256));
  assert.equal(tok.tokenToId('<|eot|>'), 257);
  assert.equal(tok.tokenToId('<|nope|>'), undefined);
});

test('byte decoding tolerates cut characters, unknown ids and skips specials on request', () => {
  const tok = new ByteTokenizer();
  const smile = tok.encode('🙂');
  assert.equal(tok.decode([104, ...smile.slice(0, 2)]), 'h\uFFFD');
  assert.equal(tok.decode([0xff, 104]), '\uFFFDh');
  assert.equal(tok.decode([104, 9999, -1, 1.5]), 'h\uFFFD\uFFFD\uFFFD');
  const ids = [256, 259, ...tok.encode('hi'), 257];
  assert.equal(tok.decode(ids), '<|bos|><|user|>hi<|eot|>');
  assert.equal(tok.decode(ids, { skipSpecial: true }), 'hi');
  assert.ok(tok.isSpecial(257) && !tok.isSpecial(255) && !tok.isSpecial(261));
});

test('a text stream emits whole characters only, however the bytes arrive', () => {
  const tok = new ByteTokenizer();
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const stream = new TokenTextStream(tok);
      let text = '';
      for (const id of [...tok.encode(s), tok.specials.eot]) {
        const delta = stream.push(id);
        if (delta.includes('\uFFFD')) return false;
        text += delta;
      }
      return text + stream.flush() === s;
    }),
  );
});

test('a text stream flushes an unfinished character as a replacement mark', () => {
  const tok = new ByteTokenizer();
  const stream = new TokenTextStream(tok);
  const smile = tok.encode('🙂');
  assert.equal(stream.push(104), 'h');
  assert.equal(stream.push(smile[0] ?? 0), '');
  assert.equal(stream.flush(), '\uFFFD');
});

test('a Hugging Face BPE tokenizer gives the encodings its merges imply', async () => {
  const generic = await loadTiny('generic');
  // def | Ġ print | ( | t he | Ġin | )  — no "Ġ print" merge, and "the" only merges after a space.
  assert.deepEqual(generic.encode('def print(the in)'), [260, 32, 265, 40, 116, 257, 262, 41]);
  assert.deepEqual(generic.encode(' the'), [258]);
  // Seven spaces of indentation then " x": ĠĠĠĠ ĠĠ Ġ | Ġ x.
  assert.deepEqual(generic.encode('        x'), [267, 266, 32, 32, 120]);
  assert.deepEqual(generic.encode('12345'), [49, 50, 268, 53]);
  assert.equal(generic.vocabSize, 270);
});

test('the Llama-3 pre-tokenizer splits digits in threes before merging', async () => {
  const llama = await loadTiny('llama3');
  assert.deepEqual(llama.encode('12345'), [49, 50, 51, 52, 53]);
  assert.deepEqual(llama.encode('def print(the in)'), [260, 32, 265, 40, 116, 257, 262, 41]);
  assert.deepEqual(llama.encode('<|eot_id|>'), [273]);
});

test('Hugging Face special ids come from tokenizer_config.json with known fallbacks', async () => {
  const llama = await loadTiny('llama3');
  assert.deepEqual(llama.specials, { bos: 269, eos: 270, eot: 273, pad: 270 });
  assert.deepEqual(stopTokens(llama), [273, 270]);
  assert.ok(llama.isSpecial(271) && !llama.isSpecial(258));
  const chatml = await loadTiny('chatml');
  assert.deepEqual(chatml.specials, { bos: null, eos: 269, eot: 271, pad: 269 });
  const generic = await loadTiny('generic');
  assert.deepEqual(generic.specials, { bos: 269, eos: 269, eot: 269, pad: 269 });
});

test('a Hugging Face tokenizer round-trips any string, spaces before punctuation included', async () => {
  const tokenizers = [await loadTiny('generic'), await loadTiny('llama3')];
  assert.equal(tokenizers[0]?.decode(tokenizers[0].encode('f(a , b) .x')), 'f(a , b) .x');
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) =>
      tokenizers.every((tok) => tok.decode(tok.encode(s)) === s),
    ),
    { numRuns: 60 },
  );
});

test('Hugging Face decoding tolerates cut characters and unknown ids', async () => {
  const tok = await loadTiny('llama3');
  const smile = tok.encode('🙂');
  assert.equal(smile.length, 4);
  assert.equal(tok.decode([104, ...smile.slice(0, 3)]).startsWith('h'), true);
  assert.ok(tok.decode(smile.slice(0, 3)).includes('\uFFFD'));
  assert.equal(tok.decode([104, 100_000, 105]), 'h\uFFFDi');
  assert.equal(tok.decode([269, 104, 273], { skipSpecial: true }), 'h');
  const stream = new TokenTextStream(tok);
  assert.equal(smile.map((id) => stream.push(id)).join(''), '🙂');
});

test('a malformed tokenizer.json is an input error naming the file', () => {
  assert.throws(() => new HfTokenizer('{', null, 'x/tokenizer.json'), { name: 'InputError', message: /x\/tokenizer\.json/ });
  assert.throws(() => new HfTokenizer('[]'), { name: 'InputError' });
});

test("a folder's tokenizer is the byte marker, else tokenizer.json, else none", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-tok-'));
  try {
    assert.equal(await loadTokenizer(dir), null);
    const llama = await loadTiny('llama3');
    for (const [name, text] of tokenizerFiles(llama)) await writeFile(join(dir, name), text);
    assert.deepEqual((await loadTokenizer(dir))?.specials, llama.specials);
    for (const [name, text] of tokenizerFiles(new ByteTokenizer())) await writeFile(join(dir, name), text);
    assert.equal((await loadTokenizer(dir))?.kind, 'byte');
    await writeFile(join(dir, BYTE_TOKENIZER_FILE), JSON.stringify({ type: 'byte', version: 2, specials: [] }));
    await assert.rejects(loadTokenizer(dir), { name: 'InputError', message: /byte-tokenizer\.json/ });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
