/**
 * DEMO ONLY, for checking the UI by eye in a real terminal; production never imports this.
 * Emits synthetic RunStates (fake episodes, fake metrics) about 25 times a second and honours
 * the UI's controls: `p` pauses taking new episodes, `q` finishes the episodes in flight, then
 * ends the run. Run: `node --import tsx test/ui/demo-state.ts [--mode tui|plain|json]
 * [--iterations 5] [--episodes 16] [--tick 40]`.
 */
import { parseArgs } from 'node:util';
import { BehaviorSubject } from 'rxjs';
import type { EpisodeSummary, IterationMetrics, RunState, TurnSummary } from '../../src/pipeline/run-state.ts';
import { createReporter, type ReporterMode } from '../../src/ui/create-reporter.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'tui' },
    iterations: { type: 'string', default: '5' },
    episodes: { type: 'string', default: '16' },
    tick: { type: 'string', default: '40' },
  },
});
const mode = values.mode as ReporterMode;
const iterations = Number(values.iterations);
const perIteration = Number(values.episodes);
const tickMs = Number(values.tick);
const concurrency = 6;

// A small deterministic generator, so two demo runs look alike.
let seed = 20261126;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const problems = ['codecontests/1560_A', 'codecontests/1593_C', 'codecontests/1617_B', 'codecontests/1547_B', 'codecontests/1607_A'];
const verdicts = ['wrong_answer', 'runtime_error', 'timeout'];
const code = 't = int(input())\nfor _ in range(t):\n    n = int(input())\n    print(sum(range(n + 1)))\n';
const feedback = 'Your code failed the following tests:\n\n# Input:\n1\n10\n# Expected output:\n55\n# Actual output:\n45\n';

const startedAt = Date.now();
let state: RunState = {
  run: { id: 'demo-run', mode: 'train', pipeline: 'demo (synthetic states)', backend: 'none', outDir: '/dev/null', startedAt },
  status: 'starting',
  message: 'demo: warming up',
  progress: { iteration: 1, iterations, episodesDone: 0, episodesPerIteration: perIteration, inFlight: 0, elapsedMs: 0, etaMs: null },
  stages: {
    generation: { tokensPerSec: 0, busyMs: 0, tokens: 0 },
    execution: { runsPerSec: 0, busyMs: 0, running: 0, queued: 0, sandboxErrors: 0 },
    training: { busyMs: 0, updates: 0 },
    queues: { generate: 0, execute: 0, batcher: 0 },
  },
  history: [],
  recent: [],
};
const states = new BehaviorSubject<RunState>(state);
let paused = false;
let stopping = false;
let started = 0; // episodes started in this iteration
let training = 0; // ticks of training left
let episodeNo = 0;

function episode(iteration: number): EpisodeSummary {
  const skill = 0.25 + 0.1 * iteration;
  const turns: TurnSummary[] = [];
  let solved = false;
  for (let t = 0; t < 3 && !solved; t++) {
    solved = random() < skill + 0.1 * t;
    const verdict = solved ? 'passed' : (verdicts[Math.floor(random() * verdicts.length)] ?? 'wrong_answer');
    turns.push({ code, verdict, feedback: solved ? null : feedback });
  }
  episodeNo += 1;
  return {
    episodeId: `demo-${episodeNo}`,
    problemId: problems[episodeNo % problems.length] ?? 'demo',
    iteration,
    solved,
    reward: solved ? 1 - random() * 0.02 : -1 - random() * 0.02,
    turns,
  };
}

function metrics(iteration: number, wallMs: number): IterationMetrics {
  const s = Math.min(0.95, 0.25 + 0.08 * iteration + random() * 0.05);
  return {
    iteration,
    episodes: perIteration,
    reward: 2 * s - 1,
    solveRate: s,
    solveRateByTurn: [s * 0.6, s * 0.85, s],
    fixRateTurn2: (s * 0.25) / (1 - s * 0.6),
    kl: 0.001 * iteration + random() * 0.0005,
    policyLoss: (random() - 0.5) * 0.02,
    valueLoss: 0.4 / iteration + random() * 0.02,
    entropy: 0.92 - 0.01 * iteration,
    clipFraction: 0.03 + 0.005 * iteration,
    meanTurns: 2.6 - 0.1 * iteration,
    invalidRate: 0.1 / iteration,
    wallMs,
  };
}

let iterationStart = Date.now();
function tick(): void {
  const now = Date.now();
  const p = state.progress;
  let { inFlight, episodesDone, iteration } = p;
  let { history, recent, status, message } = state;
  if (training > 0) {
    training -= 1;
    if (training === 0) {
      history = [...history, metrics(iteration, now - iterationStart)];
      reporter.log(`demo: iteration ${iteration} done, pretend checkpoint saved`);
      iterationStart = now;
      if (iteration >= iterations || stopping) {
        states.next({ ...state, history, status: 'done', message: 'demo: finished', progress: { ...p, inFlight: 0, etaMs: 0 } });
        states.complete();
        clearInterval(timer);
        return;
      }
      iteration += 1;
      episodesDone = 0;
      started = 0;
    }
  } else {
    // Finish some episodes, then start new ones up to the concurrency.
    for (let i = inFlight; i > 0; i--) {
      if (random() < 0.15) {
        inFlight -= 1;
        episodesDone += 1;
        recent = [episode(iteration), ...recent].slice(0, 8);
      }
    }
    while (!paused && !stopping && inFlight < concurrency && started < perIteration) {
      inFlight += 1;
      started += 1;
    }
    if (episodesDone >= perIteration || (stopping && inFlight === 0)) training = 25;
  }
  status = stopping ? 'stopping' : paused ? 'paused' : 'running';
  message = training > 0 ? `demo: PPO update of iteration ${iteration}` : stopping ? `demo: finishing ${inFlight} episodes in flight` : `demo: collecting episodes for iteration ${iteration}`;
  const elapsedMs = now - startedAt;
  const doneFraction = (iteration - 1 + episodesDone / perIteration) / iterations;
  state = {
    ...state,
    status,
    message,
    history,
    recent,
    progress: { ...p, iteration, episodesDone, inFlight, elapsedMs, etaMs: doneFraction > 0 ? (elapsedMs / doneFraction) * (1 - doneFraction) : null },
    stages: {
      generation: { tokensPerSec: inFlight * (250 + random() * 40), busyMs: elapsedMs * 0.7, tokens: Math.round(elapsedMs * 1.6) },
      execution: { runsPerSec: inFlight * 3 + random() * 2, busyMs: elapsedMs * 0.5, running: Math.min(4, inFlight), queued: Math.max(0, inFlight - 4), sandboxErrors: 0 },
      training: { busyMs: state.stages.training.busyMs + (training > 0 ? tickMs : 0), updates: history.length * 4 },
      queues: { generate: Math.max(0, perIteration - started), execute: Math.max(0, inFlight - 4), batcher: episodesDone },
    },
  };
  states.next(state);
}

const timer = setInterval(tick, tickMs);
const reporter = createReporter(states, {
  mode,
  stdout: process.stdout,
  stderr: process.stderr,
  statusEveryMs: 2000,
  controls: {
    stop: () => {
      stopping = true;
    },
    togglePause: () => {
      paused = !paused;
    },
  },
});
await reporter.waitUntilExit();
process.stderr.write('demo: reporter exited\n');
