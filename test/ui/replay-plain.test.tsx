import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { groupEpisodes } from '../../src/report/episodes.ts';
import { loadRun } from '../../src/report/load-run.ts';
import { NO_FILTERS, plainEpisode, plainListing, wrapLines, type ReplayData } from '../../src/ui/replay-model.ts';

async function load(name: string): Promise<ReplayData> {
  const run = await loadRun(fileURLToPath(new URL(`../fixtures/replay/${name}`, import.meta.url)));
  return { source: name, episodes: groupEpisodes(run.rows), truncatedBytes: run.truncatedBytes, closed: run.closed };
}

test('the plain listing has a header line and one line per episode that passes the filters', async () => {
  const data = await load('scripted.arrow');
  const lines = plainListing(data, { ...NO_FILTERS, outcome: 'solved', turns: 2 }).trimEnd().split('\n');
  assert.equal(lines[0], 'scripted.arrow: 5 of 14 episodes · filter: solved · 2 turns');
  assert.deepEqual(
    lines.slice(1).map((l) => l.split('  ')[0]),
    ['fixture-run/it00000-ep00002', 'fixture-run/it00001-ep00001', 'fixture-run/it00001-ep00002', 'fixture-run/it00001-ep00004', 'fixture-run/eval00001-ep00000'],
  );
  assert.match(lines[1] ?? '', /✔ smoke\/kth_largest\/0 {2}it 0 · train · 2 turns · r \+0\.80 · T1 invalid → T2 passed$/);
});

test('the plain listing of a log cut short says how many bytes were ignored', async () => {
  const first = plainListing(await load('scripted-truncated.arrow'), NO_FILTERS).split('\n')[0];
  assert.equal(first, 'scripted-truncated.arrow: 12 of 12 episodes · filter: none · truncated: 3880 bytes ignored');
});

test('one episode in full shows every turn\'s numbers, prompt, code and feedback', async () => {
  const data = await load('scripted.arrow');
  const episode = data.episodes.find((e) => e.episodeId === 'it00000-ep00004');
  assert.ok(episode !== undefined);
  const text = plainEpisode(episode);
  assert.match(text, /^episode fixture-run\/it00000-ep00004 · problem smoke\/keep_between\/0 · iteration 0 · train · not solved · 3 turns · reward -1\.20$/m);
  assert.equal(text.match(/^━━ turn \d\/3 · verdict/gm)?.length, 3);
  assert.match(text, /━━ turn 2\/3 · verdict invalid/);
  assert.match(text, /── Response \(no code block: invalid\)\nRead the input, then print the answer it asks for\./);
  assert.match(text, /Could not parse your code\./);
  assert.match(text, /\(final turn: graded on all tests · not solved\)/);
});

test('model output with terminal escapes is printed defanged', async () => {
  const data = await load('tiny-run');
  // eslint-disable-next-line no-control-regex
  const raw = data.episodes.flatMap((e) => e.turns).some((t) => /[\u001b\u0007]/.test(t.response));
  assert.ok(raw, 'the real run\'s random model emitted control characters');
  // eslint-disable-next-line no-control-regex
  for (const episode of data.episodes) assert.doesNotMatch(plainEpisode(episode), /[\u0000-\u0008\u000b-\u001f\u007f]/);
});

test('long lines wrap at the width without losing characters', () => {
  assert.deepEqual(wrapLines('abcdefg\n\nxy', 3), ['abc', 'def', 'g', '', 'xy']);
});
