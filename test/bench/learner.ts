/**
 * `npm run bench -- learner`: one PPO update of the default pipeline (`pipelines/rlef-ppo.ts`: 16
 * episodes, 2 minibatches, policy lag 1 so log π_old is recomputed) on the demo model's shape,
 * with the learner's two savings (`learnerShortcuts`: the critic's sequences cut after the last
 * prompt token it reads; the first minibatch's log π_old from its own forward pass) and without
 * them, alternated with, without, with (`--rounds N` repeats the pair), after one warm-up update.
 *
 * The episodes are synthetic but shaped like the default run's: 9 solved at turn 1 (a 500-token
 * prompt, a 100-token answer) and 7 that take three turns (120 tokens of feedback after each
 * failed answer), one concatenated sequence each; ids are random bytes. Timing does not depend on
 * the ids, only on the lengths.
 */
import { lastValueFrom } from 'rxjs';
import { selectBackend } from '../../src/policy/backend.ts';
import { Critic } from '../../src/policy/critic.ts';
import { DEMO_MODEL_CONFIG } from '../../src/policy/demo-config.ts';
import { LlamaModel } from '../../src/policy/model.ts';
import { AdamW } from '../../src/policy/optimizer.ts';
import type { Episode, TurnRecord } from '../../src/pipeline/episode.ts';
import { problem, tokenTurn } from '../unit/pipeline/fakes.ts';
import { learnerShortcuts, PpoLearner } from '../../src/runtime/ppo-learner.ts';
import { seededRandom } from '../../src/eval/seeded-random.ts';
import rlef from '../../pipelines/rlef-ppo.ts';
import type { BenchOptions, BenchResult } from './run.ts';

const PROMPT = 500;
const ANSWER = 100;
const FEEDBACK = 120;
const SOLVED_AT_ONE = 9;
const THREE_TURNS = 7;

function episodes(vocab: number): Episode[] {
  const random = seededRandom(11);
  const ids = (n: number): number[] => Array.from({ length: n }, () => Math.floor(random() * Math.min(vocab, 256)));
  const out: Episode[] = [];
  for (let e = 0; e < SOLVED_AT_ONE + THREE_TURNS; e++) {
    const turns = e < SOLVED_AT_ONE ? 1 : 3;
    const solved = e < SOLVED_AT_ONE || e % 2 === 0;
    let context = ids(PROMPT);
    const records: TurnRecord[] = [];
    for (let t = 0; t < turns; t++) {
      const response = ids(ANSWER);
      const last = t === turns - 1;
      records.push(tokenTurn(context, response, Float32Array.from(response, () => -0.01 - random() * 0.1), last && solved, last));
      context = [...context, ...response, ...ids(FEEDBACK)];
    }
    out.push({ id: `e${e}`, iteration: 0, draw: { problem: problem(`p${e}`), cursor: e, epoch: 0 }, turns: records, finalVerdict: solved ? 'passed' : 'wrong_answer', solved, gradeMs: 0 });
  }
  return out;
}

export async function benchLearner(options: BenchOptions): Promise<BenchResult> {
  const choice = await selectBackend('auto', { log: () => undefined });
  const policy = new LlamaModel(DEMO_MODEL_CONFIG, { seed: 5 });
  const reference = policy.clone({ trainable: false });
  const critic = new Critic(policy, { seed: 5 });
  const policyOptimizer = new AdamW(policy.getWeights(), { lr: rlef.training.lr, weightDecay: rlef.training.weightDecay });
  const criticOptimizer = new AdamW(critic.getWeights(), { lr: rlef.training.criticLr, weightDecay: rlef.training.weightDecay });
  const learner = new PpoLearner({ policy, reference, critic, policyOptimizer, criticOptimizer }, { ...rlef.training.ppo, recomputeOldLogp: true }, () => undefined);
  const batch = episodes(DEMO_MODEL_CONFIG.vocabSize);
  const tokens = batch.reduce((n, e) => n + (e.turns.at(-1)!.generation.contextIds.length + ANSWER), 0);
  const saved = { ...learnerShortcuts };
  const update = async (on: boolean): Promise<number> => {
    learnerShortcuts.criticCut = on;
    learnerShortcuts.oldFromFirstStep = on;
    const t0 = performance.now();
    await lastValueFrom(learner.update(batch));
    return (performance.now() - t0) / 1000;
  };
  const withShortcuts: number[] = [];
  const without: number[] = [];
  try {
    await update(true); // warm-up
    for (let r = 0; r < (options.rounds ?? 1); r++) {
      withShortcuts.push(await update(true));
      without.push(await update(false));
    }
    withShortcuts.push(await update(true));
  } finally {
    Object.assign(learnerShortcuts, saved);
    for (const d of [policy, reference, critic, policyOptimizer, criticOptimizer]) d.dispose();
  }
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const a = mean(withShortcuts);
  const b = mean(without);
  return {
    name: 'learner',
    metrics: { backend: choice.backend, episodes: batch.length, tokens, update_s: a, update_baseline_s: b, speedup: b / a },
    summary: [
      `backend ${choice.backend}; one PPO update of the default pipeline: ${batch.length} episodes, ${tokens.toLocaleString('en-US')} tokens in ${batch.length} sequences`,
      `update with the learner's savings: ${a.toFixed(2)} s; without: ${b.toFixed(2)} s; ${(b / a).toFixed(2)}x (mean of ${withShortcuts.length} and ${without.length}, alternated)`,
    ],
  };
}
