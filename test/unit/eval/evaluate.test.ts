import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Subject, lastValueFrom, of, tap, timer, toArray, map } from 'rxjs';
import { evaluationEpisodes, evaluationStarts } from '../../../src/eval/evaluate.ts';
import type { JudgeResult } from '../../../src/exec/types.ts';
import type { Generation } from '../../../src/pipeline/episode.ts';
import type { GenerateRequest, JudgePort, PolicyPort } from '../../../src/pipeline/ports.ts';
import type { RolloutOptions } from '../../../src/pipeline/rollout-episode.ts';
import type { Problem } from '../../../src/problems/problem.ts';

const problem = (id: string): Problem => ({
  id, source: 'rlef', description: id, tests: { public: [{ kind: 'stdio', input: '', output: '1\n' }], private: [], generated: [] }, solutions: [], incorrectSolutions: [],
});
const problems = [problem('a'), problem('b'), problem('c')];

function ports(seeds: string[]): { policyFor: () => PolicyPort; judge: JudgePort } {
  const generation = (request: GenerateRequest): Generation => ({
    text: `\`\`\`python\nprint(1)  # ${request.seed}\n\`\`\``,
    contextIds: new Int32Array(0), responseIds: new Int32Array(0), endedTurn: true, logprobs: new Float32Array(0), policyVersion: 0, ms: 0,
  });
  const passed: JudgeResult = { verdict: 'passed', outcomes: [], isolation: { network: true, unprivilegedUser: true, notes: [] }, wallMs: 0 };
  return {
    policyFor: () => ({ generate: (request) => { seeds.push(request.seed); return of(generation(request)); } }),
    // Asynchronous like the real pool, so several episodes are in flight at once.
    judge: { judge: () => timer(1).pipe(map(() => passed)) },
  };
}

const options = (maxTurns: number): RolloutOptions => ({
  maxTurns, initialPrompt: (p) => p.description, extractCode: (t) => /```python\n([\s\S]*?)```/.exec(t)?.[1] ?? null, feedback: () => of('again'),
});

test('evaluation starts every rollout of every problem, rollout by rollout, each with its own id', () => {
  const starts = evaluationStarts({ problems, rollouts: 2, turnLimit: 3, concurrency: 1, seed: 4 }, 3);
  assert.deepEqual(starts.map((s) => `${s.draw.problem.id}/${s.draw.epoch}/${s.draw.cursor}`), ['a/0/0', 'b/0/1', 'c/0/2', 'a/1/3', 'b/1/4', 'c/1/5']);
  assert.equal(new Set(starts.map((s) => s.id)).size, 6);
  assert.equal(starts[0]!.id, 'eval:s4:t3:a:r0');
});

test('every episode is played once, and each turn samples from a seed of its own rollout', async () => {
  const seeds: string[] = [];
  const episodes = await lastValueFrom(
    evaluationEpisodes({ problems, rollouts: 3, turnLimit: 2, concurrency: 4, seed: 1 }, ports(seeds), () => options(2)).pipe(toArray()),
  );
  assert.equal(episodes.length, 9);
  assert.equal(new Set(episodes.map((e) => e.id)).size, 9);
  assert.ok(episodes.every((e) => e.solved && e.turns.length === 1));
  assert.equal(new Set(seeds).size, 9);
});

test('a stop lets the episodes in flight finish and starts no new one', async () => {
  const stop$ = new Subject<void>();
  const episodes = await lastValueFrom(
    evaluationEpisodes({ problems, rollouts: 4, turnLimit: 1, concurrency: 2, seed: 1, stop$ }, ports([]), () => options(1)).pipe(
      tap((_e) => stop$.next()),
      toArray(),
    ),
  );
  // Two were in flight when the first finished and stopped the run; the second still finished.
  assert.equal(episodes.length, 2);
});

test('rollout options with another turn limit than the plan are refused', async () => {
  await assert.rejects(
    lastValueFrom(evaluationEpisodes({ problems, rollouts: 1, turnLimit: 3, concurrency: 1, seed: 1 }, ports([]), () => options(2))),
    /rollout options say 2 turns, the plan 3/,
  );
});
