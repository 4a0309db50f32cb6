import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleSolution, contextBefore, definesFunction } from '../../../src/problems/solution.ts';
import type { Problem } from '../../../src/problems/problem.ts';

const prompt = 'from typing import List\n\n\ndef helper(x):\n    return x\n\n\ndef total(xs: List[int]) -> int:\n    """Sum."""\n';
const problem: Problem = {
  id: 'p', source: 'humaneval', description: prompt, tests: { public: [], private: [], generated: [] },
  solutions: [], incorrectSolutions: [], entryPoint: 'total', solutionPrefix: prompt,
};

test('a complete function gets the prompt\'s imports and helpers put in front', () => {
  const code = 'def total(xs: List[int]) -> int:\n    return sum(map(helper, xs))\n';
  const program = assembleSolution(problem, code);
  assert.ok(program.startsWith('from typing import List\n\n\ndef helper(x):\n    return x\n'));
  assert.ok(program.endsWith(code));
  assert.ok(!program.includes('"""Sum."""'), 'the prompt\'s own stub of the function is not repeated');
});

test('an indented function body is appended to the whole prompt', () => {
  assert.equal(assembleSolution(problem, '    return sum(xs)\n'), `${prompt}    return sum(xs)\n`);
});

test('code is run as-is when the problem has no entry point or the code neither defines it nor is a body', () => {
  const { entryPoint: _e, solutionPrefix: _s, ...plain } = problem;
  assert.equal(assembleSolution(plain, 'print(1)\n'), 'print(1)\n');
  assert.equal(assembleSolution(problem, 'print(1)\n'), 'print(1)\n');
});

test('a function is found only at the top level and by its exact name', () => {
  assert.ok(definesFunction('import os\ndef total(x):\n  pass', 'total'));
  assert.ok(definesFunction('async def total (x):\n  pass', 'total'));
  assert.ok(!definesFunction('    def total(x):\n  pass', 'total'));
  assert.ok(!definesFunction('def totally(x):\n  pass', 'total'));
  assert.equal(contextBefore(prompt, 'helper'), 'from typing import List\n\n\n');
  assert.equal(contextBefore('x = 1\n', 'missing'), '');
});
