/**
 * Evaluation as one Observable: `rollouts` independent RLEF episodes per problem, with the turn
 * limit and feedback of the caller's rollout options, at most `concurrency` in flight. Pure
 * composition over injected ports (the runtime wires the real policy and pool).
 *
 * Episodes are started rollout by rollout (rollout 0 of every problem, then rollout 1, …), so a
 * run stopped early has an even number of rollouts across problems. Each episode's id names its
 * turn limit, problem and rollout; rolloutEpisode seeds each turn's sampling from it, so every
 * rollout samples from its own stream and a rerun with the same seed asks for the same samples.
 */
import { EMPTY, type Observable, defer, finalize, mergeMap, range } from 'rxjs';
import type { Problem } from '../problems/problem.ts';
import type { Episode } from '../pipeline/episode.ts';
import type { JudgePort, PolicyPort } from '../pipeline/ports.ts';
import { type EpisodeStart, type RolloutOptions, rolloutEpisode } from '../pipeline/rollout-episode.ts';

export interface EvaluationPlan {
  readonly problems: readonly Problem[];
  readonly rollouts: number;
  readonly turnLimit: number;
  /** Episodes in flight at once. */
  readonly concurrency: number;
  /** Seed of the sampling streams (part of every episode id). */
  readonly seed: number | string;
  /** When it emits, no new episode starts; the episodes in flight finish and are emitted. */
  readonly stop$?: Observable<unknown>;
}

export interface EvaluationPorts {
  /** The policy that answers `problem` (one shared model, or a scripted answer per problem). */
  readonly policyFor: (problem: Problem) => PolicyPort;
  readonly judge: JudgePort;
}

/** The id of rollout `rollout` of `problem` under turn limit `turnLimit`. */
export function evalEpisodeId(seed: number | string, turnLimit: number, problem: Problem, rollout: number): string {
  return `eval:s${String(seed)}:t${turnLimit}:${problem.id}:r${rollout}`;
}

/** The start of every episode of the plan, rollout-major. */
export function evaluationStarts(plan: EvaluationPlan, turnLimit: number): EpisodeStart[] {
  const size = plan.problems.length;
  const starts: EpisodeStart[] = [];
  for (let r = 0; r < plan.rollouts; r++) {
    plan.problems.forEach((problem, p) => {
      starts.push({ id: evalEpisodeId(plan.seed, turnLimit, problem, r), iteration: 0, draw: { problem, cursor: r * size + p, epoch: r } });
    });
  }
  return starts;
}

/**
 * Plays every episode of the plan; emits each Episode as it finishes (not in start order).
 * `optionsFor` gives each episode its rollout options (turn limit `plan.turnLimit`, feedback, …),
 * so an ablation can seed its random feedback per rollout.
 */
export function evaluationEpisodes(
  plan: EvaluationPlan,
  ports: EvaluationPorts,
  optionsFor: (start: EpisodeStart) => RolloutOptions,
): Observable<Episode> {
  if (!Number.isInteger(plan.rollouts) || plan.rollouts < 1) throw new RangeError(`rollouts must be a positive integer, got ${plan.rollouts}`);
  if (!Number.isInteger(plan.concurrency) || plan.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${plan.concurrency}`);
  const starts = evaluationStarts(plan, plan.turnLimit);
  return defer(() => {
    // mergeMap projects a buffered index only when a slot frees, so checking here stops new starts.
    let stopped = false;
    const stopping = plan.stop$?.subscribe(() => (stopped = true));
    return range(0, starts.length).pipe(
      mergeMap((i) => {
        if (stopped) return EMPTY;
        const start = starts[i]!;
        const options = optionsFor(start);
        if (options.maxTurns !== plan.turnLimit) throw new RangeError(`rollout options say ${options.maxTurns} turns, the plan ${plan.turnLimit}`);
        return rolloutEpisode(start, { policy: ports.policyFor(start.draw.problem), judge: ports.judge }, options);
      }, plan.concurrency),
      finalize(() => stopping?.unsubscribe()),
    );
  });
}
