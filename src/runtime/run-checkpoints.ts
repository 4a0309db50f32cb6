/**
 * A run's checkpoints: `checkpoints/iter-NNNNNN/` folders plus `checkpoints/latest.json`, which
 * names the newest complete one (replaced atomically after the folder is written, so a kill at
 * any moment leaves a pointer to an intact checkpoint). Older ones are pruned.
 */
import { readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint, JsonValue } from '../policy/checkpoint.ts';
import { loadCheckpoint, saveCheckpoint } from '../policy/checkpoint.ts';
import type { LlamaModel } from '../policy/model.ts';
import type { Critic } from '../policy/critic.ts';
import type { AdamW } from '../policy/optimizer.ts';
import type { Tokenizer } from '../policy/tokenizer.ts';
import type { IterationMetrics } from '../pipeline/run-state.ts';

/** What a run needs back to continue exactly where it stopped. */
export interface RunCheckpointState {
  readonly runId: string;
  readonly pipeline: string;
  readonly seed: number;
  /** The first iteration not yet trained. */
  readonly nextIteration: number;
  readonly policyVersion: number;
  readonly history: readonly IterationMetrics[];
}

export interface TrainingParts {
  readonly policy: LlamaModel;
  readonly critic: Critic;
  readonly policyOptimizer: AdamW;
  readonly criticOptimizer: AdamW;
  readonly tokenizer: Tokenizer;
}

const LATEST = 'latest.json';

/** A copy of everything a run checkpoint holds, taken synchronously (weights cannot change under it). */
export function snapshotRun(parts: TrainingParts, state: RunCheckpointState): { checkpoint: Checkpoint; nextIteration: number } {
  const policyOpt = parts.policyOptimizer.exportState();
  const criticOpt = parts.criticOptimizer.exportState();
  const checkpoint: Checkpoint = {
    weights: parts.policy.exportWeights(),
    config: parts.policy.config as unknown as JsonValue,
    tokenizer: parts.tokenizer,
    optimizer: { tensors: policyOpt.tensors, state: { step: policyOpt.step } },
    critic: { weights: parts.critic.exportWeights(), optimizer: { tensors: criticOpt.tensors, state: { step: criticOpt.step } } },
    state: state as unknown as JsonValue,
  };
  return { checkpoint, nextIteration: state.nextIteration };
}

/** Writes a snapshot as `checkpoints/iter-N`, points `latest.json` at it, keeps the newest `keep`. */
export async function writeRunCheckpoint(
  runDir: string,
  snapshot: { readonly checkpoint: Checkpoint; readonly nextIteration: number },
  keep = 2,
): Promise<string> {
  const dir = join(runDir, 'checkpoints');
  const name = `iter-${String(snapshot.nextIteration).padStart(6, '0')}`;
  await saveCheckpoint(join(dir, name), snapshot.checkpoint, { overwrite: true });
  const temp = join(dir, `.${LATEST}.tmp`);
  await writeFile(temp, `${JSON.stringify({ checkpoint: name })}\n`);
  await rename(temp, join(dir, LATEST));
  const all = (await readdir(dir)).filter((n) => /^iter-\d+$/.test(n)).sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) if (old !== name) await rm(join(dir, old), { recursive: true, force: true });
  return join(dir, name);
}

/** The newest checkpoint of a run, or null when it has none. */
export async function latestRunCheckpoint(runDir: string): Promise<string | null> {
  try {
    const pointer = JSON.parse(await readFile(join(runDir, 'checkpoints', LATEST), 'utf8')) as { checkpoint?: unknown };
    return typeof pointer.checkpoint === 'string' ? join(runDir, 'checkpoints', pointer.checkpoint) : null;
  } catch {
    return null;
  }
}

/** Restores weights and optimizer states from a run checkpoint; returns its run state. */
export async function restoreRunCheckpoint(path: string, parts: TrainingParts): Promise<RunCheckpointState> {
  const checkpoint = await loadCheckpoint(path);
  parts.policy.setWeights(checkpoint.weights);
  if (checkpoint.critic === undefined) throw new Error(`${path}: no critic in this checkpoint`);
  parts.critic.setWeights(checkpoint.critic.weights);
  const step = (s: unknown): number => (typeof s === 'object' && s !== null && 'step' in s && typeof s.step === 'number' ? s.step : 0);
  if (checkpoint.optimizer !== undefined) parts.policyOptimizer.importState({ step: step(checkpoint.optimizer.state), tensors: new Map(checkpoint.optimizer.tensors) });
  const co = checkpoint.critic.optimizer;
  if (co !== undefined) parts.criticOptimizer.importState({ step: step(co.state), tensors: new Map(co.tensors) });
  return checkpoint.state as unknown as RunCheckpointState;
}
