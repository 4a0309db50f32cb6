/**
 * Scripted policies, a harness check rather than a model: `scripted:canonical` answers every turn
 * with the problem's first reference solution, `scripted:none` with a program that does nothing
 * (for function tasks a function of the asked-for name that returns None). Run through `rlef eval`,
 * they must score 1 and 0: anything else points at the dataset, the sandbox or the evaluator,
 * not at a model. A problem without a reference solution gets an answer without code (invalid).
 */
import { Observable } from 'rxjs';
import type { Problem } from '../problems/problem.ts';
import type { Generation } from '../pipeline/episode.ts';
import type { GenerateRequest, PolicyPort } from '../pipeline/ports.ts';

export type ScriptedMode = 'canonical' | 'none';
export const SCRIPTED_MODES: readonly ScriptedMode[] = ['canonical', 'none'];

/** The answer text a scripted policy gives for `problem` (a markdown reply with one code block). */
export function scriptedAnswer(mode: ScriptedMode, problem: Problem): string {
  if (mode === 'canonical') {
    const reference = problem.solutions[0];
    if (reference === undefined) return 'This problem has no reference solution to answer with.';
    return fenced(reference);
  }
  const program = problem.entryPoint === undefined ? 'pass\n' : `def ${problem.entryPoint}(*args, **kwargs):\n    return None\n`;
  return fenced(program);
}

/** A policy that answers `problem` (whatever the dialog so far) with {@link scriptedAnswer}. */
export function scriptedPolicy(mode: ScriptedMode, problem: Problem): PolicyPort {
  const text = scriptedAnswer(mode, problem);
  return {
    generate: (_request: GenerateRequest): Observable<Generation> =>
      new Observable<Generation>((subscriber) => {
        subscriber.next({
          text,
          contextIds: new Int32Array(0),
          responseIds: new Int32Array(0),
          endedTurn: true,
          logprobs: new Float32Array(0),
          policyVersion: 0,
          ms: 0,
        });
        subscriber.complete();
      }),
  };
}

function fenced(code: string): string {
  return `\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`;
}
