import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import type { ChatMessage, ChatTemplate, Dialog } from '../../../src/policy/chat.ts';
import { chatTemplateFor, messageLength, renderDialog, renderPromptForGeneration, renderedLength } from '../../../src/policy/chat.ts';
import { OMITTED_ANSWER, OMITTED_FEEDBACK, TRUNCATED, fitDialog, fitPromptToContext } from '../../../src/policy/context.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';
import { HfTokenizer } from '../../../src/policy/tokenizer-hf.ts';

const byteTemplate = chatTemplateFor(new ByteTokenizer());
const say = (role: ChatMessage['role'], content: string): ChatMessage => ({ role, content });
const episode: Dialog = [
  say('user', `Problem: ${'p'.repeat(91)}`),
  say('assistant', 'a'.repeat(200)),
  say('user', 'f'.repeat(150)),
  say('assistant', 'b'.repeat(200)),
  say('user', 'g'.repeat(150)),
];
const full = renderedLength(byteTemplate, episode, true);

test('a dialog that fits is rendered unchanged', () => {
  const fit = fitPromptToContext(byteTemplate, episode, { contextLength: full + 100, generationBudget: 100 });
  assert.ok(fit.ok);
  assert.deepEqual(fit.dialog, episode);
  assert.deepEqual(fit.report, { limit: full, originalTokens: full, finalTokens: full, shortened: [], dropped: [], problemCharsRemoved: 0, lastUserCharsRemoved: 0 });
});

test('the oldest answer is replaced by a marker first', () => {
  const fit = fitDialog(byteTemplate, episode, { limit: full - 100 });
  assert.ok(fit.ok);
  assert.deepEqual(fit.report.shortened, [1]);
  assert.deepEqual(fit.dialog.map((m) => m.content), [episode[0]?.content, OMITTED_ANSWER, 'f'.repeat(150), 'b'.repeat(200), 'g'.repeat(150)]);
  assert.ok(fit.rendered.ids.length <= full - 100);
});

test('old turns are dropped before the problem statement is cut, which goes before the last feedback', () => {
  const skeleton = renderedLength(byteTemplate, [episode[0] ?? say('user', ''), episode[4] ?? say('user', '')], true);
  const dropped = fitDialog(byteTemplate, episode, { limit: skeleton });
  assert.ok(dropped.ok);
  assert.deepEqual(dropped.report.dropped, [1, 2, 3]);
  assert.deepEqual(dropped.dialog, [episode[0], episode[4]]);
  const cut = fitDialog(byteTemplate, episode, { limit: skeleton - 50 });
  assert.ok(cut.ok);
  // 100 bytes of statement, 50 bytes over: 34 bytes of head plus the 16-byte marker remain.
  assert.equal(new TextEncoder().encode(TRUNCATED).length, 16);
  assert.equal(cut.dialog[0]?.content, `Problem: ${'p'.repeat(25)}${TRUNCATED}`);
  assert.equal(cut.report.problemCharsRemoved, 66);
  assert.equal(cut.rendered.ids.length, skeleton - 50);
  assert.deepEqual(cut.dialog[1], episode[4]);
});

test('a finished episode keeps its last answer whole when trimmed for training', () => {
  const training = [...episode, say('assistant', 'c'.repeat(100))];
  const limit = renderedLength(byteTemplate, training, false) - 300;
  const fit = fitDialog(byteTemplate, training, { limit, forGeneration: false });
  assert.ok(fit.ok);
  assert.deepEqual(fit.dialog.slice(-2), training.slice(-2));
  assert.equal(fit.rendered.turns.at(-1)?.end, fit.rendered.ids.length);
});

test('a limit below the bare template is reported, not exceeded', () => {
  const fit = fitDialog(byteTemplate, episode, { limit: 10 });
  assert.equal(fit.ok, false);
  assert.ok(!fit.ok && fit.minimumTokens > 10);
});

const dialogArb = fc
  .array(fc.tuple(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 })), {
    minLength: 0,
    maxLength: 3,
  })
  .chain((pairs) =>
    fc.string({ unit: 'binary', maxLength: 60 }).map((last): ChatMessage[] => [
      ...pairs.flatMap(([user, answer]) => [say('user', user), say('assistant', answer)]),
      say('user', last),
    ]),
  );

