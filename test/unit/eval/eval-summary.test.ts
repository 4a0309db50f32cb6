import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimate, evalRollout, summarizeRollouts, type EvalRollout } from '../../../src/eval/eval-summary.ts';
import { formatEvalReport, METRIC_DEFINITIONS, type EvalReport } from '../../../src/eval/eval-report.ts';
import { parseMetrics } from '../../../src/eval/metric-spec.ts';
import type { Episode, Generation, TurnRecord, TurnVerdict } from '../../../src/pipeline/episode.ts';
import type { Problem } from '../../../src/problems/problem.ts';

const FAST = { iterations: 200, seed: 1 };

/** A rollout as the environment makes it under turn limit `limit`: one that stops early passed the feedback tests. */
function envRollout(limit: number): fc.Arbitrary<EvalRollout> {
  return fc
    .record({ turns: fc.integer({ min: 1, max: limit }), passedPublic: fc.boolean(), solved: fc.boolean(), invalid: fc.nat({ max: limit }) })
    .map((r) => {
      const turns = r.passedPublic ? r.turns : limit;
      const solved = r.solved && r.passedPublic;
      const finalVerdict: TurnVerdict = solved ? 'passed' : r.passedPublic ? 'wrong_answer' : 'invalid';
      return { turns, passedPublic: r.passedPublic, solved, firstTurnSolved: solved && turns === 1, finalVerdict, invalidTurns: Math.min(r.invalid, turns), sandboxError: false };
    });
}

function problemsOf(limit: number, maxRollouts = 12): fc.Arbitrary<EvalRollout[][]> {
  return fc.array(fc.array(envRollout(limit), { minLength: 1, maxLength: maxRollouts }), { minLength: 1, maxLength: 6 });
}

test('every estimate lies in [0, 1] inside its own interval, and the solve rate by turn never falls', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }).chain((limit) => fc.tuple(fc.constant(limit), problemsOf(limit))), ([limit, problems]) => {
      const summary = summarizeRollouts(problems, parseMetrics('1@1,1@3,2@5,pass@1,pass@2'), limit, FAST);
      for (const m of summary.metrics) {
        if (m.value === null) {
          assert.ok(m.note !== undefined && m.note.length > 0);
          continue;
        }
        assert.ok(m.value >= 0 && m.value <= 1, `${m.name} = ${m.value}`);
        assert.ok(m.lower! <= m.value + 1e-12 && m.value <= m.upper! + 1e-12);
      }
      const rates = summary.solveRateByTurn.map((t) => t.value);
      assert.equal(rates.length, limit);
      for (let t = 1; t < rates.length; t++) assert.ok(rates[t]! >= rates[t - 1]!);
      const solvedShare = problems.reduce((s, rs) => s + rs.filter((r) => r.solved).length / rs.length, 0) / problems.length;
      assert.ok(Math.abs(rates[limit - 1]! - solvedShare) < 1e-12);
      assert.equal(summary.responses, problems.flat().reduce((s, r) => s + r.turns, 0));
    }),
    { numRuns: 150 },
  );
});

test('pass@k over turn-1 responses never falls as k grows and is null when rollouts are fewer than k', () => {
  fc.assert(
    fc.property(problemsOf(3, 10), (problems) => {
      const fewest = Math.min(...problems.map((p) => p.length));
      let previous = 0;
      for (let k = 1; k <= 11; k++) {
        const m = estimate(problems, { kind: 'pass@k', k }, FAST);
        if (k > fewest) {
          assert.equal(m.value, null);
          assert.match(m.note ?? '', /raise --rollouts/);
          continue;
        }
        assert.ok(m.value! >= previous - 1e-12);
        previous = m.value!;
      }
    }),
  );
});

test('1@T is the solve rate under the turn limit T the rollouts were collected with', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }).chain((limit) => fc.tuple(fc.constant(limit), problemsOf(limit))), ([limit, problems]) => {
      const summary = summarizeRollouts(problems, [{ kind: 'n@k', n: 1, k: limit }], limit, FAST);
      const value = summary.metrics[0]!.value;
      assert.notEqual(value, null, 'one rollout settles 1@T');
      assert.ok(Math.abs(value! - summary.solveRateByTurn[limit - 1]!.value) < 1e-12);
    }),
  );
});

test('with single-turn rollouts k@k equals pass@k, and n@k never exceeds pass@k over rollouts', () => {
  fc.assert(
    fc.property(problemsOf(1, 8), fc.integer({ min: 1, max: 8 }), (problems, k) => {
      const fewest = Math.min(...problems.map((p) => p.length));
      fc.pre(k <= fewest);
      const nk = estimate(problems, { kind: 'n@k', n: k, k }, FAST).value;
      const pk = estimate(problems, { kind: 'pass@k', k }, FAST).value;
      assert.ok(nk !== null && pk !== null && Math.abs(nk - pk) < 1e-12, `${k}@${k} = ${nk}, pass@${k} = ${pk}`);
      assert.ok(estimate(problems, { kind: 'n@k', n: 1, k }, FAST).value! <= pk + 1e-12);
    }),
  );
});

