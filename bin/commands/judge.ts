/** `rlef judge`: run reference or given solutions on a dataset's tests and count verdicts. */
import { type Command, Option } from 'commander';
import { positiveInt } from './option-parsers.ts';
import { DATASET_FORMATS } from '../../src/problems/load.ts';
import type { FormatOption } from '../../src/problems/load.ts';
import { runJudgeCommand } from '../../src/runtime/judge-command.ts';
import type { TestSelection } from '../../src/runtime/judge.ts';

const EXAMPLES = `
Formats (--format auto tells them apart by the parquet columns or the first record's keys):
  codecontests  CodeContests, Hugging Face parquet or JSONL (stdin/stdout tests)
  humaneval     HumanEval .jsonl[.gz] (task_id, prompt, canonical_solution, test, entry_point)
  evalplus      HumanEval+ / MBPP+ .jsonl[.gz] (base_input = public tests, plus_input = private);
                expected outputs are computed once by running the canonical solutions, then cached
  mbpp          MBPP .jsonl (task_id, text, code, test_list, test_setup_code, challenge_test_list)
  rlef          this project's JSONL: one Problem per line

Solutions file (--solutions): JSONL, one {"problem_id": "HumanEval/0", "code": "..."} per line.
The code is a complete program; for HumanEval-style tasks the prompt's imports and helpers are put
in front of it, and a bare indented function body is appended to the prompt.

Output: counts by verdict, then "N passed, M failed" as the last line (problems, not tests).
Exit status: 0 when judging ran, whatever the verdicts; 64 usage, 65 bad input, 66 missing file.

Examples:
  $ rlef judge --data ../shared/data/HumanEval.jsonl.gz --canonical
  $ rlef judge --data ../shared/data/MbppPlus-v0.1.0-dev.jsonl.gz --canonical --tests public
  $ rlef judge --data code_contests_valid.parquet --solutions answers.jsonl --json > verdicts.jsonl
`;

export function registerJudge(program: Command): void {
  program
    .command('judge')
    .description('run reference solutions (--canonical) or given ones (--solutions) on a dataset\'s tests and count verdicts')
    .requiredOption('--data <file>', 'dataset file: parquet, .jsonl or .jsonl.gz')
    .addOption(new Option('--format <format>', 'dataset format').choices(['auto', ...DATASET_FORMATS]).default('auto'))
    .option('--canonical', 'judge each problem\'s first reference solution (HumanEval/EvalPlus canonical, MBPP code, CodeContests first Python 3 solution)', false)
    .option('--solutions <file>', 'judge the programs in this JSONL of {"problem_id", "code"}')
    .addOption(new Option('--tests <which>', 'public tests only, or all (public + private + generated)').choices(['public', 'all']).default('all'))
    .option('--json', 'print one JSON object per problem (in dataset order) instead of the counts', false)
    .option('--workers <n>', 'execution workers (default: the number of cores, at most 8)', positiveInt)
    .option('--no-cache', 'recompute EvalPlus expected outputs instead of using ~/.cache/rlef/evalplus')
    .addHelpText('after', EXAMPLES)
    .action(async (opts: { data: string; format: FormatOption; canonical: boolean; solutions?: string; tests: TestSelection; json: boolean; workers?: number; cache: boolean }) => {
      // `rlef judge … | head` closes stdout early: that is the reader's choice, not an error.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      await runJudgeCommand(
        {
          data: opts.data,
          format: opts.format,
          canonical: opts.canonical,
          ...(opts.solutions === undefined ? {} : { solutions: opts.solutions }),
          tests: opts.tests,
          json: opts.json,
          ...(opts.workers === undefined ? {} : { workers: opts.workers }),
          ...(opts.cache ? {} : { cacheDir: false as const }),
        },
        { stdout: process.stdout, stderr: process.stderr },
      );
    });
}
