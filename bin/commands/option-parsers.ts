/** Parsers for numeric CLI options, shared by the commands (commander reports their errors). */
import { InvalidArgumentError } from 'commander';

/** A positive integer (counts, sizes). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Any integer (seeds). */
export function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}
