/**
 * The `rlef` command line: parses argv with commander, runs one command, maps errors to exit codes.
 * Each command lives in `bin/commands/<name>.ts` and exports `register(program)`.
 */
import { Command } from 'commander';
import { exitCodeOf, messageOf } from '../src/runtime/errors.ts';
import { commands } from './commands/index.ts';

const program = new Command()
  .name('rlef')
  .description('Reinforcement learning from execution feedback (RLEF) for code-writing language models')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  // commander throws CommanderError for --help/--version (exit 0) and usage mistakes (exit 1).
  if (error instanceof Error && error.name === 'CommanderError') {
    const code = (error as Error & { exitCode?: number }).exitCode ?? 1;
    process.exit(code === 0 ? 0 : 64);
  }
  process.stderr.write(`rlef: ${messageOf(error)}\n`);
  process.exit(exitCodeOf(error));
}
