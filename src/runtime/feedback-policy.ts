/**
 * What the model is told after a failed turn: the real execution feedback (RLEF.md §1.3), or an
 * ablation of it (§4): random feedback — the result of running a wrong solution of an unrelated
 * problem, else `raise NotImplementedError()` — or none at all ("Give it another try." only).
 */
import { type Observable, map, of } from 'rxjs';
import seedrandom from 'seedrandom';
import { formatFeedback } from '../exec/feedback.ts';
import type { Problem } from '../problems/problem.ts';
import type { JudgePort } from '../pipeline/ports.ts';
import type { FeedbackContext } from '../pipeline/rollout-episode.ts';

export type FeedbackMode = 'real' | 'random' | 'none';

export const NO_FEEDBACK_MESSAGE = 'Give it another try.';
export const NOT_IMPLEMENTED_PROGRAM = 'raise NotImplementedError()\n';

/** The `feedback` function of the rollout options for a mode. */
export function feedbackPolicy(
  mode: FeedbackMode,
  deps: { readonly judge: JudgePort; readonly problems: readonly Problem[]; readonly seed: number | string },
): (context: FeedbackContext) => Observable<string> {
  if (mode === 'real') {
    return (c) => of(formatFeedback(c.code === null ? undefined : c.outcomes));
  }
  if (mode === 'none') return () => of(NO_FEEDBACK_MESSAGE);
  const donors = deps.problems.filter((p) => p.incorrectSolutions.length > 0 && p.tests.public.length > 0);
  return (c) => {
    const random = seedrandom(`random-feedback:${String(deps.seed)}:${c.problem.id}:${c.turn}`);
    const others = donors.filter((p) => p.id !== c.problem.id);
    const donor = others.length === 0 ? undefined : others[Math.floor(random() * others.length)];
    const wrong = donor?.incorrectSolutions[Math.floor(random() * (donor?.incorrectSolutions.length ?? 1))];
    const [code, tests] =
      donor === undefined || wrong === undefined
        ? [NOT_IMPLEMENTED_PROGRAM, c.problem.tests.public]
        : [wrong, donor.tests.public];
    return deps.judge.judge({ code, tests, mode: 'all', limits: { timeLimitMs: 2_000 } }).pipe(
      map((result) =>
        result.verdict === 'passed'
          ? formatFeedback(undefined) // a "wrong" solution that passes gives no failure to show
          : formatFeedback(result.outcomes),
      ),
    );
  };
}
