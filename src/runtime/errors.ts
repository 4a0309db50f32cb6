/**
 * Errors the CLI turns into one clear line and an exit code (STYLE.md: errors carry their exit code).
 * 64 usage, 65 bad input data, 66 missing input, 70 internal fault, 74 I/O error (sysexits.h).
 */

/** Base class: a message for the user, an exit code, and optional cause. */
export class RlefError extends Error {
  override readonly name: string = 'RlefError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 70, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** The user asked for something the command cannot do (bad flag combination, unknown name). */
export class UsageError extends RlefError {
  override readonly name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 64, options);
  }
}

/** An input file is malformed; `file:line: what is wrong`. */
export class InputError extends RlefError {
  override readonly name = 'InputError';
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, what: string, options?: { cause?: unknown }) {
    super(line === undefined ? `${file}: ${what}` : `${file}:${line}: ${what}`, 65, options);
    this.file = file;
    this.line = line;
  }
}

/** Exit code for any thrown value: RlefError carries its own, others are internal faults (70). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof RlefError) return error.exitCode;
  if (isNodeError(error) && error.code === 'ENOENT') return 66;
  return 70;
}

/** One line for the user; stack traces only for internal faults when RLEF_DEBUG is set. */
export function messageOf(error: unknown): string {
  if (error instanceof RlefError) return error.message;
  if (error instanceof Error) {
    if (process.env['RLEF_DEBUG'] !== undefined && error.stack !== undefined) return error.stack;
    return error.message;
  }
  return String(error);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
