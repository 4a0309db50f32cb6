/**
 * EvalPlus HumanEval+ and MBPP+ (`.jsonl` / `.jsonl.gz`): `task_id, prompt, canonical_solution,
 * entry_point, base_input, plus_input, atol` (+ `contract`, `test` or `assertion`).
 * Base inputs are the public tests (feedback), plus inputs the private ones (grading). The files
 * hold inputs only: as EvalPlus does, expected outputs come from running the canonical solution
 * once per problem (`prepareEvalPlus`, in the sandbox) and are then written into each call test,
 * which checks a solution's output with EvalPlus's rules (evalplus-check.py).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionPool, RunResult } from '../exec/types.ts';
import { InputError, RlefError } from '../runtime/errors.ts';
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_TIME_LIMIT_MS } from './problem.ts';
import type { CallTest, Problem } from './problem.ts';
import type { Fields } from './fields.ts';

/** The keys that identify an EvalPlus record (format detection). */
export const EVALPLUS_KEYS = ['task_id', 'base_input', 'plus_input'] as const;

const CHECK_HELPER = readFileSync(new URL('./evalplus-check.py', import.meta.url), 'utf8');
const EXPECTED_SCRIPT = `${CHECK_HELPER}\n${readFileSync(new URL('./evalplus-expected.py', import.meta.url), 'utf8')}`;

/** EvalPlus's own limits: 4 GiB of memory; a solution may take 4× the canonical time per input. */
const EVALPLUS_MEMORY_BYTES = 4 * 1024 ** 3;
const TIME_FACTOR = 4;
/** A private test runs this many plus inputs at most, and about 6 s of 4×-canonical time. */
const CHUNK_INPUTS = 100;
const CHUNK_BUDGET_MS = 6000;
const CHUNK_SOURCE_BYTES = 1024 * 1024;
/** Room for the child's start and for parsing the test code, on top of the inputs' own time. */
const STARTUP_ALLOWANCE_MS = 2000;
const PREPARE_LIMITS = { timeLimitMs: 600_000, memoryLimitBytes: EVALPLUS_MEMORY_BYTES, maxStdoutBytes: 512 * 1024 * 1024 };

/** An EvalPlus record as read: the inputs stay as JSON text until Python parses them. */
export interface EvalPlusTask {
  readonly id: string;
  readonly flavour: 'humaneval' | 'mbpp';
  readonly description: string;
  readonly prompt: string;
  readonly canonicalSolution: string;
  readonly entryPoint: string;
  readonly atol: number;
  /** The record's JSON line, sent whole to the expected-output script. */
  readonly record: string;
  readonly file: string;
  readonly line: number;
}

/** One EvalPlus record, checked; `text` is its JSONL line. */
export function evalPlusTask(fields: Fields, text: string): EvalPlusTask {
  const id = fields.nonEmptyString('task_id');
  const entryPoint = fields.nonEmptyString('entry_point');
  if (!/^[A-Za-z_]\w*$/.test(entryPoint)) throw fields.error(`field "entry_point" must be a Python name, got ${JSON.stringify(entryPoint)}`);
  for (const key of ['base_input', 'plus_input']) {
    const value = fields.record[key];
    // Mbpp/793 of MBPP+ v0.1.0 has `plus_input: {}`; EvalPlus iterates that as no inputs.
    const empty = typeof value === 'object' && value !== null && Object.keys(value).length === 0;
    if (!Array.isArray(value) && !empty) throw fields.error(`field "${key}" must be a list of argument lists`);
  }
  const prompt = fields.string('prompt');
  const flavour = id.startsWith('Mbpp/') ? 'mbpp' : 'humaneval';
  return {
    id,
    flavour,
    description: flavour === 'mbpp' ? mbppDescription(prompt, fields.optionalString('assertion')) : prompt,
    prompt,
    canonicalSolution: fields.string('canonical_solution'),
    entryPoint,
    atol: fields.optionalNumber('atol') ?? 0,
    record: text,
    file: fields.place.file,
    line: fields.place.line ?? 0,
  };
}

