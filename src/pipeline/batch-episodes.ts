/**
 * The batcher: groups finished episodes into PPO batches by episode count and a token budget.
 * Every episode lands in exactly one batch (a final partial batch is flushed when the source
 * completes); a batch is sorted by episode id so its contents do not depend on finishing order.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { Episode } from './episode.ts';
import { episodeTokens } from './episode.ts';

export interface BatchOptions {
  /** Episodes per batch. */
  readonly episodes: number;
  /** Close a batch early when adding an episode would exceed this many tokens (default: no budget). */
  readonly maxTokens?: number;
  /** Token count of an episode (default: contexts plus responses of all its turns). */
  readonly tokensOf?: (episode: Episode) => number;
}

/** Operator: Episode stream → batches (arrays) of episodes. */
export function batchEpisodes(options: BatchOptions): OperatorFunction<Episode, Episode[]> {
  if (!(options.episodes >= 1)) throw new RangeError('batchEpisodes: episodes must be ≥ 1');
  const tokensOf = options.tokensOf ?? episodeTokens;
  const maxTokens = options.maxTokens ?? Infinity;
  return (source) =>
    new Observable<Episode[]>((subscriber) => {
      let batch: Episode[] = [];
      let tokens = 0;
      const flush = (): void => {
        if (batch.length === 0) return;
        const out = batch.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        batch = [];
        tokens = 0;
        subscriber.next(out);
      };
      const subscription = source.subscribe({
        next(episode) {
          const n = tokensOf(episode);
          if (batch.length > 0 && tokens + n > maxTokens) flush();
          batch.push(episode);
          tokens += n;
          if (batch.length >= options.episodes) flush();
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          flush();
          subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
}
