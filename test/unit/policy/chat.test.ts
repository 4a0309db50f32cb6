import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import type { ChatMessage, ChatTemplate, Dialog } from '../../../src/policy/chat.ts';
import { chatTemplateFor, renderDialog, renderPromptForGeneration, renderedLength } from '../../../src/policy/chat.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { HfTokenizer } from '../../../src/policy/tokenizer-hf.ts';

const loadTiny = async (flavour: string): Promise<HfTokenizer> => {
  const read = (file: string): Promise<string> =>
    readFile(new URL(`../../fixtures/tokenizer/tiny-${flavour}/${file}`, import.meta.url), 'utf8');
  return new HfTokenizer(await read('tokenizer.json'), await read('tokenizer_config.json'));
};

const byteTemplate = chatTemplateFor(new ByteTokenizer());
const twoTurns: Dialog = [
  { role: 'user', content: 'hi' },
  { role: 'assistant', content: 'ok' },
];

test('the byte template wraps messages in single-id role markers and end-of-turn ids', () => {
  const r = renderDialog(byteTemplate, twoTurns);
  assert.equal(byteTemplate.name, 'byte');
  assert.deepEqual([...r.ids], [256, 259, 104, 105, 257, 260, 111, 107, 257]);
  assert.deepEqual([...r.assistantMask], [0, 0, 0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(r.turns, [{ message: 1, promptEnd: 5, start: 6, end: 9 }]);
  const prompt = renderPromptForGeneration(byteTemplate, twoTurns.slice(0, 1));
  assert.deepEqual([...prompt.ids], [256, 259, 104, 105, 257, 260]);
  assert.deepEqual([...byteTemplate.stopTokens], [257]);
});

test('the Llama-3 template renders the official instruct format and matches one-shot encoding', async () => {
  const tok = await loadTiny('llama3');
  const template = chatTemplateFor(tok);
  assert.equal(template.name, 'llama3');
  const dialog: Dialog = [...twoTurns, { role: 'user', content: 'def print(the in)\n    x = 12345' }];
  const prompt = renderPromptForGeneration(template, dialog);
  const text =
    '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>' +
    '<|start_header_id|>assistant<|end_header_id|>\n\nok<|eot_id|>' +
    '<|start_header_id|>user<|end_header_id|>\n\ndef print(the in)\n    x = 12345<|eot_id|>' +
    '<|start_header_id|>assistant<|end_header_id|>\n\n';
  assert.equal(tok.decode(prompt.ids), text);
  assert.deepEqual([...prompt.ids], tok.encode(text));
  assert.deepEqual([...template.stopTokens], [273, 270]);
});

test('a tokenizer with <|im_start|> gets the ChatML template, others a plain fallback ending turns with eos', async () => {
  const chatml = await loadTiny('chatml');
  const t1 = chatTemplateFor(chatml);
  assert.equal(t1.name, 'chatml');
  const r1 = renderDialog(t1, twoTurns);
  assert.equal(chatml.decode(r1.ids), '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n');
  // The newline after <|im_end|> is the template's, not the model's.
  assert.equal(chatml.decode(r1.ids.filter((_, i) => r1.assistantMask[i] === 1)), 'ok<|im_end|>');
  const generic = await loadTiny('generic');
  const t2 = chatTemplateFor(generic);
  assert.equal(t2.name, 'generic');
  const r2 = renderPromptForGeneration(t2, twoTurns.slice(0, 1));
  assert.equal(generic.decode(r2.ids), '<|endoftext|>### User\nhi<|endoftext|>\n### Assistant\n');
});

test('sampled tokens are rendered as given and a cut answer gets no end-of-turn id', () => {
  const r = renderDialog(byteTemplate, [
    { role: 'user', content: 'q' },
    { role: 'assistant', content: 'ignored when tokens are given', tokens: [1, 2, 3], endOfTurn: false },
  ]);
  assert.deepEqual([...r.ids.slice(-3)], [1, 2, 3]);
  assert.deepEqual(r.turns, [{ message: 1, promptEnd: 4, start: 5, end: 8 }]);
});

test('a generation prompt must end with a user message', () => {
  assert.throws(() => renderPromptForGeneration(byteTemplate, twoTurns), RangeError);
  assert.throws(() => renderPromptForGeneration(byteTemplate, []), RangeError);
});

const dialogArb = fc
  .array(fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.boolean()), {
    minLength: 1,
    maxLength: 4,
  })
  .map((pairs): ChatMessage[] =>
    pairs.flatMap(([user, answer, ended], i): ChatMessage[] => [
      { role: 'user', content: user },
      // Only the last answer may be cut.
      { role: 'assistant', content: answer, endOfTurn: i < pairs.length - 1 || ended },
    ]),
  );

function checkAlignment(template: ChatTemplate, dialog: Dialog): void {
  const r = renderDialog(template, dialog);
  assert.equal(r.assistantMask.length, r.ids.length);
  assert.equal(renderedLength(template, dialog, false), r.ids.length);
  let masked = 0;
  for (const turn of r.turns) {
    const message = dialog[turn.message];
    assert.ok(message !== undefined);
    const own = [...template.tokenizer.encode(message.content), ...(message.endOfTurn === false ? [] : template.endOfTurn)];
    assert.deepEqual([...r.ids.slice(turn.start, turn.end)], own);
    assert.ok(r.assistantMask.slice(turn.start, turn.end).every((m) => m === 1));
    masked += turn.end - turn.start;
    // The prompt that generated this turn is a prefix of the dialog and ends at the value position.
    const prompt = renderPromptForGeneration(template, dialog.slice(0, turn.message));
    assert.deepEqual([...prompt.ids], [...r.ids.slice(0, prompt.ids.length)]);
    assert.equal(prompt.ids.length - 1, turn.promptEnd);
    assert.equal(renderedLength(template, dialog.slice(0, turn.message), true), prompt.ids.length);
  }
  assert.equal(r.assistantMask.reduce((a, m) => a + m, 0), masked);
}

test('the assistant mask covers exactly each answer and its end of turn, and prompts are prefixes', async () => {
  const templates = [byteTemplate, chatTemplateFor(await loadTiny('llama3')), chatTemplateFor(await loadTiny('chatml'))];
  fc.assert(
    fc.property(dialogArb, (dialog) => {
      for (const template of templates) checkAlignment(template, dialog);
    }),
    { numRuns: 60 },
  );
});
