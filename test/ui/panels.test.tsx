import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { RunState } from '../../src/pipeline/run-state.ts';
import { EpisodesPanel } from '../../src/ui/episodes-panel.tsx';
import { Header } from '../../src/ui/header.tsx';
import { LearningPanel } from '../../src/ui/learning-panel.tsx';
import { ProgressBars } from '../../src/ui/progress-bars.tsx';
import { StagesPanel } from '../../src/ui/stages-panel.tsx';
import { loadFixture } from './fixtures.ts';

/** The first frame of `element` as plain text lines. */
function frame(element: ReactElement): string[] {
  const { lastFrame, unmount } = render(element);
  const text = stripVTControlCharacters(lastFrame() ?? '');
  unmount();
  return text.split('\n');
}

function lineWith(lines: readonly string[], label: string): string {
  const found = lines.find((line) => line.includes(label));
  assert.ok(found !== undefined, `no line with ${JSON.stringify(label)} in:\n${lines.join('\n')}`);
  return found;
}

const mid = loadFixture('mid-run');
const starting = loadFixture('starting');
const failed = loadFixture('failed');

test('the header names the run and shows iteration, elapsed time, ETA and status', () => {
  const lines = frame(<Header state={mid} width={100} />);
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /^rlef train-20261126-175731-3f9a train · rlef-ppo-multiturn · tfjs-node +● running$/);
  assert.equal(lines[1], 'iteration 6/20 · elapsed 08:57 · eta 23:11 · iteration 6: collecting episodes');
});

test('the header of a starting run has no ETA yet and of a failed run shows why', () => {
  assert.match(frame(<Header state={starting} width={100} />)[1] ?? '', /^iteration 0\/20 · elapsed 00:01 · eta – · loading checkpoint/);
  const lines = frame(<Header state={failed} width={200} />);
  assert.match(lines[0] ?? '', /✖ failed$/);
  assert.match(lines[1] ?? '', /execution pool failed: sandbox fork server exited with signal SIGKILL/);
});

test('the header stays two rows on a narrow terminal', () => {
  const lines = frame(<Header state={mid} width={40} />);
  assert.equal(lines.length, 2);
  assert.ok(lines.every((line) => line.length <= 40), lines.join('\n'));
  assert.match(lines[0] ?? '', /● running$/);
});

test('the progress bars show episodes done in the iteration and rollouts in flight', () => {
  const lines = frame(<ProgressBars state={mid} width={60} inFlightPeak={16} />);
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /^episodes +[█▏▎▍▌▋▊▉░]+ +19\/32 +59\.4%$/);
  assert.match(lines[1] ?? '', /^in flight +[█▏▎▍▌▋▊▉░]+ +8 peak 16$/);
  const cells = [...(lines[1] ?? '').replace(/[^█▏▎▍▌▋▊▉░]/g, '')];
  const full = cells.filter((c) => c === '█').length;
  assert.ok(Math.abs(full - cells.length / 2) <= 1, `half of the in-flight bar is filled (8 of peak 16): ${lines[1]}`);
});

test('the stages panel shows generation and execution rates, the pool, queues and sandbox errors', () => {
  const lines = frame(<StagesPanel state={mid} width={70} focused={false} />);
  assert.equal(lines.length, 5);
  assert.match(lines[0] ?? '', /^── Stages ─+$/);
  assert.equal(lineWith(lines, 'generation').trimEnd(), 'generation  1.8k tok/s');
  assert.equal(lineWith(lines, 'execution').trimEnd(), 'execution   23.7 runs/s · pool 6 running, 9 queued');
  assert.equal(lineWith(lines, 'sandbox').trimEnd(), 'sandbox     0 errors');
  assert.equal(lineWith(lines, 'queues').trimEnd(), 'queues      generate 8 · execute 15 · batcher 19');
  assert.match(lineWith(frame(<StagesPanel state={failed} width={70} focused={false} />), 'sandbox'), /37 errors/);
});

test('the focused stages panel adds tokens, busy time and utilisation of each stage', () => {
  const lines = frame(<StagesPanel state={mid} width={80} focused />);
  assert.equal(lines.length, 7);
  assert.match(lines[0] ?? '', /^━━ ▶ Stages ━+$/);
  assert.equal(lineWith(lines, 'generation').trimEnd(), 'generation  1.8k tok/s · 981k tokens · busy 06:52 (76.7%)');
  assert.equal(lineWith(lines, 'training').trimEnd(), 'training    20 updates · busy 01:36 (17.9%)');
});

test('the learning panel shows each metric with a sparkline over the iterations', () => {
  const lines = frame(<LearningPanel state={mid} width={60} focused={false} />);
  assert.equal(lines.length, 10);
  assert.match(lines[0] ?? '', /iter 5 · 5 in history ─$/);
  const expected: [string, string, string][] = [
    ['reward', '0.0563', '▁▃▅▆█'],
    ['solve @1', '31.3%', '▁▃▅▇█'],
    ['solve @2', '46.9%', '▁▃▄▆█'],
    ['solve @3', '53.1%', '▁▃▅▇█'],
    ['fix @2', '22.7%', '▁▃▃▆█'],
    ['KL', '0.0062', '▁▂▅▇█'],
    ['policy loss', '-0.0015', '▁▂█▃▆'],
    ['value loss', '0.2331', '█▅▃▁▁'],
    ['entropy', '0.8659', '█▆▃▂▁'],
  ];
  for (const [label, value, spark] of expected) {
    const line = lineWith(lines, label);
    assert.match(line, new RegExp(`^${label} +${value.replace('.', '\\.')} ${spark}$`), line);
  }
});

