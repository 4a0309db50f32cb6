import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChatMessage, Dialog } from '../../../src/policy/chat.ts';
import { chatTemplateFor, renderDialog } from '../../../src/policy/chat.ts';
import { fitPromptToContext } from '../../../src/policy/context.ts';
import { trainingSequences } from '../../../src/policy/context-training.ts';
import { ByteTokenizer } from '../../../src/policy/tokenizer-byte.ts';

const template = chatTemplateFor(new ByteTokenizer());
const say = (role: ChatMessage['role'], content: string): ChatMessage => ({ role, content });

test('an episode whose prompts were never trimmed is one training sequence', () => {
  const dialog = [say('user', 'q'), say('assistant', 'a1'), say('user', 'f'), say('assistant', 'a2')];
  const sequences = trainingSequences(template, dialog, { contextLength: 64, generationBudget: 8 });
  assert.deepEqual(sequences, [renderDialog(template, dialog)]);
});

test('after trimming, each answer is scored once under the prompt it was sampled from', () => {
  const budget = 40;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ maxLength: 80 }), fc.string({ maxLength: budget - 1 })), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 60, max: 300 }),
      (pairs, contextLength) => {
        const dialog: Dialog = pairs.flatMap(([q, a]) => [say('user', q), say('assistant', a)]);
        const window = { contextLength, generationBudget: budget };
        const sequences = trainingSequences(template, dialog, window);
        const answers = dialog.filter((m) => m.role === 'assistant');
        assert.deepEqual(sequences.flatMap((s) => s.turns.map((t) => t.message)), [1, 3, 5, 7].slice(0, answers.length));
        for (const s of sequences) {
          assert.ok(s.ids.length <= contextLength);
          for (const turn of s.turns) {
            const answer = dialog[turn.message];
            assert.deepEqual([...s.ids.slice(turn.start, turn.end)], [...template.tokenizer.encode(answer?.content ?? ''), ...template.endOfTurn]);
            // What the sampler saw for this turn is exactly the sequence's prefix.
            const prompt = fitPromptToContext(template, dialog.slice(0, turn.message), window);
            assert.ok(prompt.ok);
            if (sequences.length > 1) assert.deepEqual([...s.ids.slice(0, turn.start)], [...prompt.rendered.ids]);
            else assert.deepEqual([...prompt.rendered.ids], [...s.ids.slice(0, prompt.rendered.ids.length)]);
          }
          const masked = s.assistantMask.reduce((n, m) => n + m, 0);
          assert.equal(masked, s.turns.reduce((n, t) => n + t.end - t.start, 0));
        }
      },
    ),
    { numRuns: 100 },
  );
});
