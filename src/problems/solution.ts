/**
 * How a model's code becomes the program that is run, and which reference solution `--canonical`
 * uses. Models in RLEF answer with a complete program in a code block; that program is run as-is,
 * with one help for function-call tasks whose prompt carries context (HumanEval's imports and
 * helper functions): that context is put in front, so an answer that defines only the asked-for
 * function still finds `List` or `is_palindrome`. An answer that is only an indented function
 * body (a completion) is appended to the whole prompt, as the original HumanEval harness does.
 */
import type { Problem } from './problem.ts';

/** The complete program to run for `code`, a model's answer (or a solutions file's entry). */
export function assembleSolution(problem: Problem, code: string): string {
  const { entryPoint, solutionPrefix } = problem;
  if (entryPoint === undefined || solutionPrefix === undefined) return code;
  if (definesFunction(code, entryPoint)) {
    const context = contextBefore(solutionPrefix, entryPoint);
    return context.trim() === '' ? code : `${context.trimEnd()}\n\n\n${code}`;
  }
  if (isIndentedBody(code)) return solutionPrefix + code;
  return code;
}

/** The first reference solution of a problem, or undefined when it has none. */
export function referenceSolution(problem: Problem): string | undefined {
  return problem.solutions[0];
}

/** True when `code` has a top-level `def name(` (or `async def`). */
export function definesFunction(code: string, name: string): boolean {
  return new RegExp(`^(?:async\\s+)?def\\s+${escapeRegExp(name)}\\s*\\(`, 'm').test(code);
}

/** The part of a prompt before the line that defines `name`: imports and helper functions. */
export function contextBefore(prompt: string, name: string): string {
  const match = new RegExp(`^(?:async\\s+)?def\\s+${escapeRegExp(name)}\\s*\\(`, 'm').exec(prompt);
  return match === null ? '' : prompt.slice(0, match.index);
}

function isIndentedBody(code: string): boolean {
  const first = code.split('\n').find((line) => line.trim() !== '');
  return first !== undefined && /^[ \t]/.test(first);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
