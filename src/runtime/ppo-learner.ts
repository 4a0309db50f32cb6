/**
 * The learner: a `LearnerPort` that turns a batch of episodes into PPO updates of the policy and
 * the turn-level critic (RLEF.md §3). Per batch: reference log-probs (for the KL penalty) and
 * critic values V_old(c_t), then rewards, returns and normalised advantages (`src/rl`), then
 * `minibatches` AdamW steps per epoch on the clipped surrogate and the clipped value loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { Observable } from 'rxjs';
import type { LlamaModel } from '../policy/model.ts';
import type { Critic } from '../policy/critic.ts';
import { valueBatch } from '../policy/critic.ts';
import { yieldToEventLoop, type AdamW } from '../policy/optimizer.ts';
import { score, scoringBatch, tokenLogProbs } from '../policy/score.ts';
import { buildPpoBatch, type PpoBatch } from '../rl/ppo-batch.ts';
import { repeatsEarlierCode, type EpisodeTurns } from '../rl/episode-turns.ts';
import type { RlOptions } from '../rl/rl-options.ts';
import { clippedSurrogateLoss } from '../rl/ppo-loss.ts';
import { clippedValueLoss } from '../rl/value-loss.ts';
import { maskedMean } from '../rl/masked-mean.ts';
import type { Episode } from '../pipeline/episode.ts';
import type { LearnerPort, TurnStats, UpdateMetrics, UpdateResult } from '../pipeline/ports.ts';
import { fromAbortable } from '../pipeline/from-abortable.ts';
import { hasSandboxError } from '../pipeline/rollout-episode.ts';
import { trainingSequences, type TrainingSequence } from './training-sequences.ts';
import { seededRandom } from '../eval/seeded-random.ts';
import { shuffle } from './shuffle.ts';

export interface PpoOptions {
  /** Passes over each batch (default 1). */
  readonly epochs: number;
  /** Optimizer steps per pass (the paper: 4 updates of 256 from 1024 rollouts). */
  readonly minibatches: number;
  /** Most sequences per forward/backward (gradients accumulate over these micro-batches). */
  readonly microBatch: number;
  /**
   * Most padded tokens (rows × longest row) per forward/backward: bounds activation memory, and
   * how long the main thread is blocked between yields. While an update runs, every turn of the
   * next iteration's episodes waits for such a yield to reach the decoder or the pool, so long
   * blocks starve the decoding worker (pipeline bench: 4096 → 2048 cut the learner's wait for its
   * next batch from 20.9 s to 0.9 s over 3 updates at the same update speed).
   */
  readonly microTokens: number;
  readonly clipEpsilon: number;
  readonly valueClip: number;
  /** Coefficient of an entropy bonus (0 in the paper). */
  readonly entropyCoef: number;
  /** Recompute log π_old before the updates (needed when rollouts may lag the policy). */
  readonly recomputeOldLogp: boolean;
  readonly rl: Partial<RlOptions>;
  /** Seed of the minibatch shuffling. */
  readonly seed: number;
}

export const DEFAULT_PPO_OPTIONS: PpoOptions = {
  epochs: 1,
  minibatches: 4,
  microBatch: 8,
  microTokens: 2048,
  clipEpsilon: 0.2,
  valueClip: 0.2,
  entropyCoef: 0,
  recomputeOldLogp: false,
  rl: {},
  seed: 0,
};

/**
 * Two savings of the update, on by default; mutable only so that `npm run bench -- learner` can
 * time the update without them (nothing else sets them). `criticCut`: the critic's sequences end
 * at the last prompt token it reads. `oldFromFirstStep`: with `recomputeOldLogp`, the first
 * minibatch takes log π_old from its own step's forward pass.
 */
export const learnerShortcuts = { criticCut: true, oldFromFirstStep: true };

export interface LearnerParts {
  readonly policy: LlamaModel;
  readonly reference: LlamaModel;
  readonly critic: Critic;
  readonly policyOptimizer: AdamW;
  readonly criticOptimizer: AdamW;
}

/** Called after every update with the new version (to hand the weights to the generator). */
export type OnPolicyUpdate = (version: number) => void;

export class PpoLearner implements LearnerPort {
  private version: number;
  private readonly options: PpoOptions;

  constructor(
    private readonly parts: LearnerParts,
    options: Partial<PpoOptions>,
    private readonly onUpdate: OnPolicyUpdate,
    version = 0,
  ) {
    this.options = { ...DEFAULT_PPO_OPTIONS, ...options };
    this.version = version;
  }

