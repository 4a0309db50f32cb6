/**
 * Errors of the execution pool. A failing *program* is never an error (it is a verdict);
 * these are for the pool itself: no interpreter, a fork server that cannot start, use after close.
 */
import { RlefError } from '../runtime/errors.ts';

/** The sandbox infrastructure failed (fork server died, protocol broken, no Python found). */
export class SandboxError extends RlefError {
  override readonly name = 'SandboxError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 70, options);
  }
}

/** The pool was used after `close()`. */
export class PoolClosedError extends RlefError {
  override readonly name = 'PoolClosedError';
  constructor(options?: { cause?: unknown }) {
    super('the execution pool is closed', 70, options);
  }
}
