import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, forkJoin } from 'rxjs';
import { ChatCompletionError, OpenAiChatPolicy, parseCompletion, retryAfterMs, seedOf, type OpenAiChatOptions, type RetryEvent } from '../../../src/eval/openai-client.ts';
import type { Message } from '../../../src/pipeline/episode.ts';
import { exitCodeOf } from '../../../src/runtime/errors.ts';
import { COMPLETION_TOKENS_PER_ANSWER, PROMPT_TOKENS_PER_ANSWER, type ScriptedReply, startChatServer } from '../../fixtures/eval/chat-server.ts';

const dialog: Message[] = [
  { role: 'user', content: 'Provide a Python solution for …' },
  { role: 'assistant', content: '```python\nprint(1)\n```' },
  { role: 'user', content: 'Your code failed the following tests: …' },
];

function client(baseUrl: string, extra: Partial<OpenAiChatOptions> = {}): OpenAiChatPolicy {
  return new OpenAiChatPolicy({ baseUrl, model: 'm', temperature: 0.2, topP: 0.95, initialBackoffMs: 1, maxBackoffMs: 5, ...extra });
}

const answer = (content: string | null, more: Partial<Extract<ScriptedReply, { kind: 'answer' }>> = {}): ScriptedReply => ({ kind: 'answer', content, ...more });

test('a request carries the dialog as chat messages, the sampling settings and an integer seed', async () => {
  const server = await startChatServer(() => answer('```python\nprint(2)\n```'));
  try {
    const policy = client(`${server.baseUrl}/`, { maxTokens: 64, apiKey: 'k' });
    const generation = await firstValueFrom(policy.generate({ dialog, seed: 'eval:s1:t3:p:r0:turn1' }));
    assert.equal(generation.text, '```python\nprint(2)\n```');
    assert.equal(generation.endedTurn, true);
    assert.equal(generation.responseIds.length, 0);
    assert.equal(generation.logprobs.length, 0);
    const body = server.requests[0]!.body;
    assert.deepEqual(body.messages, dialog.map((m) => ({ role: m.role, content: m.content })));
    assert.equal(body['max_tokens'], 64);
    assert.equal(body['temperature'], 0.2);
    assert.equal(body['top_p'], 0.95);
    assert.equal(body.seed, seedOf('eval:s1:t3:p:r0:turn1'));
    assert.ok(Number.isInteger(body.seed) && body.seed >= 0 && body.seed < 2 ** 31);
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer k');
    assert.equal(server.requests[0]!.url, '/v1/chat/completions');
    await firstValueFrom(client(server.baseUrl).generate({ dialog, seed: 'x' }));
    assert.equal('max_tokens' in server.requests[1]!.body, false, 'no max_tokens unless asked');
    assert.equal(server.requests[1]!.headers.authorization, undefined);
  } finally {
    await server.close();
  }
});

