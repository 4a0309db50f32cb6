import { test } from 'node:test';
import assert from 'node:assert/strict';
import { map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { rolloutEpisode } from '../../../src/pipeline/rollout-episode.ts';
import type { Episode } from '../../../src/pipeline/episode.ts';
import { generation, judged, problem, testRolloutOptions, turnVerdicts } from './fakes.ts';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const start = { id: 'e1', iteration: 0, draw: { problem: problem('p1'), cursor: 0, epoch: 0 } };

test('a first answer that passes the public tests ends the episode and is graded on the private tests', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const gen = cold('--a|', { a: generation('<right>') });
    const out = rolloutEpisode(
      start,
      {
        policy: { generate: () => gen },
        // the public run takes 3 frames, the private grading 1 frame
        judge: { judge: (r) => (r.mode === 'all' ? cold('---p|', { p: judged('passed') }) : cold('-q|', { q: judged('passed') })) },
      },
      testRolloutOptions(() => of('feedback')),
    ).pipe(map((e) => `${e.turns.length}:${turnVerdicts(e).join(',')}:${e.finalVerdict}:${String(e.solved)}`));
    // the turn ends when the public run completes (frame 6); grading emits one frame later.
    expectObservable(out).toBe('-------e|', { e: '1:passed:passed:true' });
  });
});

test('a wrong answer gets feedback and the fixed second answer solves the episode', () => {
  scheduler().run(({ cold, flush }) => {
    const answers = [cold('-a|', { a: generation('<wrong>') }), cold('-b|', { b: generation('<right>') })];
    const dialogs: string[][] = [];
    let episode: Episode | undefined;
    rolloutEpisode(
      start,
      {
        policy: {
          generate: (r) => {
            dialogs.push(r.dialog.map((m) => `${m.role}:${m.content}`));
            return answers.shift()!;
          },
        },
        judge: { judge: (r) => cold('-j|', { j: judged(r.code === 'right' ? 'passed' : 'wrong_answer') }) },
      },
      testRolloutOptions((c) => of(`failed ${c.code ?? ''}`)),
    ).subscribe((e) => (episode = e));
    flush();
    assert.ok(episode);
    assert.deepEqual(turnVerdicts(episode), ['wrong_answer', 'passed']);
    assert.equal(episode.solved, true);
    assert.equal(episode.turns[0]?.feedback, 'failed wrong');
    assert.equal(episode.turns[1]?.feedback, null);
    assert.deepEqual(dialogs[1], ['user:solve p1', 'assistant:<wrong>', 'user:failed wrong']);
  });
});

test('three answers without code make three invalid turns and an unsolved episode', () => {
  scheduler().run(({ cold, flush }) => {
    let judgeCalls = 0;
    let episode: Episode | undefined;
    rolloutEpisode(
      start,
      {
        policy: { generate: () => cold('-a|', { a: generation('no code here') }) },
        judge: {
          judge: () => {
            judgeCalls++;
            return cold('-j|', { j: judged('passed') });
          },
        },
      },
      testRolloutOptions(() => of('Could not parse your code.')),
    ).subscribe((e) => (episode = e));
    flush();
    assert.ok(episode);
    assert.deepEqual(turnVerdicts(episode), ['invalid', 'invalid', 'invalid']);
    assert.equal(episode.solved, false);
    assert.equal(episode.finalVerdict, 'invalid');
    assert.equal(judgeCalls, 0);
  });
});

test('a final answer that passes public tests but fails private ones is not solved', () => {
  scheduler().run(({ cold, flush }) => {
    const verdicts = [judged('passed'), judged('wrong_answer')];
    let episode: Episode | undefined;
    rolloutEpisode(
      start,
      {
        policy: { generate: () => cold('-a|', { a: generation('<almost>') }) },
        judge: { judge: () => cold('-j|', { j: verdicts.shift()! }) },
      },
      testRolloutOptions(() => of('x')),
    ).subscribe((e) => (episode = e));
    flush();
    assert.equal(episode?.turns.length, 1);
    assert.equal(episode?.finalVerdict, 'wrong_answer');
    assert.equal(episode?.solved, false);
  });
});

test('unsubscribing during execution cancels the running judge task', () => {
  scheduler().run(({ cold, expectSubscriptions }) => {
    const gen = cold('-a|', { a: generation('<slow>') });
    const slowJudge = cold('----------j|', { j: judged('passed') });
    const subscription = rolloutEpisode(
      start,
      { policy: { generate: () => gen }, judge: { judge: () => slowJudge } },
      testRolloutOptions(() => of('x')),
    ).subscribe();
    // cancel at frame 4, while the judge (subscribed at frame 1) is still running
    cold('----x|').subscribe(() => subscription.unsubscribe());
    expectSubscriptions(slowJudge.subscriptions).toBe('-^--!');
  });
});
