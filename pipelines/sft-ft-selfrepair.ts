/**
 * Session 12 experiment (issue 8): fine-tune the shipped warm start (data/warmstart) on its own
 * failures. RL episodes showed that after a failed first turn the warm start resubmits the same
 * program in most retries (the turn-2 repeat rate of `rlef stats`: 61–65 % in session 11's training
 * runs, 58 % on the held-out split), so the feedback changes little. `data/sft/self-repairs.jsonl`
 * holds 1,711 failed first turns from session 11's RL runs on training problems (their thinned
 * statements, their code, the real feedback they got); each becomes a repair dialog whose fix is
 * the problem's reference, mixed with one reference dialog per training problem so nothing is
 * forgotten. Made by:
 *
 *   node --import tsx pipelines/extract-self-repairs.ts --out data/sft/self-repairs.jsonl \
 *     --problems data/suite/train.jsonl --problems data/suite/novel.jsonl \
 *     runs/long2e5-s1 runs/long2e5-s2 runs/long2e5-s3 runs/big5e5-s1 runs/novthin-s1
 *   node bin/rlef sft --pipeline pipelines/sft-ft-selfrepair.ts --no-tui      # 150 steps on CPU
 *
 * Results in the README (session 12).
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import cpuFineTune from './sft-ft-novel.ts';

// Session 7's CPU fine-tune (model, schedule, workers) at a lower rate, on other data.
const { feedbackCache: _unused, ...base } = cpuFineTune;

export default defineSftPipeline({
  ...base,
  name: 'sft-ft-selfrepair',
  description: 'fine-tune of data/warmstart on its own failed first turns (self-repairs) plus the reference solutions',
  data: {
    train: ['data/suite/train.jsonl', 'data/suite/novel.jsonl'],
    heldout: 'data/suite/heldout.jsonl',
    selfRepairs: 'data/sft/self-repairs.jsonl',
  },
  init: 'data/warmstart',
  // No more of the suite's own buggy variants (the warm start has seen them) and no statement noise.
  repairShare: 0,
  augment: { copies: 0, wordDropout: 0 },
  training: { ...base.training, lr: 2e-4 },
  out: 'runs/sft-ft-selfrepair',
});