/** MBPP+ prompts are a docstring; like EvalPlus's prompt, add the first assertion as an example. */
function mbppDescription(prompt: string, assertion: string | undefined): string {
  const text = prompt.trim().replace(/^(?:'''|""")/, '').replace(/(?:'''|""")$/, '').trim();
  const example = assertion?.split('\n').find((line) => line.trim().startsWith('assert'));
  return example === undefined ? text : `${text}\nYour code should pass this test:\n\n${example.trim()}`;
}

/** One input as the expected-output script reports it. */
interface Case {
  readonly args: string;
  readonly display: string;
  readonly expected: string | null;
  readonly digest: string | null;
  readonly quick: string | null;
  readonly ms: number;
}

interface Expected {
  readonly base: readonly Case[];
  readonly plus: readonly Case[];
  readonly peakBytes: number;
}

export interface PrepareOptions {
  /** Problems prepared at once (default 4; the pool queues the rest). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called after each problem. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Keep computed outputs here, keyed by a hash of the record and the scripts (as EvalPlus caches). */
  readonly cacheDir?: string;
}

/**
 * Runs each task's canonical solution over its inputs in the sandbox and returns the Problems,
 * in task order. A canonical solution that fails, times out (600 s) or runs out of memory (4 GiB)
 * fails the whole preparation with an InputError naming the task.
 */
export async function prepareEvalPlus(tasks: readonly EvalPlusTask[], pool: ExecutionPool, options: PrepareOptions = {}): Promise<Problem[]> {
  const problems = new Array<Problem>(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index]!;
      problems[index] = evalPlusProblem(task, await expectedOutputs(task, pool, options));
      options.onProgress?.(++done, tasks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, tasks.length)) }, worker));
  return problems;
}

async function expectedOutputs(task: EvalPlusTask, pool: ExecutionPool, options: PrepareOptions): Promise<Expected> {
  const key = createHash('sha256').update(EXPECTED_SCRIPT).update('\0').update(task.record).digest('hex');
  const cached = options.cacheDir === undefined ? undefined : await readCache(join(options.cacheDir, `${key}.json`));
  const text = cached ?? checkRun(task, await pool.run(EXPECTED_SCRIPT, task.record, PREPARE_LIMITS, options.signal));
  const expected = parseExpected(task, text);
  if (cached === undefined && options.cacheDir !== undefined) await writeCache(options.cacheDir, `${key}.json`, text);
  return expected;
}

function checkRun(task: EvalPlusTask, run: RunResult): string {
  const fail = (why: string): never => {
    throw new InputError(task.file, task.line, `${task.id}: the canonical solution failed while computing expected outputs: ${why}`);
  };
  if (run.sandboxError !== undefined) throw new RlefError(`${task.id}: the sandbox failed while computing expected outputs: ${run.sandboxError}`);
  if (run.timedOut) fail(`it took over ${PREPARE_LIMITS.timeLimitMs / 1000} s`);
  if (run.memoryExceeded) fail('it ran out of memory (4 GiB)');
  if (run.stdoutTruncated) fail('its outputs are over 512 MiB');
  if (run.exitCode !== 0) fail(run.stderr.trim().split('\n').slice(-3).join(' | ') || `exit status ${run.exitCode}`);
  return run.stdout;
}

function parseExpected(task: EvalPlusTask, text: string): Expected {
  const value = JSON.parse(text) as Expected;
  if (!Array.isArray(value.base) || !Array.isArray(value.plus)) throw new RlefError(`${task.id}: malformed expected outputs`);
  return value;
}

/** The Problem for a task whose expected outputs are known. */
export function evalPlusProblem(task: EvalPlusTask, expected: Expected): Problem {
  const publicTests = expected.base.map((c): CallTest => ({
    kind: 'call',
    code: checkCode(task, [c]),
    display: c.display,
    expected: shown(c),
  }));
  const chunks = chunk(expected.plus);
  let start = 0;
  const privateTests = chunks.map((cases): CallTest => {
    const display = `${task.entryPoint}: plus inputs ${start + 1}-${start + cases.length} of ${expected.plus.length}`;
    start += cases.length;
    return { kind: 'call', code: checkCode(task, cases), display };
  });
  const slowest = Math.max(0, ...[...expected.base.map((c) => [c]), ...chunks].map((cases) => sumMs(cases)));
  const timeLimitMs = Math.ceil(TIME_FACTOR * slowest + STARTUP_ALLOWANCE_MS);
  const needsMemory = expected.peakBytes > DEFAULT_MEMORY_LIMIT_BYTES / 4;
  return {
    id: task.id,
    source: 'evalplus',
    description: task.description,
    tests: { public: publicTests, private: privateTests, generated: [] },
    ...(timeLimitMs > DEFAULT_TIME_LIMIT_MS ? { timeLimitMs } : {}),
    ...(needsMemory ? { memoryLimitBytes: EVALPLUS_MEMORY_BYTES } : {}),
    solutions: [task.prompt + task.canonicalSolution],
    incorrectSolutions: [],
    entryPoint: task.entryPoint,
    ...(task.flavour === 'humaneval' ? { solutionPrefix: task.prompt } : {}),
    meta: { atol: task.atol, baseInputs: expected.base.length, plusInputs: expected.plus.length },
  };
}

/** Python for one call test: the checking helpers, then one `_rlef_check` over the cases. */
function checkCode(task: EvalPlusTask, cases: readonly Case[]): string {
  const py = (text: string | null | undefined): string => (text === null || text === undefined ? 'None' : JSON.stringify(text));
  const items = cases.map((c) => `(lambda: ${c.args}, ${c.expected ?? 'None'}, ${c.digest === null ? 'None' : `(${py(c.digest)}, ${py(c.quick)})`})`);
  return `${CHECK_HELPER}\n_rlef_check(${task.entryPoint}, ${JSON.stringify(task.flavour)}, ${JSON.stringify(task.entryPoint)}, ${String(task.atol)}, [\n${items.join(',\n')}\n])\n`;
}

function shown(c: Case): string {
  if (c.expected === null) return `(a value too large to show; SHA-256 ${c.digest ?? ''})`;
  return c.expected.length > 1000 ? `${c.expected.slice(0, 1000)}...` : c.expected;
}

/** Plus inputs grouped into private tests by count, canonical time and source size. */
function chunk(cases: readonly Case[]): Case[][] {
  const chunks: Case[][] = [];
  let current: Case[] = [];
  let ms = 0;
  let bytes = 0;
  for (const c of cases) {
    const size = c.args.length + (c.expected?.length ?? 64);
    const full = current.length >= CHUNK_INPUTS || TIME_FACTOR * (ms + c.ms) > CHUNK_BUDGET_MS || bytes + size > CHUNK_SOURCE_BYTES;
    if (current.length > 0 && full) {
      chunks.push(current);
      current = [];
      ms = 0;
      bytes = 0;
    }
    current.push(c);
    ms += c.ms;
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function sumMs(cases: readonly Case[]): number {
  return cases.reduce((sum, c) => sum + c.ms, 0);
}

async function readCache(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function writeCache(dir: string, name: string, text: string): Promise<void> {
  // Written under a temporary name and renamed, so a concurrent reader never sees half a file.
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `${name}.${process.pid}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, join(dir, name));
}
