/**
 * The live UI in a real terminal (tmux): it draws, `q` stops the run gracefully, and the
 * terminal is left exactly as it was (same stty settings, cursor visible). Skipped without tmux.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

test('in a real terminal q stops the run and the terminal is restored', { skip: hasTmux() ? false : 'tmux is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlef-ui-'));
  // A private tmux server, so no one else's sessions are touched.
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', `rlef-ui-${process.pid}`, ...args], { encoding: 'utf8' });
  const script = [
    `stty -g > ${dir}/before`,
    // A CI job's markers would (rightly) turn the live UI into plain lines: this is a terminal.
    'env -u CI -u CONTINUOUS_INTEGRATION node --import tsx test/ui/demo-state.ts --iterations 50 --episodes 8 --tick 20',
    `echo $? > ${dir}/rc`,
    // Renamed into place, so the test never reads a file the shell has only begun to write.
    `stty -g > ${dir}/after.part && mv ${dir}/after.part ${dir}/after`,
    'sleep 60',
  ].join('; ');
  try {
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-c', root, `sh -c '${script}'`);
    const screen = (): string => tmux('capture-pane', '-p');
    const tty = tmux('display-message', '-p', '#{pane_tty}').trim();
    const raw = (): boolean => /(^|\s)-icanon(\s|$)/.test(execFileSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' }));
    try {
      await waitFor(() => /rlef demo-run train[\s\S]*q stop · p pause/.test(screen()), 'the live UI with keys on', 25_000);
      // A key typed before raw mode is on would wait in the line buffer for an Enter.
      await waitFor(raw, 'raw mode on the terminal', 10_000);
      tmux('send-keys', 'q');
      await waitFor(() => existsSync(join(dir, 'after')), 'the demo to exit', 25_000);
    } catch (error) {
      throw new Error(`${String(error)}; screen:\n${screen()}`, { cause: error });
    }
    assert.equal(readFileSync(join(dir, 'rc'), 'utf8').trim(), '0');
    assert.equal(readFileSync(join(dir, 'after'), 'utf8'), readFileSync(join(dir, 'before'), 'utf8'), 'stty settings restored');
    assert.equal(tmux('display-message', '-p', '#{cursor_flag}').trim(), '1', 'cursor visible');
    // With scrollback: the frame fills the terminal and the demo's last stderr line scrolls it by one.
    const last = tmux('capture-pane', '-p', '-S', '-10');
    assert.match(last, /✔ done/, 'the final frame stays on the screen');
    assert.match(last, /iteration (\d+)\/50/);
    assert.ok(Number(/iteration (\d+)\/50/.exec(last)?.[1]) < 50, 'stopped before the planned end');
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
