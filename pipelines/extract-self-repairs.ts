/**
 * Writes self-repairs (`src/runtime/self-repairs.ts`) from RL runs' trajectory logs: every
 * training episode whose first turn failed with code, on a problem of the given training files.
 *
 *   node --import tsx pipelines/extract-self-repairs.ts --out data/sft/self-repairs.jsonl \
 *     --problems data/suite/train.jsonl --problems data/suite/novel.jsonl RUN_DIR...
 *
 * Use runs with real feedback (the default pipeline and its variants): the feedback in a record is
 * what the run showed the policy. Held-out problems are never in the training files, and only
 * `train`-split rows are read, so no evaluation episode can reach the fine-tune.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadProblems } from '../src/problems/load.ts';
import { readTrajectories } from '../src/store/trajectory-reader.ts';
import { extractSelfRepairs, selfRepairsJsonl, type SelfRepair } from '../src/runtime/self-repairs.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    problems: { type: 'string', multiple: true },
  },
});
if (values.out === undefined || values.problems === undefined || positionals.length === 0) {
  console.error('usage: extract-self-repairs.ts --out FILE --problems FILE [--problems FILE…] RUN_DIR…');
  process.exit(64);
}
const ids = new Set((await Promise.all(values.problems.map((f) => loadProblems(f)))).flat().map((p) => p.id));
const records: SelfRepair[] = [];
for (const run of positionals) {
  // A run directory holds its log in trajectories/; a log file or folder is read as given.
  const log = await access(join(run, 'trajectories')).then(() => join(run, 'trajectories'), () => run);
  const read = await readTrajectories(log);
  const found = extractSelfRepairs(read.rows, ids);
  console.log(`${run}: ${found.length} failed first turns`);
  records.push(...found);
}
await mkdir(dirname(values.out), { recursive: true });
await writeFile(values.out, selfRepairsJsonl(records));
console.log(`${values.out}: ${records.length} self-repairs, ${new Set(records.map((r) => r.problemId)).size} problems`);
