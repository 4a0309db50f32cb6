import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { INVALID_FEEDBACK } from '../../src/exec/feedback.ts';
import type { EvalReport } from '../../src/eval/eval-report.ts';
import { parseMetrics } from '../../src/eval/metric-spec.ts';
import { evaluate } from '../../src/runtime/evaluate-run.ts';
import { NO_FEEDBACK_MESSAGE } from '../../src/runtime/feedback-policy.ts';
import { readTrajectoryRun } from '../../src/store/trajectory-reader.ts';
import {
  COMPLETION_TOKENS_PER_ANSWER,
  PROMPT_TOKENS_PER_ANSWER,
  type RecordedRequest,
  type ScriptedReply,
  startChatServer,
  taskOf,
  turnOf,
} from '../fixtures/eval/chat-server.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DATA = join(ROOT, 'test', 'fixtures', 'eval', 'tiny.jsonl');

const code = (program: string): string => `Here is my solution.\n\n\`\`\`python\n${program}\`\`\`\n`;

/**
 * Per problem: `right` answers correctly at once; `fix` answers min instead of max, then max once
 * it has seen feedback; `nocode` answers prose, then a refusal, then empty content; `ratelimited`
 * is refused with 429 (Retry-After: 0) on its first request, then answered correctly.
 */
function script(): (request: RecordedRequest) => ScriptedReply {
  let rateLimited = false;
  return (request) => {
    const turn = turnOf(request);
    switch (taskOf(request)) {
      case 'right':
        return { kind: 'answer', content: code('a, b = map(int, input().split())\nprint(a + b)\n') };
      case 'fix':
        return { kind: 'answer', content: code(turn === 0 ? 'print(min(map(int, input().split())))\n' : 'print(max(map(int, input().split())))\n') };
      case 'nocode':
        if (turn === 0) return { kind: 'answer', content: 'I would reverse the string with slicing.' };
        if (turn === 1) return { kind: 'answer', content: null, refusal: 'I cannot help with that.' };
        return { kind: 'answer', content: '' };
      case 'ratelimited':
        if (!rateLimited) {
          rateLimited = true;
          return { kind: 'status', status: 429, headers: { 'retry-after': '0' } };
        }
        return { kind: 'answer', content: code('print(len(input().split()))\n') };
      default:
        return { kind: 'status', status: 400, body: '{"error":{"message":"unknown task"}}' };
    }
  };
}

function lastUserMessage(request: RecordedRequest): string {
  return request.body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
}

