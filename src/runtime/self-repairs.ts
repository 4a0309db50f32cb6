/**
 * Self-repairs: supervised repair dialogs built from the policy's own failures. The suite's buggy
 * variants (`repair` dialogs) are bugs a person wrote; the policy's failures on RL episodes are
 * mostly another task read from a thinned or unfamiliar statement, and session 12 found that the
 * warm start resubmits its failed turn-1 program at turn 2 in most retries. A self-repair is a
 * training episode's turn-1 prompt (as the policy saw it), its failed code, the real feedback it
 * got, then the problem's reference solution as the only target.
 *
 * Records are taken only from `train`-split rows of problems in the given training files, so no
 * evaluation episode and no held-out problem can reach the fine-tune.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from './errors.ts';
import { groupEpisodes, turnOf } from '../report/episodes.ts';
import { sameProgram } from '../rl/episode-turns.ts';
import type { TurnRow } from '../store/schema.ts';
import type { Problem } from '../problems/problem.ts';
import type { SftExample } from './sft-data.ts';
import { answerText } from './sft-data.ts';

/** One failed first turn, as the policy saw it and as the sandbox answered it. */
export interface SelfRepair {
  readonly problemId: string;
  /** The turn-1 user message (the statement as shown, thinned or not). */
  readonly prompt: string;
  /** The failed turn-1 program. */
  readonly attempt: string;
  /** The feedback the policy got for it (the turn-2 user message). */
  readonly feedback: string;
}

/**
 * The failed first turns of the `train` episodes in `rows` whose problem is in `problemIds`: one
 * record per problem and distinct program (the first seen), in row order.
 */
export function extractSelfRepairs(rows: readonly TurnRow[], problemIds: ReadonlySet<string>): SelfRepair[] {
  const out: SelfRepair[] = [];
  const seen = new Map<string, string[]>();
  for (const episode of groupEpisodes(rows)) {
    if (episode.split !== 'train' || !problemIds.has(episode.problemId)) continue;
    const first = turnOf(episode, 0);
    if (first === undefined || first.verdict === 'passed' || first.code === null || first.feedback === null) continue;
    const programs = seen.get(episode.problemId) ?? [];
    if (programs.some((p) => sameProgram(p, first.code ?? ''))) continue;
    programs.push(first.code);
    seen.set(episode.problemId, programs);
    out.push({ problemId: episode.problemId, prompt: first.prompt, attempt: first.code, feedback: first.feedback });
  }
  return out;
}

/** Records as JSONL, one per line, with a final newline. */
export function selfRepairsJsonl(records: readonly SelfRepair[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** Reads a JSONL file of {@link SelfRepair} records; a malformed line is an `InputError` naming it. */
export async function readSelfRepairs(file: string): Promise<SelfRepair[]> {
  const out: SelfRepair[] = [];
  const lines = (await readFile(file, 'utf8')).split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(file, i + 1, `not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const record = value as Record<string, unknown>;
    for (const key of ['problemId', 'prompt', 'attempt', 'feedback'] as const) {
      if (typeof record[key] !== 'string' || record[key] === '') throw new InputError(file, i + 1, `"${key}" must be a non-empty string`);
    }
    out.push(record as unknown as SelfRepair);
  });
  return out;
}

/**
 * One repair dialog per record whose problem is among `problems` and has a reference solution:
 * the recorded prompt, attempt and feedback, then the reference (the only target). Records of
 * other problems are counted in `skipped`, not guessed.
 */
export function selfRepairExamples(problems: readonly Problem[], records: readonly SelfRepair[]): { examples: SftExample[]; skipped: number } {
  const byId = new Map(problems.map((p) => [p.id, p]));
  const examples: SftExample[] = [];
  let skipped = 0;
  for (const record of records) {
    const reference = byId.get(record.problemId)?.solutions[0];
    if (reference === undefined) {
      skipped++;
      continue;
    }
    examples.push({
      problemId: record.problemId,
      kind: 'self-repair',
      dialog: [
        { role: 'user', content: record.prompt },
        { role: 'assistant', content: answerText(record.attempt) },
        { role: 'user', content: record.feedback },
        { role: 'assistant', content: answerText(reference) },
      ],
      trained: [3],
    });
  }
  return { examples, skipped };
}
