/**
 * A quick check of a warm start: greedy (temperature 0) turn-1 answers to problems, how often
 * they hold a code block, and how often that code passes every test (public, private, generated).
 */
import type { ExecutionPool, Verdict } from '../exec/types.ts';
import { extractCode, initialPrompt } from '../exec/feedback.ts';
import { problemLimits, type Problem } from '../problems/problem.ts';
import type { ChatTemplate } from '../policy/chat.ts';
import { renderPromptForGeneration } from '../policy/chat.ts';
import { generate } from '../policy/generate.ts';
import type { LlamaModel } from '../policy/model.ts';

/** One problem's greedy answer and its grade. */
export interface TurnOneResult {
  readonly problemId: string;
  readonly text: string;
  readonly valid: boolean;
  /** `invalid` when there was no code block. */
  readonly verdict: Verdict | 'invalid';
}

/** Counts over the evaluated problems. */
export interface TurnOneSummary {
  readonly problems: number;
  readonly valid: number;
  readonly passed: number;
  readonly results: readonly TurnOneResult[];
}

/** Options for {@link evaluateTurnOne}. */
export interface TurnOneOptions {
  readonly pool: ExecutionPool;
  readonly maxNewTokens: number;
  /** Prompts decoded together (default 8). */
  readonly batch?: number;
}

/** Greedy turn-1 answers to `problems`, graded on all their tests. */
export async function evaluateTurnOne(
  model: LlamaModel,
  template: ChatTemplate,
  problems: readonly Problem[],
  options: TurnOneOptions,
): Promise<TurnOneSummary> {
  const size = Math.max(1, options.batch ?? 8);
  const results: TurnOneResult[] = [];
  for (let start = 0; start < problems.length; start += size) {
    const chunk = problems.slice(start, start + size);
    const prompts = chunk.map((p) => Array.from(renderPromptForGeneration(template, [{ role: 'user', content: initialPrompt(p.description) }]).ids));
    const generations = await generate(model, prompts, {
      maxNewTokens: options.maxNewTokens,
      temperature: 0,
      stopTokens: template.stopTokens,
      seed: 0,
    });
    const graded = await Promise.all(
      chunk.map(async (problem, i): Promise<TurnOneResult> => {
        const tokens = (generations[i]?.tokens ?? []).filter((t) => !template.stopTokens.includes(t));
        const text = template.tokenizer.decode(tokens);
        const code = extractCode(text);
        if (code === undefined) return { problemId: problem.id, text, valid: false, verdict: 'invalid' };
        const tests = [...problem.tests.public, ...problem.tests.private, ...problem.tests.generated];
        const judged = await options.pool.judge({ code, tests, mode: 'first-failure', limits: problemLimits(problem) });
        return { problemId: problem.id, text, valid: true, verdict: judged.verdict };
      }),
    );
    results.push(...graded);
  }
  return {
    problems: results.length,
    valid: results.filter((r) => r.valid).length,
    passed: results.filter((r) => r.verdict === 'passed').length,
    results,
  };
}
