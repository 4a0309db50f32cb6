/**
 * Issue 8 experiments (sessions 7–8): problems on the training templates of the 33 families with
 * parameters whose values are drawn from wide ranges — every value outside the family's training
 * and held-out pools (two-digit K, any other letter or separator) — so that a model trained on
 * them cannot memorise the values and has to take them from the statement. Deterministic: the
 * same count and seed give the same bytes. Replaces the pools' `novel` lists in memory only.
 *
 *   node --import tsx pipelines/generate-wide.ts [PER_FAMILY=40] [OUT=.tmp/wide.jsonl] [SEED=7]
 */
import { writeFileSync } from 'node:fs';
import { FAMILIES } from '../src/suite/families/index.ts';
import { generateNovel, toJsonl } from '../src/suite/generate.ts';
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
const punct = ['-', ',', '+', '|', '_', ';', '#', '&', '.', '*', '@', '%', '~', '=', '!', '^', '/', ':'];
const lengthy = new Set(['count_long_words', 'upper_first_k', 'rotate_left', 'every_kth', 'repeat_chars', 'last_k', 'kth_largest', 'smallest_k', 'sum_first_k', 'repeat_word', 'pad_left']);
const domain = (family: string, name: string, sample: unknown): unknown[] => {
  if (family === 'is_sorted' || family === 'palindrome') return ['OK/NOT', 'T/F', 'ok/bad', 'good/bad', 'SI/NO', '1/0', 'POS/NEG', 'A/B', 'up/down', 'Right/Wrong'];
  if (typeof sample === 'string') {
    if (family === 'replace_char') return name === 'X' ? letters.slice(0, 13) : letters.slice(13);
    return /[a-z]/.test(sample) ? letters : punct;
  }
  if (family === 'prod_mod') return range(20, 300);
  if (family === 'keep_between') return name === 'L' ? range(0, 12) : range(13, 40);
  if (family === 'caesar') return range(1, 25);
  if (family === 'keep_at_least') return range(-6, 30);
  if (lengthy.has(family)) return range(2, 14);
  if (family === 'scale_shift') return range(1, 20);
  return range(1, 40);
};
let values = 0;
for (const f of FAMILIES) {
  for (const [name, pool] of Object.entries(f.pools)) {
    const wide = domain(f.name, name, pool.train[0]).filter((v) => !pool.train.includes(v as never) && !pool.heldout.includes(v as never));
    (pool as unknown as { novel?: unknown[] }).novel = wide;
    values += wide.length;
  }
}
const problems = [];
for (const f of FAMILIES.filter((x) => Object.keys(x.pools).length > 0)) {
  try {
    problems.push(...await generateNovel({ seed: Number(process.argv[4] ?? 7), perFamily: Number(process.argv[2] ?? 40), families: [f] }));
  } catch (e) {
    console.log('skipped', f.name, String(e).slice(0, 120));
  }
}
writeFileSync(process.argv[3] ?? '.tmp/wide.jsonl', toJsonl(problems));
console.log(problems.length, 'problems,', values, 'values');
