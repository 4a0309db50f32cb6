/** The list of CLI commands; each adds itself (options, help, action) to the commander program. */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [];
