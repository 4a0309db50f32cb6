/**
 * Session 9's warm start, trained on a GPU: the session-8 recipe (pipelines/sft-wide-torch.ts)
 * with three times the wide-value problems (generate-wide.ts seeds 7, 8, 9: the same training
 * templates, other values), the training split weighted three times so the parameterless families
 * are not forgotten, and repair dialogs for half of the data. Commands and numbers:
 * data/warmstart/README.md.
 *
 *   for s in 7 8 9; do node --import tsx pipelines/generate-wide.ts 120 .tmp/wide120-s$s.jsonl $s; done
 *   node bin/rlef sft --pipeline pipelines/sft-wide-gpu.ts --export-sequences .tmp/sft-wide-gpu-seq
 *   python3 pipelines/gpu/sft_torch.py --data .tmp/sft-wide-gpu-seq --init data/warmstart-gpu \
 *     --out .tmp/sft-wide-gpu-hf --seed 1 --epochs 4 --lr 1e-3 --warmup 50   # on a GPU
 *   node bin/rlef sft --pipeline pipelines/sft-wide-gpu.ts --import-hf .tmp/sft-wide-gpu-hf
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import wide from './sft-wide-torch.ts';

const train = 'data/suite/train.jsonl';

export default defineSftPipeline({
  ...wide,
  name: 'sft-wide-gpu',
  description: 'fine-tune of data/warmstart-gpu on three seeds of wide-range values plus the training split weighted 3x',
  data: {
    train: ['.tmp/wide120-s7.jsonl', '.tmp/wide120-s8.jsonl', '.tmp/wide120-s9.jsonl', train, train, train],
    heldout: 'data/suite/heldout.jsonl',
  },
  repairShare: 0.5,
  out: 'data/warmstart',
  feedbackCache: 'runs/sft-wide-gpu-cache.jsonl',
});
