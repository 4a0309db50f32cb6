/**
 * One RLEF episode as an Observable: up to `maxTurns` turns of generate → run on the public tests →
 * feedback, stopping early when the public tests pass, then the final answer is graded on all tests.
 * A turn without code, a crash or a wrong answer is data, not a stream error (STYLE.md).
 * Unsubscribing cancels the in-flight generation or execution through the ports.
 */
import type { Observable} from 'rxjs';
import { EMPTY, concatMap, defer, expand, last, map, of } from 'rxjs';
import type { JudgeResult, TestOutcome } from '../exec/types.ts';
import { problemLimits, type Problem, type Test } from '../problems/problem.ts';
import type { Episode, Generation, Message, ProblemDraw, TurnRecord, TurnVerdict } from './episode.ts';
import type { JudgePort, PolicyPort } from './ports.ts';

/** What the next user message says after a failed turn. Injected so ablations can replace it. */
export interface FeedbackContext {
  readonly problem: Problem;
  /** 0-based index of the turn that just failed. */
  readonly turn: number;
  readonly code: string | null;
  readonly outcomes: readonly TestOutcome[];
}

export interface RolloutOptions {
  readonly maxTurns: number;
  /** Builds the turn-1 user message (RLEF.md §1.1). */
  readonly initialPrompt: (problem: Problem) => string;
  /** The first fenced code block of a response, or null (invalid turn). */
  readonly extractCode: (response: string) => string | null;
  /** The next user message after a failed turn (real, random or no feedback). */
  readonly feedback: (context: FeedbackContext) => Observable<string>;
  /** The program to run for a model's code (e.g. a function task's prefix plus the code). */
  readonly program?: (problem: Problem, code: string) => string;
  /** End the episode as soon as the public tests pass (RLEF.md §1.3); default true. */
  readonly stopOnPublicPass?: boolean;
  /** Which tests give feedback: the public ones (default) or, for the B.2 ablation, the private ones. */
  readonly feedbackTests?: 'public' | 'private';
}

export interface EpisodeStart {
  readonly id: string;
  readonly iteration: number;
  readonly draw: ProblemDraw;
}

interface RolloutState {
  readonly dialog: readonly Message[];
  readonly turns: readonly TurnRecord[];
  readonly done: boolean;
}

/** Plays one episode; emits exactly one Episode, then completes. */
export function rolloutEpisode(
  start: EpisodeStart,
  ports: { readonly policy: PolicyPort; readonly judge: JudgePort },
  options: RolloutOptions,
): Observable<Episode> {
  const problem = start.draw.problem;
  const program = options.program ?? ((_p: Problem, code: string) => code);
  const stopOnPass = options.stopOnPublicPass ?? true;
  const limits = problemLimits(problem);
  const feedbackTests: readonly Test[] =
    options.feedbackTests === 'private' ? problem.tests.private : problem.tests.public;

  const playTurn = (state: RolloutState): Observable<RolloutState> => {
    const turn = state.turns.length;
    const prompt = state.dialog[state.dialog.length - 1]?.content ?? '';
    return ports.policy.generate({ dialog: state.dialog, seed: `${start.id}:turn${turn}` }).pipe(
      concatMap((generation) => {
        const code = options.extractCode(generation.text);
        const judged$: Observable<{ verdict: TurnVerdict; outcomes: readonly TestOutcome[]; execMs: number }> =
          code === null
            ? of({ verdict: 'invalid' as const, outcomes: [], execMs: 0 })
            : timed(() =>
                ports.judge.judge({ code: program(problem, code), tests: feedbackTests, mode: 'all', limits }),
              ).pipe(map(({ value, ms }) => ({ verdict: value.verdict, outcomes: value.outcomes, execMs: ms })));
        return judged$.pipe(
          concatMap((judged) => {
            const passed = judged.verdict === 'passed';
            const isLast = (passed && stopOnPass) || turn + 1 >= options.maxTurns;
            const record = (feedback: string | null): RolloutState => {
              const turnRecord: TurnRecord = {
                prompt,
                generation,
                code,
                verdict: judged.verdict,
                outcomes: judged.outcomes,
                feedback,
                execMs: judged.execMs,
              };
              const dialog: Message[] = [...state.dialog, { role: 'assistant', content: generation.text, generation }];
              if (feedback !== null) dialog.push({ role: 'user', content: feedback });
              return { dialog, turns: [...state.turns, turnRecord], done: feedback === null };
            };
            if (isLast) return of(record(null));
            return options
              .feedback({ problem, turn, code, outcomes: judged.outcomes })
              .pipe(map((text) => record(text)));
          }),
        );
      }),
    );
  };

  const initial: RolloutState = {
    dialog: [{ role: 'user', content: options.initialPrompt(problem) }],
    turns: [],
    done: false,
  };
  return of(initial).pipe(
    expand((state) => (state.done ? EMPTY : playTurn(state))),
    last(),
    concatMap((state) => grade(state.turns)),
  );

  function grade(turns: readonly TurnRecord[]): Observable<Episode> {
    const final = turns[turns.length - 1];
    const episode = (finalVerdict: TurnVerdict, gradeMs: number): Episode => ({
      id: start.id,
      iteration: start.iteration,
      draw: start.draw,
      turns,
      finalVerdict,
      solved: finalVerdict === 'passed',
      gradeMs,
    });
    if (final === undefined) return of(episode('invalid', 0));
    // A final answer that failed the tests it was just run on fails the grade without running again.
    if (final.code === null || final.verdict !== 'passed') return of(episode(final.verdict, 0));
    const rest: Test[] =
      options.feedbackTests === 'private'
        ? [...problem.tests.public, ...problem.tests.generated]
        : [...problem.tests.private, ...problem.tests.generated];
    if (rest.length === 0) return of(episode(final.verdict, 0));
    const code = program(problem, final.code);
    return timed(() => ports.judge.judge({ code, tests: rest, mode: 'first-failure', limits })).pipe(
      map(({ value, ms }: { value: JudgeResult; ms: number }) => episode(value.verdict, ms)),
    );
  }
}

/** Wall time of a cold observable's single value, from subscription to emission. */
function timed<T>(work: () => Observable<T>): Observable<{ value: T; ms: number }> {
  return defer(() => {
    const t0 = performance.now();
    return work().pipe(map((value) => ({ value, ms: performance.now() - t0 })));
  });
}

/** True when the episode hit an infrastructure fault; such episodes are kept out of PPO batches. */
export function hasSandboxError(episode: Episode): boolean {
  return episode.finalVerdict === 'sandbox_error' || episode.turns.some((t) => t.verdict === 'sandbox_error');
}

export type { Generation };
