/**
 * The shipped warm start (issue 8, session 8): the GPU warm start (data/warmstart-gpu) fine-tuned
 * with PyTorch on problems whose parameter values come from wide ranges outside the training and
 * held-out pools (every problem its own value, so copying the value from the statement is the
 * only way to a low loss), plus the whole training split so the families are not forgotten.
 * data/warmstart/README.md has the four commands (generate, export, train, import) and the numbers.
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import gpu from './sft-warmstart-gpu.ts';

export default defineSftPipeline({
  ...gpu,
  name: 'sft-wide-torch',
  description: 'fine-tune of data/warmstart-gpu on wide-range parameter values plus the training split',
  data: { train: ['.tmp/wide120.jsonl', 'data/suite/train.jsonl'], heldout: 'data/suite/heldout.jsonl' },
  init: 'data/warmstart-gpu',
  repairShare: 0.3,
  augment: { copies: 0, wordDropout: 0 },
  out: 'data/warmstart',
  feedbackCache: 'runs/sft-wide-cache.jsonl',
  exec: { workers: 2 },
  evaluation: { problems: 30, maxNewTokens: 128 },
});
