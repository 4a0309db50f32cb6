import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import type { ChatMessage, ChatTemplate, Dialog } from '../../../src/policy/chat.ts';
import { chatTemplateFor, messageLength, renderDialog, renderPromptForGeneration, renderedLength } from '../../../src/policy/chat.ts';
import { OMITTED_ANSWER, OMITTED_FEEDBACK, TRUNCATED, fitDialog, fitPromptToContext } from '../../../src/policy/context.ts';
import { failedTestEntries, formatFeedback, INVALID_FEEDBACK } from '../../../src/exec/feedback.ts';
import type { TestOutcome } from '../../../src/exec/types.ts';
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
  assert.deepEqual(fit.report, { limit: full, originalTokens: full, finalTokens: full, shortened: [], dropped: [], problemCharsRemoved: 0, lastUserCharsRemoved: 0, testsOmitted: 0 });
});

test('the oldest answer is replaced by a marker first', () => {
  const fit = fitDialog(byteTemplate, episode, { limit: full - 100 });
  assert.ok(fit.ok);
  assert.deepEqual(fit.report.shortened, [1]);
  assert.deepEqual(fit.dialog.map((m) => m.content), [episode[0]?.content, OMITTED_ANSWER, 'f'.repeat(150), 'b'.repeat(200), 'g'.repeat(150)]);
  assert.ok(fit.rendered.ids.length <= full - 100);
});

