/**
 * `npm run bench -- pipeline`: how much the reactive pipeline overlaps its stages. A few training
 * iterations run through the real stages (tfjs generation in its worker thread, the sandboxed
 * pool, the PPO learner), in the asynchronous setup (`maxPolicyLag` 1: the next iteration's
 * rollouts run while the current one trains); then each stage's work is replayed alone, in the
 * same run: every generation request, every execution request, every update. overlap = wall time
 * per iteration / (sum of the stages alone per iteration); below 1 means stages ran at the same
 * time.
 *
 * The policy is a fresh model of the demo shape: it does the real generation work (same tokens,
 * same cost) but the answer text is taken from the problem's reference or buggy solutions, so that
 * there is code to execute, and the workload is the same on every machine. `RLEF_BENCH_POLICY=warmstart`
 * uses the shipped warm-start checkpoint instead (real answers; it has memorised the training
 * problems, so most episodes end at turn 1). The summary says which; RLEF_DEBUG=1 logs live
 * tensors and the wasm heap after every update.
 */
import { access } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { firstValueFrom, forkJoin, lastValueFrom, map, tap, toArray } from 'rxjs';
import { memorySummary, selectBackend } from '../../src/policy/backend.ts';
import { Critic } from '../../src/policy/critic.ts';
import { AdamW } from '../../src/policy/optimizer.ts';
import { DEMO_MODEL_CONFIG } from '../../src/policy/demo-config.ts';
import { createExecutionPool } from '../../src/exec/pool.ts';
import { extractCode, initialPrompt } from '../../src/exec/feedback.ts';
import type { JudgeRequest, JudgeResult } from '../../src/exec/types.ts';
import { loadProblems } from '../../src/problems/load.ts';
import { problemOrder } from '../../src/pipeline/problem-order.ts';
import { trainingLoop } from '../../src/pipeline/training-loop.ts';
import type { Episode, Generation } from '../../src/pipeline/episode.ts';
import type { GenerateRequest, JudgePort, LearnerPort, PolicyPort } from '../../src/pipeline/ports.ts';
import { fromAbortable } from '../../src/pipeline/from-abortable.ts';
import { PolicyService } from '../../src/runtime/policy-service.ts';
import { WorkerDecoder } from '../../src/runtime/worker-decoder.ts';
import { PpoLearner } from '../../src/runtime/ppo-learner.ts';
import { feedbackPolicy } from '../../src/runtime/feedback-policy.ts';
import { loadPolicy } from '../../src/runtime/load-policy.ts';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';
import type { Problem } from '../../src/problems/problem.ts';
import type { BenchOptions, BenchResult } from './run.ts';

const EPISODES = 16;
const ITERATIONS = 4;

/** Wraps the real policy: the model generates (real cost); without a trained checkpoint the text is a known solution. */
function scriptedText(service: PolicyService, problems: Map<string, Problem>, scripted: boolean): PolicyPort {
  return {
    generate(request: GenerateRequest): Observable<Generation> {
      return service.generate(request).pipe(
        map((g) => {
          if (!scripted) return g;
          const id = /problem=(\S+)/.exec(request.seed)?.[1];
          const problem = id === undefined ? undefined : problems.get(id);
          const turn = request.dialog.filter((m) => m.role === 'assistant').length;
          const wrong = problem?.incorrectSolutions[0];
          const code = turn === 0 && wrong !== undefined ? wrong : (problem?.solutions[0] ?? 'print(0)');
          return { ...g, text: `\`\`\`python\n${code.trimEnd()}\n\`\`\`` };
        }),
      );
    },
  };
}

/** With RLEF_DEBUG: live tensors and the wasm heap's size on stderr (the heap grows, never shrinks). */
function debugMemory(when: string): void {
  if (process.env['RLEF_DEBUG'] !== undefined) process.stderr.write(`[debug] ${when}: ${memorySummary()}\n`);
}

async function timeIt<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

