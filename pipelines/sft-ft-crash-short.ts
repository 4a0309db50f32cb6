/**
 * Session 16 experiment (issue 8): pipelines/sft-ft-crash.ts with its repairs fitted as a decoder
 * with `shortenFeedback` shows them (feedback lists fewer failed tests before the failed program is
 * hidden), to be evaluated with `rlef eval --shorten-feedback`. Same data and trainer settings:
 *
 *   node bin/rlef sft --pipeline pipelines/sft-ft-crash-short.ts --export-sequences .tmp/sft-ft-crash-short-seq
 *   /usr/bin/python3 pipelines/gpu/sft_torch.py --data .tmp/sft-ft-crash-short-seq --init data/warmstart --out .tmp/sft-ft-crash-short-hf \
 *     --seed 1 --epochs 0.25 --lr 5e-5 --warmup 10 --batch-tokens 8192 --micro-tokens 8192 --threads 2 --log-every 20 --plain
 *   node bin/rlef sft --pipeline pipelines/sft-ft-crash-short.ts --import-hf .tmp/sft-ft-crash-short-hf
 *
 * Tried, not shipped: results in the README (session 16).
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import crash from './sft-ft-crash.ts';

export default defineSftPipeline({
  ...crash,
  name: 'sft-ft-crash-short',
  description: 'sft-ft-crash with repairs fitted as a decoder that lists fewer failed tests first',
  shortenFeedback: true,
  out: 'runs/sft-ft-crash-short',
});
