/**
 * Bounds how often a reader of the state stream sees a new snapshot, so a pipeline emitting
 * thousands of states per second costs the UI at most `1000 / periodMs` renders per second.
 */
import { asyncScheduler, throttleTime, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Default time between two renders of the live UI (5 Hz). A frame of a 140×50 terminal costs
 * ink about 10–15 ms of CPU (layout, width measuring, diffing styled cells), so 5 Hz keeps the
 * UI near 5 % of one core while it still looks live.
 */
export const DEFAULT_FRAME_MS = 200;

/**
 * Passes the first value at once, then at most one value per `periodMs`, always the newest.
 * The trailing value is kept, so the last state before completion (`done`, `failed`) is never
 * dropped; completion waits for it.
 */
export function throttleState<T>(
  periodMs: number = DEFAULT_FRAME_MS,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<T> {
  return throttleTime<T>(periodMs, scheduler, { leading: true, trailing: true });
}
