/** The list of CLI commands; each adds itself (options, help, action) to the commander program. */
import type { Command } from 'commander';
import { registerJudge } from './judge.ts';
import { registerTrain } from './train.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [registerTrain, registerJudge];
