/**
 * The live UI of a real `rlef train` run in a real terminal (tmux): the panels show and update,
 * `q` stops the run gracefully with a checkpoint written, and the terminal settings come back.
 * Skips where tmux is absent (`.ci/run` installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/runtime/load-pipeline.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('q in the live UI of rlef train stops the run with a checkpoint and restores the terminal', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rlef-tui-'));
  const socket = `rlef-test-${process.pid}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'run');
  const out = join(dir, 'run');
  const script = [
    `cd ${REPO_ROOT}`,
    `stty -g > ${dir}/stty.before`,
    // ink draws only a final frame when it sees a CI variable; a person's terminal has none.
    `env -u CI ${process.execPath} bin/rlef train --pipeline test/fixtures/pipelines/tiny-rlef.ts --out ${out} --iterations 40 --backend wasm`,
    `echo "EXIT=$?" > ${dir}/exit`,
    `stty -g > ${dir}/stty.after`,
    'sleep 60',
  ].join('; ');
  try {
    tmux('new-session', '-d', '-s', 'run', '-x', '140', '-y', '45', script);
    const waitFor = async (what: () => Promise<boolean> | boolean, label: string, ms = 300_000): Promise<void> => {
      for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) if (await what()) return;
      assert.fail(`timed out waiting for ${label}; screen:\n${screen()}`);
    };
    await waitFor(() => /Learning/.test(screen()) && /iter \d+ · \d+ in history/.test(screen()), 'the learning panel with history');
    const first = screen();
    assert.match(first, /── Stages/);
    assert.match(first, /── Episodes/);
    assert.match(first, /q stop · p pause · tab/);
    const iterationOf = (s: string): number => Number(/iteration (\d+)\/40/.exec(s)?.[1] ?? 0);
    const before = iterationOf(first);
    await waitFor(() => iterationOf(screen()) > before, 'the header to move to the next iteration');
    tmux('send-keys', '-t', 'run', 'q');
    await waitFor(() => access(join(dir, 'exit')).then(() => true, () => false), 'the run to exit', 120_000);
    assert.equal((await readFile(join(dir, 'exit'), 'utf8')).trim(), 'EXIT=0');
    const pointer = JSON.parse(await readFile(join(out, 'checkpoints', 'latest.json'), 'utf8')) as { checkpoint: string };
    assert.match(pointer.checkpoint, /^iter-\d+$/);
    await access(join(out, 'checkpoints', pointer.checkpoint, 'checkpoint.json'));
    assert.match(screen(), /stopped at iteration \d+/);
    await waitFor(() => access(join(dir, 'stty.after')).then(() => true, () => false), 'stty after the run', 10_000);
    assert.equal(await readFile(join(dir, 'stty.after'), 'utf8'), await readFile(join(dir, 'stty.before'), 'utf8'));
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await rm(dir, { recursive: true, force: true });
  }
});
