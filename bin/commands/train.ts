/** `rlef train`: run (or resume) an RLEF training pipeline. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { positiveInt, int } from './option-parsers.ts';
import { DEFAULT_PIPELINE, REPO_ROOT, loadPipeline } from '../../src/runtime/load-pipeline.ts';
import type { BackendPreference } from '../../src/policy/backend.ts';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a policy with RLEF (multi-turn PPO on execution feedback); shows a live UI on a terminal')
    .option('--pipeline <file>', 'pipeline file (a pipelines/*.ts config)', DEFAULT_PIPELINE)
    .option('--out <dir>', 'run directory (default: runs/<pipeline>-<timestamp>)')
    .option('--iterations <n>', 'total iterations of the run (overrides the pipeline)', positiveInt)
    .option('--episodes <n>', 'episodes per iteration (overrides the pipeline)', positiveInt)
    .option('--resume', 'continue the run in --out (or the newest run of the pipeline) from its last checkpoint', false)
    .option('--seed <n>', 'seed of data order, sampling and initialisation', int, 1)
    .addOption(
      new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    )
    .option('--no-tui', 'plain progress lines instead of the live terminal UI')
    .option('--json', 'one JSON metrics object per iteration on stdout', false)
    .option('--no-eval', "skip the held-out evaluation at the end (the pipeline's evaluation block)")
    .action(async (opts: { pipeline: string; out?: string; iterations?: number; episodes?: number; resume: boolean; seed: number; backend: BackendPreference; tui: boolean; json: boolean; eval: boolean }) => {
      // Loaded on use: tfjs and the pool are heavy, and the other commands must not pay for them.
      const { train } = await import('../../src/runtime/train.ts');
      const pipeline = await loadPipeline(opts.pipeline);
      const summary = await train({
        pipeline,
        root: REPO_ROOT,
        ...(opts.out === undefined ? {} : { out: opts.out }),
        ...(opts.iterations === undefined ? {} : { iterations: opts.iterations }),
        ...(opts.episodes === undefined ? {} : { overrides: { episodesPerIteration: opts.episodes } }),
        resume: opts.resume,
        seed: opts.seed,
        backend: opts.backend,
        reporter: opts.json ? 'json' : opts.tui ? 'tui' : 'plain',
        stdout: process.stdout,
        stderr: process.stderr,
      });
      process.stderr.write(`[run] ${summary.runDir}: ${summary.nextIteration} iterations done${summary.stoppedEarly ? ' (stopped early; --resume continues)' : ''}\n`);
      if (!opts.eval || summary.stoppedEarly || pipeline.evaluation === undefined || pipeline.data.heldout === undefined) return;
      if (summary.finalCheckpoint === null) {
        process.stderr.write('[eval] no checkpoint was written: nothing to evaluate\n');
        return;
      }
      const { evaluateHeldout, evaluateTrainingSample, formatHeldoutComparison } = await import('../../src/runtime/heldout-eval.ts');
      const evalOptions = {
        pipeline,
        root: REPO_ROOT,
        runDir: summary.runDir,
        startCheckpoint: summary.startCheckpoint,
        finalCheckpoint: summary.finalCheckpoint,
        finalLabel: `trained (${summary.nextIteration} iterations of ${pipeline.name})`,
        // The run's seed: a resumed run is compared (and its statements thinned) as it began.
        seed: summary.seed,
        backend: opts.backend,
        log: (line: string) => void process.stderr.write(`${line}\n`),
      };
      const table = formatHeldoutComparison(await evaluateHeldout(evalOptions));
      await writeFile(join(summary.runDir, 'heldout.txt'), table);
      process.stdout.write(`\n${table}`);
      // What RL learned on its own distribution, beside what carried over (the pipeline's trainingSample).
      const training = await evaluateTrainingSample(evalOptions);
      if (training === null) return;
      const trainingTable = formatHeldoutComparison(training);
      await writeFile(join(summary.runDir, 'training-sample.txt'), trainingTable);
      process.stdout.write(`\n${trainingTable}`);
    });
}
