/**
 * Turns episodes (and, for training, the learner's per-turn numbers) into trajectory rows:
 * one row per turn, as documented in the README's schema table.
 */
import type { Split, TurnRow } from '../store/schema.ts';
import type { Episode } from './episode.ts';
import type { TurnStats } from './ports.ts';

/** Rows of one episode; `stats[t]` are the learner's numbers for turn t (zeros when absent). */
export function episodeRows(
  episode: Episode,
  stats: readonly TurnStats[] | undefined,
  context: { readonly runId: string; readonly split: Split; readonly now: number },
): TurnRow[] {
  return episode.turns.map((turn, t): TurnRow => {
    const s = stats?.[t];
    return {
      runId: context.runId,
      iteration: episode.iteration,
      policyVersion: turn.generation.policyVersion,
      episodeId: episode.id,
      problemId: episode.draw.problem.id,
      turn: t,
      numTurns: episode.turns.length,
      prompt: turn.prompt,
      response: turn.generation.text,
      code: turn.code,
      verdict: turn.verdict,
      feedback: turn.feedback,
      final: t === episode.turns.length - 1,
      solved: episode.solved,
      reward: s?.reward ?? 0,
      kl: s?.kl ?? 0,
      value: s?.value ?? 0,
      return: s?.return ?? 0,
      advantage: s?.advantage ?? 0,
      tokenIds: turn.generation.responseIds,
      logprobs: turn.generation.logprobs,
      refLogprobs: s?.refLogprobs ?? null,
      genMs: turn.generation.ms,
      execMs: turn.execMs,
      createdAt: Math.round(context.now),
      split: context.split,
    };
  });
}
