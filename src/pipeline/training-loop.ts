/**
 * The RLEF training loop as one Observable: iterations start episodes from the seeded problem
 * order, episodes roll out with bounded concurrency (execution of one overlaps generation of
 * others), the batcher groups them, and the learner's PPO updates feed the next iterations.
 *
 * Backpressure and policy lag: iteration `i` starts only once the episodes of iterations
 * `< i − maxPolicyLag` have all been used by updates, so with the default lag 0 every episode is
 * sampled by the current policy (strictly on-policy), and generation pauses while the batcher
 * waits for the update.
 */
import {
  BehaviorSubject,
  EMPTY,
  NEVER,
  type Observable,
  concat,
  concatMap,
  connect,
  defer,
  filter,
  first,
  map,
  merge,
  mergeMap,
  of,
  range,
  takeUntil,
} from 'rxjs';
import type { Episode } from './episode.ts';
import type { ProblemOrder } from './problem-order.ts';
import type { JudgePort, LearnerPort, PolicyPort, UpdateResult } from './ports.ts';
import { batchEpisodes } from './batch-episodes.ts';
import { type EpisodeStart, type RolloutOptions, rolloutEpisode } from './rollout-episode.ts';

export interface TrainingLoopOptions {
  /** Total iterations of the run (the loop runs iterations `startIteration … iterations − 1`). */
  readonly iterations: number;
  readonly startIteration?: number;
  readonly episodesPerIteration: number;
  /** Episodes in flight at once. */
  readonly concurrency: number;
  /** How many iterations generation may run ahead of the updates (0 = on-policy). */
  readonly maxPolicyLag?: number;
  /** Close a PPO batch early past this many tokens. */
  readonly maxTokensPerBatch?: number;
  /** While true, no new episode starts (episodes in flight finish). */
  readonly paused$?: Observable<boolean>;
  /** When it emits, no new iteration starts; iterations already started finish and are trained on. */
  readonly stop$?: Observable<unknown>;
}

export type LoopEvent =
  | { readonly type: 'episode-start'; readonly start: EpisodeStart }
  | { readonly type: 'episode'; readonly episode: Episode }
  | { readonly type: 'update'; readonly batch: readonly Episode[]; readonly update: UpdateResult };

/** Data cursor of episode `index` of iteration `iteration`. */
export function cursorOf(iteration: number, index: number, episodesPerIteration: number): number {
  return iteration * episodesPerIteration + index;
}

/** Id of episode `index` of iteration `iteration` (sorts in start order). */
export function episodeId(iteration: number, index: number): string {
  return `it${String(iteration).padStart(5, '0')}-ep${String(index).padStart(5, '0')}`;
}

/** Builds the loop; nothing runs until it is subscribed. */
export function trainingLoop(
  order: ProblemOrder,
  ports: { readonly policy: PolicyPort; readonly judge: JudgePort; readonly learner: LearnerPort },
  rollout: RolloutOptions,
  options: TrainingLoopOptions,
): Observable<LoopEvent> {
  const perIteration = options.episodesPerIteration;
  const firstIteration = options.startIteration ?? 0;
  const lag = options.maxPolicyLag ?? 0;
  if (!(perIteration >= 1) || !(options.concurrency >= 1)) throw new RangeError('trainingLoop: bad sizes');
  return defer(() => {
    const consumed = new BehaviorSubject<number>(firstIteration * perIteration);
    const paused$ = options.paused$;
    const notPaused = (): Observable<unknown> => (paused$ === undefined ? of(true) : paused$.pipe(first((p) => !p)));
    const starts$: Observable<EpisodeStart> = range(firstIteration, Math.max(0, options.iterations - firstIteration)).pipe(
      concatMap((iteration) =>
        consumed.pipe(
          first((n) => n >= (iteration - lag) * perIteration),
          map(() => iteration),
        ),
      ),
      takeUntil(options.stop$ ?? NEVER),
      concatMap((iteration) =>
        range(0, perIteration).pipe(
          concatMap((index) =>
            notPaused().pipe(
              map(
                (): EpisodeStart => ({
                  id: episodeId(iteration, index),
                  iteration,
                  draw: order.at(cursorOf(iteration, index, perIteration)),
                }),
              ),
            ),
          ),
        ),
      ),
    );
    const rollouts$: Observable<LoopEvent> = starts$.pipe(
      mergeMap(
        (start) =>
          concat(
            of<LoopEvent>({ type: 'episode-start', start }),
            rolloutEpisode(start, ports, rollout).pipe(map((episode): LoopEvent => ({ type: 'episode', episode }))),
          ),
        options.concurrency,
      ),
    );
    // `connect` subscribes both branches before the rollouts start, so no event is missed.
    return rollouts$.pipe(
      connect((events$) =>
        merge(
          events$,
          events$.pipe(
            filter((e): e is Extract<LoopEvent, { type: 'episode' }> => e.type === 'episode'),
            map((e) => e.episode),
            batchEpisodes({
              episodes: perIteration,
              ...(options.maxTokensPerBatch !== undefined ? { maxTokens: options.maxTokensPerBatch } : {}),
            }),
            concatMap((batch) =>
              ports.learner.update(batch).pipe(
                concatMap((update) =>
                  // the update is reported before the gate opens, so events read in causal order
                  concat(
                    of<LoopEvent>({ type: 'update', batch, update }),
                    defer(() => {
                      consumed.next(consumed.value + batch.length);
                      return EMPTY;
                    }),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  });
}