  get policyVersion(): number {
    return this.version;
  }

  update(batch: readonly Episode[]): Observable<UpdateResult> {
    return fromAbortable(() => this.run(batch));
  }

  private async run(batch: readonly Episode[]): Promise<UpdateResult> {
    const t0 = performance.now();
    const keep = batch.map((e) => e.turns.length > 0 && !hasSandboxError(e));
    const sequences = trainingSequences(batch, (i) => keep[i] === true);
    const empty: UpdateResult = { policyVersion: this.version, metrics: zeroMetrics(0), turnStats: batch.map(() => []) };
    if (sequences.length === 0) return empty;

    // Reference log-probs and V_old, per turn. A group baseline needs no critic: it is neither
    // evaluated nor trained then (its values stay 0 in the log).
    const useCritic = (this.options.rl.baseline ?? 'critic') === 'critic';
    const refLogp = await this.perTurnLogp(this.parts.reference, sequences);
    const criticInputs = useCritic ? criticSequences(sequences) : [];
    const values = useCritic ? await this.perTurnValues(criticInputs) : new Map<string, number>();
    const episodes: EpisodeTurns[] = [];
    const order: number[] = [];
    batch.forEach((episode, e) => {
      if (keep[e] !== true) return;
      order.push(e);
      episodes.push({
        solved: episode.solved,
        groupId: episode.draw.problem.id,
        turns: episode.turns.map((turn, t) => ({
          tokenCount: turn.generation.responseIds.length,
          logp: turn.generation.logprobs,
          refLogp: refLogp.get(key(e, t)) ?? new Float32Array(turn.generation.responseIds.length),
          hasCode: turn.code !== null,
          repeat: repeatsEarlierCode(episode.turns.map((u) => u.code), t),
          value: values.get(key(e, t)) ?? 0,
        })),
      });
    });
    const built = buildPpoBatch(episodes, this.options.rl);
    if (!built.ok) throw new Error(`cannot build a PPO batch: ${JSON.stringify(built.issues.slice(0, 3))}`);
    const ppo = built.batch;
    // Per-turn lookups by (episode in batch, turn).
    const turnIndex = new Map<string, number>();
    let k = 0;
    order.forEach((e) => batch[e]!.turns.forEach((_, t) => turnIndex.set(key(e, t), k++)));

    // The minibatches of every epoch, drawn up front (the same shuffles as drawing them epoch by epoch).
    const random = seededRandom(this.options.seed + this.version * 7919);
    const plan: TrainingSequence[][][] = [];
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      const shuffled = shuffle(sequences, random);
      const size = Math.ceil(shuffled.length / Math.max(1, this.options.minibatches));
      const minibatches: TrainingSequence[][] = [];
      for (let start = 0; start < shuffled.length; start += size) minibatches.push(shuffled.slice(start, start + size));
      plan.push(minibatches);
    }
    // log π_old when the rollouts may lag the policy. The first step runs under π_old itself, so its
    // minibatch takes π_old from that step's own forward pass instead of a separate one (and keeps
    // the values in the map for later epochs).
    const first = new Set(learnerShortcuts.oldFromFirstStep ? (plan[0]?.[0] ?? []) : []);
    const oldLogp = this.options.recomputeOldLogp
      ? await this.perTurnLogp(
          this.parts.policy,
          sequences.filter((s) => !first.has(s)),
        )
      : null;
    const sums = { policyLoss: 0, valueLoss: 0, entropy: 0, clip: 0, steps: 0 };
    for (const minibatches of plan) {
      for (const minibatch of minibatches) {
        const oldFromSelf = oldLogp !== null && sums.steps === 0 && learnerShortcuts.oldFromFirstStep;
        const p = await this.policyStep(minibatch, batch, ppo, turnIndex, oldLogp, oldFromSelf);
        const v = useCritic ? await this.criticStep(criticSequences(minibatch), ppo, turnIndex) : 0;
        sums.policyLoss += p.loss;
        sums.entropy += p.entropy;
        sums.clip += p.clipFraction;
        sums.valueLoss += v;
        sums.steps++;
      }
    }
    this.version++;
    this.onUpdate(this.version);

