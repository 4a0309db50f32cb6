/**
 * Session 13 experiment (issue 8): fine-tune the shipped warm start (data/warmstart) on the string
 * families with broad values. The crossed evaluation sets (`pipelines/generate-crossed.ts`) show
 * that held-out numbers transfer and held-out strings do not: with the training templates, the
 * warm start solves 0 of 6 problems of `is_sorted`, `palindrome` and `replace_char` with their
 * held-out verdict words and letters, and 1–2 of 6 with the held-out separators and keys. Its
 * wide-values data gave each slot 8–18 strings; here every letter, 22 symbols and 100 verdict
 * pairs (less the held-out ones in any case, `broadValues` in `src/suite/wide.ts`), mixed with the
 * training split so nothing is forgotten; a third of the dialogs are repairs.
 *
 *   node --import tsx pipelines/generate-wide.ts 120 .tmp/broad-strings-s11.jsonl 11 --broad-strings
 *   node bin/rlef sft --pipeline pipelines/sft-ft-strings.ts --no-tui        # 250 steps on CPU
 *
 * Measured (session 13, seed 1; README): no copying learned (string families on crossed-values 19
 * of 54 before and after) and held-out 1@3 57.6 → 49.6 % (−8.0 [−12.0, −4.0]).
 */
import { defineSftPipeline } from '../src/runtime/sft-config.ts';
import grammarFineTune from './sft-ft-grammar.ts';

export default defineSftPipeline({
  ...grammarFineTune,
  name: 'sft-ft-strings',
  description: 'fine-tune of data/warmstart on the string families with broad values plus the training split',
  data: { train: ['.tmp/broad-strings-s11.jsonl', 'data/suite/train.jsonl'], heldout: 'data/suite/heldout.jsonl' },
  training: { ...grammarFineTune.training, steps: 250, checkpointEvery: 50 },
  out: 'runs/sft-ft-strings',
  feedbackCache: 'runs/sft-ft-strings-cache.jsonl',
});
