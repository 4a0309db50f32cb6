/**
 * Bridges promise-returning work that honours an AbortSignal into a cold Observable:
 * subscribing starts the work, unsubscribing aborts it (so cancellation reaches the pool's child
 * processes or the generator).
 */
import { Observable } from 'rxjs';

/** A cold Observable of `work(signal)`; the signal aborts when the subscriber unsubscribes early. */
export function fromAbortable<T>(work: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    work(controller.signal).then(
      (value) => {
        settled = true;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) controller.abort(new Error('cancelled'));
    };
  });
}
