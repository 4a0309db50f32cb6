/** `rlef sft`: the supervised warm start (reference solutions and repair traces with real feedback). */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { positiveInt, int } from './option-parsers.ts';
import type { BackendPreference } from '../../src/policy/backend.ts';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';
import type { SftPipelineConfig } from '../../src/runtime/sft-config.ts';
import { UsageError } from '../../src/runtime/errors.ts';

const DEFAULT_SFT_PIPELINE = resolve(REPO_ROOT, 'pipelines', 'sft-warmstart.ts');

async function loadSftPipeline(file: string): Promise<SftPipelineConfig> {
  const path = resolve(file);
  const module = (await import(path)) as { default?: Partial<SftPipelineConfig> };
  const config = module.default;
  if (config?.training === undefined || config.model === undefined || config.data === undefined) {
    throw new UsageError(`${path}: its default export is not an SFT pipeline config (use defineSftPipeline)`);
  }
  return config as SftPipelineConfig;
}

export function registerSft(program: Command): void {
  program
    .command('sft')
    .description('train the warm-start policy by supervised learning on reference solutions and repair traces')
    .option('--pipeline <file>', 'SFT pipeline file', DEFAULT_SFT_PIPELINE)
    .option('--out <dir>', 'checkpoint folder (default: the pipeline\'s, data/warmstart)')
    .option('--steps <n>', 'optimizer steps (overrides the pipeline)', positiveInt)
    .option('--seed <n>', 'seed of initialisation, data selection and order (default: the pipeline\'s)', int)
    .option('--resume', 'continue an interrupted run from its last periodic checkpoint in --out (on a finished one with the same --steps: only re-evaluate)', false)
    .addOption(
      new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    )
    .option('--no-tui', 'plain progress lines (the only output this command has)')
    .action(async (opts: { pipeline: string; out?: string; steps?: number; seed?: number; resume: boolean; backend: BackendPreference; tui: boolean }) => {
      const pipeline = await loadSftPipeline(opts.pipeline);
      // Loaded on use: tfjs and the pool are heavy, and the other commands must not pay for them.
      const { runSft } = await import('../../src/runtime/sft-run.ts');
      const summary = await runSft({
        pipeline,
        root: REPO_ROOT,
        ...(opts.out === undefined ? {} : { out: opts.out }),
        ...(opts.steps === undefined ? {} : { steps: opts.steps }),
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
        resume: opts.resume,
        backend: opts.backend,
        log: (line) => void process.stderr.write(`${line}\n`),
      });
      const e = summary.evaluation;
      process.stderr.write(
        `[sft] done: ${summary.steps} steps, final loss ${Number.isNaN(summary.finalLoss) ? '-' : summary.finalLoss.toFixed(4)}, ${summary.tokensPerSecond.toFixed(0)} tok/s, ` +
          `${(summary.wallMs / 1000).toFixed(0)} s${e === undefined ? '' : `, held-out turn 1: ${e.valid}/${e.problems} valid, ${e.passed}/${e.problems} pass`}\n`,
      );
    });
}