/** Where the limit falls: anywhere between the floor and the full size, or just around either. */
type LimitChoice = readonly ['between', number] | readonly ['nearFull' | 'nearFloor', number];
const limitArb: fc.Arbitrary<LimitChoice> = fc.oneof(
  fc.tuple(fc.constant('between' as const), fc.double({ min: 0, max: 1, noNaN: true })),
  fc.tuple(fc.constantFrom('nearFull' as const, 'nearFloor' as const), fc.integer({ min: -4, max: 4 })),
);

function checkFit(template: ChatTemplate, dialog: Dialog, choice: LimitChoice): void {
  const original = renderedLength(template, dialog, true);
  const floor = (m: ChatMessage): number => Math.min(messageLength(template, m), messageLength(template, say('user', TRUNCATED)));
  const first = dialog[0] ?? say('user', '');
  const last = dialog.at(-1) ?? say('user', '');
  const fixed = renderedLength(template, [], true);
  const minimal = fixed + floor(first) + (dialog.length > 1 ? floor(last) : 0);
  const [mode, x] = choice;
  const target =
    mode === 'between' ? minimal + (original - minimal) * x : mode === 'nearFull' ? original + x : minimal + x;
  const limit = Math.max(0, Math.round(target));
  const fit = fitDialog(template, dialog, { limit });
  assert.equal(fit.ok, limit >= minimal, `ok iff the limit reaches the smallest possible rendering ${minimal}`);
  if (!fit.ok) return;
  const r = fit.rendered;
  assert.ok(r.ids.length <= limit);
  assert.deepEqual(r, renderPromptForGeneration(template, fit.dialog));
  const body = renderDialog(template, fit.dialog);
  assert.deepEqual([...body.ids, ...template.headers.assistant], [...r.ids]);
  assert.equal(r.assistantMask.length, r.ids.length);
  for (const turn of r.turns) {
    const message: ChatMessage | undefined = fit.dialog[turn.message];
    assert.ok(message?.role === 'assistant');
    assert.deepEqual([...r.ids.slice(turn.start, turn.end)], [...template.tokenizer.encode(message.content), ...template.endOfTurn]);
  }
  assert.equal(r.assistantMask.reduce((a, m) => a + m, 0), r.turns.reduce((a, t) => a + t.end - t.start, 0));
  // The heads of the problem statement and the last feedback always survive; both whole when they fit together.
  const keptHead = (out: ChatMessage | undefined, original: ChatMessage): boolean =>
    out?.content === original.content ||
    (out?.content.endsWith(TRUNCATED) === true && original.content.startsWith(out.content.slice(0, -TRUNCATED.length)));
  assert.ok(keptHead(fit.dialog[0], first));
  assert.ok(keptHead(fit.dialog.at(-1), last));
  if (limit >= renderedLength(template, dialog.length > 1 ? [first, last] : [first], true)) {
    assert.equal(fit.dialog[0], first);
    assert.equal(fit.dialog.at(-1), last);
  }
  if (limit >= original) assert.deepEqual(fit.dialog, dialog);
  // Middle messages are the originals or markers, in order.
  for (const m of fit.dialog.slice(1, -1)) {
    assert.ok([OMITTED_ANSWER, OMITTED_FEEDBACK].includes(m.content) || dialog.includes(m));
  }
}

test('a fitted prompt never exceeds the limit, keeps the heads and stays aligned (byte tokenizer)', () => {
  fc.assert(
    fc.property(dialogArb, limitArb, (dialog, choice) => checkFit(byteTemplate, dialog, choice)),
    { numRuns: 150 },
  );
});

test('a fitted prompt never exceeds the limit with a BPE tokenizer either', async () => {
  const read = (file: string): Promise<string> =>
    readFile(new URL(`../../fixtures/tokenizer/tiny-llama3/${file}`, import.meta.url), 'utf8');
  const template = chatTemplateFor(new HfTokenizer(await read('tokenizer.json'), await read('tokenizer_config.json')));
  fc.assert(
    fc.property(dialogArb, limitArb, (dialog, choice) => checkFit(template, dialog, choice)),
    { numRuns: 40 },
  );
});