test('hand case: n@k averages problems equally and says when a problem has too few rollouts to settle it', () => {
  const r = (turns: number, passedPublic: boolean, solved: boolean): EvalRollout => ({
    turns, passedPublic, solved, firstTurnSolved: solved && turns === 1, finalVerdict: solved ? 'passed' : 'wrong_answer', invalidTurns: 0, sandboxError: false,
  });
  // Problem A: solved at turn 1 in one rollout of two (the other failed all 3 turns); B: never solved.
  const a = [r(1, true, true), r(3, false, false)];
  const b = [r(3, false, false), r(3, false, false)];
  const summary = summarizeRollouts([a, b], parseMetrics('1@3,1@6,pass@1,pass@2,1@100'), 3, FAST);
  const value = (name: string): number | null | undefined => summary.metrics.find((m) => m.name === name)?.value;
  assert.equal(value('1@3'), 0.25); // A: 1/2, B: 0
  assert.equal(value('1@6'), 0.5); // A: either order reaches the solved rollout within 6 samples
  assert.equal(value('pass@1'), 0.25);
  assert.equal(value('pass@2'), 0.5);
  // 1@100: A is settled by its two rollouts, but B's two failed rollouts spend only 6 of 100 samples.
  assert.equal(value('1@100'), null);
  assert.match(summary.metrics.find((m) => m.name === '1@100')?.note ?? '', /^1 problem\(s\) need up to 3 rollouts to settle 1@100/);
  assert.equal(estimate([a], { kind: 'n@k', n: 1, k: 100 }, FAST).value, 1);
  assert.deepEqual(summary.solveRateByTurn.map((t) => t.value), [0.25, 0.25, 0.25]);
  assert.deepEqual(summary.finalVerdicts, { passed: 1, wrong_answer: 3 });
});

test('an episode becomes a rollout: its turns, whether its last answer passed the feedback tests, and its grade', () => {
  const problem: Problem = { id: 'p', source: 'rlef', description: 'd', tests: { public: [], private: [], generated: [] }, solutions: [], incorrectSolutions: [] };
  const generation: Generation = { text: '', contextIds: new Int32Array(0), responseIds: new Int32Array(0), endedTurn: true, logprobs: new Float32Array(0), policyVersion: 0, ms: 0 };
  const turn = (verdict: TurnVerdict): TurnRecord => ({ prompt: '', generation, code: verdict === 'invalid' ? null : 'x', verdict, outcomes: [], feedback: null, execMs: 0 });
  const episode = (verdicts: TurnVerdict[], finalVerdict: TurnVerdict): Episode => ({
    id: 'e', iteration: 0, draw: { problem, cursor: 0, epoch: 0 }, turns: verdicts.map(turn), finalVerdict, solved: finalVerdict === 'passed', gradeMs: 0,
  });
  assert.deepEqual(evalRollout(episode(['invalid', 'passed'], 'passed')), {
    turns: 2, passedPublic: true, solved: true, firstTurnSolved: false, finalVerdict: 'passed', invalidTurns: 1, sandboxError: false,
  });
  // Passed the public tests, failed the private ones: submitted, not solved.
  const privateFail = evalRollout(episode(['passed'], 'wrong_answer'));
  assert.equal(privateFail.passedPublic, true);
  assert.equal(privateFail.firstTurnSolved, false);
  assert.equal(evalRollout(episode(['sandbox_error', 'wrong_answer', 'wrong_answer'], 'wrong_answer')).sandboxError, true);
  assert.equal(evalRollout(episode(['passed'], 'passed')).firstTurnSolved, true);
});

test('the report table names every metric, its interval, the sweep and the token usage', () => {
  const r: EvalRollout = { turns: 1, passedPublic: true, solved: true, firstTurnSolved: true, finalVerdict: 'passed', invalidTurns: 0, sandboxError: false };
  const specs = parseMetrics('1@3,pass@5');
  const report: EvalReport = {
    policy: 'openai:http://127.0.0.1:1/v1', model: 'm', data: 'd.jsonl', format: 'auto', problems: 1, rollouts: 2, feedback: 'real',
    temperature: 0.2, topP: 0.95, seed: 1, outDir: '/tmp/x', startedAt: '', wallMs: 1500, definitions: METRIC_DEFINITIONS,
    turnLimits: [summarizeRollouts([[r, r]], specs, 1, FAST), summarizeRollouts([[r, r]], specs, 3, FAST)],
    usage: { promptTokens: 10, completionTokens: 5, requests: 2, retries: 1, emptyAnswers: 0 },
  };
  const text = formatEvalReport(report);
  assert.match(text, /1@3 +1\.0000 +\[1\.0000, 1\.0000\]/);
  assert.match(text, /pass@5 +n\/a +needs at least 5 rollouts per problem, have 2/);
  assert.match(text, /solved ≤ 3 turns/);
  assert.match(text, /turn-limit sweep:\n +metric +T=1 +T=3/);
  assert.match(text, /tokens: 10 prompt \+ 5 completion over 2 requests \(1 retries/);
});
