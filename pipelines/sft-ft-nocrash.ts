import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import crash from './sft-ft-crash.ts';
/**
 * Session 16 control for pipelines/sft-ft-crash.ts: the same problems (30 wide-value problems per
 * family, seed 10, and the training split twice, as the crash file holds it once), repairs from the
 * suite's own buggy variants only, no crashes; the same trainer settings (lr 5e-5, ≈ 185 steps of
 * 8,192 ids). It measures what a fine-tune of the warm start costs or gains with nothing new in it.
 *
 *   node bin/rlef sft --pipeline pipelines/sft-ft-nocrash.ts --export-sequences .tmp/sft-ft-nocrash-seq
 *   /usr/bin/python3 pipelines/gpu/sft_torch.py --data .tmp/sft-ft-nocrash-seq --init data/warmstart --out .tmp/sft-ft-nocrash-hf \
 *     --seed 1 --epochs 0.257 --lr 5e-5 --warmup 10 --batch-tokens 8192 --micro-tokens 8192 --threads 2 --log-every 20 --plain
 *   node bin/rlef sft --pipeline pipelines/sft-ft-nocrash.ts --import-hf .tmp/sft-ft-nocrash-hf
 */
export default defineSftPipeline({
  ...crash,
  name: 'sft-ft-nocrash',
  description: 'control for sft-ft-crash: the same problems with the suite\'s own buggy variants, no crashes',
  data: { train: ['.tmp/wide30-s10.jsonl', 'data/suite/train.jsonl', 'data/suite/train.jsonl'], heldout: 'data/suite/heldout.jsonl' },
  out: 'runs/sft-ft-nocrash',
  feedbackCache: 'runs/sft-ft-nocrash-cache.jsonl',
});
