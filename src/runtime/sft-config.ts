/**
 * The typed description of a supervised warm-start pipeline (`pipelines/sft-warmstart.ts`):
 * data, model shape, optimisation and where the checkpoint goes. Composition only, no logic.
 */
import type { ModelConfig } from '../policy/config.ts';
import type { SftAugment } from './sft-data.ts';

/** An SFT pipeline: what to train on, how long, and where to write the checkpoint. */
export interface SftPipelineConfig {
  readonly name: string;
  readonly description: string;
  readonly data: {
    /** Problems (project JSONL) whose reference and buggy solutions make the dialogs; several files are read in order. */
    readonly train: string | readonly string[];
    /** Held-out problems for the closing turn-1 evaluation. */
    readonly heldout?: string;
    /**
     * Self-repairs (`src/runtime/self-repairs.ts`): a JSONL of the policy's own failed first turns
     * with their feedback, each made a repair dialog whose fix is its training problem's reference.
     */
    readonly selfRepairs?: string;
  };
  /** Shape of the freshly initialised policy (byte tokenizer). */
  readonly model: ModelConfig;
  /**
   * Checkpoint folder to start from instead of a fresh initialisation (fine-tuning), relative to
   * the repository root; its shape must be `model`.
   */
  readonly init?: string;
  /** Seed of initialisation, data selection and order. */
  readonly seed: number;
  /** Share of the dialogs that are repair traces (buggy attempt, real feedback, fix), in [0, 1). */
  readonly repairShare: number;
  /** Extra copies of every dialog with words dropped from its task statement (none when absent). */
  readonly augment?: SftAugment;
  /** Confusion repairs per training problem (another problem's reference as the first attempt; default 0). */
  readonly confusions?: number;
  /**
   * The new-token budget the decoder will leave (its `maxNewTokens`). When set, each dialog's
   * prompt part is trimmed to `model.maxContext` minus it by the decoder's context policy, so that
   * a repair after long feedback (a traceback) is trained in the layout it is sampled in; when
   * absent, dialogs are trained whole and those over the context are left out.
   */
  readonly fitToGeneration?: number;
  /** With `fitToGeneration`: fit as a decoder with `shortenFeedback` does (fewer failed tests listed before turns are trimmed). */
  readonly shortenFeedback?: boolean;
  readonly training: {
    readonly steps: number;
    /** Ids per optimizer step (whole dialogs are added until the step holds at least this many). */
    readonly batchTokens: number;
    /** Most padded ids (rows × longest row) per forward/backward; wasm runs out of memory above ~4096. */
    readonly microTokens: number;
    readonly lr: number;
    readonly warmupSteps: number;
    /** Cosine decay floor as a share of `lr`. */
    readonly minLrRatio: number;
    readonly weightDecay: number;
    readonly maxGradNorm: number;
    /** Save the checkpoint every this many steps (and at the end). */
    readonly checkpointEvery: number;
    /** Print a progress line every this many steps. */
    readonly logEvery: number;
    /** Keep the optimizer state in periodic checkpoints (needed to resume; triples their size). The final checkpoint holds weights only. */
    readonly saveOptimizer: boolean;
  };
  /** Checkpoint folder, relative to the repository root. */
  readonly out: string;
  /** Executed feedback cache (JSONL), relative to the repository root; outside `out`, which is replaced on save. */
  readonly feedbackCache?: string;
  readonly exec: { readonly workers: number };
  /** Greedy turn-1 evaluation on held-out problems after training (skipped when `problems` is 0). */
  readonly evaluation: { readonly problems: number; readonly maxNewTokens: number };
}

/** Identity with type checking: `export default defineSftPipeline({ … })`. */
export function defineSftPipeline(config: SftPipelineConfig): SftPipelineConfig {
  return config;
}