    const turnStats: TurnStats[][] = batch.map((episode, e) =>
      keep[e] !== true
        ? []
        : episode.turns.map((_, t) => {
            const i = turnIndex.get(key(e, t)) ?? 0;
            return {
              reward: ppo.turnRewards[i] ?? 0,
              kl: ppo.turnKl[i] ?? 0,
              value: ppo.turnValues[i] ?? 0,
              return: ppo.turnReturns[i] ?? 0,
              advantage: ppo.turnAdvantages[i] ?? 0,
              refLogprobs: refLogp.get(key(e, t)) ?? null,
            };
          }),
    );
    const n = Math.max(1, sums.steps);
    const kl = ppo.turnKl.length === 0 ? 0 : ppo.turnKl.reduce((a, b) => a + b, 0) / ppo.turnKl.length;
    const metrics: UpdateMetrics = {
      policyLoss: sums.policyLoss / n,
      valueLoss: sums.valueLoss / n,
      entropy: sums.entropy / n,
      kl,
      clipFraction: sums.clip / n,
      updates: sums.steps,
      ms: performance.now() - t0,
    };
    return { policyVersion: this.version, metrics, turnStats };
  }

  /** One AdamW step of the policy on a minibatch; returns its loss and metrics. */
  private async policyStep(
    minibatch: readonly TrainingSequence[],
    batch: readonly Episode[],
    ppo: PpoBatch,
    turnIndex: ReadonlyMap<string, number>,
    oldLogp: Map<string, Float32Array> | null,
    oldFromSelf: boolean,
  ): Promise<{ loss: number; entropy: number; clipFraction: number }> {
    const micro = this.micro(minibatch);
    const total = minibatch.reduce((n, s) => n + s.slots.reduce((m, x) => m + x.end - x.start, 0), 0);
    const kept: tf.Tensor[] = [];
    const losses = micro.map((seqs) => () => {
      const layout = scoringBatch(seqs.map((s) => Array.from(s.ids)));
      const L = layout.batch.length;
      const size = layout.batch.batch * L;
      const mask = new Float32Array(size);
      const adv = new Float32Array(size);
      const behaviour = new Float32Array(size);
      const old = new Float32Array(size);
      let tokens = 0;
      seqs.forEach((seq, r) =>
        seq.slots.forEach((slot) => {
          const turn = batch[slot.episode]!.turns[slot.turn]!;
          const i = turnIndex.get(key(slot.episode, slot.turn)) ?? 0;
          const a = ppo.turnAdvantages[i] ?? 0;
          const olds = oldLogp?.get(key(slot.episode, slot.turn));
          if (oldLogp !== null && !oldFromSelf && olds === undefined) throw new Error(`no log π_old for episode ${slot.episode} turn ${slot.turn}`);
          for (let j = slot.start; j < slot.end; j++) {
            const flat = r * L + j - 1;
            mask[flat] = 1;
            adv[flat] = a;
            behaviour[flat] = turn.generation.logprobs[j - slot.start] ?? 0;
            old[flat] = olds?.[j - slot.start] ?? behaviour[flat];
            tokens++;
          }
        }),
      );
      const { logProbs, entropies } = tokenLogProbs(this.parts.policy, layout);
      const maskT = tf.tensor1d(mask);
      const inputs = {
        logp: logProbs,
        oldLogp: oldFromSelf ? selfOld(logProbs, seqs, L, oldLogp) : tf.tensor1d(old),
        behaviourLogp: tf.tensor1d(behaviour),
        advantages: tf.tensor1d(adv),
        mask: maskT,
      };
      let loss = clippedSurrogateLoss(inputs, { clipEpsilon: this.options.clipEpsilon });
      const entropy = maskedMean(entropies(), maskT);
      if (this.options.entropyCoef !== 0) loss = tf.sub(loss, tf.mul(entropy, this.options.entropyCoef));
      const ratio = tf.exp(tf.sub(logProbs, inputs.oldLogp));
      const clipped = maskedMean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), this.options.clipEpsilon), 'float32'), maskT);
      const share = tokens / Math.max(1, total);
      kept.push(tf.keep(tf.stack([tf.mul(loss, share), tf.mul(entropy, share), tf.mul(clipped, share)])));
      return tf.mul<tf.Scalar>(loss, share);
    });
    try {
      await this.parts.policyOptimizer.updateYielding(losses);
    } catch (error) {
      tf.dispose(kept);
      throw error;
    }
    const values = kept.map((t) => t.dataSync());
    tf.dispose(kept);
    const sum = (i: number): number => values.reduce((s, v) => s + (v[i] ?? 0), 0);
    return { loss: sum(0), entropy: sum(1), clipFraction: sum(2) };
  }

  /** One AdamW step of the critic on a minibatch; returns its value loss. */
  private async criticStep(minibatch: readonly TrainingSequence[], ppo: PpoBatch, turnIndex: ReadonlyMap<string, number>): Promise<number> {
    const micro = this.micro(minibatch);
    const total = minibatch.reduce((n, s) => n + s.slots.length, 0);
    const losses = micro.map((seqs) => () => {
      const b = valueBatch(
        seqs.map((s) => Array.from(s.ids)),
        seqs.map((s) => s.slots.map((slot) => slot.start - 1)),
      );
      const idx = seqs.flatMap((s) => s.slots.map((slot) => turnIndex.get(key(slot.episode, slot.turn)) ?? 0));
      const v = this.parts.critic.valueTensor(b);
      const loss = clippedValueLoss(
        {
          values: v,
          oldValues: tf.tensor1d(idx.map((i) => ppo.turnValues[i] ?? 0)),
          returns: tf.tensor1d(idx.map((i) => ppo.turnReturns[i] ?? 0)),
          mask: tf.ones([idx.length]),
        },
        { clipRange: this.options.valueClip },
      );
      return tf.mul<tf.Scalar>(loss, idx.length / Math.max(1, total));
    });
    return (await this.parts.criticOptimizer.updateYielding(losses)).loss;
  }

  /** Micro-batches of similar lengths within the row and token budgets. */
  private micro(sequences: readonly TrainingSequence[]): TrainingSequence[][] {
    const sorted = [...sequences].sort((a, b) => a.ids.length - b.ids.length);
    const out: TrainingSequence[][] = [];
    let current: TrainingSequence[] = [];
    for (const seq of sorted) {
      const rows = current.length + 1;
      if (current.length > 0 && (rows > this.options.microBatch || rows * seq.ids.length > this.options.microTokens)) {
        out.push(current);
        current = [];
      }
      current.push(seq);
    }
    if (current.length > 0) out.push(current);
    return out;
  }

  private async perTurnLogp(model: LlamaModel, sequences: readonly TrainingSequence[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const part of this.micro(sequences)) {
      await yieldToEventLoop();
      const scores = await score(
        model,
        part.map((s) => Array.from(s.ids)),
        { batchSize: part.length },
      );
      part.forEach((seq, i) => {
        const lp = scores[i]!.logProbs; // lp[j − 1] scores ids[j]
        for (const slot of seq.slots) out.set(key(slot.episode, slot.turn), lp.slice(slot.start - 1, slot.end - 1));
      });
    }
    return out;
  }

  private async perTurnValues(sequences: readonly TrainingSequence[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of this.micro(sequences)) {
      await yieldToEventLoop();
      const v = await this.parts.critic.values(
        part.map((s) => Array.from(s.ids)),
        part.map((s) => s.slots.map((slot) => slot.start - 1)),
      );
      part.forEach((seq, i) => seq.slots.forEach((slot, j) => out.set(key(slot.episode, slot.turn), v[i]?.[j] ?? 0)));
    }
    return out;
  }
}

