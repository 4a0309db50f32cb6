/** Hand-built trajectory rows for the report tests: an episode from its verdicts and grade. */
import type { Split, StoredVerdict, TurnRow } from '../../../src/store/schema.ts';

export interface EpisodeSpec {
  readonly runId?: string;
  readonly id: string;
  readonly problem?: string;
  readonly iteration: number;
  readonly split?: Split;
  readonly verdicts: readonly StoredVerdict[];
  readonly solved: boolean;
  readonly rewards?: readonly number[];
  readonly kls?: readonly number[];
  /** Each turn's code (default `print(1)`, none for an invalid answer). */
  readonly codes?: readonly (string | null)[];
}

/** One row per verdict, numbered turns, `final` on the last. */
export function episode(spec: EpisodeSpec): TurnRow[] {
  const n = spec.verdicts.length;
  return spec.verdicts.map((verdict, t): TurnRow => ({
    runId: spec.runId ?? 'run-a',
    iteration: spec.iteration,
    policyVersion: spec.iteration,
    episodeId: spec.id,
    problemId: spec.problem ?? `problem/${spec.id}`,
    turn: t,
    numTurns: n,
    prompt: t === 0 ? `Solve ${spec.id}.` : `feedback ${t}`,
    response: verdict === 'invalid' ? 'no code here' : `\`\`\`python\n${spec.codes?.[t] ?? 'print(1)'}\n\`\`\``,
    code: spec.codes?.[t] !== undefined ? spec.codes[t] : verdict === 'invalid' ? null : 'print(1)',
    verdict,
    feedback: t === n - 1 ? null : `feedback ${t + 1}`,
    final: t === n - 1,
    solved: spec.solved,
    reward: spec.rewards?.[t] ?? 0,
    kl: spec.kls?.[t] ?? 0,
    value: 0,
    return: 0,
    advantage: 0,
    tokenIds: Int32Array.of(1, 2, 3),
    logprobs: Float32Array.of(-1, -1, -1),
    refLogprobs: null,
    genMs: 1,
    execMs: 1,
    createdAt: 0,
    split: spec.split ?? 'train',
  }));
}