test('rlef eval against a chat-completions server scores right, fixed, code-less and rate-limited problems', async () => {
  const server = await startChatServer(script());
  const dir = await mkdtemp(join(tmpdir(), 'rlef-eval-openai-'));
  try {
    const out = join(dir, 'run');
    const { stdout } = await run(
      process.execPath,
      [
        join(ROOT, 'bin', 'rlef'), 'eval',
        '--policy', `openai:${server.baseUrl}`, '--model', 'scripted-model', '--api-key-env', 'RLEF_TEST_API_KEY',
        '--data', DATA, '--rollouts', '2', '--turns', '3', '--metrics', '1@3,pass@1,pass@2',
        '--concurrency', '2', '--workers', '1', '--seed', '7', '--out', out, '--json',
      ],
      { env: { ...process.env, RLEF_TEST_API_KEY: 'sk-test-123' }, cwd: ROOT },
    );
    const report = JSON.parse(stdout) as EvalReport;
    const summary = report.turnLimits[0]!;
    const metric = (name: string): number | null | undefined => summary.metrics.find((m) => m.name === name)?.value;

    // right and ratelimited solve at turn 1, fix at turn 2, nocode never.
    assert.equal(metric('1@3'), 0.75);
    assert.equal(metric('pass@1'), 0.5);
    assert.equal(metric('pass@2'), 0.5);
    assert.deepEqual(summary.solveRateByTurn.map((t) => t.value), [0.5, 0.75, 0.75]);
    assert.equal(summary.episodes, 8);
    assert.equal(summary.responses, 2 * 1 + 2 * 2 + 2 * 3 + 2 * 1);
    assert.equal(summary.invalidResponses, 6);
    assert.deepEqual(summary.finalVerdicts, { passed: 6, invalid: 2 });

    // Usage: 14 answered requests, one 429 retried; the refusal and the empty answer are empty answers.
    assert.deepEqual(report.usage, {
      promptTokens: 14 * PROMPT_TOKENS_PER_ANSWER,
      completionTokens: 14 * COMPLETION_TOKENS_PER_ANSWER,
      requests: 14,
      retries: 1,
      emptyAnswers: 4,
    });
    assert.equal(server.requests.length, 15);
    for (const request of server.requests) {
      assert.equal(request.headers.authorization, 'Bearer sk-test-123');
      assert.equal(request.body.model, 'scripted-model');
      assert.equal(request.body['temperature'], 0.2);
      assert.equal(request.body['top_p'], 0.95);
    }

    // The second request of `fix` carries the execution feedback on the min program.
    const fixSecond = server.requests.filter((r) => taskOf(r) === 'fix' && turnOf(r) === 1);
    assert.equal(fixSecond.length, 2);
    for (const request of fixSecond) {
      const feedback = lastUserMessage(request);
      assert.match(feedback, /^Your code failed the following tests:/);
      assert.match(feedback, /- input `3 9 4` failed:\nExpected output `9` but got `3`/);
      assert.deepEqual(request.body.messages.map((m) => m.role), ['user', 'assistant', 'user']);
    }
    const nocodeSecond = server.requests.filter((r) => taskOf(r) === 'nocode' && turnOf(r) === 1);
    assert.ok(nocodeSecond.every((r) => lastUserMessage(r) === INVALID_FEEDBACK));
    // Each rollout samples from its own seed.
    const rightSeeds = new Set(server.requests.filter((r) => taskOf(r) === 'right').map((r) => r.body.seed));
    assert.equal(rightSeeds.size, 2);

    // The Arrow log holds every turn, in the training schema, split eval.
    const log = await readTrajectoryRun(join(out, 'trajectories'));
    assert.equal(log.rows.length, 14);
    assert.ok(log.rows.every((row) => row.split === 'eval'));
    const verdicts = (id: string): string[][] => {
      const byEpisode = new Map<string, string[]>();
      for (const row of log.rows.filter((r) => r.problemId === id).sort((a, b) => a.turn - b.turn)) {
        byEpisode.set(row.episodeId, [...(byEpisode.get(row.episodeId) ?? []), row.verdict]);
      }
      return [...byEpisode.values()];
    };
    assert.deepEqual(verdicts('eval/fix'), [['wrong_answer', 'passed'], ['wrong_answer', 'passed']]);
    assert.deepEqual(verdicts('eval/nocode'), [['invalid', 'invalid', 'invalid'], ['invalid', 'invalid', 'invalid']]);
    assert.ok(log.rows.filter((r) => r.problemId === 'eval/fix' && r.turn === 0).every((r) => r.feedback?.includes('but got `3`') === true));
    assert.ok(log.rows.filter((r) => r.final).every((r) => r.solved === (r.problemId !== 'eval/nocode')));
    // Rows carry the environment's rewards r_t and returns (RLEF.md §2; no KL without a reference model).
    const rewards = (id: string): number[] => log.rows.filter((r) => r.problemId === id && r.episodeId.endsWith(':r0')).sort((a, b) => a.turn - b.turn).map((r) => r.reward);
    assert.deepEqual(rewards('eval/fix'), [0, 1]);
    assert.deepEqual(rewards('eval/nocode').map((x) => Math.round(x * 10) / 10), [-0.2, -0.2, -1]);
    assert.deepEqual(log.rows.filter((r) => r.problemId === 'eval/nocode' && r.turn === 0).map((r) => Math.round(r.return * 10) / 10), [-1.4, -1.4]);

    const written = JSON.parse(await readFile(join(out, 'eval.json'), 'utf8')) as EvalReport;
    assert.deepEqual(written.turnLimits, report.turnLimits);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a turn-limit sweep with no feedback runs each limit and tells the model only to try again', async () => {
  const server = await startChatServer(script());
  const dir = await mkdtemp(join(tmpdir(), 'rlef-eval-sweep-'));
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  try {
    const report = await evaluate({
      policy: `openai:${server.baseUrl}`,
      model: 'scripted-model',
      apiKeyEnv: 'RLEF_TEST_UNSET_KEY',
      data: DATA,
      turns: [1, 2],
      rollouts: 1,
      temperature: 0,
      topP: 1,
      feedback: 'none',
      metrics: parseMetrics('1@2,pass@1'),
      concurrency: 4,
      seed: 3,
      out: join(dir, 'run'),
      json: false,
      workers: 1,
      root: ROOT,
      stdout,
      stderr: new PassThrough(),
    });
    assert.deepEqual(report.turnLimits.map((s) => s.turnLimit), [1, 2]);
    const [one, two] = report.turnLimits;
    // Limit 1: only the turn-1 answers count (right, ratelimited); limit 2 also gets fix.
    assert.equal(one!.metrics.find((m) => m.name === 'pass@1')?.value, 0.5);
    assert.deepEqual(one!.solveRateByTurn.map((t) => t.value), [0.5]);
    assert.equal(one!.responses, 4);
    assert.deepEqual(two!.solveRateByTurn.map((t) => t.value), [0.5, 0.75]);
    // 1@2 under limit 2: fix spends both samples on one rollout and is solved; nocode has no solved rollout.
    assert.equal(two!.metrics.find((m) => m.name === '1@2')?.value, 0.75);
    assert.ok(server.requests.every((r) => r.headers.authorization === undefined));
    const retries = server.requests.filter((r) => turnOf(r) === 1);
    assert.ok(retries.length > 0 && retries.every((r) => lastUserMessage(r) === NO_FEEDBACK_MESSAGE));
    assert.match(text, /turn-limit sweep:/);
    const log = await readTrajectoryRun(join(dir, 'run', 'trajectories'));
    assert.equal(log.segments.length, 2);
    assert.deepEqual([...new Set(log.rows.map((r) => r.runId))], ['run:t1', 'run:t2']);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('private feedback shows the private tests, and random feedback shows an unrelated failure', async () => {
  const server = await startChatServer(script());
  const dir = await mkdtemp(join(tmpdir(), 'rlef-eval-ablation-'));
  try {
    const evalWith = (feedback: 'private' | 'random') =>
      evaluate({
        policy: `openai:${server.baseUrl}`, model: 'scripted-model', data: DATA, limit: 2, turns: [2], rollouts: 1,
        temperature: 0.2, topP: 0.95, feedback, metrics: parseMetrics('1@2'), concurrency: 2, seed: 1,
        out: join(dir, feedback), json: true, workers: 1, root: ROOT, stdout: new PassThrough(), stderr: new PassThrough(),
      });
    const fixFeedback = (from: number): string[] =>
      server.requests.slice(from).filter((r) => taskOf(r) === 'fix' && turnOf(r) === 1).map(lastUserMessage);

    // The min program passes the private input `5` but not `1 1 0`; the public `3 9 4` is never shown.
    const privately = await evalWith('private');
    const shown = fixFeedback(0);
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /- input `1 1 0` failed:\nExpected output `1` but got `0`/);
    assert.doesNotMatch(shown[0]!, /3 9 4|input `5`/);
    // Fixed at turn 2 on the private tests, then graded on the public ones: solved.
    assert.deepEqual(privately.turnLimits[0]!.solveRateByTurn.map((t) => t.value), [0.5, 1]);

    // No problem here has a wrong solution to borrow, so the feedback is `raise NotImplementedError()` run on the tests.
    const before = server.requests.length;
    const randomly = await evalWith('random');
    const random = fixFeedback(before);
    assert.equal(random.length, 1);
    assert.match(random[0]!, /^Your code failed the following tests:/);
    assert.match(random[0]!, /NotImplementedError/);
    assert.doesNotMatch(random[0]!, /but got `3`/);
    // The episode still ends on the true tests: fix is solved at turn 2 whatever it was told.
    assert.deepEqual(randomly.turnLimits[0]!.solveRateByTurn.map((t) => t.value), [0.5, 1]);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
