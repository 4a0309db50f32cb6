// Reads the committed suite files for the tests of this folder.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Problem, StdioTest, Test } from '../../../src/problems/problem.ts';

/** The folder the pipeline writes by default. */
export const SUITE_DIR = fileURLToPath(new URL('../../../data/suite/', import.meta.url));

/** The problems of one committed split, in file order. */
export function loadSplit(split: 'train' | 'heldout' | 'smoke' | 'novel' | 'fresh' | 'grammar'): Problem[] {
  return readFileSync(`${SUITE_DIR}${split}.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Problem);
}

/** The stdio tests of a list (the suite has no other kind). */
export function stdio(tests: readonly Test[]): StdioTest[] {
  return tests.filter((t): t is StdioTest => t.kind === 'stdio');
}

/** The family a problem was drawn from. */
export function familyOf(problem: Problem): string {
  return String(problem.meta?.family);
}