test('server faults and rate limits are retried with backoff, and usage counts only answers', async () => {
  const replies: ScriptedReply[] = [
    { kind: 'status', status: 503 },
    { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
    { kind: 'status', status: 500 },
    answer('ok'),
  ];
  const server = await startChatServer((_r, i) => replies[i] ?? answer('late'));
  const events: RetryEvent[] = [];
  try {
    const policy = client(server.baseUrl, { onRetry: (e) => events.push(e) });
    const generation = await firstValueFrom(policy.generate({ dialog, seed: 's' }));
    assert.equal(generation.text, 'ok');
    assert.equal(server.requests.length, 4);
    assert.deepEqual(events.map((e) => [e.attempt, e.reason]), [[1, 'HTTP 503'], [2, 'HTTP 429'], [3, 'HTTP 500']]);
    assert.equal(events[1]!.delayMs, 0, 'Retry-After: 0 is obeyed');
    assert.ok(events[0]!.delayMs >= 0.5 && events[0]!.delayMs <= 1, 'first backoff within [cap/2, cap]');
    assert.deepEqual(policy.usage, { promptTokens: PROMPT_TOKENS_PER_ANSWER, completionTokens: COMPLETION_TOKENS_PER_ANSWER, requests: 1, retries: 3, emptyAnswers: 0 });
  } finally {
    await server.close();
  }
});

test('retries end in a ChatCompletionError with exit code 69, and a 401 is not retried', async () => {
  const server = await startChatServer((r) => (r.body.messages[0]?.content === 'auth' ? { kind: 'status', status: 401, body: '{"error":"bad key"}' } : { kind: 'status', status: 502 }));
  try {
    const policy = client(server.baseUrl, { maxRetries: 2 });
    await assert.rejects(firstValueFrom(policy.generate({ dialog, seed: 's' })), (error: unknown) => {
      assert.ok(error instanceof ChatCompletionError);
      assert.equal(error.status, 502);
      assert.match(error.message, /gave up after 3 attempts \(last: HTTP 502\)/);
      assert.equal(exitCodeOf(error), 69);
      return true;
    });
    assert.equal(server.requests.length, 3);
    await assert.rejects(firstValueFrom(policy.generate({ dialog: [{ role: 'user', content: 'auth' }], seed: 's' })), /answered 401: \{"error":"bad key"\}/);
    assert.equal(server.requests.length, 4);
  } finally {
    await server.close();
  }
});

test('a request that hangs times out and is retried; a closed port is a network error that is retried', async () => {
  const server = await startChatServer((_r, i) => (i === 0 ? { kind: 'hang' } : answer('after timeout')));
  try {
    const generation = await firstValueFrom(client(server.baseUrl, { timeoutMs: 200 }).generate({ dialog, seed: 's' }));
    assert.equal(generation.text, 'after timeout');
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const events: RetryEvent[] = [];
  await assert.rejects(
    firstValueFrom(client(`http://127.0.0.1:${port}/v1`, { maxRetries: 1, onRetry: (e) => events.push(e) }).generate({ dialog, seed: 's' })),
    ChatCompletionError,
  );
  assert.equal(events.length, 1);
});

test('refusals, missing content, empty answers and context overflows are empty generations, not errors', async () => {
  const replies: ScriptedReply[] = [
    answer(null, { refusal: 'I cannot help with that.' }),
    answer(null),
    answer(''),
    answer('cut off', { finishReason: 'length' }),
    { kind: 'status', status: 400, body: '{"error":{"message":"This model\'s maximum context length is 8192 tokens."}}' },
    { kind: 'status', status: 400, body: '{"error":{"message":"unknown parameter"}}' },
  ];
  const server = await startChatServer((_r, i) => replies[i]!);
  try {
    const policy = client(server.baseUrl, { maxConcurrency: 1 });
    const texts: [string, boolean][] = [];
    for (let i = 0; i < 5; i++) {
      const g = await firstValueFrom(policy.generate({ dialog, seed: `s${i}` }));
      texts.push([g.text, g.endedTurn]);
    }
    assert.deepEqual(texts, [['', true], ['', true], ['', true], ['cut off', false], ['', false]]);
    assert.equal(policy.usage.emptyAnswers, 4);
    assert.equal(policy.usage.requests, 5);
    await assert.rejects(firstValueFrom(policy.generate({ dialog, seed: 's5' })), /answered 400/);
  } finally {
    await server.close();
  }
});

test('no more than maxConcurrency requests are in flight at once', async () => {
  const server = await startChatServer(() => answer('x'), { delayMs: 30 });
  try {
    const policy = client(server.baseUrl, { maxConcurrency: 2 });
    const all = await firstValueFrom(forkJoin(Array.from({ length: 6 }, (_, i) => policy.generate({ dialog, seed: `s${i}` }))));
    assert.equal(all.length, 6);
    assert.equal(server.requests.length, 6);
    assert.equal(server.maxInFlight(), 2);
  } finally {
    await server.close();
  }
});

test('the response body parser reads content parts and rejects a body that is not JSON', () => {
  const parts = JSON.stringify({ choices: [{ message: { content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }, finish_reason: 'stop' }] });
  assert.deepEqual(parseCompletion(parts, 'u'), { text: 'ab', endedTurn: true, usage: undefined });
  assert.equal(parseCompletion('{"choices":[]}', 'u').text, '');
  assert.throws(() => parseCompletion('<html>', 'u'), ChatCompletionError);
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs('0'), 0);
  assert.equal(retryAfterMs('2.5'), 2500);
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
  assert.equal(retryAfterMs('Wed, 21 Oct 2026 07:28:03 GMT', now), 3000);
  assert.equal(retryAfterMs('Wed, 21 Oct 2026 07:27:00 GMT', now), 0);
  assert.equal(retryAfterMs('soon'), undefined);
});