test('old turns are dropped before the problem statement is cut, and the last feedback keeps half the room', () => {
  const skeleton = renderedLength(byteTemplate, [episode[0] ?? say('user', ''), episode[4] ?? say('user', '')], true);
  const dropped = fitDialog(byteTemplate, episode, { limit: skeleton });
  assert.ok(dropped.ok);
  assert.deepEqual(dropped.report.dropped, [1, 2, 3]);
  assert.deepEqual(dropped.dialog, [episode[0], episode[4]]);

  const long: Dialog = [say('user', `Problem: ${'p'.repeat(291)}`), ...episode.slice(1)];
  const bare = renderedLength(byteTemplate, [long[0] ?? say('user', ''), long[4] ?? say('user', '')], true);
  const cut = fitDialog(byteTemplate, long, { limit: bare - 50 });
  assert.ok(cut.ok);
  // 300 bytes of statement, 50 over: 234 bytes of head plus the 16-byte marker remain; the feedback stays whole.
  assert.equal(new TextEncoder().encode(TRUNCATED).length, 16);
  assert.equal(cut.dialog[0]?.content, `Problem: ${'p'.repeat(225)}${TRUNCATED}`);
  assert.equal(cut.report.problemCharsRemoved, 66);
  assert.equal(cut.rendered.ids.length, bare - 50);
  assert.deepEqual(cut.dialog[1], long[4]);

  // 300 + 150 bytes in a 200-byte room: each message gets 100 ids (header, content, end of turn).
  const split = fitDialog(byteTemplate, long, { limit: 202 });
  assert.ok(split.ok);
  assert.deepEqual(
    split.dialog.map((m) => m.content),
    [`Problem: ${'p'.repeat(73)}${TRUNCATED}`, `${'g'.repeat(82)}${TRUNCATED}`],
  );
  assert.deepEqual([split.report.problemCharsRemoved, split.report.lastUserCharsRemoved], [218, 68]);
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
  // bos, two empty user messages (marker, end of turn) and the assistant header: 6 ids.
  const fit = fitDialog(byteTemplate, episode, { limit: 5 });
  assert.deepEqual(fit, { ok: false, limit: 5, minimumTokens: 6, reason: 'the dialog needs at least 6 tokens after trimming, over the limit of 5' });
  const tight = fitDialog(byteTemplate, episode, { limit: 20 });
  assert.ok(tight.ok);
  // 18 ids of room: 9 each, too few for the marker, so both are cut unmarked.
  assert.deepEqual(tight.dialog.map((m) => m.content), ['Problem', 'ggggggg']);
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
  const floor = (m: ChatMessage): number => messageLength(template, say(m.role, ''));
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
    out !== undefined &&
    (original.content.startsWith(out.content) ||
      (out.content.endsWith(TRUNCATED) && original.content.startsWith(out.content.slice(0, -TRUNCATED.length))));
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

/** A runtime error on `input` with a traceback of `size` characters. */
const crash = (input: string, size: number): TestOutcome =>
  ({ input, verdict: 'runtime_error', traceback: `Traceback (most recent call last):\n${'t'.repeat(size)}\nValueError: bad` }) as TestOutcome;

test('shortenFeedback lists fewer failed tests before the latest answer is touched, oldest feedback first', () => {
  const three = formatFeedback([crash('1 2', 200), crash('3 4', 200), crash('5 6', 200)]);
  const entries = failedTestEntries(three);
  assert.equal(entries?.length, 3);
  assert.ok(entries?.every((e, i) => e.startsWith(`- input \`${['1 2', '3 4', '5 6'][i]}\` failed:`)));
  assert.equal(failedTestEntries(INVALID_FEEDBACK), undefined);
  assert.equal(failedTestEntries('Give it another try.'), undefined);

  const turn2: Dialog = [say('user', 'Problem: p'), say('assistant', '```python\na=list(map(int,input().split()))\nprint(sum(a))\n```'), say('user', three)];
  const whole = renderedLength(byteTemplate, turn2, true);
  const one = formatFeedback([crash('1 2', 200)]);
  const oneLength = renderedLength(byteTemplate, [turn2[0]!, turn2[1]!, say('user', one)], true);
  // Without the option the answer goes (marker, then dropped) and the feedback's tail is cut; with
  // it the answer stays and the feedback keeps its first test.
  const old = fitDialog(byteTemplate, turn2, { limit: oneLength });
  assert.ok(old.ok);
  assert.deepEqual(old.report.dropped, [1]);
  assert.ok(old.report.lastUserCharsRemoved > 0);
  const fit = fitDialog(byteTemplate, turn2, { limit: oneLength, shortenFeedback: true });
  assert.ok(fit.ok);
  assert.deepEqual(fit.dialog, [turn2[0], turn2[1], say('user', one)]);
  assert.equal(fit.report.testsOmitted, 2);
  assert.deepEqual(fit.report.shortened, []);
  // Room for two tests: only the third goes.
  const two = formatFeedback([crash('1 2', 200), crash('3 4', 200)]);
  const fitTwo = fitDialog(byteTemplate, turn2, { limit: renderedLength(byteTemplate, [turn2[0]!, turn2[1]!, say('user', two)], true), shortenFeedback: true });
  assert.ok(fitTwo.ok);
  assert.equal(fitTwo.dialog[2]?.content, two);
  assert.equal(fitTwo.report.testsOmitted, 1);
  // A dialog that fits is unchanged either way.
  const fits = fitDialog(byteTemplate, turn2, { limit: whole, shortenFeedback: true });
  assert.ok(fits.ok);
  assert.deepEqual(fits.dialog, turn2);

  // Three turns: the older feedback is shortened first, then the latest.
  const turn3: Dialog = [...turn2, say('assistant', '```python\na=list(map(int,input().split()))\nprint(max(a))\n```'), say('user', three)];
  const olderShort = [turn3[0]!, turn3[1]!, say('user', one), turn3[3]!, turn3[4]!];
  const fit3 = fitDialog(byteTemplate, turn3, { limit: renderedLength(byteTemplate, olderShort, true), shortenFeedback: true });
  assert.ok(fit3.ok);
  assert.deepEqual(fit3.dialog, olderShort);
  // Shortened as far as it goes, the usual policy takes over (markers for the oldest turn).
  const allShort = [turn3[0]!, say('assistant', OMITTED_ANSWER), say('user', one), turn3[3]!, say('user', one)];
  const fitMore = fitDialog(byteTemplate, turn3, { limit: renderedLength(byteTemplate, allShort, true), shortenFeedback: true });
  assert.ok(fitMore.ok);
  assert.deepEqual(fitMore.dialog, allShort);
  assert.equal(fitMore.report.testsOmitted, 4);
  assert.deepEqual(fitMore.report.shortened, [1]);
});

test('with shortenFeedback a fitted prompt never exceeds the limit, and feedback keeps a prefix of its failed tests', () => {
  const outcomes = fc.array(fc.tuple(fc.stringMatching(/^[0-9 ]{1,12}$/), fc.integer({ min: 0, max: 300 })), { minLength: 1, maxLength: 4 });
  const dialogs = fc.array(fc.tuple(fc.string({ maxLength: 60 }), outcomes), { minLength: 1, maxLength: 3 }).map((turns): ChatMessage[] => [
    say('user', 'Problem: statement'),
    ...turns.flatMap(([answer, tests]) => [say('assistant', answer), say('user', formatFeedback(tests.map(([input, size]) => crash(input, size))))]),
  ]);
  fc.assert(
    fc.property(dialogs, fc.double({ min: 0.2, max: 1.1, noNaN: true }), (dialog, share) => {
      const limit = Math.round(renderedLength(byteTemplate, dialog, true) * share);
      const fit = fitDialog(byteTemplate, dialog, { limit, shortenFeedback: true });
      if (!fit.ok) return;
      assert.ok(fit.rendered.ids.length <= limit);
      const originals = dialog.filter((m) => m.role === 'user').map((m) => failedTestEntries(m.content));
      for (const message of fit.dialog.slice(1).filter((m) => m.role === 'user')) {
        const entries = failedTestEntries(message.content);
        if (entries === undefined) continue; // a marker or a cut tail
        assert.ok(entries.length >= 1);
        assert.ok(originals.some((o) => o !== undefined && entries.every((e, k) => e === o[k])), 'a prefix of some feedback\'s tests');
      }
    }),
    { numRuns: 150 },
  );
});
