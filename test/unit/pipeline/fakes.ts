/** Scripted ports and tiny problems for marble tests of the pipeline operators. */
import type { Observable } from 'rxjs';
import type { JudgeRequest, JudgeResult } from '../../../src/exec/types.ts';
import type { Problem } from '../../../src/problems/problem.ts';
import type { Episode, Generation, TurnRecord } from '../../../src/pipeline/episode.ts';
import type { FeedbackContext, RolloutOptions } from '../../../src/pipeline/rollout-episode.ts';

export function problem(id: string): Problem {
  return {
    id,
    source: 'rlef',
    description: `problem ${id}`,
    tests: {
      public: [{ kind: 'stdio', input: '1', output: '1' }],
      private: [{ kind: 'stdio', input: '2', output: '2' }],
      generated: [],
    },
    solutions: [],
    incorrectSolutions: [],
  };
}

export function generation(text: string, version = 0): Generation {
  return {
    text,
    contextIds: new Int32Array(4),
    responseIds: new Int32Array(text.length),
    endedTurn: true,
    logprobs: new Float32Array(text.length),
    policyVersion: version,
    ms: 1,
  };
}

/**
 * A turn that sampled `response` after `context` with the given log-probs; it passed its public
 * tests when `passed`, and feedback followed unless it was the episode's `last` turn.
 */
export function tokenTurn(context: readonly number[], response: readonly number[], logprobs: Float32Array, passed: boolean, last: boolean): TurnRecord {
  return {
    prompt: 'p',
    generation: {
      text: 'x',
      contextIds: Int32Array.from(context),
      responseIds: Int32Array.from(response),
      endedTurn: true,
      logprobs,
      policyVersion: 0,
      ms: 0,
    },
    code: 'x',
    verdict: passed ? 'passed' : 'wrong_answer',
    outcomes: [],
    feedback: last ? null : 'f',
    execMs: 0,
  };
}

export function judged(verdict: JudgeResult['verdict']): JudgeResult {
  return {
    verdict,
    outcomes: [{ index: 0, verdict, input: '1', wallMs: 1 }],
    isolation: { network: true, unprivilegedUser: true, notes: [] },
    wallMs: 1,
  };
}

/** Code blocks are written `<code>`; everything else is prose without code. */
export function testRolloutOptions(feedback: (c: FeedbackContext) => Observable<string>): RolloutOptions {
  return {
    maxTurns: 3,
    initialPrompt: (p) => `solve ${p.id}`,
    extractCode: (text) => /<(.*)>/.exec(text)?.[1] ?? null,
    feedback,
  };
}

/** A judge request's program text (the test double judges by what the code says). */
export function codeOf(request: JudgeRequest): string {
  return request.code;
}

export function turnVerdicts(episode: Episode): string[] {
  return episode.turns.map((t) => t.verdict);
}
