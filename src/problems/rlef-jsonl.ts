/**
 * The project's own dataset format: JSONL, one `Problem` (problem.ts) as JSON per line. It is what
 * other formats convert to, e.g. an EvalPlus dataset after its expected outputs were computed.
 * Required: `id`, `description`, `tests.public`; everything else is optional (see README).
 */
import type { CallTest, Problem, ProblemSource, ProblemTests, Test } from './problem.ts';
import type { Fields } from './fields.ts';

/** The keys that identify a record of this format (format detection). */
export const RLEF_KEYS = ['id', 'description', 'tests'] as const;

const SOURCES: readonly ProblemSource[] = ['codecontests', 'humaneval', 'evalplus', 'mbpp', 'rlef'];

/** One line of the project's JSONL as a Problem, every field checked. */
export function rlefProblem(fields: Fields): Problem {
  const source = fields.optionalString('source') ?? 'rlef';
  if (!SOURCES.includes(source as ProblemSource)) throw fields.error(`field "source" must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(source)}`);
  const timeLimitMs = positive(fields, 'timeLimitMs');
  const memoryLimitBytes = positive(fields, 'memoryLimitBytes');
  const entryPoint = fields.optionalString('entryPoint');
  const solutionPrefix = fields.optionalString('solutionPrefix');
  const meta = fields.has('meta') ? metaOf(fields) : undefined;
  return {
    id: fields.nonEmptyString('id'),
    source: source as ProblemSource,
    description: fields.string('description'),
    tests: testsOf(fields),
    ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
    ...(memoryLimitBytes === undefined ? {} : { memoryLimitBytes }),
    solutions: fields.optionalStringArray('solutions'),
    incorrectSolutions: fields.optionalStringArray('incorrectSolutions'),
    ...(entryPoint === undefined ? {} : { entryPoint }),
    ...(solutionPrefix === undefined ? {} : { solutionPrefix }),
    ...(meta === undefined ? {} : { meta }),
  };
}

/** A Problem as one line of the project's JSONL (no trailing newline). */
export function problemToJsonLine(problem: Problem): string {
  return JSON.stringify(problem);
}

function testsOf(fields: Fields): ProblemTests {
  const tests = fields.object('tests');
  if (!Array.isArray(tests.record['public'])) throw fields.error('field "tests.public" must be an array of tests');
  return {
    public: testList(tests, 'public'),
    private: tests.has('private') ? testList(tests, 'private') : [],
    generated: tests.has('generated') ? testList(tests, 'generated') : [],
  };
}

function testList(tests: Fields, role: string): Test[] {
  const list = tests.record[role];
  if (!Array.isArray(list)) throw tests.error(`field "${role}" must be an array of tests`);
  return list.map((item: unknown, i): Test => {
    const where = `tests.${role}[${i}]`;
    if (typeof item !== 'object' || item === null) throw tests.error(`${where} must be an object`);
    const test = item as Record<string, unknown>;
    if (test['kind'] === 'stdio') {
      if (typeof test['input'] !== 'string' || typeof test['output'] !== 'string') throw tests.error(`${where}: a stdio test needs string "input" and "output"`);
      return { kind: 'stdio', input: test['input'], output: test['output'] };
    }
    if (test['kind'] === 'call') {
      if (typeof test['code'] !== 'string' || typeof test['display'] !== 'string') throw tests.error(`${where}: a call test needs string "code" and "display"`);
      const call: CallTest = { kind: 'call', code: test['code'], display: test['display'] };
      if (test['expected'] === undefined) return call;
      if (typeof test['expected'] !== 'string') throw tests.error(`${where}: "expected" must be a string`);
      return { ...call, expected: test['expected'] };
    }
    throw tests.error(`${where}: "kind" must be "stdio" or "call", got ${JSON.stringify(test['kind'])}`);
  });
}

function positive(fields: Fields, key: string): number | undefined {
  const value = fields.optionalNumber(key);
  if (value !== undefined && value <= 0) throw fields.error(`field "${key}" must be positive, got ${value}`);
  return value;
}

function metaOf(fields: Fields): Record<string, string | number | boolean> {
  const meta = fields.object('meta').record;
  for (const [key, value] of Object.entries(meta)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw fields.error(`field "meta.${key}" must be a string, number or boolean`);
  }
  return meta as Record<string, string | number | boolean>;
}
