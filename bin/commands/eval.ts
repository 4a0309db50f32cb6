/** `rlef eval`: n@k, pass@k and solve rates of a policy on a dataset, from many RLEF rollouts per problem. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { positiveInt, int } from './option-parsers.ts';
import { DATASET_FORMATS, type FormatOption } from '../../src/problems/load.ts';
import type { BackendPreference } from '../../src/policy/backend.ts';
import { DEFAULT_METRICS, MetricSpecError, parseMetrics, type MetricSpec } from '../../src/eval/metric-spec.ts';
import { EVAL_FEEDBACK, type EvalFeedback } from '../../src/runtime/eval-feedback.ts';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

function turnList(value: string): number[] {
  const limits = value.split(',').map((s) => Number(s.trim()));
  if (limits.length === 0 || limits.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 3 or 1,3,5');
  }
  return [...new Set(limits)];
}

function metricList(value: string): MetricSpec[] {
  try {
    return parseMetrics(value);
  } catch (error) {
    if (error instanceof MetricSpecError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

const HELP = `
Policies (--policy):
  DIR                      one of our checkpoints, a run directory (its newest checkpoint), or a Hugging Face
                           Llama folder (config.json, tokenizer.json)
  openai:BASE_URL          an OpenAI-compatible chat-completions server (vLLM, llama.cpp, OpenAI), e.g.
                           openai:http://127.0.0.1:8000/v1 --model NAME; the key comes from $OPENAI_API_KEY
                           (or --api-key-env NAME) and is not sent when unset
  scripted:canonical       harness check: answers each problem's reference solution (should score 1)
  scripted:none            harness check: answers a program that does nothing (should score 0)

Metrics (--metrics, comma-separated):
  n@k      e.g. 1@3, 10@100: chance that one of n submissions chosen from k samples passes all tests,
           every model response a sample (a rollout of T turns spends T); needs enough --rollouts
  pass@k   e.g. pass@1, pass@10: unbiased pass@k over the turn-1 responses (needs --rollouts ≥ k)
  Also always: solve rate within t turns for t = 1..T. Intervals: bootstrap 95% over problems.

Feedback (--feedback): real (public tests), random (failures of an unrelated wrong program),
none ("Give it another try." only), private (real feedback from the private tests, appendix B.2).

Output: a table (or one JSON object with --json) on stdout; in --out: eval.json, run.json and
trajectories/ (one Arrow segment per turn limit, training schema, split "eval").

Examples:
  $ rlef eval --policy scripted:canonical --data ../shared/data/HumanEvalPlus-v0.1.10.jsonl.gz --rollouts 1
  $ rlef eval --policy openai:http://127.0.0.1:8000/v1 --model meta-llama/Llama-3.1-8B-Instruct \\
      --data code_contests_valid.parquet --rollouts 20 --metrics 1@3,pass@1,pass@10
  $ rlef eval --policy runs/rlef-ppo-20260101-120000 --data data/suite/heldout.jsonl --turns 1,3,5
`;

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a policy with RLEF rollouts: n@k, pass@k, solve rate by turn, turn-limit sweeps and feedback ablations')
    .requiredOption('--policy <source>', 'checkpoint, run directory or HF folder, openai:BASE_URL, or scripted:canonical|none')
    .option('--model <name>', 'model name for an openai: server')
    .option('--api-key-env <name>', 'environment variable holding the API key', 'OPENAI_API_KEY')
    .requiredOption('--data <file>', 'dataset file: parquet, .jsonl or .jsonl.gz')
    .addOption(new Option('--format <format>', 'dataset format').choices(['auto', ...DATASET_FORMATS]).default('auto'))
    .option('--split <name>', 'keep only problems whose meta.split is this (e.g. the built-in suite\'s heldout)')
    .addOption(new Option('--turns <limits>', 'turn limit, or a comma-separated sweep (each limit gets its own rollouts)').argParser(turnList).default([3], '3'))
    .option('--rollouts <n>', 'rollouts per problem', positiveInt, 20)
    .option('--temperature <t>', 'sampling temperature', number, 0.2)
    .option('--retry-temperature <t>', 'sampling temperature of turns after the first (local policies; default: --temperature)', number)
    .option('--shorten-feedback', 'when a dialog outgrows the context, list fewer failed tests in feedback before hiding old answers (local policies)', false)
    .option('--top-p <p>', 'nucleus sampling mass', number, 0.95)
    .option('--max-new-tokens <n>', 'token budget per response (default for a local model: 512, or an eighth of its context when less; the server\'s default for openai:)', positiveInt)
    .addOption(new Option('--feedback <mode>', 'feedback between turns').choices([...EVAL_FEEDBACK]).default('real'))
    .addOption(new Option('--metrics <list>', 'metrics to estimate').argParser(metricList).default(parseMetrics(DEFAULT_METRICS), DEFAULT_METRICS))
    .option('--drop-words <rate>', 'leave out this share of each statement\'s words, as `rlef train --seed N` does for a pipeline\'s statementDropout (evaluate on a run\'s training statements)', number)
    .option('--limit <n>', 'only the first N problems', positiveInt)
    .option('--concurrency <n>', 'episodes (and server requests) in flight', positiveInt, 8)
    .option('--seed <n>', 'seed of the sampling streams and the bootstrap', int, 1)
    .option('--out <dir>', 'output directory (default: runs/eval-<timestamp>)')
    .option('--json', 'print one JSON object instead of the table', false)
    .addOption(new Option('--backend <name>', 'tfjs backend for a local policy').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .option('--workers <n>', 'execution workers (default: the number of cores, at most 8)', positiveInt)
    .option('--request-timeout <seconds>', 'per-request timeout for openai: servers', positiveInt)
    .option('--no-cache', 'recompute EvalPlus expected outputs instead of using ~/.cache/rlef/evalplus')
    .addHelpText('after', HELP)
    .action(async (opts: {
      policy: string; model?: string; apiKeyEnv: string; data: string; format: FormatOption; split?: string; turns: number[];
      rollouts: number; temperature: number; retryTemperature?: number; shortenFeedback: boolean; topP: number; maxNewTokens?: number; feedback: EvalFeedback; metrics: MetricSpec[];
      dropWords?: number; limit?: number; concurrency: number; seed: number; out?: string; json: boolean; backend: BackendPreference; workers?: number;
      requestTimeout?: number; cache: boolean;
    }) => {
      // Loaded on use: tfjs and the pool are heavy, and the other commands must not pay for them.
      const { evaluate } = await import('../../src/runtime/evaluate-run.ts');
      const report = await evaluate({
        policy: opts.policy,
        ...(opts.model === undefined ? {} : { model: opts.model }),
        apiKeyEnv: opts.apiKeyEnv,
        data: opts.data,
        format: opts.format,
        ...(opts.split === undefined ? {} : { split: opts.split }),
        turns: opts.turns,
        rollouts: opts.rollouts,
        temperature: opts.temperature,
        ...(opts.retryTemperature === undefined ? {} : { retryTemperature: opts.retryTemperature }),
        ...(opts.shortenFeedback ? { shortenFeedback: true } : {}),
        topP: opts.topP,
        ...(opts.maxNewTokens === undefined ? {} : { maxNewTokens: opts.maxNewTokens }),
        feedback: opts.feedback,
        metrics: opts.metrics,
        ...(opts.dropWords === undefined ? {} : { dropWords: opts.dropWords }),
        ...(opts.limit === undefined ? {} : { limit: opts.limit }),
        concurrency: opts.concurrency,
        seed: opts.seed,
        ...(opts.out === undefined ? {} : { out: opts.out }),
        json: opts.json,
        backend: opts.backend,
        ...(opts.workers === undefined ? {} : { workers: opts.workers }),
        ...(opts.requestTimeout === undefined ? {} : { requestTimeoutMs: opts.requestTimeout * 1000 }),
        ...(opts.cache ? {} : { cacheDir: false as const }),
        root: REPO_ROOT,
        stdout: process.stdout,
        stderr: process.stderr,
      });
      // A stopped run still reports, but scripts must not take it for a complete one.
      if (report.stoppedEarly === true) process.exitCode = 130;
    });
}
