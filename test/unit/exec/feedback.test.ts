import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractCode, formatFeedback, initialPrompt, INVALID_FEEDBACK, RETRY_LINES, truncate } from '../../../src/exec/feedback.ts';
import type { TestOutcome } from '../../../src/exec/types.ts';

const INSTRUCTION =
  'Your code should be enclosed in triple backticks like so: ```python YOUR CODE HERE ```. Use the backticks for your code only.';

describe('the turn-1 prompt', () => {
  test('is the RLEF.md wording around the description', () => {
    assert.equal(
      initialPrompt('Add two numbers'),
      `Provide a Python solution for the following competitive programming question: Add two numbers.\n\n${INSTRUCTION}`,
    );
  });
});

describe('code extraction', () => {
  test('takes the first python block', () => {
    const answer = 'Here:\n```python\nprint(1)\n```\nand also\n```python\nprint(2)\n```';
    assert.equal(extractCode(answer), 'print(1)\n');
  });

  test('accepts a block without a language or with another tag', () => {
    assert.equal(extractCode('```\nx = 1\nprint(x)\n```'), 'x = 1\nprint(x)\n');
    assert.equal(extractCode('```py\nprint(3)\n```'), 'print(3)\n');
    assert.equal(extractCode('```Python3\nprint(3)\n```'), 'print(3)\n');
  });

  test('accepts the single-line form of the prompt', () => {
    assert.equal(extractCode('```python print(1) ```'), 'print(1)\n');
    assert.equal(extractCode('Sure: ```print(1)```'), 'print(1)\n');
  });

  test('finds no code without a closed, non-empty block', () => {
    assert.equal(extractCode('print(1)'), undefined);
    assert.equal(extractCode('```python\nprint(1)'), undefined);
    assert.equal(extractCode('```python\n\n```'), undefined);
  });

  test('property: the code of a fenced block comes back unchanged', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '(', ')', '=', '1', '"', '`', '\t', ':'), maxLength: 30 });
    const code = fc.array(line, { minLength: 1, maxLength: 8 })
      .map((lines) => lines.join('\n').trimEnd())
      .filter((text) => text.trim() !== '' && !text.includes('```'));
    const prose = fc.string({ maxLength: 40 }).filter((text) => !text.includes('`'));
    fc.assert(fc.property(prose, fc.constantFrom('python', '', 'py', 'python3'), code, prose, (before, tag, body, afterText) => {
      assert.equal(extractCode(`${before}\n\`\`\`${tag}\n${body}\n\`\`\`\n${afterText}`), `${body}\n`);
    }));
  });

  test('property: text without backticks has no code', () => {
    fc.assert(fc.property(fc.string().filter((text) => !text.includes('```')), (text) => {
      assert.equal(extractCode(text), undefined);
    }));
  });
});

describe('the feedback message', () => {
  const outcome = (fields: Partial<TestOutcome> & Pick<TestOutcome, 'verdict' | 'input'>): TestOutcome => ({ index: 0, wallMs: 1, ...fields });

  test('lists failing tests in the RLEF.md format', () => {
    const text = formatFeedback([
      outcome({ verdict: 'passed', input: '0\n' }),
      outcome({ verdict: 'wrong_answer', input: '1 2\n', expected: '3\n', actual: '4\n' }),
      outcome({ verdict: 'runtime_error', input: '5', traceback: 'Traceback (most recent call last):\nZeroDivisionError: division by zero\n' }),
      outcome({ verdict: 'timeout', input: '6' }),
      outcome({ verdict: 'memory_limit', input: '7' }),
    ]);
    assert.equal(text, [
      'Your code failed the following tests:',
      '',
      '- input `1 2` failed:',
      'Expected output `3` but got `4`',
      '- input `5` failed:',
      'Traceback (most recent call last):',
      'ZeroDivisionError: division by zero',
      '- input `6` failed: Execution took too long.',
      '- input `7` failed: Out of memory.',
      '',
      'Give it another try.',
      INSTRUCTION,
    ].join('\n'));
  });

  test('says it could not parse an answer without code', () => {
    assert.equal(formatFeedback(undefined), `Could not parse your code.\n\nGive it another try.\n${INSTRUCTION}`);
  });

  test('cuts tracebacks to their last 512 characters and long fields with a marker', () => {
    const traceback = `${'x'.repeat(1000)}\nValueError: bad\n`;
    const text = formatFeedback([outcome({ verdict: 'runtime_error', input: 'y'.repeat(5000), traceback })]);
    assert.ok(text.includes(traceback.trimEnd().slice(-512)));
    assert.ok(!text.includes('x'.repeat(600)));
    assert.ok(text.includes('…[truncated 3976 chars]'));
    assert.equal(truncate('abc', 2), 'ab…[truncated 1 chars]');
  });
});

test('failedTestEntries reads back the entries formatFeedback wrote, and nothing else', async () => {
  const { failedTestEntries, feedbackOfEntries } = await import('../../../src/exec/feedback.ts');
  const outcomes = [
    { index: 0, wallMs: 1, input: '1 2', verdict: 'wrong_answer' as const, expected: '3', actual: '4' },
    { index: 1, wallMs: 1, input: 'x', verdict: 'passed' as const },
    { index: 2, wallMs: 1, input: '5/6', verdict: 'runtime_error' as const, traceback: 'Traceback (most recent call last):\n  File "solution.py"\nValueError: no' },
    { index: 3, wallMs: 1, input: '7', verdict: 'timeout' as const },
  ];
  const message = formatFeedback(outcomes);
  const entries = failedTestEntries(message);
  assert.deepEqual(entries?.map((e) => e.split('\n')[0]), ['- input `1 2` failed:', '- input `5/6` failed:', '- input `7` failed: Execution took too long.']);
  assert.equal(feedbackOfEntries(entries ?? []), message);
  assert.equal(failedTestEntries(INVALID_FEEDBACK), undefined);
  assert.equal(failedTestEntries(RETRY_LINES), undefined);
  assert.equal(failedTestEntries(`${message}!`), undefined);
});