export async function benchPipeline(options: BenchOptions): Promise<BenchResult> {
  const backend = await selectBackend('auto', { log: () => undefined });
  const problems = (await loadProblems(join(REPO_ROOT, 'data', 'suite', 'train.jsonl'))).slice(0, 64);
  const byId = new Map(problems.map((p) => [p.id, p]));
  const pool = await createExecutionPool({ workers: options.workers ?? 1 });
  const warm = join(REPO_ROOT, 'data', 'warmstart');
  const wantWarm = process.env['RLEF_BENCH_POLICY'] === 'warmstart';
  const scripted = !(wantWarm && (await access(join(warm, 'checkpoint.json')).then(() => true, () => false)));
  const loaded = await loadPolicy(scripted ? { config: DEMO_MODEL_CONFIG, seed: 1 } : { checkpoint: warm }, REPO_ROOT);
  const policy = loaded.model;
  const reference = policy.clone({ trainable: false });
  const critic = new Critic(policy, { seed: 1 });
  const policyOptimizer = new AdamW(policy.getWeights(), { lr: 1e-5, weightDecay: 0.1 });
  const criticOptimizer = new AdamW(critic.getWeights(), { lr: 1e-5, weightDecay: 0.1 });
  const sampling = { temperature: 1, topP: 1, maxNewTokens: 96 };
  const decoder = await WorkerDecoder.start(policy, loaded.tokenizer, sampling, { backend: backend.backend, version: 0 });
  const service = new PolicyService(decoder, { maxBatch: EPISODES });
  const learner = new PpoLearner({ policy, reference, critic, policyOptimizer, criticOptimizer }, { minibatches: 2, microBatch: 8, recomputeOldLogp: true }, (v) =>
    decoder.setPolicy(policy, v),
  );
  try {
    // Record every request of the iteration, to replay each stage alone afterwards.
    const generations: GenerateRequest[] = [];
    const executions: JudgeRequest[] = [];
    const batches: (readonly Episode[])[] = [];
    const updateEnds: number[] = [];
    let learnerBusyMs = 0;
    const updateStarts: number[] = [];
    const policyPort = scriptedText(service, byId, scripted);
    const recordingPolicy: PolicyPort = {
      generate: (r) => {
        generations.push(r);
        return policyPort.generate(r);
      },
    };
    const judge: JudgePort = { judge: (r) => fromAbortable((signal) => pool.judge(r, signal)) };
    const recordingJudge: JudgePort = {
      judge: (r) => {
        executions.push(r);
        return judge.judge(r);
      },
    };
    const timedLearner: LearnerPort = {
      update: (episodes) => {
        batches.push(episodes);
        let started = 0;
        return learner.update(episodes).pipe(
          tap({
            subscribe: () => {
              started = performance.now();
              updateStarts.push(started);
            },
          }),
          tap(() => {
            updateEnds.push(performance.now());
            learnerBusyMs += performance.now() - started;
            debugMemory(`update ${updateEnds.length}`);
          }),
        );
      },
    };
    const order = problemOrder(problems, { seed: 1 });
    // Seeds carry the problem id so the scripted text can find its solutions.
    const seeded: PolicyPort = {
      generate: (r) => {
        const m = /^it(\d+)-ep(\d+)/.exec(r.seed);
        const cursor = m === null ? 0 : Number(m[1]) * EPISODES + Number(m[2]);
        return recordingPolicy.generate({ ...r, seed: `${r.seed} problem=${order.at(cursor).problem.id}` });
      },
    };
    const rollout = {
      maxTurns: 3,
      initialPrompt: (p: Problem) => initialPrompt(p.description),
      extractCode: (t: string) => extractCode(t) ?? null,
      feedback: feedbackPolicy('real', { judge, problems, seed: 1 }),
    };
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const workerBusy0 = decoder.workerBusyMs;
    const iteration = await timeIt(() =>
      lastValueFrom(
        trainingLoop(order, { policy: seeded, judge: recordingJudge, learner: timedLearner }, rollout, {
          iterations: ITERATIONS,
          episodesPerIteration: EPISODES,
          concurrency: 2 * EPISODES,
          maxPolicyLag: 1,
        }).pipe(toArray()),
      ),
    );
    loopDelay.disable();
    const workerBusyOverlappedMs = decoder.workerBusyMs - workerBusy0;
    // Each stage alone, on the same work.
    const workerBusy1 = decoder.workerBusyMs;
    const gen = await timeIt(() => firstValueFrom(forkJoin(generations.map((r) => service.generate(r)))));
    const workerBusyAloneMs = decoder.workerBusyMs - workerBusy1;
    const exec = await timeIt(() => Promise.all(executions.map((r) => pool.judge(r))));
    const update = await timeIt(async () => {
      for (const [i, b] of batches.entries()) {
        await lastValueFrom(learner.update(b));
        debugMemory(`update ${i + 1} alone`);
      }
    });
    const updateMs = update.ms;
    const stagesMs = gen.ms + exec.ms + updateMs;
    const ratio = iteration.ms / stagesMs;
    // Steady state: the time from one update's end to the next, once the pipeline is full (the
    // first iteration has nothing to overlap with), against one iteration's stages alone.
    const steadyMs = updateEnds.length >= 3 ? (updateEnds.at(-1)! - updateEnds[1]!) / (updateEnds.length - 2) : NaN;
    const steadyRatio = steadyMs / (stagesMs / batches.length);
    // How long the learner waited for its next batch after the first update (0 = updates back to back: the learner is the bottleneck).
    const learnerWaitMs = updateStarts.slice(1).reduce((sum, start, i) => sum + Math.max(0, start - updateEnds[i]!), 0);
    const solved = batches.flat().filter((e) => e.solved).length;
    const results: JudgeResult[] = exec.value;
    const metrics = {
      backend: backend.backend,
      policy: scripted ? 'fresh demo model, scripted answer text' : 'warm-start checkpoint',
      iterations: ITERATIONS,
      episodes: EPISODES * ITERATIONS,
      turns: generations.length,
      executions: results.length,
      solved,
      iterationMs: Math.round(iteration.ms),
      generationAloneMs: Math.round(gen.ms),
      executionAloneMs: Math.round(exec.ms),
      updateMs: Math.round(updateMs),
      overlapRatio: Number(ratio.toFixed(3)),
      steadyIterationMs: Math.round(steadyMs),
      steadyOverlapRatio: Number(steadyRatio.toFixed(3)),
      decodeBusyOverlappedMs: Math.round(workerBusyOverlappedMs),
      decodeBusyAloneMs: Math.round(workerBusyAloneMs),
      learnerBusyOverlappedMs: Math.round(learnerBusyMs),
      learnerWaitMs: Math.round(learnerWaitMs),
      eventLoopDelayMeanMs: Number((loopDelay.mean / 1e6).toFixed(1)),
      eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e6),
    };
    return {
      name: 'pipeline',
      metrics,
      summary: [
        `backend ${backend.backend}; policy: ${metrics.policy}; ${ITERATIONS} iterations × ${EPISODES} episodes, max policy lag 1, decoding in a worker; ${generations.length} turns, ${results.length} executions, ${solved} solved`,
        `run ${metrics.iterationMs} ms; alone: generation ${metrics.generationAloneMs} ms + execution ${metrics.executionAloneMs} ms + updates ${metrics.updateMs} ms = ${Math.round(stagesMs)} ms`,
        `overlap ratio ${ratio.toFixed(3)} (whole run / sum of stages alone, pipeline fill and drain included)`,
        `during the run: decoding busy ${metrics.decodeBusyOverlappedMs} ms (alone ${metrics.decodeBusyAloneMs} ms, both on the worker's clock), updates busy ${metrics.learnerBusyOverlappedMs} ms (alone ${metrics.updateMs} ms), learner waiting for a batch ${metrics.learnerWaitMs} ms between updates; main-thread event-loop delay mean ${metrics.eventLoopDelayMeanMs} ms, max ${metrics.eventLoopDelayMaxMs} ms`,
        `steady state: ${Math.round(steadyMs)} ms per iteration (update to update after the second) / ${Math.round(stagesMs / batches.length)} ms of stages alone per iteration = ${steadyRatio.toFixed(3)} (target ≤ 0.8)`,
      ],
    };
  } finally {
    await decoder.close();
    for (const d of [policy, reference, critic, policyOptimizer, criticOptimizer]) d.dispose();
    await pool.close();
  }
}
