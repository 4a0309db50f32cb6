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

interface SftOptions {
  pipeline: string;
  out?: string;
  steps?: number;
  seed?: number;
  resume: boolean;
  backend: BackendPreference;
  tui: boolean;
  exportSequences?: string;
  importHf?: string;
}

export function registerSft(program: Command): void {
  program
    .command('sft')
    .description('train the warm-start policy by supervised learning on reference solutions and repair traces')
    .option('--pipeline <file>', 'SFT pipeline file', DEFAULT_SFT_PIPELINE)
    .option('--out <dir>', 'checkpoint folder (default: the pipeline\'s, data/warmstart)')
    .option('--steps <n>', 'optimizer steps (overrides the pipeline)', positiveInt)
    .option('--seed <n>', 'seed of initialisation, data selection and order (default: the pipeline\'s)', int)
    .option('--export-sequences <dir>', 'only build the rendered training sequences and write them to <dir> for an external trainer (pipelines/gpu/sft_torch.py)')
    .option('--import-hf <dir>', 'only turn the Hugging Face Llama folder an external trainer wrote into the checkpoint --out, then run the held-out check')
    .option('--resume', 'continue an interrupted run from its last periodic checkpoint in --out (on a finished one with the same --steps: only re-evaluate)', false)
    .addOption(
      new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    )
    .option('--no-tui', 'plain progress lines (the only output this command has)')
    .action(async (opts: SftOptions) => {
      const pipeline = await loadSftPipeline(opts.pipeline);
      if (opts.exportSequences !== undefined && opts.importHf !== undefined) throw new UsageError('--export-sequences and --import-hf exclude each other');
      // Loaded on use: tfjs and the pool are heavy, and the other commands must not pay for them.
      const { runSft, importHfWarmStart } = await import('../../src/runtime/sft-run.ts');
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      if (opts.importHf !== undefined) {
        await importHfWarmStart({ pipeline, root: REPO_ROOT, from: opts.importHf, ...(opts.out === undefined ? {} : { out: opts.out }), backend: opts.backend, log });
        return;
      }
      const summary = await runSft({
        ...(opts.exportSequences === undefined ? {} : { exportTo: opts.exportSequences }),
        pipeline,
        root: REPO_ROOT,
        ...(opts.out === undefined ? {} : { out: opts.out }),
        ...(opts.steps === undefined ? {} : { steps: opts.steps }),
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
        resume: opts.resume,
        backend: opts.backend,
        log,
      });
      if (opts.exportSequences !== undefined) return;
      const e = summary.evaluation;
      process.stderr.write(
        `[sft] done: ${summary.steps} steps, final loss ${Number.isNaN(summary.finalLoss) ? '-' : summary.finalLoss.toFixed(4)}, ${summary.tokensPerSecond.toFixed(0)} tok/s, ` +
          `${(summary.wallMs / 1000).toFixed(0)} s${e === undefined ? '' : `, held-out turn 1: ${e.valid}/${e.problems} valid, ${e.passed}/${e.problems} pass`}\n`,
      );
    });
}