/**
 * π_old from the first step's own forward pass: its values as a constant (the ratio is 1 and only
 * π_θ carries the gradient), also stored per turn in `into` for later epochs.
 */
function selfOld(logProbs: tf.Tensor, seqs: readonly TrainingSequence[], length: number, into: Map<string, Float32Array> | null): tf.Tensor1D {
  const values = logProbs.dataSync() as Float32Array;
  seqs.forEach((seq, r) =>
    seq.slots.forEach((slot) => into?.set(key(slot.episode, slot.turn), values.slice(r * length + slot.start - 1, r * length + slot.end - 1))),
  );
  return tf.tensor1d(values);
}

/**
 * The critic's inputs: each sequence cut after the last token it reads (the last turn's prompt).
 * Attention is causal, so V(c_t) at `start − 1` does not depend on later tokens, and the last
 * answer (up to the turn's token budget) is neither run forward nor back through the critic.
 */
export function criticSequences(sequences: readonly TrainingSequence[]): readonly TrainingSequence[] {
  if (!learnerShortcuts.criticCut) return sequences;
  return sequences.map((s) => {
    const end = Math.max(...s.slots.map((slot) => slot.start));
    return end >= s.ids.length ? s : { ids: s.ids.subarray(0, end), slots: s.slots };
  });
}

function key(episode: number, turn: number): string {
  return `${episode}:${turn}`;
}

function zeroMetrics(ms: number): UpdateMetrics {
  return { policyLoss: 0, valueLoss: 0, entropy: 0, kl: 0, clipFraction: 0, updates: 0, ms };
}