test('the focused learning panel adds the change since the last iteration and four more metrics', () => {
  const lines = frame(<LearningPanel state={mid} width={60} focused />);
  assert.equal(lines.length, 14);
  assert.match(lineWith(lines, 'reward'), /^reward +0\.0563 +\+0\.1237 ▁▃▅▆█$/);
  assert.match(lineWith(lines, 'solve @2'), /\+6\.3pp/);
  assert.match(lineWith(lines, 'clip frac'), /6\.1%/);
  assert.match(lineWith(lines, 'mean turns'), /2\.219/);
  assert.match(lineWith(lines, 'invalid'), /3\.1%/);
  assert.match(lineWith(lines, 'iter time'), /01:32 +-0\.9s/);
});

test('the learning panel of a starting run shows dashes and no sparkline', () => {
  const lines = frame(<LearningPanel state={starting} width={60} focused={false} />);
  assert.equal(lines.length, 10);
  assert.match(lines[0] ?? '', /no iteration finished yet/);
  for (const line of lines.slice(1)) assert.match(line, /^[a-zA-Z@ 0-9]+ +–$/);
});

test('the episodes panel lists the latest episodes with verdict per turn, code and feedback', () => {
  const lines = frame(<EpisodesPanel state={mid} width={120} focused={false} rows={Number.POSITIVE_INFINITY} />);
  assert.equal(lines.length, 1 + 4 * 2);
  assert.match(lines[0] ?? '', /4 of 4 ─$/);
  assert.match(lines[1] ?? '', /^✔ codecontests\/1560_A it 6 · r \+0\.99 · T1 wrong_answer → T2 passed$/);
  assert.match(lines[2] ?? '', /^ {2}code t = int\(input\(\)\) ⏎ for _ in range\(t\): ⏎ .*… feedback Your code failed the following tests: ⏎/);
  assert.match(lines[3] ?? '', /^✘ codecontests\/1593_C .* T1 runtime_error → T2 timeout → T3 wrong_answer$/);
  assert.match(lines[7] ?? '', /T1 no_code → T2 passed/);
  assert.ok(lines.every((line) => line.length <= 120));
});

test('the episodes panel shows only whole episodes that fit its rows', () => {
  const lines = frame(<EpisodesPanel state={mid} width={100} focused={false} rows={5} />);
  assert.equal(lines.length, 1 + 4);
  assert.match(lines[0] ?? '', /2 of 4 ─$/);
});

test('the focused episodes panel gives each turn a code row and a feedback row', () => {
  const lines = frame(<EpisodesPanel state={mid} width={100} focused rows={10} />);
  // Episode 1 takes 1 + 2×2 rows, episode 2 would need 1 + 3×2 more: only one fits in 10.
  assert.match(lines[0] ?? '', /1 of 4/);
  assert.equal(lines.length, 1 + 5);
  assert.match(lines[2] ?? '', /^ {2}T1 code {5}t = int\(input\(\)\)/);
  assert.match(lines[3] ?? '', /^ {5}feedback Your code failed/);
  assert.match(lines[5] ?? '', /^ {5}feedback –$/);
  const noCode = frame(<EpisodesPanel state={{ ...mid, recent: mid.recent.slice(3) }} width={100} focused rows={10} />);
  assert.match(noCode[2] ?? '', /T1 code {5}\(no code\)/);
});

test('code with terminal escape sequences is printed harmlessly', () => {
  const [first] = mid.recent;
  assert.ok(first !== undefined);
  const hostile: RunState = {
    ...mid,
    recent: [{ ...first, turns: [{ code: 'print("\u001b[2J\u001b[31mboom")\r', verdict: 'wrong_answer', feedback: '\u001b]0;title\u0007x' }] }],
  };
  const { lastFrame, unmount } = render(<EpisodesPanel state={hostile} width={100} focused rows={10} />);
  const raw = lastFrame() ?? '';
  unmount();
  assert.equal(raw.includes('\u001b[2J'), false);
  assert.equal(raw.includes('\u001b]0;'), false);
  assert.equal(raw.includes('\r'), false);
  assert.match(stripVTControlCharacters(raw), /print\("·\[2J·\[31mboom"\)$/m);
});

test('the failed run lists its sandbox errors as verdicts', () => {
  const lines = frame(<EpisodesPanel state={failed} width={100} focused={false} rows={Number.POSITIVE_INFINITY} />);
  assert.match(lines[1] ?? '', /^✘ codecontests\/1607_A it 3 · r -1\.00 · T1 sandbox_error$/);
  assert.match(lines[2] ?? '', /feedback –$/);
});

test('an empty episodes panel says no episode has finished', () => {
  const lines = frame(<EpisodesPanel state={starting} width={80} focused={false} rows={5} />);
  assert.deepEqual(lines.slice(1), ['no episode finished yet']);
});
