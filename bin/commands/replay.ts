/** `rlef replay`: browse the episodes of a trajectory log, turn by turn. */
import { type Command, Option } from 'commander';
import { positiveInt } from './option-parsers.ts';
import { InputError } from '../../src/runtime/errors.ts';
import { findEpisode, groupEpisodes } from '../../src/report/episodes.ts';
import { loadRun } from '../../src/report/load-run.ts';
import { runReplayUi } from '../../src/ui/replay.tsx';
import { NO_FILTERS, plainEpisode, plainListing, type OutcomeFilter, type ReplayData, type ReplayFilters } from '../../src/ui/replay-model.ts';

/** Reads the log as the browser shows it. */
export async function loadReplayData(path: string): Promise<ReplayData> {
  const run = await loadRun(path);
  return { source: path, episodes: groupEpisodes(run.rows), truncatedBytes: run.truncatedBytes, closed: run.closed };
}

const HELP = `
On a terminal this opens a browser (keys are listed at its bottom line):
  ↑/↓ or j/k   move through the episodes      enter   open the selected episode
  ←/→ or h/l   previous / next turn           esc     back to the list
  f            all → solved → failed           t       filter by number of turns
  /            search problem ids (substring)  r       read the log again (a run still writing)
  q            quit
Each turn shows its prompt, code (or the code-less response), feedback, verdict, reward,
advantage, return, value and KL. Episodes are rows grouped by (run id, episode id).

Without a terminal (a pipe, a file) it prints one line per episode; --episode prints one
episode in full. A log cut short or still being written is read up to its last complete
batch; the header says "truncated: N bytes ignored".

Examples:
  $ rlef replay runs/rlef-ppo-2026-01-01T10-00-00
  $ rlef replay runs/x/trajectories/trajectories-000.arrow --outcome failed --turns 3 | less
  $ rlef replay runs/x --episode it00003-ep00017
`;

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('browse the episodes of a trajectory log (a .arrow file or a run directory) turn by turn')
    .argument('<path>', 'trajectory file (trajectories-NNN.arrow) or run directory')
    .option('--episode <id>', 'print this episode (episode id, or run-id/episode-id) in full and exit')
    .addOption(new Option('--outcome <which>', 'show only solved or failed episodes').choices(['all', 'solved', 'failed']).default('all'))
    .option('--problem <text>', 'show only problems whose id contains this text (case-insensitive)')
    .option('--turns <n>', 'show only episodes that took n turns', positiveInt)
    .option('--plain', 'print the listing even on a terminal', false)
    .addHelpText('after', HELP)
    .action(async (path: string, opts: { episode?: string; outcome: OutcomeFilter; problem?: string; turns?: number; plain: boolean }) => {
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      const data = await loadReplayData(path);
      if (opts.episode !== undefined) {
        const found = findEpisode(data.episodes, opts.episode);
        if ('error' in found) {
          const why = found.error === 'none' ? 'no such episode' : `${found.matches} episodes have this id; give run-id/episode-id`;
          throw new InputError(path, undefined, `episode "${opts.episode}": ${why}`);
        }
        process.stdout.write(plainEpisode(found.episode));
        return;
      }
      const filters: ReplayFilters = { ...NO_FILTERS, outcome: opts.outcome, problem: opts.problem ?? '', turns: opts.turns ?? null };
      if (opts.plain || process.stdout.isTTY !== true || process.stdin.isTTY !== true) {
        process.stdout.write(plainListing(data, filters));
        return;
      }
      await runReplayUi(data, { initialFilters: filters, reload: () => loadReplayData(path) });
    });
}
